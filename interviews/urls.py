from django.urls import path

from . import views

app_name = "interviews"
urlpatterns = [
    path("employer/applications/<int:pk>/interview/", views.propose, name="propose"),
    path("employer/listings/<int:pk>/interviews/propose/", views.listing_propose, name="listing_propose"),
    path("employer/listings/<int:pk>/interviews/", views.listing_interviews, name="listing"),
    path("employer/interviews/", views.organization_interviews, name="organization"),
    path("employer/interviews/availability/", views.availability, name="availability"),
    path("employer/interviews/availability/<int:pk>/remove/", views.availability_remove, name="availability_remove"),
    path("interviews/", views.my_interviews, name="mine"),
    path("interviews/invitations/<int:pk>/", views.choose, name="choose"),
    path("interviews/invitations/<int:pk>/book/", views.book, name="book"),
    path("interviews/invitations/<int:pk>/other-times/", views.other_times, name="other_times"),
    path("interviews/<int:pk>/", views.detail, name="detail"),
    path("interviews/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("interviews/<int:pk>/other-times/", views.interview_other_times, name="interview_other_times"),
    path("interviews/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("interviews/<int:pk>/no-show/", views.no_show, name="no_show"),
    path("careers/interviews/no-shows/", views.careers_no_shows, name="careers_no_shows"),
]
