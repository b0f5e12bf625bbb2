from django.urls import path

from . import views

urlpatterns = [
    path("interviews/", views.InterviewListApi.as_view(), name="interview-list"),
    path("interviews/<int:pk>/", views.InterviewDetailApi.as_view(), name="interview-detail"),
    path("interviews/<int:pk>/reschedule/", views.RescheduleApi.as_view(), name="interview-reschedule"),
    path("interviews/<int:pk>/other-times/", views.InterviewOtherTimesApi.as_view(), name="interview-other-times"),
    path("interviews/<int:pk>/cancel/", views.CancelApi.as_view(), name="interview-cancel"),
    path("interview-invitations/<int:pk>/", views.InvitationApi.as_view(), name="interview-invitation"),
    path("interview-invitations/<int:pk>/book/", views.BookApi.as_view(), name="interview-book"),
    path(
        "interview-invitations/<int:pk>/other-times/",
        views.InvitationOtherTimesApi.as_view(),
        name="interview-invitation-other-times",
    ),
    path("applications/<int:pk>/interview-slots/", views.ProposeApi.as_view(), name="interview-propose"),
]
