"""API shapes of directives, meetings and document numbers. Shape only: the services
validate against the model and decide."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from safetyzone.core.api import ModelSerializer
from safetyzone.org.models import Unit

from ...models import (
    Campaign,
    Directive,
    DocumentNumber,
    KeyPeriod,
    Meeting,
    MeetingAttendance,
    MeetingItem,
)
from ...selectors.meetings import attendable_units


class DirectiveSerializer(ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), allow_null=True, required=False
    )
    attachment = serializers.FileField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text="An image or a PDF (checked by content). Send null to remove it.",
    )
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = Directive
        fields = [
            "id",
            "issuer",
            "number",
            "issued_on",
            "title",
            "requirements",
            "campaign",
            "attachment",
            "attachment_url",
            "created_at",
        ]
        # The issuer's number is unique: the service says so, beside the number.
        validators: list = []

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_attachment_url(self, directive: Directive) -> str | None:
        """The login-protected download of the attachment, if there is one."""
        if not directive.attachment:
            return None
        url = reverse("campaigns:directive-attachment", args=[directive.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ItemTextsField(serializers.ListField):
    """The texts of a meeting's items of one kind, in order (read from the prefetched
    items; written as a list of strings)."""

    def __init__(self, *, kind: str, **kwargs):
        self.kind = kind
        kwargs.setdefault("child", serializers.CharField(max_length=2000))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def get_attribute(self, instance: Meeting) -> list[str]:
        return [item.text for item in instance.items.all() if item.kind == self.kind]


class AttendanceSerializer(ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    signed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = MeetingAttendance
        fields = ["unit", "unit_name", "signed_at", "signed_by", "signed_by_name"]
        read_only_fields = fields

    def get_signed_by_name(self, attendance: MeetingAttendance) -> str | None:
        return str(attendance.signed_by) if attendance.signed_by else None


class MeetingSerializer(ModelSerializer):
    organiser = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)
    attending_units = serializers.PrimaryKeyRelatedField(
        queryset=attendable_units(), many=True, required=False
    )
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), allow_null=True, required=False
    )
    key_periods = serializers.PrimaryKeyRelatedField(
        queryset=KeyPeriod.objects.all(), many=True, required=False
    )
    directives = serializers.PrimaryKeyRelatedField(
        queryset=Directive.objects.all(), many=True, required=False
    )
    agenda = ItemTextsField(kind=MeetingItem.Kind.AGENDA, help_text="Agenda items, in order.")
    requirements = ItemTextsField(
        kind=MeetingItem.Kind.REQUIREMENT, help_text="Requirements, in order."
    )
    document_number = serializers.CharField(
        source="document_number.text", read_only=True, allow_null=True
    )
    attendances = AttendanceSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "kind",
            "starts_at",
            "place",
            "chair",
            "organiser",
            "organiser_name",
            "attending_units",
            "campaign",
            "key_periods",
            "directives",
            "notice_body",
            "copy_to",
            "agenda",
            "requirements",
            "status",
            "document_number",
            "issued_at",
            "issued_by",
            "attendances",
            "minutes",
            "minutes_recorded_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "issued_at",
            "issued_by",
            "minutes",
            "minutes_recorded_at",
            "created_at",
            "updated_at",
        ]


class IssueSerializer(serializers.Serializer):
    """Issuing a notice takes a document number for good: a meeting already past is
    issued only with ``override_past`` true and a reason, kept in its history."""

    override_past = serializers.BooleanField(
        default=False, help_text="Issue although the meeting has already begun."
    )
    past_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text="Why a past meeting's notice is issued (required with override_past).",
    )


class MinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField(allow_blank=True, trim_whitespace=True)


class DocumentNumberSerializer(ModelSerializer):
    text = serializers.CharField(read_only=True)
    issued_by_name = serializers.SerializerMethodField()
    meeting = serializers.SerializerMethodField()

    class Meta:
        model = DocumentNumber
        fields = [
            "id",
            "text",
            "prefix",
            "year",
            "sequence",
            "issued_at",
            "issued_by",
            "issued_by_name",
            "meeting",
        ]
        read_only_fields = fields

    def get_issued_by_name(self, number: DocumentNumber) -> str | None:
        return str(number.issued_by) if number.issued_by else None

    def get_meeting(self, number: DocumentNumber) -> int | None:
        """The meeting whose notice carries this number."""
        try:
            return number.meeting.pk
        except Meeting.DoesNotExist:
            return None
