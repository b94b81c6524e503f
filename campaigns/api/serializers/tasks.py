"""Serializers of the tasks API: shape only; the task services decide and save."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from safetyzone.core.api import DateField, ModelSerializer
from safetyzone.org.models import Unit

from ...models import (
    AssignmentAttachment,
    AssignmentEvent,
    Chaser,
    ExtensionRequest,
    ProgressReport,
    Task,
    TaskAssignment,
)
from ...selectors.tasks import Light, LightClock, progress_schedule

# Named in the schema as TaskAssignmentStatusEnum and TaskAssignmentRoleEnum
# (settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
AssignmentStatus = TaskAssignment.Status
AssignmentRole = TaskAssignment.Role


def light_clock(context: dict) -> LightClock:
    """One clock (one calendar read) per request, shared by nested serializers."""
    clock = context.get("light_clock")
    if clock is None:
        clock = context["light_clock"] = LightClock()
    return clock


class LightMixin(serializers.Serializer):
    light = serializers.SerializerMethodField(
        help_text="green: on track; yellow: 3 working days or fewer left; red: overdue; "
        "none: done. Computed, never stored."
    )

    @extend_schema_field(serializers.ChoiceField(choices=Light.choices))
    def get_light(self, obj: TaskAssignment) -> str:
        return light_clock(self.context).light_of(obj).value


class TaskAssignmentSummarySerializer(LightMixin, ModelSerializer):
    """A unit's assignment as shown inside its task."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = TaskAssignment
        fields = [
            "id",
            "unit",
            "unit_name",
            "role",
            "status",
            "deadline",
            "light",
            "extension_count",
        ]
        read_only_fields = fields


class TaskSerializer(ModelSerializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    assisting_units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True),
        many=True,
        required=False,
        write_only=True,
        help_text="Units that assist the lead unit; each gets its own assignment.",
    )
    deadline = DateField(
        required=False,
        allow_null=True,
        help_text="A date; or leave it out and give deadline_working_days.",
    )
    deadline_working_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=365,
        help_text="N working days after the issue date, by the working-day calendar.",
    )
    assignments = TaskAssignmentSummarySerializer(
        source="visible_assignments",
        many=True,
        read_only=True,
        help_text="The assignments the caller may see (a department head: their own).",
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "content",
            "deadline",
            "deadline_working_days",
            "lead_unit",
            "lead_unit_name",
            "assisting_units",
            "campaign",
            "meeting",
            "directive",
            "report_every",
            "created_at",
            "updated_at",
            "assignments",
        ]
        read_only_fields = ["created_at", "updated_at"]


class AttachmentSerializer(ModelSerializer):
    name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = AssignmentAttachment
        fields = ["id", "name", "url", "uploaded_at"]
        read_only_fields = fields

    def get_name(self, obj: AssignmentAttachment) -> str:
        return str(obj)

    def get_url(self, obj: AssignmentAttachment) -> str:
        path = reverse(
            "api:taskassignment-attachment",
            kwargs={"pk": obj.assignment_id, "attachment_pk": obj.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AssignmentEventSerializer(ModelSerializer):
    class Meta:
        model = AssignmentEvent
        fields = ["action", "status", "actor", "at", "note"]
        read_only_fields = fields


class TaskAssignmentSerializer(LightMixin, ModelSerializer):
    task_title = serializers.CharField(source="task.title", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    open_chasers = serializers.IntegerField(
        read_only=True, help_text="Chasers sent to the unit and not yet signed for."
    )
    attachments = AttachmentSerializer(many=True, read_only=True)
    reports_missing = serializers.SerializerMethodField(
        help_text="Ends of the reporting periods that have passed with no progress report."
    )

    class Meta:
        model = TaskAssignment
        fields = [
            "id",
            "task",
            "task_title",
            "unit",
            "unit_name",
            "role",
            "status",
            "deadline",
            "light",
            "extension_count",
            "open_chasers",
            "signed_at",
            "signed_by",
            "feedback",
            "done_at",
            "return_reason",
            "attachments",
            "reports_missing",
        ]
        read_only_fields = fields

    def get_reports_missing(self, obj: TaskAssignment) -> list[str]:
        reported = [r.period_end for r in obj.progress_reports.all()]
        today = light_clock(self.context).today
        schedule = progress_schedule(obj, today=today, reported=reported)
        return [d.isoformat() for d in schedule.missing]


class TaskAssignmentDetailSerializer(TaskAssignmentSerializer):
    history = AssignmentEventSerializer(source="events", many=True, read_only=True)

    class Meta(TaskAssignmentSerializer.Meta):
        fields = [*TaskAssignmentSerializer.Meta.fields, "history"]
        read_only_fields = fields


class ExtensionRequestSerializer(ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "assignment",
            "reason",
            "requested_deadline",
            "requested_by",
            "requested_at",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class ChaserSerializer(ModelSerializer):
    class Meta:
        model = Chaser
        fields = [
            "id",
            "assignment",
            "message",
            "sent_by",
            "sent_at",
            "acknowledged_at",
            "acknowledged_by",
        ]
        read_only_fields = fields


class ProgressReportSerializer(ModelSerializer):
    assignment = serializers.PrimaryKeyRelatedField(queryset=TaskAssignment.objects.none())
    period_end = DateField(required=False, allow_null=True)
    content = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "assignment", "period_end", "content", "submitted_by", "submitted_at"]
        read_only_fields = ["submitted_by", "submitted_at"]
        # One report per period is the service's rule, reported on period_end.
        validators: list = []

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            from ...selectors.tasks import visible_assignments

            fields["assignment"].queryset = visible_assignments(user=request.user)
        return fields


# --- Inputs of the actions --------------------------------------------------------------


class CompleteInputSerializer(serializers.Serializer):
    feedback = serializers.CharField(required=False, allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="Images or PDF files."
    )


class ReturnInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class ChaseInputSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True)


class ExtensionInputSerializer(serializers.Serializer):
    requested_deadline = DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True)
