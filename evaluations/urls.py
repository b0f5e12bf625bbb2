from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("placements/<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("placements/<int:pk>/evaluation/supervisor/", views.supervisor_submit, name="supervisor_submit"),
    path("placements/<int:pk>/evaluation/student/", views.student_submit, name="student_submit"),
    path("placements/<int:pk>/evaluation/publish/", views.publish, name="publish"),
    path("placements/<int:pk>/certificate.pdf", views.certificate_download, name="certificate_pdf"),
    path("placements/<int:pk>/credential.json", views.credential_download, name="credential_json"),
    path("placements/<int:pk>/badge.png", views.badge_download, name="badge_png"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path("issuer/", views.issuer, name="issuer"),
    path("issuer/profile.json", views.issuer_profile, name="issuer_profile"),
    path("credentials/revocations/", views.revocations, name="revocations"),
    path("organizations/<slug:slug>/reviews/", views.organization_reviews, name="organization_reviews"),
    path("reviews/<int:pk>/reply/", views.review_reply, name="review_reply"),
    path("careers/reviews/", views.careers_reviews, name="careers_reviews"),
    path("portfolio/", views.portfolio_settings, name="portfolio_settings"),
    path("portfolio/<slug:slug>/", views.portfolio, name="portfolio"),
]
