from notifications.events import Event, register

E = "evaluations/email/"

register(
    Event("evaluation.opened", "A placement's evaluation opens", E + "opened"),
    Event("evaluation.reminder", "A placement's evaluation waits for my answers", E + "reminder"),
    Event("evaluation.revealed", "Both evaluations of a placement are shown", E + "revealed"),
    Event("evaluation.review_replied", "An organization replies to my review", E + "review_replied"),
    Event("certificate.issued", "My certificate of completion is ready", E + "certificate_issued"),
    Event("certificate.revoked", "My certificate of completion is revoked", E + "certificate_revoked"),
)
