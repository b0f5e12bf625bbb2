from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "calendars"

    def ready(self):
        from accounts.signals import account_anonymising

        from .services import calendar_feeds_delete_for_user

        account_anonymising.connect(calendar_feeds_delete_for_user, dispatch_uid="calendar_feeds_delete_for_user")
