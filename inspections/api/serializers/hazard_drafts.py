"""Shapes of draft hazards and of the two decisions on them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from inspections.models import HazardDraft, HazardLevel
from safetyzone.core.api import ModelSerializer


class HazardDraftSerializer(ModelSerializer):
    """A failed checklist item waiting for the inspector's decision, with the item, the
    note and photos taken on site, and (once decided) the hazard or the reason."""

    enterprise = serializers.IntegerField(source="inspection.enterprise_id", read_only=True)
    enterprise_name = serializers.CharField(source="inspection.enterprise.name", read_only=True)
    item = serializers.IntegerField(source="answer.item_id", read_only=True)
    question = serializers.CharField(source="answer.item.question", read_only=True)
    note = serializers.CharField(source="answer.note", read_only=True)
    photos = serializers.SerializerMethodField()
    hazard_code = serializers.CharField(source="hazard.code", read_only=True, default=None)

    class Meta:
        model = HazardDraft
        fields = [
            "id",
            "inspection",
            "enterprise",
            "enterprise_name",
            "item",
            "question",
            "note",
            "photos",
            "description",
            "level",
            "status",
            "hazard",
            "hazard_code",
            "reason",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_photos(self, draft) -> list[str]:
        return [
            reverse("inspections:answer-photo-file", args=[photo.pk])
            for photo in draft.answer.photos.all()
        ]


class HazardDraftConfirmSerializer(serializers.Serializer):
    """What the draft screen's confirm asks: the description and level, as the draft
    has them unless given."""

    description = serializers.CharField(max_length=2000, required=False)
    level = serializers.ChoiceField(choices=HazardLevel.choices, required=False)


class HazardDraftDiscardSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=200, help_text=_("Why the failed item is no hazard (kept on record).")
    )
