from django import template

from evaluations import selectors

register = template.Library()


@register.inclusion_tag("evaluations/_portfolio_link.html")
def portfolio_link(student_id):
    """The student's public portfolio link, when they switched it on (one query)."""
    return {"slug": selectors.portfolio_link_for(student_id)}


@register.inclusion_tag("evaluations/_workspace_panel.html")
def evaluation_panel(placement, side):
    """The evaluation and certificate links of an ended placement's workspace."""
    return {
        "placement": placement,
        "side": str(side),
        "certificate": selectors.certificate_of(placement.pk),
    }
