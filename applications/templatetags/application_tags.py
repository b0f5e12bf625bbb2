from django import template

from applications import selectors, services
from applications.permissions import can_view_pipeline

register = template.Library()

BADGES = {
    "submitted": "primary",
    "in_review": "info",
    "shortlisted": "info",
    "interview": "warning",
    "offered": "success",
    "accepted": "success",
    "rejected": "secondary",
    "withdrawn": "secondary",
    "declined": "secondary",
    "closed": "dark",
}


@register.filter
def status_badge(status: str) -> str:
    """The Bootstrap colour of a status badge (text colours chosen for contrast by ``text-bg-*``)."""
    return BADGES.get(status, "secondary")


@register.inclusion_tag("applications/_response_time.html")
def response_time(organization, listing=None):
    """The employer's response-time figure: median days from application to first answer."""
    return {"response": selectors.response_time(organization=organization, listing=listing)}


@register.inclusion_tag("applications/_apply_entry_body.html", takes_context=True)
def apply_entry(context, listing):
    """What the listing page offers in its "Apply" box, depending on who looks."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    data = {"listing": listing, "user": user, "request": request}
    if getattr(user, "is_authenticated", False) and user.is_student:
        ctx = services.application_apply_context(student=user, listing=listing)
        data["apply"] = ctx
        if ctx.has_applied:
            data["application"] = selectors.application_for_listing(user=user, listing=listing)
    elif can_view_pipeline(user, listing):
        data["is_member"] = True
    data["response"] = selectors.response_time(organization=listing.organization_id, listing=listing)
    return data
