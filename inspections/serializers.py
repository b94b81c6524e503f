"""Shapes of the inspections API. They check the shape only: the services decide."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import KeyPeriod
from safetyzone.core.api import DateField, FieldsBuiltOnce, ModelSerializer
from safetyzone.org.models import Enterprise, KeyArea, Unit, User

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    EnforcementAction,
    Hazard,
    HazardChangeRequest,
    HazardPhoto,
    Inspection,
    InspectionAnswer,
    InspectionTask,
    RectificationReport,
    ReportEvidence,
    Violation,
)


class ChecklistItemSerializer(ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "order", "question", "legal_basis", "implied_level"]


class ChecklistTemplateSerializer(ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)
    key_area_name = serializers.CharField(source="key_area.name", read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "key_area", "key_area_name", "description", "is_active", "items"]


class InspectionTaskSerializer(ModelSerializer):
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True)
    enterprises = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), many=True, required=False, write_only=True
    )
    target_count = serializers.IntegerField(read_only=True)
    inspected_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = InspectionTask
        fields = [
            "id",
            "title",
            "key_area",
            "key_period",
            "campaign",
            "directive",
            "description",
            "start_date",
            "deadline",
            "units",
            "enterprises",
            "target_count",
            "inspected_count",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        # The model's rules run in the service.
        return attrs


class CoverageSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    targets = serializers.IntegerField()
    inspected = serializers.IntegerField()
    percent = serializers.IntegerField()


class InspectionTaskDetailSerializer(InspectionTaskSerializer):
    """A task with its coverage per unit the reader sees."""

    coverage = serializers.SerializerMethodField()

    class Meta(InspectionTaskSerializer.Meta):
        fields = [*InspectionTaskSerializer.Meta.fields, "coverage"]

    @extend_schema_field(CoverageSerializer(many=True))
    def get_coverage(self, task) -> list:
        from .selectors import task_coverage

        rows, _total = task_coverage(user=self.context["request"].user, task=task)
        return CoverageSerializer(rows, many=True).data


class FromKeyPeriodSerializer(serializers.Serializer):
    key_period = serializers.PrimaryKeyRelatedField(queryset=KeyPeriod.objects.all())
    key_areas = serializers.PrimaryKeyRelatedField(queryset=KeyArea.objects.all(), many=True)
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True)
    deadline = DateField(required=False)
    start_date = DateField(required=False)


class InspectionAnswerSerializer(ModelSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=ChecklistItem.objects.all())
    hazard = serializers.SerializerMethodField()

    class Meta:
        model = InspectionAnswer
        fields = ["id", "item", "result", "note", "hazard"]

    def get_hazard(self, answer) -> int | None:
        hazard = getattr(answer, "hazard", None)
        return hazard.pk if hazard else None


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


class HazardChangeDecideSerializer(serializers.Serializer):
    grant = serializers.BooleanField(help_text="true grants the change, false refuses it.")
    note = serializers.CharField(required=False, allow_blank=True)


class SuperviseSerializer(serializers.Serializer):
    office = serializers.CharField(max_length=100)
    deadline = DateField()


class ViolationSerializer(ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False)

    class Meta:
        model = Violation
        fields = [
            "id",
            "enterprise",
            "unit",
            "kind",
            "person",
            "date",
            "description",
            "inspection",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {"date": {"required": False}}


class EnforcementActionSerializer(ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False)

    class Meta:
        model = EnforcementAction
        fields = [
            "id",
            "kind",
            "enterprise",
            "unit",
            "legal_basis",
            "decision_number",
            "amount",
            "date",
            "description",
            "inspection",
            "hazard",
            "violation",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {"date": {"required": False}}
        # The partial unique constraint is the model's rule, checked by the service.
        validators = []
