from django import template

from conversations.markdown import message_html
from conversations.permissions import conversation_access
from conversations.thread import thread_context

register = template.Library()


@register.filter
def message_markdown(body: str):
    """A message as sanitised HTML: links, emphasis, lists, line breaks."""
    return message_html(body)


@register.inclusion_tag("conversations/_thread.html", takes_context=True)
def conversation_thread(context, application):
    """The application's conversation for the viewer, or nothing if they may not read it.

    Usage: ``{% load conversation_tags %}{% conversation_thread application %}`` (the student's and
    the employer's application pages, the placement workspace)."""
    request = context["request"]
    access = conversation_access(request.user, application)
    if not access.read:
        return {"access": access}
    return thread_context(request=request, application=application, access=access)
