import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from safetyzone.notifications.models import Notification


class NotificationFactory(DjangoModelFactory[Notification]):
    class Meta:
        model = Notification

    kind = Notification.Kind.HAZARD
    reason = Notification.Reason.DUE_SOON
    subject_key = factory.Sequence(lambda n: f"inspections.hazard:{n}")
    subject_label = factory.Sequence(lambda n: f"Hazard {n}")
    subject_url = "/inspections/"
    due_date = factory.LazyFunction(timezone.localdate)
    message = "Rectification is due soon."
