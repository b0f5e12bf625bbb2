"""Bases of every API serializer: they apply the text rule of ``marketplace.validators``.

A ``CharField`` is single-line unless it is styled as a text area
(``style={"base_template": "textarea.html"}``, which a model ``TextField`` gets by itself); the
children of list and dict fields are covered as well.
"""

from __future__ import annotations

from rest_framework import serializers

from .validators import text_rule_apply


def _apply(field) -> None:
    child = getattr(field, "child", None)
    if isinstance(field, serializers.ListField | serializers.DictField | serializers.HStoreField) and child:
        _apply(child)
    if isinstance(field, serializers.CharField):
        multiline = field.style.get("base_template") == "textarea.html"
        field.validators = text_rule_apply(field.validators, multiline=multiline)


class TextRuleMixin:
    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            _apply(field)
        return fields


class Serializer(TextRuleMixin, serializers.Serializer):
    pass


class ModelSerializer(TextRuleMixin, serializers.ModelSerializer):
    pass


def form_errors(form) -> serializers.ValidationError:
    """A page form's errors as the API's 400 (``__all__`` becomes ``non_field_errors``), for
    endpoints whose rules live in the same form as the page's."""
    return serializers.ValidationError(
        {("non_field_errors" if name == "__all__" else name): list(errors) for name, errors in form.errors.items()}
    )
