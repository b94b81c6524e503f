"""Plain Django views, the baselines of the load benchmark: the same 20 rows of the same
model, in the same order, as the product's list. For the API, the ORM and
``JsonResponse``; for a page, what a Django developer writes first: a ``ListView`` with
``paginate_by = 20`` and a template that extends the site's ``base.html`` (every page of
the site has that layout) with a plain table. They sit behind the same middleware
(session, login) in the same gunicorn server as the product, so the ratio is the cost of
what the product adds: scoping, filters, serializers, counts, the list's own markup."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse
from django.template import engines
from django.urls import path

from campaigns.models import KeyPeriod, Task
from duty.models import Shift
from inspections.models import Hazard, Inspection, InspectionTarget
from safetyzone.notifications.models import Notification

PAGE = 20

TABLE = engines["django"].from_string(
    """{% extends "base.html" %}{% block title %}{{ title }}{% endblock title %}
{% block content %}<h1>{{ title }}</h1><p>{{ page_obj.paginator.count }}</p><table class="table">
{% for row in page_obj %}<tr>{% for value in row %}<td>{{ value }}</td>{% endfor %}</tr>
{% endfor %}</table>{% if page_obj.has_next %}<a href="?page={{ page_obj.next_page_number }}">
&raquo;</a>{% endif %}{% endblock content %}"""
)


def _offset(request) -> int:
    page = request.GET.get("page", "1")
    return (int(page) - 1) * PAGE if page.isdigit() and int(page) > 0 else 0


def _hazards(request):
    """The hazards, filtered by the same query parameters as the product's."""
    qs = Hazard.objects.order_by("-found_on", "-pk")
    if unit := request.GET.get("unit"):
        qs = qs.filter(responsible_unit_id=unit)
    if status := request.GET.get("status"):
        qs = qs.filter(status=status)
    if level := request.GET.get("level"):
        qs = qs.filter(level=level)
    if q := request.GET.get("search"):
        qs = qs.filter(
            Q(code__icontains=q) | Q(description__icontains=q) | Q(enterprise__name__icontains=q)
        )
    return qs


HAZARD_FIELDS = [
    "id",
    "code",
    "enterprise_id",
    "key_area_id",
    "level",
    "description",
    "responsible_unit_id",
    "found_on",
    "deadline",
    "status",
]


@login_required
def hazards_json(request):
    start = _offset(request)
    rows = _hazards(request).values(*HAZARD_FIELDS)[start : start + PAGE]
    return JsonResponse({"results": list(rows)})


@login_required
def hazards_html(request):
    return _table(request, "Hazards", _hazards(request).values_list(*HAZARD_FIELDS))


@login_required
def inspections_html(request):
    rows = Inspection.objects.order_by("-date", "-pk").values_list(
        "id", "enterprise_id", "unit_id", "key_area_id", "date", "method"
    )
    return _table(request, "Inspections", rows)


@login_required
def tasks_html(request):
    rows = Task.objects.order_by("deadline", "pk").values_list(
        "id", "title", "campaign_id", "lead_unit_id", "deadline"
    )
    return _table(request, "Tasks", rows)


@login_required
def shifts_json(request):
    rows = Shift.objects.order_by("starts_at", "pk").values()[:PAGE]
    return JsonResponse({"results": list(rows)})


@login_required
def notifications_html(request):
    rows = (
        Notification.objects.filter(recipient=request.user)
        .order_by("-created_at", "-pk")
        .values_list("id", "kind", "reason", "subject_label", "due_date", "read_at")
    )
    return _table(request, "Notifications", rows)


def _coverage() -> list[dict]:
    """The coverage matrix's counts as a first try writes them: the latest key period's
    planned visits, inspections and hazards grouped by unit and key area, unscoped."""
    period = KeyPeriod.objects.order_by("-start_date", "-pk").first()
    if period is None:
        return []
    window = (period.start_date, period.end_date)
    planned = (
        InspectionTarget.objects.filter(task__key_period=period)
        .values("unit_id", "task__key_area_id")
        .annotate(planned=Count("enterprise", distinct=True), done=Count("inspection"))
        .order_by()
    )
    inspected = (
        Inspection.objects.filter(date__range=window)
        .values("unit_id", "key_area_id")
        .annotate(inspected=Count("enterprise", distinct=True))
        .order_by()
    )
    hazards = (
        Hazard.objects.filter(found_on__range=window)
        .values("responsible_unit_id", "key_area_id")
        .annotate(hazards=Count("pk"), open=Count("pk", filter=~Q(status="accepted")))
        .order_by()
    )
    return [*planned, *inspected, *hazards]


@login_required
def coverage_json(request):
    return JsonResponse({"results": _coverage()})


@login_required
def coverage_html(request):
    rows = [tuple(row.values()) for row in _coverage()]
    page = Paginator(rows, max(len(rows), 1)).get_page(1)
    return HttpResponse(TABLE.render({"title": "Coverage", "page_obj": page}, request))


def _table(request, title, rows):
    """What a ListView with ``paginate_by = 20`` does, in one function."""
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return HttpResponse(TABLE.render({"title": title, "page_obj": page}, request))


urlpatterns = [
    path("hazards.json", hazards_json),
    path("hazards.html", hazards_html),
    path("inspections.html", inspections_html),
    path("tasks.html", tasks_html),
    path("shifts.json", shifts_json),
    path("notifications.html", notifications_html),
    path("coverage.json", coverage_json),
    path("coverage.html", coverage_html),
]
