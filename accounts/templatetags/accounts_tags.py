"""Template helpers of accounts: Bootstrap widgets for allauth's forms, permission checks."""

from django import forms, template

from .. import permissions

register = template.Library()


@register.filter
def bs_widget(field):
    """Render a bound field's widget with Bootstrap's classes and ARIA error state."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
        css = "form-select"
    elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.HiddenInput):
        css = ""
    else:
        css = "form-control"
    attrs = {}
    existing = widget.attrs.get("class", "")
    if css and css not in existing:
        attrs["class"] = f"{existing} {css}".strip()
    if field.errors:
        attrs["class"] = (attrs.get("class", existing) + " is-invalid").strip()
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_helptext"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def can_view_resume(viewer, profile):
    return permissions.can_view_resume(viewer, profile)
