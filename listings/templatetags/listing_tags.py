from django import template
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from listings.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def toggle_param(context, name, value):
    """The current query string with ``name=value`` added or removed (and the page reset)."""
    request = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    values = params.getlist(name)
    value = str(value)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    params.setlist(name, values)
    return params.urlencode()


@register.simple_tag(takes_context=True)
def with_param(context, name, value):
    request = context["request"]
    params = request.GET.copy()
    params[name] = value
    return params.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.simple_tag
def facet_checkboxes(values, name, only_counted=False):
    """One facet's checkboxes (value, count, checked), rendered in one pass. A facet list has about
    75 entries on the browse page; an ``{% include %}`` per entry was a quarter of the page's
    rendering time. ``only_counted``: leave out values with no listings unless selected. The markup
    is the one the include rendered (tests/listings/test_facet_markup.py compares them)."""
    return format_html_join(
        "",
        '<div class="form-check">\n'
        '  <input form="search-form" class="form-check-input" type="checkbox" name="{}" value="{}" id="f-{}-{}"{}>\n'
        '  <label class="form-check-label" for="f-{}-{}">{} <span class="text-body-secondary">({})</span></label>\n'
        "</div>\n",
        (
            (
                name,
                v.value,
                name,
                slug,
                mark_safe(" checked") if v.selected else "",  # noqa: S308 (a constant)
                name,
                slug,
                v.label,
                localize(v.count),
            )
            for v in values
            if not only_counted or v.count or v.selected
            for slug in (slugify(v.value),)
        ),
    )
