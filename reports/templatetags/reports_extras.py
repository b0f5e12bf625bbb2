from django import template

from applications.models import ApplicationStatus, Placement

register = template.Library()

_APPLICATION = dict(ApplicationStatus.choices)
_PLACEMENT = dict(Placement.Status.choices)


@register.filter
def application_status_label(value):
    return _APPLICATION.get(value, "None") if value else "None"


@register.filter
def placement_status_label(value):
    return _PLACEMENT.get(value, value or "")
