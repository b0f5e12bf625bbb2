"""The accounts API: the signed-in user (``me``) and their personal tokens."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions, selectors, services
from accounts.forms import StudentProfileForm
from accounts.models import InstitutionLinkRequest, Invitation, Membership, PersonalToken
from marketplace.api import (
    PRECONDITION_ERRORS,
    Pagination,
    edit_parameters,
    etag_parameter,
    form_errors,
    if_match,
    paginated,
    validation_error,
    with_etag,
)
from marketplace.api_permissions import SIGNED_IN

from .serializers import (
    InvitationInput,
    InvitationOutput,
    LinkDecisionInput,
    MemberOutput,
    MeOutput,
    MeUpdateInput,
    MyInstitutionOutput,
    MyOrganizationOutput,
    TokenCreatedOutput,
    TokenCreateInput,
    TokenOutput,
)

ERRORS = {400: OpenApiTypes.OBJECT, 401: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT}
PROFILE = "your profile"


def _me(request) -> dict:
    user = request.user
    membership = permissions.membership_for(user)
    profile = selectors.student_profile_for(user) if permissions.can_edit_student_profile(user) else None
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "organization": membership.organization if membership else None,
        "organization_role": membership.role if membership else None,
        "institution": permissions.institution_for_staff(user),
        "profile": profile,
        "token_scope": request.auth.scope if isinstance(request.auth, PersonalToken) else None,
    }


def _form_data(profile) -> dict:
    """The profile form's data as the page would post it unchanged."""
    form = StudentProfileForm(instance=profile)
    data = {}
    for name, field in form.fields.items():
        if name in ("resume", "remove_resume"):
            continue
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    return data


class MeApi(APIView):
    """The signed-in user: role, organization or institution, and a student's profile."""

    permission_classes = SIGNED_IN
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="me_retrieve",
        parameters=[etag_parameter(PROFILE, description="A student's profile version: send it in If-Match to edit")],
        responses={200: MeOutput, **ERRORS},
    )
    def get(self, request):
        me = _me(request)
        return with_etag(Response(MeOutput(me).data), me["profile"].version if me["profile"] else None)

    @extend_schema(
        operation_id="me_update",
        parameters=edit_parameters(PROFILE),
        request={"application/json": MeUpdateInput, "multipart/form-data": MeUpdateInput},
        responses={200: MeOutput, **ERRORS, **PRECONDITION_ERRORS},
    )
    def patch(self, request):
        """Students update their profile and résumé, under the profile page's rules (with the
        ``If-Match`` of the profile as read: 412 when it was saved since, from another device)."""
        if not permissions.can_edit_student_profile(request.user):
            raise PermissionDenied("Only students have a profile to update.")
        versions = if_match(request)
        data = MeUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        profile = selectors.student_profile_for(request.user)
        form_data = _form_data(profile)
        if "skills" in changes:
            changes["skills"] = ", ".join(changes["skills"])
        if "links" in changes:
            changes["links"] = "\n".join(changes["links"])
        files = {}
        if resume := changes.pop("resume", None):
            files["resume"] = resume
        for name, value in changes.items():
            form_data[name] = "" if value is None else value
        form = StudentProfileForm(form_data, files, instance=profile)
        if not form.is_valid():
            raise form_errors(form)
        try:  # a stale If-Match is the service's StaleVersion: 412 (marketplace.api)
            form.save(if_version=versions)
        except ValidationError as exc:
            raise validation_error(exc) from None
        me = _me(request)
        return with_etag(Response(MeOutput(me).data), me["profile"].version)


class TokenListApi(APIView):
    """The signed-in user's personal tokens (GET), or a new one (POST, from a signed-in session only)."""

    permission_classes = SIGNED_IN
    pagination_class = Pagination

    @extend_schema(operation_id="tokens_list", responses={200: TokenOutput(many=True), **ERRORS})
    def get(self, request):
        return paginated(self, selectors.personal_tokens_of(request.user), TokenOutput)

    @extend_schema(
        operation_id="tokens_create", request=TokenCreateInput, responses={201: TokenCreatedOutput, **ERRORS}
    )
    def post(self, request):
        # A token cannot make tokens: a leaked one could otherwise outlive its own expiry and
        # widen its own scope. Creating one needs the signed-in session (the settings page's
        # JavaScript, or a script that signed in).
        if isinstance(request.auth, PersonalToken):
            raise PermissionDenied("Tokens are created from a signed-in session, not with another token.")
        data = TokenCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token, secret = services.personal_token_create(user=request.user, **data.validated_data)
        except ValidationError as exc:
            raise validation_error(exc) from None
        token.secret = secret
        return Response(TokenCreatedOutput(token).data, status=201)


class TokenRevokeApi(APIView):
    """Revoke one of your tokens (a read and write token may revoke itself, e.g. after a leak)."""

    permission_classes = SIGNED_IN

    @extend_schema(
        operation_id="tokens_revoke", request=None, responses={200: TokenOutput, 404: OpenApiTypes.OBJECT, **ERRORS}
    )
    def post(self, request, pk: int):
        token = services.personal_token_revoke(user=request.user, token_id=pk)
        if token is None:
            raise Http404
        return Response(TokenOutput(token).data)


# --- the member's organization ----------------------------------------------------------------------


def _organization(request):
    organization = permissions.organization_for(request.user)
    if organization is None:
        raise PermissionDenied("Only members of an organization have one.")
    return organization


def _owned(request):
    organization = _organization(request)
    if not permissions.can_manage_organization(request.user, organization):
        raise PermissionDenied("Only the organization's owner manages members and invitations.")
    return organization


class OrganizationApi(APIView):
    """The signed-in member's organization."""

    permission_classes = SIGNED_IN

    @extend_schema(operation_id="organization_retrieve", responses={200: MyOrganizationOutput, **ERRORS})
    def get(self, request):
        return Response(MyOrganizationOutput(_organization(request)).data)


class OrganizationMembersApi(APIView):
    """The organization's members, owner first (every member may read them)."""

    permission_classes = SIGNED_IN
    pagination_class = Pagination

    @extend_schema(operation_id="organization_members_list", responses={200: MemberOutput(many=True), **ERRORS})
    def get(self, request):
        members = selectors.organization_members(_organization(request))
        return paginated(self, members, MemberOutput)


class OrganizationMemberRemoveApi(APIView):
    """The owner removes a recruiter (the owner transfers ownership on the organization page)."""

    permission_classes = SIGNED_IN

    @extend_schema(
        operation_id="organization_members_remove",
        request=None,
        responses={204: None, 404: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request, pk: int):
        organization = _owned(request)
        membership = (
            Membership.objects.select_related("user", "organization").filter(pk=pk, organization=organization).first()
        )
        if membership is None:
            raise Http404
        try:
            services.membership_remove(membership=membership, by=request.user)
        except ValidationError as exc:
            raise validation_error(exc) from None
        return Response(status=204)


class OrganizationInvitationsApi(APIView):
    """The owner's pending invitations (GET) and a new one by email (POST: the invitee is emailed)."""

    permission_classes = SIGNED_IN
    pagination_class = Pagination

    @extend_schema(operation_id="organization_invitations_list", responses={200: InvitationOutput(many=True), **ERRORS})
    def get(self, request):
        invitations = selectors.pending_invitations(organization=_owned(request))
        return paginated(self, invitations, InvitationOutput)

    @extend_schema(
        operation_id="organization_invitations_create",
        request=InvitationInput,
        responses={201: InvitationOutput, **ERRORS},
    )
    def post(self, request):
        organization = _owned(request)
        data = InvitationInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            invitation = services.invitation_create(
                invited_by=request.user, email=data.validated_data["email"], organization=organization
            )
        except ValidationError as exc:
            raise validation_error(exc) from None
        return Response(InvitationOutput(invitation).data, status=201)


class OrganizationInvitationRevokeApi(APIView):
    """Withdraw a pending invitation (its link stops working)."""

    permission_classes = SIGNED_IN

    @extend_schema(
        operation_id="organization_invitations_revoke",
        request=None,
        responses={204: None, 404: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request, pk: int):
        organization = _owned(request)
        invitation = (
            Invitation.objects.select_related("organization", "institution")
            .filter(pk=pk, organization=organization)
            .first()
        )
        if invitation is None or not permissions.can_revoke_invitation(request.user, invitation):
            raise Http404
        services.invitation_revoke(invitation=invitation, by=request.user)
        return Response(status=204)


# --- the career-services staff member's institution ------------------------------------------------


class InstitutionApi(APIView):
    """The signed-in career-services staff member's institution: domains, staff, linked students'
    count and the students' pending link requests (the institution page)."""

    permission_classes = SIGNED_IN

    @extend_schema(operation_id="institution_retrieve", responses={200: MyInstitutionOutput, **ERRORS})
    def get(self, request):
        institution = permissions.institution_for_staff(request.user)
        if institution is None:
            raise PermissionDenied("Only career-services staff of an institution have one.")
        page = selectors.institution_page(institution)
        data = {
            "id": institution.pk,
            "name": institution.name,
            "slug": institution.slug,
            "country": institution.country,
            "domains": [d.domain for d in page["domains"]],
            "student_count": page["student_count"],
            "staff": page["staff"],
            "link_requests": page["link_requests"],
        }
        return Response(MyInstitutionOutput(data).data)


def _staffed(request):
    """The signed-in career-services staff member's institution (the one they manage)."""
    institution = permissions.institution_for_staff(request.user)
    if institution is None or not permissions.can_manage_institution(request.user, institution):
        raise PermissionDenied("Only career-services staff of an institution invite colleagues.")
    return institution


class InstitutionInvitationsApi(APIView):
    """The institution's pending invitations to its career-services team (GET), and a new one by
    email (POST: the invitee is emailed a link to join the team)."""

    permission_classes = SIGNED_IN
    pagination_class = Pagination

    @extend_schema(operation_id="institution_invitations_list", responses={200: InvitationOutput(many=True), **ERRORS})
    def get(self, request):
        invitations = selectors.pending_invitations(institution=_staffed(request))
        return paginated(self, invitations, InvitationOutput)

    @extend_schema(
        operation_id="institution_invitations_create",
        request=InvitationInput,
        responses={201: InvitationOutput, **ERRORS},
    )
    def post(self, request):
        institution = _staffed(request)
        data = InvitationInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            invitation = services.invitation_create(
                invited_by=request.user, email=data.validated_data["email"], institution=institution
            )
        except ValidationError as exc:
            raise validation_error(exc) from None
        return Response(InvitationOutput(invitation).data, status=201)


class InstitutionInvitationRevokeApi(APIView):
    """Withdraw a pending invitation to the career-services team (its link stops working)."""

    permission_classes = SIGNED_IN

    @extend_schema(
        operation_id="institution_invitations_revoke",
        request=None,
        responses={204: None, 404: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request, pk: int):
        institution = _staffed(request)
        invitation = (
            Invitation.objects.select_related("organization", "institution")
            .filter(pk=pk, institution=institution)
            .first()
        )
        if invitation is None or not permissions.can_revoke_invitation(request.user, invitation):
            raise Http404
        services.invitation_revoke(invitation=invitation, by=request.user)
        return Response(status=204)


class LinkRequestDecideApi(APIView):
    """Approve (the student is linked) or reject a student's request to join the institution."""

    permission_classes = SIGNED_IN

    @extend_schema(
        operation_id="institution_link_requests_decide",
        request=LinkDecisionInput,
        responses={204: None, 404: OpenApiTypes.OBJECT, **ERRORS},
    )
    def post(self, request, pk: int):
        if permissions.institution_for_staff(request.user) is None:
            raise PermissionDenied("Only career-services staff decide link requests.")
        link_request = InstitutionLinkRequest.objects.select_related("institution", "student").filter(pk=pk).first()
        if link_request is None or not permissions.can_decide_link_request(request.user, link_request):
            raise Http404
        data = LinkDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.institution_link_decide(
                link_request=link_request,
                decided_by=request.user,
                approve=data.validated_data["decision"] == "approve",
            )
        except ValidationError as exc:
            raise validation_error(exc) from None
        return Response(status=204)
