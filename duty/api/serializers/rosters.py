"""Shapes of rosters, their checks and swap requests."""

from rest_framework import serializers

from duty.models import (
    DutyRoster,
    SwapRequest,
)
from safetyzone.core.api import DateField, ModelSerializer
from safetyzone.org.models import Unit, User


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
