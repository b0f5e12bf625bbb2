"""The placements API: the same selectors, services and permission functions as the workspace page.
Placements the caller may not see are 404; career services may read but not write (403).

The edits that could overwrite someone else's (a goal's edit, removal and marking done, the
schedule, a check-in's feedback) take ``If-Match``: the ETag of the goal, placement or check-in as
read (its GET, or its ``version`` in the placement's detail); 428 without it, 412 when it changed
since, with nothing changed."""

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
from marketplace.api import (
    PRECONDITION_ERRORS,
    Pagination,
    edit_parameters,
    etag_parameter,
    if_match,
    if_match_parameter,
    paginated,
    validation_response,
    with_etag,
)
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
EDIT_ERRORS = {**ERRORS, **PRECONDITION_ERRORS}
GOAL, PLACEMENT, CHECKIN = "the goal", "the placement", "the check-in"


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

    def run(self, request, pk: int, action, input_class=None, status: int = 200, *, guarded=False, etag=None):
        """Validate the input, call one service, answer with the placement as it now stands.

        A ``guarded`` edit (one that could overwrite someone else's) needs ``If-Match``: 428
        without it, once the caller may act at all; ``action(placement, data, versions)`` hands its
        versions to the service, which checks them under its lock (a stale one is its
        ``StaleVersion``: 412, ``marketplace.api``). The answer carries ``etag(placement)``, the
        edited object's new version (none when it is gone)."""
        placement, side = self.load_for_work(request, pk)
        versions = if_match(request) if guarded else None
        data = {}
        if input_class is not None:
            serializer = input_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        try:
            if guarded:
                action(placement, data, versions)
            else:
                action(placement, data)
        except ValidationError as exc:
            return _errors(exc)
        placement, side = self.load(request, pk)
        response = Response(_detail(placement, side), status=status)
        return with_etag(response, etag(placement)) if etag is not None else response


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

    @extend_schema(
        operation_id="placements_retrieve",
        parameters=[etag_parameter(PLACEMENT, description="The placement's version: If-Match of its schedule's edit")],
        responses={200: PlacementDetailOutput, **ERRORS},
    )
    def get(self, request, pk: int):
        placement, side = self.load(request, pk)
        return with_etag(Response(_detail(placement, side)), placement.version)


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
    """One goal (its ``ETag`` is what its edit, removal and marking done send in ``If-Match``)."""

    @extend_schema(
        operation_id="placement_goals_retrieve",
        parameters=[etag_parameter(GOAL)],
        responses={200: GoalOutput, **ERRORS},
    )
    def get(self, request, pk: int, goal_pk: int):
        placement, _ = self.load(request, pk)
        goal = self.goal(placement, goal_pk)
        return with_etag(Response(GoalOutput(goal).data), goal.version)

    @extend_schema(
        operation_id="placement_goals_update",
        description="The supervisor edits any goal not done; the intern their own until it is confirmed.",
        parameters=edit_parameters(GOAL),
        request=GoalInput,
        responses={200: PlacementDetailOutput, **EDIT_ERRORS},
    )
    def put(self, request, pk: int, goal_pk: int):
        return self.run(
            request,
            pk,
            lambda p, d, v: services.goal_update(goal=self.goal(p, goal_pk), user=request.user, if_version=v, **d),
            GoalInput,
            guarded=True,
            etag=lambda p: self.goal(p, goal_pk).version,
        )

    @extend_schema(
        operation_id="placement_goals_remove",
        parameters=[if_match_parameter(GOAL)],
        responses={200: PlacementDetailOutput, **EDIT_ERRORS},
    )
    def delete(self, request, pk: int, goal_pk: int):
        return self.run(
            request,
            pk,
            lambda p, d, v: services.goal_remove(goal=self.goal(p, goal_pk), user=request.user, if_version=v),
            guarded=True,
        )


class GoalDoneApi(_PlacementApi):
    @extend_schema(
        operation_id="placement_goals_mark_done",
        parameters=edit_parameters(GOAL),
        request=GoalDoneInput,
        responses={200: PlacementDetailOutput, **EDIT_ERRORS},
    )
    def post(self, request, pk: int, goal_pk: int):
        return self.run(
            request,
            pk,
            lambda p, d, v: services.goal_mark_done(
                goal=self.goal(p, goal_pk), user=request.user, link=d["link"], if_version=v
            ),
            GoalDoneInput,
            guarded=True,
            etag=lambda p: self.goal(p, goal_pk).version,
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
        parameters=edit_parameters(PLACEMENT),
        request=ScheduleInput,
        responses={200: PlacementDetailOutput, **EDIT_ERRORS},
    )
    def put(self, request, pk: int):
        return self.run(
            request,
            pk,
            lambda p, d, v: services.schedule_set(
                placement=p, user=request.user, cadence=d["cadence"], weekday=int(d["weekday"]), if_version=v
            ),
            ScheduleInput,
            guarded=True,
            etag=lambda p: p.version,
        )


class CheckInListApi(_PlacementApi):
    """Every check-in period of the placement, written or not, by due date."""

    pagination_class = Pagination

    @extend_schema(operation_id="placement_checkins_list", responses={200: CheckInOutput(many=True), **ERRORS})
    def get(self, request, pk: int):
        placement, _ = self.load(request, pk)
        rows = [_with_due_at(c, placement) for c in placement.checkins.all()]
        return paginated(self, rows, CheckInOutput)


class CheckInDetailApi(_PlacementApi):
    """One check-in period (its ``ETag`` is what the organization's feedback sends in ``If-Match``)."""

    @extend_schema(
        operation_id="placement_checkins_retrieve",
        parameters=[etag_parameter(CHECKIN)],
        responses={200: CheckInOutput, **ERRORS},
    )
    def get(self, request, pk: int, checkin_pk: int):
        placement, _ = self.load(request, pk)
        checkin = _with_due_at(self.checkin(placement, checkin_pk), placement)
        return with_etag(Response(CheckInOutput(checkin).data), checkin.version)


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
        description="The organization answers a written check-in (once: a colleague who answered "
        "first makes a stale If-Match, 412).",
        parameters=edit_parameters(CHECKIN),
        request=FeedbackInput,
        responses={200: PlacementDetailOutput, **EDIT_ERRORS},
    )
    def post(self, request, pk: int, checkin_pk: int):
        return self.run(
            request,
            pk,
            lambda p, d, v: services.checkin_feedback(
                checkin=self.checkin(p, checkin_pk), user=request.user, feedback=d["feedback"], if_version=v
            ),
            FeedbackInput,
            guarded=True,
            etag=lambda p: self.checkin(p, checkin_pk).version,
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
