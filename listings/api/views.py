from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from listings import selectors
from listings.forms import SearchForm
from listings.permissions import can_view_listing
from listings.search import Params, search_listings, viewer_for
from listings.timezones import overlap_hours, viewer_today
from marketplace.api import Pagination, validation_response
from marketplace.throttling import SEARCH_SCOPE

from .serializers import ListingDetailOutput, ListingSearchOutput

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
    """Search published listings: the same search, filters and facets as the browse page."""

    permission_classes = [AllowAny]
    throttle_scope = SEARCH_SCOPE

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
        form = SearchForm(request.query_params)
        if not form.is_valid():
            return validation_response(ValidationError(form.errors.as_data()))
        params = Params.from_cleaned(form.cleaned_data)
        page_size = Pagination().get_page_size(request)
        result = search_listings(params, viewer=viewer_for(request), page_size=page_size)

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
            "results": result.listings,
        }
        return Response(ListingSearchOutput(data).data)


class ListingDetailApi(APIView):
    """One listing, as its public page shows it (404 when the viewer may not see it)."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="listings_retrieve", responses={200: ListingDetailOutput})
    def get(self, request, pk: int):
        from django.utils import timezone

        listing = selectors.listing_for_detail(pk=pk)
        viewer = viewer_for(request)
        if listing is None or not can_view_listing(
            request.user, listing, blocked_organization_ids=selectors.blocked_organization_ids(viewer)
        ):
            raise Http404
        listing.overlap = overlap_hours(
            listing_tz=listing.time_zone,
            work_start=listing.work_start,
            work_end=listing.work_end,
            viewer_tz=viewer.time_zone,
            on=viewer_today(viewer.time_zone, timezone.now()),
        )
        return Response(ListingDetailOutput(listing).data)
