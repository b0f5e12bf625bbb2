from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Order matters: each app's demo data builds on the ones before it.
DEMO_APPS = [
    "accounts",
    "listings",
    "applications",
    "placements",
    "reports",
    "evaluations",
    "conversations",
    "interviews",
    # Last: each demo login's welcome is the newest notification, on top of the history above.
    "notifications",
]


class Command(BaseCommand):
    help = "Load the demo data and logins (idempotent: safe to run again). Never for production."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("seed_demo refuses to run with production settings.")
        self.stdout.write("Loading demo data…")
        for app in DEMO_APPS:
            try:
                demo = import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with transaction.atomic():
                demo.seed(self.stdout)
        from accounts.demo import DEMO_PASSWORD, DEMO_USERS

        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {DEMO_PASSWORD}):"))
        for email, _name, role in DEMO_USERS:
            self.stdout.write(f"  {email:<26} {role}")
