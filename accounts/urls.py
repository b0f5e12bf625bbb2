from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("welcome/", views.next_step, name="next_step"),
    path("profile/", views.profile_detail, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/institution/", views.institution_link_request, name="institution_link_request"),
    path("students/<int:pk>/", views.student_profile, name="student_profile"),
    path("students/<int:pk>/resume/", views.resume_download, name="resume"),
    path("skills/autocomplete/", views.skills_autocomplete, name="skills_autocomplete"),
    path("organization/", views.organization_detail, name="organization"),
    path("organization/new/", views.organization_create, name="organization_create"),
    path("organization/edit/", views.organization_edit, name="organization_edit"),
    path("organization/invite/", views.organization_invite, name="organization_invite"),
    path("organization/members/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("organization/members/<int:pk>/make-owner/", views.ownership_transfer, name="ownership_transfer"),
    path("organizations/<slug:slug>/logo/", views.organization_logo, name="organization_logo"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation"),
    path("invitations/<str:token>/signup/", views.invitation_signup, name="invitation_signup"),
    path("institution/", views.my_institution, name="my_institution"),
    path("institutions/<slug:slug>/", views.institution_detail, name="institution"),
    path("institutions/<slug:slug>/invite/", views.institution_invite, name="institution_invite"),
    path("link-requests/<int:pk>/decide/", views.link_request_decide, name="link_request_decide"),
    path("staff/organizations/", views.staff_organizations, name="staff_organizations"),
    path(
        "staff/organizations/<slug:slug>/verification/",
        views.staff_organization_verify,
        name="staff_organization_verify",
    ),
    path("staff/institutions/", views.staff_institutions, name="staff_institutions"),
    path("settings/tokens/", views.token_list, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/delete/", views.account_delete, name="account_delete"),
]
