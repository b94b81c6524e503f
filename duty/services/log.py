"""Changes of state of the duty log, handovers and open matters.

Preconditions: objects passed in came through a selector scoped to the actor.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from safetyzone.core.states import TransitionNotAllowed
from safetyzone.notifications.models import Notification
from safetyzone.notifications.services import notify
from safetyzone.org.models import User
from safetyzone.org.scoping import require_record

from ..models import (
    DutyLogEntry,
    Handover,
    IncidentReport,
    IncidentUpdate,
    OpenMatter,
    Shift,
    ShiftAssignment,
)
from ..selectors.log import handover_awaiting, incoming_leader, next_shift, open_matters_before
from ._common import _day, _fail, _require

# --- Duty log and handover ------------------------------------------------------------


def _check_on_shift(actor: User, shift: Shift, field: str = "shift") -> None:
    if not ShiftAssignment.objects.filter(shift=shift, person=actor).exists():
        raise _fail(_("You can only write the log of your own shift."), field)


@transaction.atomic
def log_entry_create(
    *,
    actor: User,
    shift: Shift,
    kind: str,
    content: str,
    at: datetime | None = None,
    corrects: DutyLogEntry | None = None,
) -> DutyLogEntry:
    """Append an entry to ``shift``'s log; a correction points at the entry it corrects.
    Only the people on the shift write its log, from its start until its handover is
    confirmed by the incoming leader: they stay on duty until then, so an entry may
    fall after the shift's planned end while the handover waits."""
    _require(actor, "duty.add_dutylogentry")
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    _check_on_shift(actor, shift)
    Shift.TRANSITIONS.check_in(
        shift.state,
        Shift.TRANSITIONS.open,
        _("This shift has been handed over; its log is closed."),
    )
    now = timezone.now()
    at = at or now
    entry = DutyLogEntry(
        shift=shift, at=at, kind=kind, content=content, corrects=corrects, author=actor
    )
    entry.full_clean()
    if at < shift.starts_at:
        raise _fail(_("The time must fall within the shift."), "at")
    if at > now + timedelta(minutes=5):
        raise _fail(_("The time cannot be in the future."), "at")
    if corrects is not None and corrects.shift_id != shift.pk:
        raise _fail(_("A correction belongs to the same shift's log."), "corrects")
    entry.save()
    return entry


def _incident_open(report: IncidentReport) -> bool:
    return not report.updates.filter(kind=IncidentUpdate.Kind.FINAL).exists()


def _carry_open_incidents(handover: Handover) -> None:
    """Every incident of the handed-over shift still open (no final report) becomes an
    open matter of the handover, once: none is dropped at the change of shift."""
    carried = set(
        OpenMatter.objects.filter(handover=handover, incident__isnull=False).values_list(
            "incident_id", flat=True
        )
    )
    reports = (
        IncidentReport.objects.filter(shift=handover.shift_id)
        .exclude(pk__in=carried)
        .exclude(updates__kind=IncidentUpdate.Kind.FINAL)
        .order_by("received_at", "pk")
    )
    for report in reports:
        text = _("Incident still open (no final report yet): %(incident)s, %(kind)s") % {
            "incident": report,
            "kind": report.get_kind_display(),
        }
        matter = OpenMatter(handover=handover, incident=report, text=text[:500])
        matter.full_clean()
        matter.save()


@transaction.atomic
def handover_create(
    *,
    actor: User,
    shift: Shift,
    new_matters: Sequence[str] = (),
    close_matters: dict[int, str] | None = None,
    notes: str = "",
    early_reason: str = "",
    handed_over_at: datetime | None = None,
) -> Handover:
    """Hand over ``shift``, once it has begun; before its end only with a reason
    (``early_reason``). The open matters of the previous handover carry over by
    themselves, except those closed now (``close_matters``: id → how); an incident
    still without its final report cannot be closed so. Every incident of the shift
    still open becomes a matter; ``new_matters`` are added. The incoming people are the
    next shift's. The shift stays open, its people on duty and its log writable, until
    the incoming leader confirms (``handover_confirm``)."""
    _require(actor, "duty.add_handover")
    shift = Shift.objects.select_for_update().select_related("roster").get(pk=shift.pk)
    _check_on_shift(actor, shift)
    Shift.TRANSITIONS.check(
        shift.state, Shift.State.HANDED_OVER, _("This shift has already been handed over.")
    )
    now = timezone.now()
    if now < shift.starts_at:
        raise _fail(_("A shift is handed over after it begins."), "shift")
    if handover_awaiting(shift) is not None:
        # Its matters and incidents are not all known until then: none may be dropped.
        raise TransitionNotAllowed(
            _("The handover into this shift waits for its leader's confirmation.")
        )
    handed_over_at = handed_over_at or now
    if handed_over_at < shift.starts_at:
        raise _fail(_("A shift is handed over after it begins."), "handed_over_at")
    if handed_over_at > now + timedelta(minutes=5):
        raise _fail(_("The time cannot be in the future."), "handed_over_at")
    early_reason = (early_reason or "").strip()
    if handed_over_at < shift.ends_at and not early_reason:
        raise _fail(
            _("The shift runs until %(end)s: say why it is handed over early.")
            % {"end": date_format(timezone.localtime(shift.ends_at), "Y-m-d H:i")},
            "early_reason",
        )
    close_matters = close_matters or {}
    inherited = open_matters_before(shift)
    unknown = set(close_matters) - {m.pk for m in inherited}
    if unknown:
        raise _fail(_("Only matters carried over to this shift can be closed here."), "matters")
    still_open = [
        m
        for m in inherited
        if m.pk in close_matters and m.incident is not None and _incident_open(m.incident)
    ]
    if still_open:
        raise _fail(
            _("“%(matter)s” stays open until the incident's final report is sent.")
            % {"matter": still_open[0].text},
            "matters",
        )
    following = next_shift(shift)
    handover = Handover(
        shift=shift,
        next_shift=following,
        handed_over_at=handed_over_at,
        notes=notes,
        early_reason=early_reason[:200],
        created_by=actor,
    )
    handover.full_clean()
    handover.save()
    handover.outgoing.set(list(shift.people.all()))
    if following is not None:
        handover.incoming.set(list(following.people.all()))
    for matter in inherited:
        if matter.pk in close_matters:
            matter.closed_at = handed_over_at
            matter.closed_by = actor
            matter.closing_note = (close_matters[matter.pk] or _("Closed"))[:200]
            matter.save(update_fields=["closed_at", "closed_by", "closing_note"])
        elif matter.incident is not None and not _incident_open(matter.incident):
            matter.closed_at = handed_over_at
            matter.closed_by = actor
            matter.closing_note = _("The final report was sent.")[:200]
            matter.save(update_fields=["closed_at", "closed_by", "closing_note"])
        else:
            OpenMatter.objects.create(
                handover=handover,
                text=matter.text,
                carried_from=matter,
                incident=matter.incident,
            )
    _carry_open_incidents(handover)
    for text in new_matters:
        text = text.strip()
        if text:
            matter = OpenMatter(handover=handover, text=text[:500])
            matter.full_clean()
            matter.save()
    leader = incoming_leader(following)
    if leader is not None:
        notify(
            recipient_ids=[leader.pk],
            kind=Notification.Kind.SHIFT,
            reason=Notification.Reason.TO_SIGN,
            subject=handover,
            subject_label=str(handover),
            subject_url=following.get_absolute_url(),
            message=_("%(person)s handed over the shift of %(day)s: confirm that you take it over.")
            % {"person": actor, "day": _day(shift.date)},
            exclude_id=actor.pk,
        )
    return handover


@transaction.atomic
def handover_confirm(*, actor: User, handover: Handover, at: datetime | None = None) -> Handover:
    """The incoming leader on duty takes the shift over: the handover is complete and
    the handed-over shift closes (its log with it). Incidents recorded on it since the
    handover was made carry over as well. A handover made when no next shift was
    rostered is confirmed by the leader of the one rostered since."""
    _require(actor, "duty.change_handover")
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    shift = Shift.objects.select_for_update().select_related("roster").get(pk=handover.shift_id)
    Handover.TRANSITIONS.check(
        handover.state, Handover.State.CONFIRMED, _("This handover has already been confirmed.")
    )
    following = handover.next_shift or next_shift(shift)
    if following is None:
        raise _fail(_("No next shift is rostered: nobody can take this one over yet."))
    if incoming_leader(following) != actor:
        raise _fail(_("Only the incoming leader on duty confirms the handover."))
    now = timezone.now()
    at = at or max(now, handover.handed_over_at)
    if at < handover.handed_over_at:
        raise _fail(_("A handover is confirmed after it is made."), "confirmed_at")
    if at > now + timedelta(minutes=5):
        raise _fail(_("The time cannot be in the future."), "confirmed_at")
    if handover.next_shift_id is None:
        handover.next_shift = following
        handover.incoming.set(list(following.people.all()))
    _carry_open_incidents(handover)
    handover.confirmed_at = at
    handover.confirmed_by = actor
    handover.full_clean()
    handover.save()
    shift.closed_at = handover.confirmed_at
    shift.save(update_fields=["closed_at"])
    return handover


@transaction.atomic
def open_matter_close(*, actor: User, matter: OpenMatter, note: str = "") -> OpenMatter:
    """Close a matter of the latest handover (one carried further would be a copy). An
    open incident's matter closes with the incident's final report, not by hand."""
    _require(actor, "duty.change_openmatter")
    matter = OpenMatter.objects.select_for_update().get(pk=matter.pk)
    # Kept by whoever keeps the duty days (the roster's unit or the people on the shift).
    require_record(actor, matter, any_path=True)
    OpenMatter.TRANSITIONS.check(
        matter.state, OpenMatter.State.CLOSED, _("This matter is already closed.")
    )
    if matter.carried_to.exists():
        raise TransitionNotAllowed(
            _("This matter was carried over; close it in the latest handover.")
        )
    if matter.incident_id is not None and _incident_open(matter.incident):
        raise TransitionNotAllowed(
            _("“%(matter)s” stays open until the incident's final report is sent.")
            % {"matter": matter.text}
        )
    matter.closed_at = timezone.now()
    matter.closed_by = actor
    matter.closing_note = note[:200]
    matter.save()
    return matter
