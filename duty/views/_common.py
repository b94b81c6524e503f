"""Helpers the duty pages share."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from safetyzone.core.forms import errors_to_form


def _apply(form, action: Callable[[], Any]) -> Any:
    """Run a service; put its errors beside the form's fields. None when it refused."""
    try:
        return action()
    except ValidationError as exc:
        errors_to_form(form, exc)
        return None


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for problem in exc.messages:
        messages.error(request, problem)


def _month(value: str | None) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month
