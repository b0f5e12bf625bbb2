from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/read/", views.NotificationMarkReadApi.as_view(), name="notification-mark-read"),
    path("notifications/preferences/", views.NotificationPreferencesApi.as_view(), name="notification-preferences"),
]
