"""API of rosters (generate, check, publish) and swap requests. Scoped through the
selectors, changed through the services.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safetyzone.core.api_errors import CONFLICT

from .. import checks
from ..filters import RosterFilter, SwapRequestFilter
from ..models import (
    DutyRoster,
)
from ..selectors import rosters as selectors
from ..services import rosters as rosters_services
from ..services import swaps as swaps_services
from ._common import DutyViewSet
from .serializers.rosters import (
    CheckResultSerializer,
    DecisionSerializer,
    GenerateSerializer,
    RosterSerializer,
    SwapRequestSerializer,
)


class RosterViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Duty rosters; ``generate``, ``check`` and ``publish`` act on a draft."""

    serializer_class = RosterSerializer
    filterset_class = RosterFilter
    ordering_fields = ["start_date", "title"]

    def get_queryset(self):
        return selectors.roster_list(user=self.request.user).order_by("-start_date", "pk")

    def perform_create(self, serializer):
        serializer.instance = rosters_services.roster_create(
            actor=self.request.user, **serializer.validated_data
        )

    def _reload(self, roster: DutyRoster) -> Response:
        roster = selectors.roster_get(user=self.request.user, pk=roster.pk)
        return Response(RosterSerializer(roster, context=self.get_serializer_context()).data)

    @extend_schema(request=GenerateSerializer, responses={200: RosterSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def generate(self, request: Request, pk: str | None = None) -> Response:
        roster = self.get_object()
        params = GenerateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        rosters_services.roster_generate(
            roster=roster,
            actor=request.user,
            leaders=params.validated_data["leaders"],
            officers=params.validated_data["officers"],
            seed=params.validated_data["seed"],
        )
        return self._reload(roster)

    @extend_schema(responses=CheckResultSerializer)
    @action(detail=True, methods=["get"])
    def check(self, request: Request, pk: str | None = None) -> Response:
        issues = checks.roster_check(roster=self.get_object())
        return Response(CheckResultSerializer({"passes": not issues, "issues": issues}).data)

    @extend_schema(request=None, responses={200: RosterSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        roster = self.get_object()
        rosters_services.roster_publish(roster=roster, actor=request.user)
        return self._reload(roster)


class SwapRequestViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Swap requests: asked, accepted by the colleague, approved by committee staff."""

    serializer_class = SwapRequestSerializer
    filterset_class = SwapRequestFilter
    ordering_fields = ["requested_at"]

    def get_queryset(self):
        return selectors.swap_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        shift = selectors.shift_get(user=self.request.user, pk=data["shift"].pk)
        serializer.instance = swaps_services.swap_request_create(
            requester=self.request.user,
            shift=shift,
            counterpart=data["counterpart"],
            counterpart_shift=data.get("counterpart_shift"),
            reason=data["reason"],
        )

    @extend_schema(request=None, responses={200: SwapRequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        swap = swaps_services.swap_accept(swap=self.get_object(), actor=request.user)
        return Response(SwapRequestSerializer(swap).data)

    @extend_schema(request=None, responses={200: SwapRequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        swap = swaps_services.swap_decline(swap=self.get_object(), actor=request.user)
        return Response(SwapRequestSerializer(swap).data)

    @extend_schema(request=None, responses={200: SwapRequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        swap = swaps_services.swap_cancel(swap=self.get_object(), actor=request.user)
        return Response(SwapRequestSerializer(swap).data)

    @extend_schema(
        request=DecisionSerializer, responses={200: SwapRequestSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        params = DecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        swap = swaps_services.swap_approve(
            swap=self.get_object(), actor=request.user, note=params.validated_data["note"]
        )
        return Response(SwapRequestSerializer(swap).data)

    @extend_schema(
        request=DecisionSerializer, responses={200: SwapRequestSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        params = DecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        swap = swaps_services.swap_reject(
            swap=self.get_object(), actor=request.user, note=params.validated_data["note"]
        )
        return Response(SwapRequestSerializer(swap).data)
