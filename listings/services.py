"""Listing writes. Every status move goes through :func:`listing_transition`; nothing else assigns
``Listing.status``. The search vector, the typo dictionary and the derived columns are maintained
here on every create and edit (one UPDATE with ``to_tsvector``, never per request).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization, Skill
from accounts.permissions import is_member
from accounts.selectors import organization_members_active
from marketplace.concurrency import check_version
from notifications.services import Message, notify_each

from .currency import to_reference
from .models import (
    Listing,
    ListingReport,
    ListingStatusChange,
    SavedListing,
    SavedSearch,
    ScreeningQuestion,
    SearchTerm,
)
from .permissions import can_manage_listing, can_moderate, can_save_listings
from .signals import listings_ended
from .timezones import work_window_key

S = Listing.Status

# The listing status machine, in one place: (from, to) pairs that are allowed.
TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (S.DRAFT, S.PENDING_REVIEW),  # submitted by an unverified organization
        (S.DRAFT, S.PUBLISHED),  # submitted by a verified organization
        (S.REJECTED, S.PENDING_REVIEW),  # edited and submitted again
        (S.REJECTED, S.PUBLISHED),
        (S.PENDING_REVIEW, S.PUBLISHED),  # approved by site staff
        (S.PENDING_REVIEW, S.REJECTED),  # rejected by site staff, with a reason
        (S.PUBLISHED, S.PENDING_REVIEW),  # an unverified organization edited a published listing
        (S.PENDING_REVIEW, S.CLOSED),
        (S.PUBLISHED, S.CLOSED),
        (S.PUBLISHED, S.EXPIRED),
    }
)

# Which event tells the organization's members about a move (moves not listed notify nobody).
MEMBER_EVENTS = {
    S.PUBLISHED: "listing.approved",  # only when staff approved it (see _notify)
    S.REJECTED: "listing.rejected",
    S.CLOSED: "listing.closed",
    S.EXPIRED: "listing.expired",
}

# A move to one of these ends the listing: its open applications close with it.
ENDED = (S.CLOSED, S.EXPIRED)

# Listings stay open this long when they have no deadline.
DEFAULT_OPEN_DAYS = 60
REPORTS_TO_HIDE = 3
MICRO_MAX_DAYS = 42
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)


class TransitionError(ValidationError):
    """A status move the machine does not allow; the message is shown to the user."""


def _label(status: str) -> str:
    return S(status).label if status in S.values else status


def _expires_at(listing: Listing, now):
    candidates = []
    if listing.application_deadline:
        candidates.append(listing.application_deadline)
    if listing.is_micro:
        candidates.append(now + timedelta(days=listing.staleness_days))
    if not candidates:
        candidates.append(now + timedelta(days=DEFAULT_OPEN_DAYS))
    return min(candidates)


def listing_transition(
    *,
    listing_ids: list[int],
    to_status: str,
    actor=None,
    reason: str = "",
    strict: bool = True,
    from_statuses: tuple[str, ...] | None = None,
) -> list[Listing]:
    """Move listings to ``to_status`` where the transition table allows it.

    Locks the rows in primary-key order (``SELECT … FOR NO KEY UPDATE``), re-checks each status
    under the lock, saves with ``update_fields``, writes one :class:`ListingStatusChange` per row
    and notifies the organizations' members. ``from_statuses`` narrows the table for one action
    (staff approve only what is pending, not drafts). With ``strict`` a disallowed move raises
    :class:`TransitionError`; without it (set-based jobs such as expiry) such rows are skipped.
    Listings that closed or expired send ``listings_ended`` in the same transaction (their open
    applications close: the listing rows are locked before any application, as everywhere).
    Returns the listings that moved.
    """
    with transaction.atomic():
        rows = list(
            Listing.objects.filter(pk__in=listing_ids)
            .order_by("pk")
            .select_for_update(no_key=True, of=("self",))
            .select_related("organization")
        )
        now = timezone.now()
        moved: list[Listing] = []
        changes: list[ListingStatusChange] = []
        for row in rows:
            if (row.status, to_status) not in TRANSITIONS or (from_statuses and row.status not in from_statuses):
                if strict:
                    raise TransitionError(
                        f"A listing that is “{_label(row.status)}” cannot become “{_label(to_status)}”."
                    )
                continue
            changes.append(
                ListingStatusChange(
                    listing=row, from_status=row.status, to_status=to_status, actor=actor, reason=reason
                )
            )
            row.status = to_status
            row.updated_at = now  # bulk_update does not apply auto_now: the version must still move
            fields = ["status", "updated_at"]
            if to_status == S.PUBLISHED:
                row.published_at = now
                row.expires_at = _expires_at(row, now)
                row.moderation_note = ""
                row.closed_at = None
                fields += ["published_at", "expires_at", "moderation_note", "closed_at"]
            elif to_status == S.REJECTED:
                row.moderation_note = reason
                fields.append("moderation_note")
            elif to_status in (S.CLOSED, S.EXPIRED):
                row.closed_at = now
                fields.append("closed_at")
            moved.append(row)
        if strict and len(moved) != len(set(listing_ids)):
            raise TransitionError("That listing does not exist.")
        if len(moved) == 1:
            moved[0].save(update_fields=fields)
        elif moved and to_status != S.PUBLISHED:
            # Every row gets the same values (expiry, closing): one plain UPDATE, not a CASE per row.
            first = moved[0]
            Listing.objects.filter(pk__in=[m.pk for m in moved]).update(
                **{name: getattr(first, name) for name in fields if name != "updated_at"}, updated_at=now
            )
        elif moved:
            # Publishing: each row has its own expiry moment.
            Listing.objects.bulk_update(moved, fields, batch_size=500)
        ListingStatusChange.objects.bulk_create(changes)
        _notify(listings=moved, changes=changes, actor=actor, reason=reason)
        if moved and to_status in ENDED:
            listings_ended.send(
                sender=Listing, listing_ids=[m.pk for m in moved], to_status=to_status, reason=reason, actor=actor
            )
    return moved


def _notify(*, listings: list[Listing], changes: list[ListingStatusChange], actor, reason: str) -> None:
    by_listing = {c.listing_id: c for c in changes}
    wanted = []
    for listing in listings:
        change = by_listing[listing.pk]
        event = MEMBER_EVENTS.get(change.to_status)
        if event is None:
            continue
        # "Approved" only means something after a review; a verified organization publishing its
        # own listing needs no email.
        if change.to_status == S.PUBLISHED and change.from_status != S.PENDING_REVIEW:
            continue
        wanted.append((listing, change, event))
    if not wanted:
        return
    org_ids = {listing.organization_id for listing, _, _ in wanted}
    members: dict[int, list] = {}
    for user in organization_members_active(organization_ids=org_ids):
        members.setdefault(user.membership.organization_id, []).append(user)
    per_event: dict[str, list[Message]] = {}
    for listing, change, event in wanted:
        for user in members.get(listing.organization_id, []):
            if actor is not None and user.pk == actor.pk:
                continue  # people are not told about what they just did themselves
            per_event.setdefault(event, []).append(
                Message(
                    recipient=user,
                    key=f"listing:{listing.pk}:status:{change.to_status}:{change.pk}",
                    context={"listing": listing, "reason": reason, "change": change},
                    url=f"/listings/manage/{listing.pk}/",
                    summary=f"{listing.title}: {_label(change.to_status)}",
                )
            )
    for event, messages in per_event.items():
        notify_each(event=event, messages=messages)


# --- contracts used by other apps -------------------------------------------------------------


def listing_close(*, listing: Listing, actor=None, reason: str) -> Listing:
    """Close a published (or pending) listing and, through ``listings_ended``, every open
    application to it.

    Called by members from the dashboard, by staff upholding reports, and by the applications app
    (``reason="filled"``) when accepted placements reach the openings.
    """
    (closed,) = listing_transition(listing_ids=[listing.pk], to_status=S.CLOSED, actor=actor, reason=reason)
    listing.status, listing.closed_at = closed.status, closed.closed_at
    return closed


def listing_expire(*, listing_ids: list[int], reason: str = "expired") -> int:
    """Expire the given published listings (set-based; others are skipped) and, through
    ``listings_ended``, close their open applications. Returns how many listings expired. Safe to
    run twice."""
    moved = listing_transition(listing_ids=list(listing_ids), to_status=S.EXPIRED, reason=reason, strict=False)
    return len(moved)


# --- create and edit ----------------------------------------------------------------------------

WORD = re.compile(r"[a-z][a-z0-9]{2,29}")


def words_of(*texts: str) -> set[str]:
    """Dictionary words of titles and skills (lower case, 3–30 characters)."""
    return {w for text in texts for w in WORD.findall(text.lower())}


def hourly_pay(listing: Listing) -> Decimal | None:
    """Pay per hour of work in US dollars (approximate, see currency.py), for sorting by pay;
    unpaid is 0; None when the currency has no rate."""
    if listing.compensation_type == Listing.Compensation.UNPAID or not listing.compensation_amount:
        return Decimal(0)
    amount = Decimal(str(listing.compensation_amount))
    hours = Decimal(listing.hours_per_week or 1)
    if listing.compensation_type == Listing.Compensation.FIXED_FEE:
        total_hours = listing.estimated_total_hours or hours * Decimal(listing.duration_days) / 7
    elif listing.pay_period == Listing.PayPeriod.HOUR:
        total_hours = Decimal(1)
    elif listing.pay_period == Listing.PayPeriod.WEEK:
        total_hours = hours
    elif listing.pay_period == Listing.PayPeriod.MONTH:
        total_hours = hours * WEEKS_PER_MONTH
    else:
        total_hours = hours * Decimal(listing.duration_days) / 7
    return to_reference(amount / max(total_hours, Decimal(1)), listing.currency)


PAY_FIELDS = [
    "compensation_type",
    "compensation_amount",
    "currency",
    "pay_period",
    "hours_per_week",
    "duration_days",
    "estimated_total_hours",
    "hourly_pay",
]


def listings_refresh_hourly_pay(listings=None, batch_size: int = 2000) -> int:
    """Recompute the hourly pay of every listing (after exchange rates change), in batches;
    returns how many changed. ``listings``: another manager (a migration's historical model)."""
    manager = listings if listings is not None else Listing.objects
    changed, stale = 0, []
    for listing in manager.only(*PAY_FIELDS).order_by("pk").iterator(chunk_size=batch_size):
        pay = hourly_pay(listing)
        if pay != listing.hourly_pay:
            listing.hourly_pay = pay
            stale.append(listing)
        if len(stale) >= batch_size:
            manager.bulk_update(stale, ["hourly_pay"])
            changed, stale = changed + len(stale), []
    manager.bulk_update(stale, ["hourly_pay"])
    return changed + len(stale)


SEARCH_VECTOR_SQL = """
UPDATE listings_listing SET search_vector =
    setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', array_to_string(skill_names, ' ')), 'B')
    || setweight(to_tsvector('english', coalesce(description, '')), 'C')
WHERE {where}
"""


def listings_refresh_search(*, listing_ids: list[int] | None = None, only_missing: bool = False) -> None:
    """Recompute the weighted search vector (A title, B skills, C description) in the database:
    of the given listings, or of all (``only_missing``: those without one, after bulk inserts)."""
    with connection.cursor() as cursor:
        if listing_ids is None:
            cursor.execute(SEARCH_VECTOR_SQL.format(where="search_vector IS NULL" if only_missing else "true"))
        else:
            cursor.execute(SEARCH_VECTOR_SQL.format(where="id = ANY(%s)"), [list(listing_ids)])


def _skills(names: list[str]) -> list[Skill]:
    from django.utils.text import slugify

    wanted: dict[str, str] = {}
    for name in names:
        name = name.strip()[:60]
        slug = slugify(name)[:60]
        if slug and slug not in wanted:
            wanted[slug] = name
    existing = {s.slug: s for s in Skill.objects.filter(slug__in=wanted)}
    missing = [Skill(slug=slug, name=name) for slug, name in wanted.items() if slug not in existing]
    Skill.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        existing = {s.slug: s for s in Skill.objects.filter(slug__in=wanted)}
    return [existing[slug] for slug in wanted if slug in existing]


LISTING_FIELDS = [
    "kind",
    "title",
    "description",
    "field",
    "compensation_type",
    "compensation_amount",
    "currency",
    "pay_period",
    "hours_per_week",
    "duration_days",
    "start_date",
    "application_deadline",
    "work_start",
    "work_end",
    "time_zone",
    "eligible_countries",
    "openings",
    "collaboration_tools",
    "requires_resume",
    "deliverables",
    "milestones",
    "estimated_total_hours",
    "staleness_days",
]


def _apply(listing: Listing, data: dict, skills: list[Skill]) -> list[str]:
    changed = []
    for name in LISTING_FIELDS:
        if name in data:
            setattr(listing, name, data[name])
            changed.append(name)
    if listing.compensation_type == Listing.Compensation.UNPAID:
        listing.compensation_amount, listing.currency, listing.pay_period = None, "", ""
    elif listing.compensation_type == Listing.Compensation.FIXED_FEE:
        listing.pay_period = Listing.PayPeriod.TOTAL
    listing.currency = (listing.currency or "").upper()
    listing.skill_names = [s.name for s in skills]
    listing.work_window = work_window_key(
        time_zone=listing.time_zone, work_start=listing.work_start, work_end=listing.work_end
    )
    listing.hourly_pay = hourly_pay(listing)
    return [*changed, "compensation_amount", "currency", "pay_period", "skill_names", "work_window", "hourly_pay"]


def _save_questions(listing: Listing, questions: list[dict]) -> None:
    keep = []
    existing = {q.pk: q for q in listing.questions.all()} if listing.pk else {}
    to_update, to_create = [], []
    for position, item in enumerate(questions):
        question = existing.get(item.get("id"))
        if question is None:
            to_create.append(
                ScreeningQuestion(
                    listing=listing, prompt=item["prompt"], required=item.get("required", True), position=position
                )
            )
        else:
            question.prompt, question.required, question.position = (
                item["prompt"],
                item.get("required", True),
                position,
            )
            to_update.append(question)
            keep.append(question.pk)
    listing.questions.exclude(pk__in=keep).delete()
    if to_update:
        ScreeningQuestion.objects.bulk_update(to_update, ["prompt", "required", "position"])
    ScreeningQuestion.objects.bulk_create(to_create)


def _after_write(listing: Listing, skills: list[Skill]) -> None:
    listing.skills.set(skills)
    listings_refresh_search(listing_ids=[listing.pk])
    SearchTerm.objects.bulk_create(
        [SearchTerm(word=w) for w in sorted(words_of(listing.title, *listing.skill_names))], ignore_conflicts=True
    )


def listing_create(
    *, organization: Organization, actor, data: dict, skill_names: list[str], questions: list[dict]
) -> Listing:
    """Create a draft listing of ``organization``."""
    if actor is not None and not is_member(actor, organization.pk):
        raise PermissionDenied("Only members of the organization may post its listings.")
    with transaction.atomic():
        listing = Listing(organization=organization, created_by=actor, status=S.DRAFT)
        skills = _skills(skill_names)
        _apply(listing, data, skills)
        listing.full_clean(exclude=["search_vector"])
        listing.save()
        _save_questions(listing, questions)
        _after_write(listing, skills)
    return listing


def listing_update(
    *,
    listing: Listing,
    actor,
    data: dict,
    skill_names: list[str],
    questions: list[dict],
    if_version: Collection[str] | None = None,
) -> Listing:
    """Edit a listing. An unverified organization's edit of a published listing goes back to review.

    ``if_version``: the versions the editor read (the API's ``If-Match``); checked under the row
    lock, so that of two editors who read the same version only the first one writes and the
    other gets :class:`~marketplace.concurrency.StaleVersion` with nothing changed."""
    if not can_manage_listing(actor, listing):
        raise PermissionDenied("You cannot edit this listing.")
    if listing.status in (S.CLOSED, S.EXPIRED):
        raise TransitionError("A closed or expired listing cannot be edited; duplicate it instead.")
    with transaction.atomic():
        locked = Listing.objects.select_for_update(no_key=True).select_related("organization").get(pk=listing.pk)
        check_version(locked.version, if_version)
        skills = _skills(skill_names)
        fields = _apply(locked, data, skills)
        if locked.status == S.PUBLISHED and locked.published_at:
            # A new deadline or staleness window moves the expiry moment (and re-arms its reminder).
            expires_at = _expires_at(locked, locked.published_at)
            if expires_at != locked.expires_at:
                locked.expires_at, locked.expiry_reminder_sent_at = expires_at, None
                fields += ["expires_at", "expiry_reminder_sent_at"]
        locked.full_clean(exclude=["search_vector"])
        locked.save(update_fields=[*fields, "updated_at"])
        _save_questions(locked, questions)
        _after_write(locked, skills)
        if locked.status == S.PUBLISHED and not locked.organization.is_verified:
            listing_transition(
                listing_ids=[locked.pk], to_status=S.PENDING_REVIEW, actor=actor, reason="Edited after publishing"
            )
            locked.status = S.PENDING_REVIEW
    return locked


def listing_submit(*, listing: Listing, actor) -> Listing:
    """Submit a draft (or a rejected listing): a verified organization publishes at once, an
    unverified one goes to review."""
    if not can_manage_listing(actor, listing):
        raise PermissionDenied("You cannot submit this listing.")
    if listing.application_deadline and listing.application_deadline <= timezone.now():
        raise TransitionError("The application deadline has passed: edit the listing before submitting it.")
    organization = Organization.objects.get(pk=listing.organization_id)
    target = S.PUBLISHED if organization.is_verified else S.PENDING_REVIEW
    (moved,) = listing_transition(
        listing_ids=[listing.pk], to_status=target, actor=actor, from_statuses=(S.DRAFT, S.REJECTED)
    )
    return moved


def listing_approve(*, listing: Listing, actor) -> Listing:
    if not can_moderate(actor):
        raise PermissionDenied("Only site staff approve listings.")
    (moved,) = listing_transition(
        listing_ids=[listing.pk],
        to_status=S.PUBLISHED,
        actor=actor,
        reason="Approved",
        from_statuses=(S.PENDING_REVIEW,),
    )
    return moved


def listing_reject(*, listing: Listing, actor, reason: str) -> Listing:
    if not can_moderate(actor):
        raise PermissionDenied("Only site staff reject listings.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the organization a reason, so they can fix the listing."})
    (moved,) = listing_transition(
        listing_ids=[listing.pk],
        to_status=S.REJECTED,
        actor=actor,
        reason=reason.strip(),
        from_statuses=(S.PENDING_REVIEW,),
    )
    return moved


def listing_duplicate(*, listing: Listing, actor) -> Listing:
    """A new draft with the same content (deadline and dates cleared, since they have passed)."""
    if not can_manage_listing(actor, listing):
        raise PermissionDenied("You cannot duplicate this listing.")
    data = {name: getattr(listing, name) for name in LISTING_FIELDS}
    data.update(title=f"{listing.title} (copy)"[:160], application_deadline=None, start_date=None)
    questions = [{"prompt": q.prompt, "required": q.required} for q in listing.questions.all()]
    return listing_create(
        organization=listing.organization,
        actor=actor,
        data=data,
        skill_names=list(listing.skill_names),
        questions=questions,
    )


def listing_delete_draft(*, listing: Listing, actor) -> None:
    if not can_manage_listing(actor, listing):
        raise PermissionDenied("You cannot delete this listing.")
    with transaction.atomic():
        deleted, _ = Listing.objects.filter(pk=listing.pk, status=S.DRAFT).delete()
        if not deleted:
            raise TransitionError("Only drafts can be deleted; close a submitted listing instead.")


# --- saving, searches, reports ------------------------------------------------------------------


def saved_listing_toggle(*, user, listing: Listing) -> bool:
    """Save or unsave; returns True when the listing is now saved."""
    if not can_save_listings(user):
        raise PermissionDenied("Only students save listings.")
    with transaction.atomic():
        deleted, _ = SavedListing.objects.filter(user=user, listing=listing).delete()
        if deleted:
            return False
        SavedListing.objects.get_or_create(user=user, listing=listing)
    return True


def saved_search_create(*, user, name: str, query_string: str, frequency: str) -> SavedSearch:
    if not can_save_listings(user):
        raise PermissionDenied("Only students save searches.")
    search = SavedSearch(user=user, name=name.strip() or "My search", query_string=query_string, frequency=frequency)
    search.full_clean()
    search.save()
    return search


def saved_search_update(*, search: SavedSearch, user, frequency: str, name: str | None = None) -> SavedSearch:
    if search.user_id != user.pk:
        raise PermissionDenied("That saved search is not yours.")
    search.frequency = frequency
    fields = ["frequency"]
    if name is not None and name.strip():
        search.name = name.strip()
        fields.append("name")
    search.full_clean()
    search.save(update_fields=fields)
    return search


def saved_search_delete(*, search: SavedSearch, user) -> None:
    if search.user_id != user.pk:
        raise PermissionDenied("That saved search is not yours.")
    search.delete()


def listing_report(*, listing: Listing, reporter, reason: str, details: str = "") -> ListingReport:
    """Record a report. With :data:`REPORTS_TO_HIDE` open reports the listing is hidden from the
    public until staff review it, and its organization is told."""
    if not getattr(reporter, "is_authenticated", False):
        raise PermissionDenied("Sign in to report a listing.")
    if can_manage_listing(reporter, listing):
        raise PermissionDenied("You cannot report your own organization's listing.")
    with transaction.atomic():
        locked = Listing.objects.select_for_update(no_key=True).get(pk=listing.pk)
        if ListingReport.objects.filter(listing=locked, reporter=reporter, status=ListingReport.Status.OPEN).exists():
            raise ValidationError("You have already reported this listing; our moderators will look at it.")
        report = ListingReport(listing=locked, reporter=reporter, reason=reason, details=details.strip())
        report.full_clean()
        report.save()
        open_reports = ListingReport.objects.filter(listing=locked, status=ListingReport.Status.OPEN).count()
        if open_reports >= REPORTS_TO_HIDE and not locked.hidden_for_review:
            locked.hidden_for_review = True
            locked.save(update_fields=["hidden_for_review", "updated_at"])
            members = organization_members_active(organization_ids=[locked.organization_id])
            notify_each(
                event="listing.hidden",
                messages=[
                    Message(
                        recipient=user,
                        key=f"listing:{locked.pk}:hidden:{report.pk}",
                        context={"listing": locked},
                        url=f"/listings/manage/{locked.pk}/",
                        summary=f"{locked.title} is hidden pending review",
                    )
                    for user in members
                ],
            )
    listing.hidden_for_review = locked.hidden_for_review
    return report


def listing_reports_resolve(*, listing: Listing, actor, uphold: bool, note: str = "") -> Listing:
    """Staff decide the open reports of a listing: uphold closes the listing (and its
    applications); dismiss shows it again."""
    if not can_moderate(actor):
        raise PermissionDenied("Only site staff handle reports.")
    with transaction.atomic():
        now = timezone.now()
        ListingReport.objects.filter(listing=listing, status=ListingReport.Status.OPEN).update(
            status=ListingReport.Status.UPHELD if uphold else ListingReport.Status.DISMISSED,
            resolved_at=now,
            resolved_by=actor,
        )
        locked = Listing.objects.select_for_update(no_key=True).get(pk=listing.pk)
        if locked.hidden_for_review:
            locked.hidden_for_review = False
            locked.save(update_fields=["hidden_for_review", "updated_at"])
        if uphold and locked.status in (S.PUBLISHED, S.PENDING_REVIEW):
            locked = listing_close(
                listing=locked, actor=actor, reason=note.strip() or "Removed by moderators after reports"
            )
        elif uphold:
            # Already ended: keep it out of sight for good.
            Listing.objects.filter(pk=locked.pk).update(hidden_for_review=True)
            locked.hidden_for_review = True
    return locked


def open_report_filter() -> Q:
    return Q(reports__status=ListingReport.Status.OPEN)
