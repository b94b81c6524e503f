"""API of the duty log and handovers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safetyzone.core.api_errors import CONFLICT

from ..filters import HandoverFilter, LogFilter
from ..selectors import log as log_selectors
from ..selectors import rosters as rosters_selectors
from ..services import log as services
from ._common import DutyViewSet
from .serializers.log import (
    HandoverSerializer,
    LogEntrySerializer,
)


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
