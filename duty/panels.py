"""The duty panels of the home page: who is on duty now and tonight, the duty phone,
the user's next shift and the warnings in force; and, for the leader and the officers
on duty, the open incident reports with the time left to report them."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.core.charts import CHART_SCRIPTS
from safetyzone.core.panels import TODO_LIMIT, Panel, register_home_panel
from safetyzone.org.roles import Role


def duty_panel(request: HttpRequest) -> dict:
    from .selectors.incidents import banner_warnings
    from .selectors.rosters import my_upcoming_shifts, shifts_current

    current = shifts_current(user=request.user)
    return {
        "now": current["now"],
        "tonight": [s for s in current["tonight"] if s not in current["now"]],
        "next_shift": my_upcoming_shifts(user=request.user).first(),
        "warnings": banner_warnings(),
    }


register_home_panel(
    Panel(key="duty", template="duty/_home_panel.html", context=duty_panel, order=30)
)


def incidents_panel(request: HttpRequest) -> dict | None:
    """Open incidents (no final report yet), each with its reporting limits; the
    countdown runs from static/duty/countdown.js. Two queries whatever their number."""
    from .selectors.incidents import incident_deadlines, open_incidents

    user = request.user
    if not user.is_authenticated or not user.has_role(Role.DUTY_LEADER, Role.DUTY_OFFICER):
        return None
    incidents = list(open_incidents(user=user)[: TODO_LIMIT + 1])
    return {
        "incidents": [(report, incident_deadlines(report)) for report in incidents[:TODO_LIMIT]],
        "has_more": len(incidents) > TODO_LIMIT,
    }


register_home_panel(
    Panel(
        key="incidents",
        template="duty/_incidents_panel.html",
        context=incidents_panel,
        order=5,
        scripts=("duty/countdown.js",),
    )
)


def duty_charts_panel(request: HttpRequest) -> dict | None:
    """Hours on duty per person this month (published shifts), for those who build the
    rosters and those on them. A fixed number of queries."""
    from .charts import hours_chart
    from .selectors.rosters import fairness, month_days

    user = request.user
    if not user.is_authenticated or not (
        user.has_perm("duty.publish_dutyroster")
        or user.has_role(Role.DUTY_LEADER, Role.DUTY_OFFICER)
    ):
        return None
    today = timezone.localdate()
    first, last = month_days(today.year, today.month)
    rows = fairness(user=user, start=first, end=last)
    return {
        "key": "duty-charts",
        "title": _("Duty in charts"),
        "url": reverse("duty:fairness") if user.has_perm("duty.publish_dutyroster") else "",
        "charts": [hours_chart(rows, month=first)],
    }


register_home_panel(
    Panel(
        key="duty-charts",
        template="core/_charts_panel.html",
        context=duty_charts_panel,
        order=42,
        scripts=CHART_SCRIPTS,
        wide=True,
    )
)
