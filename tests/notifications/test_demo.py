"""The demo's reminders: beat's daily sweep of this morning over every app's demo
records, and an overdue major hazard's reminder that nobody acknowledged passed one
level up, as the notifications page shows it; seeding again sends nothing twice."""

from io import StringIO

import pytest
from django.core.management import call_command

from safetyzone.notifications.models import Escalation, EscalationStep, Notification
from safetyzone.org.models import User


@pytest.mark.django_db
def test_the_demo_shows_an_unacknowledged_reminder_escalated_to_staff():
    call_command("seed_demo", stdout=StringIO())
    chains = Escalation.objects.filter(
        subject_type="major_hazard_overdue", steps__skipped=False
    ).distinct()
    assert chains.exists()
    chain = chains.first()
    assert chain.acknowledged_at is None and chain.level >= 1
    staff = User.objects.get(username="staff")
    escalated = Notification.objects.filter(
        recipient=staff, reason=Notification.Reason.ESCALATED, escalation=chain
    )
    assert escalated.exists()
    # The reminders of this morning's sweep are there too, for the heads.
    head = User.objects.get(username="head")
    assert Notification.objects.filter(
        recipient=head, reason__in=["overdue", "due_soon", "due_today"]
    ).exists()

    before = (Notification.objects.count(), EscalationStep.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Notification.objects.count(), EscalationStep.objects.count()) == before
