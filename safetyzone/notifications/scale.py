"""Notifications at scale (``manage.py seed_scale``): the reminders the daily sweeps
would have sent over the past months, about the records the domain apps generated.

The domain apps hand over what may be reminded of (``reminder_subjects`` in what their
``scale.seed`` returned: kind, key, label, link, recipients, deadline, the day it
closed, message), so this app need not import them. Each reminder follows the office's
ladder (3 and 1 days before, on the day, every 2 days overdue, escalated to the
committee staff after 7 days), lies before today, and is unique per person, subject,
reason and day, as the sweeps' own are."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from .models import Notification

Reason = Notification.Reason
KIND_WEIGHTS = {"hazard": 70, "task_assignment": 20, "shift": 10}
ESCALATE_AFTER = 7
OVERDUE_EVERY = 2
OVERDUE_STEPS = 20


def _steps(subject, today: dt.date, staff: list[int]) -> list[tuple[str, dt.date, list[int]]]:
    kind, _key, _label, _url, recipients, deadline, closed_on, _message = subject
    last = today - dt.timedelta(days=1)
    if closed_on is not None:
        last = min(last, closed_on)
    if kind == "shift":
        steps = [(Reason.DUTY_TOMORROW, deadline, recipients)]
        return [s for s in steps if s[1] - dt.timedelta(days=1) <= last]
    steps = [
        (Reason.DUE_SOON, deadline - dt.timedelta(days=3), recipients),
        (Reason.DUE_SOON, deadline - dt.timedelta(days=1), recipients),
        (Reason.DUE_TODAY, deadline, recipients),
    ]
    steps += [
        (Reason.OVERDUE, deadline + dt.timedelta(days=OVERDUE_EVERY * n), recipients)
        for n in range(1, OVERDUE_STEPS + 1)
    ]
    if staff and deadline + dt.timedelta(days=ESCALATE_AFTER) <= last:
        steps.append((Reason.ESCALATED, deadline, staff))
    return [s for s in steps if s[1] <= last]


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
    weights = [KIND_WEIGHTS[k] for k in kinds]
    wanted = options["notifications"]
    taken: set[tuple] = set()
    rows = []
    misses = 0
    # Give up after many draws in a row find nothing new (tiny data sets run out).
    while len(rows) < wanted and misses < 1000:
        kind = rng.choices(kinds, weights)[0]
        subject = rng.choice(by_kind[kind])
        steps = _steps(subject, today, staff)
        if not steps:
            misses += 1
            continue
        reason, due_date, recipients = rng.choice(steps)
        if not recipients:
            misses += 1
            continue
        recipient = rng.choice(recipients)
        key = (recipient, subject[1], reason, due_date)
        if key in taken:
            misses += 1
            continue
        misses = 0
        taken.add(key)
        sent_on = due_date
        if reason == Reason.ESCALATED:
            sent_on = due_date + dt.timedelta(days=ESCALATE_AFTER)
        elif reason == Reason.DUTY_TOMORROW:
            sent_on = due_date - dt.timedelta(days=1)
        created = dt.datetime.combine(sent_on, dt.time(8, 0), tzinfo=tz) + dt.timedelta(
            seconds=rng.randrange(600)
        )
        age = (today - sent_on).days
        read_at = created + dt.timedelta(hours=rng.randint(1, 72))
        if rng.random() >= (0.9 if age > 7 else 0.4) or read_at > options["now"]:
            read_at = None
        rows.append(
            {
                "recipient_id": recipient,
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
