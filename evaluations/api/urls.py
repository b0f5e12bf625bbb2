from django.urls import path

from . import views

urlpatterns = [
    path("placements/<int:pk>/evaluation/", views.EvaluationDetailApi.as_view(), name="placement-evaluation"),
    path(
        "placements/<int:pk>/evaluation/supervisor/",
        views.SupervisorEvaluationApi.as_view(),
        name="placement-evaluation-supervisor",
    ),
    path(
        "placements/<int:pk>/evaluation/student/",
        views.StudentEvaluationApi.as_view(),
        name="placement-evaluation-student",
    ),
    path("certificates/", views.CertificateListApi.as_view(), name="certificate-list"),
    path("certificates/<str:code>/verify/", views.CertificateVerifyApi.as_view(), name="certificate-verify"),
    path("portfolios/<slug:slug>/", views.PortfolioApi.as_view(), name="portfolio"),
]
