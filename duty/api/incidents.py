"""API of incident reports (and their updates) and weather warnings."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safetyzone.core.api_errors import CONFLICT

from ..filters import IncidentFilter, WarningFilter
from ..selectors import incidents as incidents_selectors
from ..selectors import rosters as rosters_selectors
from ..services import incidents as services
from ._common import DutyViewSet
from .serializers.incidents import (
    IncidentReportSerializer,
    IncidentUpdateSerializer,
    WeatherWarningSerializer,
)


@extend_schema_view(create=extend_schema(responses={201: IncidentReportSerializer, 409: CONFLICT}))
class IncidentReportViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Incident reports with the chain sent up and each time limit; ``updates`` adds
    a first, follow-up or final report to the chain."""

    serializer_class = IncidentReportSerializer
    filterset_class = IncidentFilter
    ordering_fields = ["received_at"]

    def get_queryset(self):
        return incidents_selectors.incident_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        shift = rosters_selectors.shift_get(user=self.request.user, pk=data.pop("shift").pk)
        report = services.incident_report_create(actor=self.request.user, shift=shift, **data)
        serializer.instance = incidents_selectors.incident_get(user=self.request.user, pk=report.pk)

    @extend_schema(
        request=IncidentUpdateSerializer, responses={201: IncidentReportSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def updates(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        params = IncidentUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.incident_update_create(
            actor=request.user,
            report=report,
            **params.validated_data,
        )
        report = incidents_selectors.incident_get(user=request.user, pk=report.pk)
        return Response(IncidentReportSerializer(report).data, status=status.HTTP_201_CREATED)


# --- Warnings, resources, teams -------------------------------------------------------


class WeatherWarningViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Weather warnings (public to every signed-in user); ``lift`` ends one early."""

    serializer_class = WeatherWarningSerializer
    filterset_class = WarningFilter
    ordering_fields = ["issued_at"]

    def get_queryset(self):
        return incidents_selectors.warning_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.warning_create(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses={200: WeatherWarningSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def lift(self, request: Request, pk: str | None = None) -> Response:
        warning = services.warning_lift(actor=request.user, warning=self.get_object())
        return Response(WeatherWarningSerializer(warning).data)
