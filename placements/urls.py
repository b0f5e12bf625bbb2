from django.urls import path

from . import views

app_name = "placements"
urlpatterns = [
    path("<int:pk>/", views.workspace, name="workspace"),
    path("<int:pk>/goals/", views.goal_add, name="goal_add"),
    path("<int:pk>/goals/confirm/", views.goals_confirm, name="goals_confirm"),
    path("<int:pk>/goals/<int:goal_pk>/edit/", views.goal_edit, name="goal_edit"),
    path("<int:pk>/goals/<int:goal_pk>/remove/", views.goal_remove, name="goal_remove"),
    path("<int:pk>/goals/<int:goal_pk>/done/", views.goal_done, name="goal_done"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/checkins/<int:checkin_pk>/", views.checkin_submit, name="checkin_submit"),
    path("<int:pk>/checkins/<int:checkin_pk>/feedback/", views.checkin_feedback, name="checkin_feedback"),
    path("<int:pk>/fee/accept/", views.fee_accept, name="fee_accept"),
    path("<int:pk>/fee/paid/", views.fee_paid, name="fee_paid"),
    path("<int:pk>/fee/received/", views.fee_received, name="fee_received"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/end/", views.end_early, name="end_early"),
]
