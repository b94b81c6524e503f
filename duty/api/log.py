"""API of the duty log and handovers, with their serializers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safetyzone.core.api import DateTimeField, ModelSerializer
from safetyzone.core.api_errors import CONFLICT

from ..filters import HandoverFilter, LogFilter
from ..models import (
    DutyLogEntry,
    Handover,
    OpenMatter,
)
from ..selectors import log as log_selectors
from ..selectors import rosters as rosters_selectors
from ..services import log as services
from .base import DutyViewSet


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


@extend_schema_view(create=extend_schema(responses={201: LogEntrySerializer, 409: CONFLICT}))
class DutyLogViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """The duty log: append-only. A correction is a new entry with ``corrects``."""

    serializer_class = LogEntrySerializer
    filterset_class = LogFilter
    ordering_fields = ["at"]

    def get_queryset(self):
        return log_selectors.log_entry_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        shift = rosters_selectors.shift_get(user=self.request.user, pk=data["shift"].pk)
        serializer.instance = services.log_entry_create(
            actor=self.request.user,
            shift=shift,
            kind=data["kind"],
            content=data["content"],
            at=data.get("at"),
            corrects=data.get("corrects"),
        )


@extend_schema_view(create=extend_schema(responses={201: HandoverSerializer, 409: CONFLICT}))
class HandoverViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Handovers. A shift is handed over once it has begun (before its end only with
    ``early_reason``); open matters and open incidents carry over by themselves. The
    shift closes when the incoming leader on duty confirms (``confirm``)."""

    serializer_class = HandoverSerializer
    filterset_class = HandoverFilter
    ordering_fields = ["handed_over_at"]

    def get_queryset(self):
        return log_selectors.handover_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        shift = rosters_selectors.shift_get(user=self.request.user, pk=data["shift"].pk)
        try:
            close = {int(k): v for k, v in (data.get("close_matters") or {}).items()}
        except ValueError as exc:
            raise DjangoValidationError({"close_matters": ["Keys are matter ids."]}) from exc
        handover = services.handover_create(
            actor=self.request.user,
            shift=shift,
            new_matters=data.get("new_matters", []),
            close_matters=close,
            notes=data.get("notes", ""),
            early_reason=data.get("early_reason", ""),
            handed_over_at=data.get("handed_over_at"),
        )
        serializer.instance = log_selectors.handover_get(user=self.request.user, pk=handover.pk)

    @extend_schema(request=None, responses={200: HandoverSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """The incoming leader on duty takes the shift over; it closes."""
        handover = self.get_object()
        services.handover_confirm(actor=request.user, handover=handover)
        return Response(
            HandoverSerializer(log_selectors.handover_get(user=request.user, pk=handover.pk)).data
        )
