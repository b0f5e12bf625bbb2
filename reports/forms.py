from django import forms

from marketplace.forms import Form

from .models import EmployerApproval, OutcomeCategory, ReportExport
from .selectors import ReportFilters


class ReportFilterForm(Form):
    """Date range, program and graduation year: the dashboard's and the report's filters."""

    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    program = forms.ChoiceField(label="Program", required=False, widget=forms.Select(attrs={"class": "form-select"}))
    graduation_year = forms.TypedChoiceField(
        label="Graduation year",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data=None, *, programs: list[str], years: list[int]):
        super().__init__(data)
        self.fields["program"].choices = [("", "All programs")] + [(p, p) for p in programs]
        self.fields["graduation_year"].choices = [("", "All years")] + [(str(y), str(y)) for y in years]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the range must be on or after its start.")
        return cleaned

    def filters(self) -> ReportFilters:
        """The filters, or none when the form is invalid (the errors are shown next to the fields)."""
        if not self.is_valid():
            return ReportFilters()
        data = self.cleaned_data
        return ReportFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            program=data["program"] or "",
            graduation_year=data["graduation_year"],
        )


class ExportForm(Form):
    format = forms.ChoiceField(choices=ReportExport.Format.choices)


class StudentSearchForm(Form):
    q = forms.CharField(
        label="Search students",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control", "placeholder": "Name, email, ID, program"}
        ),
    )


class EmployerSearchForm(Form):
    q = forms.CharField(label="Search organizations", required=False, max_length=100)


class EmployerDecisionForm(Form):
    decision = forms.ChoiceField(choices=EmployerApproval.Decision.choices)
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class OutcomeForm(Form):
    category = forms.ChoiceField(
        label="Outcome", choices=OutcomeCategory.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text="E.g. employer and job title, or the programme of study.",
    )
