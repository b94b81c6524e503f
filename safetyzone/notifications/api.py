from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from . import selectors, services
from .models import Notification
from .serializers import MarkedSerializer, NotificationSerializer


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(method="filter_unread", label="unread")

    class Meta:
        model = Notification
        fields = ["kind", "reason", "unread"]

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The signed-in user's own notifications; another's is a 404."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    search_fields = ["subject_label", "message"]
    ordering_fields = ["created_at", "due_date"]

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Request, pk: str | None = None) -> Response:
        notification = services.notification_mark_read(notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request: Request) -> Response:
        count = services.notifications_mark_all_read(user=request.user)
        return Response({"marked": count})
