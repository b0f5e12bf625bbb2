import re
from zoneinfo import ZoneInfo

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone

from accounts.models import TIME_ZONE_CHOICES
from marketplace.forms import Form, ModelForm

from . import currency
from .models import Field, Listing, ListingReport, SavedSearch, ScreeningQuestion
from .search import (
    DURATION_BUCKETS,
    HOURS_BUCKETS,
    OVERLAP_CHOICES,
    POSTED_WITHIN,
    SORTS,
    WORLDWIDE,
)
from .services import MICRO_MAX_DAYS


def _split(text: str, sep: str = ",") -> list[str]:
    return [part.strip() for part in (text or "").split(sep) if part.strip()]


class ListingForm(ModelForm):
    skills_text = forms.CharField(
        label="Skills", required=False, max_length=600, help_text="Comma-separated, e.g. Python, SQL, Figma"
    )
    countries_text = forms.CharField(
        label="Eligible countries",
        required=False,
        max_length=400,
        help_text="Two-letter country codes separated by commas (e.g. DE, FR, NG). Leave empty for worldwide.",
    )
    tools_text = forms.CharField(
        label="Collaboration tools", required=False, max_length=400, help_text="Comma-separated, e.g. Slack, Figma"
    )
    milestones_text = forms.CharField(
        label="Milestones",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Micro-internships: one milestone per line.",
    )
    application_deadline = forms.DateTimeField(
        label="Application deadline",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text="In the listing's time zone.",
    )
    time_zone = forms.ChoiceField(label="Time zone", choices=[("", "Choose a time zone")] + TIME_ZONE_CHOICES)

    class Meta:
        model = Listing
        fields = [
            "kind",
            "title",
            "field",
            "description",
            "compensation_type",
            "compensation_amount",
            "currency",
            "pay_period",
            "hours_per_week",
            "duration_days",
            "start_date",
            "work_start",
            "work_end",
            "openings",
            "requires_resume",
            "deliverables",
            "estimated_total_hours",
            "staleness_days",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 10}),
            "deliverables": forms.Textarea(attrs={"rows": 3}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "work_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "work_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        labels = {
            "compensation_type": "Compensation",
            "compensation_amount": "Amount",
            "work_start": "Working day starts",
            "work_end": "Working day ends",
            "duration_days": "Duration (days)",
        }
        help_texts = {"currency": "Three-letter code, e.g. USD or EUR."}

    field_order = [
        "kind",
        "title",
        "field",
        "description",
        "skills_text",
        "compensation_type",
        "compensation_amount",
        "currency",
        "pay_period",
        "hours_per_week",
        "duration_days",
        "start_date",
        "application_deadline",
        "work_start",
        "work_end",
        "time_zone",
        "countries_text",
        "openings",
        "tools_text",
        "requires_resume",
        "deliverables",
        "milestones_text",
        "estimated_total_hours",
        "staleness_days",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        listing = self.instance
        for name, f in self.fields.items():
            if not isinstance(f.widget, forms.CheckboxInput | forms.Select):
                f.widget.attrs.setdefault("class", "form-control")
            elif isinstance(f.widget, forms.Select):
                f.widget.attrs.setdefault("class", "form-select")
            if name in self.errors:
                f.widget.attrs["aria-invalid"] = "true"
                f.widget.attrs["aria-describedby"] = f"id_{name}_error"
        if listing.pk:
            self.initial.setdefault("skills_text", ", ".join(listing.skill_names))
            self.initial.setdefault("countries_text", ", ".join(listing.eligible_countries))
            self.initial.setdefault("tools_text", ", ".join(listing.collaboration_tools))
            self.initial.setdefault("milestones_text", "\n".join(str(m) for m in listing.milestones or []))
            self.initial.setdefault("time_zone", listing.time_zone)
            if listing.application_deadline:
                local = listing.application_deadline.astimezone(ZoneInfo(listing.time_zone))
                self.initial["application_deadline"] = local.replace(tzinfo=None)

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").strip().upper()

    def clean_skills_text(self):
        names = _split(self.cleaned_data.get("skills_text", ""))
        if len(names) > 15:
            raise forms.ValidationError("List at most 15 skills.")
        if any(len(n) > 60 for n in names):
            raise forms.ValidationError("A skill name has at most 60 characters.")
        return names

    def clean_countries_text(self):
        codes = [c.upper() for c in _split(self.cleaned_data.get("countries_text", ""))]
        bad = [c for c in codes if not re.fullmatch(r"[A-Z]{2}", c)]
        if bad:
            raise forms.ValidationError(
                f"Use two-letter country codes such as DE or NG (not {', '.join(bad)}). Leave empty for worldwide."
            )
        return sorted(set(codes))

    def clean_tools_text(self):
        return _split(self.cleaned_data.get("tools_text", ""))[:15]

    def clean_milestones_text(self):
        return _split(self.cleaned_data.get("milestones_text", ""), "\n")[:20]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        comp = data.get("compensation_type")
        tz = data.get("time_zone")
        deadline = data.get("application_deadline")
        if deadline is not None and tz:
            # The datetime-local value is the wall time in the listing's own time zone.
            naive = timezone.make_naive(deadline, timezone.get_current_timezone())
            deadline = naive.replace(tzinfo=ZoneInfo(tz))
            data["application_deadline"] = deadline
        if deadline is not None and deadline <= timezone.now():
            self.add_error("application_deadline", "The application deadline must be in the future.")
        if comp in (Listing.Compensation.PAID, Listing.Compensation.FIXED_FEE):
            if not data.get("compensation_amount") or data["compensation_amount"] <= 0:
                self.add_error("compensation_amount", "A paid listing or fixed fee needs an amount greater than 0.")
            if not re.fullmatch(r"[A-Z]{3}", data.get("currency") or ""):
                self.add_error("currency", "Enter the three-letter currency code, e.g. USD or EUR.")
            elif currency.rate(data["currency"]) is None:
                self.add_error(
                    "currency",
                    f"Pay in {data['currency']} cannot be compared with other listings yet; use one of "
                    + ", ".join(currency.supported())
                    + ".",
                )
            if comp == Listing.Compensation.PAID and not data.get("pay_period"):
                self.add_error("pay_period", "Say whether the pay is per hour, week, month or in total.")
        if kind == Listing.Kind.MICRO:
            days = data.get("duration_days")
            if days and days > MICRO_MAX_DAYS:
                self.add_error(
                    "duration_days",
                    f"A micro-internship is a short project: at most {MICRO_MAX_DAYS} days (6 weeks). "
                    "Choose “Internship” for longer placements.",
                )
            if not data.get("estimated_total_hours"):
                self.add_error("estimated_total_hours", "A micro-internship needs its estimated total hours of work.")
        start, end = data.get("work_start"), data.get("work_end")
        if start is not None and end is not None and start == end:
            self.add_error("work_end", "The working day must end at a different time than it starts.")
        return data

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self._meta.fields}
        data["time_zone"] = self.cleaned_data["time_zone"]
        data["application_deadline"] = self.cleaned_data.get("application_deadline")
        data["eligible_countries"] = self.cleaned_data.get("countries_text", [])
        data["collaboration_tools"] = self.cleaned_data.get("tools_text", [])
        data["milestones"] = self.cleaned_data.get("milestones_text", [])
        data["currency"] = data.get("currency") or ""
        data["pay_period"] = data.get("pay_period") or ""
        data["deliverables"] = data.get("deliverables") or ""
        return data


class QuestionForm(ModelForm):
    class Meta:
        model = ScreeningQuestion
        fields = ["prompt", "required"]
        labels = {"prompt": "Question", "required": "Answer required"}
        widgets = {"prompt": forms.TextInput(attrs={"class": "form-control"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A blank row is simply no question (extra rows arrive with "required" unticked).
        self.fields["prompt"].required = False


QuestionFormSet = inlineformset_factory(
    Listing, ScreeningQuestion, form=QuestionForm, extra=2, max_num=10, validate_max=True, can_delete=True
)


def questions_from(formset) -> list[dict]:
    out = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data.get("prompt") or data.get("DELETE"):
            continue
        out.append({"id": form.instance.pk, "prompt": data["prompt"], "required": data.get("required", False)})
    return out


class RejectForm(Form):
    reason = forms.CharField(
        label="Reason for the organization",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class CloseForm(Form):
    reason = forms.ChoiceField(
        label="Why are you closing it?",
        choices=[("filled", "The position is filled"), ("cancelled", "The project was cancelled"), ("other", "Other")],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class ReportForm(ModelForm):
    class Meta:
        model = ListingReport
        fields = ["reason", "details"]
        labels = {"reason": "What is wrong?", "details": "Details (optional)"}
        widgets = {
            "reason": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 3, "class": "form-control", "maxlength": 2000}),
        }


class SavedSearchForm(ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["name", "query_string", "frequency"]
        labels = {"frequency": "Email alerts"}
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "query_string": forms.HiddenInput,
            "frequency": forms.Select(attrs={"class": "form-select"}),
        }


class SavedSearchFrequencyForm(Form):
    frequency = forms.ChoiceField(choices=SavedSearch.Frequency.choices, label="Email alerts")


class MultiCheckbox(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class SearchForm(Form):
    """The browse page's and the API's query parameters. Unknown values are errors (400 on the API)."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    kind = MultiCheckbox(choices=Listing.Kind.choices, required=False)
    field = MultiCheckbox(choices=Field.choices, required=False)
    compensation = MultiCheckbox(choices=Listing.Compensation.choices, required=False)
    hours = MultiCheckbox(choices=[(k, v[0]) for k, v in HOURS_BUCKETS.items()], required=False)
    duration = MultiCheckbox(choices=[(k, v[0]) for k, v in DURATION_BUCKETS.items()], required=False)
    country = forms.CharField(required=False)  # repeated; parsed in clean_country
    skill = forms.CharField(required=False)  # repeated
    posted = forms.ChoiceField(choices=[("", "Any time"), *POSTED_WITHIN.items()], required=False)
    overlap = forms.ChoiceField(choices=[("", "Any"), *OVERLAP_CHOICES.items()], required=False)
    sort = forms.ChoiceField(choices=[("", "Best match"), *SORTS.items()], required=False)
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)

    def clean_q(self):
        return " ".join(self.cleaned_data.get("q", "").split())

    def clean_country(self):
        values = self.data.getlist("country") if hasattr(self.data, "getlist") else []
        codes = []
        for value in values:
            value = value.strip()
            if value.lower() == WORLDWIDE:
                codes.append(WORLDWIDE)
            elif re.fullmatch(r"[A-Za-z]{2}", value):
                codes.append(value.upper())
            elif value:
                raise forms.ValidationError(f"“{value}” is not a two-letter country code.")
        return codes[:10]

    def clean_skill(self):
        values = self.data.getlist("skill") if hasattr(self.data, "getlist") else []
        skills = [v.strip()[:60] for v in values if v.strip()]
        if len(skills) > 10:
            raise forms.ValidationError("Choose at most 10 skills.")
        return skills

    def clean_page(self):
        return self.cleaned_data.get("page") or 1
