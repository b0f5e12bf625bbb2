from django.contrib import admin

from .models import EmployerApproval, ExportAuditLog, OutcomeRecord, ReportExport


@admin.register(EmployerApproval)
class EmployerApprovalAdmin(admin.ModelAdmin):
    """Site staff review institutions' blocks here (each new block is also notified to them)."""

    list_display = ("organization", "institution", "decision", "decided_by", "decided_at")
    list_filter = ("decision",)
    search_fields = ("organization__name", "institution__name", "reason")
    list_select_related = ("organization", "institution", "decided_by")
    raw_id_fields = ("organization", "institution", "decided_by")


@admin.register(ExportAuditLog)
class ExportAuditLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "institution", "format", "row_count")
    list_filter = ("format",)
    list_select_related = ("user", "institution")
    readonly_fields = ("user", "institution", "format", "filters", "row_count", "export", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportExport)
class ReportExportAdmin(admin.ModelAdmin):
    list_display = ("pk", "institution", "requested_by", "format", "status", "progress", "row_count", "created_at")
    list_filter = ("status", "format")
    list_select_related = ("institution", "requested_by")
    # The file is private (no URL to link to): its stored name is shown, the download stays with
    # the requesting institution's staff.
    exclude = ("file",)
    readonly_fields = ("file_name",)

    @admin.display(description="File")
    def file_name(self, obj):
        return obj.file.name if obj.file else "—"


@admin.register(OutcomeRecord)
class OutcomeRecordAdmin(admin.ModelAdmin):
    list_display = ("student", "institution", "category", "recorded_by", "recorded_at")
    list_filter = ("category",)
    list_select_related = ("student", "institution", "recorded_by")
    raw_id_fields = ("student", "institution", "recorded_by")
