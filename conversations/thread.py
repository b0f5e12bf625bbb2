"""What the thread partial (``templates/conversations/_thread.html``) shows, for the pages that
include it: the application pages, the standalone thread page and the placement workspace."""

from __future__ import annotations

from urllib.parse import unquote

from django.conf import settings
from django.urls import reverse

from applications.models import Application
from listings.timezones import valid_zone

from .choices import Side
from .forms import MessageForm
from .permissions import Access
from .selectors import ThreadPage, thread_page


def person_name(user, default: str = "Former user") -> str:
    """How a message's author or a party is named; a deleted account is never shown by address."""
    if user is None or user.anonymised_at is not None:
        return default
    return user.get_full_name()


def viewer_zone(request) -> str:
    """Times are shown in the browser's zone (the ``tz`` cookie site.js sets), else UTC: no query."""
    return valid_zone(unquote(request.COOKIES.get("tz", ""))) or "UTC"


def thread_urls(application: Application) -> dict[str, str]:
    return {
        "page": reverse("conversations:thread", args=[application.pk]),
        "poll": reverse("conversations:poll", args=[application.pk]),
        "earlier": reverse("conversations:earlier", args=[application.pk]),
        "post": reverse("conversations:post", args=[application.pk]),
    }


def other_party(application: Application, access: Access) -> str:
    organization = application.listing.organization.name
    student = person_name(application.student, "a former user")
    if access.side == Side.STUDENT:
        return organization
    if access.side == Side.ORGANIZATION:
        return student
    return f"{student} and {organization}"


def thread_context(
    *, request, application: Application, access: Access, page: ThreadPage | None = None, form=None
) -> dict:
    page = page or thread_page(application_id=application.pk)
    return {
        "application": application,
        "access": access,
        "page": page,
        "last_id": page.last_id or 0,
        "form": form or MessageForm(),
        "urls": thread_urls(application),
        "poll_seconds": settings.CONVERSATION_POLL_SECONDS,
        "next": request.get_full_path(),
        "viewer": request.user,
        "viewer_tz": viewer_zone(request),
        "other_party": other_party(application, access),
    }
