"""The API's rate limits: per user, per token, per anonymous address, and stricter ones for search
and for writes. Every API view has all of them (``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]``);
each decides whether it applies to a request. Rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``,
read on each request (DRF's own classes read them once, at import).

The request history lives in the Django cache, i.e. Redis through ``marketplace.cache``, which
answers as an empty cache while Redis is down or hung: the limits are then not enforced, and
requests go through, until Redis is back. An unexpected Redis error is treated the same way; a
rate limit is never a reason to refuse service.

A refused request gets 429 with ``Retry-After`` (DRF) in the shared error shape (``marketplace.api``).
"""

from __future__ import annotations

import logging

from django.db import models
from redis.exceptions import RedisError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

SEARCH_SCOPE = "search"


class _RateThrottle(SimpleRateThrottle):
    cache_format = "throttle:%(scope)s:%(ident)s"

    def get_rate(self):
        # From the settings of this moment, so that override_settings and the test settings apply.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except RedisError as exc:  # the degrading cache covers outages; anything else Redis says
            logger.warning("Throttle %s not applied: %s", self.scope, exc)
            return True

    def client_ident(self, request) -> str:
        """The signed-in user, else the client's address."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user-{user.pk}"
        return f"ip-{self.get_ident(request)}"

    def key(self, ident: str) -> str:
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonRateThrottle(_RateThrottle):
    """Requests without a signed-in user, per client address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.key(self.get_ident(request))


class UserRateThrottle(_RateThrottle):
    """Every request of a signed-in user, whichever way they signed in."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.key(str(request.user.pk))


class TokenRateThrottle(_RateThrottle):
    """Requests authenticated by a stored token, per token: one script cannot use up its user's
    whole allowance."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        if not isinstance(token, models.Model) or token.pk is None:
            return None
        return self.key(f"{token._meta.label_lower}-{token.pk}")


class SearchRateThrottle(_RateThrottle):
    """Search, the most expensive read: reads of views with ``throttle_scope = "search"`` (a write
    to the same URL, such as creating a listing, counts as a write, not a search)."""

    scope = SEARCH_SCOPE

    def get_cache_key(self, request, view):
        if getattr(view, "throttle_scope", None) != SEARCH_SCOPE or request.method not in SAFE_METHODS:
            return None
        return self.key(self.client_ident(request))


class WriteRateThrottle(_RateThrottle):
    """Requests that change something (every method but GET, HEAD and OPTIONS)."""

    scope = "write"

    def get_cache_key(self, request, view):
        if request.method in SAFE_METHODS:
            return None
        return self.key(self.client_ident(request))
