"""The campaigns panel of the home page: the current campaign and phase, key periods
now and in the next 30 days, and the user's open tasks."""

from django.http import HttpRequest
from django.utils import timezone

from safetyzone.core.panels import Panel, register_home_panel


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
