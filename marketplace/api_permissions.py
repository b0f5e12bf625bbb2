"""The token scope, as a DRF permission: a read-only personal token reads and nothing else.

``TokenScope`` is in ``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]``; a view that sets its own
``permission_classes`` starts them with :data:`API_DEFAULT` (a test walks the URLconf to check).
Session requests (the site's JavaScript) are not limited by it.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated, IsAuthenticatedOrReadOnly


def token_allows(token, method: str) -> bool:
    """May a request authenticated by ``token`` use ``method``? ``token`` is ``request.auth``:
    an ``accounts.models.PersonalToken`` (asked by its ``read_only`` property, so that every
    app, the lowest included, may use this module), or None for a session."""
    if getattr(token, "read_only", False):
        return method in SAFE_METHODS
    return True


class TokenScope(BasePermission):
    message = "This token is read-only: create a read and write token to change anything."

    def has_permission(self, request, view) -> bool:
        return token_allows(request.auth, request.method)


# Views that need a signed-in user: ``permission_classes = SIGNED_IN``.
API_DEFAULT = [TokenScope]
SIGNED_IN = [TokenScope, IsAuthenticated]
# Anyone reads, the signed-in write (through the view's own checks).
READ_OR_SIGNED_IN = [TokenScope, IsAuthenticatedOrReadOnly]
