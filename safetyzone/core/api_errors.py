"""The API's one error format everywhere under /api/, and its place in the schema.

Every error is drf-standardized-errors' JSON (``type``, and ``errors`` of ``code``,
``detail``, ``attr``): from a DRF view through :class:`ExceptionHandler`, and from
Django itself (no URL matched, a body over DATA_UPLOAD_MAX_MEMORY_SIZE before a view
ran, a crash) through :func:`json_error` in the project's error views.
"""

import inspect
import re

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from drf_standardized_errors import handler, openapi, openapi_serializers
from drf_standardized_errors.types import CLIENT_ERROR, SERVER_ERROR
from rest_framework import exceptions, serializers, status
from rest_framework.fields import get_error_detail
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from .states import TransitionNotAllowed

API_PREFIX = "/api/"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This change is not allowed in the record's current state.")
    default_code = "conflict"


def as_drf_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's (or model's) ValidationError as DRF's: the same field names, and each
    error's code kept for the client (``uscc_check``, ``unique``...) as DRF's own
    validators keep theirs; model-wide errors named the way serializers name them."""
    detail = get_error_detail(exc)
    if not isinstance(detail, dict):
        detail = {NON_FIELD_ERRORS: detail}
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return exceptions.ValidationError(detail)


class ExceptionHandler(handler.ExceptionHandler):
    """drf-standardized-errors' handler, and the one glue between the services and HTTP:
    API views call services directly and what a service raises is answered the same way
    on every resource:

    - a step the record's status graph refuses (``TransitionNotAllowed``): 409;
    - a broken rule (Django's ``ValidationError``): 400 with the fields named;
    - an outsider (``OutsideUnit``, ``Http404``): 404, as if the record did not exist;
    - a missing role (``PermissionDenied``): 403;
    - a body over the size limit: 413, a form with too many fields or files: 400.
    """

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, TransitionNotAllowed):
            return Conflict(detail=" ".join(exc.messages), code=exc.code or "conflict")
        if isinstance(exc, DjangoValidationError):
            return as_drf_error(exc)
        if isinstance(exc, RequestDataTooBig):
            return PayloadTooLarge()
        if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
            return exceptions.ParseError(str(exc))
        return super().convert_known_exceptions(exc)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(status_code: int, code: str, detail) -> JsonResponse:
    kind = SERVER_ERROR if status_code >= 500 else CLIENT_ERROR
    body = {"type": kind, "errors": [{"code": code, "detail": str(detail), "attr": None}]}
    return JsonResponse(body, status=status_code)


def api_error_400(exception=None) -> JsonResponse:
    if isinstance(exception, RequestDataTooBig):
        return json_error(413, PayloadTooLarge.default_code, PayloadTooLarge.default_detail)
    return json_error(400, "bad_request", _("The request could not be understood."))


def api_error_403() -> JsonResponse:
    return json_error(403, "permission_denied", exceptions.PermissionDenied.default_detail)


def api_error_404() -> JsonResponse:
    return json_error(404, "not_found", exceptions.NotFound.default_detail)


def api_error_500() -> JsonResponse:
    return json_error(500, "error", exceptions.APIException.default_detail)


# --- The schema -------------------------------------------------------------------------


class Error409Serializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse409Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=openapi_serializers.ClientErrorEnum.choices)
    errors = Error409Serializer(many=True)


# The schema's answer of an action whose status graph may refuse it.
CONFLICT = OpenApiResponse(ErrorResponse409Serializer, description="Not allowed in this state.")


class Error413Serializer(Error409Serializer):
    code = serializers.ChoiceField(choices=[(PayloadTooLarge.default_code,) * 2])


class ErrorResponse413Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=openapi_serializers.ClientErrorEnum.choices)
    errors = Error413Serializer(many=True)


WRITES = ("POST", "PUT", "PATCH", "DELETE")


class AutoSchema(openapi.AutoSchema):
    """drf-standardized-errors' schema, with what the services add: every write may be
    refused by a rule of its service (a 400 validation error, ``non_field_errors`` or a
    field's name, even an action without a body) or by its record's status graph (409),
    any signed-in operation by the role (403), and the 413 of a body over the size limit
    on every operation that takes a body."""

    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        # A write may be a step its record's status graph refuses (409), on any resource.
        if status_code in ("409", "413") and self.method not in WRITES:
            return False
        return super()._should_add_error_response(responses, status_code)

    def _should_add_http403_error_response(self) -> bool:
        # Signed in is not enough: the services and file views check the role too.
        permissions = self.view.get_permissions()
        return not all(type(permission) is AllowAny for permission in permissions)

    def _should_add_validation_error_response(self) -> bool:
        return self.method in WRITES or super()._should_add_validation_error_response()

    def _determine_fields_with_error_codes(self) -> list:
        if self.method in WRITES and not _is_serializer(self.get_request_serializer()):
            return []  # no body, or one per media type: the other fields cover it
        return super()._determine_fields_with_error_codes()

    def _get_validation_error_codes_by_field(self, data_fields) -> dict[str, set[str]]:
        codes = super()._get_validation_error_codes_by_field(data_fields)
        if self.method in WRITES:
            codes.setdefault(api_settings.NON_FIELD_ERRORS_KEY, set()).add("invalid")
        return codes


def _is_serializer(item) -> bool:
    return isinstance(item, serializers.Field) or (
        inspect.isclass(item) and issubclass(item, serializers.Field)
    )


def validation_errors_as_answered(result, generator, request, public):
    """Make the validation error components of drf-standardized-errors say what the API
    answers:

    - a field's code is listed as an enum of the codes its serializer field knows, but
      the services' rules add their own (``uscc_check``, ``deadline_before_found``...)
      under the same field names: the code is any string, the known ones described;
    - the error of a list's item is named by its index (``photo_files.0``, ``0.kind``)
      where the schema says ``photo_files.INDEX`` (and ``KEY`` for a dict's key): such
      an ``attr`` becomes a pattern."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, component in schemas.items():
        properties = component.get("properties", {})
        if not name.endswith("ErrorComponent") or "code" not in properties:
            continue
        known = _enum(schemas, properties["code"])
        listed = ", ".join(f"`{item}`" for item in known)
        properties["code"] = {"type": "string"}
        if listed:
            properties["code"]["description"] = f"The error's code, such as {listed}."
        attrs = _enum(schemas, properties.get("attr", {}))
        if len(attrs) == 1 and attrs[0] and _PLACEHOLDERS & set(attrs[0].split(".")):
            properties["attr"] = {"type": "string", "pattern": _attr_pattern(attrs[0])}
    for name in [name for name in schemas if name.endswith("ValidationError")]:
        _other_fields(schemas, name)
    return result


def _other_fields(schemas: dict, name: str) -> None:
    """A service's rule may name a model field the request does not have (``status``
    of a meeting that is already issued): besides the request's own fields, a
    validation error's ``attr`` may be any other name, or null for an error of the whole
    request raised as a plain message."""
    items = schemas[name].get("properties", {}).get("errors", {}).get("items", {})
    errors = schemas.get(items.get("$ref", "").rsplit("/", 1)[-1])
    if not errors or "oneOf" not in errors:
        return
    known = [
        schemas[ref["$ref"].rsplit("/", 1)[-1]]["properties"]["attr"] for ref in errors["oneOf"]
    ]
    other = f"{name.removesuffix('ValidationError')}OtherFieldErrorComponent"
    schemas[other] = {
        "type": "object",
        "description": "An error of a rule of the service on another field.",
        "properties": {
            "attr": {"type": "string", "nullable": True, "not": {"anyOf": known}},
            "code": {"type": "string"},
            "detail": {"type": "string"},
        },
        "required": ["attr", "code", "detail"],
    }
    errors["oneOf"].append({"$ref": f"#/components/schemas/{other}"})
    # The attr is no longer one of a closed set of names.
    errors.pop("discriminator", None)


_PLACEHOLDERS = {"INDEX", "KEY"}


def _enum(schemas: dict, prop: dict) -> list:
    if "$ref" in prop:
        prop = schemas.get(prop["$ref"].rsplit("/", 1)[-1], {})
    return list(prop.get("enum") or ())


def _attr_pattern(attr: str) -> str:
    parts = {"INDEX": r"\d+", "KEY": r"[^.]+"}
    return "^" + r"\.".join(parts.get(part, re.escape(part)) for part in attr.split(".")) + "$"
