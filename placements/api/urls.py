from django.urls import path

from . import views

urlpatterns = [
    path("placements/", views.PlacementListApi.as_view(), name="placement-list"),
    path("placements/<int:pk>/", views.PlacementDetailApi.as_view(), name="placement-detail"),
    path("placements/<int:pk>/goals/", views.GoalListApi.as_view(), name="placement-goals"),
    path("placements/<int:pk>/goals/confirm/", views.GoalsConfirmApi.as_view(), name="placement-goals-confirm"),
    path("placements/<int:pk>/goals/<int:goal_pk>/", views.GoalDetailApi.as_view(), name="placement-goal"),
    path("placements/<int:pk>/goals/<int:goal_pk>/done/", views.GoalDoneApi.as_view(), name="placement-goal-done"),
    path("placements/<int:pk>/schedule/", views.ScheduleApi.as_view(), name="placement-schedule"),
    path("placements/<int:pk>/checkins/", views.CheckInListApi.as_view(), name="placement-checkins"),
    path(
        "placements/<int:pk>/checkins/<int:checkin_pk>/",
        views.CheckInDetailApi.as_view(),
        name="placement-checkin",
    ),
    path(
        "placements/<int:pk>/checkins/<int:checkin_pk>/submit/",
        views.CheckInSubmitApi.as_view(),
        name="placement-checkin-submit",
    ),
    path(
        "placements/<int:pk>/checkins/<int:checkin_pk>/feedback/",
        views.CheckInFeedbackApi.as_view(),
        name="placement-checkin-feedback",
    ),
    path("placements/<int:pk>/fee/accept/", views.FeeAcceptApi.as_view(), name="placement-fee-accept"),
    path("placements/<int:pk>/fee/paid/", views.FeePaidApi.as_view(), name="placement-fee-paid"),
    path("placements/<int:pk>/fee/received/", views.FeeReceivedApi.as_view(), name="placement-fee-received"),
    path("placements/<int:pk>/complete/", views.CompleteApi.as_view(), name="placement-complete"),
    path("placements/<int:pk>/end/", views.EndEarlyApi.as_view(), name="placement-end"),
]
