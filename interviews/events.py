from notifications.events import Event, register

register(
    Event("interview.proposed", "An employer proposes interview times (students)", "interviews/email/proposed"),
    Event("interview.invitation", "An interview is booked (calendar invitation)", "interviews/email/invitation"),
    Event("interview.cancelled", "An interview is cancelled (calendar cancellation)", "interviews/email/cancelled"),
    Event("interview.reminder", "An interview starts in 24 hours or in 1 hour", "interviews/email/reminder"),
    Event("interview.no_show", "A missed interview is recorded", "interviews/email/no_show"),
)
