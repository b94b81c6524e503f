"""API shapes of the duty domain. Shape only: the services decide."""

from rest_framework import serializers

from campaigns.models import KeyPeriod
from safetyzone.core.api import DateField, DateTimeField, FieldsBuiltOnce, ModelSerializer
from safetyzone.org.models import Unit, User

from . import selectors
from .models import (
    DutyLogEntry,
    DutyRoster,
    EmergencyResource,
    Handover,
    IncidentReport,
    IncidentUpdate,
    OpenMatter,
    RescueTeam,
    RescueTeamMember,
    Shift,
    ShiftAssignment,
    StandbyAssignment,
    StockMovement,
    SwapRequest,
    WeatherWarning,
)


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


class AssignmentSerializer(FieldsBuiltOnce, ModelSerializer):
    person_name = serializers.CharField(source="person", read_only=True)  # str(person)

    class Meta:
        model = ShiftAssignment
        fields = ["person", "person_name", "role"]


class ShiftSerializer(FieldsBuiltOnce, ModelSerializer):
    assignments = AssignmentSerializer(many=True, read_only=True)
    roster_title = serializers.CharField(source="roster.title", read_only=True)
    is_closed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Shift
        fields = [
            "id",
            "roster",
            "roster_title",
            "date",
            "starts_at",
            "ends_at",
            "phone",
            "officers_needed",
            "assignments",
            "closed_at",
            "is_closed",
        ]
        read_only_fields = fields


class ShiftWriteSerializer(serializers.Serializer):
    roster = serializers.PrimaryKeyRelatedField(queryset=DutyRoster.objects.all(), required=False)
    date = DateField(required=False)
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True)
    officers = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    starts_at = DateTimeField(required=False)
    ends_at = DateTimeField(required=False)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)


class CurrentShiftsSerializer(serializers.Serializer):
    now = ShiftSerializer(many=True)
    tonight = ShiftSerializer(many=True)


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


class LogEntrySerializer(ModelSerializer):
    author = serializers.PrimaryKeyRelatedField(read_only=True)
    author_name = serializers.CharField(source="author.__str__", read_only=True)
    at = DateTimeField(required=False)
    corrected_by = serializers.SerializerMethodField()

    class Meta:
        model = DutyLogEntry
        fields = [
            "id",
            "shift",
            "at",
            "kind",
            "content",
            "corrects",
            "corrected_by",
            "author",
            "author_name",
            "created_at",
        ]
        validators: list = []

    def get_corrected_by(self, entry: DutyLogEntry) -> list[int]:
        return [c.pk for c in entry.corrections.all()]


class OpenMatterSerializer(ModelSerializer):
    class Meta:
        model = OpenMatter
        fields = [
            "id",
            "text",
            "incident",
            "carried_from",
            "closed_at",
            "closed_by",
            "closing_note",
        ]


class HandoverSerializer(ModelSerializer):
    matters = OpenMatterSerializer(many=True, read_only=True)
    outgoing = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    incoming = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    new_matters = serializers.ListField(
        child=serializers.CharField(max_length=500), write_only=True, required=False
    )
    close_matters = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=200),
        write_only=True,
        required=False,
        help_text="Ids of carried-over matters closed now, each with how it was closed.",
    )
    handed_over_at = DateTimeField(required=False)

    class Meta:
        model = Handover
        fields = [
            "id",
            "shift",
            "next_shift",
            "handed_over_at",
            "outgoing",
            "incoming",
            "notes",
            "early_reason",
            "matters",
            "new_matters",
            "close_matters",
            "created_by",
            "confirmed_at",
            "confirmed_by",
        ]
        read_only_fields = ["next_shift", "created_by", "confirmed_at", "confirmed_by"]
        validators: list = []


class DeadlineSerializer(serializers.Serializer):
    label = serializers.CharField()
    due = DateTimeField()
    done_at = DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=["met", "late", "running", "overdue"])


class IncidentUpdateSerializer(ModelSerializer):
    sent_at = DateTimeField(required=False)

    class Meta:
        model = IncidentUpdate
        fields = ["id", "kind", "sequence", "method", "sent_at", "content", "received_by"]
        read_only_fields = ["sequence"]
        validators: list = []


class IncidentReportSerializer(ModelSerializer):
    updates = IncidentUpdateSerializer(many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = IncidentReport
        fields = [
            "id",
            "shift",
            "received_at",
            "reported_by",
            "reporter_phone",
            "kind",
            "level",
            "place",
            "deaths",
            "injuries",
            "missing",
            "direct_loss",
            "description",
            "recorded_by",
            "updates",
            "deadlines",
        ]
        read_only_fields = ["recorded_by"]
        validators: list = []

    def get_deadlines(self, report: IncidentReport) -> list[dict]:
        return DeadlineSerializer(selectors.incident_deadlines(report), many=True).data


class WeatherWarningSerializer(ModelSerializer):
    name = serializers.CharField(
        read_only=True,
        help_text="The warning as named in the interface's language: "
        "“Orange blizzard warning”, “暴雪橙色预警”.",
    )

    class Meta:
        model = WeatherWarning
        fields = [
            "id",
            "name",
            "kind",
            "level",
            "area",
            "issued_by",
            "issued_at",
            "valid_until",
            "content",
            "lifted_at",
        ]
        read_only_fields = ["lifted_at"]
        validators: list = []


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
