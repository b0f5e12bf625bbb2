from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.celery import app


class Command(BaseCommand):
    help = "Run a periodic task by hand, in this process (or queue it with --queue). Lists them with --list."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="Schedule entry name or task name")
        parser.add_argument("--list", action="store_true", help="List the periodic tasks and exit")
        parser.add_argument("--queue", action="store_true", help="Send it to the workers instead of running it here")

    def handle(self, *args, name=None, list=False, queue=False, **options):
        schedule = settings.CELERY_BEAT_SCHEDULE
        if list or not name:
            for entry, spec in sorted(schedule.items()):
                self.stdout.write(f"{entry:<40} {spec['task']}  ({spec['schedule']})")
            if not name:
                return
        entry = schedule.get(name) or next((spec for spec in schedule.values() if spec["task"] == name), None)
        if entry is None:
            raise CommandError(f"{name!r} is not a periodic task; run with --list to see them.")
        task_name, task_args = entry["task"], tuple(entry.get("args", ()))
        app.loader.import_default_modules()
        task = app.tasks[task_name]
        if queue:
            result = task.apply_async(args=task_args)
            self.stdout.write(self.style.SUCCESS(f"Queued {task_name} ({result.id})"))
        else:
            outcome = task.apply(args=task_args)
            if outcome.failed():
                raise CommandError(f"{task_name} failed: {outcome.result!r}")
            self.stdout.write(self.style.SUCCESS(f"Ran {task_name}: {outcome.result!r}"))
