"""The writes of career services: exports (with their audit log), employer decisions, outcomes."""

from __future__ import annotations

import logging
import secrets
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Institution, Organization, StudentProfile, User
from notifications.services import notify

from . import exports, selectors
from .events import EMPLOYER_BLOCKED, EXPORT_READY
from .models import EmployerApproval, ExportAuditLog, OutcomeCategory, OutcomeRecord, ReportExport
from .permissions import can_decide_employer, can_record_outcome, institution_id_of

logger = logging.getLogger(__name__)


def async_export_threshold() -> int:
    """Exports with more rows than this run in the background (setting REPORTS_ASYNC_EXPORT_THRESHOLD)."""
    return getattr(settings, "REPORTS_ASYNC_EXPORT_THRESHOLD", 5000)


def export_retention() -> timedelta:
    """How long a finished export file is kept (setting REPORTS_EXPORT_RETENTION_HOURS)."""
    return timedelta(hours=getattr(settings, "REPORTS_EXPORT_RETENTION_HOURS", 48))


def _staff_institution(user) -> int:
    institution_id = institution_id_of(user)
    if institution_id is None:
        raise PermissionDenied("Only career-services staff of an institution may do this.")
    return institution_id


def export_audit_record(
    *, user: User, institution_id: int, format: str, filters: dict, row_count: int, export: ReportExport | None = None
) -> ExportAuditLog:
    """Log one delivered export: who, when, which filters, how many rows, which format."""
    return ExportAuditLog.objects.create(
        user=user, institution_id=institution_id, format=format, filters=filters, row_count=row_count, export=export
    )


def report_export_start(*, user: User, format: str, filters: selectors.ReportFilters) -> ReportExport:
    """Queue a background export for the user's institution; the task starts after commit."""
    institution_id = _staff_institution(user)
    if format not in ReportExport.Format.values:
        raise ValidationError({"format": "Choose CSV or XLSX."})
    from .tasks import report_export_task

    with transaction.atomic():
        export = ReportExport.objects.create(
            requested_by=user, institution_id=institution_id, format=format, filters=filters.as_json()
        )
        transaction.on_commit(lambda: report_export_task.delay(export.pk))
    return export


def _set_progress(export_id: int, total: int):
    def progress(done: int) -> None:
        # Outside any transaction: the page polling the export sees it at once. 100 only when stored.
        percent = min(99, done * 100 // total) if total else 99
        ReportExport.objects.filter(pk=export_id, status=ReportExport.Status.RUNNING).update(progress=percent)

    return progress


def report_export_run(*, export_id: int) -> ReportExport | None:
    """Build an export's file into private storage, then mark it ready, log it and notify the
    requester. Safe to run twice: a ready or expired export is left alone, and a second run that
    finishes after the first discards its own file."""
    with transaction.atomic():
        export = (
            ReportExport.objects.select_for_update(no_key=True, of=("self",))
            .select_related("institution")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status in (ReportExport.Status.READY, ReportExport.Status.EXPIRED):
            return export
        export.status, export.progress, export.error = ReportExport.Status.RUNNING, 0, ""
        export.save(update_fields=["status", "progress", "error"])

    filters = selectors.ReportFilters.from_json(export.filters)
    queryset = selectors.placement_report(institution_id=export.institution_id, filters=filters)
    total = queryset.count()
    progress = _set_progress(export.pk, total)
    storage = ReportExport._meta.get_field("file").storage
    try:
        with tempfile.TemporaryFile() as tmp:
            if export.format == ReportExport.Format.CSV:
                rows = exports.write_csv(tmp, queryset, progress=progress)
            else:
                rows = exports.write_xlsx(
                    tmp,
                    queryset,
                    institution_name=export.institution.name,
                    filters=export.filters,
                    summary=selectors.placement_summary(institution_id=export.institution_id, filters=filters),
                    total=total,
                    progress=progress,
                )
            tmp.seek(0)
            name = storage.save(f"exports/{export.pk}-{secrets.token_hex(8)}.{export.format}", File(tmp))
    except Exception as exc:
        ReportExport.objects.filter(pk=export.pk).update(
            status=ReportExport.Status.FAILED, error=f"{exc.__class__.__name__}: {exc}"[:500]
        )
        raise

    with transaction.atomic():
        locked = (
            ReportExport.objects.select_for_update(no_key=True, of=("self",))
            .select_related("requested_by")
            .get(pk=export.pk)
        )
        if locked.status == ReportExport.Status.READY:
            storage.delete(name)
            return locked
        now = timezone.now()
        locked.file.name = name
        locked.status, locked.progress, locked.row_count = ReportExport.Status.READY, 100, rows
        locked.finished_at, locked.expires_at = now, now + export_retention()
        locked.save(update_fields=["file", "status", "progress", "row_count", "finished_at", "expires_at"])
        export_audit_record(
            user=locked.requested_by,
            institution_id=locked.institution_id,
            format=locked.format,
            filters=locked.filters,
            row_count=rows,
            export=locked,
        )
        if locked.requested_by is not None:
            notify(
                event=EXPORT_READY.name,
                recipients=[locked.requested_by],
                key=f"report-export-ready-{locked.pk}",
                context={
                    "format": locked.get_format_display(),
                    "row_count": rows,
                    "expires_at": date_format(timezone.localtime(locked.expires_at), "DATETIME_FORMAT"),
                },
                url=reverse("reports:export_download", args=[locked.pk]),
                summary=f"{rows} rows as {locked.get_format_display()}, kept until {locked.expires_at:%Y-%m-%d %H:%M} UTC.",
            )
    return locked


def report_exports_purge(*, now=None) -> int:
    """Delete the files of exports past their retention time; the rows stay (as "expired") for the record."""
    now = now or timezone.now()
    storage = ReportExport._meta.get_field("file").storage
    purged = 0
    due = list(
        ReportExport.objects.filter(status=ReportExport.Status.READY, expires_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    for pk in due:
        with transaction.atomic():
            export = (
                ReportExport.objects.select_for_update(no_key=True, skip_locked=True)
                .filter(pk=pk, status=ReportExport.Status.READY)
                .first()
            )
            if export is None:
                continue
            name = export.file.name
            export.status, export.file = ReportExport.Status.EXPIRED, ""
            export.save(update_fields=["status", "file"])
            if name:
                transaction.on_commit(lambda name=name: storage.delete(name))
            purged += 1
    return purged


def employer_approval_decide(
    *, user: User, organization: Organization, decision: str, reason: str = ""
) -> EmployerApproval:
    """Approve or block an organization for the user's institution. A new block is flagged to
    site staff (in-app notification and email)."""
    if not can_decide_employer(user):
        raise PermissionDenied("Only career-services staff may approve or block organizations.")
    if decision not in EmployerApproval.Decision.values:
        raise ValidationError({"decision": "Choose approve or block."})
    institution_id = institution_id_of(user)
    with transaction.atomic():
        approval, created = EmployerApproval.objects.select_for_update(no_key=True).get_or_create(
            institution_id=institution_id,
            organization=organization,
            defaults={"decision": decision, "reason": reason, "decided_by": user},
        )
        previous = None if created else approval.decision
        if not created:
            approval.decision, approval.reason, approval.decided_by = decision, reason, user
            approval.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        if decision == EmployerApproval.Decision.BLOCKED and previous != EmployerApproval.Decision.BLOCKED:
            institution = Institution.objects.get(pk=institution_id)
            notify(
                event=EMPLOYER_BLOCKED.name,
                recipients=list(User.objects.filter(is_staff=True, is_active=True).order_by("pk")),
                key=f"employer-blocked-{approval.pk}-{int(approval.decided_at.timestamp())}",
                context={"institution": institution.name, "organization": organization.name, "reason": reason},
                url=reverse("admin:accounts_organization_change", args=[organization.pk]),
                summary=f"{institution.name} blocked {organization.name}.",
            )
    return approval


def outcome_record(*, user: User, profile: StudentProfile, category: str, note: str = "") -> OutcomeRecord:
    """Record a student's first-destination outcome (the latest record is the current one)."""
    if not can_record_outcome(user, profile):
        raise PermissionDenied("You may record outcomes only for your institution's students.")
    if category not in OutcomeCategory.values:
        raise ValidationError({"category": "Choose one of the outcome categories."})
    with transaction.atomic():
        return OutcomeRecord.objects.create(
            student_id=profile.user_id,
            institution_id=profile.institution_id,
            category=category,
            note=note,
            recorded_by=user,
        )
