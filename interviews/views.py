"""Interview pages: thin over ``services`` (writes), ``selectors`` (reads) and ``permissions``.
Pages about an application the viewer is not a party to answer 404."""

from __future__ import annotations

from functools import partial
from urllib.parse import unquote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import institution_for_staff, organization_id_for
from applications.models import Application
from applications.permissions import can_view_pipeline
from listings import selectors as listing_selectors
from listings.timezones import valid_zone

from . import selectors, services
from .choices import Party
from .forms import (
    AvailabilityForm,
    BookForm,
    BulkStartForm,
    CancelForm,
    OtherTimesForm,
    ProposeForm,
)
from .models import Availability, Interview
from .permissions import can_manage_availability, can_see_no_shows, party_of
from .times import minutes_between, student_zone


def _text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for errors in exc.message_dict.values() for m in errors)
    return " ".join(exc.messages)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def employer_zone(request, default: str = "UTC") -> str:
    """An employer sees times in their browser's zone (the ``tz`` cookie site.js sets), else in
    ``default`` (the listing's or the round's zone)."""
    return valid_zone(unquote(request.COOKIES.get("tz", ""))) or default


def viewer_zone(request, party: Party, application: Application, default: str) -> str:
    return student_zone(application) if party == Party.STUDENT else employer_zone(request, default)


# --- proposing ----------------------------------------------------------------------------------


def _employer_application_or_404(request, pk: int) -> Application:
    application = (
        Application.objects.select_related("listing__organization", "student__student_profile").filter(pk=pk).first()
    )
    if application is None or party_of(request.user, application) != Party.ORGANIZATION:
        raise Http404("No such application.")
    return application


def _window_times(request, *, minutes: int, now):
    windows = selectors.availability_of(organization_id=organization_id_for(request.user))
    return selectors.availability_times(windows=windows, minutes=minutes, today=timezone.localdate(now), now=now)


def _propose_page(
    request, *, listing, applications: list[Application], action: str, bound: bool, interview: Interview | None = None
):
    """Proposing times to ``applications``, or, for a booked ``interview``, offering new ones
    instead of its time (``services.interview_reschedule``): one form, one preview."""
    now = timezone.now()
    zone_default = employer_zone(request, listing.time_zone)
    initial = {"time_zone": zone_default, "minutes": 30}
    if interview is not None:
        initial.update(minutes=minutes_between(interview.starts_at, interview.ends_at), location=interview.location)
    minutes = initial["minutes"]
    data = request.POST if bound else None
    if data is not None and str(data.get("minutes", "")).isdigit():
        minutes = int(data["minutes"])
    form = ProposeForm(
        data,
        initial=initial,
        window_times=_window_times(request, minutes=max(15, min(minutes, 240)), now=now),
    )
    preview = []
    status = 200
    if bound and form.is_valid():
        zone_name = form.cleaned_data["time_zone"]
        try:
            times = services.slots_clean(slots=form.slots(), time_zone=zone_name, now=now)
        except ValidationError as exc:
            _apply_errors(form, exc)
            status = 400
        else:
            if "preview" not in request.POST:
                if interview is not None:
                    submit = partial(services.interview_reschedule, interview=interview)
                else:
                    submit = partial(
                        services.interview_round_propose,
                        listing=listing,
                        application_ids=[a.pk for a in applications],
                    )
                try:
                    proposed = submit(
                        user=request.user,
                        slots=form.slots(),
                        time_zone=zone_name,
                        location=form.cleaned_data["location"],
                        now=now,
                    )
                except ValidationError as exc:
                    _apply_errors(form, exc)
                    status = 400
                else:
                    people = f"{proposed.invited} applicant{'s' if proposed.invited != 1 else ''}"
                    if interview is not None:
                        messages.success(
                            request,
                            f"The interview is cancelled and {len(times)} new times are offered to the student, "
                            "who picks one again. Both sides get the calendar cancellation.",
                        )
                    else:
                        messages.success(request, f"{len(times)} interview times proposed to {people}.")
                    if proposed.skipped:
                        messages.warning(request, "Not invited: " + "; ".join(proposed.skipped) + ".")
                    if len(applications) == 1:
                        return redirect("applications:employer_detail", pk=applications[0].pk)
                    return redirect("interviews:listing", pk=listing.pk)
            for application in applications:
                preview.append(
                    (
                        application,
                        [
                            selectors.shown(
                                starts_at=start,
                                ends_at=end,
                                application=application,
                                own=zone_name,
                                other=student_zone(application),
                            )
                            for start, end in times
                        ],
                    )
                )
    elif bound:
        status = 400
    return render(
        request,
        "interviews/propose.html",
        {
            "listing": listing,
            "applications": applications,
            "form": form,
            "action": action,
            "preview": preview,
            "interview": interview,
        },
        status=status,
    )


@login_required
def propose(request, pk: int):
    """Propose 2–8 interview times to one applicant (moving them to ``interview``)."""
    application = _employer_application_or_404(request, pk)
    return _propose_page(
        request,
        listing=application.listing,
        applications=[application],
        action=request.path,
        bound=request.method == "POST",
    )


@login_required
@require_POST
def listing_propose(request, pk: int):
    """The pipeline's bulk action: the same times offered to every selected applicant. The first
    POST (from the pipeline, ``stage=start``) shows the form for the selection."""
    listing = listing_selectors.listing_for_detail(pk=pk)
    if listing is None or not can_view_pipeline(request.user, listing):
        raise Http404("No such listing.")
    ids = [value for value in request.POST.getlist("application") if value.isdigit()][:200]
    start = BulkStartForm(request.POST, choices=[int(i) for i in ids])
    chosen = start.cleaned_data["application"] if start.is_valid() else []
    applications = list(
        Application.objects.filter(listing=listing, pk__in=chosen)
        .select_related("listing__organization", "student__student_profile")
        .order_by("pk")
    )
    if not applications:
        messages.error(request, "Select the applicants to invite to an interview first.")
        return redirect("applications:pipeline", pk=pk)
    return _propose_page(
        request, listing=listing, applications=applications, action=request.path, bound="stage" not in request.POST
    )


# --- lists --------------------------------------------------------------------------------------


@login_required
def organization_interviews(request):
    """Every upcoming interview of the organization, in the viewer's zone."""
    if organization_id_for(request.user) is None:
        raise PermissionDenied("Only members of an organization see its interviews.")
    now = timezone.now()
    zone_name = employer_zone(request)
    upcoming = selectors.organization_upcoming(user=request.user, now=now)
    return render(request, "interviews/employer_list.html", _list_context(upcoming, zone_name, listing=None))


@login_required
def listing_interviews(request, pk: int):
    listing = listing_selectors.listing_for_detail(pk=pk)
    if listing is None or not can_view_pipeline(request.user, listing):
        raise Http404("No such listing.")
    now = timezone.now()
    zone_name = employer_zone(request, listing.time_zone)
    upcoming = selectors.organization_upcoming(user=request.user, now=now, listing_id=listing.pk)
    return render(request, "interviews/employer_list.html", _list_context(upcoming, zone_name, listing=listing))


def _list_context(upcoming, zone_name: str, *, listing) -> dict:
    party = Party.ORGANIZATION
    return {
        "listing": listing,
        "zone": zone_name,
        "interviews": [
            (i, selectors.interview_shown(i, party=party, viewer_zone=zone_name)) for i in upcoming.interviews
        ],
        "invites": [
            (invite, selectors.slot_times(invite, party=party, viewer_zone=zone_name)) for invite in upcoming.invites
        ],
    }


@login_required
def my_interviews(request):
    if not request.user.is_student:
        raise PermissionDenied("“My interviews” is for students.")
    upcoming = selectors.student_upcoming(user=request.user, now=timezone.now())
    party = Party.STUDENT
    return render(
        request,
        "interviews/student_list.html",
        {
            "interviews": [(i, selectors.interview_shown(i, party=party, viewer_zone="")) for i in upcoming.interviews],
            "invites": [(inv, selectors.slot_times(inv, party=party, viewer_zone="")) for inv in upcoming.invites],
        },
    )


# --- choosing a time ----------------------------------------------------------------------------


def _invite_or_404(request, pk: int, now):
    found = selectors.invite_for_viewer(user=request.user, pk=pk, now=now)
    if found is None:
        raise Http404("No such invitation.")
    return found


def _choose_page(request, pk: int, *, other_form=None, status: int = 200):
    now = timezone.now()
    invite, party = _invite_or_404(request, pk, now)
    zone_name = viewer_zone(request, party, invite.application, invite.round.time_zone)
    return render(
        request,
        "interviews/choose.html",
        {
            "invite": invite,
            "party": party,
            "is_student": party == Party.STUDENT,
            "is_open": selectors.invite_is_open(invite, now),
            "times": selectors.slot_times(invite, party=party, viewer_zone=zone_name),
            "zone": zone_name,
            "other_zone": invite.round.time_zone if party == Party.STUDENT else student_zone(invite.application),
            "other_form": other_form or OtherTimesForm(),
            "booked": invite.interviews.filter(status="scheduled").first(),
        },
        status=status,
    )


@login_required
def choose(request, pk: int):
    return _choose_page(request, pk)


@login_required
@require_POST
def book(request, pk: int):
    invite, party = _invite_or_404(request, pk, timezone.now())
    form = BookForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the proposed times.")
        return redirect("interviews:choose", pk=pk)
    try:
        interview = services.interview_book(invite=invite, slot_id=form.cleaned_data["slot"], user=request.user)
    except PermissionDenied:
        raise Http404("No such invitation.") from None
    except ValidationError as exc:
        messages.error(request, _text(exc))
        return redirect("interviews:choose", pk=pk)
    messages.success(request, "Interview booked. A calendar invitation is on its way to you and the employer.")
    return redirect("interviews:detail", pk=interview.pk)


@login_required
@require_POST
def other_times(request, pk: int):
    invite, party = _invite_or_404(request, pk, timezone.now())
    form = OtherTimesForm(request.POST)
    if not form.is_valid():
        return _choose_page(request, pk, other_form=form, status=400)
    try:
        services.interview_ask_other_times(
            application=invite.application, user=request.user, message=form.cleaned_data["message"]
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _text(exc))
    else:
        messages.success(request, "Your message is in the conversation with the employer.")
    return redirect("interviews:choose", pk=pk)


# --- a booked interview -------------------------------------------------------------------------


def _interview_or_404(request, pk: int):
    found = selectors.interview_for_viewer(user=request.user, pk=pk)
    if found is None:
        raise Http404("No such interview.")
    return found


def _detail_page(request, pk: int, *, other_form=None, cancel_form=None, status: int = 200):
    interview, party = _interview_or_404(request, pk)
    now = timezone.now()
    zone_name = viewer_zone(request, party, interview.application, interview.time_zone)
    return render(
        request,
        "interviews/detail.html",
        {
            "interview": interview,
            "party": party,
            "is_student": party == Party.STUDENT,
            "time": selectors.interview_shown(interview, party=party, viewer_zone=zone_name),
            "zone": zone_name,
            "can_change": interview.is_scheduled and interview.starts_at > now,
            "can_record_no_show": interview.is_scheduled and interview.starts_at <= now and not interview.no_show,
            "other_form": other_form or OtherTimesForm(),
            "cancel_form": cancel_form or CancelForm(),
        },
        status=status,
    )


@login_required
def detail(request, pk: int):
    return _detail_page(request, pk)


def _change(request, pk: int, *, form_class, form_name: str, action, done: str):
    """A party acts on the booked interview (cancels it, asks to move it): ``action(interview,
    party, form)`` calls the service, whose refusals land on the form (the detail page again, 400);
    a success goes back to the page with ``done``. ``form_name`` is the form's name in the page's
    context."""
    interview, party = _interview_or_404(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(interview, party, form)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("interviews:detail", pk=pk)
    return _detail_page(request, pk, status=400, **{form_name: form})


@login_required
def reschedule(request, pk: int):
    """The organization moves the interview by offering new times; the student picks one again."""
    interview, party = _interview_or_404(request, pk)
    if party != Party.ORGANIZATION:
        raise PermissionDenied("The organization offers new times; ask them for other times instead.")
    application = interview.application
    return _propose_page(
        request,
        listing=application.listing,
        applications=[application],
        action=request.path,
        bound=request.method == "POST",
        interview=interview,
    )


@login_required
@require_POST
def interview_other_times(request, pk: int):
    """The student asks to move the booked interview: a message to the organization."""
    return _change(
        request,
        pk,
        form_class=OtherTimesForm,
        form_name="other_form",
        action=lambda interview, _party, form: services.interview_ask_other_times(
            application=interview.application,
            user=request.user,
            message=form.cleaned_data["message"],
            interview=interview,
        ),
        done="Your message is in the conversation with the employer, who can offer new times.",
    )


@login_required
@require_POST
def cancel(request, pk: int):
    return _change(
        request,
        pk,
        form_class=CancelForm,
        form_name="cancel_form",
        action=lambda interview, _party, form: services.interview_cancel(
            interview=interview, user=request.user, reason=form.cleaned_data["reason"]
        ),
        done="Interview cancelled. Both sides get the calendar cancellation.",
    )


@login_required
@require_POST
def no_show(request, pk: int):
    interview, _party = _interview_or_404(request, pk)
    try:
        services.interview_record_no_show(interview=interview, user=request.user)
    except ValidationError as exc:
        messages.error(request, _text(exc))
    else:
        messages.success(request, "No-show recorded.")
    return redirect("interviews:detail", pk=pk)


# --- weekly windows -----------------------------------------------------------------------------


@login_required
def availability(request):
    if not can_manage_availability(request.user):
        raise PermissionDenied("Only members of an organization keep interview windows.")
    form = AvailabilityForm(request.POST or None, initial={"time_zone": employer_zone(request)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.availability_add(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "Interview window added.")
                return redirect("interviews:availability")
        status = 400
    windows = selectors.availability_of(organization_id=organization_id_for(request.user))
    return render(request, "interviews/availability.html", {"form": form, "windows": windows}, status=status)


@login_required
@require_POST
def availability_remove(request, pk: int):
    window = Availability.objects.filter(pk=pk, organization_id=organization_id_for(request.user)).first()
    if window is None:
        raise Http404("No such window.")
    services.availability_remove(user=request.user, availability=window)
    messages.success(request, "Interview window removed.")
    return redirect("interviews:availability")


# --- career services ----------------------------------------------------------------------------


@login_required
def careers_no_shows(request):
    if not can_see_no_shows(request.user):
        raise PermissionDenied("Career services see their students' missed interviews.")
    institution = institution_for_staff(request.user)
    rows = selectors.no_shows_of_institution(institution_id=institution.pk)[:200]
    return render(request, "interviews/careers_no_shows.html", {"institution": institution, "interviews": rows})
