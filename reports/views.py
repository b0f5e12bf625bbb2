"""Career-services pages. Every view starts from the signed-in staff member's institution."""

from __future__ import annotations

import tempfile
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Institution, Organization
from evaluations import selectors as evaluation_selectors
from marketplace.forms import PageForm

from . import charts, exports, selectors, services
from .forms import (
    EmployerDecisionForm,
    EmployerSearchForm,
    ExportForm,
    OutcomeForm,
    ReportFilterForm,
    StudentSearchForm,
)
from .models import EmployerApproval, ReportExport
from .permissions import can_download_export, can_record_outcome, institution_id_of


def career_services_required(view):
    """Signed in (else the login page) and career-services staff of an institution (else 403)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        institution_id = institution_id_of(request.user)
        if institution_id is None:
            raise PermissionDenied("These pages are for career-services staff of an institution.")
        request.institution_id = institution_id
        return view(request, *args, **kwargs)

    return wrapper


def _filter_form(request, data) -> ReportFilterForm:
    programs, years = selectors.filter_choices(institution_id=request.institution_id)
    return ReportFilterForm(data, programs=programs, years=years)


def _filter_query(form: ReportFilterForm) -> str:
    if not form.is_valid():
        return ""
    return urlencode({k: v for k, v in form.data.items() if k in form.fields and v})


@require_GET
@career_services_required
def dashboard(request):
    form = _filter_form(request, request.GET or None)
    filters = form.filters() if request.GET else selectors.ReportFilters()
    figures = selectors.dashboard(institution_id=request.institution_id, filters=filters)
    evaluation = evaluation_selectors.evaluation_figures(
        placements=selectors.institution_placements(institution_id=request.institution_id, filters=filters),
        now=timezone.now(),
    )
    chart_list = [
        charts.bars("fields", "Placements by field", figures.placements_by_field),
        charts.donut("compensation", "Placements by compensation", figures.compensation_share),
        charts.bars("countries", "Placements by employer country", figures.employer_countries),
        charts.columns("over-time", "Applications per month", figures.applications_over_time),
    ]
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "figures": figures,
            "evaluation": evaluation,
            "charts": chart_list,
            "institution": Institution.objects.only("name").get(pk=request.institution_id),
            "filter_query": _filter_query(form) if request.GET else "",
        },
    )


@require_GET
@career_services_required
def placement_report(request):
    form = _filter_form(request, request.GET or None)
    filters = form.filters() if request.GET else selectors.ReportFilters()
    rows = selectors.placement_report_page(institution_id=request.institution_id, filters=filters)
    page = Paginator(rows, 50).get_page(PageForm.number(request.GET))
    return render(
        request,
        "reports/placement_report.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "exports": selectors.recent_exports(institution_id=request.institution_id),
            "threshold": services.async_export_threshold(),
            "querystring": _filter_query(form) if request.GET else "",
        },
    )


# Exports hold students' personal data: no shared or browser cache may keep a copy.
EXPORT_CACHE = cache_control(private=True, no_store=True)


@require_POST
@EXPORT_CACHE
@career_services_required
def placement_export(request):
    """Small exports are streamed at once; larger ones are built by a background task."""
    export_form = ExportForm(request.POST)
    form = _filter_form(request, request.POST)
    if not export_form.is_valid() or not form.is_valid():
        messages.error(request, "The export could not start: check the format and the filters.")
        return redirect("reports:placements")
    filters, fmt = form.filters(), export_form.cleaned_data["format"]
    queryset = selectors.placement_report(institution_id=request.institution_id, filters=filters)
    total = queryset.count()
    if total > services.async_export_threshold():
        export = services.report_export_start(user=request.user, format=fmt, filters=filters)
        if request.htmx:
            return render(request, "reports/_export.html", {"export": export})
        messages.info(request, f"Your export of {total} rows is being prepared; the link appears below when ready.")
        query = _filter_query(form)
        return redirect(reverse("reports:placements") + (f"?{query}" if query else ""))

    services.export_audit_record(
        user=request.user,
        institution_id=request.institution_id,
        format=fmt,
        filters=filters.as_json(),
        row_count=total,
    )
    filename = f"placements-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == ReportExport.Format.CSV:
        response = StreamingHttpResponse(exports.csv_stream(queryset), content_type=exports.CSV_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    exports.write_xlsx(
        tmp,
        queryset,
        institution_name=Institution.objects.only("name").get(pk=request.institution_id).name,
        filters=filters.as_json(),
        summary=selectors.placement_summary(institution_id=request.institution_id, filters=filters),
        total=total,
    )
    tmp.seek(0)
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=filename,
        content_type=exports.XLSX_TYPE,
    )


@require_GET
@career_services_required
def export_status(request, pk: int):
    """The progress bar of one export (htmx polls it until the export is finished)."""
    export = selectors.export_for_staff(institution_id=request.institution_id, export_pk=pk)
    if export is None:
        raise Http404("No such export.")
    return render(request, "reports/_export.html", {"export": export})


@require_GET
@EXPORT_CACHE
@career_services_required
def export_download(request, pk: int):
    export = selectors.export_for_staff(institution_id=request.institution_id, export_pk=pk)
    if export is None or not can_download_export(request.user, export):
        raise Http404("No such export.")
    if not export.is_downloadable():
        return render(request, "reports/export_gone.html", {"export": export}, status=410)
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type=exports.CONTENT_TYPES[export.format],
    )


@require_GET
@career_services_required
def student_list(request):
    form = StudentSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.student_list(institution_id=request.institution_id, query=query), 25).get_page(
        PageForm.number(request.GET)
    )
    return render(
        request,
        "reports/student_list.html",
        {"form": form, "page": page, "query": query, "querystring": urlencode({"q": query}) if query else ""},
    )


@career_services_required
def student_detail(request, pk: int):
    profile = selectors.student_for_staff(institution_id=request.institution_id, profile_pk=pk)
    if profile is None:
        raise Http404("No such student at your institution.")
    form = OutcomeForm(request.POST or None)
    if request.method == "POST":
        if not can_record_outcome(request.user, profile):
            raise PermissionDenied("You may record outcomes only for your institution's students.")
        if form.is_valid():
            try:
                services.outcome_record(
                    user=request.user,
                    profile=profile,
                    category=form.cleaned_data["category"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, "Outcome recorded.")
                return redirect("reports:student_detail", pk=profile.pk)
    records = list(profile.user.outcome_records.all())
    return render(
        request,
        "reports/student_detail.html",
        {
            "profile": profile,
            "student": profile.user,
            "applications": list(profile.user.applications.all()),
            "placements": list(profile.user.placements.all()),
            "outcomes": records,
            "current_outcome": records[0] if records else None,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@career_services_required
def employers(request):
    form = EmployerSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(
        selectors.organizations_for_approval(institution_id=request.institution_id, query=query), 25
    ).get_page(PageForm.number(request.GET))
    return render(
        request,
        "reports/employers.html",
        {
            "page": page,
            "query": query,
            "search_errors": form.errors.get("q", []),
            "querystring": urlencode({"q": query}) if query else "",
            "Decision": EmployerApproval.Decision,
        },
    )


@require_POST
@career_services_required
def employer_decide(request, pk: int):
    organization = get_object_or_404(Organization, pk=pk)
    form = EmployerDecisionForm(request.POST)
    back = reverse("reports:employers") + ("?" + urlencode({"q": request.POST["q"]}) if request.POST.get("q") else "")
    if not form.is_valid():
        messages.error(request, "Choose approve or block (a reason is at most 2,000 characters).")
        return redirect(back)
    services.employer_approval_decide(
        user=request.user,
        organization=organization,
        decision=form.cleaned_data["decision"],
        reason=form.cleaned_data["reason"],
    )
    verb = "approved" if form.cleaned_data["decision"] == EmployerApproval.Decision.APPROVED else "blocked"
    messages.success(request, f"{organization.name} is {verb} for your students.")
    return redirect(back)
