"""What the inspections viewsets share."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException

from inspections.forms.fields import inspector_choices
from inspections.services import _common as common_services
from safetyzone.core.api_errors import ErrorResponse409Serializer
from safetyzone.org.api import as_drf_error
from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import scope_queryset, unit_choices_for

# The answer of a transition the hazard's status does not allow.
CONFLICT = OpenApiResponse(ErrorResponse409Serializer, description="Not allowed in this state.")


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This change is not allowed in the record's current state."
    default_code = "conflict"


def run_service(call):
    """Call a service; its ValidationError becomes a 400 with field errors, a refused
    transition a 409."""
    try:
        return call()
    except common_services.TransitionNotAllowed as exc:
        raise Conflict(detail=" ".join(exc.messages), code=exc.code or "conflict") from exc
    except DjangoValidationError as exc:
        raise as_drf_error(exc) from exc


class ScopedRelationsMixin:
    """Related records offered to a serializer are the ones the user may see, so that an
    id of another unit's record is refused exactly like an id that does not exist."""

    scoped_fields: dict[str, type] = {}

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        user = self.request.user
        fields = getattr(serializer, "fields", {})
        for name, model in self.scoped_fields.items():
            field = fields.get(name)
            if field is None or field.read_only:
                continue
            target = getattr(field, "child_relation", field)
            if model is Unit:
                target.queryset = unit_choices_for(user)
            elif model is User:
                target.queryset = inspector_choices(user)
            else:
                target.queryset = scope_queryset(model._default_manager.all(), user)
        return serializer
