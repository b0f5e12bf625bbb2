from django.urls import path, re_path

from . import views

app_name = "calendars"
urlpatterns = [
    path("", views.calendar_settings, name="settings"),
    path("feed/", views.feed_issue, name="issue"),
    path("feed/revoke/", views.feed_revoke, name="revoke"),
    re_path(r"^feed/(?P<token>[A-Za-z0-9_-]{1,100})\.ics$", views.feed, name="feed"),
    re_path(r"^events/(?P<key>[a-z]+(?:-[a-z]+)*-[0-9]+)\.ics$", views.event_download, name="event"),
]
