"""Bases of every form in the apps: they apply the text rule of ``marketplace.validators``.

Each text field is single-line unless its widget is a ``Textarea``; password fields are left as
typed (a secret is compared, never shown or sent). The rule is attached when the form is cleaned,
so fields a form adds in its own ``__init__`` (one per screening question) are covered too.
"""

from __future__ import annotations

from django import forms

from .validators import text_rule_apply


def is_text_field(field: forms.Field) -> bool:
    return isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)


def is_multiline(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.Textarea)


class TextRuleMixin:
    """Refuses control characters in every text field (see ``marketplace.validators``)."""

    def full_clean(self):
        for field in self.fields.values():
            if is_text_field(field):
                field.validators = text_rule_apply(field.validators, multiline=is_multiline(field))
        super().full_clean()


class Form(TextRuleMixin, forms.Form):
    pass


class ModelForm(TextRuleMixin, forms.ModelForm):
    pass


class PageForm(Form):
    """``?page=`` of a paginated list: a positive number, else the first page."""

    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    @classmethod
    def number(cls, data) -> int:
        form = cls(data)
        return (form.cleaned_data["page"] if form.is_valid() else None) or 1
