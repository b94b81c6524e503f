"""Pages of a shift (its detail and editing) and of swap requests."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safetyzone.core.filters import page_filter
from safetyzone.core.pagination import Paginator
from safetyzone.org.scoping import can_act_on

from ..filters import SwapRequestFilter
from ..forms import (
    LogEntryForm,
    ShiftForm,
    SwapForm,
)
from ..models import (
    Shift,
    ShiftAssignment,
    SwapRequest,
)
from ..selectors import incidents as incidents_selectors
from ..selectors import log as log_selectors
from ..selectors import rosters as rosters_selectors
from ..services import shifts as shifts_services
from ..services import swaps as swaps_services
from ._common import _apply, _flash_errors

# --- Shifts --------------------------------------------------------------------------


def _role_of(shift, user) -> str | None:
    for a in shift.assignments.all():
        if a.person_id == user.pk:
            return a.role
    return None


@login_required
@permission_required("duty.view_shift", raise_exception=True)
@require_GET
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shift = rosters_selectors.shift_get(user=request.user, pk=pk)
    role = _role_of(shift, request.user)
    can_read_log = request.user.has_perm("duty.view_dutylogentry")
    entries = (
        list(log_selectors.log_entry_list(user=request.user, filters={"shift": shift}))
        if can_read_log
        else []
    )
    handover = (
        log_selectors.handover_list(user=request.user, filters={"shift": shift}).first()
        if can_read_log
        else None
    )
    reports = (
        list(incidents_selectors.incident_list(user=request.user, filters={"shift": shift}))
        if request.user.has_perm("duty.view_incidentreport")
        else []
    )
    # Offered as the services decide: the person's place on the shift or the write rule,
    # the role permission, and the shift's graph (open, handed over, closed).
    user = request.user
    state = (
        Shift.State.CLOSED
        if shift.is_closed
        else (Shift.State.HANDED_OVER if handover is not None else shift.state)
    )
    writable = state in Shift.TRANSITIONS.open
    context = {
        "shift": shift,
        "role": role,
        "entries": entries,
        "handover": handover,
        "reports": reports,
        "can_record_incident": bool(role) and writable and user.has_perm("duty.add_incidentreport"),
        "can_hand_over": bool(role)
        and Shift.TRANSITIONS.allows(state, Shift.State.HANDED_OVER)
        and user.has_perm("duty.add_handover"),
        "can_edit": writable and user.has_perm("duty.change_shift") and can_act_on(user, shift),
        "log_form": LogEntryForm(shift=shift) if role and writable else None,
        "changes": shift.changes.select_related("person_before", "person_after", "changed_by")
        if can_read_log or request.user.has_perm("duty.view_shiftchange")
        else [],
        "carried": log_selectors.open_matters_before(shift) if role and writable else [],
        "awaiting": log_selectors.handover_awaiting(shift) if role == "leader" else None,
    }
    return render(request, "duty/shift_detail.html", context)


@login_required
@permission_required("duty.add_shift", raise_exception=True)
def shift_create(request: HttpRequest, roster_pk: int) -> HttpResponse:
    roster = rosters_selectors.roster_get(user=request.user, pk=roster_pk)
    form = ShiftForm(request.POST or None, initial={"date": request.GET.get("date")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shift = _apply(
            form,
            lambda: shifts_services.shift_create(
                actor=request.user,
                roster=roster,
                date=data["date"],
                leader=data["leader"],
                officers=list(data["officers"]),
                phone=data["phone"],
            ),
        )
        if shift is not None:
            messages.success(request, _("The shift was added."))
            return redirect(roster)
    return render(request, "duty/shift_form.html", {"form": form, "roster": roster})


@login_required
@permission_required("duty.change_shift", raise_exception=True)
def shift_update(request: HttpRequest, pk: int) -> HttpResponse:
    shift = rosters_selectors.shift_get(user=request.user, pk=pk)
    people = list(shift.assignments.all())
    initial = {
        "date": shift.date,
        "leader": next((a.person for a in people if a.role == "leader"), None),
        "officers": [a.person for a in people if a.role == "officer"],
        "phone": shift.phone,
    }
    form = ShiftForm(request.POST or None, initial=initial)
    form.fields["date"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _apply(
            form,
            lambda: shifts_services.shift_update(
                actor=request.user,
                shift=shift,
                leader=data["leader"],
                officers=list(data["officers"]),
                phone=data["phone"],
                note=data["note"],
            ),
        )
        if saved is not None:
            messages.success(request, _("The shift was changed."))
            return redirect(saved)
    return render(
        request, "duty/shift_form.html", {"form": form, "roster": shift.roster, "shift": shift}
    )


# --- Swaps ---------------------------------------------------------------------------


@login_required
@permission_required("duty.add_swaprequest", raise_exception=True)
def swap_create(request: HttpRequest, pk: int) -> HttpResponse:
    shift = rosters_selectors.shift_get(user=request.user, pk=pk)
    role = _role_of(shift, request.user)
    if role is None:
        raise PermissionDenied
    from safetyzone.org.roles import Role

    others = rosters_selectors.shift_list(
        user=request.user, filters={"published": True, "date_from": timezone.localdate()}
    ).exclude(pk=shift.pk)
    form = SwapForm(
        request.POST or None,
        role=Role.DUTY_LEADER if role == ShiftAssignment.Role.LEADER else Role.DUTY_OFFICER,
        shifts=others,
    )
    if request.method == "POST" and form.is_valid():
        swap = _apply(
            form,
            lambda: swaps_services.swap_request_create(
                requester=request.user, shift=shift, **form.cleaned_data
            ),
        )
        if swap is not None:
            messages.success(request, _("Your request was sent to %s.") % swap.counterpart)
            return redirect("duty:swap-list")
    return render(request, "duty/swap_form.html", {"form": form, "shift": shift})


@login_required
@require_GET
def swap_list(request: HttpRequest) -> HttpResponse:
    _form, swaps = page_filter(
        SwapRequestFilter,
        request,
        rosters_selectors.swap_list(user=request.user).order_by("-requested_at", "-pk"),
    )
    page = Paginator(swaps, 20).get_page(request.GET.get("page"))
    for swap in page:
        swap.offered = _swap_steps(request.user, swap)
    return render(request, "duty/swap_list.html", {"page": page})


def _swap_steps(user, swap: SwapRequest) -> set[str]:
    """The steps ``user`` is offered on ``swap``: the graph allows them from its status,
    and they are the colleague's (accept, decline), the requester's (cancel), or staff's
    with the permission and the write rule (approve, reject)."""
    allowed = {
        step
        for step, status in SWAP_STEPS.items()
        if SwapRequest.TRANSITIONS.allows(swap.status, status)
    }
    offered = set()
    if swap.counterpart_id == user.pk:
        offered |= allowed & {"accept", "decline"}
    if swap.requester_id == user.pk:
        offered |= allowed & {"cancel"}
    if user.has_perm("duty.approve_swaprequest") and allowed & {"approve", "reject"}:
        if can_act_on(user, swap):
            offered |= allowed & {"approve", "reject"}
    return offered


SWAP_STEPS = {
    "accept": SwapRequest.Status.ACCEPTED,
    "decline": SwapRequest.Status.DECLINED,
    "cancel": SwapRequest.Status.CANCELLED,
    "approve": SwapRequest.Status.APPROVED,
    "reject": SwapRequest.Status.REJECTED,
}


SWAP_ACTIONS = {
    "accept": swaps_services.swap_accept,
    "decline": swaps_services.swap_decline,
    "cancel": swaps_services.swap_cancel,
    "approve": swaps_services.swap_approve,
    "reject": swaps_services.swap_reject,
}


@login_required
@require_POST
def swap_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    swap = rosters_selectors.swap_get(user=request.user, pk=pk)
    if action not in SWAP_ACTIONS:
        raise Http404
    kwargs: dict[str, Any] = {"swap": swap, "actor": request.user}
    if action in ("approve", "reject"):
        kwargs["note"] = request.POST.get("note", "")
    try:
        swap = SWAP_ACTIONS[action](**kwargs)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Swap request: %s.") % swap.get_status_display())
    return redirect("duty:swap-list")
