from notifications.events import Event, register

E = "placements/email/"

register(
    Event("placement.goals_proposed", "The intern proposes goals (supervisors)", E + "goals_proposed"),
    Event("placement.goals_confirmed", "My supervisor confirms my goals", E + "goals_confirmed"),
    Event("placement.goal_done", "A placement goal is marked done", E + "goal_done"),
    Event("placement.schedule_changed", "A placement's check-in schedule changes", E + "schedule_changed"),
    Event("placement.checkin_submitted", "My intern writes a check-in (supervisors)", E + "checkin_submitted"),
    Event("placement.checkin_feedback", "My supervisor answers my check-in", E + "checkin_feedback"),
    Event("placement.checkin_overdue", "A check-in of mine is overdue", E + "checkin_overdue"),
    Event(
        "placement.feedback_overdue",
        "A check-in waits for my feedback for 3 days (supervisors)",
        E + "feedback_overdue",
    ),
    Event(
        "placement.needs_attention",
        "A placement needs attention: check-ins two periods overdue (employers, career services)",
        E + "needs_attention",
    ),
    Event("placement.fee_due", "A placement fee is due (deliverable accepted)", E + "fee_due"),
    Event("placement.fee_paid", "A placement fee is marked paid", E + "fee_paid"),
    Event("placement.fee_received", "The intern confirms receiving the fee (employers)", E + "fee_received"),
    Event("placement.completed", "A placement is completed", E + "completed"),
    Event("placement.ended_early", "A placement ends early", E + "ended_early"),
)
