"""Reads of incident reports (and their time limits) and weather warnings (and the
banner's cached list).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyzone.org.models import User
from safetyzone.org.scoping import scope_queryset

from ..models import (
    IncidentReport,
    IncidentUpdate,
    WeatherWarning,
)

# --- Incident reports -----------------------------------------------------------------


def report_limits(level: str) -> tuple[timedelta, timedelta]:
    """(phone, written) time limits of an incident of ``level``."""
    if level in IncidentReport.SERIOUS_LEVELS:
        return (
            timedelta(minutes=settings.DUTY_REPORT_SERIOUS_PHONE_MINUTES),
            timedelta(minutes=settings.DUTY_REPORT_SERIOUS_WRITTEN_MINUTES),
        )
    return (
        timedelta(minutes=settings.DUTY_REPORT_PHONE_MINUTES),
        timedelta(minutes=settings.DUTY_REPORT_WRITTEN_MINUTES),
    )


def incident_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[IncidentReport]:
    qs = scope_queryset(IncidentReport.objects.all(), user)
    filters = filters or {}
    for key in ("kind", "level", "shift"):
        if value := filters.get(key):
            qs = qs.filter(**{key: value})
    if start := filters.get("date_from"):
        qs = qs.filter(received_at__date__gte=start)
    if end := filters.get("date_to"):
        qs = qs.filter(received_at__date__lte=end)
    return qs.select_related("shift__roster", "recorded_by").prefetch_related(
        Prefetch("updates", queryset=IncidentUpdate.objects.order_by("sent_at", "pk"))
    )


def open_incidents(*, user: User) -> QuerySet[IncidentReport]:
    """Incident reports the user may see whose final report (终报) has not been sent
    yet, newest first, with their chain of reports prefetched for the deadlines."""
    return (
        incident_list(user=user)
        .exclude(updates__kind=IncidentUpdate.Kind.FINAL)
        .order_by("-received_at", "-pk")
    )


def incident_get(*, user: User, pk: Any) -> IncidentReport:
    return get_object_or_404(incident_list(user=user), pk=pk)


def incident_update_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    qs = IncidentUpdate.objects.filter(report__in=incident_list(user=user).values("pk"))
    if report := (filters or {}).get("report"):
        qs = qs.filter(report=report)
    return qs.select_related("report", "recorded_by")


@dataclass(frozen=True)
class Deadline:
    """A time limit of an incident report and whether it was met."""

    label: str
    due: datetime
    done_at: datetime | None

    @property
    def state(self) -> str:
        if self.done_at is not None:
            return "met" if self.done_at <= self.due else "late"
        return "running" if timezone.now() < self.due else "overdue"

    @property
    def met(self) -> bool | None:
        if self.done_at is None:
            return None if timezone.now() < self.due else False
        return self.done_at <= self.due

    @property
    def late_by(self) -> timedelta | None:
        if self.done_at is not None and self.done_at > self.due:
            return self.done_at - self.due
        return None


def incident_deadlines(report: IncidentReport) -> list[Deadline]:
    """The phone and written limits of ``report`` (from settings, by level): when each
    falls and when it was met. Uses the prefetched chain."""
    phone, written = report_limits(report.level)
    updates = sorted(report.updates.all(), key=lambda u: u.sent_at)
    first = updates[0].sent_at if updates else None
    first_written = next(
        (u.sent_at for u in updates if u.method == IncidentUpdate.Method.WRITTEN), None
    )
    return [
        Deadline(str(_("Report by phone")), report.received_at + phone, first),
        Deadline(str(_("Written report")), report.received_at + written, first_written),
    ]


# --- Warnings, resources, teams -------------------------------------------------------


def warning_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return WeatherWarning.objects.none()
    qs = WeatherWarning.objects.select_related("recorded_by")
    filters = filters or {}
    if level := filters.get("level"):
        qs = qs.filter(level=level)
    if filters.get("active"):
        now = timezone.now()
        qs = qs.filter(issued_at__lte=now, valid_until__gt=now).filter(
            Q(lifted_at__isnull=True) | Q(lifted_at__gt=now)
        )
    return qs


def warning_get(*, user: User, pk: Any) -> WeatherWarning:
    return get_object_or_404(warning_list(user=user), pk=pk)


BANNER_CACHE_SECONDS = 60


def _banner_cache_key() -> str:
    # One namespace per database: test databases sharing a Redis never mix.
    return f"duty:banner-warnings:{connection.settings_dict['NAME']}"


def banner_warnings(now: datetime | None = None) -> list[WeatherWarning]:
    """The active warnings for the banner on every page: read from the cache (filled
    at most once a minute, cleared whenever a warning is recorded or lifted), so that
    pages pay no query for it."""
    now = now or timezone.now()
    upcoming = cache.get(_banner_cache_key())
    if upcoming is None:
        upcoming = list(
            WeatherWarning.objects.filter(valid_until__gt=now).filter(
                Q(lifted_at__isnull=True) | Q(lifted_at__gt=now)
            )
        )
        cache.set(_banner_cache_key(), upcoming, BANNER_CACHE_SECONDS)
    order = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}
    active = [
        w
        for w in upcoming
        if w.issued_at <= now < w.valid_until and (w.lifted_at is None or w.lifted_at > now)
    ]
    return sorted(active, key=lambda w: (order.get(w.level, 9), w.issued_at))


def banner_warnings_forget() -> None:
    cache.delete(_banner_cache_key())


def active_warnings(now: datetime | None = None) -> list[WeatherWarning]:
    now = now or timezone.now()
    order = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}
    warnings = WeatherWarning.objects.filter(issued_at__lte=now, valid_until__gt=now).filter(
        Q(lifted_at__isnull=True) | Q(lifted_at__gt=now)
    )
    return sorted(warnings, key=lambda w: (order.get(w.level, 9), w.issued_at))
