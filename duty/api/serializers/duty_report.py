"""Shapes of the daily duty reports."""

from rest_framework import serializers

from duty.models import DutyReport
from safetyzone.core.api import ModelSerializer


class DutyReportSerializer(ModelSerializer):
    number = serializers.CharField(read_only=True, help_text="As printed: 值班日报〔2026〕第12期.")
    unit = serializers.IntegerField(source="shift.roster.unit_id", read_only=True)
    confirmed_by_name = serializers.SerializerMethodField()
    content = serializers.JSONField(
        read_only=True,
        help_text=(
            "The kept snapshot of the shift's 24 hours: people, log, incidents (with their "
            "phone and written limits and whether each was met in time), warnings, "
            "resources issued, open matters carried over. Codes, not labels."
        ),
    )

    class Meta:
        model = DutyReport
        fields = [
            "id",
            "number",
            "year",
            "sequence",
            "shift",
            "unit",
            "duty_day",
            "period_start",
            "period_end",
            "status",
            "generated_at",
            "confirmed_at",
            "confirmed_by",
            "confirmed_by_name",
            "note",
            "sent_at",
            "content",
        ]
        read_only_fields = fields

    def get_confirmed_by_name(self, report: DutyReport) -> str:
        return str(report.confirmed_by) if report.confirmed_by_id else ""


class DutyReportConfirmSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="The leader's note."
    )
