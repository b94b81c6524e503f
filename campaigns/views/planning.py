"""Pages of planning: campaigns with their phases and progress, copying a campaign
forward, key periods."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.filters import CampaignFilter, KeyPeriodFilter
from campaigns.forms.planning import (
    CampaignCopyForm,
    CampaignForm,
    KeyPeriodForm,
    phase_formset,
)
from campaigns.models import Activity, Campaign, KeyPeriod
from campaigns.selectors import activities as activity_selectors
from campaigns.selectors import planning as selectors
from campaigns.services import planning as services
from safetyzone.core.filters import page_filter
from safetyzone.core.forms import errors_to_form
from safetyzone.core.pagination import Paginator
from safetyzone.org.models import Unit
from safetyzone.org.scoping import sees_all_units, unit_choices_for

PAGE_SIZE = 20
CAMPAIGN_ACTIVITIES_SHOWN = 20


def _link(obj: Model) -> str:
    # Meetings and tasks have their pages in other areas of the app; a row links to its
    # page once that page exists.
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


def _pack_units(user) -> QuerySet[Unit] | None:
    """The units committee staff choose an evidence pack's from; None for a head, whose
    pack is their own unit's (campaigns/_evidence_pack.html)."""
    if not sees_all_units(user) or not user.has_perm("documents.build_evidence_pack"):
        return None
    return unit_choices_for(user).order_by("order", "name")


# --- Campaigns -------------------------------------------------------------------------


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_list(request: HttpRequest) -> HttpResponse:
    form, qs = page_filter(CampaignFilter, request, selectors.campaign_list(user=request.user))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/planning/campaign_list.html",
        {"page": page, "filter_form": form, "today": timezone.localdate()},
    )


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = selectors.campaign_get(user=user, pk=pk)
    activities = activity_selectors.activity_list(user=user, filters={"campaign": campaign})
    context: dict[str, Any] = {
        "campaign": campaign,
        "today": timezone.localdate(),
        "phases": selectors.campaign_phases(campaign=campaign),
        "children": selectors.campaign_children(campaign=campaign),
        "key_periods": campaign.key_periods.prefetch_related("key_areas"),
        "activities": activities[:CAMPAIGN_ACTIVITIES_SHOWN],
        "activity_count": activities.count(),
        "meetings": [
            (m, _link(m)) for m in selectors.campaign_meetings(user=user, campaign=campaign)
        ],
        "tasks": [(t, _link(t)) for t in selectors.campaign_tasks(user=user, campaign=campaign)],
    }
    if sees_all_units(user):
        context["show_progress"] = True
        context["progress"] = selectors.campaign_progress(campaign=campaign)
        context["activity_kinds"] = Activity.Kind.choices
    context["pack_units"] = _pack_units(user)
    if user.has_perm("campaigns.add_campaign"):
        context["copy_form"] = CampaignCopyForm(initial={"year": campaign.start_date.year + 1})
    return render(request, "campaigns/planning/campaign_detail.html", context)


def _campaign_form_page(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    new = campaign is None
    data = request.POST if request.method == "POST" else None
    form = CampaignForm(data, instance=campaign)
    formset = phase_formset(data, instance=campaign, new=new)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        phases, phase_forms = formset.phases()
        fields = dict(form.cleaned_data)
        try:
            if new:
                saved = services.campaign_create(actor=request.user, phases=phases, **fields)
            else:
                saved = services.campaign_update(
                    actor=request.user, campaign=campaign, phases=phases, **fields
                )
        except ValidationError as exc:
            errors_to_form(form, exc, rows={"phases": phase_forms})
        else:
            messages.success(request, _("Campaign “%s” was saved.") % saved)
            return redirect(saved)
    return render(
        request,
        "campaigns/planning/campaign_form.html",
        {"form": form, "formset": formset, "campaign": campaign},
    )


@login_required
@permission_required("campaigns.add_campaign", raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    return _campaign_form_page(request, None)


@login_required
@permission_required("campaigns.change_campaign", raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_update(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    return _campaign_form_page(request, campaign)


@login_required
@permission_required("campaigns.add_campaign", raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_copy(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    if request.method == "POST":
        form = CampaignCopyForm(request.POST)
        if form.is_valid():
            try:
                copy = services.campaign_copy_to_year(
                    campaign=campaign, year=form.cleaned_data["year"], actor=request.user
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("“%(campaign)s” was copied to %(year)s as “%(copy)s”.")
                    % {"campaign": campaign, "year": form.cleaned_data["year"], "copy": copy},
                )
                return redirect(copy)
    else:
        form = CampaignCopyForm(initial={"year": campaign.start_date.year + 1})
    return render(
        request, "campaigns/planning/campaign_copy.html", {"campaign": campaign, "form": form}
    )


# --- Key periods -----------------------------------------------------------------------


@login_required
@permission_required("campaigns.view_keyperiod", raise_exception=True)
def key_period_list(request: HttpRequest) -> HttpResponse:
    form, qs = page_filter(KeyPeriodFilter, request, selectors.key_period_list(user=request.user))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/planning/key_period_list.html",
        {"page": page, "filter_form": form, "today": timezone.localdate()},
    )


@login_required
@permission_required("campaigns.view_keyperiod", raise_exception=True)
def key_period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.key_period_get(user=request.user, pk=pk)
    return render(
        request,
        "campaigns/planning/key_period_detail.html",
        {"period": period, "today": timezone.localdate(), "pack_units": _pack_units(request.user)},
    )


def _key_period_form_page(request: HttpRequest, period: KeyPeriod | None) -> HttpResponse:
    form = KeyPeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key_areas = list(data.pop("key_areas", []))
        try:
            if period is None:
                saved = services.key_period_create(actor=request.user, key_areas=key_areas, **data)
            else:
                saved = services.key_period_update(
                    actor=request.user, key_period=period, key_areas=key_areas, **data
                )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Key period “%s” was saved.") % saved)
            return redirect(saved)
    return render(
        request, "campaigns/planning/key_period_form.html", {"form": form, "period": period}
    )


@login_required
@permission_required("campaigns.add_keyperiod", raise_exception=True)
@require_http_methods(["GET", "POST"])
def key_period_create(request: HttpRequest) -> HttpResponse:
    return _key_period_form_page(request, None)


@login_required
@permission_required("campaigns.change_keyperiod", raise_exception=True)
@require_http_methods(["GET", "POST"])
def key_period_update(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.key_period_get(user=request.user, pk=pk)
    return _key_period_form_page(request, period)
