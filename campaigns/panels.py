"""The campaigns panel of the home page: the current campaign and phase, key periods
now and in the next 30 days, and the user's open tasks; and the campaigns part of a
head's "to do"."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.core.charts import CHART_SCRIPTS
from safetyzone.core.panels import (
    TODO_LIMIT,
    Panel,
    TodoGroup,
    TodoItem,
    TodoSource,
    is_unit_head,
    register_home_panel,
    register_todo,
    todo_group,
)


def campaigns_panel(request: HttpRequest) -> dict:
    from .selectors.overview import current_campaigns, key_periods_soon, open_assignments

    today = timezone.localdate()
    return {
        "today": today,
        "current": current_campaigns(on=today),
        "key_periods": list(key_periods_soon(today=today)[:6]),
        "assignments": list(open_assignments(user=request.user, limit=5)),
    }


register_home_panel(
    Panel(key="campaigns", template="campaigns/_home_panel.html", context=campaigns_panel, order=10)
)


def campaigns_charts_panel(request: HttpRequest) -> dict | None:
    """Task completion by unit over the last year's deadlines (and the ones to come): a
    head sees their unit only. One query."""
    import datetime as dt

    from .charts import completion_chart
    from .selectors.tasks import completion_by_unit

    user = request.user
    if not user.has_perm("campaigns.view_taskassignment"):
        return None
    today = timezone.localdate()
    since = today - dt.timedelta(days=365)
    rows = completion_by_unit(user=user, since=since, today=today)
    return {
        "key": "campaigns-charts",
        "title": _("Tasks in charts"),
        "url": reverse("campaigns:assignment-list"),
        "charts": [completion_chart(rows, since=since)],
    }


register_home_panel(
    Panel(
        key="campaigns-charts",
        template="core/_charts_panel.html",
        context=campaigns_charts_panel,
        order=41,
        scripts=CHART_SCRIPTS,
        wide=True,
    )
)


def campaigns_todo(request: HttpRequest) -> list[TodoGroup | None] | None:
    """A head's campaign work waiting at home: notices and tasks to sign for, chasers to
    acknowledge. Three queries whatever their number."""
    from .models import TaskAssignment
    from .selectors.meetings import notices_to_sign
    from .selectors.tasks import open_chasers, visible_assignments

    user = request.user
    if not is_unit_head(user):
        return None
    today = timezone.localdate()
    rows = TODO_LIMIT + 1
    notices = list(notices_to_sign(user=user)[:rows])
    to_sign = list(
        visible_assignments(user=user)
        .filter(status=TaskAssignment.Status.ISSUED)
        .select_related("task")
        .order_by("deadline", "pk")[:rows]
    )
    chasers = list(open_chasers(user=user).order_by("-sent_at", "-pk")[:rows])
    return [
        todo_group(
            _("Meeting notices to sign for"),
            notices,
            lambda a: TodoItem(a.meeting.title, a.meeting.get_absolute_url(), a.meeting.starts_at),
            reverse("campaigns:meeting-list"),
        ),
        todo_group(
            _("Tasks to sign for"),
            to_sign,
            lambda a: TodoItem(a.task.title, a.get_absolute_url(), a.deadline, a.is_overdue(today)),
            reverse("campaigns:assignment-list") + "?status=issued",
        ),
        todo_group(
            _("Chasers to acknowledge"),
            chasers,
            lambda c: TodoItem(c.assignment.task.title, c.assignment.get_absolute_url(), c.sent_at),
            reverse("campaigns:assignment-list"),
        ),
    ]


register_todo(TodoSource(key="campaigns", groups=campaigns_todo, order=10))
