"""The interviews API: the same selectors, services and permission functions as the pages.
Interviews and invitations the caller is not a party to are 404; a time that cannot be booked
(taken, expired) is 409 with the reason."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.models import Application
from marketplace.api import Conflict, Pagination, validation_response
from marketplace.api_permissions import SIGNED_IN

from .. import selectors, services
from ..choices import Party
from ..permissions import party_of
from ..times import student_zone
from .serializers import (
    BookInput,
    CancelInput,
    InterviewInvitationOutput,
    InterviewOutput,
    OtherTimesInput,
    OtherTimesOutput,
    ProposeInput,
    ProposeOutput,
    RescheduleInput,
)

ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}


def _errors(exc: ValidationError) -> Response:
    return validation_response(exc)


def _zone(party: Party, application, default: str) -> str:
    # The API has no browser: an organization's member sees the organization's (the round's) zone.
    return student_zone(application) if party == Party.STUDENT else default


def _interview_data(interview, party) -> dict:
    interview.time = selectors.interview_shown(
        interview, party=party, viewer_zone=_zone(party, interview.application, interview.time_zone)
    )
    return InterviewOutput(interview).data


def _invitation_data(invite, party) -> dict:
    zone_name = _zone(party, invite.application, invite.round.time_zone)
    invite.respond_by = invite.round.respond_by
    invite.slots = [
        {"id": slot.pk, "time": time} for slot, time in selectors.slot_times(invite, party=party, viewer_zone=zone_name)
    ]
    return InterviewInvitationOutput(invite).data


class InterviewListApi(APIView):
    """The caller's upcoming interviews: their own (student) or their organization's (members)."""

    permission_classes = SIGNED_IN
    pagination_class = Pagination

    @extend_schema(operation_id="interviews_list", responses={200: InterviewOutput(many=True), **ERRORS})
    def get(self, request):
        now = timezone.now()
        if request.user.is_student:
            upcoming, party = selectors.student_upcoming(user=request.user, now=now), Party.STUDENT
        elif request.user.is_employer:
            upcoming, party = selectors.organization_upcoming(user=request.user, now=now), Party.ORGANIZATION
        else:
            upcoming, party = None, None
        interviews = upcoming.interviews if upcoming is not None else []
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(interviews, request, view=self)
        return paginator.get_paginated_response([_interview_data(i, party) for i in page])


class _InterviewApi(APIView):
    permission_classes = SIGNED_IN

    def load(self, request, pk: int):
        found = selectors.interview_for_viewer(user=request.user, pk=pk)
        if found is None:
            raise Http404
        return found

    def answer(self, request, pk: int) -> Response:
        return Response(_interview_data(*self.load(request, pk)))


class InterviewDetailApi(_InterviewApi):
    @extend_schema(operation_id="interviews_retrieve", responses={200: InterviewOutput, **ERRORS})
    def get(self, request, pk: int):
        return self.answer(request, pk)


class RescheduleApi(_InterviewApi):
    @extend_schema(
        operation_id="interviews_reschedule",
        description=(
            "The organization moves the interview by offering 2–8 new times: the booking is cancelled "
            "(both sides get METHOD:CANCEL) and the student picks one of the new times from the new "
            "invitation, which is the answer. The student asks for other times instead (`other-times/`)."
        ),
        request=RescheduleInput,
        responses={201: InterviewInvitationOutput, **ERRORS},
    )
    def post(self, request, pk: int):
        interview, party = self.load(request, pk)
        if party != Party.ORGANIZATION:
            raise PermissionDenied("Only the organization offers new interview times.")
        serializer = RescheduleInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            proposed = services.interview_reschedule(
                interview=interview,
                user=request.user,
                slots=_slots(data),
                time_zone=data["time_zone"],
                location=data.get("location", ""),
                respond_by=data.get("respond_by"),
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            return _errors(exc)
        invite = proposed.round.invites.get(application_id=interview.application_id)
        found = selectors.invite_for_viewer(user=request.user, pk=invite.pk, now=timezone.now())
        return Response(_invitation_data(*found), status=201)


def _other_times(request, application, interview=None) -> Response:
    """The student's request for other times, as a message in the application's conversation."""
    serializer = OtherTimesInput(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        message = services.interview_ask_other_times(
            application=application,
            user=request.user,
            message=serializer.validated_data["message"],
            interview=interview,
        )
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None
    except ValidationError as exc:
        return _errors(exc)
    return Response(OtherTimesOutput(message).data, status=201)


OTHER_TIMES = {201: OtherTimesOutput, **ERRORS}


class InterviewOtherTimesApi(_InterviewApi):
    @extend_schema(
        operation_id="interviews_other_times",
        description="The student asks to move the booked interview; it stays booked until the organization "
        "offers new times (`reschedule/`).",
        request=OtherTimesInput,
        responses=OTHER_TIMES,
    )
    def post(self, request, pk: int):
        interview, _party = self.load(request, pk)
        return _other_times(request, interview.application, interview)


class CancelApi(_InterviewApi):
    @extend_schema(
        operation_id="interviews_cancel",
        description="Either side cancels; both get METHOD:CANCEL.",
        request=CancelInput,
        responses={200: InterviewOutput, **ERRORS},
    )
    def post(self, request, pk: int):
        interview, _party = self.load(request, pk)
        serializer = CancelInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.interview_cancel(
                interview=interview, user=request.user, reason=serializer.validated_data.get("reason", "")
            )
        except ValidationError as exc:
            return _errors(exc)
        return self.answer(request, pk)


class _InvitationApi(APIView):
    permission_classes = SIGNED_IN

    def load(self, request, pk: int):
        found = selectors.invite_for_viewer(user=request.user, pk=pk, now=timezone.now())
        if found is None:
            raise Http404
        return found


class InvitationApi(_InvitationApi):
    @extend_schema(
        operation_id="interview_invitations_retrieve",
        description="The times still open, in the caller's zone with the other party's beside.",
        responses={200: InterviewInvitationOutput, **ERRORS},
    )
    def get(self, request, pk: int):
        return Response(_invitation_data(*self.load(request, pk)))


class BookApi(_InvitationApi):
    @extend_schema(
        operation_id="interview_invitations_book",
        description="The student books one open time; 409 when it was just taken or is no longer offered.",
        request=BookInput,
        responses={201: InterviewOutput, 409: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request, pk: int):
        invite, party = self.load(request, pk)
        if party != Party.STUDENT:
            raise PermissionDenied("Only the student books an interview time.")
        serializer = BookInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            interview = services.interview_book(
                invite=invite, slot_id=serializer.validated_data["slot"], user=request.user
            )
        except services.BookingRefused as exc:
            raise Conflict(" ".join(exc.messages)) from None
        except ValidationError as exc:
            return _errors(exc)
        found = selectors.interview_for_viewer(user=request.user, pk=interview.pk)
        return Response(_interview_data(*found), status=201)


class InvitationOtherTimesApi(_InvitationApi):
    @extend_schema(
        operation_id="interview_invitations_other_times",
        description="None of the times suit the student: a message to the organization; the times stay offered.",
        request=OtherTimesInput,
        responses=OTHER_TIMES,
    )
    def post(self, request, pk: int):
        invite, _party = self.load(request, pk)
        return _other_times(request, invite.application)


def _slots(data) -> list[services.SlotInput]:
    return [services.SlotInput(day=s["date"], at=s["time"], minutes=data["minutes"]) for s in data["slots"]]


class ProposeApi(APIView):
    permission_classes = SIGNED_IN

    @extend_schema(
        operation_id="interview_slots_propose",
        description="The organization proposes 2–8 times (moving the application to `interview`).",
        request=ProposeInput,
        responses={201: ProposeOutput, **ERRORS},
    )
    def post(self, request, pk: int):
        application = Application.objects.select_related("listing__organization").filter(pk=pk).first()
        if application is None or party_of(request.user, application) is None:
            raise Http404
        if party_of(request.user, application) != Party.ORGANIZATION:
            raise PermissionDenied("Only the organization proposes interview times.")
        serializer = ProposeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            proposed = services.interview_round_propose(
                listing=application.listing,
                application_ids=[application.pk],
                user=request.user,
                slots=_slots(data),
                time_zone=data["time_zone"],
                location=data["location"],
                respond_by=data.get("respond_by"),
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            return _errors(exc)
        invite = proposed.round.invites.filter(application=application).first()
        return Response(
            ProposeOutput(
                {"invitation": invite.pk if invite else None, "invited": proposed.invited, "skipped": proposed.skipped}
            ).data,
            status=201,
        )
