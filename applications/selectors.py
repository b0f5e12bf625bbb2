"""Reads for the application pages and API: constant query counts whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, FloatField, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Extract

from accounts.models import Institution, Organization, Skill
from listings.models import Listing
from listings.timezones import overlap_hours, viewer_today

from .models import OPEN_STATUSES, Application, ApplicationNote, ApplicationStatus, ApplicationStatusChange, Placement

S = ApplicationStatus

# The pipeline's columns, in order: open stages first, then the outcomes.
PIPELINE_ORDER = [
    S.SUBMITTED,
    S.IN_REVIEW,
    S.SHORTLISTED,
    S.INTERVIEW,
    S.OFFERED,
    S.ACCEPTED,
    S.DECLINED,
    S.REJECTED,
    S.WITHDRAWN,
    S.CLOSED,
]
PIPELINE_PAGE_SIZE = 50


class Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def status_rank():
    """An application's place in the pipeline (``PIPELINE_ORDER``), to order by."""
    return Case(
        *[When(status=status, then=Value(i)) for i, status in enumerate(PIPELINE_ORDER)],
        default=Value(len(PIPELINE_ORDER)),
        output_field=IntegerField(),
    )


# --- response time ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseTime:
    days: float | None
    answered: int


def response_time(*, organization: Organization | int, listing: Listing | int | None = None) -> ResponseTime:
    """Median days from application to the employer's first status change, with how many
    applications it is based on (one query)."""
    org_id = organization if isinstance(organization, int) else organization.pk
    qs = Application.objects.filter(listing__organization_id=org_id, first_response_at__isnull=False)
    if listing is not None:
        qs = qs.filter(listing_id=listing if isinstance(listing, int) else listing.pk)
    row = qs.aggregate(
        median=Median(Extract(F("first_response_at") - F("submitted_at"), "epoch") / Value(86400.0)),
        answered=Count("pk"),
    )
    days = row["median"]
    return ResponseTime(days=round(days, 1) if days is not None else None, answered=row["answered"])


def response_time_days(*, organization: Organization | int, listing: Listing | int | None = None) -> float | None:
    """Median days from application to first status change (None until an application was answered)."""
    return response_time(organization=organization, listing=listing).days


# --- student side -------------------------------------------------------------------------------


def student_applications(*, user) -> QuerySet[Application]:
    """A student's own applications, newest first, with their listing, organization and placement."""
    return (
        Application.objects.filter(student=user)
        .select_related("listing__organization", "placement")
        .order_by("-submitted_at", "-pk")
    )


def application_for_student(*, user, pk: int) -> Application | None:
    """One of the student's own applications with its history (None for anyone else's)."""
    return (
        Application.objects.filter(pk=pk, student=user)
        .select_related("listing__organization", "placement__supervisor")
        .prefetch_related(Prefetch("history", queryset=ApplicationStatusChange.objects.select_related("actor")))
        .first()
    )


def application_for_listing(*, user, listing: Listing) -> Application | None:
    if not getattr(user, "is_authenticated", False) or not user.is_student:
        return None
    return Application.objects.filter(student=user, listing=listing).only("pk", "status", "listing_id").first()


# --- employer side ------------------------------------------------------------------------------


@dataclass
class PipelineFilters:
    statuses: list[str] = field(default_factory=list)
    skill: str = ""  # skill slug
    institution: int | None = None
    country: str = ""
    overlap: float | None = None  # minimum hours of the listing's working day inside the applicant's 9–18


@dataclass
class Pipeline:
    listing: Listing
    counts: list[tuple[str, str, int]]  # (status, label, count) in pipeline order
    total: int
    page: Page
    institutions: list[Institution]
    countries: list[str]
    skills: list[Skill]
    response: ResponseTime


def _applicants(listing: Listing) -> QuerySet[Application]:
    return Application.objects.filter(listing=listing)


def pipeline(*, listing: Listing, filters: PipelineFilters, page_number=1, now: datetime) -> Pipeline:
    """The applicants of one listing, grouped by status (pipeline order), filtered, one page.

    Queries: counts per status, facet choices (institutions, countries, skills), the time
    zones of the applicants when the overlap filter is on, the page count and rows, and the
    applicants' skills: constant whatever the number of applicants.
    """
    counts_by_status = dict(
        _applicants(listing).values("status").annotate(n=Count("pk")).order_by().values_list("status", "n")
    )
    counts = [(status, S(status).label, counts_by_status.get(status, 0)) for status in PIPELINE_ORDER]
    institutions = list(Institution.objects.filter(students__user__applications__listing=listing).distinct())
    countries = sorted(
        c
        for c in _applicants(listing)
        .exclude(student__student_profile__country="")
        .values_list("student__student_profile__country", flat=True)
        .distinct()
        .order_by()
        if c
    )
    skills = list(Skill.objects.filter(students__in=_profile_ids(listing)).distinct().order_by("name"))

    qs = applicants_narrowed(_applicants(listing), filters, listing=listing, now=now)
    qs = (
        qs.select_related("student__student_profile__institution")
        .prefetch_related(Prefetch("student__student_profile__skills", queryset=Skill.objects.order_by("name")))
        .defer("cover_letter", "answers")
        .annotate(rank=status_rank())
        .order_by("rank", "submitted_at", "pk")
    )
    page = Paginator(qs, PIPELINE_PAGE_SIZE).get_page(page_number)
    today = viewer_today("UTC", now)
    for application in page.object_list:
        # Display values computed once here: the template only prints them (the page's cost is
        # its rows).
        student = application.student
        profile = getattr(student, "student_profile", None) if student else None
        application.applicant_name = student.get_full_name() if student else "Former user"
        application.institution_name = profile.institution.name if profile and profile.institution else "Independent"
        application.country = (profile.country if profile else "") or "—"
        application.skill_text = ", ".join(s.name for s in profile.skills.all()) if profile else ""
        application.overlap = (
            overlap_hours(
                listing_tz=listing.time_zone,
                work_start=listing.work_start,
                work_end=listing.work_end,
                viewer_tz=profile.time_zone,
                on=today,
            )
            if profile
            else None
        )
    return Pipeline(
        listing=listing,
        counts=counts,
        total=sum(counts_by_status.values()),
        page=page,
        institutions=institutions,
        countries=countries,
        skills=skills,
        response=response_time(organization=listing.organization_id, listing=listing),
    )


def applicants_narrowed(
    qs: QuerySet[Application], filters: PipelineFilters, *, listing: Listing | None = None, now: datetime | None = None
) -> QuerySet[Application]:
    """``qs`` narrowed by the pipeline's filters: the one home of their rule, for the pipeline page,
    the API's applications collection and a listing's applicants (``applications.filters``).

    The overlap filter is about one listing's working hours, so it needs ``listing`` (and ``now``:
    the day whose offsets count); it costs one query, the applicants' distinct time zones.
    """
    if filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    if filters.skill:
        qs = qs.filter(student__student_profile__skills__slug=filters.skill)
    if filters.institution:
        qs = qs.filter(student__student_profile__institution_id=filters.institution)
    if filters.country:
        qs = qs.filter(student__student_profile__country=filters.country)
    if filters.overlap:
        if listing is None or now is None:
            raise ValueError("The overlap filter is about one listing's working hours: pass listing and now.")
        zones = _applicants(listing).values_list("student__student_profile__time_zone", flat=True).distinct().order_by()
        today = viewer_today("UTC", now)
        matching = [
            tz
            for tz in zones
            if tz
            and overlap_hours(
                listing_tz=listing.time_zone,
                work_start=listing.work_start,
                work_end=listing.work_end,
                viewer_tz=tz,
                on=today,
            )
            >= filters.overlap
        ]
        qs = qs.filter(student__student_profile__time_zone__in=matching)
    return qs


def _profile_ids(listing: Listing):
    from accounts.models import StudentProfile

    return StudentProfile.objects.filter(user__applications__listing=listing).values("pk")


def application_for_employer(*, pk: int) -> Application | None:
    """One application with everything the reviewing team sees (the caller checks permission)."""
    return (
        Application.objects.filter(pk=pk)
        .select_related("listing__organization", "student__student_profile__institution", "placement__supervisor")
        .prefetch_related(
            "student__student_profile__skills",
            Prefetch("history", queryset=ApplicationStatusChange.objects.select_related("actor")),
            Prefetch("notes", queryset=ApplicationNote.objects.select_related("author")),
        )
        .first()
    )


def organization_listings_with_counts(*, organization_id: int) -> list[Listing]:
    """The organization's listings that have applicants, with ``open_count`` and ``total_count``."""
    return list(
        Listing.objects.filter(organization_id=organization_id)
        .annotate(
            total_count=Count("applications"),
            open_count=Count("applications", filter=Q(applications__status__in=OPEN_STATUSES)),
            new_count=Count("applications", filter=Q(applications__status=S.SUBMITTED)),
        )
        .filter(total_count__gt=0)
        .only("pk", "title", "status", "kind")
        .order_by("-open_count", "-pk")
    )


def organization_placements(*, organization_id: int) -> QuerySet[Placement]:
    return (
        Placement.objects.filter(organization_id=organization_id)
        .select_related("student", "listing", "supervisor")
        .order_by("-start_date", "-pk")
    )


def applications_for_organization(*, organization_id: int, listing_id: int | None = None) -> QuerySet[Application]:
    """For the API: the organization's applications (optionally of one listing)."""
    qs = Application.objects.filter(listing__organization_id=organization_id)
    if listing_id is not None:
        qs = qs.filter(listing_id=listing_id)
    return qs.select_related("listing", "student").order_by("-submitted_at", "-pk")
