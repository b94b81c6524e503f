"""The task assignments section of the weekly digest to committee staff: what is
overdue, what falls due this week, what the units have not signed for yet, and the
extension requests waiting for a decision. Two queries."""

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyzone.notifications.registry import DigestLine, DigestSection, register_digest_section

from .models import ExtensionRequest, TaskAssignment


def task_assignment_digest(now: datetime) -> list[DigestLine]:
    today = timezone.localdate(now)
    week_end = today + timedelta(days=6 - today.weekday())
    is_open = ~Q(status=TaskAssignment.Status.DONE)
    counts = TaskAssignment.objects.aggregate(
        overdue=Count("pk", filter=is_open & Q(deadline__lt=today)),
        due=Count("pk", filter=is_open & Q(deadline__gte=today, deadline__lte=week_end)),
        unsigned=Count("pk", filter=Q(status=TaskAssignment.Status.ISSUED)),
    )
    extensions = ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).count()
    return [
        DigestLine(_("Overdue"), counts["overdue"]),
        DigestLine(_("Due this week"), counts["due"]),
        DigestLine(_("Not yet signed for"), counts["unsigned"]),
        DigestLine(_("Extension requests awaiting a decision"), extensions),
    ]


register_digest_section(
    DigestSection(
        key="campaigns.task_assignments",
        title=gettext_lazy("Task assignments"),
        run=task_assignment_digest,
        order=10,
    )
)
