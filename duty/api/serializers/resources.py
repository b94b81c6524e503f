"""Shapes of resources, stock movements, rescue teams and standby assignments."""

from rest_framework import serializers

from campaigns.models import KeyPeriod
from duty.models import (
    EmergencyResource,
    RescueTeam,
    RescueTeamMember,
    StandbyAssignment,
    StockMovement,
)
from safetyzone.core.api import DateTimeField, ModelSerializer
from safetyzone.org.models import Unit


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
