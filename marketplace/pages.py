"""Whole pages shared between anonymous visitors, through the site's cache.

A page an anonymous visitor sees depends only on what it shows (the caller names it: a listing's
version, the search's horizon) and on the request's path, host, language and time zones; the
one thing in it that is the visitor's own is the CSRF token (the layout's htmx header, the
forms). So the page is rendered once with a placeholder where the token goes, kept, and each
visitor gets a copy with their own token put in (``get_token``: the same token, and the same
cookie, that rendering would have given them). The placeholder is derived from SECRET_KEY, so
text someone wrote into a listing cannot contain it.

Signed-in users, and a visitor with a message waiting ("You have signed out."), get the page
rendered for them as before: ``page_key`` answers None for them.

While Redis is down the cache answers as an empty one (marketplace/cache.py) and every page is
rendered afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

# A shared page is at most this old; callers put the minute in the key when the page shows
# anything that moves with the clock.
TIMEOUT = 120
# Bump when the layout changes in a way a kept page must not outlive (a deploy that changes only
# templates keeps serving kept pages for TIMEOUT at most).
LAYOUT_VERSION = "1"


def _placeholder() -> str:
    # Letters and digits only: HTML escaping leaves it as it is, wherever the template puts it.
    return "csrf" + hashlib.blake2b(b"marketplace.pages:" + settings.SECRET_KEY.encode(), digest_size=16).hexdigest()


def shareable(request) -> bool:
    """Whether this request may be answered with a shared page: an anonymous visitor with no
    message waiting."""
    return not request.user.is_authenticated and not len(get_messages(request))


def page_key(request, kind: str, *parts, query: bool = True) -> str | None:
    """The key of the page ``kind`` as an anonymous visitor sees it, given ``parts`` (what it
    shows), or None when this request must be rendered for its visitor alone. ``query``: whether
    the page depends on the query string; one that does not is kept once whatever a link added
    to it (each kept page is memory in Redis until it expires)."""
    if not shareable(request):
        return None
    described = (
        # Processes with another SECRET_KEY (a key rotated during a rolling deploy) put another
        # placeholder in their pages: they keep and serve their own.
        _placeholder()[-8:],
        request.get_host(),
        request.get_full_path() if query else request.path,
        get_language(),
        timezone.get_current_timezone_name(),
        *parts,
    )
    digest = hashlib.blake2b(repr(described).encode(), digest_size=16).hexdigest()
    return f"pages:{kind}:{LAYOUT_VERSION}:{digest}"


def minute() -> str:
    """The current minute, for keys of pages that show relative times or the clock's verdicts
    (a deadline passed, posted today)."""
    return timezone.now().strftime("%Y%m%d%H%M")


def shared_page(request, key: str | None, render: Callable[[dict], str], *, status: int = 200) -> HttpResponse:
    """The page under ``key`` from the cache, else ``render(extra_context)`` (kept under
    ``key``), with this visitor's CSRF token in it. ``render`` receives the context to add to
    its own (the placeholder token); with ``key`` None it is simply rendered for this request."""
    if key is None:
        return HttpResponse(render({}), status=status)
    placeholder = _placeholder()
    html = cache.get(key)
    if html is None:
        html = render({"csrf_token": placeholder})
        cache.set(key, html, TIMEOUT)
    return HttpResponse(html.replace(placeholder, get_token(request)), status=status)
