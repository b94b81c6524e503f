"""API of rosters (generate, check, publish) and swap requests, with their serializers.
Scoped through the selectors, changed through the services.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safetyzone.core.api import DateField, ModelSerializer
from safetyzone.core.api_errors import CONFLICT
from safetyzone.org.models import Unit, User

from .. import checks
from ..filters import RosterFilter, SwapRequestFilter
from ..models import (
    DutyRoster,
    SwapRequest,
)
from ..selectors import rosters as selectors
from ..services import rosters as rosters_services
from ..services import swaps as swaps_services
from .base import DutyViewSet


class RosterSerializer(ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    warning_flag = serializers.BooleanField(
        read_only=True,
        default=False,
        help_text="An orange or red warning falls within the roster's period.",
    )

    class Meta:
        model = DutyRoster
        fields = [
            "id",
            "title",
            "unit",
            "unit_name",
            "start_date",
            "end_date",
            "status",
            "officers_per_shift",
            "phone",
            "notes",
            "published_at",
            "warning_flag",
        ]
        read_only_fields = ["status", "published_at"]
        validators: list = []


class GenerateSerializer(serializers.Serializer):
    leaders = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    officers = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    seed = serializers.IntegerField(required=False, default=0, min_value=0)


class CheckIssueSerializer(serializers.Serializer):
    date = DateField()
    code = serializers.CharField()
    message = serializers.CharField()
    shift_id = serializers.IntegerField(allow_null=True)


class CheckResultSerializer(serializers.Serializer):
    passes = serializers.BooleanField()
    issues = CheckIssueSerializer(many=True)


class SwapRequestSerializer(ModelSerializer):
    requester = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = SwapRequest
        fields = [
            "id",
            "shift",
            "requester",
            "counterpart",
            "counterpart_shift",
            "reason",
            "status",
            "requested_at",
            "responded_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = [
            "status",
            "requested_at",
            "responded_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        validators: list = []


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


# --- Rosters and shifts ---------------------------------------------------------------


class RosterViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Duty rosters; ``generate``, ``check`` and ``publish`` act on a draft."""

    serializer_class = RosterSerializer
    filterset_class = RosterFilter
    ordering_fields = ["start_date", "title"]

    def get_queryset(self):
        return selectors.roster_list(user=self.request.user).order_by("-start_date", "pk")

    def perform_create(self, serializer):
        serializer.instance = rosters_services.roster_create(
            actor=self.request.user, **serializer.validated_data
        )

    def _reload(self, roster: DutyRoster) -> Response:
        roster = selectors.roster_get(user=self.request.user, pk=roster.pk)
        return Response(RosterSerializer(roster, context=self.get_serializer_context()).data)

    @extend_schema(request=GenerateSerializer, responses={200: RosterSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def generate(self, request: Request, pk: str | None = None) -> Response:
        roster = self.get_object()
        params = GenerateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        rosters_services.roster_generate(
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

    @extend_schema(request=None, responses={200: RosterSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        roster = self.get_object()
        rosters_services.roster_publish(roster=roster, actor=request.user)
        return self._reload(roster)


class SwapRequestViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Swap requests: asked, accepted by the colleague, approved by committee staff."""

    serializer_class = SwapRequestSerializer
    filterset_class = SwapRequestFilter
    ordering_fields = ["requested_at"]

    def get_queryset(self):
        return selectors.swap_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        shift = selectors.shift_get(user=self.request.user, pk=data["shift"].pk)
        serializer.instance = swaps_services.swap_request_create(
            requester=self.request.user,
            shift=shift,
            counterpart=data["counterpart"],
            counterpart_shift=data.get("counterpart_shift"),
            reason=data["reason"],
        )

    @extend_schema(request=None, responses={200: SwapRequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        swap = swaps_services.swap_accept(swap=self.get_object(), actor=request.user)
        return Response(SwapRequestSerializer(swap).data)

    @extend_schema(request=None, responses={200: SwapRequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        swap = swaps_services.swap_decline(swap=self.get_object(), actor=request.user)
        return Response(SwapRequestSerializer(swap).data)

    @extend_schema(request=None, responses={200: SwapRequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        swap = swaps_services.swap_cancel(swap=self.get_object(), actor=request.user)
        return Response(SwapRequestSerializer(swap).data)

    @extend_schema(
        request=DecisionSerializer, responses={200: SwapRequestSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        params = DecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        swap = swaps_services.swap_approve(
            swap=self.get_object(), actor=request.user, note=params.validated_data["note"]
        )
        return Response(SwapRequestSerializer(swap).data)

    @extend_schema(
        request=DecisionSerializer, responses={200: SwapRequestSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        params = DecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        swap = swaps_services.swap_reject(
            swap=self.get_object(), actor=request.user, note=params.validated_data["note"]
        )
        return Response(SwapRequestSerializer(swap).data)
