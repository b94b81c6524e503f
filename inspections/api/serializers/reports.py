"""Shapes of rectification reports and their evidence."""

from rest_framework import serializers

from inspections.models import Hazard, RectificationReport, ReportEvidence
from safetyzone.core.api import DateField, ModelSerializer


class ReportEvidenceSerializer(ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReportEvidence
        fields = ["id", "original_name", "kind", "uploaded_at", "url"]

    def get_url(self, evidence) -> str:
        from django.urls import reverse

        return reverse("api:rectification-report-evidence", args=[evidence.report_id, evidence.pk])


class RectificationReportSerializer(ModelSerializer):
    hazard = serializers.PrimaryKeyRelatedField(queryset=Hazard.objects.all())
    evidence = ReportEvidenceSerializer(many=True, read_only=True)
    evidence_files = serializers.ListField(
        child=serializers.FileField(), write_only=True, required=False
    )

    class Meta:
        model = RectificationReport
        fields = [
            "id",
            "hazard",
            "measures_taken",
            "completed_on",
            "funds_spent",
            "notes",
            "status",
            "filed_by",
            "filed_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "evidence",
            "evidence_files",
        ]
        read_only_fields = [
            "status",
            "filed_by",
            "filed_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
        ]


class SubmitSerializer(serializers.Serializer):
    measures_taken = serializers.CharField()
    completed_on = DateField()
    funds_spent = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    evidence_files = serializers.ListField(child=serializers.FileField(), required=False)


class AcceptSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()
