from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("organization/", views.OrganizationApi.as_view(), name="organization"),
    path("organization/members/", views.OrganizationMembersApi.as_view(), name="organization-members"),
    path(
        "organization/members/<int:pk>/remove/",
        views.OrganizationMemberRemoveApi.as_view(),
        name="organization-member-remove",
    ),
    path("organization/invitations/", views.OrganizationInvitationsApi.as_view(), name="organization-invitations"),
    path(
        "organization/invitations/<int:pk>/revoke/",
        views.OrganizationInvitationRevokeApi.as_view(),
        name="organization-invitation-revoke",
    ),
    path("institution/", views.InstitutionApi.as_view(), name="institution"),
    path("institution/invitations/", views.InstitutionInvitationsApi.as_view(), name="institution-invitations"),
    path(
        "institution/invitations/<int:pk>/revoke/",
        views.InstitutionInvitationRevokeApi.as_view(),
        name="institution-invitation-revoke",
    ),
    path(
        "institution/link-requests/<int:pk>/decide/",
        views.LinkRequestDecideApi.as_view(),
        name="institution-link-request-decide",
    ),
    path("tokens/", views.TokenListApi.as_view(), name="token-list"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeApi.as_view(), name="token-revoke"),
]
