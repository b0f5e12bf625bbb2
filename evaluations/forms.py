from django import forms

from marketplace.forms import Form

from .choices import EMPLOYER_CRITERIA, SKILLS

SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 3}


def _rating_field(criterion, *, help_text: str = "") -> forms.TypedChoiceField:
    choices = [("", "Choose a rating…")] + [(i, f"{i} — {text}") for i, text in enumerate(criterion.levels, start=1)]
    return forms.TypedChoiceField(
        label=criterion.label, choices=choices, coerce=int, widget=forms.Select(attrs=SELECT), help_text=help_text
    )


class SupervisorEvaluationForm(Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for c in SKILLS:
            self.fields[c.key] = _rating_field(c)
        self.fields["comments"] = forms.CharField(
            label="Comments for the intern (optional)",
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={**AREA, "maxlength": 4000}),
        )
        self.fields["endorsement"] = forms.CharField(
            label="Endorsement (optional)",
            required=False,
            max_length=300,
            widget=forms.TextInput(attrs={**TEXT, "maxlength": 300}),
            help_text="One sentence the intern may publish on their certificate page and portfolio.",
        )

    def ratings(self) -> dict:
        return {c.key: self.cleaned_data[c.key] for c in SKILLS}


class StudentEvaluationForm(Form):
    RECOMMEND = [("", "Choose…"), ("yes", "Yes"), ("no", "No")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for c in SKILLS:
            field = _rating_field(c)
            field.label = f"Your {c.label.lower()}"
            self.fields[f"self_{c.key}"] = field
        self.fields["self_comments"] = forms.CharField(
            label="What you contributed (optional)",
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={**AREA, "maxlength": 4000}),
        )
        for c in EMPLOYER_CRITERIA:
            self.fields[f"rev_{c.key}"] = _rating_field(c)
        self.fields["would_recommend"] = forms.ChoiceField(
            label="Would you recommend this organization to another student?",
            choices=self.RECOMMEND,
            widget=forms.Select(attrs=SELECT),
        )
        self.fields["review_comments"] = forms.CharField(
            label="Your review of the organization (optional)",
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={**AREA, "maxlength": 4000}),
            help_text="Shown without your name once the organization has at least three reviews.",
        )

    def self_ratings(self) -> dict:
        return {c.key: self.cleaned_data[f"self_{c.key}"] for c in SKILLS}

    def review_ratings(self) -> dict:
        return {c.key: self.cleaned_data[f"rev_{c.key}"] for c in EMPLOYER_CRITERIA}

    @property
    def skill_fields(self):
        return [self[f"self_{c.key}"] for c in SKILLS]

    @property
    def review_fields(self):
        return [self[f"rev_{c.key}"] for c in EMPLOYER_CRITERIA]


class PublishForm(Form):
    endorsement_published = forms.BooleanField(
        label="Show the supervisor's endorsement on my certificate page and portfolio", required=False
    )
    ratings_published = forms.BooleanField(
        label="Show the supervisor's ratings on my certificate page and portfolio", required=False
    )


class ReplyForm(Form):
    reply = forms.CharField(
        label="Public reply", max_length=2000, widget=forms.Textarea(attrs={**AREA, "maxlength": 2000})
    )


class RevokeForm(Form):
    reason = forms.CharField(
        label="Reason for revoking", max_length=300, widget=forms.TextInput(attrs={**TEXT, "maxlength": 300})
    )


class PortfolioForm(Form):
    is_public = forms.BooleanField(label="Publish my portfolio", required=False)
    slug = forms.SlugField(
        label="Address",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "maxlength": 60}),
        help_text="Letters, digits and hyphens: your portfolio is at /portfolio/<address>/.",
    )
    headline = forms.CharField(
        label="Headline (optional)",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**TEXT, "maxlength": 200}),
    )

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not goals:
            return  # nothing done with a link yet: no empty group of checkboxes
        self.fields["shown_goal_ids"] = forms.TypedMultipleChoiceField(
            label="Work links to show",
            required=False,
            coerce=int,
            choices=[(g.pk, f"{g.text} ({g.done_link or g.link})") for g in goals],
            widget=forms.CheckboxSelectMultiple,
        )
