from rest_framework import mixins, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import DjangoModelPermissions

from safetyzone.core.api import FilterBackend

from . import selectors, services
from .filters import EnterpriseFilter
from .models import KeyArea
from .serializers import EnterpriseSerializer, KeyAreaSerializer, UnitSerializer


class ScopedModelPermissions(DjangoModelPermissions):
    """Model permissions, with view required for reads too.

    DRF finds the model by building the view's queryset (``get_queryset()``: the scoped
    queryset with its subqueries and annotations) on every request, only to read its
    model. Here the model is the view's ``queryset`` attribute's when it declares one,
    else ``get_queryset()``'s, found once per view class and action (the model of a
    view's action never changes); the permissions are DRF's public
    ``get_required_permissions`` of that model."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}

    _models: dict = {}  # noqa: RUF012 (one cache for the process)

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        perms = self.get_required_permissions(request.method, self.model_of(view))
        return request.user.has_perms(perms)

    def model_of(self, view):
        """The model whose permissions the view's action requires."""
        declared = getattr(type(view), "queryset", None)
        if declared is not None:
            return declared.model
        key = (type(view), getattr(view, "action", None))
        model = self._models.get(key)
        if model is None:
            model = self._models[key] = view.get_queryset().model
        return model


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = ["kind", "membership", "is_active"]
    search_fields = ["name", "short_name"]
    ordering_fields = ["order", "name"]

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)


class KeyAreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = KeyAreaSerializer
    queryset = KeyArea.objects.all()
    pagination_class = None


class EnterpriseViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    serializer_class = EnterpriseSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_class = EnterpriseFilter
    filter_backends = [FilterBackend, OrderingFilter]  # the set holds ``search``
    ordering_fields = ["name", "risk_grade", "created_at"]

    def get_queryset(self):
        return selectors.enterprise_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        key_areas = data.pop("key_areas", [])
        serializer.instance = services.enterprise_create(
            actor=self.request.user, key_areas=key_areas, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        key_areas = data.pop("key_areas", None)
        serializer.instance = services.enterprise_update(
            actor=self.request.user,
            enterprise=serializer.instance,
            key_areas=key_areas,
            **data,
        )
