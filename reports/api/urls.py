from django.urls import path

from . import views

urlpatterns = [
    path("careers/dashboard/", views.DashboardApi.as_view(), name="career-dashboard"),
    path("careers/placements/", views.PlacementReportApi.as_view(), name="career-placement-report"),
    path("careers/exports/", views.ExportListApi.as_view(), name="career-export-list"),
    path("careers/exports/<int:pk>/", views.ExportDetailApi.as_view(), name="career-export-detail"),
    path("careers/exports/<int:pk>/download/", views.ExportDownloadApi.as_view(), name="career-export-download"),
]
