"""API of planning: campaigns (with their phases) and key periods. Every signed-in user
with the role's view permission reads them; committee staff write them."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.models import Campaign, CampaignPhase, KeyPeriod, RiskLevel
from campaigns.selectors import planning as selectors
from campaigns.services import planning as services
from safetyzone.core.api import ModelSerializer, YearFilter
from safetyzone.org.api import ScopedModelPermissions, service_errors
from safetyzone.org.models import KeyArea, Unit

# --- Filters: the API's parameters, applied by the same selector code as the pages ------


class SelectorFilterSet(filters.FilterSet):
    """Declares and checks the query parameters; ``apply`` (a selector's filter
    function) narrows the queryset, so pages and API filter alike."""

    apply: ClassVar[Callable[[QuerySet, dict[str, Any]], QuerySet]]

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        given = {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}
        return type(self).apply(queryset, given)


class CampaignFilter(SelectorFilterSet):
    apply = staticmethod(selectors.campaign_filter)

    kind = filters.ChoiceFilter(choices=Campaign.Kind.choices)
    year = YearFilter(label="Running at some time in this year")
    lead_unit = filters.ModelChoiceFilter(queryset=Unit.objects.all())
    parent = filters.ModelChoiceFilter(queryset=Campaign.objects.all())


class KeyPeriodFilter(SelectorFilterSet):
    apply = staticmethod(selectors.key_period_filter)

    when = filters.ChoiceFilter(
        choices=[("active", "Active today"), ("upcoming", "Starting in the next 30 days")]
    )
    date_from = filters.DateFilter(label="Overlapping the days from this date")
    date_to = filters.DateFilter(label="Overlapping the days up to this date")
    risk_level = filters.ChoiceFilter(choices=RiskLevel.choices)
    duty_level = filters.ChoiceFilter(choices=KeyPeriod.DutyLevel.choices)
    key_area = filters.ModelChoiceFilter(field_name="key_areas", queryset=KeyArea.objects.all())
    campaign = filters.ModelChoiceFilter(queryset=Campaign.objects.all())


# --- Serializers: shape only; the services check the rules -------------------------------


class CampaignPhaseSerializer(ModelSerializer):
    # Writable: on an update, a phase with its id is changed, one without is added.
    id = serializers.IntegerField(required=False)

    class Meta:
        model = CampaignPhase
        fields = ["id", "kind", "name", "start_date", "end_date", "description"]


class CampaignSerializer(ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), allow_null=True, required=False
    )
    # allow_null, not default=None: DRF leaves a field with a default out of a partial
    # update's answer when its source is missing.
    parent_name = serializers.CharField(source="parent.name", read_only=True, allow_null=True)
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    phases = CampaignPhaseSerializer(
        many=True,
        required=False,
        help_text="On an update, the phases become exactly this list: a phase left out is "
        "removed. Leave the field out to keep the phases as they are.",
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "kind",
            "parent",
            "parent_name",
            "theme",
            "start_date",
            "end_date",
            "lead_unit",
            "lead_unit_name",
            "goals",
            "phases",
            "created_at",
            "updated_at",
        ]


class CampaignCopySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2200)


@extend_schema_field(
    {
        "type": "string",
        "enum": RiskLevel.values,
        "description": "The four-colour grading: major (red), high (orange), general "
        "(yellow), low (blue).",
    }
)
class RiskLevelField(serializers.ChoiceField):
    """The key period's risk level. Its choices are those of an enterprise's risk grade
    (the same four colours); the schema names it on its own rather than give one choice
    set two names, which the schema check refuses."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=RiskLevel.choices, **kwargs)


class KeyPeriodSerializer(ModelSerializer):
    risk_level = RiskLevelField(required=False)
    key_areas = serializers.PrimaryKeyRelatedField(
        queryset=KeyArea.objects.all(), many=True, required=False
    )
    key_area_names = serializers.SlugRelatedField(
        source="key_areas", slug_field="name", many=True, read_only=True
    )
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = KeyPeriod
        fields = [
            "id",
            "name",
            "start_date",
            "end_date",
            "risk_level",
            "key_areas",
            "key_area_names",
            "duty_level",
            "extra_duty_officers",
            "campaign",
            "notes",
            "created_at",
        ]


# --- Viewsets ----------------------------------------------------------------------------


class CampaignViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Campaigns with their phases; committee staff create, edit and copy them."""

    serializer_class = CampaignSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = CampaignFilter
    search_fields = ["name", "theme", "goals"]
    ordering_fields = ["start_date", "end_date", "name"]

    def get_queryset(self):
        return selectors.campaign_list(user=self.request.user).prefetch_related("phases")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        phases = data.pop("phases", [])
        with service_errors():
            serializer.instance = services.campaign_create(
                actor=self.request.user, phases=phases, **data
            )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        phases = data.pop("phases", None)
        with service_errors():
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
        with service_errors():
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
    search_fields = ["name", "notes"]
    ordering_fields = ["start_date", "end_date", "name", "risk_level"]

    def get_queryset(self):
        return selectors.key_period_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        key_areas = data.pop("key_areas", [])
        with service_errors():
            serializer.instance = services.key_period_create(
                actor=self.request.user, key_areas=key_areas, **data
            )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        key_areas = data.pop("key_areas", None)
        with service_errors():
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
