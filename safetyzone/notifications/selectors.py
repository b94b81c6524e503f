"""Reads of notifications: a person sees only their own."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification, UnitWebhook


def notification_list(*, user, unread: bool | None = None) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    queryset = (
        Notification.objects.filter(recipient=user)
        # A reminder to acknowledge shows its chain: who was told at each level, when.
        .select_related("escalation__acknowledged_by")
        .prefetch_related(
            "escalation__steps",
            Prefetch(
                "escalation__notifications",
                queryset=Notification.objects.select_related("recipient").order_by(
                    "escalation_level", "created_at", "pk"
                ),
                to_attr="told",
            ),
        )
    )
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


def channel_preference_list(*, user) -> list[dict]:
    """Every kind of reminder with the channels ``user`` wants: in-app always, email
    and group robot as saved (both when nothing is saved). One query."""
    from .models import ChannelPreference

    saved = {p.kind: p for p in ChannelPreference.objects.filter(user=user).order_by()}
    return [
        {
            "kind": kind,
            "label": str(label),
            "in_app": True,
            "email": saved[kind].email if kind in saved else True,
            "webhook": saved[kind].webhook if kind in saved else True,
        }
        for kind, label in Notification.Kind.choices
    ]


def can_set_unit_robot(user) -> bool:
    """Whether ``user`` may set their own unit's group robot: its head, or the office's
    staff and admins, as long as they belong to a unit."""
    from safetyzone.org.roles import Role

    return (
        getattr(user, "is_authenticated", False)
        and user.unit_id is not None
        and user.has_role(Role.DEPARTMENT_HEAD, Role.COMMITTEE_STAFF, Role.ADMIN)
    )


def unit_webhook_get(*, unit) -> UnitWebhook | None:
    """``unit``'s group robot, if it has one."""
    return UnitWebhook.objects.filter(unit=unit).first()
