import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="marketplace.ping", ignore_result=False, acks_late=False)
def ping_task(value: str) -> str:
    """Round-trip check used by tests and operations: returns what it was given."""
    return f"pong:{value}"
