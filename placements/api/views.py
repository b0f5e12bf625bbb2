"""The placements API: the same selectors, services and permission functions as the workspace page.
Placements the caller may not see are 404; career services may read but not write (403)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.models import Placement
from marketplace.api import Pagination, paginated, validation_response
from marketplace.api_permissions import SIGNED_IN
from placements import schedule, selectors, services
from placements.filters import PlacementFilter
from placements.permissions import Side

from .serializers import (
    CheckInInput,
    CheckInOutput,
    EndEarlyInput,
    FeedbackInput,
    FeePaidInput,
    GoalDoneInput,
    GoalInput,
    GoalOutput,
    PlacementDetailOutput,
    PlacementOutput,
    ScheduleInput,
)

ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}


def _errors(exc: ValidationError) -> Response:
    return validation_response(exc)


def _zone(placement) -> str:
    profile = getattr(placement.student, "student_profile", None) if placement.student_id else None
    return profile.time_zone if profile is not None else "UTC"


def _with_due_at(checkin, placement):
    if checkin is not None:
        checkin.due_at = schedule.due_moment(checkin.due_on, _zone(placement))
    return checkin


def _detail(placement, side) -> dict:
    ws = selectors.workspace(placement=placement, side=side, now=timezone.now())
    placement.student_time_zone = ws.student_zone
    placement.overlap_hours = ws.overlap
    placement.hours_estimate = ws.hours_estimate
    placement.next_checkin = _with_due_at(ws.next_due, placement)
    return PlacementDetailOutput(placement).data


class _PlacementApi(APIView):
    permission_classes = SIGNED_IN

    def load(self, request, pk: int):
        found = selectors.placement_for_viewer(user=request.user, pk=pk)
        if found is None:
            raise Http404
        return found

    def load_for_work(self, request, pk: int):
        placement, side = self.load(request, pk)
        if side == Side.CAREERS:
            raise PermissionDenied("Career services follow placements read-only.")
        return placement, side

    @staticmethod
    def goal(placement, goal_pk: int):
        goal = next((g for g in placement.goals.all() if g.pk == goal_pk), None)
        if goal is None:
            raise Http404
        return goal

    @staticmethod
    def checkin(placement, checkin_pk: int):
        checkin = next((c for c in placement.checkins.all() if c.pk == checkin_pk), None)
        if checkin is None:
            raise Http404
        return checkin

    def run(self, request, pk: int, action, input_class=None, status: int = 200):
        """Validate the input, call one service, answer with the placement as it now stands."""
        placement, side = self.load_for_work(request, pk)
        data = {}
        if input_class is not None:
            serializer = input_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        try:
            action(placement, data)
        except ValidationError as exc:
            return _errors(exc)
        placement, side = self.load(request, pk)
        return Response(_detail(placement, side), status=status)


class PlacementListApi(generics.ListAPIView):
    """The placements the caller may see: their own (student), their organization's (members), their
    institution's linked students' (career services); filtered by ``PlacementFilter``."""

    permission_classes = SIGNED_IN
    pagination_class = Pagination
    serializer_class = PlacementOutput
    filterset_class = PlacementFilter
    queryset = Placement.objects.none()  # the model, for the schema: get_queryset scopes by role

    def get_queryset(self):
        return selectors.placements_for(self.request.user)

    @extend_schema(operation_id="placements_list", responses={200: PlacementOutput(many=True), **ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PlacementDetailApi(_PlacementApi):
    """One placement's workspace: dates, time zones and overlap, goals, next check-in, hours, fee."""

    @extend_schema(operation_id="placements_retrieve", responses={200: PlacementDetailOutput, **ERRORS})
    def get(self, request, pk: int):
        return Response(_detail(*self.load(request, pk)))


class GoalListApi(_PlacementApi):
    pagination_class = Pagination

    @extend_schema(operation_id="placement_goals_list", responses={200: GoalOutput(many=True), **ERRORS})
    def get(self, request, pk: int):
        placement, _ = self.load(request, pk)
        return paginated(self, list(placement.goals.all()), GoalOutput)

    @extend_schema(
        operation_id="placement_goals_propose",
        description="The intern proposes a goal (at most six; goals added after confirmation wait for a new one).",
        request=GoalInput,
        responses={201: PlacementDetailOutput, **ERRORS},
    )
    def post(self, request, pk: int):
        return self.run(
            request,
            pk,
            lambda p, d: services.goal_propose(placement=p, user=request.user, **d),
            GoalInput,
            status=201,
        )


class GoalDetailApi(_PlacementApi):
    @extend_schema(
        operation_id="placement_goals_update",
        description="The supervisor edits any goal not done; the intern their own until it is confirmed.",
        request=GoalInput,
        responses={200: PlacementDetailOutput, **ERRORS},
    )
    def put(self, request, pk: int, goal_pk: int):
        return self.run(
            request,
            pk,
            lambda p, d: services.goal_update(goal=self.goal(p, goal_pk), user=request.user, **d),
            GoalInput,
        )

    @extend_schema(operation_id="placement_goals_remove", responses={200: PlacementDetailOutput, **ERRORS})
    def delete(self, request, pk: int, goal_pk: int):
        return self.run(request, pk, lambda p, d: services.goal_remove(goal=self.goal(p, goal_pk), user=request.user))


class GoalDoneApi(_PlacementApi):
    @extend_schema(
        operation_id="placement_goals_mark_done",
        request=GoalDoneInput,
        responses={200: PlacementDetailOutput, **ERRORS},
    )
    def post(self, request, pk: int, goal_pk: int):
        return self.run(
            request,
            pk,
            lambda p, d: services.goal_mark_done(goal=self.goal(p, goal_pk), user=request.user, link=d["link"]),
            GoalDoneInput,
        )


class GoalsConfirmApi(_PlacementApi):
    @extend_schema(
        operation_id="placement_goals_confirm",
        description="The organization confirms the goals as they stand (two to six).",
        request=None,
        responses={200: PlacementDetailOutput, **ERRORS},
    )
    def post(self, request, pk: int):
        return self.run(request, pk, lambda p, d: services.goals_confirm(placement=p, user=request.user))


class ScheduleApi(_PlacementApi):
    @extend_schema(
        operation_id="placement_schedule_set",
        description="Weekly or two-weekly check-ins on a weekday, due at the end of that day in the intern's time zone.",
        request=ScheduleInput,
        responses={200: PlacementDetailOutput, **ERRORS},
    )
    def put(self, request, pk: int):
        return self.run(
            request,
            pk,
            lambda p, d: services.schedule_set(
                placement=p, user=request.user, cadence=d["cadence"], weekday=int(d["weekday"])
            ),
            ScheduleInput,
        )


class CheckInListApi(_PlacementApi):
    """Every check-in period of the placement, written or not, by due date."""

    pagination_class = Pagination

    @extend_schema(operation_id="placement_checkins_list", responses={200: CheckInOutput(many=True), **ERRORS})
    def get(self, request, pk: int):
        placement, _ = self.load(request, pk)
        rows = [_with_due_at(c, placement) for c in placement.checkins.all()]
        return paginated(self, rows, CheckInOutput)


class CheckInSubmitApi(_PlacementApi):
    @extend_schema(
        operation_id="placement_checkins_submit",
        description="The intern writes the check-in of a period that has begun.",
        request=CheckInInput,
        responses={200: PlacementDetailOutput, **ERRORS},
    )
    def post(self, request, pk: int, checkin_pk: int):
        return self.run(
            request,
            pk,
            lambda p, d: services.checkin_submit(checkin=self.checkin(p, checkin_pk), user=request.user, **d),
            CheckInInput,
        )


class CheckInFeedbackApi(_PlacementApi):
    @extend_schema(
        operation_id="placement_checkins_feedback",
        request=FeedbackInput,
        responses={200: PlacementDetailOutput, **ERRORS},
    )
    def post(self, request, pk: int, checkin_pk: int):
        return self.run(
            request,
            pk,
            lambda p, d: services.checkin_feedback(
                checkin=self.checkin(p, checkin_pk), user=request.user, feedback=d["feedback"]
            ),
            FeedbackInput,
        )


class FeeAcceptApi(_PlacementApi):
    @extend_schema(
        operation_id="placement_fee_accept_deliverable",
        description="The organization accepts the deliverable: the fixed fee becomes due with the hourly rate actually earned.",
        request=None,
        responses={200: PlacementDetailOutput, **ERRORS},
    )
    def post(self, request, pk: int):
        return self.run(request, pk, lambda p, d: services.deliverable_accept(placement=p, user=request.user))


class FeePaidApi(_PlacementApi):
    @extend_schema(
        operation_id="placement_fee_mark_paid", request=FeePaidInput, responses={200: PlacementDetailOutput, **ERRORS}
    )
    def post(self, request, pk: int):
        return self.run(
            request,
            pk,
            lambda p, d: services.fee_mark_paid(placement=p, user=request.user, paid_on=d["paid_on"]),
            FeePaidInput,
        )


class FeeReceivedApi(_PlacementApi):
    @extend_schema(
        operation_id="placement_fee_confirm_received", request=None, responses={200: PlacementDetailOutput, **ERRORS}
    )
    def post(self, request, pk: int):
        return self.run(request, pk, lambda p, d: services.fee_confirm_received(placement=p, user=request.user))


class CompleteApi(_PlacementApi):
    @extend_schema(operation_id="placement_complete", request=None, responses={200: PlacementDetailOutput, **ERRORS})
    def post(self, request, pk: int):
        return self.run(request, pk, lambda p, d: services.placement_complete(placement=p, user=request.user))


class EndEarlyApi(_PlacementApi):
    @extend_schema(
        operation_id="placement_end_early", request=EndEarlyInput, responses={200: PlacementDetailOutput, **ERRORS}
    )
    def post(self, request, pk: int):
        return self.run(
            request,
            pk,
            lambda p, d: services.placement_end_early(placement=p, user=request.user, reason=d["reason"]),
            EndEarlyInput,
        )
