"""API of leave: recorded leave (unavailability; committee staff record it directly) and
leave requests (asked by officers for themselves and by heads for their unit's people;
``decide`` grants or refuses, committee staff). Scoped through the selectors, changed
through the services."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safetyzone.core.api import GrantOrRefuseSerializer
from safetyzone.core.api_errors import CONFLICT

from ..filters import LeaveRequestFilter, UnavailabilityFilter
from ..selectors import leave as selectors
from ..services import leave as leave_services
from ..services import shifts as shifts_services
from ._common import DutyViewSet
from .serializers.leave import LeaveRequestSerializer, UnavailabilitySerializer


class UnavailabilityViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Recorded leave, business trips and training: the days the roster generator, the
    checks and swaps keep people off duty. Committee staff record them; a granted leave
    request records one too."""

    serializer_class = UnavailabilitySerializer
    filterset_class = UnavailabilityFilter
    ordering_fields = ["start_date", "created_at"]

    def get_queryset(self):
        return selectors.unavailability_list(user=self.request.user)

    def perform_create(self, serializer):
        absence = shifts_services.unavailability_create(
            actor=self.request.user, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=absence.pk)


class LeaveRequestViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, DutyViewSet
):
    """Leave requests, those waiting for a decision first. POST asks (for yourself, or as
    a department head for your unit's people); ``decide`` grants or refuses (committee
    staff). Each shows the person's shifts on published rosters within its days."""

    serializer_class = LeaveRequestSerializer
    filterset_class = LeaveRequestFilter
    ordering_fields = ["requested_at", "start_date", "decided_at"]

    def get_queryset(self):
        return selectors.leave_request_list(user=self.request.user)

    def perform_create(self, serializer):
        request = leave_services.leave_request_create(
            actor=self.request.user, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=request.pk)

    @extend_schema(
        request=GrantOrRefuseSerializer, responses={200: LeaveRequestSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Grant (the leave is recorded) or refuse (with a note saying why) a pending
        request; a decided request is not decided again (409)."""
        leave_request = self.get_object()
        params = GrantOrRefuseSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        leave_services.leave_request_decide(
            actor=request.user,
            request=leave_request,
            grant=params.validated_data["grant"],
            note=params.validated_data["note"],
        )
        decided = self.get_queryset().get(pk=leave_request.pk)
        return Response(self.get_serializer(decided).data)
