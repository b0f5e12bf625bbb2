from django import forms

from applications.models import CheckInCadence, Weekday
from marketplace.forms import Form

TEXT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 3}


class VersionedForm(Form):
    """A form that edits an object someone else may be editing too: it carries the object's
    version as the page showed it (``marketplace.concurrency``), so that an edit made on an older
    page is refused instead of overwriting what was written since."""

    version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def if_version(self) -> set[str] | None:
        """The service's ``if_version``: none for a form posted without one (no check)."""
        version = self.cleaned_data.get("version")
        return {version} if version else None


class GoalForm(Form):
    text = forms.CharField(
        label="Goal or deliverable", max_length=500, widget=forms.Textarea(attrs={**AREA, "rows": 2, "maxlength": 500})
    )
    due_on = forms.DateField(
        label="Due date (optional)", required=False, widget=forms.DateInput(attrs={**TEXT, "type": "date"})
    )
    link = forms.URLField(
        label="Link (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs=TEXT),
        help_text="A brief, a ticket or a document describing the goal.",
    )


class GoalEditForm(GoalForm, VersionedForm):
    pass


class GoalDoneForm(VersionedForm):
    done_link = forms.URLField(
        label="Link to the work",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs=TEXT),
    )


class ScheduleForm(Form):
    cadence = forms.ChoiceField(
        label="Check-ins", choices=CheckInCadence.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    weekday = forms.TypedChoiceField(
        label="Due on", choices=Weekday.choices, coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )


class CheckInForm(Form):
    hours = forms.DecimalField(
        label="Hours worked this period",
        min_value=0,
        max_value=80,
        decimal_places=1,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.5", "min": 0, "max": 80}),
    )
    done = forms.CharField(
        label="What did you do?", max_length=4000, widget=forms.Textarea(attrs={**AREA, "maxlength": 4000})
    )
    blockers = forms.CharField(
        label="Blockers (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**AREA, "rows": 2, "maxlength": 2000}),
    )
    learned = forms.CharField(
        label="What did you learn? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**AREA, "rows": 2, "maxlength": 2000}),
    )
    proud_of = forms.CharField(
        label="What are you proud of? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**AREA, "rows": 2, "maxlength": 2000}),
    )


class FeedbackForm(VersionedForm):
    feedback = forms.CharField(
        label="Feedback", max_length=4000, widget=forms.Textarea(attrs={**AREA, "maxlength": 4000})
    )


class FeePaidForm(Form):
    paid_on = forms.DateField(label="Paid on", widget=forms.DateInput(attrs={**TEXT, "type": "date"}))


class EndEarlyForm(Form):
    reason = forms.CharField(
        label="Why does the placement end early?",
        max_length=2000,
        widget=forms.Textarea(attrs={**AREA, "maxlength": 2000}),
    )


class CheckInListForm(Form):
    """``?checkins=all`` shows every check-in of the workspace instead of the latest ten."""

    checkins = forms.ChoiceField(required=False, choices=[("", "The latest"), ("all", "All")])

    @classmethod
    def show_all(cls, data) -> bool:
        form = cls(data)
        return form.is_valid() and form.cleaned_data["checkins"] == "all"
