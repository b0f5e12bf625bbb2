from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from listings import selectors as listing_selectors
from listings.permissions import can_view_listing
from listings.search import viewer_for
from marketplace.forms import PageForm

from . import selectors, services
from .filters import ListingApplicantFilter
from .forms import ApplyForm, BulkRejectForm, MessageForm, MoveForm, NoteForm, OfferForm
from .models import Application, ApplicationStatus
from .permissions import (
    can_apply_at_all,
    can_download_resume,
    can_review_application,
    can_view_applications_as_employer,
    can_view_pipeline,
    organization_id_of,
)
from .services import Actor, ApplicationRefused, allowed_moves

S = ApplicationStatus


def _apply_errors(form, exc: ValidationError) -> None:
    """Show a service's validation errors on the form fields they name."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for messages_ in exc.message_dict.values() for m in messages_)
    return " ".join(exc.messages)


# --- students -----------------------------------------------------------------------------------


@login_required
def application_apply(request, listing_pk: int):
    listing = listing_selectors.listing_for_detail(pk=listing_pk)
    viewer = viewer_for(request)
    if listing is None or not can_view_listing(
        request.user, listing, blocked_organization_ids=listing_selectors.blocked_organization_ids(viewer)
    ):
        raise Http404("No such listing.")
    if not can_apply_at_all(request.user):
        raise PermissionDenied("Only students can apply to listings.")
    ctx = services.application_apply_context(student=request.user, listing=listing)
    if ctx.has_applied:
        existing = selectors.application_for_listing(user=request.user, listing=listing)
        messages.info(request, "You have already applied to this listing.")
        return redirect("applications:detail", pk=existing.pk)
    if ctx.refusal:
        return render(
            request, "applications/apply_refused.html", {"listing": listing, "reason": ctx.refusal}, status=403
        )
    form = ApplyForm(
        request.POST or None, request.FILES or None, listing=listing, has_profile_resume=ctx.has_profile_resume
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                student=request.user,
                listing=listing,
                cover_letter=form.cleaned_data["cover_letter"],
                answers=form.answers(),
                resume_upload=form.resume_upload(),
                use_profile_resume=form.cleaned_data["resume_choice"] == ApplyForm.RESUME_PROFILE,
            )
        except ApplicationRefused as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Application sent. You will be told of every status change.")
            return redirect("applications:detail", pk=application.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "applications/apply_form.html", {"listing": listing, "form": form}, status=status)


@login_required
def my_applications(request):
    if not request.user.is_student:
        raise PermissionDenied("“My applications” is for students.")
    return render(
        request,
        "applications/application_list.html",
        {"applications": selectors.student_applications(user=request.user)},
    )


def _own_or_404(request, pk: int) -> Application:
    application = selectors.application_for_student(user=request.user, pk=pk) if request.user.is_student else None
    if application is None:
        raise Http404("No such application.")
    return application


@login_required
def application_detail(request, pk: int):
    application = _own_or_404(request, pk)
    moves = allowed_moves(application=application, actor=Actor.STUDENT)
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "can_withdraw": S.WITHDRAWN in moves,
            "can_respond": S.ACCEPTED in moves,
            "form": MessageForm(),
        },
    )


def _student_move(request, pk: int, to_status: str, success: str):
    application = _own_or_404(request, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _text(ValidationError(form.errors)))
        return redirect("applications:detail", pk=pk)
    try:
        services.application_transition(
            application=application, to_status=to_status, user=request.user, message=form.cleaned_data["message"]
        )
    except ValidationError as exc:
        messages.error(request, _text(exc))
    else:
        messages.success(request, success)
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def application_withdraw(request, pk: int):
    return _student_move(request, pk, S.WITHDRAWN, "Application withdrawn. The employer has been told.")


@login_required
@require_POST
def application_accept(request, pk: int):
    return _student_move(request, pk, S.ACCEPTED, "Offer accepted: your placement is confirmed.")


@login_required
@require_POST
def application_decline(request, pk: int):
    return _student_move(request, pk, S.DECLINED, "Offer declined. The employer has been told.")


@login_required
def application_resume(request, pk: int):
    """The application's résumé snapshot, to the student and the listing's organization only."""
    application = Application.objects.select_related("listing").filter(pk=pk).first()
    if application is None or not can_download_resume(request.user, application) or not application.resume:
        raise Http404("No such résumé.")
    response = FileResponse(
        application.resume.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"resume-application-{application.pk}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- employers ----------------------------------------------------------------------------------


@login_required
def employer_applicants(request):
    if not can_view_applications_as_employer(request.user):
        raise PermissionDenied("Only members of an organization see applicants.")
    org_id = organization_id_of(request.user)
    return render(
        request,
        "applications/employer_applicants.html",
        {
            "listings": selectors.organization_listings_with_counts(organization_id=org_id),
            "placements": selectors.organization_placements(organization_id=org_id)[:50],
            "response": selectors.response_time(organization=org_id),
        },
    )


def _managed_listing_or_404(request, pk: int):
    listing = listing_selectors.listing_for_detail(pk=pk)
    if listing is None or not can_view_pipeline(request.user, listing):
        raise Http404("No such listing.")
    return listing


@login_required
def listing_pipeline(request, pk: int):
    listing = _managed_listing_or_404(request, pk)
    now = timezone.now()
    # The API's FilterSet for the same applicants: invalid filters are reported on its form and
    # ignored, the valid ones still apply.
    filterset = ListingApplicantFilter(
        request.GET or None, queryset=Application.objects.none(), listing=listing, now=now
    )
    result = selectors.pipeline(
        listing=listing, filters=filterset.pipeline_filters(), page_number=PageForm.number(request.GET), now=now
    )
    filterset.set_choices(skills=result.skills, institutions=result.institutions, countries=result.countries)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "applications/pipeline.html",
        {
            "listing": listing,
            "pipeline": result,
            "page": result.page,
            "form": filterset.form,
            "querystring": query.urlencode(),
            "reject_form": BulkRejectForm(),
            "detail_base": reverse("applications:employer_detail", args=[0]).removesuffix("0/"),
        },
    )


@login_required
@require_POST
def listing_bulk_reject(request, pk: int):
    listing = _managed_listing_or_404(request, pk)
    form = BulkRejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _text(ValidationError(form.errors)))
        return redirect("applications:pipeline", pk=pk)
    try:
        count = services.applications_bulk_reject(
            listing=listing,
            application_ids=form.cleaned_data["application"],
            user=request.user,
            message=form.cleaned_data["message"],
        )
    except ValidationError as exc:
        messages.error(request, _text(exc))
    else:
        messages.success(request, f"{count} applicant{'s' if count != 1 else ''} rejected and told.")
    return redirect("applications:pipeline", pk=pk)


def _reviewed_or_404(request, pk: int) -> Application:
    application = selectors.application_for_employer(pk=pk)
    if application is None or not can_review_application(request.user, application):
        raise Http404("No such application.")
    return application


def _employer_forms(application: Application, move_form=None, offer_form=None, note_form=None) -> dict:
    moves = [m for m in allowed_moves(application=application, actor=Actor.EMPLOYER) if m != S.OFFERED]
    can_offer = S.OFFERED in allowed_moves(application=application, actor=Actor.EMPLOYER)
    return {
        "move_form": move_form or (MoveForm(moves=moves) if moves else None),
        "offer_form": offer_form or (OfferForm() if can_offer else None),
        "note_form": note_form or NoteForm(),
    }


@login_required
def employer_application_detail(request, pk: int):
    application = _reviewed_or_404(request, pk)
    return render(
        request,
        "applications/employer_application_detail.html",
        {"application": application, "profile": _profile(application), **_employer_forms(application)},
    )


def _profile(application: Application):
    return getattr(application.student, "student_profile", None) if application.student else None


def _rerender(request, application, status=400, **forms):
    return render(
        request,
        "applications/employer_application_detail.html",
        {"application": application, "profile": _profile(application), **_employer_forms(application, **forms)},
        status=status,
    )


@login_required
@require_POST
def employer_application_move(request, pk: int):
    application = _reviewed_or_404(request, pk)
    moves = [m for m in allowed_moves(application=application, actor=Actor.EMPLOYER) if m != S.OFFERED]
    form = MoveForm(request.POST, moves=moves)
    if not form.is_valid():
        if not moves:
            messages.error(request, f"An application that is “{application.get_status_display()}” cannot be moved.")
            return redirect("applications:employer_detail", pk=pk)
        return _rerender(request, application, move_form=form)
    try:
        services.application_transition(
            application=application,
            to_status=form.cleaned_data["to_status"],
            user=request.user,
            message=form.cleaned_data["message"],
        )
    except ValidationError as exc:
        messages.error(request, _text(exc))
    else:
        messages.success(request, f"Moved to “{S(form.cleaned_data['to_status']).label}”. The student has been told.")
    return redirect("applications:employer_detail", pk=pk)


@login_required
@require_POST
def employer_application_offer(request, pk: int):
    application = _reviewed_or_404(request, pk)
    form = OfferForm(request.POST)
    if not form.is_valid():
        return _rerender(request, application, offer_form=form)
    try:
        services.application_transition(
            application=application,
            to_status=S.OFFERED,
            user=request.user,
            message=form.cleaned_data["message"],
            offer_start_date=form.cleaned_data["offer_start_date"],
        )
    except ValidationError as exc:
        messages.error(request, _text(exc))
    else:
        messages.success(request, "Offer sent. The student can accept or decline it.")
    return redirect("applications:employer_detail", pk=pk)


@login_required
@require_POST
def employer_application_note(request, pk: int):
    application = _reviewed_or_404(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _rerender(request, application, note_form=form)
    services.application_note_add(application=application, author=request.user, body=form.cleaned_data["body"])
    messages.success(request, "Note added.")
    return redirect("applications:employer_detail", pk=pk)
