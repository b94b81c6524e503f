"""Shapes of incident reports and weather warnings."""

from rest_framework import serializers

from duty.models import (
    IncidentReport,
    IncidentUpdate,
    WeatherWarning,
)
from duty.selectors import incidents as incidents_selectors
from safetyzone.core.api import DateTimeField, ModelSerializer


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
            *IncidentReport.REPORT_FIELDS,
            "recorded_by",
            "updates",
            "deadlines",
        ]
        read_only_fields = ["recorded_by"]
        validators: list = []

    def get_deadlines(self, report: IncidentReport) -> list[dict]:
        return DeadlineSerializer(incidents_selectors.incident_deadlines(report), many=True).data


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
