from django import forms
from django.utils import timezone

from listings.models import Listing
from marketplace.forms import Form

from .models import ApplicationStatus

S = ApplicationStatus

TEXTAREA = {"class": "form-control", "rows": 4}


class ApplyForm(Form):
    """Cover letter, résumé choice and one field per screening question (``answer_<id>``)."""

    RESUME_PROFILE, RESUME_UPLOAD, RESUME_NONE = "profile", "upload", "none"

    cover_letter = forms.CharField(
        label="Cover letter",
        max_length=6000,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 8, "maxlength": 6000}),
        help_text="Why you, why this listing: a few paragraphs are enough.",
    )
    resume_choice = forms.ChoiceField(label="Résumé", widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    resume = forms.FileField(
        label="Upload a résumé (PDF)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": "application/pdf"}),
        help_text="PDF only. Used for this application only; your profile is not changed.",
    )

    def __init__(self, *args, listing: Listing, has_profile_resume: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.listing = listing
        choices = []
        if has_profile_resume:
            choices.append((self.RESUME_PROFILE, "Use the résumé from my profile"))
        choices.append((self.RESUME_UPLOAD, "Upload a new résumé"))
        if not listing.requires_resume:
            choices.append((self.RESUME_NONE, "Apply without a résumé"))
        self.fields["resume_choice"].choices = choices
        self.fields["resume_choice"].initial = choices[0][0]
        if listing.requires_resume:
            self.fields["resume_choice"].help_text = "This listing asks for a résumé."
        self.question_fields = []
        for question in listing.questions.all():
            name = f"answer_{question.pk}"
            self.fields[name] = forms.CharField(
                label=question.prompt,
                required=question.required,
                max_length=4000,
                widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3, "maxlength": 4000}),
            )
            self.question_fields.append(name)

    def answers(self) -> dict[int, str]:
        return {int(name.removeprefix("answer_")): self.cleaned_data.get(name, "") for name in self.question_fields}

    def resume_upload(self):
        if self.cleaned_data.get("resume_choice") == self.RESUME_UPLOAD:
            return self.cleaned_data.get("resume")
        return None

    def clean(self):
        data = super().clean()
        if data.get("resume_choice") == self.RESUME_UPLOAD and not data.get("resume"):
            self.add_error("resume", "Choose a PDF file to upload.")
        return data


class MessageForm(Form):
    message = forms.CharField(
        label="Message (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3, "maxlength": 4000}),
    )


class MoveForm(MessageForm):
    to_status = forms.ChoiceField(label="Move to", widget=forms.Select(attrs={"class": "form-select"}))

    field_order = ["to_status", "message"]

    def __init__(self, *args, moves: list[str], **kwargs):
        kwargs.setdefault("auto_id", "move_%s")  # unique ids beside the offer and note forms
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(m, S(m).label) for m in moves]
        self.fields["message"].help_text = "Sent to the student with the status change."


class OfferForm(MessageForm):
    offer_start_date = forms.DateField(
        label="Proposed start date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text="Leave empty to start on the listing's start date.",
    )

    field_order = ["offer_start_date", "message"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "offer_%s")
        super().__init__(*args, **kwargs)

    def clean_offer_start_date(self):
        value = self.cleaned_data.get("offer_start_date")
        if value and value < timezone.localdate():
            raise forms.ValidationError("The proposed start date cannot be in the past.")
        return value


class NoteForm(Form):
    body = forms.CharField(
        label="Add a team note",
        max_length=4000,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3, "maxlength": 4000}),
        help_text="Visible to your organization only; the student never sees notes.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "note_%s")
        super().__init__(*args, **kwargs)


class BulkRejectForm(MessageForm):
    application = forms.TypedMultipleChoiceField(coerce=int, label="Applicants")

    def __init__(self, *args, application_ids: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id may be posted; the service rejects only open applications of this listing.
        posted = (args[0] if args else kwargs.get("data")) or {}
        ids = application_ids or (posted.getlist("application") if hasattr(posted, "getlist") else [])
        self.fields["application"].choices = [(str(i), str(i)) for i in ids]
        self.fields["application"].error_messages["required"] = "Select at least one applicant to reject."
        self.fields["message"].label = "Message to every selected applicant (optional)"
