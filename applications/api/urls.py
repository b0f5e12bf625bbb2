from django.urls import path

from . import views

urlpatterns = [
    path("applications/", views.ApplicationListApi.as_view(), name="application-list"),
    path("applications/bulk-reject/", views.ApplicationBulkRejectApi.as_view(), name="application-bulk-reject"),
    path("applications/create/", views.StudentApplicationCreateApi.as_view(), name="application-create"),
    path("applications/<int:pk>/", views.ApplicationDetailApi.as_view(), name="application-detail"),
    path("applications/<int:pk>/notes/", views.ApplicationNotesApi.as_view(), name="application-notes"),
    path("applications/<int:pk>/withdraw/", views.StudentApplicationWithdrawApi.as_view(), name="application-withdraw"),
    path("applications/<int:pk>/accept/", views.StudentApplicationAcceptApi.as_view(), name="application-accept"),
    path("applications/<int:pk>/decline/", views.StudentApplicationDeclineApi.as_view(), name="application-decline"),
    path(
        "employer/listings/<int:pk>/applications/",
        views.EmployerListingApplicationsApi.as_view(),
        name="employer-listing-applications",
    ),
    path(
        "employer/applications/<int:pk>/status/",
        views.EmployerApplicationStatusApi.as_view(),
        name="employer-application-status",
    ),
]
