"""Reads of notifications: a person sees only their own."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification


def notification_list(*, user, unread: bool | None = None) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    queryset = Notification.objects.filter(recipient=user)
    if unread is True:
        queryset = queryset.filter(read_at__isnull=True)
    elif unread is False:
        queryset = queryset.filter(read_at__isnull=False)
    return queryset


def notification_get(*, user, pk: int) -> Notification:
    """The user's own notification; anyone else's is a 404."""
    return get_object_or_404(notification_list(user=user), pk=pk)


def unread_count(*, user) -> int:
    return notification_list(user=user, unread=True).count()
