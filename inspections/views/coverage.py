"""The coverage matrix of a key period and its cells drilled into."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from inspections.forms.coverage import coverage_query
from inspections.selectors import coverage as coverage_selectors
from inspections.views._common import _page

# Who reads the matrix: whoever reads the planned visits (staff, heads, inspectors).
COVERAGE_PERMISSION = "inspections.view_inspectiontarget"


def _query(parameters: dict, *names: str) -> str:
    return urlencode({name: parameters[name].pk for name in names if parameters.get(name)})


@login_required
@permission_required(COVERAGE_PERMISSION, raise_exception=True)
def coverage(request: HttpRequest) -> HttpResponse:
    try:
        form, parameters = coverage_query(request.user, request.GET)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        form, parameters = coverage_query(request.user, {})
    period = parameters["key_period"]
    matrix = (
        coverage_selectors.coverage_matrix(
            user=request.user,
            key_period=period,
            unit=parameters["unit"],
            key_area=parameters["key_area"],
        )
        if period is not None
        else None
    )
    return render(
        request,
        "inspections/coverage.html",
        {
            "form": form,
            "parameters": parameters,
            "matrix": matrix,
            "states": list(coverage_selectors.STATE_LABELS.items()),
            "query": _query(parameters, "key_period", "unit", "key_area"),
            "period_query": _query(parameters, "key_period"),
        },
    )


@login_required
@permission_required(COVERAGE_PERMISSION, raise_exception=True)
def coverage_cell(request: HttpRequest) -> HttpResponse:
    """A cell drilled into: the unit's enterprises of the key area with their figures,
    paged. Another unit's cell is a 404 to a head."""
    try:
        _form, parameters = coverage_query(request.user, request.GET, cell=True)
    except ValidationError as exc:
        return render(
            request, "inspections/coverage_cell.html", {"errors": exc.messages}, status=400
        )
    if parameters["key_period"] is None:
        raise Http404
    unit = parameters["unit"]
    page = _page(
        request,
        coverage_selectors.coverage_enterprises(
            user=request.user,
            key_period=parameters["key_period"],
            unit=unit,
            key_area=parameters["key_area"],
        ),
    )
    rows = [(e, coverage_selectors.coverage_figures(e, unit=unit)) for e in page]
    start, end = coverage_selectors.coverage_window(key_period=parameters["key_period"])
    return render(
        request,
        "inspections/coverage_cell.html",
        {
            "parameters": parameters,
            "page": page,
            "rows": rows,
            "window": (start, end),
            "back_query": _query(parameters, "key_period"),
        },
    )
