from django.urls import path

from . import views

urlpatterns = [
    path("applications/<int:pk>/messages/", views.ConversationMessagesApi.as_view(), name="conversation-messages"),
    path(
        "applications/<int:pk>/messages/read/", views.ConversationMarkReadApi.as_view(), name="conversation-mark-read"
    ),
    path("messages/unread/", views.ConversationUnreadApi.as_view(), name="conversation-unread"),
]
