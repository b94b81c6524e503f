from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safetyzone.core.filters import page_filter
from safetyzone.core.forms import errors_to_form
from safetyzone.core.pagination import Paginator

from . import selectors, services
from .filters import EnterpriseFilter
from .forms import EnterpriseForm


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = selectors.unit_list(user=request.user)
    return render(request, "org/unit_list.html", {"units": units})


@login_required
@permission_required("org.view_unit", raise_exception=True)
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(user=request.user, pk=pk)
    enterprises = selectors.enterprise_list(user=request.user).filter(supervising_unit=unit)
    return render(request, "org/unit_detail.html", {"unit": unit, "enterprises": enterprises[:50]})


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form, qs = page_filter(
        EnterpriseFilter,
        request,
        selectors.enterprise_list(user=request.user),
        staff_only=("supervising_unit",),
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "org/enterprise_list.html", {"page": page, "filter_form": form})


@login_required
@permission_required("org.view_enterprise", raise_exception=True)
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    return render(request, "org/enterprise_detail.html", {"enterprise": enterprise})


def _save_enterprise(request: HttpRequest, form: EnterpriseForm, enterprise=None):
    data = dict(form.cleaned_data)
    key_areas = data.pop("key_areas", [])
    try:
        if enterprise is None:
            return services.enterprise_create(actor=request.user, key_areas=key_areas, **data)
        return services.enterprise_update(
            actor=request.user, enterprise=enterprise, key_areas=key_areas, **data
        )
    except ValidationError as exc:
        errors_to_form(form, exc)
        return None


@login_required
@permission_required("org.add_enterprise", raise_exception=True)
def enterprise_create(request: HttpRequest) -> HttpResponse:
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        enterprise = _save_enterprise(request, form)
        if enterprise is not None:
            messages.success(request, _("Enterprise “%s” was added.") % enterprise)
            return redirect(enterprise)
    return render(request, "org/enterprise_form.html", {"form": form})


@login_required
@permission_required("org.change_enterprise", raise_exception=True)
def enterprise_update(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save_enterprise(request, form, enterprise)
        if saved is not None:
            messages.success(request, _("Enterprise “%s” was saved.") % saved)
            return redirect(saved)
    return render(request, "org/enterprise_form.html", {"form": form, "enterprise": enterprise})
