"""What the duty viewsets share."""

from collections.abc import Callable
from typing import Any

from rest_framework import viewsets

from safetyzone.org.api import ScopedModelPermissions, service_errors


def run(service: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; its ValidationError becomes the API's 400."""
    with service_errors():
        return service(**kwargs)


class DutyViewSet(viewsets.GenericViewSet):
    permission_classes = [ScopedModelPermissions]
