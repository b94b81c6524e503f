"""Helpers the duty services share: the permission check and the error shapes."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.formats import date_format

from safetyzone.org.models import User


def _require(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied


def _fail(message: str, field: str = NON_FIELD_ERRORS) -> ValidationError:
    return ValidationError({field: [message]})


def _day(d: date) -> str:
    return date_format(d, "Y-m-d")


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"
