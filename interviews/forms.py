"""The interview forms: proposing times (typed, or picked from the organization's weekly
windows, or instead of a booked time), booking, asking for other times, cancelling, weekly
windows."""

from __future__ import annotations

from datetime import UTC, datetime

from django import forms

from accounts.models import TIME_ZONE_CHOICES
from marketplace.forms import Form

from .services import MAX_SLOTS, SlotInput
from .times import local

INPUT = {"class": "form-control"}
SELECT = {"class": "form-select"}
LENGTHS = [
    (15, "15 minutes"),
    (30, "30 minutes"),
    (45, "45 minutes"),
    (60, "1 hour"),
    (90, "1 hour 30"),
    (120, "2 hours"),
]
WEEKDAYS = list(enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]))


class ProposeForm(Form):
    """Up to eight rows of date, start and length in the employer's zone, plus times picked from
    the weekly windows (``from_windows``, each an ISO UTC instant)."""

    time_zone = forms.ChoiceField(
        label="Your time zone",
        choices=TIME_ZONE_CHOICES,
        widget=forms.Select(attrs=SELECT),
        help_text="The dates and times below are in this zone.",
    )
    minutes = forms.TypedChoiceField(
        label="Length", choices=LENGTHS, coerce=int, initial=30, widget=forms.Select(attrs=SELECT)
    )
    location = forms.CharField(
        label="Video-call link or instructions",
        max_length=1000,
        widget=forms.Textarea(attrs={**INPUT, "rows": 2, "maxlength": 1000}),
    )
    from_windows = forms.MultipleChoiceField(
        label="Times from your weekly interview windows",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, window_times: list[datetime] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for i in range(MAX_SLOTS):
            self.fields[f"slot_{i}_date"] = forms.DateField(
                label=f"Time {i + 1}: date", required=False, widget=forms.DateInput(attrs={**INPUT, "type": "date"})
            )
            self.fields[f"slot_{i}_time"] = forms.TimeField(
                label=f"Time {i + 1}: start", required=False, widget=forms.TimeInput(attrs={**INPUT, "type": "time"})
            )
            self.rows.append((self[f"slot_{i}_date"], self[f"slot_{i}_time"]))
        zone_name = self.data.get("time_zone") or self.initial.get("time_zone") or "UTC"
        self.fields["from_windows"].choices = [
            (t.isoformat(), f"{local(t, zone_name):%a %-d %b, %H:%M}") for t in (window_times or [])
        ]

    def clean(self):
        data = super().clean()
        for i in range(MAX_SLOTS):
            day, at = data.get(f"slot_{i}_date"), data.get(f"slot_{i}_time")
            if bool(day) != bool(at):
                self.add_error(f"slot_{i}_date", "Give both a date and a start time, or neither.")
        return data

    def slots(self) -> list[SlotInput]:
        """The typed rows and the picked window times, as wall-clock times in the chosen zone."""
        data = self.cleaned_data
        minutes = data["minutes"]
        slots = [
            SlotInput(day=data[f"slot_{i}_date"], at=data[f"slot_{i}_time"], minutes=minutes)
            for i in range(MAX_SLOTS)
            if data.get(f"slot_{i}_date") and data.get(f"slot_{i}_time")
        ]
        for value in data.get("from_windows", []):
            instant = local(datetime.fromisoformat(value).astimezone(UTC), data["time_zone"])
            slots.append(SlotInput(day=instant.date(), at=instant.time().replace(tzinfo=None), minutes=minutes))
        return slots


class BulkStartForm(Form):
    """The pipeline's selection, sent on to the proposing form."""

    application = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [(str(pk), str(pk)) for pk in choices]


class BookForm(Form):
    slot = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)


class OtherTimesForm(Form):
    message = forms.CharField(
        label="Which days or times would suit you?",
        max_length=2000,
        widget=forms.Textarea(attrs={**INPUT, "rows": 3, "maxlength": 2000}),
    )


class CancelForm(Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={**INPUT, "rows": 2, "maxlength": 1000}),
    )


class AvailabilityForm(Form):
    weekday = forms.TypedChoiceField(label="Day", choices=WEEKDAYS, coerce=int, widget=forms.Select(attrs=SELECT))
    start = forms.TimeField(label="From", widget=forms.TimeInput(attrs={**INPUT, "type": "time"}))
    end = forms.TimeField(label="To", widget=forms.TimeInput(attrs={**INPUT, "type": "time"}))
    time_zone = forms.ChoiceField(label="Time zone", choices=TIME_ZONE_CHOICES, widget=forms.Select(attrs=SELECT))
