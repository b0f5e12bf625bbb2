from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from marketplace import pages

from . import fragments, selectors, services
from .forms import (
    CloseForm,
    ListingForm,
    QuestionFormSet,
    RejectForm,
    ReportForm,
    SavedSearchForm,
    SavedSearchFrequencyForm,
    SearchForm,
    questions_from,
)
from .models import Listing, SavedSearch
from .permissions import (
    can_manage_listing,
    can_moderate,
    can_report_listing,
    can_save_listings,
    can_view_listing,
    organization_of,
)
from .search import Params, prepare, search_listings, viewer_for
from .timezones import overlap_hours, viewer_today, zone


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- public -------------------------------------------------------------------------------------


def listing_list(request):
    viewer = viewer_for(request)
    prepared = prepare()
    if request.htmx and not request.htmx.boosted:
        return HttpResponse(_results_region(request, _search_context(request), viewer=viewer, prepared=prepared))
    # An anonymous visitor's whole page is shared (marketplace/pages.py) while the listings stay
    # as they are: the copy's horizon names them (the same horizon, the same listings in every
    # process), the path names the search, the minute the posted-within counts and the overlap.
    # Nothing of the search is read or checked before the cache answers.
    key = None
    if prepared.state is not None:
        key = pages.page_key(
            request,
            "browse",
            connection.settings_dict["NAME"],
            prepared.state,
            viewer.time_zone,
            viewer.time_zone_from,
            pages.minute(),
        )

    def render(extra: dict) -> str:
        context = _search_context(request)
        region = _results_region(request, context, viewer=viewer, prepared=prepared)
        return render_to_string(
            "listings/listing_list.html",
            {**context, "results_html": mark_safe(region), **extra},  # noqa: S308 (our own template's output)
            request,
        )

    return pages.shared_page(request, key, render)


def _search_context(request) -> dict:
    """The search form (invalid parameters are reported on the page and ignored), its parameters
    and what the page offers around them."""
    form = SearchForm(request.GET)
    form.is_valid()
    params = Params.from_cleaned(form.cleaned_data)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "params": params,
        "querystring": query.urlencode(),
        "can_save": can_save_listings(request.user),
        "save_search_form": SavedSearchForm(
            initial={"query_string": query.urlencode(), "name": params.q or "My search"}
        ),
    }


def _results_region(request, context: dict, *, viewer, prepared) -> str:
    """The results region (the results, their counts and the filter column): shared through the
    cache for every viewer who cannot save (no save buttons, no CSRF token in it) while the
    listings stay as they are."""
    shared = not context["can_save"]
    key = fragments.results_key("page", state=prepared.state, request=request, viewer=viewer) if shared else None
    region = fragments.cached_answer(key)
    if region is None:
        params = context["params"]
        result = search_listings(params, viewer=viewer, prepared=prepared)
        fragments.attach_cards(result.listings)
        region_context = context | {
            "result": result,
            "facets_html": fragments.facet_column(result=result, params=params, form=context["form"]),
            "saved_ids": selectors.saved_listing_ids(user=request.user, listing_ids=[x.pk for x in result.listings]),
        }
        region = render_to_string("listings/_results.html", region_context, request)
        fragments.keep_answer(key, region)
    return region


def _working_hours_for(listing: Listing, viewer_tz: str) -> tuple[datetime, datetime]:
    """Today's working day of the listing, as instants in the viewer's time zone."""
    ltz = zone(listing.time_zone)
    today = timezone.now().astimezone(ltz).date()
    end_day = today + timedelta(days=1) if listing.work_end <= listing.work_start else today
    start = datetime.combine(today, listing.work_start, tzinfo=ltz)
    end = datetime.combine(end_day, listing.work_end, tzinfo=ltz)
    vtz = zone(viewer_tz)
    return start.astimezone(vtz), end.astimezone(vtz)


def listing_detail(request, pk: int):
    # An anonymous visitor's page is shared (marketplace/pages.py): only what decides who may see
    # it and its version are read before the cache answers.
    shareable = pages.shareable(request)
    listing = selectors.listing_for_detail(pk=pk, brief=shareable)
    if listing is None:
        raise Http404("No such listing.")
    viewer = viewer_for(request)
    if not can_view_listing(request.user, listing, blocked_organization_ids=selectors.blocked_organization_ids(viewer)):
        raise Http404("No such listing.")
    if not shareable:
        return HttpResponse(_render_detail(request, listing, viewer))
    # The shared page shows the listing as of its version, its organization (website included),
    # the viewer's time zone, and the minute: a deadline passing, the organization's response
    # time and earned rate are at most a minute behind.
    key = pages.page_key(
        request,
        "listing",
        fragments.listing_key("page", listing, listing.organization.website),
        viewer.time_zone,
        viewer.time_zone_from,
        pages.minute(),
        query=False,
    )

    def render(extra: dict) -> str:
        whole = selectors.listing_for_detail(pk=pk)
        if whole is None:  # deleted a moment ago
            raise Http404("No such listing.")
        return _render_detail(request, whole, viewer, extra)

    return pages.shared_page(request, key, render)


def _render_detail(request, listing: Listing, viewer, extra: dict | None = None) -> str:
    now = timezone.now()
    vtz = zone(viewer.time_zone)
    local_start, local_end = _working_hours_for(listing, viewer.time_zone)
    context = {
        "listing": listing,
        "viewer": viewer,
        "overlap": overlap_hours(
            listing_tz=listing.time_zone,
            work_start=listing.work_start,
            work_end=listing.work_end,
            viewer_tz=viewer.time_zone,
            on=viewer_today(viewer.time_zone, now),
        ),
        "deadline_local": listing.application_deadline.astimezone(vtz) if listing.application_deadline else None,
        "local_start": local_start,
        "local_end": local_end,
        "is_saved": bool(selectors.saved_listing_ids(user=request.user, listing_ids=[listing.pk])),
        "can_save": can_save_listings(request.user),
        "can_report": can_report_listing(request.user, listing),
        "can_manage": can_manage_listing(request.user, listing),
        "is_open": listing.status == Listing.Status.PUBLISHED
        and (listing.application_deadline is None or listing.application_deadline > now),
    }
    return render_to_string("listings/listing_detail.html", context | (extra or {}), request)


def _visible_or_404(request, pk: int) -> Listing:
    listing = get_object_or_404(Listing.objects.select_related("organization"), pk=pk)
    viewer = viewer_for(request)
    if not can_view_listing(request.user, listing, blocked_organization_ids=selectors.blocked_organization_ids(viewer)):
        raise Http404("No such listing.")
    return listing


@login_required
@require_POST
def listing_save(request, pk: int):
    listing = _visible_or_404(request, pk)
    saved = services.saved_listing_toggle(user=request.user, listing=listing)
    if request.htmx:
        return render(request, "listings/_save_button.html", {"listing": listing, "is_saved": saved})
    messages.success(request, "Saved to your list." if saved else "Removed from your saved listings.")
    return redirect("listings:detail", pk=listing.pk)


@login_required
def listing_report(request, pk: int):
    listing = _visible_or_404(request, pk)
    if not can_report_listing(request.user, listing):
        raise PermissionDenied("You cannot report this listing.")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.listing_report(
                listing=listing,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, "Thank you: our moderators will review this listing.")
            return redirect("listings:list")
    return render(request, "listings/listing_report.html", {"listing": listing, "form": form})


# --- saved listings and searches ------------------------------------------------------------------


def _student_only(request):
    if not can_save_listings(request.user):
        raise PermissionDenied("Saved listings and searches are for students.")


@login_required
def saved(request):
    _student_only(request)
    viewer = viewer_for(request)
    searches = list(selectors.saved_searches(user=request.user))
    for search in searches:
        search.frequency_form = SavedSearchFrequencyForm(
            initial={"frequency": search.frequency}, auto_id=f"id_search{search.pk}_%s"
        )
    return render(
        request,
        "listings/saved.html",
        {"saved_listings": list(selectors.saved_listings(user=request.user, viewer=viewer)), "searches": searches},
    )


@login_required
@require_POST
def saved_search_create(request):
    _student_only(request)
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        services.saved_search_create(
            user=request.user,
            name=form.cleaned_data["name"],
            query_string=form.cleaned_data["query_string"],
            frequency=form.cleaned_data["frequency"],
        )
        messages.success(request, "Search saved. Manage its alerts on your saved page.")
        return redirect(reverse("listings:list") + "?" + form.cleaned_data["query_string"])
    messages.error(request, "The search could not be saved: " + "; ".join(e for es in form.errors.values() for e in es))
    return redirect("listings:list")


@login_required
@require_POST
def saved_search_update(request, pk: int):
    _student_only(request)
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    if request.POST.get("delete"):
        services.saved_search_delete(search=search, user=request.user)
        messages.success(request, "Saved search deleted.")
        return redirect("listings:saved")
    form = SavedSearchFrequencyForm(request.POST)
    if form.is_valid():
        services.saved_search_update(search=search, user=request.user, frequency=form.cleaned_data["frequency"])
        messages.success(request, "Alert frequency updated.")
    else:
        messages.error(request, "Choose off, daily or weekly.")
    return redirect("listings:saved")


# --- employer dashboard ---------------------------------------------------------------------------


def _organization_or_403(request):
    if not request.user.is_authenticated:
        return None
    organization = organization_of(request.user)
    if organization is None:
        raise PermissionDenied("Only members of an organization manage listings.")
    return organization


def _managed_or_404(request, pk: int) -> Listing:
    listing = get_object_or_404(Listing.objects.select_related("organization"), pk=pk)
    if not can_manage_listing(request.user, listing):
        # Not revealing whether another organization's listing exists.
        raise Http404("No such listing.")
    return listing


@login_required
def dashboard(request):
    organization = _organization_or_403(request)
    listings = selectors.dashboard_listings(organization=organization)
    from applications.models import ApplicationStatus

    return render(
        request,
        "listings/dashboard.html",
        {"organization": organization, "listings": listings, "statuses": ApplicationStatus.choices},
    )


def _edit(request, listing: Listing | None):
    organization = _organization_or_403(request)
    instance = listing or Listing(organization=organization)
    form = ListingForm(request.POST or None, instance=instance, prefix=None)
    formset = QuestionFormSet(request.POST or None, instance=instance if listing else Listing(), prefix="questions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        kwargs = {
            "actor": request.user,
            "data": form.service_data(),
            "skill_names": form.cleaned_data["skills_text"],
            "questions": questions_from(formset),
        }
        try:
            with transaction.atomic():
                if listing is None:
                    saved_listing = services.listing_create(organization=organization, **kwargs)
                else:
                    saved_listing = services.listing_update(listing=listing, **kwargs)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, "Listing saved. Check the preview, then submit it.")
            return redirect("listings:manage", pk=saved_listing.pk)
    return render(
        request,
        "listings/listing_form.html",
        {"form": form, "formset": formset, "listing": listing, "organization": organization},
    )


@login_required
def listing_create(request):
    return _edit(request, None)


@login_required
def listing_edit(request, pk: int):
    listing = _managed_or_404(request, pk)
    if listing.status in (Listing.Status.CLOSED, Listing.Status.EXPIRED):
        messages.error(request, "A closed or expired listing cannot be edited; duplicate it instead.")
        return redirect("listings:manage", pk=pk)
    return _edit(request, listing)


@login_required
def listing_manage(request, pk: int):
    """The preview of a listing as students will see it, with its actions and history."""
    listing = _managed_or_404(request, pk)
    listing = selectors.listing_for_detail(pk=pk)
    return render(
        request,
        "listings/listing_manage.html",
        {
            "listing": listing,
            "history": listing.status_changes.select_related("actor"),
            "close_form": CloseForm(),
            "verified": listing.organization.is_verified,
        },
    )


def _act(request, pk: int, action, success: str):
    listing = _managed_or_404(request, pk)
    try:
        result = action(listing)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("listings:manage", pk=pk)
    messages.success(request, success)
    target = result.pk if isinstance(result, Listing) else pk
    return redirect("listings:manage", pk=target)


@login_required
@require_POST
def listing_submit(request, pk: int):
    listing = _managed_or_404(request, pk)
    try:
        moved = services.listing_submit(listing=listing, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        if moved.status == Listing.Status.PUBLISHED:
            messages.success(request, "Published: students can find it now.")
        else:
            messages.success(request, "Submitted for review. We will email you once a moderator has looked at it.")
    return redirect("listings:manage", pk=pk)


@login_required
@require_POST
def listing_close(request, pk: int):
    _managed_or_404(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose why you are closing the listing.")
        return redirect("listings:manage", pk=pk)
    return _act(
        request,
        pk,
        lambda lst: services.listing_close(listing=lst, actor=request.user, reason=form.cleaned_data["reason"]),
        "Closed. Every applicant still waiting has been told.",
    )


@login_required
@require_POST
def listing_duplicate(request, pk: int):
    return _act(
        request,
        pk,
        lambda lst: services.listing_duplicate(listing=lst, actor=request.user),
        "Duplicated as a new draft.",
    )


@login_required
@require_POST
def listing_delete(request, pk: int):
    listing = _managed_or_404(request, pk)
    try:
        services.listing_delete_draft(listing=listing, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("listings:manage", pk=pk)
    messages.success(request, "Draft deleted.")
    return redirect("listings:dashboard")


# --- moderation (site staff) ----------------------------------------------------------------------


def _staff_or_403(request):
    if not can_moderate(request.user):
        raise PermissionDenied("Site staff only.")


@login_required
def moderation(request):
    _staff_or_403(request)
    pending, reported = selectors.moderation_queue()
    return render(
        request, "listings/moderation.html", {"pending": pending, "reported": reported, "reject_form": RejectForm()}
    )


@login_required
@require_POST
def moderation_decide(request, pk: int, decision: str):
    _staff_or_403(request)
    listing = get_object_or_404(Listing, pk=pk)
    try:
        if decision == "approve":
            services.listing_approve(listing=listing, actor=request.user)
            messages.success(request, f"Approved and published: {listing.title}")
        elif decision == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Give a reason for the rejection: the organization sees it.")
                return redirect("listings:moderation")
            services.listing_reject(listing=listing, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, f"Rejected: {listing.title}")
        elif decision in ("uphold", "dismiss"):
            services.listing_reports_resolve(
                listing=listing, actor=request.user, uphold=decision == "uphold", note=request.POST.get("note", "")
            )
            messages.success(
                request,
                f"Reports upheld; listing closed: {listing.title}" if decision == "uphold" else "Reports dismissed.",
            )
        else:
            raise Http404("Unknown decision.")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return HttpResponseRedirect(reverse("listings:moderation"))
