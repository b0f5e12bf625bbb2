"""The evaluations API: the same selectors, services and permission functions (the reveal rule)
as the pages."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluations import selectors, services
from evaluations.choices import EMPLOYER_KEYS, SKILL_KEYS
from marketplace.api import Pagination, paginated, validation_response
from marketplace.api_permissions import API_DEFAULT, SIGNED_IN
from placements.permissions import Side

from .serializers import (
    CertificateOutput,
    EvaluationOutput,
    PortfolioOutput,
    StudentEvaluationInput,
    SupervisorEvaluationInput,
    VerificationOutput,
)

ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}


class _EvaluationApi(APIView):
    permission_classes = SIGNED_IN

    def load(self, request, pk: int):
        page = selectors.evaluation_for_viewer(user=request.user, pk=pk, now=timezone.now())
        if page is None:
            raise Http404
        return page

    def submit(self, request, pk: int, *, side: Side, refusal: str, input_class, action):
        """One side's submission: only that side may send it; ``action(placement, data)`` calls the
        service, whose refusals become the API's 400 or 403; the answer is the evaluation as the
        caller may now read it."""
        page = self.load(request, pk)
        if page.side != side:
            raise PermissionDenied(refusal)
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            action(page.placement, data.validated_data)
        except ValidationError as exc:
            return validation_response(exc)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(EvaluationOutput(selectors.evaluation_data(self.load(request, pk))).data)


class EvaluationDetailApi(_EvaluationApi):
    @extend_schema(
        operation_id="placement_evaluation",
        summary="A placement's evaluation, as far as the caller may read it (the reveal rule)",
        responses={200: EvaluationOutput, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk: int):
        return Response(EvaluationOutput(selectors.evaluation_data(self.load(request, pk))).data)


class SupervisorEvaluationApi(_EvaluationApi):
    @extend_schema(
        operation_id="placement_evaluation_supervisor",
        summary="The organization rates the intern (once, while the window is open)",
        request=SupervisorEvaluationInput,
        responses={200: EvaluationOutput, **ERRORS},
    )
    def post(self, request, pk: int):
        return self.submit(
            request,
            pk,
            side=Side.SUPERVISOR,
            refusal="Only the organization evaluates the intern.",
            input_class=SupervisorEvaluationInput,
            action=lambda placement, d: services.supervisor_evaluation_submit(
                placement=placement,
                user=request.user,
                ratings={k: d[k] for k in SKILL_KEYS},
                comments=d.get("comments", ""),
                endorsement=d.get("endorsement", ""),
            ),
        )


class StudentEvaluationApi(_EvaluationApi):
    @extend_schema(
        operation_id="placement_evaluation_student",
        summary="The intern's self-assessment and review of the organization (once, while open)",
        request=StudentEvaluationInput,
        responses={200: EvaluationOutput, **ERRORS},
    )
    def post(self, request, pk: int):
        return self.submit(
            request,
            pk,
            side=Side.STUDENT,
            refusal="Only the intern self-assesses.",
            input_class=StudentEvaluationInput,
            action=lambda placement, d: services.student_evaluation_submit(
                placement=placement,
                user=request.user,
                self_ratings={k: d[f"self_{k}"] for k in SKILL_KEYS},
                review_ratings={k: d[k] for k in EMPLOYER_KEYS},
                would_recommend=d["would_recommend"],
                self_comments=d.get("self_comments", ""),
                review_comments=d.get("review_comments", ""),
            ),
        )


class CertificateListApi(APIView):
    permission_classes = SIGNED_IN
    pagination_class = Pagination

    @extend_schema(
        operation_id="certificates_mine",
        summary="The caller's certificates of completion, with their signed credentials",
        responses={200: CertificateOutput(many=True)},
    )
    def get(self, request):
        return paginated(self, selectors.student_certificates(user=request.user), CertificateOutput)


def _verification(certificate) -> dict:
    evaluation = selectors.published_evaluation(certificate) if not certificate.is_revoked else None
    return {
        "code": certificate.code,
        "status": "revoked" if certificate.is_revoked else "valid",
        "revoked_reason": certificate.revoked_reason,
        "student_name": certificate.student_name,
        "organization_name": certificate.organization_name,
        "listing_title": certificate.listing_title,
        "start_date": certificate.start_date,
        "end_date": certificate.end_date,
        "hours": certificate.hours,
        "supervisor_name": certificate.supervisor_name,
        "goals": [{"text": g["text"]} for g in certificate.goals],
        "issued_at": certificate.issued_at,
        "endorsement": evaluation.endorsement if evaluation and evaluation.endorsement_published else None,
        "ratings": evaluation.supervisor_ratings() if evaluation and evaluation.ratings_published else None,
    }


class CertificateVerifyApi(APIView):
    permission_classes = API_DEFAULT
    authentication_classes = []

    @extend_schema(
        operation_id="certificate_verify",
        summary="Public: is this certificate genuine, and what does it say",
        responses={200: VerificationOutput, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, code: str):
        certificate = selectors.certificate_by_code(code)
        if certificate is None:
            raise NotFound("No certificate has this code.")
        return Response(VerificationOutput(_verification(certificate)).data)


class PortfolioApi(APIView):
    permission_classes = API_DEFAULT
    authentication_classes = []

    @extend_schema(
        operation_id="portfolio_public",
        summary="Public: a student's opted-in portfolio (404 when it is off)",
        responses={200: PortfolioOutput, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request, slug: str):
        portfolio = selectors.portfolio_public(slug)
        if portfolio is None:
            raise NotFound("No such portfolio.")
        entries = selectors.portfolio_entries(portfolio)
        data = {
            "slug": portfolio.slug,
            "name": portfolio.student.get_full_name(),
            "headline": portfolio.headline,
            "placements": [
                {
                    "code": e.certificate.code,
                    "listing_title": e.certificate.listing_title,
                    "organization_name": e.certificate.organization_name,
                    "start_date": e.certificate.start_date,
                    "end_date": e.certificate.end_date,
                    "hours": e.certificate.hours,
                    "verify_url": request.build_absolute_uri(reverse("evaluations:verify", args=[e.certificate.code])),
                    "links": [g.done_link or g.link for g in e.links],
                    "endorsement": e.endorsement or None,
                    "ratings": {c.key: v for c, v in e.ratings} or None,
                }
                for e in entries
            ],
        }
        return Response(PortfolioOutput(data).data)
