"""The reads behind the career-services pages: every queryset starts from one institution.

Nothing here accepts a row id without the institution: a staff member of one institution can
never reach another institution's students, applications, placements or exports.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from django.db.models import (
    Aggregate,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Extract, Now, TruncMonth
from django.utils import timezone

from accounts.models import Organization, StudentProfile
from applications.models import OPEN_STATUSES, Application, ApplicationStatus, Placement
from listings.models import Field, Listing

from .models import CAREER_OUTCOMES, EmployerApproval, OutcomeCategory, OutcomeRecord, ReportExport
from .permissions import LINKED


@dataclass(frozen=True)
class ReportFilters:
    """The dashboard's and the placement report's filters.

    The date range selects applications submitted in it and placements running during it
    (starting on or before ``date_to`` and ending on or after ``date_from``).
    """

    date_from: date | None = None
    date_to: date | None = None
    program: str = ""
    graduation_year: int | None = None

    def as_json(self) -> dict:
        data = asdict(self)
        for key in ("date_from", "date_to"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> ReportFilters:
        return cls(
            date_from=date.fromisoformat(data["date_from"]) if data.get("date_from") else None,
            date_to=date.fromisoformat(data["date_to"]) if data.get("date_to") else None,
            program=data.get("program") or "",
            graduation_year=data.get("graduation_year") or None,
        )

    @property
    def is_empty(self) -> bool:
        return self == ReportFilters()


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


# --- the institution's students and their rows --------------------------------------------------


def institution_students(*, institution_id: int, filters: ReportFilters | None = None) -> QuerySet[StudentProfile]:
    """Profiles of the institution's linked students (program and graduation year filters apply)."""
    qs = StudentProfile.objects.filter(
        institution_id=institution_id, institution_link__in=LINKED, user__anonymised_at__isnull=True
    )
    if filters and filters.program:
        qs = qs.filter(program=filters.program)
    if filters and filters.graduation_year:
        qs = qs.filter(graduation_year=filters.graduation_year)
    return qs


def _student_scope(prefix: str, institution_id: int, filters: ReportFilters) -> Q:
    q = Q(
        **{
            f"{prefix}__student_profile__institution_id": institution_id,
            f"{prefix}__student_profile__institution_link__in": LINKED,
        }
    )
    if filters.program:
        q &= Q(**{f"{prefix}__student_profile__program": filters.program})
    if filters.graduation_year:
        q &= Q(**{f"{prefix}__student_profile__graduation_year": filters.graduation_year})
    return q


def institution_applications(*, institution_id: int, filters: ReportFilters) -> QuerySet[Application]:
    qs = Application.objects.filter(_student_scope("student", institution_id, filters))
    if filters.date_from:
        qs = qs.filter(submitted_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(submitted_at__date__lte=filters.date_to)
    return qs


def institution_placements(*, institution_id: int, filters: ReportFilters) -> QuerySet[Placement]:
    qs = Placement.objects.filter(_student_scope("student", institution_id, filters))
    if filters.date_from:
        qs = qs.filter(end_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(start_date__lte=filters.date_to)
    return qs


def filter_choices(*, institution_id: int) -> tuple[list[str], list[int]]:
    """The programs and graduation years present among the institution's students (one query)."""
    pairs = (
        institution_students(institution_id=institution_id)
        .values_list("program", "graduation_year")
        .distinct()
        .order_by()
    )
    programs, years = set(), set()
    for program, year in pairs:
        if program:
            programs.add(program)
        if year:
            years.add(year)
    return sorted(programs), sorted(years, reverse=True)


# --- the dashboard ------------------------------------------------------------------------------


@dataclass
class Outcomes:
    graduates: int
    by_category: dict[str, int]

    @property
    def known(self) -> int:
        return sum(n for c, n in self.by_category.items() if c != OutcomeCategory.NO_INFORMATION)

    @property
    def knowledge_rate(self) -> float | None:
        """Known outcomes ÷ graduates."""
        return self.known / self.graduates if self.graduates else None

    @property
    def career_outcomes_rate(self) -> float | None:
        """(Employed + service + military + continuing education) ÷ known outcomes, not seeking excluded."""
        denominator = self.known - self.by_category.get(OutcomeCategory.NOT_SEEKING, 0)
        positive = sum(self.by_category.get(c, 0) for c in CAREER_OUTCOMES)
        return positive / denominator if denominator else None

    @staticmethod
    def _percent(rate: float | None) -> str:
        return "–" if rate is None else f"{rate * 100:.1f} %"

    @property
    def knowledge_percent(self) -> str:
        return self._percent(self.knowledge_rate)

    @property
    def career_outcomes_percent(self) -> str:
        return self._percent(self.career_outcomes_rate)

    def rows(self) -> list[tuple[str, int]]:
        return [(label, self.by_category.get(value, 0)) for value, label in OutcomeCategory.choices]


@dataclass
class Dashboard:
    students: int
    active_students: int
    applications_by_status: list[tuple[str, int]]
    applications_total: int
    placements_active: int
    placements_completed: int
    placements_ended_early: int
    median_response_days: float | None
    responses_counted: int
    placements_by_field: list[tuple[str, int]]
    compensation_share: list[tuple[str, int]]
    employer_countries: list[tuple[str, int]]
    applications_over_time: list[tuple[str, int]]
    outcomes: Outcomes


def _counts(qs, key: str) -> dict:
    return {row[key]: row["n"] for row in qs.values(key).annotate(n=Count("pk")).order_by()}


def graduates(*, institution_id: int, filters: ReportFilters, today: date) -> QuerySet[StudentProfile]:
    """Students whose graduation year has come (the knowledge rate's denominator)."""
    return institution_students(institution_id=institution_id, filters=filters).filter(graduation_year__lte=today.year)


def outcomes(*, institution_id: int, filters: ReportFilters, today: date) -> Outcomes:
    """Each graduate's latest recorded outcome, counted per category (one query)."""
    latest = OutcomeRecord.objects.filter(student_id=OuterRef("user_id"), institution_id=institution_id).order_by(
        "-recorded_at", "-pk"
    )
    rows = (
        graduates(institution_id=institution_id, filters=filters, today=today)
        .annotate(outcome=Subquery(latest.values("category")[:1]))
        .values("outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_category: dict[str, int] = {}
    total = 0
    for row in rows:
        total += row["n"]
        by_category[row["outcome"] or OutcomeCategory.NO_INFORMATION] = (
            by_category.get(row["outcome"] or OutcomeCategory.NO_INFORMATION, 0) + row["n"]
        )
    return Outcomes(graduates=total, by_category=by_category)


def dashboard(*, institution_id: int, filters: ReportFilters, today: date | None = None) -> Dashboard:
    """Every figure and chart of the dashboard in a fixed number of queries (nine)."""
    today = today or timezone.localdate()
    applications = institution_applications(institution_id=institution_id, filters=filters)
    placements = institution_placements(institution_id=institution_id, filters=filters)

    activity = Exists(applications.filter(student_id=OuterRef("user_id"))) | Exists(
        placements.filter(student_id=OuterRef("user_id"))
    )
    people = institution_students(institution_id=institution_id, filters=filters).aggregate(
        total=Count("pk"), active=Count("pk", filter=activity)
    )

    by_status = _counts(applications, "status")
    response = applications.filter(first_response_at__isnull=False).aggregate(
        median=Median(
            Extract(
                ExpressionWrapper(F("first_response_at") - F("submitted_at"), output_field=DurationField()), "epoch"
            )
        ),
        counted=Count("pk"),
    )
    placement_status = _counts(placements, "status")
    fields = _counts(placements, "listing__field")
    compensation = _counts(placements, "listing__compensation_type")
    countries = _counts(placements, "organization__country")
    months = _counts(applications.annotate(month=TruncMonth("submitted_at")), "month")

    field_labels = dict(Field.choices)
    return Dashboard(
        students=people["total"],
        active_students=people["active"],
        applications_by_status=[(label, by_status.get(value, 0)) for value, label in ApplicationStatus.choices],
        applications_total=sum(by_status.values()),
        placements_active=placement_status.get(Placement.Status.ACTIVE, 0),
        placements_completed=placement_status.get(Placement.Status.COMPLETED, 0),
        placements_ended_early=placement_status.get(Placement.Status.ENDED_EARLY, 0),
        median_response_days=(response["median"] / 86400) if response["median"] is not None else None,
        responses_counted=response["counted"],
        placements_by_field=sorted(
            ((field_labels.get(k, k), n) for k, n in fields.items()), key=lambda item: (-item[1], item[0])
        ),
        compensation_share=[(label, compensation.get(value, 0)) for value, label in Listing.Compensation.choices],
        employer_countries=sorted(countries.items(), key=lambda item: (-item[1], item[0])),
        applications_over_time=[(month.strftime("%Y-%m"), n) for month, n in sorted(months.items())],
        outcomes=outcomes(institution_id=institution_id, filters=filters, today=today),
    )


# --- the placement report -----------------------------------------------------------------------


def placement_report(*, institution_id: int, filters: ReportFilters) -> QuerySet[Placement]:
    """One row per placement, oldest start first (the export's columns are in ``exports.COLUMNS``),
    with the supervisor's average rating where the evaluation is revealed (the reveal rule of
    ``evaluations``: both sides in, or the window closed)."""
    revealed = Q(evaluation__supervisor_submitted_at__isnull=False, evaluation__student_submitted_at__isnull=False) | Q(
        evaluation__closes_at__lte=Now()
    )
    return (
        institution_placements(institution_id=institution_id, filters=filters)
        .annotate(revealed_average=Case(When(revealed, then=F("evaluation__supervisor_average")), default=None))
        .order_by("start_date", "pk")
    )


# The columns a page of the report shows (the page's table and the API's rows). Loading only these
# keeps the rows narrow: sorting every placement of a large institution to find one page is then
# about twice as fast as with whole listings (descriptions included) in each row.
REPORT_ROW_FIELDS = (
    "start_date",
    "end_date",
    "status",
    "student__name",
    "student__email",
    "student__student_profile__student_number",
    "student__student_profile__program",
    "student__student_profile__graduation_year",
    "organization__name",
    "organization__country",
    "listing__title",
    "listing__kind",
    "listing__field",
    "listing__compensation_type",
    "listing__compensation_amount",
    "listing__currency",
    "listing__pay_period",
    "listing__hours_per_week",
    "hours_logged",
    "certificate__code",
)


def placement_report_page(*, institution_id: int, filters: ReportFilters) -> QuerySet[Placement]:
    return (
        placement_report(institution_id=institution_id, filters=filters)
        .select_related("student__student_profile", "organization", "listing", "certificate")
        .only(*REPORT_ROW_FIELDS)
    )


def placement_summary(*, institution_id: int, filters: ReportFilters) -> dict:
    placements = institution_placements(institution_id=institution_id, filters=filters)
    return {
        "status": _counts(placements, "status"),
        "field": _counts(placements, "listing__field"),
        "compensation": _counts(placements, "listing__compensation_type"),
    }


# --- students -----------------------------------------------------------------------------------


def student_list(*, institution_id: int, query: str = "") -> QuerySet[StudentProfile]:
    """The institution's students with their application and placement status (one query a page)."""
    applications = Application.objects.filter(student_id=OuterRef("user_id"))
    placements = Placement.objects.filter(student_id=OuterRef("user_id")).order_by("-start_date", "-pk")
    qs = (
        institution_students(institution_id=institution_id)
        .select_related("user")
        .annotate(
            applications_count=Subquery(
                applications.order_by().values("student_id").annotate(n=Count("pk")).values("n")[:1]
            ),
            open_applications=Subquery(
                applications.filter(status__in=OPEN_STATUSES)
                .order_by()
                .values("student_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            latest_application_status=Subquery(applications.order_by("-submitted_at", "-pk").values("status")[:1]),
            placement_status=Subquery(placements.values("status")[:1]),
            placement_organization=Subquery(placements.values("organization__name")[:1]),
        )
        .order_by("user__name", "pk")
    )
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(user__name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(student_number__icontains=query)
            | Q(program__icontains=query)
        )
    return qs


def student_for_staff(*, institution_id: int, profile_pk: int) -> StudentProfile | None:
    """One student of the institution with their applications, placements and outcomes; None otherwise."""
    return (
        institution_students(institution_id=institution_id)
        .select_related("user", "institution")
        .prefetch_related(
            "skills",
            Prefetch(
                "user__applications",
                queryset=Application.objects.select_related("listing__organization").order_by("-submitted_at"),
            ),
            Prefetch(
                "user__placements",
                queryset=Placement.objects.select_related("listing", "organization").order_by("-start_date"),
            ),
            Prefetch(
                "user__outcome_records",
                queryset=OutcomeRecord.objects.filter(institution_id=institution_id).select_related("recorded_by"),
            ),
        )
        .filter(pk=profile_pk)
        .first()
    )


# --- employers and exports ----------------------------------------------------------------------


def organizations_for_approval(*, institution_id: int, query: str = "") -> QuerySet[Organization]:
    """Organizations with this institution's decision about them and how many of its students they placed."""
    decision = EmployerApproval.objects.filter(institution_id=institution_id, organization_id=OuterRef("pk"))
    placed = (
        Placement.objects.filter(
            organization_id=OuterRef("pk"),
            student__student_profile__institution_id=institution_id,
            student__student_profile__institution_link__in=LINKED,
        )
        .order_by()
        .values("organization_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Organization.objects.annotate(
        decision=Subquery(decision.values("decision")[:1]),
        decision_reason=Subquery(decision.values("reason")[:1]),
        decided_at=Subquery(decision.values("decided_at")[:1]),
        placed=Subquery(placed[:1]),
    ).order_by("name", "pk")
    if query.strip():
        qs = qs.filter(name__icontains=query.strip())
    return qs


def institution_exports(*, institution_id: int) -> QuerySet[ReportExport]:
    """The institution's exports, newest first, with who asked for each."""
    return ReportExport.objects.filter(institution_id=institution_id).select_related("requested_by")


def recent_exports(*, institution_id: int, limit: int = 10) -> list[ReportExport]:
    return list(institution_exports(institution_id=institution_id)[:limit])


def export_for_staff(*, institution_id: int, export_pk: int) -> ReportExport | None:
    return ReportExport.objects.filter(institution_id=institution_id, pk=export_pk).first()
