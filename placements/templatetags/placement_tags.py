from datetime import datetime

from django import template

from listings.timezones import zone
from placements import selectors

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    """``forms|get_item:pk``: one of the per-row forms the view prepared."""
    return mapping.get(key)


@register.simple_tag
def in_zone(moment: datetime, time_zone: str) -> str:
    """A moment as the clock shows it in ``time_zone`` ("Fri 13 Mar, 00:00 Europe/Berlin")."""
    if moment is None:
        return ""
    return f"{moment.astimezone(zone(time_zone)):%a %-d %b, %H:%M} {time_zone}"


@register.simple_tag
def earned_rate(organization_id: int) -> selectors.EarnedRate:
    """The organization's median hourly rate actually earned (``{% earned_rate id as rate %}``)."""
    return selectors.earned_hourly_rate(organization_id=organization_id)
