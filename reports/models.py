from django.conf import settings
from django.db import models

from accounts.models import Institution, Organization


class EmployerApproval(models.Model):
    """A career-services decision about an organization, for their institution's students only.

    A blocked organization's listings are hidden from the institution's students (the listings
    browse selector reads this table) and flagged to site staff.
    """

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        BLOCKED = "blocked", "Blocked"

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="employer_approvals")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="institution_approvals")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "organization"], name="one_decision_per_institution_and_org")
        ]
        indexes = [models.Index(fields=["institution", "decision"], name="approval_institution_decision")]
