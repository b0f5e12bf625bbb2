"""Pages of the end of a placement. Views parse, call one selector or service, render; who may see
what is asked of ``permissions`` (through the selectors)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Organization
from applications.models import Goal, Placement

from . import credentials, permissions, selectors, services
from .forms import PortfolioForm, PublishForm, ReplyForm, RevokeForm, StudentEvaluationForm, SupervisorEvaluationForm
from .models import Evaluation
from .selectors import Side


def _load(request, pk: int) -> selectors.EvaluationPage:
    page = selectors.evaluation_for_viewer(user=request.user, pk=pk, now=timezone.now())
    if page is None:
        raise Http404("No such placement.")
    return page


def _render(request, page, *, status: int = 200, supervisor_form=None, student_form=None, errors=()):
    e = page.evaluation
    context = {
        "page": page,
        "placement": page.placement,
        "listing": page.placement.listing,
        "supervisor_form": supervisor_form or SupervisorEvaluationForm(),
        "student_form": student_form or StudentEvaluationForm(),
        "publish_form": PublishForm(
            initial={"endorsement_published": e.endorsement_published, "ratings_published": e.ratings_published}
            if e
            else None
        ),
        "errors": list(errors),
    }
    return render(request, "evaluations/evaluation.html", context, status=status)


@login_required
def evaluation(request, pk: int):
    return _render(request, _load(request, pk))


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _submit(request, pk: int, *, side: Side, refusal: str, form_class, form_name: str, action, done: str):
    """One side's evaluation: only that side may send it; ``action(placement, form)`` calls the
    service, whose refusals land on the form (the page again, 400); a success goes back to the page
    with ``done``. ``form_name`` is the form's name in the page's context."""
    page = _load(request, pk)
    if page.side != side:
        raise PermissionDenied(refusal)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(page.placement, form)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("evaluations:evaluation", pk=pk)
    return _render(request, _load(request, pk), status=400, errors=form.non_field_errors(), **{form_name: form})


@login_required
@require_POST
def supervisor_submit(request, pk: int):
    return _submit(
        request,
        pk,
        side=Side.SUPERVISOR,
        refusal="Only the organization evaluates the intern.",
        form_class=SupervisorEvaluationForm,
        form_name="supervisor_form",
        action=lambda placement, form: services.supervisor_evaluation_submit(
            placement=placement,
            user=request.user,
            ratings=form.ratings(),
            comments=form.cleaned_data["comments"],
            endorsement=form.cleaned_data["endorsement"],
        ),
        done="Evaluation sent. Both sides see the comparison once the intern's is in.",
    )


@login_required
@require_POST
def student_submit(request, pk: int):
    return _submit(
        request,
        pk,
        side=Side.STUDENT,
        refusal="Only the intern self-assesses and reviews the organization.",
        form_class=StudentEvaluationForm,
        form_name="student_form",
        action=lambda placement, form: services.student_evaluation_submit(
            placement=placement,
            user=request.user,
            self_ratings=form.self_ratings(),
            review_ratings=form.review_ratings(),
            would_recommend=form.cleaned_data["would_recommend"] == "yes",
            self_comments=form.cleaned_data["self_comments"],
            review_comments=form.cleaned_data["review_comments"],
        ),
        done="Thank you. Both sides see the comparison once the supervisor's is in.",
    )


@login_required
@require_POST
def publish(request, pk: int):
    page = _load(request, pk)
    if page.side != Side.STUDENT:
        raise PermissionDenied("Only the intern decides what is published.")
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        services.evaluation_publish_set(
            placement=page.placement,
            user=request.user,
            endorsement_published=form.cleaned_data.get("endorsement_published", False),
            ratings_published=form.cleaned_data.get("ratings_published", False),
        )
    except ValidationError as exc:
        return _render(request, page, status=400, errors=exc.messages)
    messages.success(request, "Your choice is saved.")
    return redirect("evaluations:evaluation", pk=pk)


# --- certificate files ------------------------------------------------------------------------------


def _certificate(request, pk: int, *, credential: bool = False):
    page = _load(request, pk)
    allowed = permissions.can_download_credential if credential else permissions.can_download_certificate
    if page.certificate is None:
        raise Http404("This placement has no certificate.")
    if not allowed(page.side):
        raise PermissionDenied("The credential is the intern's to download.")
    return page.certificate


@login_required
def certificate_download(request, pk: int):
    certificate = _certificate(request, pk)
    # reportlab is imported here, not with the views: it is 14 MB of every web process's memory,
    # for a download most processes never serve.
    from .pdf import certificate_pdf

    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@login_required
def credential_download(request, pk: int):
    certificate = _certificate(request, pk, credential=True)
    body = json.dumps(credentials.credential_json(certificate.credential_jwt), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="credential-{certificate.code}.json"'
    return response


@login_required
def badge_download(request, pk: int):
    certificate = _certificate(request, pk, credential=True)
    png = credentials.badge_png(
        certificate.credential_jwt, title=certificate.listing_title, subtitle=certificate.organization_name
    )
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="badge-{certificate.code}.png"'
    return response


# --- public verification -----------------------------------------------------------------------------


def verify(request, code: str):
    """Public: whether the certificate is genuine, and exactly what it says."""
    certificate = selectors.certificate_by_code(code)
    context = {
        "code": code[:40],
        "certificate": certificate,
        "evaluation": selectors.published_evaluation(certificate) if certificate else None,
        "can_revoke": certificate is not None and permissions.can_revoke_certificates(request.user),
        "revoke_form": RevokeForm(),
    }
    return render(request, "evaluations/verify.html", context, status=200 if certificate else 404)


@login_required
@require_POST
def certificate_revoke(request, code: str):
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404("No such certificate.")
    if not permissions.can_revoke_certificates(request.user):
        raise PermissionDenied("Only site staff revoke certificates.")
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_revoke(certificate=certificate, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Certificate revoked.")
            return redirect("evaluations:verify", code=certificate.code)
    context = {"code": certificate.code, "certificate": certificate, "can_revoke": True, "revoke_form": form}
    return render(request, "evaluations/verify.html", context, status=400)


def jwks(request):
    response = JsonResponse(selectors.jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


def issuer(request):
    profile = credentials.issuer_profile(site_url=settings.SITE_URL, issuer_name=settings.SITE_NAME)
    return render(request, "evaluations/issuer.html", {"profile": profile, "keys": selectors.jwks()["keys"]})


def issuer_profile(request):
    return JsonResponse(credentials.issuer_profile(site_url=settings.SITE_URL, issuer_name=settings.SITE_NAME))


def revocations(request):
    return JsonResponse(selectors.revocation_list(site_url=settings.SITE_URL))


# --- reviews ------------------------------------------------------------------------------------------


def organization_reviews(request, slug: str):
    organization = get_object_or_404(Organization, slug=slug)
    now = timezone.now()
    summary = selectors.organization_reviews(organization_id=organization.pk, now=now)
    can_reply = permissions.is_member(request.user, organization.pk) if request.user.is_authenticated else False
    context = {"organization": organization, "summary": summary, "can_reply": can_reply, "reply_form": ReplyForm()}
    return render(request, "evaluations/organization_reviews.html", context)


@login_required
@require_POST
def review_reply(request, pk: int):
    evaluation = get_object_or_404(Evaluation.objects.select_related("placement__organization"), pk=pk)
    organization = evaluation.placement.organization
    form = ReplyForm(request.POST)
    if not permissions.is_member(request.user, organization.pk):
        raise PermissionDenied("Only the reviewed organization replies.")
    if form.is_valid():
        try:
            services.review_reply(evaluation=evaluation, user=request.user, text=form.cleaned_data["reply"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Your reply is published.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("evaluations:organization_reviews", args=[organization.slug]) + f"#review-{pk}")


@login_required
def careers_reviews(request):
    institution_id = permissions.careers_institution_id(request.user)
    if institution_id is None:
        raise PermissionDenied("Career services only.")
    reviews = list(selectors.institution_reviews(institution_id=institution_id, now=timezone.now())[:200])
    return render(request, "evaluations/careers_reviews.html", {"reviews": reviews})


# --- portfolio -----------------------------------------------------------------------------------------


def _portfolio_goals(user):
    return list(
        Goal.objects.filter(
            placement__student=user, placement__status=Placement.Status.COMPLETED, done_at__isnull=False
        ).order_by("placement_id", "pk")
    )


@login_required
def portfolio_settings(request):
    if not request.user.is_student:
        raise PermissionDenied("Only students have a portfolio.")
    portfolio = services.portfolio_for(request.user)
    goals = [g for g in _portfolio_goals(request.user) if g.done_link or g.link]
    if request.method == "POST":
        form = PortfolioForm(request.POST, goals=goals)
        if form.is_valid():
            try:
                services.portfolio_update(student=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Portfolio saved.")
                return redirect("evaluations:portfolio_settings")
        status = 400
    else:
        form = PortfolioForm(
            goals=goals,
            initial={
                "is_public": portfolio.is_public,
                "slug": portfolio.slug,
                "headline": portfolio.headline,
                "shown_goal_ids": portfolio.shown_goal_ids,
            },
        )
        status = 200
    portfolio.refresh_from_db()
    context = {"form": form, "portfolio": portfolio, "entries": selectors.portfolio_entries(portfolio)}
    return render(request, "evaluations/portfolio_settings.html", context, status=status)


def portfolio(request, slug: str):
    found = selectors.portfolio_public(slug)
    if found is None:
        raise Http404("No such portfolio.")
    context = {"portfolio": found, "entries": selectors.portfolio_entries(found)}
    return render(request, "evaluations/portfolio.html", context)
