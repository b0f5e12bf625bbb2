from notifications.events import Event, register

register(
    Event(
        "application.submitted", "A student applies to one of our listings (employers)", "applications/email/submitted"
    ),
    Event("application.status_changed", "My application's status changes", "applications/email/status_changed"),
    Event("application.offer_made", "I receive an offer", "applications/email/offer_made"),
    Event("application.closed", "A listing I applied to closes or expires", "applications/email/closed"),
    Event(
        "application.student_responded",
        "An applicant withdraws, accepts or declines (employers)",
        "applications/email/student_responded",
    ),
    Event(
        "application.untouched_nudge",
        "Applicants have waited a week without an answer (employers)",
        "applications/email/untouched_nudge",
    ),
)
