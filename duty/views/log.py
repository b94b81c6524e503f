"""Pages writing the duty log, handing a shift over, taking it over, closing an open
matter.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import (
    HandoverForm,
    LogEntryForm,
)
from ..selectors import log as log_selectors
from ..selectors import rosters as rosters_selectors
from ..services import log as services
from ._common import _apply, _flash_errors


@login_required
@require_POST
@permission_required("duty.add_dutylogentry", raise_exception=True)
def log_create(request: HttpRequest, pk: int) -> HttpResponse:
    shift = rosters_selectors.shift_get(user=request.user, pk=pk)
    form = LogEntryForm(request.POST, shift=shift)
    if form.is_valid():
        entry = _apply(
            form,
            lambda: services.log_entry_create(actor=request.user, shift=shift, **form.cleaned_data),
        )
        if entry is not None:
            messages.success(request, _("The entry was added to the duty log."))
            return redirect(shift)
    for field, problems in form.errors.items():
        for problem in problems:
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {problem}" if label else problem)
    return redirect(shift)


@login_required
@permission_required("duty.add_handover", raise_exception=True)
def handover_create(request: HttpRequest, pk: int) -> HttpResponse:
    shift = rosters_selectors.shift_get(user=request.user, pk=pk)
    matters = log_selectors.open_matters_before(shift)
    form = HandoverForm(request.POST or None, matters=matters)
    if request.method == "POST" and form.is_valid():
        handover = _apply(
            form,
            lambda: services.handover_create(
                actor=request.user,
                shift=shift,
                new_matters=form.new(),
                close_matters=form.closed(),
                notes=form.cleaned_data["notes"],
                early_reason=form.cleaned_data["early_reason"],
            ),
        )
        if handover is not None:
            messages.success(
                request,
                _("The shift was handed over; it closes when the incoming leader confirms."),
            )
            return redirect(shift)
    following = log_selectors.next_shift(shift)
    return render(
        request,
        "duty/handover_form.html",
        {"form": form, "shift": shift, "next_shift": following, "matters": matters},
    )


@login_required
@require_POST
@permission_required("duty.change_handover", raise_exception=True)
def handover_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The incoming leader takes over ``pk``, their shift, from the one before."""
    shift = rosters_selectors.shift_get(user=request.user, pk=pk)
    handover = log_selectors.handover_awaiting(shift)
    if handover is None:
        raise Http404
    try:
        services.handover_confirm(actor=request.user, handover=handover)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("You took the shift over; the previous one is closed."))
    return redirect(shift)


@login_required
@require_POST
def matter_close(request: HttpRequest, pk: int) -> HttpResponse:
    matter = log_selectors.open_matter_get(user=request.user, pk=pk)
    try:
        services.open_matter_close(
            actor=request.user, matter=matter, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The matter is closed."))
    # Back to the shift the matter was handed over to, where it was shown.
    return redirect(matter.handover.next_shift or matter.handover.shift)
