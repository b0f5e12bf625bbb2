from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from marketplace.forms import PageForm

from . import events, selectors, services
from .forms import PreferencesForm


@login_required
def notification_list(request):
    page = Paginator(selectors.notifications_for(request.user), 25).get_page(PageForm.number(request.GET))
    return render(request, "notifications/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one notification read and follow its link (a POST, so reads are never prefetched)."""
    notification = selectors.notifications_for(request.user).filter(pk=pk).first()
    if notification is None:
        return redirect("notifications:list")
    services.notifications_mark_read(user=request.user, ids=[pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark_all_read(request):
    count = services.notifications_mark_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications:list")


@login_required
def preferences(request):
    choices = {e.name for e in events.configurable()}
    current = [event.name for event, email in selectors.email_preferences(request.user) if email]
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial={"email_events": current})
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, email_events=set(form.cleaned_data["email_events"]) & choices)
        messages.success(request, "Your email preferences are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@staff_member_required
def operations(request):
    """Site staff: outbox backlog, failed deliveries with their error, periodic task runs."""
    return render(request, "notifications/operations.html", selectors.operations_overview())
