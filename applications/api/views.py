"""The applications API: the same services and permission functions as the pages."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import selectors, services
from applications.filters import ApplicationFilter, ListingApplicantFilter
from applications.models import Application, ApplicationStatus
from applications.permissions import can_apply_at_all, can_review_application, can_view_pipeline, organization_id_of
from listings import selectors as listing_selectors
from listings.models import Listing
from listings.permissions import can_view_listing
from listings.search import viewer_for
from marketplace.api import Pagination, paginated, validation_response
from marketplace.api_permissions import SIGNED_IN

from .serializers import (
    ApplicantDetailOutput,
    ApplicantOutput,
    ApplicationCreateInput,
    ApplicationDetailOutput,
    ApplicationOutput,
    BulkRejectInput,
    BulkRejectOutput,
    MessageInput,
    NoteInput,
    NoteOutput,
    StatusChangeInput,
)

S = ApplicationStatus
ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}


def _errors(exc: ValidationError) -> Response:
    return validation_response(exc)


def _student_only(request):
    if not can_apply_at_all(request.user):
        raise PermissionDenied("Only students have applications.")


def _own_or_404(request, pk: int) -> Application:
    _student_only(request)
    application = selectors.application_for_student(user=request.user, pk=pk)
    if application is None:
        raise Http404
    return application


ROLE_APPLICATION_DETAIL = PolymorphicProxySerializer(
    component_name="ApplicationDetailForRole",
    serializers=[ApplicationDetailOutput, ApplicantDetailOutput],
    resource_type_field_name=None,
    many=False,
)


class ApplicationListApi(generics.ListAPIView):
    """Applications, scoped by who asks: a student's own, or an organization member's applicants
    to the organization's listings (``ApplicantOutput``). Filtered and ordered by
    ``ApplicationFilter``, within what the role sees."""

    permission_classes = SIGNED_IN
    pagination_class = Pagination
    filterset_class = ApplicationFilter
    queryset = Application.objects.none()  # the model, for the schema: get_queryset scopes by role

    def get_queryset(self):
        user = self.request.user
        if can_apply_at_all(user):
            self.output = ApplicationOutput
            return selectors.student_applications(user=user)
        if (organization_id := organization_id_of(user)) is not None:
            self.output = ApplicantOutput
            return selectors.applications_for_organization(organization_id=organization_id)
        raise PermissionDenied("Only students and members of an organization have applications.")

    def get_serializer_class(self):
        return getattr(self, "output", ApplicationOutput)

    @extend_schema(
        operation_id="applications_list",
        responses={
            200: PolymorphicProxySerializer(
                component_name="ApplicationForRole",
                serializers=[ApplicationOutput, ApplicantOutput],
                resource_type_field_name=None,
                many=True,
            ),
            **ERRORS,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class StudentApplicationCreateApi(APIView):
    """Apply to a listing (JSON, or multipart with a PDF ``resume``)."""

    permission_classes = SIGNED_IN
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="applications_create",
        request={"application/json": ApplicationCreateInput, "multipart/form-data": ApplicationCreateInput},
        responses={201: ApplicationDetailOutput, **ERRORS},
        examples=[
            OpenApiExample(
                "Apply with the profile's résumé",
                request_only=True,
                value={
                    "listing": 42,
                    "cover_letter": "I have cleaned survey data for two years.",
                    "answers": {"7": "Yes"},
                },
            ),
        ],
    )
    def post(self, request):
        _student_only(request)
        data = ApplicationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        listing = Listing.objects.select_related("organization").filter(pk=data.validated_data["listing"]).first()
        viewer = viewer_for(request)
        if listing is None or not can_view_listing(
            request.user, listing, blocked_organization_ids=listing_selectors.blocked_organization_ids(viewer)
        ):
            return _errors(ValidationError({"listing": "No such listing."}))
        try:
            application = services.application_submit(
                student=request.user,
                listing=listing,
                cover_letter=data.validated_data["cover_letter"],
                answers=data.validated_data["answers"],
                resume_upload=data.validated_data.get("resume"),
                use_profile_resume=data.validated_data["use_profile_resume"],
            )
        except ValidationError as exc:
            return _errors(exc)
        application = selectors.application_for_student(user=request.user, pk=application.pk)
        return Response(ApplicationDetailOutput(application).data, status=201)


def _reviewed_or_404(request, pk: int) -> Application:
    """One of the organization's applications, for its members (404 for anyone else's)."""
    if organization_id_of(request.user) is None:
        raise PermissionDenied("Only members of an organization review applications.")
    application = selectors.application_for_employer(pk=pk)
    if application is None or not can_review_application(request.user, application):
        raise Http404
    return application


class ApplicationDetailApi(APIView):
    """One application: the student's own view, or the reviewing organization's (with its notes)."""

    permission_classes = SIGNED_IN

    @extend_schema(operation_id="applications_retrieve", responses={200: ROLE_APPLICATION_DETAIL, **ERRORS})
    def get(self, request, pk: int):
        if can_apply_at_all(request.user):
            return Response(ApplicationDetailOutput(_own_or_404(request, pk)).data)
        return Response(ApplicantDetailOutput(_reviewed_or_404(request, pk)).data)


class ApplicationNotesApi(APIView):
    """The team's private notes on an applicant (never shown to the student): read and add."""

    permission_classes = SIGNED_IN
    pagination_class = Pagination

    @extend_schema(operation_id="applications_notes_list", responses={200: NoteOutput(many=True), **ERRORS})
    def get(self, request, pk: int):
        application = _reviewed_or_404(request, pk)
        return paginated(self, application.notes.select_related("author"), NoteOutput)

    @extend_schema(operation_id="applications_notes_create", request=NoteInput, responses={201: NoteOutput, **ERRORS})
    def post(self, request, pk: int):
        application = _reviewed_or_404(request, pk)
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            note = services.application_note_add(
                application=application, author=request.user, body=data.validated_data["body"]
            )
        except ValidationError as exc:
            return _errors(exc)
        return Response(NoteOutput(note).data, status=201)


class ApplicationBulkRejectApi(APIView):
    """Reject many applicants of one listing with one message (each is told once)."""

    permission_classes = SIGNED_IN

    @extend_schema(
        operation_id="applications_bulk_reject", request=BulkRejectInput, responses={200: BulkRejectOutput, **ERRORS}
    )
    def post(self, request):
        if organization_id_of(request.user) is None:
            raise PermissionDenied("Only members of an organization reject applicants.")
        data = BulkRejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        listing = Listing.objects.filter(pk=data.validated_data["listing"]).first()
        if listing is None or not can_view_pipeline(request.user, listing):
            raise DRFValidationError({"listing": ["No such listing of your organization."]})
        rejected = services.applications_bulk_reject(
            listing=listing,
            application_ids=data.validated_data["applications"],
            user=request.user,
            message=data.validated_data["message"],
        )
        return Response(BulkRejectOutput({"rejected": rejected}).data)


class _StudentMoveApi(APIView):
    permission_classes = SIGNED_IN
    to_status: str = ""

    def post(self, request, pk: int):
        application = _own_or_404(request, pk)
        data = MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.application_transition(
                application=application,
                to_status=self.to_status,
                user=request.user,
                message=data.validated_data["message"],
            )
        except ValidationError as exc:
            return _errors(exc)
        return Response(ApplicationDetailOutput(selectors.application_for_student(user=request.user, pk=pk)).data)


class StudentApplicationWithdrawApi(_StudentMoveApi):
    """Withdraw an application before accepting an offer."""

    to_status = S.WITHDRAWN

    @extend_schema(
        operation_id="applications_withdraw", request=MessageInput, responses={200: ApplicationDetailOutput, **ERRORS}
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class StudentApplicationAcceptApi(_StudentMoveApi):
    """Accept an offer: creates the placement (refused clearly when the openings are filled)."""

    to_status = S.ACCEPTED

    @extend_schema(
        operation_id="applications_accept_offer",
        request=MessageInput,
        responses={200: ApplicationDetailOutput, **ERRORS},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class StudentApplicationDeclineApi(_StudentMoveApi):
    """Decline an offer."""

    to_status = S.DECLINED

    @extend_schema(
        operation_id="applications_decline_offer",
        request=MessageInput,
        responses={200: ApplicationDetailOutput, **ERRORS},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class EmployerListingApplicationsApi(generics.ListAPIView):
    """The applicants of one of the organization's listings, with the pipeline page's filters
    (``ListingApplicantFilter``)."""

    permission_classes = SIGNED_IN
    pagination_class = Pagination
    serializer_class = ApplicantOutput
    filterset_class = ListingApplicantFilter
    queryset = Application.objects.none()  # the model, for the schema

    def get_queryset(self):
        if organization_id_of(self.request.user) is None:
            raise PermissionDenied("Only members of an organization see applicants.")
        self.listing = get_object_or_404(Listing, pk=self.kwargs["pk"])
        if not can_view_pipeline(self.request.user, self.listing):
            raise Http404
        return selectors.applications_for_organization(
            organization_id=self.listing.organization_id, listing_id=self.listing.pk
        )

    def get_filterset_context(self) -> dict:
        return {"listing": self.listing, "now": timezone.now()}

    @extend_schema(operation_id="employer_listing_applications", responses={200: ApplicantOutput(many=True), **ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EmployerApplicationStatusApi(APIView):
    """Move an applicant through the pipeline (reject, offer with a start date, …)."""

    permission_classes = SIGNED_IN

    @extend_schema(
        operation_id="employer_application_change_status",
        request=StatusChangeInput,
        responses={200: ApplicantOutput, **ERRORS},
        examples=[
            OpenApiExample("Shortlist", request_only=True, value={"status": "shortlisted", "message": ""}),
            OpenApiExample(
                "Make an offer",
                request_only=True,
                value={"status": "offered", "message": "We would love to have you.", "offer_start_date": "2026-03-02"},
            ),
        ],
    )
    def post(self, request, pk: int):
        if organization_id_of(request.user) is None:
            raise PermissionDenied("Only members of an organization move applicants.")
        application = Application.objects.select_related("listing", "student").filter(pk=pk).first()
        if application is None or not can_review_application(request.user, application):
            raise Http404
        data = StatusChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            moved = services.application_transition(
                application=application,
                to_status=data.validated_data["status"],
                user=request.user,
                message=data.validated_data["message"],
                offer_start_date=data.validated_data["offer_start_date"],
            )
        except ValidationError as exc:
            return _errors(exc)
        return Response(ApplicantOutput(moved).data)
