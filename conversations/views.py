"""Conversation pages and the htmx fragments of the thread partial. Everyone who may not read a
thread gets 404, whether or not the application exists."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import retarget

from applications.models import Application
from marketplace.forms import PageForm

from . import selectors, services
from .forms import MessageForm, ThreadCursorForm
from .permissions import Access, conversation_access
from .thread import thread_context, thread_urls, viewer_zone


def _thread_or_404(request, pk: int) -> tuple[Application, Access]:
    application = selectors.application_for_conversation(pk=pk)
    access = conversation_access(request.user, application) if application is not None else None
    if access is None or not access.read:
        raise Http404("No such conversation.")
    return application, access


def _cursor(request) -> tuple[ThreadCursorForm, HttpResponse | None]:
    """The thread query (``after``/``before``); a 400 naming the problem when it is not a number."""
    form = ThreadCursorForm.read(request.GET)
    if form.errors:
        problems = " ".join(f"“{name}”: {' '.join(errors)}" for name, errors in form.errors.items())
        return form, HttpResponseBadRequest(f"Not a message number. {problems}")
    return form, None


@login_required
def inbox(request):
    """The viewer's conversations, most recent first, with their unread counts."""
    page = Paginator(selectors.inbox(user=request.user), 25).get_page(PageForm.number(request.GET))
    return render(request, "conversations/inbox.html", {"page": page})


@login_required
@require_GET
def thread(request, pk: int):
    """The thread on its own page (career services read it here; parties too, without JavaScript)."""
    application, access = _thread_or_404(request, pk)
    cursor, refused = _cursor(request)
    if refused:
        return refused
    before = cursor.cleaned_data["before"]
    page = selectors.thread_page(application_id=application.pk, before=before)
    if before is None and page.last_id and access.side is not None:
        services.conversation_mark_read(application=application, user=request.user, up_to=page.last_id)
    context = thread_context(request=request, application=application, access=access, page=page)
    return render(request, "conversations/thread_page.html", context)


@login_required
@require_GET
def poll(request, pk: int):
    """Messages newer than ``after`` (the newest the page shows), with the next poller; 204 when
    there is nothing new. Marks what the page now shows as read."""
    application, access = _thread_or_404(request, pk)
    cursor, refused = _cursor(request)
    if refused:
        return refused
    after = cursor.cleaned_data["after"]
    new = selectors.messages_after(application_id=application.pk, after=after or 0)
    shown = new[-1].pk if new else (after or 0)
    if access.side is not None and shown:
        services.conversation_mark_read(application=application, user=request.user, up_to=shown)
    if not new:
        return HttpResponse(status=204)
    return render(request, "conversations/_poll.html", _fragment(request, application, access, new))


@login_required
@require_GET
def earlier(request, pk: int):
    """The page of messages before ``before`` (the newest page without it), for the "Show earlier
    messages" link."""
    application, access = _thread_or_404(request, pk)
    cursor, refused = _cursor(request)
    if refused:
        return refused
    page = selectors.thread_page(application_id=application.pk, before=cursor.cleaned_data["before"])
    return render(
        request,
        "conversations/_earlier.html",
        {**_fragment(request, application, access, page.messages), "page": page},
    )


def _fragment(request, application, access, new_messages) -> dict:
    return {
        "application": application,
        "access": access,
        "messages_": new_messages,
        "last_id": new_messages[-1].pk if new_messages else 0,
        "urls": thread_urls(application),
        "viewer": request.user,
        "viewer_tz": viewer_zone(request),
        "poll_seconds": settings.CONVERSATION_POLL_SECONDS,
    }


@login_required
@require_POST
def post(request, pk: int):
    """Send a message. With htmx the answer is the messages since ``after`` plus a fresh form;
    without JavaScript, a redirect back to the page the form was on."""
    application, access = _thread_or_404(request, pk)
    if not access.write:
        return HttpResponseForbidden(access.reason)
    form = MessageForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.message_post(application=application, user=request.user, body=form.cleaned_data["body"])
        except PermissionDenied as exc:  # the application closed since the page was shown
            error = str(exc)
            form.add_error(None, error)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            error = " ".join(form.errors.get("body", [])) or " ".join(exc.messages)
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    if request.htmx:
        if error:
            context = thread_context(request=request, application=application, access=access, form=form)
            return retarget(render(request, "conversations/_form.html", context), "#message-form")
        after = form.cleaned_data.get("after") or 0
        new = selectors.messages_after(application_id=application.pk, after=after)
        context = {
            **_fragment(request, application, access, new),
            "form": MessageForm(),
            "next": request.POST.get("next", ""),
        }
        return render(request, "conversations/_posted.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Message sent.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = thread_urls(application)["page"]
    return redirect(target.split("#")[0] + "#conversation")
