"""Home-page panels, registered by each domain app.

A domain app registers a function ``panel(request) -> dict | None`` from its
AppConfig.ready(); the home page renders each returned dict with the panel's template.
The home page thus never imports a domain app.

The "to do" panel is one card fed the same way: each domain app registers a function
``todo(request) -> list[TodoGroup] | None`` with ``register_todo``; None means the app has
nothing to ask of this user's role, and when every source says None the card is not
shown. Each source reads through its app's selectors (the one read rule) with a fixed
number of queries, so the home page costs the same for 2 items as for 20.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100
    # Static files (e.g. "duty/countdown.js") the panel's template needs: the home page
    # loads them once, as files, since the Content-Security-Policy forbids inline scripts.
    scripts: tuple[str, ...] = ()
    # Half the row on a desk (charts) instead of a quarter.
    wide: bool = False


@dataclass(frozen=True)
class TodoItem:
    """One thing waiting for the user: its title, where to act on it, and when it is due
    (if it has a date)."""

    title: str
    url: str
    due: date | datetime | None = None
    overdue: bool = False


@dataclass(frozen=True)
class TodoGroup:
    """Things of one kind waiting for the user ("Notices to sign for"); ``more_url``
    is the list holding them all, shown when there are more than the panel lists."""

    label: str
    items: list[TodoItem]
    more_url: str = ""
    has_more: bool = False


@dataclass(frozen=True)
class TodoSource:
    key: str
    groups: Callable[[HttpRequest], list[TodoGroup] | None]
    order: int = 100


_PANELS: dict[str, Panel] = {}
_TODOS: dict[str, TodoSource] = {}

# Items shown per kind on the home page; the lists behind the links hold the rest.
TODO_LIMIT = 5


def register_home_panel(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def register_todo(source: TodoSource) -> None:
    _TODOS[source.key] = source


def is_unit_head(user: Any) -> bool:
    """Whether ``user`` heads a member unit and sees only its records: the user a "to
    do" list is for. (Staff see every unit's records, which are not all theirs to do.)"""
    from safetyzone.org.roles import Role
    from safetyzone.org.scoping import sees_all_units

    return bool(
        getattr(user, "is_authenticated", False)
        and user.unit_id is not None
        and not sees_all_units(user)
        and user.has_role(Role.DEPARTMENT_HEAD)
    )


def todo_group(
    label: str, rows: list[Any], item: Callable[[Any], TodoItem], more_url: str = ""
) -> TodoGroup | None:
    """A group of the first ``TODO_LIMIT`` of ``rows`` (fetch ``TODO_LIMIT + 1`` to know
    whether there are more), or None when there is nothing of this kind to do."""
    if not rows:
        return None
    return TodoGroup(
        label=label,
        items=[item(row) for row in rows[:TODO_LIMIT]],
        more_url=more_url,
        has_more=len(rows) > TODO_LIMIT,
    )


def todo_groups(request: HttpRequest) -> list[TodoGroup] | None:
    """Every registered source's non-empty groups, in the sources' order; None when no
    source has anything to ask of this user's roles."""
    groups: list[TodoGroup] = []
    applies = False
    for source in sorted(_TODOS.values(), key=lambda s: (s.order, s.key)):
        found = source.groups(request)
        if found is not None:
            applies = True
            groups.extend(group for group in found if group is not None)
    return groups if applies else None


def _todo_panel(request: HttpRequest) -> dict[str, Any] | None:
    groups = todo_groups(request)
    if groups is None:
        return None
    return {"groups": groups}


register_home_panel(
    Panel(key="todo", template="core/_todo_panel.html", context=_todo_panel, order=0)
)


def home_panels(request: HttpRequest) -> list[tuple[Panel, dict[str, Any]]]:
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request)
        if context is not None:
            shown.append((panel, context))
    return shown


def home_scripts(panels: list[tuple[Panel, dict[str, Any]]]) -> list[str]:
    """The static scripts the shown panels need, each once."""
    return list(dict.fromkeys(script for panel, _context in panels for script in panel.scripts))
