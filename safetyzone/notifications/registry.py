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

A domain app whose reminders may need acknowledgement (an overdue major hazard, an
incident report's time limit, a chaser) marks their drafts with the rule's subject
(``Draft.escalation``) and registers an ``Escalatable`` for it: which unit each record
belongs to (its heads are the "unit head" level) and which records need no more
escalation (the hazard closed, the report made, the chaser signed for). People that do
not depend on the record (the leader on duty now) are registered per level with
``register_escalation_level``. Each function reads one query for any number of records.
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
    # An EscalationRule.Subject when this reminder must be acknowledged (its rule
    # permitting), and the level of the chain it is sent at (0: the reminder itself).
    escalation: str = ""
    escalation_level: int = 0


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


@dataclass(frozen=True)
class Escalatable:
    """A reminder that may need acknowledgement, registered by its domain app."""

    subject: str  # an EscalationRule.Subject
    # {subject key: the record's unit id}, for the keys given (one query).
    units: Callable[[list[str]], dict[str, int]]
    # The keys given whose record needs no more escalation (one query).
    settled: Callable[[list[str]], set[str]]


_ESCALATABLES: dict[str, Escalatable] = {}
_ESCALATION_LEVELS: dict[str, Callable[[datetime], list[int]]] = {}


def register_escalatable(escalatable: Escalatable) -> None:
    _ESCALATABLES[escalatable.subject] = escalatable


def escalatables() -> dict[str, Escalatable]:
    return dict(_ESCALATABLES)


def register_escalation_level(level: str, people: Callable[[datetime], list[int]]) -> None:
    """The people of a level that does not depend on the record, as of ``now`` (the
    leader on duty): one query."""
    _ESCALATION_LEVELS[level] = people


def escalation_level_people(level: str) -> Callable[[datetime], list[int]] | None:
    return _ESCALATION_LEVELS.get(level)
