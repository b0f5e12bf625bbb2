from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    """The end of a placement: the two-way evaluation (revealed together), employer reviews, the
    completion certificate (PDF, public verification, Open Badges 3.0 credential) and the public
    portfolio. Sits above ``placements`` and opens its rows on ``placements.signals.placement_ended``."""

    name = "evaluations"

    def ready(self):
        from . import events, signals  # noqa: F401
