"""The registry of reminder sweeps and of the weekly digest's sections.

A domain app registers each sweep (a function ``run(now) -> list[Draft]``) from its
AppConfig.ready(), in a group that one beat schedule runs ("daily", "duty",
"incidents"). The notifications app runs them and sends what they return, without
importing the domain app (``services.run_sweeps``: the services read this registry,
never the other way round). Each sweep must read a bounded number of queries whatever the
number of due records.

A domain app adds a section to the weekly digest by registering it in a ``digest``
module of its own, which the notifications app imports at start-up (as the admin does
with ``admin`` modules). A section's ``run(now) -> list[DigestLine]`` counts its
records in a fixed number of queries, whatever their number.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.functional import Promise

DAILY = "daily"
DUTY = "duty"
INCIDENTS = "incidents"
GROUPS = (DAILY, DUTY, INCIDENTS)


@dataclass(frozen=True)
class Draft:
    """One notification a sweep wants sent (``services.notifications_create`` sends it)."""

    recipient_id: int
    kind: str
    reason: str
    subject_key: str
    subject_label: str
    due_date: date
    message: str
    subject_url: str = ""


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


@dataclass(frozen=True)
class DigestLine:
    """One figure of a digest section: a label already translated, and its count."""

    label: str
    count: int


@dataclass(frozen=True)
class DigestSection:
    key: str
    # Lazily translated: the digest is written in the language active when it is sent.
    title: str | Promise
    run: Callable[[datetime], list[DigestLine]]
    order: int = 100


_DIGEST_SECTIONS: dict[str, DigestSection] = {}


def register_digest_section(section: DigestSection) -> None:
    _DIGEST_SECTIONS[section.key] = section


def digest_sections() -> list[DigestSection]:
    return sorted(_DIGEST_SECTIONS.values(), key=lambda s: (s.order, s.key))
