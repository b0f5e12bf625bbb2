"""Personal API tokens on the API: ``Authorization: Bearer <secret>``.

This authenticator comes first in ``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]`` so that
DRF answers 401 with ``WWW-Authenticate: Bearer`` (not 403) to a request without credentials or
with an unknown, revoked or expired token. The site's own JavaScript keeps its session (with CSRF)
through the session authenticator after it.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from accounts import services


class PersonalTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # no token: the session authenticator may still know the user
        if len(parts) != 2:
            raise AuthenticationFailed("Send the token as: Authorization: Bearer <token>.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("The token is not valid.") from None
        token = services.personal_token_use(secret=secret)
        if token is None:
            raise AuthenticationFailed("The token is not valid: unknown, revoked or expired.")
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema (``bearerAuth``), beside the session's ``cookieAuth``."""

    target_class = PersonalTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (settings → API tokens): read only or read and write.",
        }
