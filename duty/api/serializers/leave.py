"""Shapes of recorded leave and of leave requests, with the published shifts a request
overlaps."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from duty.models import LeaveRequest, ShiftAssignment, Unavailability
from duty.selectors.leave import attach_clashes
from safetyzone.core.api import DateField, ModelSerializer
from safetyzone.org.models import User


# A record of one person's days off duty.
class _PersonDaysSerializer(ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    person_name = serializers.CharField(source="person.__str__", read_only=True)


class UnavailabilitySerializer(_PersonDaysSerializer):
    request = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="The leave request this leave was granted on, if any."
    )

    class Meta:
        model = Unavailability
        fields = [
            "id",
            "person",
            "person_name",
            "kind",
            "start_date",
            "end_date",
            "note",
            "created_by",
            "created_at",
            "request",
        ]
        read_only_fields = ["created_by", "created_at"]
        validators: list = []


class ClashSerializer(ModelSerializer):
    date = DateField(source="shift.date")
    roster = serializers.IntegerField(source="shift.roster_id")
    roster_title = serializers.CharField(source="shift.roster.title")

    class Meta:
        model = ShiftAssignment
        fields = ["shift", "date", "roster", "roster_title", "role"]
        read_only_fields = fields


# Reads the published shifts of every request of a page in one query.
class LeaveRequestListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        rows = data.all() if hasattr(data, "all") else data
        return super().to_representation(attach_clashes(rows))


class LeaveRequestSerializer(_PersonDaysSerializer):
    clashes = serializers.SerializerMethodField(
        help_text="The person's shifts on published rosters within the days asked for."
    )

    class Meta:
        model = LeaveRequest
        list_serializer_class = LeaveRequestListSerializer
        fields = [
            "id",
            "person",
            "person_name",
            "kind",
            "start_date",
            "end_date",
            "reason",
            "requested_by",
            "requested_at",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "leave",
            "clashes",
        ]
        read_only_fields = [
            "requested_by",
            "requested_at",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "leave",
        ]
        validators: list = []

    @extend_schema_field(ClashSerializer(many=True))
    def get_clashes(self, request: LeaveRequest) -> list[dict]:
        if not hasattr(request, "clashes"):
            attach_clashes([request])
        return ClashSerializer(request.clashes, many=True).data
