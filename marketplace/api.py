"""What every API view shares: the error shape, the pagination, the error exceptions.

Every error of the API answers one JSON shape, whatever raised it (a serializer, a permission
check, a throttle, an unknown path, a crash)::

    {"type": "validation_error", "detail": "…", "fields": {"cover_letter": ["This field is required."]}}

``type`` is a short stable slug a client can switch on; ``detail`` a sentence for a person;
``fields`` maps each invalid input (dotted for nested ones: ``answers.3``) to its messages and is
empty for errors that are not about one input. DRF's ``EXCEPTION_HANDLER`` (``exception_handler``
below) shapes the errors raised inside API views; ``not_found`` and ``server_error`` answer the
same shape for paths under ``/api/`` that no view serves and for crashes there, while the rest of
the site keeps its HTML error pages (``marketplace.urls``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from marketplace.concurrency import StaleVersion

API_PREFIX = "/api/"
NON_FIELD = "non_field_errors"

# DRF's codes, renamed where ours say more; any other exception's ``default_code`` is its type.
TYPES = {
    "invalid": "validation_error",
    "error": "error",
}
DETAILS = {
    "validation_error": "The request is not valid; see fields.",
}


class Conflict(exceptions.APIException):
    """The request clashes with the resource's current state (e.g. a duplicate)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class Gone(exceptions.APIException):
    """The resource existed and is gone for good (a failed or expired export file)."""

    status_code = status.HTTP_410_GONE
    default_detail = "This resource is no longer available."
    default_code = "gone"


class PreconditionFailed(exceptions.APIException):
    """An ``If-Match`` that no longer matches: someone else changed the resource first."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it: fetch it again and reapply your change."
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    """An edit without ``If-Match``: refused, so that no write overwrites another unseen."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send the ETag you read in an If-Match header, so that no other change is overwritten."
    default_code = "precondition_required"


# --- optimistic concurrency: ETag on reads, If-Match on edits (``marketplace.concurrency``) ---------

# The answers of an edit that takes ``If-Match``, for its schema.
PRECONDITION_ERRORS = {412: OpenApiTypes.OBJECT, 428: OpenApiTypes.OBJECT}


def if_match(request) -> set[str] | None:
    """The versions named by ``If-Match`` (None for ``*``: whatever is there); 428 without the
    header. Weak tags (``W/"…"``) and lists (``"a", "b"``) are read as their versions."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    if header == "*":
        return None
    tags = set()
    for part in header.split(","):
        tag = part.strip().removeprefix("W/").strip('"')
        if tag:
            tags.add(tag)
    return tags


def with_etag(response: Response, version: str | None) -> Response:
    """``response`` with the object's version as its ``ETag`` (none when there is no object)."""
    if version:
        response["ETag"] = f'"{version}"'
    return response


def if_match_parameter(thing: str) -> OpenApiParameter:
    """The ``If-Match`` request header of an edit of ``thing`` (e.g. "the goal")."""
    return OpenApiParameter(
        "If-Match",
        str,
        location=OpenApiParameter.HEADER,
        required=True,
        description=f"The ETag of {thing} as you read it (GET); `*` to overwrite whatever is there. "
        "Without it: 428; when it changed since: 412, and nothing is changed",
    )


def etag_parameter(thing: str, statuses=(200,), *, description: str = "") -> OpenApiParameter:
    """The ``ETag`` response header of the answers that show ``thing``."""
    return OpenApiParameter(
        "ETag",
        str,
        location=OpenApiParameter.HEADER,
        response=list(statuses),
        description=description or f"The version of {thing}: send it back in If-Match to edit it",
    )


def edit_parameters(thing: str, statuses=(200,)) -> list[OpenApiParameter]:
    """``If-Match`` in, ``ETag`` out: the headers of an edit of ``thing``."""
    return [if_match_parameter(thing), etag_parameter(thing, statuses)]


def validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's Django ``ValidationError`` as the API's 400, to raise: field errors keyed by
    field, the others as ``non_field_errors``."""
    return exceptions.ValidationError(as_serializer_error(exc))


def form_errors(form) -> exceptions.ValidationError:
    """A page form's errors as the API's 400, to raise, for endpoints whose rules live in the same
    form as the page's (``__all__`` becomes ``non_field_errors``)."""
    return exceptions.ValidationError(
        {(NON_FIELD if name == "__all__" else name): list(errors) for name, errors in form.errors.items()}
    )


def error_body(type_: str, detail: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"type": type_, "detail": detail, "fields": fields or {}}


def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """Field errors as ``{"field": [messages]}``; nested serializers and list items get dotted
    names (``answers.3``, ``milestones.0.title``)."""
    out: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(errors, list) and any(isinstance(e, dict | list) for e in errors):
        for index, value in enumerate(errors):
            if value:
                out.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    elif isinstance(errors, list):
        out[prefix or NON_FIELD] = [str(e) for e in errors]
    else:
        out[prefix or NON_FIELD] = [str(errors)]
    return out


def validation_body(errors) -> dict:
    fields = _flatten(errors)
    if "__all__" in fields:  # a Django form's or model's errors not about one field
        fields[NON_FIELD] = fields.pop("__all__")
    general = fields.get(NON_FIELD)
    detail = " ".join(general) if general else DETAILS["validation_error"]
    return error_body("validation_error", detail, fields)


def validation_response(exc: DjangoValidationError) -> Response:
    """A 400 in the shared shape for a ``ValidationError`` raised by a service."""
    return Response(validation_body(as_serializer_error(exc)), status=status.HTTP_400_BAD_REQUEST)


def exception_handler(exc, context):
    """DRF's handler (which also turns Django's ``Http404`` and ``PermissionDenied`` into API
    errors and sets ``Retry-After`` and ``WWW-Authenticate``), answering the shared shape."""
    if isinstance(exc, DjangoValidationError):
        return validation_response(exc)
    if isinstance(exc, StaleVersion):  # a service's check of If-Match under the row lock
        exc = PreconditionFailed()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*(exc.args[:1] or ()))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a crash: the 500 handler answers (server_error below for the API)
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_body(exc.detail)
        return response
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    code = code if isinstance(code, str) else getattr(exc, "default_code", "error")
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if not isinstance(detail, str):
        response.data = error_body(TYPES.get(code, code), str(exc.default_detail), _flatten(detail))
    else:
        response.data = error_body(TYPES.get(code, code), str(detail))
    return response


def is_api_request(request) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found_response(request) -> JsonResponse:
    return JsonResponse(error_body("not_found", "No API endpoint or object here."), status=404)


def bad_request_response(request) -> JsonResponse:
    return JsonResponse(
        error_body("bad_request", "The request could not be read (too many fields, or a malformed header)."),
        status=400,
    )


def server_error_response(request) -> JsonResponse:
    return JsonResponse(
        error_body("server_error", "Something went wrong on our side; please try again in a moment."),
        status=500,
    )


class Pagination(PageNumberPagination):
    """The one pagination of the API's lists: ``?page=`` (from 1) and ``?page_size=`` (at most
    ``max_page_size``), answering ``{"count", "next", "previous", "results"}``."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    page_size_query_description = "Results per page (default 20, at most 100)."

    def get_paginated_response_schema(self, schema):
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0, "examples": [123]},
                "next": {**link, "examples": ["https://example.org/api/v1/applications/?page=3"]},
                "previous": {**link, "examples": ["https://example.org/api/v1/applications/?page=1"]},
                "results": schema,
            },
        }


def paginated(view, queryset, serializer_class, **serializer_kwargs) -> Response:
    """One page of ``queryset`` in the envelope, for ``APIView`` list operations (a generic view
    paginates by itself). The view declares ``pagination_class = Pagination`` so the schema shows
    the envelope and the query parameters."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, **serializer_kwargs).data)
