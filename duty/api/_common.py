"""What the duty viewsets share."""

from rest_framework import viewsets

from safetyzone.org.api import ScopedModelPermissions


class DutyViewSet(viewsets.GenericViewSet):
    permission_classes = [ScopedModelPermissions]
