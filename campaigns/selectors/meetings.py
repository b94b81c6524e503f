"""Reads of directives, meetings and document numbers that depend on who asks.

Directives are the zone's common reference: every signed-in user reads them. Meetings
follow the scoping rule (the organising unit and the attending units) and, for anyone
who does not see all units, only once their notice is issued: a draft does not exist
for a department head.
"""

from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import scope_queryset, sees_all_units

from ..models import Directive, DocumentNumber, DocumentNumberSequence, Meeting, MeetingAttendance


def _signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# --- Directives ---------------------------------------------------------------------------


def directive_filter(qs: QuerySet[Directive], filters: dict[str, Any]) -> QuerySet[Directive]:
    """Narrow directives by ``q`` (title, number), ``issuer``, ``campaign``, the day of
    issue (``date_from``/``date_to``, or the range ``issued_on``)."""
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(title__icontains=q) | Q(number__icontains=q))
    if issuer := (filters.get("issuer") or "").strip():
        qs = qs.filter(issuer__icontains=issuer)
    if campaign := filters.get("campaign"):
        qs = qs.filter(campaign=campaign)
    if date_from := filters.get("date_from"):
        qs = qs.filter(issued_on__gte=date_from)
    if date_to := filters.get("date_to"):
        qs = qs.filter(issued_on__lte=date_to)
    return _in_range(qs, "issued_on", filters.get("issued_on"))


def _in_range(qs: QuerySet, field: str, period: slice | None) -> QuerySet:
    """A from-to range filter's value (a slice, either end open)."""
    if period is not None and period.start is not None:
        qs = qs.filter(**{f"{field}__gte": period.start})
    if period is not None and period.stop is not None:
        qs = qs.filter(**{f"{field}__lte": period.stop})
    return qs


def directive_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Directive]:
    qs = Directive.objects.select_related("campaign")
    if not _signed_in(user) or not user.has_perm("campaigns.view_directive"):
        return qs.none()
    return directive_filter(qs, filters or {})


def directive_get(*, user: User, pk: Any) -> Directive:
    return get_object_or_404(directive_list(user=user), pk=pk)


# --- Meetings -----------------------------------------------------------------------------


def attendable_units() -> QuerySet[Unit]:
    """The units a meeting can call: active units on the committee."""
    return Unit.objects.filter(is_active=True).exclude(membership=Unit.Membership.NONE)


def meeting_visible(*, user: User) -> QuerySet[Meeting]:
    """Every meeting ``user`` may see: all of them for staff and admins; issued ones of
    the user's unit (organised or attended) for everyone else."""
    qs = scope_queryset(Meeting.objects.all(), user)
    if not sees_all_units(user):
        qs = qs.filter(status=Meeting.Status.ISSUED)
    return qs


def notices_to_sign(*, user: User) -> QuerySet[MeetingAttendance]:
    """The issued notices the user's unit was called by and has not signed for yet,
    soonest meeting first (staff see every unit's; the home panel asks heads only)."""
    return (
        scope_queryset(
            MeetingAttendance.objects.filter(
                signed_at__isnull=True, meeting__status=Meeting.Status.ISSUED
            ),
            user,
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    )


def meeting_filter(qs: QuerySet[Meeting], filters: dict[str, Any]) -> QuerySet[Meeting]:
    """Narrow meetings by ``q`` (title, place, chair, number), ``campaign``, ``kind``,
    ``status``, ``organiser``, the day they start (``date_from``/``date_to``) or the
    moment (the range ``starts_at``)."""
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(place__icontains=q)
            | Q(chair__icontains=q)
            | Q(document_number__prefix__icontains=q)
        )
    if campaign := filters.get("campaign"):
        qs = qs.filter(campaign=campaign)
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if organiser := filters.get("organiser"):
        qs = qs.filter(organiser=organiser)
    if date_from := filters.get("date_from"):
        qs = qs.filter(starts_at__date__gte=date_from)
    if date_to := filters.get("date_to"):
        qs = qs.filter(starts_at__date__lte=date_to)
    return _in_range(qs, "starts_at", filters.get("starts_at"))


def meeting_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Meeting]:
    """Meetings for a list: one query for the rows, with the organiser, the number, the
    campaign and the counts of attending and signed units."""
    qs = meeting_visible(user=user).select_related("organiser", "campaign", "document_number")
    qs = meeting_filter(qs, filters or {})
    return qs.annotate(
        attending_count=Count("attendances", distinct=True),
        signed_count=Count("attendances", filter=Q(attendances__signed_at__isnull=False)),
    ).order_by("-starts_at", "pk")


def meeting_with_details(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Everything a meeting's page, notice or API representation shows, in a fixed
    number of queries whatever the number of meetings."""
    return qs.select_related(
        "organiser", "campaign", "document_number", "issued_by", "created_by"
    ).prefetch_related(
        "items",
        "attending_units",
        "key_periods",
        "directives",
        Prefetch(
            "attendances",
            queryset=MeetingAttendance.objects.select_related("unit", "signed_by"),
        ),
    )


def meeting_get(*, user: User, pk: Any) -> Meeting:
    return get_object_or_404(meeting_with_details(meeting_visible(user=user)), pk=pk)


def next_document_number(*, meeting: Meeting, at: datetime | None = None) -> str | None:
    """The number ``meeting``'s notice would take if issued at ``at`` (default now), for
    the preview before issuing: a read that reserves nothing (another notice issued
    first takes it). None when the organising unit has no prefix."""
    prefix = meeting.organiser.doc_number_prefix.strip()
    if not prefix:
        return None
    year = timezone.localdate(at or timezone.now()).year
    last = (
        DocumentNumberSequence.objects.filter(prefix=prefix, year=year)
        .values_list("last_value", flat=True)
        .first()
    )
    return DocumentNumber(prefix=prefix, year=year, sequence=(last or 0) + 1).text


def past_issue_reason(meeting: Meeting) -> str:
    """Why the notice of a meeting already begun was issued, from the meeting's history;
    "" for any other meeting (and then no query)."""
    if not meeting.is_issued or meeting.issued_at is None or meeting.issued_at <= meeting.starts_at:
        return ""
    record = (
        meeting.history.filter(status=Meeting.Status.ISSUED)
        .order_by("history_date", "history_id")
        .values_list("history_change_reason", flat=True)
        .first()
    )
    return record or ""


def meeting_is_past(meeting: Meeting, at: datetime | None = None) -> bool:
    """Whether the meeting has begun by ``at`` (default now): its notice then needs an
    explicit override to be issued."""
    return meeting.starts_at < (at or timezone.now())


# --- Document numbers ---------------------------------------------------------------------


def document_number_list(
    *, user: User, filters: dict[str, Any] | None = None
) -> QuerySet[DocumentNumber]:
    """The register of document numbers: staff and admins only."""
    qs = DocumentNumber.objects.select_related("issued_by", "meeting")
    if not sees_all_units(user):
        return qs.none()
    filters = filters or {}
    if prefix := filters.get("prefix"):
        qs = qs.filter(prefix=prefix)
    if year := filters.get("year"):
        qs = qs.filter(year=year)
    return qs
