"""The calendar settings page, the private feed and the one-off event downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .ics import calendar_bytes
from .sources import events_for

SESSION_KEY = "calendars:new_token"


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The feed's address is a secret: keep its answers out of shared caches and search engines.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def calendar_settings(request):
    """The user's feed (on or off, a fresh address shown once) and the events it holds."""
    token = request.session.pop(SESSION_KEY, None)
    feed_url = request.build_absolute_uri(reverse("calendars:feed", args=[token])) if token else None
    return render(
        request,
        "calendars/calendar_settings.html",
        {"feed": selectors.feed_of(request.user), "feed_url": feed_url, "events": events_for(request.user)},
    )


@login_required
@require_POST
def feed_issue(request):
    replaced = selectors.feed_of(request.user) is not None
    request.session[SESSION_KEY] = services.calendar_feed_issue(user=request.user)
    if replaced:
        messages.success(
            request, "New calendar address made. The old one no longer works: subscribe again with this one."
        )
    else:
        messages.success(request, "Your calendar address is ready: add it to your calendar application.")
    return redirect("calendars:settings")


@login_required
@require_POST
def feed_revoke(request):
    if services.calendar_feed_revoke(user=request.user):
        messages.success(request, "Calendar feed turned off: its address no longer works.")
    return redirect("calendars:settings")


@require_GET
def feed(request, token: str):
    """The private feed. No login (calendar applications cannot sign in): the token is the key;
    an unknown, replaced or revoked one answers 404."""
    found = selectors.feed_for_token(token)
    if found is None:
        raise Http404("No such calendar.")
    body = calendar_bytes(
        events_for(found.user), name=f"Intern Anywhere: {found.user.get_short_name()}", stamp=timezone.now()
    )
    return _ics(body, "intern-anywhere.ics")


@login_required
@require_GET
def event_download(request, key: str):
    """One event of the user's calendar as its own .ics file."""
    event = next((e for e in events_for(request.user) if e.key == key), None)
    if event is None:
        raise Http404("No such event.")
    return _ics(calendar_bytes([event], name="Intern Anywhere", stamp=timezone.now()), f"{key}.ics")
