"""Reads for the evaluation, review, certificate and portfolio pages and the API (each a constant
number of queries). What a viewer may read follows ``permissions`` (the reveal rule)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Aggregate as _Aggregate
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, FloatField, Prefetch, Q, QuerySet
from django.db.models.functions import Extract

from applications.models import CheckIn, Goal, Placement
from placements.permissions import LINKED, Side, side_of

from . import credentials, permissions
from .choices import EMPLOYER_CRITERIA, MIN_REVIEWS, SKILL_KEYS, SKILLS, Criterion
from .models import Certificate, Evaluation, Portfolio, SigningKey


class Median(_Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


# --- one placement's evaluation ---------------------------------------------------------------------


@dataclass(frozen=True)
class SkillRow:
    criterion: Criterion
    supervisor: int | None
    self: int | None

    @property
    def gap(self) -> int | None:
        """Supervisor minus self: positive when the intern underrated their contribution."""
        if self.supervisor is None or self.self is None:
            return None
        return self.supervisor - self.self

    @property
    def supervisor_text(self) -> str:
        return self.criterion.descriptor(self.supervisor)

    @property
    def self_text(self) -> str:
        return self.criterion.descriptor(self.self)

    @property
    def highlight(self) -> bool:
        return self.gap is not None and abs(self.gap) >= 1


@dataclass
class EvaluationPage:
    placement: Placement
    side: Side
    evaluation: Evaluation | None
    now: datetime
    certificate: Certificate | None = None

    @property
    def revealed(self) -> bool:
        return self.evaluation is not None and permissions.is_revealed(self.evaluation, self.now)

    @property
    def can_submit(self) -> bool:
        return self.evaluation is not None and permissions.can_submit(self.side, self.evaluation, self.now)

    @property
    def submitted(self) -> bool:
        return self.evaluation is not None and permissions.has_submitted(self.evaluation, self.side)

    @property
    def other_submitted(self) -> bool:
        if self.evaluation is None:
            return False
        other = Side.SUPERVISOR if self.side == Side.STUDENT else Side.STUDENT
        return permissions.has_submitted(self.evaluation, other)

    @property
    def can_publish(self) -> bool:
        return self.evaluation is not None and permissions.can_publish(self.side, self.evaluation, self.now)

    @property
    def shows_supervisor(self) -> bool:
        """The supervisor's answers: to the supervisor's side always, to others once revealed."""
        if self.evaluation is None or self.evaluation.supervisor_submitted_at is None:
            return False
        return self.side == Side.SUPERVISOR or self.revealed

    @property
    def shows_student(self) -> bool:
        if self.evaluation is None or self.evaluation.student_submitted_at is None:
            return False
        return self.side == Side.STUDENT or self.revealed

    @property
    def rows(self) -> list[SkillRow]:
        e = self.evaluation
        if e is None:
            return []
        sup = e.supervisor_ratings() if self.shows_supervisor else {}
        own = e.self_ratings() if self.shows_student else {}
        return [SkillRow(c, sup.get(c.key), own.get(c.key)) for c in SKILLS]

    @property
    def review_rows(self) -> list[tuple[Criterion, int | None]]:
        if not self.shows_student:
            return []
        ratings = self.evaluation.review_ratings()
        return [(c, ratings[c.key]) for c in EMPLOYER_CRITERIA]


def evaluation_for_viewer(*, user, pk: int, now: datetime) -> EvaluationPage | None:
    """The placement's evaluation as the viewer may read it; None when the viewer may not see the
    placement (the caller answers 404)."""
    placement = (
        Placement.objects.select_related(
            "listing", "organization", "student__student_profile", "supervisor", "evaluation", "certificate"
        )
        .filter(pk=pk)
        .first()
    )
    if placement is None:
        return None
    side = side_of(user, placement)
    if side is None:
        return None
    return EvaluationPage(
        placement=placement,
        side=side,
        evaluation=getattr(placement, "evaluation", None),
        now=now,
        certificate=getattr(placement, "certificate", None),
    )


def evaluation_data(page: EvaluationPage) -> dict:
    """The evaluation as the API shows it: the same reveal rule as the page."""
    e = page.evaluation
    data = {
        "placement": page.placement.pk,
        "side": str(page.side),
        "opened_at": e.opened_at if e else None,
        "closes_at": e.closes_at if e else None,
        "revealed": page.revealed,
        "you_submitted": page.submitted,
        "other_side_submitted": page.other_submitted,
        "supervisor": None,
        "self_assessment": None,
        "review": None,
        "comparison": [],
    }
    if e is None:
        return data
    if page.shows_supervisor:
        data["supervisor"] = {
            "ratings": e.supervisor_ratings(),
            "comments": e.supervisor_comments,
            "endorsement": e.endorsement,
            "average": e.supervisor_average,
            "submitted_at": e.supervisor_submitted_at,
        }
    if page.shows_student:
        data["self_assessment"] = {
            "ratings": e.self_ratings(),
            "comments": e.self_comments,
            "submitted_at": e.student_submitted_at,
        }
        data["review"] = {
            "ratings": e.review_ratings(),
            "would_recommend": e.would_recommend,
            "comments": e.review_comments,
            "reply": e.reply,
        }
    if page.revealed:
        data["comparison"] = [
            {
                "skill": r.criterion.key,
                "label": r.criterion.label,
                "supervisor": r.supervisor,
                "self": r.self,
                "gap": r.gap,
            }
            for r in page.rows
        ]
    return data


# --- reviews of an organization ----------------------------------------------------------------------


@dataclass
class ReviewSummary:
    count: int
    averages: list[tuple[Criterion, float]] = field(default_factory=list)
    recommend_share: float | None = None
    median_feedback_hours: float | None = None
    feedback_counted: int = 0
    reviews: list[Evaluation] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.count >= MIN_REVIEWS

    @property
    def recommend_percent(self) -> int | None:
        return None if self.recommend_share is None else round(self.recommend_share * 100)

    @property
    def median_feedback_label(self) -> str:
        hours = self.median_feedback_hours
        if hours is None:
            return ""
        if hours < 48:
            return f"{hours:.0f} hours"
        return f"{hours / 24:.1f} days"


def median_feedback_hours(*, organization_id: int) -> tuple[float | None, int]:
    """Median time from a written check-in to the supervisor's feedback, over the organization's
    placements (one query)."""
    row = CheckIn.objects.filter(placement__organization_id=organization_id, feedback_at__isnull=False).aggregate(
        median=Median(
            Extract(ExpressionWrapper(F("feedback_at") - F("submitted_at"), output_field=DurationField()), "epoch")
        ),
        n=Count("pk"),
    )
    return (row["median"] / 3600 if row["median"] is not None else None), row["n"]


def organization_reviews(*, organization_id: int, now: datetime, with_reviews: bool = True) -> ReviewSummary:
    """The organization's review figures, and its reviews (anonymous) once there are at least
    ``MIN_REVIEWS``: below that, only the count is known (3 queries)."""
    reviews = Evaluation.objects.reviews(now).filter(placement__organization_id=organization_id)
    figures = reviews.aggregate(
        n=Count("pk"),
        recommend=Count("pk", filter=Q(would_recommend=True)),
        **{c.key: Avg(f"rev_{c.key}") for c in EMPLOYER_CRITERIA},
    )
    median, counted = median_feedback_hours(organization_id=organization_id)
    summary = ReviewSummary(count=figures["n"], median_feedback_hours=median, feedback_counted=counted)
    if summary.shown:
        summary.averages = [(c, round(figures[c.key], 1)) for c in EMPLOYER_CRITERIA]
        summary.recommend_share = figures["recommend"] / figures["n"]
        if with_reviews:
            summary.reviews = list(reviews.select_related("reply_by").order_by("-student_submitted_at", "-pk")[:50])
    return summary


def institution_reviews(*, institution_id: int, now: datetime) -> QuerySet[Evaluation]:
    """Every revealed review by the institution's (linked) students, attributed: career services
    read them all, whatever the organization's count."""
    return (
        Evaluation.objects.reviews(now)
        .filter(
            placement__student__student_profile__institution_id=institution_id,
            placement__student__student_profile__institution_link__in=LINKED,
        )
        .select_related("placement__student", "placement__organization", "placement__listing")
        .order_by("-student_submitted_at", "-pk")
    )


# --- certificates and keys ----------------------------------------------------------------------------


def certificate_by_code(code: str) -> Certificate | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 16 or not code.isalnum():
        return None
    return Certificate.objects.filter(code=code).first()


def published_evaluation(certificate: Certificate) -> Evaluation | None:
    """The supervisor's evaluation as far as the intern published it (None when nothing is)."""
    evaluation = Evaluation.objects.filter(placement_id=certificate.placement_id).first()
    if evaluation is None or evaluation.supervisor_submitted_at is None:
        return None
    if not (evaluation.endorsement_published or evaluation.ratings_published):
        return None
    return evaluation


def jwks() -> dict:
    """Every signing key's public half, active and retired (so old credentials keep verifying)."""
    return {
        "keys": [
            credentials.public_jwk(kid=kid, public_key=public)
            for kid, public in SigningKey.objects.order_by("created_at", "pk").values_list("kid", "public_key")
        ]
    }


def revocation_list(*, site_url: str) -> dict:
    """The ``1EdTechRevocationList`` the credentials' ``credentialStatus`` points at."""
    site = site_url.rstrip("/")
    return {
        "id": f"{site}/credentials/revocations/",
        "issuer": f"{site}/issuer/profile.json",
        "revokedCredentials": [
            {"id": credential_id, "revocationReason": reason}
            for credential_id, reason in Certificate.objects.filter(revoked_at__isnull=False)
            .order_by("revoked_at", "pk")
            .values_list("credential_id", "revoked_reason")
        ],
    }


def student_certificates(*, user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(placement__student=user).order_by("-issued_at", "-pk")


# --- portfolio ---------------------------------------------------------------------------------------------


@dataclass
class PortfolioEntry:
    placement: Placement
    certificate: Certificate
    evaluation: Evaluation | None
    links: list[Goal]

    @property
    def endorsement(self) -> str:
        e = self.evaluation
        return e.endorsement if e and e.endorsement_published and e.supervisor_submitted_at else ""

    @property
    def ratings(self) -> list[tuple[Criterion, int]]:
        e = self.evaluation
        if not (e and e.ratings_published and e.supervisor_submitted_at):
            return []
        return [(c, getattr(e, f"sup_{c.key}")) for c in SKILLS]


def portfolio_entries(portfolio: Portfolio) -> list[PortfolioEntry]:
    """The student's completed placements with a valid certificate (3 queries)."""
    shown = set(portfolio.shown_goal_ids or [])
    placements = (
        Placement.objects.filter(
            student_id=portfolio.student_id,
            status=Placement.Status.COMPLETED,
            certificate__isnull=False,
            certificate__revoked_at__isnull=True,
        )
        .select_related("certificate", "evaluation", "organization")
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.filter(done_at__isnull=False).order_by("pk")))
        .order_by("-end_date", "-pk")
    )
    return [
        PortfolioEntry(
            placement=p,
            certificate=p.certificate,
            evaluation=getattr(p, "evaluation", None),
            links=[g for g in p.goals.all() if g.pk in shown and (g.done_link or g.link)],
        )
        for p in placements
    ]


def portfolio_public(slug: str) -> Portfolio | None:
    """The opted-in portfolio at ``slug``; None (404) when there is none or it is switched off."""
    portfolio = Portfolio.objects.select_related("student").filter(slug=slug).first()
    return portfolio if permissions.portfolio_is_visible(portfolio) else None


def portfolio_of(user) -> Portfolio | None:
    return Portfolio.objects.filter(student=user).first() if user.is_authenticated else None


def portfolio_link_for(student_id: int | None) -> str | None:
    """The public portfolio's slug of a student, when switched on (for profiles and applicants)."""
    if not student_id:
        return None
    return (
        Portfolio.objects.filter(student_id=student_id, is_public=True, student__is_active=True)
        .values_list("slug", flat=True)
        .first()
    )


# --- figures for career services ----------------------------------------------------------------------------


@dataclass
class EvaluationFigures:
    ended: int
    completed: int
    evaluated: int  # revealed evaluations with the supervisor's ratings
    outstanding: int  # open windows still waiting for one side
    supervisor_averages: list[tuple[str, float | None]]
    self_averages: list[tuple[str, float | None]]

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.ended if self.ended else None

    @property
    def completion_percent(self) -> str:
        rate = self.completion_rate
        return "–" if rate is None else f"{rate * 100:.1f} %"

    @property
    def rows(self) -> list[tuple[str, float | None, float | None, float | None]]:
        """(skill, supervisor average, self average, gap) — positive gap: students underrate."""
        out = []
        for (label, sup), (_, own) in zip(self.supervisor_averages, self.self_averages, strict=True):
            gap = round(sup - own, 2) if sup is not None and own is not None else None
            out.append((label, sup, own, gap))
        return out


def evaluation_figures(*, placements: QuerySet[Placement], now: datetime) -> EvaluationFigures:
    """Completion and evaluation figures over a set of placements (two queries). Ratings count only
    from revealed evaluations where both sides answered (so the gap compares like with like)."""
    status = placements.aggregate(
        ended=Count("pk", filter=~Q(status=Placement.Status.ACTIVE)),
        completed=Count("pk", filter=Q(status=Placement.Status.COMPLETED)),
    )
    evaluations = Evaluation.objects.filter(placement__in=placements.values("pk"))
    both = Q(supervisor_submitted_at__isnull=False, student_submitted_at__isnull=False)
    waiting = (Q(supervisor_submitted_at__isnull=True) | Q(student_submitted_at__isnull=True)) & Q(closes_at__gt=now)
    agg = evaluations.aggregate(
        evaluated=Count("pk", filter=both),
        outstanding=Count("pk", filter=waiting),
        **{f"sup_{k}": Avg(f"sup_{k}", filter=both) for k in SKILL_KEYS},
        **{f"self_{k}": Avg(f"self_{k}", filter=both) for k in SKILL_KEYS},
    )

    def avg(name):
        value = agg[name]
        return round(float(value), 2) if value is not None else None

    return EvaluationFigures(
        ended=status["ended"],
        completed=status["completed"],
        evaluated=agg["evaluated"],
        outstanding=agg["outstanding"],
        supervisor_averages=[(c.label, avg(f"sup_{c.key}")) for c in SKILLS],
        self_averages=[(c.label, avg(f"self_{c.key}")) for c in SKILLS],
    )


def certificate_of(placement_id: int) -> Certificate | None:
    return Certificate.objects.filter(placement_id=placement_id).first()
