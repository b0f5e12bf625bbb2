from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"

    def ready(self):
        # Bind @shared_task to our Celery app in every process that loads Django. (Not imported
        # from the package __init__: that would set DJANGO_SETTINGS_MODULE for every program
        # that merely imports `marketplace`, such as `python -m marketplace.embedded`.)
        from . import (
            celery,  # noqa: F401
            lookups,  # noqa: F401 (registers field__any)
        )
