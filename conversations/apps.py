from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"

    def ready(self):
        from accounts.signals import account_anonymising
        from notifications.context_processors import nav_count_register

        from .selectors import unread_messages_count_query
        from .services import conversations_scrub_for_user

        account_anonymising.connect(conversations_scrub_for_user, dispatch_uid="conversations_scrub_for_user")

        # The "Messages" badge is read in the navigation's one query, beside the notifications'.
        nav_count_register("unread_messages", unread_messages_count_query)
