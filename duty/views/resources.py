"""Pages of emergency resources, rescue teams and standby."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from safetyzone.core.filters import page_filter
from safetyzone.core.pagination import Paginator
from safetyzone.org.scoping import can_act_on

from ..filters import ResourceFilter
from ..forms import (
    MovementForm,
    ResourceForm,
    StandbyForm,
    TeamForm,
)
from ..models import (
    EmergencyResource,
)
from ..selectors import resources as selectors
from ..services import resources as services
from ._common import _apply

# --- Resources and teams --------------------------------------------------------------


@login_required
@permission_required("duty.view_emergencyresource", raise_exception=True)
@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    form, resources = page_filter(
        ResourceFilter, request, selectors.resource_list(user=request.user)
    )
    page = Paginator(resources, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "kinds": EmergencyResource.Kind.choices,
        "form": form,
        "filters": {name: request.GET.get(name) for name in ("search", "kind", "low")},
    }
    return render(request, "duty/resource_list.html", context)


@login_required
@permission_required("duty.add_emergencyresource", raise_exception=True)
def resource_create(request: HttpRequest) -> HttpResponse:
    form = ResourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        quantity = data.pop("opening_quantity")
        resource = _apply(
            form,
            lambda: services.resource_create(actor=request.user, quantity=quantity, **data),
        )
        if resource is not None:
            messages.success(request, _("“%s” was added.") % resource)
            return redirect(resource)
    return render(request, "duty/resource_form.html", {"form": form})


@login_required
@permission_required("duty.change_emergencyresource", raise_exception=True)
def resource_update(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    form = ResourceForm(request.POST or None, instance=resource, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _apply(
            form,
            lambda: services.resource_update(
                actor=request.user, resource=resource, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("“%s” was saved.") % saved)
            return redirect(saved)
    return render(request, "duty/resource_form.html", {"form": form, "resource": resource})


@login_required
@permission_required("duty.view_emergencyresource", raise_exception=True)
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    can_move = request.user.has_perm("duty.add_stockmovement")
    # The duty office issues another unit's stock; it does not take it back or stock in.
    issue_only = can_move and not can_act_on(request.user, resource)
    form = MovementForm(request.POST or None, issue_only=issue_only) if can_move else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            movement = _apply(
                form,
                lambda: services.stock_move(
                    actor=request.user, resource=resource, **form.cleaned_data
                ),
            )
            if movement is not None:
                messages.success(request, _("The stock movement was recorded."))
                return redirect(resource)
    movements = selectors.movement_list(user=request.user, filters={"resource": resource})[:50]
    standby = selectors.standby_list(user=request.user, filters={"resource": resource})
    return render(
        request,
        "duty/resource_detail.html",
        {"resource": resource, "form": form, "movements": movements, "standby": standby},
    )


@login_required
@permission_required("duty.view_rescueteam", raise_exception=True)
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    teams = selectors.team_list(user=request.user)
    standby = selectors.standby_list(user=request.user).filter(ends_at__gte=timezone.now())[:50]
    return render(request, "duty/team_list.html", {"teams": teams, "standby": standby})


@login_required
@permission_required("duty.add_rescueteam", raise_exception=True)
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("member_lines", None)
        team = _apply(
            form,
            lambda: services.team_create(actor=request.user, members=form.members(), **data),
        )
        if team is not None:
            messages.success(request, _("“%s” was added.") % team)
            return redirect(team)
    return render(request, "duty/team_form.html", {"form": form})


@login_required
@permission_required("duty.view_rescueteam", raise_exception=True)
@require_GET
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk)
    standby = selectors.standby_list(user=request.user, filters={"team": team})
    return render(request, "duty/team_detail.html", {"team": team, "standby": standby})


@login_required
@permission_required("duty.add_standbyassignment", raise_exception=True)
def standby_create(request: HttpRequest) -> HttpResponse:
    form = StandbyForm(
        request.POST or None,
        teams=selectors.team_list(user=request.user),
        resources=selectors.resource_list(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        standby = _apply(
            form, lambda: services.standby_create(actor=request.user, **form.cleaned_data)
        )
        if standby is not None:
            messages.success(request, _("The stand-by was recorded."))
            return redirect("duty:team-list")
    return render(request, "duty/standby_form.html", {"form": form})
