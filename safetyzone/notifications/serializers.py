from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from safetyzone.core.api import ModelSerializer

from .models import Escalation, EscalationRule, Notification


class EscalationStepSerializer(serializers.Serializer):
    """One level of the chain: 0 is the reminder itself."""

    level = serializers.IntegerField()
    target = serializers.ChoiceField(
        choices=[("", "")] + EscalationRule.Level.choices,
        help_text=_("Empty for the reminder itself."),
    )
    skipped = serializers.BooleanField(help_text=_("Nobody new to tell at this level."))
    at = serializers.DateTimeField(read_only=True)
    people = serializers.ListField(child=serializers.CharField(), help_text=_("Who was told."))


class EscalationSerializer(ModelSerializer):
    """The chain of a reminder that must be acknowledged."""

    acknowledged_by = serializers.StringRelatedField()
    steps = serializers.SerializerMethodField()

    class Meta:
        model = Escalation
        fields = ["status", "level", "next_at", "acknowledged_by", "acknowledged_at", "steps"]
        read_only_fields = fields

    @extend_schema_field(EscalationStepSerializer(many=True))
    def get_steps(self, escalation: Escalation) -> list[dict]:
        return EscalationStepSerializer(escalation.history(), many=True).data


class NotificationSerializer(ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)
    needs_acknowledgement = serializers.SerializerMethodField(
        help_text=_("A reminder that must be acknowledged and nobody has yet.")
    )
    escalation = EscalationSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("Its chain when it must be acknowledged; null otherwise."),
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "reason",
            "subject_label",
            "subject_url",
            "due_date",
            "message",
            "is_read",
            "read_at",
            "created_at",
            "needs_acknowledgement",
            "escalation",
        ]
        read_only_fields = fields

    def get_needs_acknowledgement(self, notification: Notification) -> bool:
        chain = notification.escalation
        return chain is not None and chain.needs_acknowledgement


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false, nothing else: "yes", 1 or "on" are refused."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class ChannelPreferenceListSerializer(serializers.ListSerializer):
    def validate(self, attrs):
        kinds = [item["kind"] for item in attrs]
        if len(kinds) != len(set(kinds)):
            raise serializers.ValidationError(
                _("Each kind of reminder may appear only once."), code="duplicate"
            )
        return attrs


class ChannelPreferenceSerializer(serializers.Serializer):
    """The channels of one kind of reminder: in-app always, email and group robot as the
    user chooses. PUT gives both channels of each kind sent, PATCH any of them; kinds not
    sent stay as they are."""

    kind = serializers.ChoiceField(choices=Notification.Kind.choices)
    label = serializers.CharField(read_only=True)
    in_app = serializers.BooleanField(read_only=True, help_text=_("Always on."))
    email = StrictBooleanField()
    webhook = StrictBooleanField(help_text=_("The unit's group robot."))

    class Meta:
        list_serializer_class = ChannelPreferenceListSerializer

    def validate(self, attrs):
        # PATCH leaves the channels optional, never the kind they belong to.
        if "kind" not in attrs:
            message = self.fields["kind"].error_messages["required"]
            raise serializers.ValidationError({"kind": [message]}, code="required")
        return attrs


class UnitRobotSerializer(serializers.Serializer):
    """The group robot of the caller's own unit. The signing secret is write-only:
    ``has_secret`` tells whether one is set; left out of a PUT or PATCH, it stays as it
    is, an empty string removes it. With no robot set, ``url`` is empty."""

    unit = serializers.IntegerField(read_only=True)
    unit_name = serializers.CharField(read_only=True)
    url = serializers.CharField(max_length=500, help_text=_("An http:// or https:// address."))
    secret = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
    )
    has_secret = serializers.BooleanField(read_only=True)
    is_active = StrictBooleanField(required=False)
