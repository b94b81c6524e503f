"""The duty API under /api/v1/: scoped through the selectors, changed through the
services, filtered as the pages are, with no query per row."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safetyzone.org.api import ScopedModelPermissions, as_drf_error, service_errors

from . import checks, selectors, services
from .models import (
    DutyLogEntry,
    DutyRoster,
    EmergencyResource,
    IncidentReport,
    Shift,
    WeatherWarning,
)
from .serializers import (
    CheckResultSerializer,
    CurrentShiftsSerializer,
    DecisionSerializer,
    GenerateSerializer,
    HandoverSerializer,
    IncidentReportSerializer,
    IncidentUpdateSerializer,
    LogEntrySerializer,
    RescueTeamSerializer,
    ResourceSerializer,
    RosterSerializer,
    ShiftSerializer,
    ShiftWriteSerializer,
    StandbySerializer,
    StockMovementSerializer,
    SwapRequestSerializer,
    WeatherWarningSerializer,
)


def run(service: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; its ValidationError becomes the API's 400."""
    with service_errors():
        return service(**kwargs)


class DutyViewSet(viewsets.GenericViewSet):
    permission_classes = [ScopedModelPermissions]


# --- Rosters and shifts ---------------------------------------------------------------


class RosterFilter(filters.FilterSet):
    on = filters.DateFilter(method="filter_on", label="covers this day")

    class Meta:
        model = DutyRoster
        fields = ["status", "unit"]

    def filter_on(self, queryset, name, value):
        return queryset.filter(start_date__lte=value, end_date__gte=value)


class RosterViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Duty rosters; ``generate``, ``check`` and ``publish`` act on a draft."""

    serializer_class = RosterSerializer
    filterset_class = RosterFilter
    search_fields = ["title"]
    ordering_fields = ["start_date", "title"]

    def get_queryset(self):
        return selectors.roster_list(user=self.request.user).order_by("-start_date", "pk")

    def perform_create(self, serializer):
        serializer.instance = run(
            services.roster_create, actor=self.request.user, **serializer.validated_data
        )

    def _reload(self, roster: DutyRoster) -> Response:
        roster = selectors.roster_get(user=self.request.user, pk=roster.pk)
        return Response(RosterSerializer(roster, context=self.get_serializer_context()).data)

    @extend_schema(request=GenerateSerializer, responses=RosterSerializer)
    @action(detail=True, methods=["post"])
    def generate(self, request: Request, pk: str | None = None) -> Response:
        roster = self.get_object()
        params = GenerateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        run(
            services.roster_generate,
            roster=roster,
            actor=request.user,
            leaders=params.validated_data["leaders"],
            officers=params.validated_data["officers"],
            seed=params.validated_data["seed"],
        )
        return self._reload(roster)

    @extend_schema(responses=CheckResultSerializer)
    @action(detail=True, methods=["get"])
    def check(self, request: Request, pk: str | None = None) -> Response:
        issues = checks.roster_check(roster=self.get_object())
        return Response(CheckResultSerializer({"passes": not issues, "issues": issues}).data)

    @extend_schema(request=None, responses=RosterSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        roster = self.get_object()
        run(services.roster_publish, roster=roster, actor=request.user)
        return self._reload(roster)


class ShiftFilter(filters.FilterSet):
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")
    person = filters.NumberFilter(field_name="assignments__person", distinct=True)

    class Meta:
        model = Shift
        fields = ["roster", "date"]


class ShiftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet):
    """Shifts with their people. ``current`` is who is on duty now and tonight."""

    filterset_class = ShiftFilter
    ordering_fields = ["starts_at", "date"]

    def get_queryset(self):
        return selectors.shift_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ShiftWriteSerializer
        return ShiftSerializer

    def _people(self, data: dict) -> dict:
        return {"leader": data.get("leader"), "officers": data.get("officers", [])}

    @extend_schema(request=ShiftWriteSerializer, responses={201: ShiftSerializer})
    def create(self, request: Request) -> Response:
        params = ShiftWriteSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        if "roster" not in data or "date" not in data:
            raise as_drf_error(
                DjangoValidationError(
                    {f: ["This field is required."] for f in ("roster", "date") if f not in data}
                )
            )
        roster = selectors.roster_get(user=request.user, pk=data["roster"].pk)
        shift = run(
            services.shift_create,
            actor=request.user,
            roster=roster,
            date=data["date"],
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            phone=data.get("phone", ""),
            **self._people(data),
        )
        shift = selectors.shift_get(user=request.user, pk=shift.pk)
        return Response(ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ShiftWriteSerializer, responses=ShiftSerializer)
    def update(self, request: Request, pk: str | None = None) -> Response:
        shift = self.get_object()
        params = ShiftWriteSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        run(
            services.shift_update,
            actor=request.user,
            shift=shift,
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            phone=data.get("phone"),
            **self._people(data),
        )
        shift = selectors.shift_get(user=request.user, pk=shift.pk)
        return Response(ShiftSerializer(shift).data)

    @extend_schema(responses=CurrentShiftsSerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def current(self, request: Request) -> Response:
        return Response(CurrentShiftsSerializer(selectors.shifts_current(user=request.user)).data)


class SwapRequestViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Swap requests: asked, accepted by the colleague, approved by committee staff."""

    serializer_class = SwapRequestSerializer
    filterset_fields = ["status", "shift"]
    ordering_fields = ["requested_at"]

    def get_queryset(self):
        return selectors.swap_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        shift = selectors.shift_get(user=self.request.user, pk=data["shift"].pk)
        serializer.instance = run(
            services.swap_request_create,
            requester=self.request.user,
            shift=shift,
            counterpart=data["counterpart"],
            counterpart_shift=data.get("counterpart_shift"),
            reason=data["reason"],
        )

    def _act(self, service, request: Request, **extra) -> Response:
        swap = run(service, swap=self.get_object(), actor=request.user, **extra)
        return Response(SwapRequestSerializer(swap).data)

    @extend_schema(request=None, responses=SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._act(services.swap_accept, request)

    @extend_schema(request=None, responses=SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._act(services.swap_decline, request)

    @extend_schema(request=None, responses=SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._act(services.swap_cancel, request)

    @extend_schema(request=DecisionSerializer, responses=SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        params = DecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._act(services.swap_approve, request, note=params.validated_data["note"])

    @extend_schema(request=DecisionSerializer, responses=SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        params = DecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._act(services.swap_reject, request, note=params.validated_data["note"])


# --- Log, handover, incident reports --------------------------------------------------


class LogFilter(filters.FilterSet):
    date_from = filters.DateFilter(field_name="shift__date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="shift__date", lookup_expr="lte")

    class Meta:
        model = DutyLogEntry
        fields = ["shift", "kind"]


class DutyLogViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """The duty log: append-only. A correction is a new entry with ``corrects``."""

    serializer_class = LogEntrySerializer
    filterset_class = LogFilter
    search_fields = ["content"]
    ordering_fields = ["at"]

    def get_queryset(self):
        return selectors.log_entry_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        shift = selectors.shift_get(user=self.request.user, pk=data["shift"].pk)
        serializer.instance = run(
            services.log_entry_create,
            actor=self.request.user,
            shift=shift,
            kind=data["kind"],
            content=data["content"],
            at=data.get("at"),
            corrects=data.get("corrects"),
        )


class HandoverViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Handovers. A shift is handed over once it has begun (before its end only with
    ``early_reason``); open matters and open incidents carry over by themselves. The
    shift closes when the incoming leader on duty confirms (``confirm``)."""

    serializer_class = HandoverSerializer
    filterset_fields = ["shift"]
    ordering_fields = ["handed_over_at"]

    def get_queryset(self):
        return selectors.handover_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        shift = selectors.shift_get(user=self.request.user, pk=data["shift"].pk)
        try:
            close = {int(k): v for k, v in (data.get("close_matters") or {}).items()}
        except ValueError as exc:
            raise as_drf_error(
                DjangoValidationError({"close_matters": ["Keys are matter ids."]})
            ) from exc
        handover = run(
            services.handover_create,
            actor=self.request.user,
            shift=shift,
            new_matters=data.get("new_matters", []),
            close_matters=close,
            notes=data.get("notes", ""),
            early_reason=data.get("early_reason", ""),
            handed_over_at=data.get("handed_over_at"),
        )
        serializer.instance = selectors.handover_get(user=self.request.user, pk=handover.pk)

    @extend_schema(request=None, responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """The incoming leader on duty takes the shift over; it closes."""
        handover = self.get_object()
        run(services.handover_confirm, actor=request.user, handover=handover)
        return Response(
            HandoverSerializer(selectors.handover_get(user=request.user, pk=handover.pk)).data
        )


class IncidentFilter(filters.FilterSet):
    date_from = filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    date_to = filters.DateFilter(field_name="received_at", lookup_expr="date__lte")

    class Meta:
        model = IncidentReport
        fields = ["shift", "kind", "level"]


class IncidentReportViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Incident reports with the chain sent up and each time limit; ``updates`` adds
    a first, follow-up or final report to the chain."""

    serializer_class = IncidentReportSerializer
    filterset_class = IncidentFilter
    search_fields = ["place", "description", "reported_by"]
    ordering_fields = ["received_at"]

    def get_queryset(self):
        return selectors.incident_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        shift = selectors.shift_get(user=self.request.user, pk=data.pop("shift").pk)
        report = run(services.incident_report_create, actor=self.request.user, shift=shift, **data)
        serializer.instance = selectors.incident_get(user=self.request.user, pk=report.pk)

    @extend_schema(request=IncidentUpdateSerializer, responses={201: IncidentReportSerializer})
    @action(detail=True, methods=["post"])
    def updates(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        params = IncidentUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        run(
            services.incident_update_create,
            actor=request.user,
            report=report,
            **params.validated_data,
        )
        report = selectors.incident_get(user=request.user, pk=report.pk)
        return Response(IncidentReportSerializer(report).data, status=status.HTTP_201_CREATED)


# --- Warnings, resources, teams -------------------------------------------------------


class WarningFilter(filters.FilterSet):
    active = filters.BooleanFilter(method="filter_active")

    class Meta:
        model = WeatherWarning
        fields = ["level", "kind"]

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        active = {w.pk for w in selectors.active_warnings()}
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


class WeatherWarningViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Weather warnings (public to every signed-in user); ``lift`` ends one early."""

    serializer_class = WeatherWarningSerializer
    filterset_class = WarningFilter
    search_fields = ["area", "content"]
    ordering_fields = ["issued_at"]

    def get_queryset(self):
        return selectors.warning_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = run(
            services.warning_create, actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses=WeatherWarningSerializer)
    @action(detail=True, methods=["post"])
    def lift(self, request: Request, pk: str | None = None) -> Response:
        warning = run(services.warning_lift, actor=request.user, warning=self.get_object())
        return Response(WeatherWarningSerializer(warning).data)


class ResourceFilter(filters.FilterSet):
    low = filters.BooleanFilter(method="filter_low")

    class Meta:
        model = EmergencyResource
        fields = ["kind", "status", "unit"]

    def filter_low(self, queryset, name, value):
        from django.db.models import F

        if value is None:
            return queryset
        low = queryset.filter(quantity__lte=F("low_stock_threshold"))
        return low if value else queryset.exclude(pk__in=low.values("pk"))


class ResourceViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    DutyViewSet,
):
    """Emergency resources. Stock changes only through ``stock-movements``."""

    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter
    search_fields = ["name", "specification", "storage_place"]
    ordering_fields = ["name", "quantity"]

    def get_queryset(self):
        return selectors.resource_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        quantity = data.pop("quantity", 0)
        serializer.instance = run(
            services.resource_create, actor=self.request.user, quantity=quantity, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("quantity", None)
        serializer.instance = run(
            services.resource_update, actor=self.request.user, resource=serializer.instance, **data
        )


class StockMovementViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Stock out, back and in; refused when it would take stock below zero."""

    serializer_class = StockMovementSerializer
    filterset_fields = ["resource", "direction"]
    ordering_fields = ["moved_at"]

    def get_queryset(self):
        return selectors.movement_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        resource = selectors.resource_get(user=self.request.user, pk=data.pop("resource").pk)
        serializer.instance = run(
            services.stock_move, actor=self.request.user, resource=resource, **data
        )


class RescueTeamViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    serializer_class = RescueTeamSerializer
    filterset_fields = ["unit", "is_active"]
    search_fields = ["name", "speciality", "base"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return selectors.team_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        members = [dict(m) for m in data.pop("members", [])]
        team = run(services.team_create, actor=self.request.user, members=members, **data)
        serializer.instance = selectors.team_get(user=self.request.user, pk=team.pk)


class StandbyViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Teams and resources standing by at a place during a key period."""

    serializer_class = StandbySerializer
    filterset_fields = ["key_period", "team", "resource"]
    ordering_fields = ["starts_at"]

    def get_queryset(self):
        return selectors.standby_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        user = self.request.user
        if data.get("team") is not None:
            data["team"] = selectors.team_get(user=user, pk=data["team"].pk)
        if data.get("resource") is not None:
            data["resource"] = selectors.resource_get(user=user, pk=data["resource"].pk)
        serializer.instance = run(services.standby_create, actor=user, **data)
