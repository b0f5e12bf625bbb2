"""Forms of accounts. They parse and validate; the services write."""

from __future__ import annotations

import re

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from marketplace.forms import Form, ModelForm, TextRuleMixin

from . import services
from .models import TIME_ZONE_CHOICES, Institution, Organization, PersonalToken, Role, StudentProfile
from .uploads import logo_check, resume_check

DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def domain_normalize(value: str) -> str:
    """An institution's email domain, lower-cased; a ValidationError for a malformed one."""
    domain = (value or "").strip().lower().removeprefix("@").rstrip(".")
    if not DOMAIN_RE.match(domain):
        raise ValidationError(
            f"“{value}” is not a valid email domain (for example: lakeside.edu).", code="invalid_domain"
        )
    return domain


def country_normalize(value: str) -> str:
    code = (value or "").strip().upper()
    if code and not COUNTRY_RE.match(code):
        raise ValidationError("Use the two-letter country code, for example DE or NG.", code="country")
    return code


class BootstrapMixin:
    """Adds Bootstrap classes to every widget, and aria-invalid on fields with errors."""

    def _style(self):
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = ""
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if field.help_text:
                widget.attrs.setdefault("aria-describedby", f"id_{self.add_prefix(name)}_helptext")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


class SignupForm(BootstrapMixin, TextRuleMixin, AllauthSignupForm):
    """allauth's sign-up with a single name field and a self-serve role (student or employer)."""

    name = forms.CharField(label="Full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    role = forms.ChoiceField(
        label="I am",
        choices=[(Role.STUDENT.value, "A student or graduate"), (Role.EMPLOYER.value, "An employer")],
        widget=forms.RadioSelect,
        initial=Role.STUDENT.value,
    )
    field_order = ["name", "email", "role", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in ("name", "email", "role", "password1", "password2"):
            if key in self.fields:
                self.fields[key].required = True
        self.fields = {k: self.fields[k] for k in self.field_order if k in self.fields} | {
            k: v for k, v in self.fields.items() if k not in self.field_order
        }
        self._style()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Enter your name.", code="required")
        return name

    def clean_email(self):
        email = super().clean_email()
        # allauth's own check is case-sensitive on some paths; the database constraint is not.
        from .models import User

        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError("An account with this email address already exists. Sign in instead.", code="taken")
        return email

    def save(self, request):
        # The user, their role, profile and email address are written together or not at all.
        with transaction.atomic():
            return super().save(request)

    def signup(self, request, user):
        services.user_signup_complete(user=user, name=self.cleaned_data["name"], role=self.cleaned_data["role"])


class SkillsField(forms.CharField):
    """Comma-separated skill names, normalized to tags by the service."""

    def to_python(self, value):
        value = super().to_python(value)
        return [part.strip() for part in value.split(",") if part.strip()]

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > services.MAX_SKILLS:
            raise ValidationError(f"At most {services.MAX_SKILLS} skills.", code="too_many")
        for name in value:
            if len(name) > 60:
                raise ValidationError(f"“{name[:20]}…” is too long: at most 60 characters per skill.", code="long")
            if not services.skill_slug(name):
                raise ValidationError(f"“{name}” is not a skill name.", code="invalid")


class LinksField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        value = super().to_python(value)
        return [line.strip() for line in value.splitlines() if line.strip()]

    def validate(self, value):
        if len(value) > services.MAX_LINKS:
            raise ValidationError(f"At most {services.MAX_LINKS} links.", code="too_many")
        check = URLValidator(schemes=["http", "https"])
        for url in value:
            if len(url) > 500:
                raise ValidationError("A link may have at most 500 characters.", code="long")
            try:
                check(url)
            except ValidationError:
                raise ValidationError(
                    f"“{url}” is not a web address (start it with https://).", code="invalid_url"
                ) from None


class StudentProfileForm(BootstrapMixin, ModelForm):
    name = forms.CharField(label="Full name", max_length=150)
    skills = SkillsField(
        label="Skills",
        required=False,
        help_text="Separate skills with commas; suggestions appear as you type.",
        widget=forms.TextInput(attrs={"list": "skill-suggestions", "autocomplete": "off"}),
    )
    links = LinksField(label="Portfolio links", required=False, help_text="One web address per line.")
    resume = forms.FileField(
        label="Résumé (PDF)",
        required=False,
        help_text=f"A PDF of at most {filesizeformat(settings.RESUME_MAX_BYTES)}. Only you, employers you apply to "
        "and your institution's career services can open it.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    remove_resume = forms.BooleanField(label="Remove my current résumé", required=False)
    country = forms.CharField(
        label="Country", max_length=2, required=False, help_text="Two-letter code, for example NG, DE or MX."
    )
    time_zone = forms.ChoiceField(label="Time zone", choices=TIME_ZONE_CHOICES, initial="UTC")

    class Meta:
        model = StudentProfile
        fields = [
            "program",
            "graduation_year",
            "country",
            "time_zone",
            "weekly_availability_hours",
            "bio",
            "visibility",
        ]
        labels = {
            "program": "Program of study",
            "graduation_year": "Graduation year",
            "weekly_availability_hours": "Weekly availability (hours)",
            "bio": "Bio",
            "visibility": "Who can find my profile",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 4}), "visibility": forms.RadioSelect}

    field_order = [
        "name",
        "program",
        "graduation_year",
        "country",
        "time_zone",
        "weekly_availability_hours",
        "skills",
        "bio",
        "links",
        "resume",
        "remove_resume",
        "visibility",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = self.instance
        self.fields["resume"].widget = forms.FileInput(attrs={"accept": "application/pdf,.pdf"})
        if not self.is_bound:
            self.initial["name"] = profile.user.name
            self.initial["skills"] = ", ".join(s.name for s in profile.skills.all())
            self.initial["links"] = "\n".join(profile.links or [])
        if not profile.resume:
            del self.fields["remove_resume"]
        self.fields["graduation_year"].widget.attrs.update(min=1950, max=2100)
        self.fields["weekly_availability_hours"].widget.attrs.update(min=1, max=80)
        self._style()

    def clean_country(self):
        return country_normalize(self.cleaned_data["country"])

    def clean_resume(self):
        upload = self.cleaned_data.get("resume")
        if upload:
            resume_check(upload)
        return upload

    def save(self, commit=True, *, if_version=None):
        data = self.cleaned_data
        return services.student_profile_update(
            profile=self.instance,
            if_version=if_version,
            name=data["name"],
            skills=data["skills"],
            resume=data.get("resume") or None,
            remove_resume=data.get("remove_resume", False),
            links=data["links"],
            **{f: data[f] for f in self.Meta.fields},
        )


class SkillSearchForm(Form):
    """``?q=`` of the skill suggestions (a long one is cut by the selector, as typing goes on)."""

    q = forms.CharField(required=False)


class OrganizationReviewFilterForm(Form):
    """``?verification=`` of the site staff's organization list; empty for all."""

    verification = forms.ChoiceField(required=False, choices=[("", "All"), *Organization.Verification.choices])


class InstitutionLinkRequestForm(BootstrapMixin, Form):
    institution = forms.ModelChoiceField(label="Institution", queryset=Institution.objects.order_by("name"))
    student_number = forms.CharField(label="Student ID (optional)", max_length=40, required=False)
    message = forms.CharField(
        label="Message to career services (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class OrganizationForm(BootstrapMixin, ModelForm):
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text=f"PNG, JPEG, GIF or WebP, at most {filesizeformat(settings.LOGO_MAX_BYTES)}.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)
    country = forms.CharField(label="Country", max_length=2, help_text="Two-letter code, for example DE.")

    class Meta:
        model = Organization
        fields = ["name", "website", "country", "size", "description"]
        labels = {"size": "Size of the organization", "website": "Website"}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.logo:
            del self.fields["remove_logo"]
        self.fields["size"].required = True
        self._style()

    def clean_country(self):
        code = country_normalize(self.cleaned_data["country"])
        if not code:
            raise ValidationError("Enter the country.", code="required")
        return code

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        return logo_check(upload) if upload else None

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {f: data[f] for f in self.Meta.fields} | {"logo": data.get("logo")}


class InvitationForm(BootstrapMixin, Form):
    email = forms.EmailField(label="Email address to invite", max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class InvitationSignupForm(BootstrapMixin, Form):
    name = forms.CharField(label="Full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password (again)", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, invitation, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)
        self._style()

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            from .models import User

            try:
                password_validation.validate_password(p1, User(email=self.invitation.email, name=data.get("name", "")))
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class VerificationForm(BootstrapMixin, Form):
    verification = forms.ChoiceField(label="Verification", choices=Organization.Verification.choices)
    note = forms.CharField(label="Note to the owner (optional)", required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class AccountDeleteForm(BootstrapMixin, Form):
    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(label="I understand that this cannot be undone")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self._style()

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That is not your password.", code="wrong_password")
        return password


class InstitutionDomainForm(ModelForm):
    """Admin inline: a malformed domain is refused with a clear error."""

    def clean_domain(self):
        return domain_normalize(self.cleaned_data["domain"])


class PersonalTokenForm(BootstrapMixin, Form):
    name = forms.CharField(label="Name", max_length=100, help_text="What will use it, e.g. “My applications script”.")
    scope = forms.ChoiceField(
        label="Access",
        choices=PersonalToken.Scope.choices,
        initial=PersonalToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text="A read-only token can look but never change anything.",
    )
    lifetime_days = forms.TypedChoiceField(
        label="Expires after",
        choices=[(d, f"{d} days") for d in PersonalToken.LIFETIMES],
        coerce=int,
        initial=90,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
