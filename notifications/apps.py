from importlib import import_module

from django.apps import AppConfig, apps


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        # Each app declares its events in <app>/events.py; load them all once.
        for config in apps.get_app_configs():
            try:
                import_module(f"{config.name}.events")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.events":
                    raise
        from . import signals  # noqa: F401
