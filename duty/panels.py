"""The duty panel of the home page: who is on duty now and tonight, the duty phone,
the user's next shift and the warnings in force."""

from django.http import HttpRequest

from safetyzone.core.panels import Panel, register_home_panel


def duty_panel(request: HttpRequest) -> dict:
    from .selectors import banner_warnings, my_upcoming_shifts, shifts_current

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
