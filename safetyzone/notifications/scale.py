"""Notifications at scale (``manage.py seed_scale``): the reminders the daily sweeps
would have sent over the past months, about the records the domain apps generated.

The domain apps hand over what may be reminded of (``reminder_subjects`` in what their
``scale.seed`` returned: kind, key, label, link, recipients, deadline, the day it
closed, message), so this app need not import them. Each reminder follows the office's
ladder (3 and 1 days before, on the day, every 2 days overdue, escalated to the
committee staff after 7 days), goes to each of its recipients, lies before today, and
is unique per person, subject, reason and day, as the sweeps' own are."""

from __future__ import annotations

import datetime as dt
import random
from itertools import accumulate

from django.utils import timezone

from .models import Notification

Reason = Notification.Reason
KIND_WEIGHTS = {"hazard": 70, "task_assignment": 20, "shift": 10}
ESCALATE_AFTER = 7
OVERDUE_EVERY = 2
OVERDUE_STEPS = 20


BEFORE = [(Reason.DUE_SOON, -3), (Reason.DUE_SOON, -1), (Reason.DUE_TODAY, 0)]


def _draw(rng: random.Random, subject, today: dt.date, staff: list[int]):
    """One step of the subject's ladder reached before today (and before the subject
    closed), drawn at random among those: (reason, due date, sent on, recipients), or
    None when it reached none."""
    kind, _key, _label, _url, recipients, deadline, closed_on, _message = subject
    last = today - dt.timedelta(days=1)
    if closed_on is not None and closed_on < last:
        last = closed_on
    if kind == "shift":
        sent_on = deadline - dt.timedelta(days=1)
        return (Reason.DUTY_TOMORROW, deadline, sent_on, recipients) if sent_on <= last else None
    late = (last - deadline).days
    before = sum(1 for _reason, days in BEFORE if days <= late)
    overdue = min(OVERDUE_STEPS, max(0, late // OVERDUE_EVERY))
    escalated = 1 if staff and late >= ESCALATE_AFTER else 0
    total = before + overdue + escalated
    if not total:
        return None
    n = rng.randrange(total)
    if n < before:
        reason, days = BEFORE[n]
        due = deadline + dt.timedelta(days=days)
        return (reason, due, due, recipients)
    n -= before
    if n < overdue:
        due = deadline + dt.timedelta(days=OVERDUE_EVERY * (n + 1))
        return (Reason.OVERDUE, due, due, recipients)
    return (Reason.ESCALATED, deadline, deadline + dt.timedelta(days=ESCALATE_AFTER), staff)


def bulk_models() -> list:
    return [Notification]


def seed(options: dict, rng: random.Random) -> dict:
    writer = options["writer"]
    today = options["today"]
    tz = timezone.get_current_timezone()
    staff = options["made"].get("org", {}).get("staff", [])
    by_kind: dict[str, list] = {}
    for made in options["made"].values():
        for subject in made.get("reminder_subjects", ()):
            by_kind.setdefault(subject[0], []).append(subject)
    kinds = [k for k in KIND_WEIGHTS if by_kind.get(k)]
    if not kinds:
        return {}
    cumulative = list(accumulate(KIND_WEIGHTS[k] for k in kinds))
    wanted = options["notifications"]
    taken: set[tuple] = set()
    rows = []
    misses = 0
    # Give up after many draws in a row find nothing new (tiny data sets run out).
    while len(rows) < wanted and misses < 1000:
        kind = rng.choices(kinds, cum_weights=cumulative)[0]
        subject = rng.choice(by_kind[kind])
        step = _draw(rng, subject, today, staff)
        if step is None or not step[3]:
            misses += 1
            continue
        reason, due_date, sent_on, recipients = step
        # Every recipient gets it, as the sweeps send a reminder to each head of the unit
        # and an escalation to each member of the committee staff.
        keys = [(recipient, subject[1], reason, due_date) for recipient in recipients]
        keys = [key for key in keys if key not in taken][: wanted - len(rows)]
        if not keys:
            misses += 1
            continue
        misses = 0
        created = dt.datetime.combine(sent_on, dt.time(8, 0), tzinfo=tz) + dt.timedelta(
            seconds=rng.randrange(600)
        )
        age = (today - sent_on).days
        for key in keys:
            taken.add(key)
            read_at = created + dt.timedelta(hours=rng.randint(1, 72))
            if rng.random() >= (0.9 if age > 7 else 0.4) or read_at > options["now"]:
                read_at = None
            rows.append(
                {
                    "recipient_id": key[0],
                    "kind": kind,
                    "reason": reason,
                    "subject_key": subject[1],
                    "subject_label": subject[2][:255],
                    "subject_url": subject[3],
                    "due_date": due_date,
                    "message": subject[7],
                    "read_at": read_at,
                    "created_at": created,
                }
            )
    rows.sort(key=lambda r: r["created_at"])
    writer.insert_chunked(Notification, rows)
    return {"notifications": len(rows)}
