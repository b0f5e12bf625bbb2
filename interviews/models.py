"""Interview rounds: the times an organization offers (slots), who they are offered to (one
invite per application), and the interviews booked from them.

A round belongs to one listing and may be offered to several of its applicants at once (the
pipeline's bulk action); each applicant books at most one of its slots. The database holds the
rules that matter under concurrency: one scheduled interview per slot and per application.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.models import TIME_ZONE_CHOICES, Organization
from applications.models import Application
from listings.models import Listing

from .choices import InterviewStatus, InviteStatus, Party, SlotStatus


class Availability(models.Model):
    """A weekly window in which an organization interviews (e.g. Tuesday 14:00–17:00 in
    Europe/Berlin), from which slots can be offered."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="interview_windows")
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    start = models.TimeField()
    end = models.TimeField()
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["weekday", "start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday_valid"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="availability_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M} {self.time_zone}"

    def get_weekday_display(self) -> str:
        return ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][self.weekday]


class InterviewRound(models.Model):
    """Times proposed together, in the zone the employer entered them in (``time_zone``)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="interview_rounds")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES)
    location = models.TextField(max_length=1000)  # a video-call link or instructions
    respond_by = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Interview round #{self.pk}"


class InterviewSlot(models.Model):
    round = models.ForeignKey(InterviewRound, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=SlotStatus.choices, default=SlotStatus.OPEN)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
            models.UniqueConstraint(fields=["round", "starts_at"], name="slot_once_per_round_and_time"),
        ]
        indexes = [models.Index(fields=["starts_at"], condition=Q(status="open"), name="slot_open")]

    def __str__(self):
        return f"Slot #{self.pk} at {self.starts_at:%Y-%m-%d %H:%M} UTC"


class InterviewInvite(models.Model):
    """A round offered to one application: the student books one of its slots or lets it expire."""

    round = models.ForeignKey(InterviewRound, on_delete=models.CASCADE, related_name="invites")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interview_invites")
    status = models.CharField(max_length=10, choices=InviteStatus.choices, default=InviteStatus.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "application"], name="invite_once_per_round"),
            models.UniqueConstraint(
                fields=["application"], condition=Q(status="waiting"), name="one_waiting_invite_per_application"
            ),
        ]
        indexes = [models.Index(fields=["round"], condition=Q(status="waiting"), name="invite_waiting")]

    def __str__(self):
        return f"Invitation #{self.pk}"


class InterviewQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=InterviewStatus.SCHEDULED)


class Interview(models.Model):
    """A booked interview. ``sequence`` is the iCalendar SEQUENCE: it grows with every change the
    invitation announces under the same UID (the cancellation, also when the organization moves the
    interview by offering new times: the new booking is a new interview)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interviews")
    invite = models.ForeignKey(InterviewInvite, on_delete=models.CASCADE, related_name="interviews")
    slot = models.ForeignKey(InterviewSlot, on_delete=models.SET_NULL, null=True, related_name="interviews")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES)  # the organization's, from the round
    location = models.TextField(max_length=1000)
    status = models.CharField(max_length=10, choices=InterviewStatus.choices, default=InterviewStatus.SCHEDULED)
    sequence = models.PositiveIntegerField(default=0)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True, max_length=1000)
    day_reminded_at = models.DateTimeField(null=True, blank=True)
    hour_reminded_at = models.DateTimeField(null=True, blank=True)
    no_show = models.CharField(max_length=12, choices=Party.choices, blank=True)
    no_show_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    no_show_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="interview_ends_after_start"),
            # Two bookings can never hold the same slot, nor one application two interviews.
            models.UniqueConstraint(fields=["slot"], condition=Q(status="scheduled"), name="one_booking_per_slot"),
            models.UniqueConstraint(
                fields=["application"], condition=Q(status="scheduled"), name="one_scheduled_interview_per_application"
            ),
        ]
        indexes = [
            models.Index(
                fields=["starts_at"],
                condition=Q(status="scheduled", day_reminded_at__isnull=True),
                name="interview_day",
            ),
            models.Index(
                fields=["starts_at"],
                condition=Q(status="scheduled", hour_reminded_at__isnull=True),
                name="interview_hour",
            ),
        ]

    def __str__(self):
        return f"Interview #{self.pk}"

    @property
    def is_scheduled(self) -> bool:
        return self.status == InterviewStatus.SCHEDULED

    @property
    def key(self) -> str:
        """The calendar key ("interview-<id>"): the UID's local part in invitations and the feed."""
        return f"interview-{self.pk}"
