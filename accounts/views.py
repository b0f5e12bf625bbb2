"""Pages of accounts: thin views over forms, selectors, permissions and services."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.forms import PageForm

from . import permissions, selectors, services
from .forms import (
    AccountDeleteForm,
    InstitutionLinkRequestForm,
    InvitationForm,
    InvitationSignupForm,
    OrganizationForm,
    OrganizationReviewFilterForm,
    PersonalTokenForm,
    SkillSearchForm,
    StudentProfileForm,
    VerificationForm,
)
from .models import Institution, InstitutionLinkRequest, Invitation, Membership, Organization, StudentProfile


def _errors_to_form(form, exc: ValidationError, field: str | None = None) -> None:
    for message in exc.messages:
        form.add_error(field, message)


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


@login_required
def next_step(request):
    """Where a user lands after signing in: employers without an organization go to onboarding,
    students with an incomplete profile to their profile, everyone else home."""
    user = request.user
    if permissions.can_create_organization(user):
        return redirect("accounts:organization_create")
    if permissions.can_edit_student_profile(user):
        profile = selectors.student_profile_for(user)
        if not selectors.profile_completeness(profile).complete:
            return redirect("accounts:profile")
    return redirect(settings.LOGIN_REDIRECT_URL)


# --- student profile -----------------------------------------------------------------------------


@login_required
def profile_detail(request):
    _require(permissions.can_edit_student_profile(request.user))
    profile = selectors.student_profile_for(request.user)
    return render(
        request,
        "accounts/profile_detail.html",
        {
            "profile": profile,
            "completeness": selectors.profile_completeness(profile),
            "link_request": selectors.pending_link_request(request.user),
            "own": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    _require(permissions.can_edit_student_profile(request.user))
    profile = selectors.student_profile_for(request.user)
    form = StudentProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile_form.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def institution_link_request(request):
    _require(permissions.can_edit_student_profile(request.user))
    profile = selectors.student_profile_for(request.user)
    pending = selectors.pending_link_request(request.user)
    form = InstitutionLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.institution_link_request(student=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Your request is sent to the institution's career services.")
            return redirect("accounts:profile")
    return render(
        request, "accounts/institution_link_form.html", {"form": form, "profile": profile, "link_request": pending}
    )


@login_required
def student_profile(request, pk: int):
    """A student's profile as employers and career services see it."""
    profile = selectors.student_profile_get(pk)
    if profile is None or not permissions.can_view_student_profile(request.user, profile):
        raise Http404
    return render(
        request,
        "accounts/profile_detail.html",
        {
            "profile": profile,
            "completeness": None,
            "own": profile.user_id == request.user.pk,
            "can_view_resume": permissions.can_view_resume(request.user, profile),
        },
    )


@login_required
@never_cache
def resume_download(request, pk: int):
    """The only way to read a profile résumé: permission-checked, never cached, no original name."""
    profile = StudentProfile.objects.filter(pk=pk, user__anonymised_at__isnull=True).first()
    if profile is None or not permissions.can_view_resume(request.user, profile):
        raise Http404
    if not profile.resume:
        raise Http404
    try:
        handle = profile.resume.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf", filename=f"resume-{profile.pk}.pdf")
    response["Content-Disposition"] = f'inline; filename="resume-{profile.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def skills_autocomplete(request):
    """Skill suggestions: ``?q=py`` → ``{"results": [{"name": "Python", "slug": "python"}]}``."""
    form = SkillSearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"results": [], "errors": form.errors}, status=400)
    results = [{"name": s.name, "slug": s.slug} for s in selectors.skills_matching(form.cleaned_data["q"])]
    return JsonResponse({"results": results})


# --- organizations -------------------------------------------------------------------------------


def _member_organization(request) -> Organization:
    organization = permissions.organization_for(request.user)
    if organization is None:
        raise PermissionDenied
    return organization


@login_required
def organization_detail(request):
    if permissions.can_create_organization(request.user):
        return redirect("accounts:organization_create")
    organization = _member_organization(request)
    manage = permissions.can_manage_organization(request.user, organization)
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "organization": organization,
            "members": selectors.organization_members(organization),
            "invitations": selectors.pending_invitations(organization=organization) if manage else [],
            "can_manage": manage,
            "invite_form": InvitationForm() if manage else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request):
    if permissions.organization_for(request.user) is not None:
        return redirect("accounts:organization")
    _require(permissions.can_create_organization(request.user))
    form = OrganizationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_create(owner=request.user, **form.service_kwargs())
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Your organization is created. Our team will verify it shortly.")
            return redirect("accounts:organization")
    return render(request, "accounts/organization_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request):
    organization = _member_organization(request)
    _require(permissions.can_manage_organization(request.user, organization))
    form = OrganizationForm(request.POST or None, request.FILES or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        services.organization_update(
            organization=organization, remove_logo=form.cleaned_data.get("remove_logo", False), **form.service_kwargs()
        )
        messages.success(request, "The organization is saved.")
        return redirect("accounts:organization")
    return render(request, "accounts/organization_form.html", {"form": form, "creating": False})


@login_required
@require_POST
def organization_invite(request):
    organization = _member_organization(request)
    _require(permissions.can_manage_organization(request.user, organization))
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                invited_by=request.user, email=form.cleaned_data["email"], organization=organization
            )
        except ValidationError as exc:
            _errors_to_form(form, exc, "email")
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("accounts:organization")
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "organization": organization,
            "members": selectors.organization_members(organization),
            "invitations": selectors.pending_invitations(organization=organization),
            "can_manage": True,
            "invite_form": form,
        },
        status=400,
    )


def _own_membership(request, pk: int) -> Membership:
    organization = _member_organization(request)
    _require(permissions.can_manage_organization(request.user, organization))
    return get_object_or_404(
        Membership.objects.select_related("user", "organization"), pk=pk, organization=organization
    )


@login_required
@require_POST
def membership_remove(request, pk: int):
    membership = _own_membership(request, pk)
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{membership.user} is no longer a member.")
    return redirect("accounts:organization")


@login_required
@require_POST
def ownership_transfer(request, pk: int):
    membership = _own_membership(request, pk)
    try:
        services.organization_transfer_ownership(organization=membership.organization, to=membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{membership.user} is now the owner.")
    return redirect("accounts:organization")


@login_required
@require_POST
def invitation_revoke(request, pk: int):
    invitation = get_object_or_404(Invitation.objects.select_related("organization", "institution"), pk=pk)
    if not permissions.can_revoke_invitation(request.user, invitation):
        raise Http404
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, f"The invitation for {invitation.email} is withdrawn.")
    if invitation.kind == Invitation.Kind.ORGANIZATION:
        return redirect("accounts:organization")
    return redirect("accounts:institution", invitation.institution.slug)


@require_GET
def organization_logo(request, slug: str):
    """Logos are public; served here so they work whatever serves /media/."""
    organization = get_object_or_404(Organization.objects.only("logo"), slug=slug)
    if not organization.logo:
        raise Http404
    try:
        handle = organization.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- invitations ---------------------------------------------------------------------------------


def _invitation_or_404(token: str) -> Invitation:
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        raise Http404
    return invitation


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_detail(request, token: str):
    """The link in the invitation email. Signed in: accept. Otherwise: sign up or sign in."""
    invitation = _invitation_or_404(token)
    problem = services.invitation_problem(invitation=invitation)
    if problem is not None:
        return render(
            request, "accounts/invitation_detail.html", {"invitation": invitation, "problem": problem}, status=410
        )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except services.InvitationError as exc:
            status = 410 if exc.code in {"used", "expired", "revoked"} else 403
            return render(
                request, "accounts/invitation_detail.html", {"invitation": invitation, "problem": exc}, status=status
            )
        messages.success(request, f"Welcome to {invitation.organization or invitation.institution}.")
        if invitation.kind == Invitation.Kind.ORGANIZATION:
            return redirect("accounts:organization")
        return redirect("accounts:institution", invitation.institution.slug)
    account_exists = (
        EmailAddress.objects.filter(email__iexact=invitation.email).exists()
        if not request.user.is_authenticated
        else True
    )
    return render(
        request, "accounts/invitation_detail.html", {"invitation": invitation, "account_exists": account_exists}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_signup(request, token: str):
    invitation = _invitation_or_404(token)
    problem = services.invitation_problem(invitation=invitation)
    if problem is not None:
        return render(
            request, "accounts/invitation_detail.html", {"invitation": invitation, "problem": problem}, status=410
        )
    if request.user.is_authenticated:
        return redirect("accounts:invitation", token)
    form = InvitationSignupForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_signup(
                invitation=invitation, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
            )
        except services.InvitationError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your account is ready.")
            if invitation.kind == Invitation.Kind.ORGANIZATION:
                return redirect("accounts:organization")
            return redirect("accounts:institution", invitation.institution.slug)
    return render(request, "accounts/invitation_signup.html", {"invitation": invitation, "form": form})


# --- institutions --------------------------------------------------------------------------------


@login_required
def my_institution(request):
    institution = permissions.institution_for_staff(request.user)
    if institution is None:
        raise PermissionDenied
    return redirect("accounts:institution", institution.slug)


def _institution_context(institution: Institution, user, invite_form=None) -> dict:
    return {
        "institution": institution,
        **selectors.institution_page(institution),
        "invite_form": invite_form or InvitationForm(),
        "can_decide": permissions.is_institution_staff(user, institution),
    }


@login_required
def institution_detail(request, slug: str):
    institution = get_object_or_404(Institution, slug=slug)
    if not permissions.can_manage_institution(request.user, institution):
        raise Http404
    return render(request, "accounts/institution_detail.html", _institution_context(institution, request.user))


@login_required
@require_POST
def institution_invite(request, slug: str):
    institution = get_object_or_404(Institution, slug=slug)
    if not permissions.can_manage_institution(request.user, institution):
        raise Http404
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                invited_by=request.user, email=form.cleaned_data["email"], institution=institution
            )
        except ValidationError as exc:
            _errors_to_form(form, exc, "email")
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("accounts:institution", slug)
    return render(
        request, "accounts/institution_detail.html", _institution_context(institution, request.user, form), status=400
    )


@login_required
@require_POST
def link_request_decide(request, pk: int):
    link_request = get_object_or_404(InstitutionLinkRequest.objects.select_related("institution", "student"), pk=pk)
    if not permissions.can_decide_link_request(request.user, link_request):
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        services.institution_link_decide(link_request=link_request, decided_by=request.user, approve=approve)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = link_request.student.name or link_request.student.email
        messages.success(request, f"{name} is {'now linked' if approve else 'not linked'}.")
    return redirect("accounts:institution", link_request.institution.slug)


# --- site staff ----------------------------------------------------------------------------------


@login_required
def staff_organizations(request):
    _require(permissions.can_verify_organizations(request.user))
    form = OrganizationReviewFilterForm(request.GET)
    state = form.cleaned_data["verification"] if form.is_valid() else ""
    page = Paginator(selectors.organizations_for_review(verification=state or None), 25).get_page(
        PageForm.number(request.GET)
    )
    return render(
        request,
        "accounts/staff_organizations.html",
        {
            "page": page,
            "state": state,
            "states": Organization.Verification.choices,
            "querystring": f"verification={state}" if state else "",
        },
    )


@login_required
@require_POST
def staff_organization_verify(request, slug: str):
    _require(permissions.can_verify_organizations(request.user))
    organization = get_object_or_404(Organization, slug=slug)
    form = VerificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a verification state.")
    else:
        services.organization_set_verification(
            organization=organization,
            verification=form.cleaned_data["verification"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, f"{organization.name}: {organization.get_verification_display()}.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("accounts:staff_organizations")
    return redirect(back)


@login_required
def staff_institutions(request):
    _require(permissions.can_verify_organizations(request.user))
    return render(request, "accounts/staff_institutions.html", {"institutions": selectors.institutions_overview()})


# --- account deletion ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            logout(request)
            messages.success(request, "Your account is deleted and your personal data removed.")
            return redirect("home")
    return render(request, "accounts/account_delete.html", {"form": form})


# --- personal API tokens -------------------------------------------------------------------------

NEW_TOKEN_SESSION_KEY = "accounts:new_token"  # noqa: S105 (a session key name)


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    """The user's API tokens: create one (its secret shown once, on the next page view), see when
    each was last used, revoke."""
    form = PersonalTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.personal_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            # Kept in the session only until the next view of this page, which pops it.
            request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "secret": secret}
            messages.success(request, f"Token “{token.name}” created. Copy it now: it is shown only once.")
            return redirect("accounts:tokens")
    new = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    response = render(
        request,
        "accounts/token_list.html",
        {"form": form, "tokens": selectors.personal_tokens_of(request.user), "new": new},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = services.personal_token_revoke(user=request.user, token_id=pk)
    if token is None:
        raise Http404("No such token.")
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("accounts:tokens")
