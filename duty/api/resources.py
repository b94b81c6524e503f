"""API of emergency resources, stock movements, rescue teams and standby, with their
serializers.
"""

from rest_framework import mixins, serializers

from campaigns.models import KeyPeriod
from safetyzone.core.api import DateTimeField, ModelSerializer
from safetyzone.org.models import Unit

from ..filters import RescueTeamFilter, ResourceFilter, StandbyFilter, StockMovementFilter
from ..models import (
    EmergencyResource,
    RescueTeam,
    RescueTeamMember,
    StandbyAssignment,
    StockMovement,
)
from ..selectors import resources as selectors
from ..services import resources as services
from .base import DutyViewSet


class ResourceSerializer(ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False)
    is_low = serializers.BooleanField(read_only=True)
    quantity = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text="Opening stock on create; afterwards it changes only by stock movements.",
    )

    class Meta:
        model = EmergencyResource
        fields = [
            "id",
            "unit",
            "kind",
            "name",
            "specification",
            "quantity",
            "issued",
            "measure",
            "low_stock_threshold",
            "is_low",
            "storage_place",
            "keeper",
            "keeper_phone",
            "status",
            "last_checked_on",
        ]
        validators: list = []


class StockMovementSerializer(ModelSerializer):
    moved_at = DateTimeField(required=False)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "resource",
            "direction",
            "quantity",
            "balance_after",
            "moved_at",
            "purpose",
            "handled_by",
        ]
        read_only_fields = ["balance_after"]
        validators: list = []


class MemberSerializer(ModelSerializer):
    class Meta:
        model = RescueTeamMember
        fields = ["id", "name", "role", "phone"]


class RescueTeamSerializer(ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False)
    members = MemberSerializer(many=True, required=False)

    class Meta:
        model = RescueTeam
        fields = [
            "id",
            "unit",
            "name",
            "speciality",
            "leader",
            "leader_phone",
            "members",
            "equipment",
            "base",
            "is_active",
        ]
        read_only_fields = ["is_active"]
        validators: list = []


class StandbySerializer(ModelSerializer):
    key_period = serializers.PrimaryKeyRelatedField(queryset=KeyPeriod.objects.all())

    class Meta:
        model = StandbyAssignment
        fields = [
            "id",
            "key_period",
            "place",
            "starts_at",
            "ends_at",
            "team",
            "resource",
            "quantity",
            "note",
        ]
        validators: list = []


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
    ordering_fields = ["name", "quantity"]

    def get_queryset(self):
        return selectors.resource_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        quantity = data.pop("quantity", 0)
        serializer.instance = services.resource_create(
            actor=self.request.user, quantity=quantity, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("quantity", None)
        serializer.instance = services.resource_update(
            actor=self.request.user, resource=serializer.instance, **data
        )


class StockMovementViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Stock out, back and in; refused when it would take stock below zero."""

    serializer_class = StockMovementSerializer
    filterset_class = StockMovementFilter
    ordering_fields = ["moved_at"]

    def get_queryset(self):
        return selectors.movement_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        resource = selectors.resource_get(user=self.request.user, pk=data.pop("resource").pk)
        serializer.instance = services.stock_move(
            actor=self.request.user, resource=resource, **data
        )


class RescueTeamViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    serializer_class = RescueTeamSerializer
    filterset_class = RescueTeamFilter
    ordering_fields = ["name"]

    def get_queryset(self):
        return selectors.team_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        members = [dict(m) for m in data.pop("members", [])]
        team = services.team_create(actor=self.request.user, members=members, **data)
        serializer.instance = selectors.team_get(user=self.request.user, pk=team.pk)


class StandbyViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Teams and resources standing by at a place during a key period."""

    serializer_class = StandbySerializer
    filterset_class = StandbyFilter
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
        serializer.instance = services.standby_create(actor=user, **data)
