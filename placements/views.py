"""The placement workspace: one page, with one POST endpoint per action. Views parse the form, call
one service and redirect back; a refused action re-renders the page with the form's errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from applications.models import CheckIn, Goal
from marketplace.concurrency import StaleVersion

from . import selectors, services
from .forms import (
    CheckInForm,
    CheckInListForm,
    EndEarlyForm,
    FeedbackForm,
    FeePaidForm,
    GoalDoneForm,
    GoalEditForm,
    GoalForm,
    ScheduleForm,
)
from .permissions import Side

GOAL_CHANGED = (
    "Someone changed this goal since you opened the page; here it is now. Make your change again if it still applies."
)
CHECKIN_ANSWERED = "Someone answered this check-in since you opened the page; here it is now."


def _load(request, pk: int):
    found = selectors.placement_for_viewer(user=request.user, pk=pk)
    if found is None:
        raise Http404("No such placement.")
    return found


def _page(request, placement, side, *, status: int = 200, bound: dict | None = None, errors=()):
    """The workspace page; ``bound`` holds a submitted form to show again with its errors, keyed by
    its name (or by (name, goal or check-in id) for the per-row forms)."""
    bound = bound or {}
    ws = selectors.workspace(
        placement=placement, side=side, now=timezone.now(), show_all=CheckInListForm.show_all(request.GET)
    )
    context = {
        "ws": ws,
        "placement": placement,
        "listing": placement.listing,
        "cadence_label": selectors.checkin_cadence_label(placement),
        "goal_form": bound.get("goal") or GoalForm(),
        "edit_forms": {
            g.pk: bound.get(("edit", g.pk))
            or GoalEditForm(
                prefix=f"goal-{g.pk}",
                initial={"text": g.text, "due_on": g.due_on, "link": g.link, "version": g.version},
            )
            for g in ws.goals
        },
        "done_forms": {
            g.pk: bound.get(("done", g.pk)) or GoalDoneForm(prefix=f"done-{g.pk}", initial={"version": g.version})
            for g in ws.goals
        },
        "schedule_form": bound.get("schedule")
        or ScheduleForm(initial={"cadence": placement.checkin_cadence, "weekday": placement.checkin_weekday}),
        "checkin_form": bound.get("checkin") or CheckInForm(),
        "feedback_forms": {
            c.pk: bound.get(("feedback", c.pk))
            or FeedbackForm(prefix=f"feedback-{c.pk}", initial={"version": c.version})
            for c in ws.awaiting_feedback
        },
        "fee_paid_form": bound.get("fee_paid") or FeePaidForm(initial={"paid_on": timezone.localdate()}),
        "end_form": bound.get("end") or EndEarlyForm(),
        "errors": list(errors),
    }
    return render(request, "placements/workspace.html", context, status=status)


@login_required
def workspace(request, pk: int):
    placement, side = _load(request, pk)
    return _page(request, placement, side)


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _act(request, pk: int, action, *, form=None, key=None, success: str, anchor: str = "", stale=None):
    """Run one service for a POST: 404 for those who may not see the placement, 403 for those
    who may only read it, the page again with the errors (400) when the form or the service
    refuses.

    ``stale``: for an edit whose form carries the version it was opened at, ``(message, as_now)``:
    when someone else wrote first (the service's ``StaleVersion``), the page as it now is (409),
    with the message and ``as_now(placement)``, the form again with what is there now (or None)."""
    placement, side = _load(request, pk)
    if side == Side.CAREERS:
        raise PermissionDenied("Career services follow placements read-only.")
    if form is not None and not form.is_valid():
        return _page(request, placement, side, status=400, bound={key: form})
    try:
        action(placement, form.cleaned_data if form is not None else {})
    except StaleVersion:
        message, as_now = stale
        placement, side = _load(request, pk)
        now = as_now(placement, message)
        return _page(request, placement, side, status=409, bound={key: now} if now else {}, errors=[message])
    except ValidationError as exc:
        if form is None:
            return _page(request, placement, side, status=400, errors=exc.messages)
        _errors_to_form(form, exc)
        # A refusal that names no field is also shown at the top: its form may be folded away.
        return _page(request, placement, side, status=400, bound={key: form}, errors=form.non_field_errors())
    messages.success(request, success)
    return redirect(reverse("placements:workspace", args=[pk]) + anchor)


def _goal(placement, goal_pk: int) -> Goal:
    goal = next((g for g in placement.goals.all() if g.pk == goal_pk), None)
    if goal is None:
        raise Http404("No such goal.")
    return goal


def _checkin(placement, checkin_pk: int) -> CheckIn:
    checkin = next((c for c in placement.checkins.all() if c.pk == checkin_pk), None)
    if checkin is None:
        raise Http404("No such check-in.")
    return checkin


@login_required
@require_POST
def goal_add(request, pk: int):
    return _act(
        request,
        pk,
        lambda p, d: services.goal_propose(
            placement=p, user=request.user, text=d["text"], due_on=d["due_on"], link=d["link"]
        ),
        form=GoalForm(request.POST),
        key="goal",
        success="Goal proposed. Your supervisor will confirm the goals.",
        anchor="#goals",
    )


@login_required
@require_POST
def goal_edit(request, pk: int, goal_pk: int):
    form = GoalEditForm(request.POST, prefix=f"goal-{goal_pk}")
    return _act(
        request,
        pk,
        lambda p, d: services.goal_update(
            goal=_goal(p, goal_pk),
            user=request.user,
            text=d["text"],
            due_on=d["due_on"],
            link=d["link"],
            if_version=form.if_version(),
        ),
        form=form,
        key=("edit", goal_pk),
        success="Goal updated.",
        anchor="#goals",
        stale=(GOAL_CHANGED, lambda p, message: _goal_as_now(p, goal_pk, message)),
    )


def _goal_as_now(placement, goal_pk: int, message: str) -> GoalEditForm | None:
    """The goal's edit form filled with the goal as it now is (and its version), with ``message``."""
    goal = next((g for g in placement.goals.all() if g.pk == goal_pk), None)
    if goal is None:
        return None
    prefix = f"goal-{goal_pk}"
    current = {"text": goal.text, "due_on": goal.due_on or "", "link": goal.link, "version": goal.version}
    form = GoalEditForm({f"{prefix}-{name}": value for name, value in current.items()}, prefix=prefix)
    form.is_valid()
    form.add_error(None, message)
    return form


@login_required
@require_POST
def goal_remove(request, pk: int, goal_pk: int):
    return _act(
        request,
        pk,
        lambda p, d: services.goal_remove(goal=_goal(p, goal_pk), user=request.user),
        success="Goal removed.",
        anchor="#goals",
    )


@login_required
@require_POST
def goal_done(request, pk: int, goal_pk: int):
    form = GoalDoneForm(request.POST, prefix=f"done-{goal_pk}")
    return _act(
        request,
        pk,
        lambda p, d: services.goal_mark_done(
            goal=_goal(p, goal_pk), user=request.user, link=d["done_link"], if_version=form.if_version()
        ),
        form=form,
        key=("done", goal_pk),
        success="Goal marked done.",
        anchor="#goals",
        stale=(GOAL_CHANGED, lambda p, message: None),
    )


@login_required
@require_POST
def goals_confirm(request, pk: int):
    return _act(
        request,
        pk,
        lambda p, d: services.goals_confirm(placement=p, user=request.user),
        success="Goals confirmed. The intern has been told.",
        anchor="#goals",
    )


@login_required
@require_POST
def schedule(request, pk: int):
    return _act(
        request,
        pk,
        lambda p, d: services.schedule_set(placement=p, user=request.user, cadence=d["cadence"], weekday=d["weekday"]),
        form=ScheduleForm(request.POST),
        key="schedule",
        success="Check-in schedule saved.",
        anchor="#checkins",
    )


@login_required
@require_POST
def checkin_submit(request, pk: int, checkin_pk: int):
    return _act(
        request,
        pk,
        lambda p, d: services.checkin_submit(checkin=_checkin(p, checkin_pk), user=request.user, **d),
        form=CheckInForm(request.POST),
        key="checkin",
        success="Check-in sent to your supervisor.",
        anchor="#checkins",
    )


@login_required
@require_POST
def checkin_feedback(request, pk: int, checkin_pk: int):
    form = FeedbackForm(request.POST, prefix=f"feedback-{checkin_pk}")
    return _act(
        request,
        pk,
        lambda p, d: services.checkin_feedback(
            checkin=_checkin(p, checkin_pk), user=request.user, feedback=d["feedback"], if_version=form.if_version()
        ),
        form=form,
        key=("feedback", checkin_pk),
        success="Feedback sent to the intern.",
        anchor="#checkins",
        stale=(CHECKIN_ANSWERED, lambda p, message: None),
    )


@login_required
@require_POST
def fee_accept(request, pk: int):
    return _act(
        request,
        pk,
        lambda p, d: services.deliverable_accept(placement=p, user=request.user),
        success="Deliverable accepted: the fee is recorded as due.",
        anchor="#fee",
    )


@login_required
@require_POST
def fee_paid(request, pk: int):
    return _act(
        request,
        pk,
        lambda p, d: services.fee_mark_paid(placement=p, user=request.user, paid_on=d["paid_on"]),
        form=FeePaidForm(request.POST),
        key="fee_paid",
        success="Fee marked paid. The intern will confirm receipt.",
        anchor="#fee",
    )


@login_required
@require_POST
def fee_received(request, pk: int):
    return _act(
        request,
        pk,
        lambda p, d: services.fee_confirm_received(placement=p, user=request.user),
        success="Thank you: receipt confirmed.",
        anchor="#fee",
    )


@login_required
@require_POST
def complete(request, pk: int):
    return _act(
        request,
        pk,
        lambda p, d: services.placement_complete(placement=p, user=request.user),
        success="Placement completed. Congratulations to both of you.",
    )


@login_required
@require_POST
def end_early(request, pk: int):
    return _act(
        request,
        pk,
        lambda p, d: services.placement_end_early(placement=p, user=request.user, reason=d["reason"]),
        form=EndEarlyForm(request.POST),
        key="end",
        success="The placement has ended. Everyone concerned has been told.",
    )
