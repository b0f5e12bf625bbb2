from notifications.events import Event, register

EXPORT_READY = Event("reports.export_ready", "A report export I asked for is ready", "reports/email/export_ready")
EMPLOYER_BLOCKED = Event(
    "reports.employer_blocked",
    "An institution blocked an organization (site staff)",
    "reports/email/employer_blocked",
)

register(EXPORT_READY, EMPLOYER_BLOCKED)
