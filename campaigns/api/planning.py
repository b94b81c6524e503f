"""API of planning: campaigns (with their phases) and key periods. Every signed-in user
with the role's view permission reads them; committee staff write them."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.filters import CampaignFilter, KeyPeriodFilter
from campaigns.selectors import planning as selectors
from campaigns.services import planning as services
from safetyzone.org.api import ScopedModelPermissions

from .serializers.planning import (
    CampaignCopySerializer,
    CampaignSerializer,
    KeyPeriodSerializer,
)

# --- Viewsets ----------------------------------------------------------------------------


class CampaignViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Campaigns with their phases; committee staff create, edit and copy them."""

    serializer_class = CampaignSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = CampaignFilter
    ordering_fields = ["start_date", "end_date", "name"]

    def get_queryset(self):
        return selectors.campaign_list(user=self.request.user).prefetch_related("phases")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        phases = data.pop("phases", [])
        serializer.instance = services.campaign_create(
            actor=self.request.user, phases=phases, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        phases = data.pop("phases", None)
        serializer.instance = services.campaign_update(
            actor=self.request.user, campaign=serializer.instance, phases=phases, **data
        )
        # The response shows the phases as they are now, not as first fetched.
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(
        request=CampaignCopySerializer,
        responses={201: OpenApiResponse(CampaignSerializer, description="The new campaign.")},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def copy(self, request: Request, pk: str | None = None) -> Response:
        """Copy the campaign to another year, with its phases, key periods and tasks."""
        campaign = self.get_object()
        params = CampaignCopySerializer(data=request.data)
        params.is_valid(raise_exception=True)
        copy = services.campaign_copy_to_year(
            campaign=campaign, year=params.validated_data["year"], actor=request.user
        )
        copy = self.get_queryset().get(pk=copy.pk)
        data = CampaignSerializer(copy, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class KeyPeriodViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Key periods of raised risk; committee staff create and edit them."""

    serializer_class = KeyPeriodSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = KeyPeriodFilter
    ordering_fields = ["start_date", "end_date", "name", "risk_level"]

    def get_queryset(self):
        return selectors.key_period_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        key_areas = data.pop("key_areas", [])
        serializer.instance = services.key_period_create(
            actor=self.request.user, key_areas=key_areas, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        key_areas = data.pop("key_areas", None)
        serializer.instance = services.key_period_update(
            actor=self.request.user,
            key_period=serializer.instance,
            key_areas=key_areas,
            **data,
        )


def register(router) -> None:
    """Add this area's viewsets to the API router."""
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("key-periods", KeyPeriodViewSet, basename="key-period")
