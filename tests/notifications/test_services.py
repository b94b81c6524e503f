from datetime import date

from safetyzone.notifications.models import Notification
from safetyzone.notifications.services import Draft, notifications_create


def _draft(user, **kwargs):
    values = {
        "recipient_id": user.pk,
        "kind": Notification.Kind.HAZARD,
        "reason": Notification.Reason.OVERDUE,
        "subject_key": "inspections.hazard:1",
        "subject_label": "YH-1",
        "due_date": date(2026, 3, 1),
        "message": "Overdue.",
    }
    return Draft(**(values | kwargs))


def test_the_same_step_is_sent_once(alice):
    notifications_create(drafts=[_draft(alice)])
    notifications_create(drafts=[_draft(alice), _draft(alice)])
    assert Notification.objects.count() == 1


def test_another_due_date_or_reason_is_another_notification(alice, bob):
    notifications_create(
        drafts=[
            _draft(alice),
            _draft(alice, due_date=date(2026, 3, 3)),
            _draft(alice, reason=Notification.Reason.ESCALATED),
            _draft(bob),
        ]
    )
    assert Notification.objects.count() == 4
