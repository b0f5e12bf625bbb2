"""The OpenAPI schema's shared parts: every operation documents the errors it can answer.

``AutoSchema`` (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``) adds to each operation the error
responses in the one shape of ``marketplace.api``: 401, 403, 404 and 429 everywhere (any request
may come without valid credentials, be refused, name an unknown object or page, or be
throttled), 400 where the operation reads input (a body or query parameters), 415 where it reads
a body. An error code a view declares itself gets the same shape, so no operation documents an
error body the API does not send.
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from .serializers import Serializer

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

ERROR_DESCRIPTIONS = {
    "400": "The input is not valid (`validation_error`, `fields` names each invalid input) or could not be parsed.",
    "401": "Credentials were given but are not valid (`authentication_failed`).",
    "403": "Not signed in (`not_authenticated`) or not allowed to do this (`permission_denied`).",
    "404": "No such object, page or endpoint, or not one the caller may see (`not_found`).",
    "409": "The request conflicts with the current state of the resource (`conflict`).",
    "410": "The resource existed and is gone for good (`gone`).",
    "412": "The resource changed since it was read (`precondition_failed`).",
    "415": "The request body's media type is not accepted (`unsupported_media_type`).",
    "429": "Too many requests (`throttled`); retry after `Retry-After` seconds.",
}

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request is allowed.",
        "schema": {"type": "integer", "minimum": 0},
    }
}


class ErrorOutput(Serializer):
    """Every error answer of the API."""

    type = serializers.CharField(
        help_text="A short stable slug: validation_error, parse_error, not_authenticated, "
        "authentication_failed, permission_denied, not_found, method_not_allowed, unsupported_media_type, "
        "conflict, precondition_failed, throttled, server_error."
    )
    detail = serializers.CharField(help_text="What went wrong, for a person.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each invalid input (dotted for nested ones) with its messages; empty otherwise.",
    )


ERROR_EXAMPLES = {
    "400": OpenApiExample(
        "Invalid input",
        value={
            "type": "validation_error",
            "detail": "The request is not valid; see fields.",
            "fields": {"cover_letter": ["This field may not be blank."]},
        },
        response_only=True,
        status_codes=["400"],
    ),
    "429": OpenApiExample(
        "Throttled",
        value={"type": "throttled", "detail": "Request was throttled. Expected available in 12 seconds.", "fields": {}},
        response_only=True,
        status_codes=["429"],
    ),
}


class AutoSchema(openapi.AutoSchema):
    def _reads_input(self) -> bool:
        if self.method in WRITE_METHODS:
            return True
        parameters = self._get_parameters()
        return any(p.get("in") == "query" for p in parameters)

    def error_codes(self) -> list[str]:
        codes = ["401", "403", "404", "429"]
        if self._reads_input():
            codes.append("400")
        if self.method in WRITE_METHODS and self.view.get_parsers():
            codes.append("415")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        declared = [code for code in responses if code >= "400"]
        for code in sorted({*declared, *self.error_codes()}):
            examples = [ERROR_EXAMPLES[code]] if code in ERROR_EXAMPLES else []
            response = OpenApiResponse(
                ErrorOutput, description=ERROR_DESCRIPTIONS.get(code, "An error."), examples=examples
            )
            responses[code] = self._get_response_for_code(response, code, direction=direction)
            if code == "429":
                responses[code]["headers"] = RETRY_AFTER
        return dict(sorted(responses.items()))
