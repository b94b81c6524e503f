"""Home-page panels, registered by each domain app.

A domain app registers a function ``panel(request) -> dict | None`` from its
AppConfig.ready(); the home page renders each returned dict with the panel's template.
The home page thus never imports a domain app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


_PANELS: dict[str, Panel] = {}


def register_home_panel(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def home_panels(request: HttpRequest) -> list[tuple[Panel, dict[str, Any]]]:
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request)
        if context is not None:
            shown.append((panel, context))
    return shown
