from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path("applications/", views.my_applications, name="list"),
    path("applications/apply/<int:listing_pk>/", views.application_apply, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="detail"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("applications/<int:pk>/accept/", views.application_accept, name="accept"),
    path("applications/<int:pk>/decline/", views.application_decline, name="decline"),
    path("applications/<int:pk>/resume/", views.application_resume, name="resume"),
    path("employer/applicants/", views.employer_applicants, name="employer_applicants"),
    path("employer/listings/<int:pk>/applicants/", views.listing_pipeline, name="pipeline"),
    path("employer/listings/<int:pk>/applicants/reject/", views.listing_bulk_reject, name="bulk_reject"),
    path("employer/applications/<int:pk>/", views.employer_application_detail, name="employer_detail"),
    path("employer/applications/<int:pk>/move/", views.employer_application_move, name="employer_move"),
    path("employer/applications/<int:pk>/offer/", views.employer_application_offer, name="employer_offer"),
    path("employer/applications/<int:pk>/notes/", views.employer_application_note, name="employer_note"),
]
