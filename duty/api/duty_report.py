"""API of the daily duty reports: the history, one report, confirming it."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safetyzone.core.api_errors import CONFLICT
from safetyzone.org.api import ScopedModelPermissions

from ..filters import DutyReportFilter
from ..selectors import duty_report as selectors
from ..services import duty_report as services
from ._common import DutyViewSet
from .serializers.duty_report import DutyReportConfirmSerializer, DutyReportSerializer


class ConfirmPermissions(ScopedModelPermissions):
    """The resource's only POST is ``confirm``, a change of the report."""

    perms_map = {
        **ScopedModelPermissions.perms_map,
        "POST": ["%(app_label)s.change_%(model_name)s"],
    }


class DutyReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet):
    """Daily duty reports (值班日报), generated at the change-over for the shift that
    ended, numbered per year; the leader on duty of the shift (or committee staff)
    confirms one (``confirm``), which keeps it as it is and sends it up."""

    serializer_class = DutyReportSerializer
    filterset_class = DutyReportFilter
    ordering_fields = ["duty_day", "sequence"]
    permission_classes = [ConfirmPermissions]

    def get_queryset(self):
        return selectors.duty_report_list(user=self.request.user).order_by("-duty_day", "-pk")

    @extend_schema(
        request=DutyReportConfirmSerializer,
        responses={200: DutyReportSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """The leader on duty of the shift, or committee staff, confirms the report; it
        is sent up. A second confirmation is a 409."""
        report = self.get_object()
        params = DutyReportConfirmSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.duty_report_confirm(
            report=report, actor=request.user, note=params.validated_data.get("note", "")
        )
        return Response(
            DutyReportSerializer(selectors.duty_report_get(user=request.user, pk=report.pk)).data
        )
