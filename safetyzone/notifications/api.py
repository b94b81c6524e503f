from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safetyzone.core.filters import FilterSet

from . import selectors, services
from .escalation import escalation_acknowledge
from .models import Escalation, Notification
from .serializers import (
    ChannelPreferenceSerializer,
    MarkedSerializer,
    NotificationSerializer,
    UnitRobotSerializer,
)


class NotificationFilter(FilterSet):
    unread = filters.BooleanFilter(method="filter_unread", label="unread")
    needs_acknowledgement = filters.BooleanFilter(
        method="filter_needs_acknowledgement", label="needs acknowledgement"
    )

    class Meta:
        model = Notification
        fields = ["kind", "reason", "unread", "needs_acknowledgement"]

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)

    def filter_needs_acknowledgement(self, queryset, name, value):
        if value is None:
            return queryset
        waiting = Q(escalation__status__in=[Escalation.Status.OPEN, Escalation.Status.EXHAUSTED])
        return queryset.filter(waiting if value else ~waiting)


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

    @extend_schema(
        request=None,
        responses=NotificationSerializer,
        description=(
            "Acknowledge (签收) a reminder that must be acknowledged: its escalation stops at "
            "once, no level more is told, and the notification is marked read. Anyone who "
            "received the reminder or one of its steps may; acknowledging again, or one "
            "acknowledged by someone else, changes nothing and answers 200 with the first "
            "acknowledgement. A notification that needs no acknowledgement is a 409; another "
            "person's notification a 404."
        ),
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        escalation_acknowledge(notification=notification, actor=request.user)
        notification = selectors.notification_get(user=request.user, pk=notification.pk)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request: Request) -> Response:
        count = services.notifications_mark_all_read(user=request.user)
        return Response({"marked": count})


class MaySetUnitRobot(BasePermission):
    def has_permission(self, request, view) -> bool:
        return selectors.can_set_unit_robot(request.user)


class ChannelPreferencesView(APIView):
    """The signed-in user's own channels per kind of reminder; in-app is always on.

    GET lists every kind. PUT takes a list of ``{kind, email, webhook}``, PATCH a list
    of ``{kind}`` with ``email``, ``webhook`` or both; the kinds left out stay as they
    are. Both answer with the whole list. An unknown kind, a value other than true or
    false, or a kind given twice is a 400 and nothing is saved."""

    def _answer(self, request: Request) -> Response:
        rows = selectors.channel_preference_list(user=request.user)
        return Response(ChannelPreferenceSerializer(rows, many=True).data)

    @extend_schema(responses=ChannelPreferenceSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self._answer(request)

    def _change(self, request: Request, *, partial: bool) -> Response:
        serializer = ChannelPreferenceSerializer(
            data=request.data, many=True, partial=partial, allow_empty=False
        )
        if not serializer.is_valid():
            # DRF keys a refused item by its position, from 0; the error handler would
            # drop a 0 from the attribute ("kind" for "0.kind"): name positions as text.
            errors = serializer.errors
            if isinstance(errors, dict):
                errors = {str(key): value for key, value in errors.items()}
            raise ValidationError(errors)
        services.channel_preferences_set(
            user=request.user,
            choices={
                item["kind"]: (item.get("email"), item.get("webhook"))
                for item in serializer.validated_data
            },
        )
        return self._answer(request)

    @extend_schema(
        request=ChannelPreferenceSerializer(many=True),
        responses=ChannelPreferenceSerializer(many=True),
    )
    def put(self, request: Request) -> Response:
        return self._change(request, partial=False)

    @extend_schema(
        request=ChannelPreferenceSerializer(many=True, partial=True),
        responses=ChannelPreferenceSerializer(many=True),
    )
    def patch(self, request: Request) -> Response:
        return self._change(request, partial=True)


class UnitRobotView(APIView):
    """The group robot of the caller's own unit, for its head and the office's staff and
    admins (others: 403). The signing secret is never returned."""

    permission_classes = [IsAuthenticated, MaySetUnitRobot]

    def _answer(self, request: Request) -> Response:
        unit = request.user.unit
        webhook = selectors.unit_webhook_get(unit=unit)
        data = {
            "unit": unit.pk,
            "unit_name": str(unit),
            "url": webhook.url if webhook else "",
            "has_secret": bool(webhook and webhook.secret),
            "is_active": bool(webhook and webhook.is_active),
        }
        return Response(UnitRobotSerializer(data).data)

    @extend_schema(responses=UnitRobotSerializer)
    def get(self, request: Request) -> Response:
        return self._answer(request)

    def _change(self, request: Request, *, partial: bool) -> Response:
        serializer = UnitRobotSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.unit_webhook_set(
            actor=request.user, unit=request.user.unit, **serializer.validated_data
        )
        return self._answer(request)

    @extend_schema(request=UnitRobotSerializer, responses=UnitRobotSerializer)
    def put(self, request: Request) -> Response:
        return self._change(request, partial=False)

    @extend_schema(request=UnitRobotSerializer, responses=UnitRobotSerializer)
    def patch(self, request: Request) -> Response:
        return self._change(request, partial=True)
