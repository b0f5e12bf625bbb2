from django.urls import path

from . import views

app_name = "conversations"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("conversations/<int:pk>/", views.thread, name="thread"),
    path("conversations/<int:pk>/poll/", views.poll, name="poll"),
    path("conversations/<int:pk>/earlier/", views.earlier, name="earlier"),
    path("conversations/<int:pk>/messages/", views.post, name="post"),
]
