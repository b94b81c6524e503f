"""Shapes of inspections and their answers."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from inspections.models import ChecklistItem, Inspection, InspectionAnswer
from safetyzone.core.api import ModelSerializer
from safetyzone.org.models import Enterprise, Unit, User


class InspectionAnswerSerializer(ModelSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=ChecklistItem.objects.all())
    hazard = serializers.SerializerMethodField()
    hazard_draft = serializers.SerializerMethodField(
        help_text=_("The draft hazard a failed item waits as (see hazard-drafts/).")
    )

    class Meta:
        model = InspectionAnswer
        fields = ["id", "item", "result", "note", "hazard", "hazard_draft"]

    def get_hazard(self, answer) -> int | None:
        hazard = getattr(answer, "hazard", None)
        return hazard.pk if hazard else None

    def get_hazard_draft(self, answer) -> int | None:
        draft = getattr(answer, "hazard_draft", None)
        return draft.pk if draft else None


class InspectionSerializer(ModelSerializer):
    answers = InspectionAnswerSerializer(many=True, required=False)
    inspectors = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "unit",
            "key_area",
            "template",
            "task",
            "date",
            "method",
            "is_enforcement",
            "inspectors",
            "other_participants",
            "conclusion",
            "answers",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class InspectionListSerializer(InspectionSerializer):
    """The list leaves out the answers (one query fewer per row)."""

    failed_count = serializers.IntegerField(read_only=True)
    hazard_count = serializers.IntegerField(read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [
            f for f in InspectionSerializer.Meta.fields if f not in ("answers", "inspectors")
        ] + ["failed_count", "hazard_count"]
