"""The registry of reminder sweeps.

A domain app registers each sweep (a function ``run(now) -> list[Draft]``) from its
AppConfig.ready(), in a group that one beat schedule runs ("daily", "duty",
"incidents"). The notifications app runs them and sends what they return, without
importing the domain app. Each sweep must read a bounded number of queries whatever the
number of due records.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .services import Draft, notifications_create

DAILY = "daily"
DUTY = "duty"
INCIDENTS = "incidents"
GROUPS = (DAILY, DUTY, INCIDENTS)


@dataclass(frozen=True)
class Sweep:
    key: str
    group: str
    run: Callable[[datetime], list[Draft]]


_SWEEPS: dict[str, Sweep] = {}


def register_sweep(sweep: Sweep) -> None:
    if sweep.group not in GROUPS:
        raise ValueError(f"Unknown sweep group {sweep.group!r}")
    _SWEEPS[sweep.key] = sweep


def sweeps(group: str | None = None) -> list[Sweep]:
    return [s for key, s in sorted(_SWEEPS.items()) if group is None or s.group == group]


def run_sweeps(group: str, *, now: datetime | None = None) -> int:
    """Run every sweep of ``group`` and send what they find; returns the drafts offered
    (those already sent are skipped by the database)."""
    now = now or timezone.now()
    drafts: list[Draft] = []
    for sweep in sweeps(group):
        drafts.extend(sweep.run(now))
    return notifications_create(drafts=drafts)
