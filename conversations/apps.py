from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"

    def ready(self):
        from notifications.context_processors import nav_count_register

        from .selectors import unread_messages_count_query

        # The "Messages" badge is read in the navigation's one query, beside the notifications'.
        nav_count_register("unread_messages", unread_messages_count_query)
