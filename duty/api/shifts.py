"""API of shifts (list, detail, current, create and edit)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safetyzone.core.api_errors import CONFLICT

from ..filters import ShiftFilter
from ..selectors import rosters as selectors
from ..services import shifts as services
from ._common import DutyViewSet
from .serializers.shifts import (
    CurrentShiftsSerializer,
    ShiftSerializer,
    ShiftWriteSerializer,
)
from .shift_rows import SHIFT_ROWS


class ShiftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet):
    """Shifts with their people. ``current`` is who is on duty now and tonight."""

    filterset_class = ShiftFilter
    ordering_fields = ["starts_at", "date"]

    def get_queryset(self):
        return selectors.shift_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        # The rows as values (shift_rows.py), as ShiftSerializer writes them.
        shifts = self.filter_queryset(self.get_queryset())
        page = self.paginator.paginate_rows(shifts, request, self, SHIFT_ROWS)
        return self.get_paginated_response(page)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ShiftWriteSerializer
        return ShiftSerializer

    def _people(self, data: dict) -> dict:
        return {"leader": data.get("leader"), "officers": data.get("officers", [])}

    @extend_schema(request=ShiftWriteSerializer, responses={201: ShiftSerializer})
    def create(self, request: Request) -> Response:
        params = ShiftWriteSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        if "roster" not in data or "date" not in data:
            raise DjangoValidationError(
                {f: ["This field is required."] for f in ("roster", "date") if f not in data}
            )
        roster = selectors.roster_get(user=request.user, pk=data["roster"].pk)
        shift = services.shift_create(
            actor=request.user,
            roster=roster,
            date=data["date"],
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            phone=data.get("phone", ""),
            **self._people(data),
        )
        shift = selectors.shift_get(user=request.user, pk=shift.pk)
        return Response(ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ShiftWriteSerializer, responses={200: ShiftSerializer, 409: CONFLICT})
    def update(self, request: Request, pk: str | None = None) -> Response:
        shift = self.get_object()
        params = ShiftWriteSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        services.shift_update(
            actor=request.user,
            shift=shift,
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            phone=data.get("phone"),
            **self._people(data),
        )
        shift = selectors.shift_get(user=request.user, pk=shift.pk)
        return Response(ShiftSerializer(shift).data)

    @extend_schema(responses=CurrentShiftsSerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def current(self, request: Request) -> Response:
        return Response(CurrentShiftsSerializer(selectors.shifts_current(user=request.user)).data)
