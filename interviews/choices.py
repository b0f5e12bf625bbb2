"""The states of rounds, slots and interviews, in their own module so models and helpers need not
import each other."""

from django.db import models


class SlotStatus(models.TextChoices):
    OPEN = "open", "Open"
    BOOKED = "booked", "Booked"
    EXPIRED = "expired", "Expired"


class InviteStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the student"
    BOOKED = "booked", "Booked"
    EXPIRED = "expired", "Expired"


class InterviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Party(models.TextChoices):
    STUDENT = "student", "The student"
    ORGANIZATION = "organization", "The organization"
