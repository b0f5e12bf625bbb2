"""API exceptions of our own, and the bridge from a service's Django ``ValidationError``.

They are plain DRF exceptions: the shared exception handler gives them the API's one error shape.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError


class PreconditionFailed(APIException):
    """An ``If-Match`` that names an older version: someone else changed the resource first."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it: fetch it again and reapply your change."
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    """An edit without ``If-Match``: refused, so that no write overwrites another unseen."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send the ETag you read in an If-Match header, so that no other change is overwritten."
    default_code = "precondition_required"


def validation_error(exc: DjangoValidationError) -> ValidationError:
    """A service's ``ValidationError`` as a 400: field errors keyed by field, others as
    ``non_field_errors``."""
    if hasattr(exc, "error_dict"):
        return ValidationError({field: [str(m) for m in messages] for field, messages in exc.message_dict.items()})
    return ValidationError({"non_field_errors": exc.messages})


def form_errors(form) -> ValidationError:
    """A Django form's errors as a 400, ``__all__`` renamed ``non_field_errors`` as DRF names it."""
    data = {
        ("non_field_errors" if k == "__all__" else k): [e["message"] for e in v]
        for k, v in form.errors.get_json_data().items()
    }
    return ValidationError(data)
