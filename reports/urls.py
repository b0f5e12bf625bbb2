from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("placements/", views.placement_report, name="placements"),
    path("placements/export/", views.placement_export, name="placement_export"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("students/", views.student_list, name="students"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    path("employers/", views.employers, name="employers"),
    path("employers/<int:pk>/decide/", views.employer_decide, name="employer_decide"),
]
