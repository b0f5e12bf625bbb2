"""The placement's own hooks.

``placement_ended`` is sent inside the transaction that completes or ends a placement early, for
what follows an ending (the evaluation window) to open in the same transaction. When the
``applications`` services create a placement, its workspace is prepared in the same transaction
(check-in periods, a micro-internship's deliverable as its first goal): a ``post_save`` receiver,
because ``applications`` sits below this app and does not import it.
"""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from applications.models import Placement

# Sent with ``placement`` (locked, already saved) and ``early`` (True when ended early).
placement_ended = Signal()


@receiver(post_save, sender=Placement, dispatch_uid="placements.prepare_workspace")
def _prepare_workspace(sender, instance: Placement, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        from .services import placement_prepare

        placement_prepare(placement=instance)
