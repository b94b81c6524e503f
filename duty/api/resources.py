"""API of emergency resources, stock movements, rescue teams and standby."""

from rest_framework import mixins

from ..filters import RescueTeamFilter, ResourceFilter, StandbyFilter, StockMovementFilter
from ..selectors import resources as selectors
from ..services import resources as services
from ._common import DutyViewSet
from .serializers.resources import (
    RescueTeamSerializer,
    ResourceSerializer,
    StandbySerializer,
    StockMovementSerializer,
)


class ResourceViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    DutyViewSet,
):
    """Emergency resources. Stock changes only through ``stock-movements``."""

    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter
    ordering_fields = ["name", "quantity"]

    def get_queryset(self):
        return selectors.resource_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        quantity = data.pop("quantity", 0)
        serializer.instance = services.resource_create(
            actor=self.request.user, quantity=quantity, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("quantity", None)
        serializer.instance = services.resource_update(
            actor=self.request.user, resource=serializer.instance, **data
        )


class StockMovementViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Stock out, back and in; refused when it would take stock below zero."""

    serializer_class = StockMovementSerializer
    filterset_class = StockMovementFilter
    ordering_fields = ["moved_at"]

    def get_queryset(self):
        return selectors.movement_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        resource = selectors.resource_get(user=self.request.user, pk=data.pop("resource").pk)
        serializer.instance = services.stock_move(
            actor=self.request.user, resource=resource, **data
        )


class RescueTeamViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    serializer_class = RescueTeamSerializer
    filterset_class = RescueTeamFilter
    ordering_fields = ["name"]

    def get_queryset(self):
        return selectors.team_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        members = [dict(m) for m in data.pop("members", [])]
        team = services.team_create(actor=self.request.user, members=members, **data)
        serializer.instance = selectors.team_get(user=self.request.user, pk=team.pk)


class StandbyViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Teams and resources standing by at a place during a key period."""

    serializer_class = StandbySerializer
    filterset_class = StandbyFilter
    ordering_fields = ["starts_at"]

    def get_queryset(self):
        return selectors.standby_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        user = self.request.user
        if data.get("team") is not None:
            data["team"] = selectors.team_get(user=user, pk=data["team"].pk)
        if data.get("resource") is not None:
            data["resource"] = selectors.resource_get(user=user, pk=data["resource"].pk)
        serializer.instance = services.standby_create(actor=user, **data)
