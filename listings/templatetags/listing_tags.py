from django import template

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
