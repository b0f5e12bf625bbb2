"""When listings expire, and what happens around it: the periodic expiry, the 48-hour reminder
with its one-click extension, and the reminder to students who saved a listing.

A listing's expiry moment is ``Listing.expires_at``, set by the listing services when it is
published: the application deadline, or for a micro-internship the end of its staleness window
after publishing, whichever comes first.
Every job here works in bounded batches of ids and is safe to run twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_member
from accounts.selectors import organization_members_active
from notifications.events import Event, register
from notifications.services import Message, notify_each

from .models import Listing, SavedListing

EXPIRE_BATCH = 500
REMIND_BATCH = 500
REMINDER_LEAD = timedelta(hours=48)
SAVED_REMINDER_LEAD = timedelta(hours=48)
EXTENSION = timedelta(days=7)
MAX_EXTENDED_LIFETIME = timedelta(days=120)
EXTEND_LINK_SALT = "listings.extend"

register(
    Event("listing.expiring", "A listing of mine is about to expire", "listings/email/listing_expiring"),
    Event("listing.saved_deadline", "A listing I saved is about to close", "listings/email/saved_deadline"),
)


def listings_expire_due(*, now: datetime | None = None, batch_size: int = EXPIRE_BATCH) -> tuple[int, bool]:
    """Expire one batch of published listings whose moment has passed.

    Returns (expired, more_left). The status change, the history rows, closing every open
    application (each student told once) and telling the organization are
    ``listings.services.listing_expire``'s job: one set-based update per batch.
    """
    from .services import listing_expire

    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Listing.objects.filter(status=Listing.Status.PUBLISHED, expires_at__lte=now)
            .order_by("pk")
            .select_for_update(skip_locked=True, no_key=True)
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return 0, False
        expired = listing_expire(listing_ids=ids)
    return expired, len(ids) == batch_size


def extend_token(listing: Listing) -> str:
    """A signed token for the one-click extension link, bound to the current expiry moment so a
    link from an old reminder cannot extend twice."""
    return signing.dumps({"l": listing.pk, "e": listing.expires_at.isoformat()}, salt=EXTEND_LINK_SALT)


def extend_url(listing: Listing) -> str:
    return reverse("listing_extend", args=[extend_token(listing)])


def listings_remind_expiring(*, now: datetime | None = None, batch_size: int = REMIND_BATCH) -> tuple[int, bool]:
    """Tell each organization once, 48 hours ahead, that a listing is about to expire, with a
    one-click extension link. The row is marked before the notification is recorded, in the
    same transaction, so a second run (or a second beat) finds nothing to send."""
    now = now or timezone.now()
    with transaction.atomic():
        listings = list(
            Listing.objects.filter(
                status=Listing.Status.PUBLISHED,
                expires_at__gt=now,
                expires_at__lte=now + REMINDER_LEAD,
                expiry_reminder_sent_at__isnull=True,
            )
            .order_by("pk")
            .select_for_update(skip_locked=True, no_key=True, of=("self",))
            .select_related("organization")[:batch_size]
        )
        if not listings:
            return 0, False
        Listing.objects.filter(pk__in=[lst.pk for lst in listings]).update(expiry_reminder_sent_at=now)
        members = _members_by_organization({lst.organization_id for lst in listings})
        notify_each(
            event="listing.expiring",
            messages=[
                Message(
                    recipient=member,
                    key=f"listing:{listing.pk}:expiring:{listing.expires_at.isoformat()}",
                    context={
                        "listing": listing,
                        "extend_url": settings.SITE_URL + extend_url(listing),
                        "days": EXTENSION.days,
                    },
                    url=f"/listings/{listing.pk}/",
                    summary=f"{listing.title} expires in less than 48 hours.",
                )
                for listing in listings
                for member in members.get(listing.organization_id, [])
            ],
        )
    return len(listings), len(listings) == batch_size


def _members_by_organization(org_ids: set[int]) -> dict[int, list[User]]:
    members: dict[int, list[User]] = {}
    for user in organization_members_active(organization_ids=org_ids):
        members.setdefault(user.membership.organization_id, []).append(user)
    return members


class ExtensionRefused(Exception):
    """The link is invalid, expired, already used, or the listing cannot be extended."""


def listing_extend(*, token: str, user=None, max_age: timedelta = timedelta(days=7)) -> Listing:
    """Push a published listing's expiry back by seven days (one click from the reminder email).

    The token names the expiry moment it was issued for: once used, the moment moves and the same
    link is refused. A deadline that would end first moves with it. Bounded: a listing never
    lives longer than ``MAX_EXTENDED_LIFETIME`` after publishing.
    """
    try:
        data = signing.loads(token, salt=EXTEND_LINK_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ExtensionRefused("This extension link has expired. Extend the listing from your dashboard.") from exc
    except signing.BadSignature as exc:
        raise ExtensionRefused("This extension link is not valid.") from exc
    with transaction.atomic():
        listing = Listing.objects.select_for_update(no_key=True).filter(pk=data.get("l")).first()
        if listing is None or listing.status != Listing.Status.PUBLISHED:
            raise ExtensionRefused("This listing is no longer published, so it cannot be extended.")
        if listing.expires_at is None or listing.expires_at.isoformat() != data.get("e"):
            raise ExtensionRefused("This link was already used: the listing has been extended.")
        if user is not None and not is_member(user, listing.organization_id):
            raise ExtensionRefused("Only members of the organization can extend this listing.")
        new_expiry = listing.expires_at + EXTENSION
        limit = (listing.published_at or timezone.now()) + MAX_EXTENDED_LIFETIME
        if new_expiry > limit:
            raise ExtensionRefused("This listing has reached its longest allowed lifetime; post it again instead.")
        fields = ["expires_at", "expiry_reminder_sent_at", "updated_at"]
        if listing.application_deadline and listing.application_deadline < new_expiry:
            listing.application_deadline = new_expiry
            fields.append("application_deadline")
        if listing.kind == Listing.Kind.MICRO and listing.published_at:
            # Keep the staleness window in step so that the moment stays consistent.
            needed = (new_expiry - listing.published_at).days + 1
            listing.staleness_days = max(listing.staleness_days, needed)
            fields.append("staleness_days")
        listing.expires_at = new_expiry
        listing.expiry_reminder_sent_at = None
        listing.save(update_fields=fields)
    return listing


def saved_listings_remind_deadline(*, now: datetime | None = None, batch_size: int = REMIND_BATCH) -> tuple[int, bool]:
    """Remind each student who saved a listing, once, 48 hours before its application deadline
    (unless they already applied)."""
    now = now or timezone.now()
    with transaction.atomic():
        saves = list(
            SavedListing.objects.filter(
                deadline_reminder_sent_at__isnull=True,
                listing__status=Listing.Status.PUBLISHED,
                listing__application_deadline__gt=now,
                listing__application_deadline__lte=now + SAVED_REMINDER_LEAD,
            )
            .order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("user", "listing")[:batch_size]
        )
        if not saves:
            return 0, False
        SavedListing.objects.filter(pk__in=[s.pk for s in saves]).update(deadline_reminder_sent_at=now)
        # Who applied, read through the relation the applications app declares (this app is below it).
        applied = set(
            Listing.objects.filter(
                pk__in={s.listing_id for s in saves}, applications__student_id__in={s.user_id for s in saves}
            ).values_list("pk", "applications__student_id")
        )
        notify_each(
            event="listing.saved_deadline",
            messages=[
                Message(
                    recipient=s.user,
                    key=f"saved:{s.pk}:deadline",
                    context={"listing": s.listing},
                    url=f"/listings/{s.listing_id}/",
                    summary=f"Applications for {s.listing.title} close soon.",
                )
                for s in saves
                if (s.listing_id, s.user_id) not in applied
            ],
        )
    return len(saves), len(saves) == batch_size
