"""The task completion chart of the home page, with its table (safetyzone.core.charts).
The numbers come from campaigns.selectors.tasks.completion_by_unit (the read rule: a
head sees only their unit)."""

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from safetyzone.core.charts import Chart, Series


def completion_chart(rows: list[dict[str, Any]], *, since: Any) -> Chart:
    """Task assignments by unit, stacked: done, open within the deadline, overdue."""
    return Chart(
        key="task-completion-by-unit",
        title=_("Task completion by unit (deadlines since %(date)s)")
        % {"date": date_format(since, "Y-m-d")},
        category_label=_("Unit"),
        categories=[row["unit__name"] for row in rows],
        series=[
            Series(_("Done"), [row["done"] for row in rows], stack="tasks"),
            Series(_("Open, within the deadline"), [row["on_time"] for row in rows], stack="tasks"),
            Series(_("Overdue"), [row["overdue"] for row in rows], stack="tasks"),
            Series(_("Completion rate"), [row["rate"] for row in rows], axis=1, suffix="%"),
        ],
        axes=[_("Tasks"), _("Completion rate (%)")],
        horizontal=True,
    )
