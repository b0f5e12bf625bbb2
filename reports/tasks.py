"""Background work of career services: building large exports and purging old export files."""

from celery import shared_task

from . import services

# Exports may take a while at hundreds of thousands of rows: more time than the default limits.
EXPORT_TIME_LIMIT = 1800


@shared_task(
    acks_late=True, reject_on_worker_lost=True, time_limit=EXPORT_TIME_LIMIT, soft_time_limit=EXPORT_TIME_LIMIT - 60
)
def report_export_task(export_id: int) -> str:
    """Build one export (a ready export is left alone, so a redelivered task does nothing)."""
    export = services.report_export_run(export_id=export_id)
    return export.status if export is not None else "missing"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def report_exports_purge_task() -> int:
    purged = services.report_exports_purge()
    if purged >= 500:
        report_exports_purge_task.delay()
    return purged
