"""Shapes of hazards, their photos and change requests."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from inspections.models import Hazard, HazardChangeRequest, HazardPhoto
from safetyzone.core.api import DateField, FieldsBuiltOnce, ModelSerializer
from safetyzone.org.models import Enterprise, KeyArea, Unit


class HazardPhotoSerializer(ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = HazardPhoto
        fields = ["id", "stage", "caption", "uploaded_at", "url"]

    def get_url(self, photo) -> str:
        from django.urls import reverse

        return reverse("api:hazard-photo", args=[photo.hazard_id, photo.pk])


class HazardNames(serializers.Serializer):
    """The names beside a hazard's keys, in its list row and in its record."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    key_area_name = serializers.CharField(source="key_area.name", read_only=True)
    responsible_unit_name = serializers.CharField(source="responsible_unit.name", read_only=True)


class HazardListSerializer(FieldsBuiltOnce, HazardNames, ModelSerializer):
    """A hazard as a row of the ledger: what the list needs to show and filter on. The
    whole record (plan, supervision, photos) is at ``/api/v1/hazards/{id}/``."""

    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "code",
            "enterprise",
            "enterprise_name",
            "place",
            "key_area",
            "key_area_name",
            "description",
            "level",
            "found_on",
            "responsible_unit",
            "responsible_unit_name",
            "responsible_person",
            "deadline",
            "status",
            "overdue",
            "is_supervised",
            "is_recurrence",
            "closed_at",
            "updated_at",
        ]
        read_only_fields = fields


class HazardSerializer(HazardNames, ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    photos = HazardPhotoSerializer(many=True, read_only=True)
    photo_files = serializers.ListField(
        child=serializers.FileField(), write_only=True, required=False
    )
    key_area = serializers.PrimaryKeyRelatedField(queryset=KeyArea.objects.all())
    responsible_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Hazard
        fields = [
            "id",
            "code",
            "enterprise",
            "enterprise_name",
            "place",
            "key_area",
            "key_area_name",
            "checklist_item",
            "inspection",
            "description",
            "legal_basis",
            "level",
            "found_on",
            "responsible_unit",
            "responsible_unit_name",
            "responsible_person",
            "deadline",
            "status",
            "overdue",
            "plan_responsibility",
            "plan_measures",
            "plan_funds",
            "plan_time_limit",
            "plan_contingency",
            "is_supervised",
            "supervising_office",
            "supervision_deadline",
            "supervised_at",
            "delisted_at",
            "delisting_office",
            "is_recurrence",
            "recurrence_of",
            "closed_at",
            "photos",
            "photo_files",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "code",
            "status",
            "is_supervised",
            "supervising_office",
            "supervision_deadline",
            "supervised_at",
            "delisted_at",
            "delisting_office",
            "is_recurrence",
            "recurrence_of",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"deadline": {"required": False}, "found_on": {"required": False}}

    def get_overdue(self, hazard) -> bool:
        annotated = getattr(hazard, "overdue", None)
        return bool(annotated) if annotated is not None else hazard.is_overdue()

    def validate(self, attrs):
        return attrs


class HazardUpdateSerializer(HazardSerializer):
    """A change of a recorded hazard: where and when it was found, and whose it is, stay
    as recorded. Sending one of those with another value is a 400 naming the field (the
    same value, as a PUT of the hazard read before sends it, is accepted)."""

    FIXED = ("enterprise", "key_area", "checklist_item", "inspection", "found_on")
    FIXED_DECLARED = ("enterprise", "key_area", "responsible_unit")

    enterprise = serializers.PrimaryKeyRelatedField(read_only=True)
    key_area = serializers.PrimaryKeyRelatedField(read_only=True)
    responsible_unit = serializers.PrimaryKeyRelatedField(read_only=True)
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="Why the level or deadline changes (committee staff only; others send a "
        "change request).",
    )

    class Meta(HazardSerializer.Meta):
        fields = [*HazardSerializer.Meta.fields, "reason"]
        read_only_fields = [
            *HazardSerializer.Meta.read_only_fields,
            "checklist_item",
            "inspection",
            "found_on",
        ]

    def validate(self, attrs):
        changed = {}
        for name in {*self.FIXED, *self.FIXED_DECLARED}:
            if name not in self.initial_data or self.instance is None:
                continue
            value = getattr(self.instance, name)
            current = "" if value is None else self.fields[name].to_representation(value)
            given = self.initial_data[name]
            if str("" if given is None else given) != str(current):
                changed[name] = _("This cannot be changed once the hazard is recorded.")
        if changed:
            raise serializers.ValidationError(changed, code="read_only")
        return super().validate(attrs)


class HazardChangeRequestSerializer(ModelSerializer):
    """A unit's request for another level or deadline of its hazard; POST sends one."""

    hazard = serializers.PrimaryKeyRelatedField(queryset=Hazard.objects.all())

    class Meta:
        model = HazardChangeRequest
        fields = [
            "id",
            "hazard",
            "level",
            "deadline",
            "previous_level",
            "previous_deadline",
            "reason",
            "requested_by",
            "requested_at",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = [
            "previous_level",
            "previous_deadline",
            "requested_by",
            "requested_at",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        extra_kwargs = {"deadline": {"required": False}, "level": {"required": False}}
        validators = []  # the one-pending rule is the service's


class SuperviseSerializer(serializers.Serializer):
    office = serializers.CharField(max_length=100)
    deadline = DateField()
