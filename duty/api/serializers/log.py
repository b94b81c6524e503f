"""Shapes of the duty log, open matters and handovers."""

from rest_framework import serializers

from duty.models import (
    DutyLogEntry,
    Handover,
    OpenMatter,
)
from safetyzone.core.api import DateTimeField, ModelSerializer


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
        # A shift handed over twice is a step its graph refuses (409), said by the service.
        extra_kwargs = {"shift": {"validators": []}}
        validators: list = []


# --- Log, handover, incident reports --------------------------------------------------
