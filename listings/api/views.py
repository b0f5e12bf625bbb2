import json
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from listings import fragments, selectors, services
from listings.forms import ListingForm, SearchForm
from listings.models import Listing
from listings.permissions import can_manage_listing, can_view_listing, organization_of
from listings.search import Params, prepare, search_listings, viewer_for
from listings.timezones import overlap_hours, viewer_today
from marketplace.api import (
    PRECONDITION_ERRORS,
    Pagination,
    edit_parameters,
    etag_parameter,
    form_errors,
    if_match,
    validation_error,
    validation_response,
    with_etag,
)
from marketplace.api_permissions import READ_OR_SIGNED_IN, SIGNED_IN
from marketplace.throttling import SEARCH_SCOPE

from .serializers import (
    CloseInput,
    ListingDetailOutput,
    ListingInput,
    ListingSearchOutput,
    ListingSummaryOutput,
    ManagedListingOutput,
)

WRITE_ERRORS = {
    400: OpenApiTypes.OBJECT,
    401: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
}
LISTING = "the listing"
ETAG_HEADER = etag_parameter(
    LISTING,
    (200, 201),
    description="The listing's version, for the members of its organization: send it back in If-Match to edit",
)

# The listing form's own fields for the API's lists (the page takes them as text).
FORM_NAMES = {
    "skills": "skills_text",
    "eligible_countries": "countries_text",
    "collaboration_tools": "tools_text",
    "milestones": "milestones_text",
}
API_NAMES = {form: api for api, form in FORM_NAMES.items()}


def _managed_or_404(request, pk: int) -> Listing:
    if organization_of(request.user) is None:
        raise PermissionDenied("Only members of an organization manage listings.")
    listing = get_object_or_404(Listing.objects.select_related("organization"), pk=pk)
    if not can_manage_listing(request.user, listing):
        raise Http404  # another organization's listing is not revealed
    return listing


def _as_form_value(name: str, value, time_zone: str):
    if name in ("skills", "eligible_countries", "collaboration_tools"):
        return ", ".join(value)
    if name == "milestones":
        return "\n".join(value)
    if name == "application_deadline" and value is not None:
        # The form reads the deadline as wall time in the listing's own time zone (as the page's
        # datetime-local input sends it).
        try:
            return value.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%dT%H:%M:%S")
        except (ZoneInfoNotFoundError, ValueError):
            return value.strftime("%Y-%m-%dT%H:%M:%S")
    return "" if value is None else value


def listing_form(validated: dict, *, listing: Listing | None, instance: Listing) -> ListingForm:
    """The dashboard's listing form, bound to the API's input (on top of the listing's current
    values when ``listing`` is given: PATCH), and checked: its errors are the API's 400."""
    form_data = {}
    if listing is not None:
        current = ListingForm(instance=listing)
        form_data = {name: current[name].value() for name in current.fields}
        form_data = {k: ("" if v is None else v) for k, v in form_data.items()}
    time_zone = validated.get("time_zone") or form_data.get("time_zone") or "UTC"
    for name, value in validated.items():
        if name == "questions":
            continue
        form_data[FORM_NAMES.get(name, name)] = _as_form_value(name, value, time_zone)
    form = ListingForm(form_data, instance=instance)
    if not form.is_valid():
        error = form_errors(form)
        error.detail = {API_NAMES.get(k, k): v for k, v in error.detail.items()}
        raise error
    return form


SEARCH_PARAMETERS = [
    OpenApiParameter("q", str, description="Full-text query (websearch syntax); typo-tolerant fallback"),
    OpenApiParameter("kind", str, many=True, enum=["internship", "micro"]),
    OpenApiParameter("field", str, many=True, description="Field of work, e.g. software_development"),
    OpenApiParameter("compensation", str, many=True, enum=["paid", "unpaid", "fixed_fee"]),
    OpenApiParameter("hours", str, many=True, enum=["lte10", "11-20", "21-30", "gt30"]),
    OpenApiParameter("duration", str, many=True, enum=["lte14", "15-42", "43-90", "gt90"]),
    OpenApiParameter("country", str, many=True, description="ISO country code the applicant is in, or worldwide"),
    OpenApiParameter("skill", str, many=True, description="Skill name (all given skills required)"),
    OpenApiParameter("posted", str, enum=["1", "7", "30"], description="Posted within this many days"),
    OpenApiParameter(
        "overlap", str, enum=["1", "2", "4", "6"], description="Minimum hours of overlap with the viewer's 9:00–18:00"
    ),
    OpenApiParameter("sort", str, enum=["relevance", "newest", "deadline", "pay"]),
    OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 10_000}),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1},
        description=f"Results per page (default {Pagination.page_size}, at most {Pagination.max_page_size}).",
    ),
]


class ListingListApi(APIView):
    """Search published listings: the same search, filters and facets as the browse page.
    Members of an organization create its listings here (as drafts)."""

    permission_classes = READ_OR_SIGNED_IN
    throttle_scope = SEARCH_SCOPE

    @extend_schema(
        operation_id="listings_create", request=ListingInput, responses={201: ManagedListingOutput, **WRITE_ERRORS}
    )
    def post(self, request):
        organization = organization_of(request.user)
        if organization is None:
            raise PermissionDenied("Only members of an organization post listings.")
        data = ListingInput(data=request.data)
        data.is_valid(raise_exception=True)
        form = listing_form(data.validated_data, listing=None, instance=Listing(organization=organization))
        try:
            listing = services.listing_create(
                organization=organization,
                actor=request.user,
                data=form.service_data(),
                skill_names=form.cleaned_data["skills_text"],
                questions=[dict(q) for q in data.validated_data.get("questions", [])],
            )
        except ValidationError as exc:
            raise validation_error(exc) from None
        return _managed(request, listing, status=201)

    @extend_schema(
        operation_id="listings_search",
        parameters=SEARCH_PARAMETERS,
        responses={200: ListingSearchOutput},
        examples=[
            OpenApiExample(
                "Paid remote data internships",
                description="`GET /api/v1/listings/?q=data&compensation=paid&overlap=4&page_size=1`",
                response_only=True,
                value={
                    "count": 14,
                    "page": 1,
                    "num_pages": 14,
                    "next": "https://example.org/api/v1/listings/?q=data&compensation=paid&overlap=4&page_size=1&page=2",
                    "previous": None,
                    "suggestion": "",
                    "facets": {
                        "kind": [{"value": "internship", "label": "Internship", "count": 14, "selected": False}]
                    },
                    "results": [
                        {
                            "id": 42,
                            "url": "/listings/42/",
                            "title": "Data analysis intern",
                            "kind": "internship",
                            "field": "research",
                            "organization": {
                                "id": 3,
                                "name": "Acme Remote",
                                "slug": "acme-remote",
                                "country": "DE",
                                "verified": True,
                            },
                            "skill_names": ["Python", "SQL"],
                            "compensation_type": "paid",
                            "compensation_amount": "1200.00",
                            "currency": "EUR",
                            "pay_period": "month",
                            "effective_hourly_rate": None,
                            "hours_per_week": 20,
                            "duration_days": 90,
                            "start_date": "2026-03-02",
                            "application_deadline": "2026-02-15",
                            "work_start": "09:00:00+01:00",
                            "work_end": "17:00:00+01:00",
                            "time_zone": "Europe/Berlin",
                            "overlap_hours": 5.0,
                            "eligible_countries": [],
                            "published_at": "2026-01-20T10:00:00Z",
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request):
        viewer = viewer_for(request)
        prepared = prepare()
        # The answer is the same for every viewer whose institution hides nothing, while the
        # listings stay as they are (fragments.results_key); its links name this host. It is kept
        # as the JSON it is sent as, for the media type asked for (its indent). Only a valid query
        # string is ever answered, so one kept is not checked again.
        key = fragments.results_key(
            "api",
            state=prepared.state,
            request=request,
            viewer=viewer,
            extra=(request.build_absolute_uri("/"), request.accepted_media_type),
        )
        body = fragments.cached_answer(key)
        if body is None:
            form = SearchForm(request.query_params)
            if not form.is_valid():
                return validation_response(ValidationError(form.errors.as_data()))
            params = Params.from_cleaned(form.cleaned_data)
            page_size = Pagination().get_page_size(request)
            payload = self.answer(request, params, viewer=viewer, page_size=page_size, prepared=prepared)
            body = JSONRenderer().render(payload, request.accepted_media_type, self.get_renderer_context())
            fragments.keep_answer(key, body)
        if request.accepted_renderer.format == "json":
            return HttpResponse(body, content_type="application/json")
        return Response(json.loads(body))  # the browsable API renders it as a page

    @staticmethod
    def answer(request, params, *, viewer, page_size, prepared) -> dict:
        result = search_listings(params, viewer=viewer, page_size=page_size, prepared=prepared)

        def page_url(number):
            query = request.query_params.copy()
            query["page"] = number
            return request.build_absolute_uri(request.path) + "?" + query.urlencode()

        data = {
            "count": result.total,
            "page": result.page,
            "num_pages": result.num_pages,
            "next": page_url(result.page + 1) if result.has_next else None,
            "previous": page_url(result.page - 1) if result.has_previous else None,
            "suggestion": result.suggestion,
            "facets": {name: [vars(v) for v in values] for name, values in result.facets.items()},
            "results": [],
        }
        payload = dict(ListingSearchOutput(data).data)
        payload["results"] = summaries(result.listings)
        return payload


def summaries(listings: list) -> list[dict]:
    """The search's results as ``ListingSummaryOutput`` writes them, each from the cache of pieces
    keyed by what it shows (listings/fragments.py). Its working hours carry the offset their zone
    has today, so the key names the hour."""
    hour = timezone.now().strftime("%Y%m%d%H")
    return fragments.per_listing("summary", listings, lambda listing: dict(ListingSummaryOutput(listing).data), hour)


def _with_overlap(request, listing):
    viewer = viewer_for(request)
    listing.overlap = overlap_hours(
        listing_tz=listing.time_zone,
        work_start=listing.work_start,
        work_end=listing.work_end,
        viewer_tz=viewer.time_zone,
        on=viewer_today(viewer.time_zone, timezone.now()),
    )
    return listing


def _managed(request, listing: Listing, status: int = 200) -> Response:
    """A listing as its organization's members read it, with its ETag."""
    listing = _with_overlap(request, selectors.listing_for_detail(pk=listing.pk))
    return with_etag(Response(ManagedListingOutput(listing).data, status=status), listing.version)


class ListingDetailApi(APIView):
    """One listing, as its public page shows it (404 when the viewer may not see it).

    Its organization's members also edit it here: the GET answer carries an ``ETag``, which
    PATCH and PUT must send back in ``If-Match`` (428 without one, 412 when someone changed the
    listing in between: nothing is changed then)."""

    permission_classes = READ_OR_SIGNED_IN

    @extend_schema(
        operation_id="listings_retrieve",
        parameters=[ETAG_HEADER],
        responses={200: ListingDetailOutput, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk: int):
        listing = selectors.listing_for_detail(pk=pk)
        viewer = viewer_for(request)
        if listing is None or not can_view_listing(
            request.user, listing, blocked_organization_ids=selectors.blocked_organization_ids(viewer)
        ):
            raise Http404
        response = Response(ListingDetailOutput(_with_overlap(request, listing)).data)
        return with_etag(response, listing.version if can_manage_listing(request.user, listing) else None)

    @extend_schema(
        operation_id="listings_update",
        parameters=edit_parameters(LISTING),
        request=ListingInput,
        responses={200: ManagedListingOutput, **WRITE_ERRORS, **PRECONDITION_ERRORS},
    )
    def put(self, request, pk: int):
        return self._edit(request, pk, partial=False)

    @extend_schema(
        operation_id="listings_partial_update",
        parameters=edit_parameters(LISTING),
        request=ListingInput(partial=True),
        responses={200: ManagedListingOutput, **WRITE_ERRORS, **PRECONDITION_ERRORS},
    )
    def patch(self, request, pk: int):
        return self._edit(request, pk, partial=True)

    def _edit(self, request, pk: int, *, partial: bool):
        listing = _managed_or_404(request, pk)
        versions = if_match(request)
        data = ListingInput(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        form = listing_form(data.validated_data, listing=listing if partial else None, instance=listing)
        questions = data.validated_data.get("questions")
        if questions is None:
            questions = [{"id": q.pk, "prompt": q.prompt, "required": q.required} for q in listing.questions.all()]
        try:  # a stale If-Match is the service's StaleVersion: 412 (marketplace.api)
            saved = services.listing_update(
                listing=listing,
                actor=request.user,
                data=form.service_data(),
                skill_names=form.cleaned_data["skills_text"],
                questions=[dict(q) for q in questions],
                if_version=versions,
            )
        except ValidationError as exc:
            raise validation_error(exc) from None
        return _managed(request, saved)

    @extend_schema(operation_id="listings_delete_draft", responses={204: None, **WRITE_ERRORS})
    def delete(self, request, pk: int):
        """Delete a draft (a submitted listing is closed instead)."""
        listing = _managed_or_404(request, pk)
        try:
            services.listing_delete_draft(listing=listing, actor=request.user)
        except ValidationError as exc:
            raise validation_error(exc) from None
        return Response(status=204)


class ListingSubmitApi(APIView):
    """Submit a draft: a verified organization publishes at once, an unverified one goes to review."""

    permission_classes = SIGNED_IN

    @extend_schema(operation_id="listings_submit", request=None, responses={200: ManagedListingOutput, **WRITE_ERRORS})
    def post(self, request, pk: int):
        listing = _managed_or_404(request, pk)
        try:
            services.listing_submit(listing=listing, actor=request.user)
        except ValidationError as exc:
            raise validation_error(exc) from None
        return _managed(request, listing)


class ListingCloseApi(APIView):
    """Close a listing: every applicant still waiting is told."""

    permission_classes = SIGNED_IN

    @extend_schema(
        operation_id="listings_close", request=CloseInput, responses={200: ManagedListingOutput, **WRITE_ERRORS}
    )
    def post(self, request, pk: int):
        listing = _managed_or_404(request, pk)
        data = CloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.listing_close(listing=listing, actor=request.user, reason=data.validated_data["reason"])
        except ValidationError as exc:
            raise validation_error(exc) from None
        return _managed(request, listing)


class ListingDuplicateApi(APIView):
    """A new draft with the same content and screening questions (dates cleared)."""

    permission_classes = SIGNED_IN

    @extend_schema(
        operation_id="listings_duplicate", request=None, responses={201: ManagedListingOutput, **WRITE_ERRORS}
    )
    def post(self, request, pk: int):
        listing = _managed_or_404(request, pk)
        try:
            copy = services.listing_duplicate(listing=listing, actor=request.user)
        except ValidationError as exc:
            raise validation_error(exc) from None
        return _managed(request, copy, status=201)
