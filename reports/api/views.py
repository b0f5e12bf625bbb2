"""The career-services API: the placement report, its export jobs and the dashboard's figures.

The same selectors, services, forms and permission functions as the pages under ``/careers/``:
only career-services staff of an institution get in (everyone else 403), every query starts from
their institution, and another institution's export is not found (404).
"""

from django.http import FileResponse
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api import Conflict, Gone
from marketplace.api_permissions import SIGNED_IN

from .. import exports, selectors, services
from ..models import ReportExport
from ..permissions import can_download_export, can_view_reports, institution_id_of
from ..views import EXPORT_CACHE
from .serializers import (
    DashboardOutput,
    ExportInput,
    ExportOutput,
    PlacementReportRowOutput,
    ReportFilterInput,
)

ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT}


class CareerServicesStaff(permissions.BasePermission):
    message = "These endpoints are for career-services staff of an institution."

    def has_permission(self, request, view):
        return can_view_reports(request.user)


class _CareersApi(APIView):
    permission_classes = [*SIGNED_IN, CareerServicesStaff]

    @property
    def institution_id(self) -> int:
        return institution_id_of(self.request.user)

    def filters(self, data) -> selectors.ReportFilters:
        serializer = ReportFilterInput(
            data=data, context={"choices": selectors.filter_choices(institution_id=self.institution_id)}
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def export(self, pk: int) -> ReportExport:
        export = selectors.export_for_staff(institution_id=self.institution_id, export_pk=pk)
        if export is None or not can_download_export(self.request.user, export):
            raise NotFound("No such export.")
        return export


class PlacementReportApi(_CareersApi, generics.ListAPIView):
    """The placement report of the caller's institution, oldest start first: the rows of
    ``/careers/placements/`` with the same filters."""

    serializer_class = PlacementReportRowOutput

    def get_queryset(self):
        filters = self.filters(self.request.query_params)
        return selectors.placement_report_page(institution_id=self.institution_id, filters=filters)

    @extend_schema(
        operation_id="careers_placements_list",
        parameters=[ReportFilterInput],
        responses={200: PlacementReportRowOutput(many=True), **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DashboardApi(_CareersApi):
    """The figures and chart data of the career-services dashboard (read-only)."""

    @extend_schema(
        operation_id="careers_dashboard_retrieve",
        parameters=[ReportFilterInput],
        responses={200: DashboardOutput, **ERRORS},
    )
    def get(self, request):
        filters = self.filters(request.query_params)
        figures = selectors.dashboard(institution_id=self.institution_id, filters=filters)
        return Response(DashboardOutput(figures).data)


class ExportListApi(_CareersApi, generics.ListAPIView):
    """The institution's exports, newest first (GET), or start a new one (POST): it runs in the
    background whatever its size; poll it until ``status`` is ``ready``, then follow ``download_url``."""

    serializer_class = ExportOutput

    def get_queryset(self):
        return selectors.institution_exports(institution_id=self.institution_id)

    @extend_schema(operation_id="careers_exports_list", responses={200: ExportOutput(many=True), **ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="careers_exports_create", request=ExportInput, responses={202: ExportOutput, **ERRORS})
    def post(self, request):
        serializer = ExportInput(
            data=request.data, context={"choices": selectors.filter_choices(institution_id=self.institution_id)}
        )
        serializer.is_valid(raise_exception=True)
        export = services.report_export_start(user=request.user, **serializer.validated_data)
        url = f"{request.path}{export.pk}/"
        return Response(ExportOutput(export).data, status=status.HTTP_202_ACCEPTED, headers={"Location": url})


class ExportDetailApi(_CareersApi):
    """One export's progress; ``download_url`` is set once it is ready."""

    @extend_schema(
        operation_id="careers_exports_retrieve", responses={200: ExportOutput, 404: OpenApiTypes.OBJECT, **ERRORS}
    )
    def get(self, request, pk: int):
        return Response(ExportOutput(self.export(pk)).data)


class _AnyAccept(DefaultContentNegotiation):
    """The file is sent as what it is whatever the client accepts; errors are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


# Exports hold students' personal data: no shared or browser cache may keep a copy (nor of an
# error answer, which tells whether the export exists).
@method_decorator(EXPORT_CACHE, name="dispatch")
class ExportDownloadApi(_CareersApi):
    """The finished file (never cached). 409 while it is being built, 410 once it failed or expired."""

    content_negotiation_class = _AnyAccept

    @extend_schema(
        operation_id="careers_exports_download",
        responses={
            (200, exports.CSV_TYPE.split(";")[0]): OpenApiTypes.BINARY,
            (200, exports.XLSX_TYPE): OpenApiTypes.BINARY,
            403: OpenApiTypes.OBJECT,
            404: OpenApiTypes.OBJECT,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="Not ready yet."),
            410: OpenApiResponse(OpenApiTypes.OBJECT, description="Failed or expired: start a new export."),
        },
    )
    def get(self, request, pk: int):
        export = self.export(pk)
        if not export.is_downloadable():
            if export.is_finished:
                raise Gone("This export is no longer available; start a new one.")
            raise Conflict(f"This export is not ready yet ({export.progress}% done); poll it and download once ready.")
        return FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=export.filename,
            content_type=exports.CONTENT_TYPES[export.format],
        )
