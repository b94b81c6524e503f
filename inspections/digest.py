"""The hazards section of the weekly digest to committee staff: hazards open, overdue,
major ones open and those found over the past seven days (by the day found, so that a
hazard entered late counts in its own week), and the rectification
reports waiting for review. Two queries."""

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyzone.notifications.registry import DigestLine, DigestSection, register_digest_section

from .models import Hazard, HazardLevel, RectificationReport


def hazard_digest(now: datetime) -> list[DigestLine]:
    today = timezone.localdate(now)
    is_open = Q(status__in=Hazard.OPEN_STATUSES)
    hazards = Hazard.objects.aggregate(
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=is_open & Q(deadline__lt=today)),
        major=Count("pk", filter=is_open & Q(level=HazardLevel.MAJOR)),
        new=Count("pk", filter=Q(found_on__gte=today - timedelta(days=7), found_on__lt=today)),
    )
    waiting = RectificationReport.objects.filter(status=RectificationReport.Status.PENDING).count()
    return [
        DigestLine(_("Hazards open"), hazards["open"]),
        DigestLine(_("Hazards overdue"), hazards["overdue"]),
        DigestLine(_("Major hazards open"), hazards["major"]),
        DigestLine(_("Hazards found in the past 7 days"), hazards["new"]),
        DigestLine(_("Rectification reports awaiting review"), waiting),
    ]


register_digest_section(
    DigestSection(
        key="inspections.hazards",
        title=gettext_lazy("Hazards and rectification"),
        run=hazard_digest,
        order=20,
    )
)
