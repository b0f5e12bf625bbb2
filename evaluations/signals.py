"""What follows the end of a placement, in the transaction that ended it: the two-way evaluation
opens and, for a completed placement, the certificate is issued (``placements`` sends
``placement_ended`` and does not import this app)."""

from django.dispatch import receiver

from placements.signals import placement_ended


@receiver(placement_ended, dispatch_uid="evaluations.open_on_end")
def _open_evaluation(sender, placement, early: bool, **kwargs):
    from .services import certificate_issue, evaluation_open

    evaluation_open(placement=placement)
    if not early:
        certificate_issue(placement=placement)
