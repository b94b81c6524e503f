"""The rectification reports API."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request

from inspections.api._common import ScopedRelationsMixin
from inspections.api.serializers.reports import RectificationReportSerializer
from inspections.filters import RectificationReportFilter
from inspections.models import Hazard
from inspections.selectors import reports as report_selectors
from inspections.services import reports as report_services
from safetyzone.core.api import FilterBackend
from safetyzone.core.uploads import protected_file_response
from safetyzone.org.api import ScopedModelPermissions


class RectificationReportViewSet(
    ScopedRelationsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Reports as filed and reviewed. POST files a report (the hazard's ``submit``)."""

    serializer_class = RectificationReportSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = RectificationReportFilter
    filter_backends = [FilterBackend, OrderingFilter]
    ordering_fields = ["filed_at", "reviewed_at"]
    scoped_fields = {"hazard": Hazard}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return report_selectors.report_list(user=self.request.user).prefetch_related("evidence")

    @extend_schema(
        parameters=[OpenApiParameter("evidence_id", int, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_id>\d+)",
        url_name="evidence",
    )
    def evidence_file(self, request: Request, pk=None, evidence_id=None) -> FileResponse:
        """One evidence file of the report (the report is looked up in the reader's scope)."""
        report = self.get_object()
        evidence = report_selectors.evidence_get(user=request.user, pk=evidence_id, report=report)
        return protected_file_response(evidence.file, label=evidence.original_name)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        evidence = data.pop("evidence_files", [])
        report = report_services.report_file(actor=self.request.user, evidence=evidence, **data)
        serializer.instance = self.get_queryset().get(pk=report.pk)
