"""The coverage matrix API: ``/api/v1/coverage/`` (the matrix of a key period) and
``/api/v1/coverage/cell/`` (a cell drilled into, its enterprises paged). The figures are
defined in ``inspections.selectors.coverage``. A key period that is not found is a 404,
and so is another unit's cell; a parameter of the wrong shape, or a unit the caller may
not read in the matrix's ``unit``, a 400 with the field's errors."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections.api.serializers.coverage import (
    CoverageEnterpriseSerializer,
    CoverageMatrixSerializer,
    CoverageQuerySerializer,
)
from inspections.forms.coverage import coverage_query
from inspections.models import InspectionTarget
from inspections.selectors import coverage as coverage_selectors
from safetyzone.org.api import ScopedModelPermissions

# What a query may be refused with, per parameter (the serializer's shape checks, then
# the form's choices).
QUERY_ERRORS = ["invalid", "max_string_length", "min_value", "invalid_choice", "required"]


def _query_errors(view):
    for name in ("key_period", "unit", "key_area"):
        view = extend_validation_errors(QUERY_ERRORS, field_name=name, methods=["get"])(view)
    return view


def _parameters(request: Request, *, cell: bool = False) -> dict:
    CoverageQuerySerializer(data=request.query_params).is_valid(raise_exception=True)
    _form, parameters = coverage_query(request.user, request.query_params, cell=cell)
    return parameters


@_query_errors
class CoverageView(APIView):
    """The coverage matrix of a key period: key areas × units, each cell with planned,
    inspected, hazards found, open and overdue, its state, and the gaps named. A head
    gets only their unit's row. Without ``key_period``, the one under way today, else
    the latest begun; with no key period at all, a 404."""

    # The planned visits' view permission (staff, heads, inspectors).
    queryset = InspectionTarget.objects.none()
    permission_classes = [ScopedModelPermissions]

    @extend_schema(parameters=[CoverageQuerySerializer], responses=CoverageMatrixSerializer)
    def get(self, request: Request) -> Response:
        parameters = _parameters(request)
        if parameters["key_period"] is None:
            raise Http404
        matrix = coverage_selectors.coverage_matrix(user=request.user, **parameters)
        return Response(CoverageMatrixSerializer(matrix).data)


@_query_errors
class CoverageCellView(generics.ListAPIView):
    """A cell drilled into: the enterprises of ``unit`` and ``key_area`` in the key
    period (supervised, planned, inspected or with hazards), each with its figures, by
    name, paged. ``unit`` and ``key_area`` are required; another unit's cell is a 404."""

    queryset = InspectionTarget.objects.none()
    permission_classes = [ScopedModelPermissions]
    serializer_class = CoverageEnterpriseSerializer
    filter_backends: list = []

    def get_queryset(self):
        parameters = _parameters(self.request, cell=True)
        if parameters["key_period"] is None:
            raise Http404
        self.unit = parameters["unit"]
        return coverage_selectors.coverage_enterprises(user=self.request.user, **parameters)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "unit": getattr(self, "unit", None)}

    @extend_schema(parameters=[CoverageQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
