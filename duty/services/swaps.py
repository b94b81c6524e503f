"""Changes of state of swap requests: asking, the counterpart's answer, the approval.

Preconditions: objects passed in came through a selector scoped to the actor.
"""

from collections.abc import Sequence
from datetime import timedelta

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.org.models import User
from safetyzone.org.roles import Role
from safetyzone.org.scoping import require_record

from .. import checks, notices
from ..models import (
    Shift,
    ShiftAssignment,
    ShiftChange,
    SwapRequest,
    Unavailability,
)
from ._common import _day, _fail, _require
from .shifts import _lock_published, _recheck

# --- Swaps --------------------------------------------------------------------------


def _role_on(shift: Shift, person: User) -> str | None:
    return (
        ShiftAssignment.objects.filter(shift=shift, person=person)
        .values_list("role", flat=True)
        .first()
    )


def _role_for(role: str) -> str:
    return Role.DUTY_LEADER if role == ShiftAssignment.Role.LEADER else Role.DUTY_OFFICER


def _person_conflicts(person: User, take: Sequence[Shift], drop: Sequence[Shift]) -> list[str]:
    """What would be wrong if ``person`` took the ``take`` shifts and left ``drop``:
    leave, two shifts at once or two in a row. Two queries."""
    if not take:
        return []
    problems = []
    first = min(s.starts_at for s in take) - timedelta(days=1)
    last = max(s.ends_at for s in take) + timedelta(days=1)
    kept = list(
        Shift.objects.filter(
            assignments__person=person, starts_at__lte=last, ends_at__gte=first
        ).exclude(pk__in=[s.pk for s in drop])
    )
    for shift in take:
        for other in kept:
            if other.pk == shift.pk:
                continue
            if other.starts_at < shift.ends_at and shift.starts_at < other.ends_at:
                problems.append(
                    _("%(person)s is already on duty on %(day)s.")
                    % {"person": person, "day": _day(other.date)}
                )
            elif other.starts_at == shift.ends_at or other.ends_at == shift.starts_at:
                problems.append(
                    _("%(person)s would work two shifts in a row (%(a)s and %(b)s).")
                    % {"person": person, "a": _day(shift.date), "b": _day(other.date)}
                )
    dates = [s.date for s in take]
    for absence in Unavailability.objects.filter(
        person=person, start_date__lte=max(dates), end_date__gte=min(dates)
    ):
        for d in dates:
            if absence.start_date <= d <= absence.end_date:
                problems.append(
                    _("%(person)s is away on %(day)s (%(kind)s).")
                    % {"person": person, "day": _day(d), "kind": absence.get_kind_display()}
                )
    return problems


def _swap_conflicts(swap: SwapRequest) -> list[str]:
    give = [swap.shift]
    take_back = [swap.counterpart_shift] if swap.counterpart_shift_id else []
    problems = _person_conflicts(swap.counterpart, give, take_back)
    problems += _person_conflicts(swap.requester, take_back, give)
    return problems


@transaction.atomic
def swap_request_create(
    *,
    requester: User,
    shift: Shift,
    counterpart: User,
    counterpart_shift: Shift | None = None,
    reason: str,
) -> SwapRequest:
    """Ask ``counterpart`` to take ``shift`` (and to give ``counterpart_shift`` in
    return, in a swap)."""
    _require(requester, "duty.add_swaprequest")
    errors: dict[str, list[str]] = {}
    role = _role_on(shift, requester)
    now = timezone.now()
    if role is None:
        errors["shift"] = [_("You are not on this shift.")]
    elif not shift.roster.is_published:
        errors["shift"] = [_("Swaps are for published rosters.")]
    elif shift.starts_at <= now:
        errors["shift"] = [_("This shift has already begun.")]
    if counterpart.pk == requester.pk:
        errors["counterpart"] = [_("Choose a colleague other than yourself.")]
    elif role and not (counterpart.is_active and counterpart.has_role(_role_for(role))):
        errors["counterpart"] = [
            _("%(person)s cannot serve as %(role)s.")
            % {"person": counterpart, "role": ShiftAssignment.Role(role).label}
        ]
    elif _role_on(shift, counterpart) is not None:
        errors["counterpart"] = [
            _("%(person)s is already on this shift.") % {"person": counterpart}
        ]
    if counterpart_shift is not None and role:
        other_role = _role_on(counterpart_shift, counterpart)
        if other_role is None:
            errors["counterpart_shift"] = [
                _("%(person)s is not on that shift.") % {"person": counterpart}
            ]
        elif other_role != role:
            errors["counterpart_shift"] = [_("A swap is between shifts of the same role.")]
        elif counterpart_shift.starts_at <= now:
            errors["counterpart_shift"] = [_("That shift has already begun.")]
        elif _role_on(counterpart_shift, requester) is not None:
            errors["counterpart_shift"] = [_("You are already on that shift.")]
    if (
        not errors
        and SwapRequest.objects.filter(
            shift=shift, requester=requester, status__in=SwapRequest.OPEN_STATUSES
        ).exists()
    ):
        errors["shift"] = [_("You already asked to swap this shift.")]
    if errors:
        raise ValidationError(errors)
    swap = SwapRequest(
        shift=shift,
        requester=requester,
        counterpart=counterpart,
        counterpart_shift=counterpart_shift,
        reason=reason,
    )
    swap.full_clean()
    problems = _swap_conflicts(swap)
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: problems})
    swap.save()
    notices.swap_requested(swap)
    return swap


def _locked(swap: SwapRequest) -> SwapRequest:
    return (
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related("shift__roster", "counterpart_shift", "requester", "counterpart")
        .get(pk=swap.pk)
    )


@transaction.atomic
def swap_accept(*, swap: SwapRequest, actor: User) -> SwapRequest:
    swap = _locked(swap)
    if actor.pk != swap.counterpart_id:
        raise PermissionDenied
    SwapRequest.TRANSITIONS.check(
        swap.status, SwapRequest.Status.ACCEPTED, _("This request is no longer waiting for you.")
    )
    problems = _swap_conflicts(swap)
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: problems})
    swap.status = SwapRequest.Status.ACCEPTED
    swap.responded_at = timezone.now()
    swap.save()
    notices.swap_accepted(swap)
    return swap


@transaction.atomic
def swap_decline(*, swap: SwapRequest, actor: User) -> SwapRequest:
    swap = _locked(swap)
    if actor.pk != swap.counterpart_id:
        raise PermissionDenied
    SwapRequest.TRANSITIONS.check(
        swap.status, SwapRequest.Status.DECLINED, _("This request is no longer waiting for you.")
    )
    swap.status = SwapRequest.Status.DECLINED
    swap.responded_at = timezone.now()
    swap.save()
    notices.swap_decided(swap, actor=actor)
    return swap


@transaction.atomic
def swap_cancel(*, swap: SwapRequest, actor: User) -> SwapRequest:
    swap = _locked(swap)
    if actor.pk != swap.requester_id:
        raise PermissionDenied
    SwapRequest.TRANSITIONS.check(
        swap.status, SwapRequest.Status.CANCELLED, _("Only an open request can be cancelled.")
    )
    swap.status = SwapRequest.Status.CANCELLED
    swap.save()
    return swap


@transaction.atomic
def swap_approve(*, swap: SwapRequest, actor: User, note: str = "") -> SwapRequest:
    """Apply an accepted swap to the roster, keep it in the shifts' history and tell
    the people affected."""
    _require(actor, "duty.approve_swaprequest")
    swap = _locked(swap)
    require_record(actor, swap)
    SwapRequest.TRANSITIONS.check(
        swap.status,
        SwapRequest.Status.APPROVED,
        _("Only a swap both people agreed to can be approved."),
    )
    now = timezone.now()
    shifts = [swap.shift] + ([swap.counterpart_shift] if swap.counterpart_shift_id else [])
    if any(s.starts_at <= now for s in shifts):
        raise _fail(_("A shift of this swap has already begun."))
    problems = _swap_conflicts(swap)
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: problems})
    rosters = {s.roster_id: s.roster for s in shifts}
    # Locked in one order, so that two approvals never wait on each other.
    checked = {
        pk: checks.roster_check(roster=rosters[pk])
        for pk in sorted(rosters)
        if _lock_published(rosters[pk])
    }
    moves = [(swap.shift, swap.requester, swap.counterpart)]
    if swap.counterpart_shift_id:
        moves.append((swap.counterpart_shift, swap.counterpart, swap.requester))
    for shift, before, after in moves:
        assignment = ShiftAssignment.objects.select_for_update().get(shift=shift, person=before)
        assignment.person = after
        assignment.full_clean()
        assignment.save()
        ShiftChange.objects.create(
            shift=shift,
            kind=ShiftChange.Kind.SWAP,
            role=assignment.role,
            person_before=before,
            person_after=after,
            swap_request=swap,
            changed_by=actor,
            changed_at=now,
            note=note[:200],
        )
    for pk, before in checked.items():
        _recheck(rosters[pk], before)
    swap.status = SwapRequest.Status.APPROVED
    swap.decided_by = actor
    swap.decided_at = now
    swap.decision_note = note
    swap.save()
    notices.swap_decided(swap, actor=actor)
    return swap


@transaction.atomic
def swap_reject(*, swap: SwapRequest, actor: User, note: str = "") -> SwapRequest:
    _require(actor, "duty.approve_swaprequest")
    swap = _locked(swap)
    require_record(actor, swap)
    SwapRequest.TRANSITIONS.check(
        swap.status, SwapRequest.Status.REJECTED, _("Only an open request can be rejected.")
    )
    swap.status = SwapRequest.Status.REJECTED
    swap.decided_by = actor
    swap.decided_at = timezone.now()
    swap.decision_note = note
    swap.save()
    notices.swap_decided(swap, actor=actor)
    return swap
