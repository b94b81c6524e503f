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


# The ladder's steps for a deadline: (reason, days from the deadline, to the staff).
LADDER = [
    (Reason.DUE_SOON, -3, False),
    (Reason.DUE_SOON, -1, False),
    (Reason.DUE_TODAY, 0, False),
    *[(Reason.OVERDUE, OVERDUE_EVERY * n, False) for n in range(1, OVERDUE_STEPS + 1)],
    (Reason.ESCALATED, 0, True),
]
DAYS = {n: dt.timedelta(days=n) for n in range(-3, OVERDUE_STEPS * OVERDUE_EVERY + 1)}


def _draw(rng: random.Random, subject, today: dt.date, staff: list[int]):
    """One step of the subject's ladder, drawn at random: (reason, due date, sent on,
    recipients), or None when the drawn step was not reached before today (or after
    the subject closed)."""
    kind, _key, _label, _url, recipients, deadline, closed_on, _message = subject
    last = today - DAYS[1]
    if closed_on is not None and closed_on < last:
        last = closed_on
    if kind == "shift":
        sent_on = deadline - DAYS[1]
        return (Reason.DUTY_TOMORROW, deadline, sent_on, recipients) if sent_on <= last else None
    reason, days, to_staff = LADDER[rng.randrange(len(LADDER))]
    if to_staff:
        sent_on = deadline + DAYS[ESCALATE_AFTER]
        return (reason, deadline, sent_on, staff) if sent_on <= last else None
    due = deadline + DAYS[days]
    return (reason, due, due, recipients) if due <= last else None


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
    weights = [KIND_WEIGHTS[k] for k in kinds]
    wanted = options["notifications"]
    taken: set[tuple] = set()
    rows = []
    misses = 0
    # Give up after many draws in a row find nothing new (tiny data sets run out).
    while len(rows) < wanted and misses < 1000:
        kind = rng.choices(kinds, weights)[0]
        subject = rng.choice(by_kind[kind])
        step = _draw(rng, subject, today, staff)
        if step is None or not step[3]:
            misses += 1
            continue
        reason, due_date, sent_on, recipients = step
        recipient = rng.choice(recipients)
        key = (recipient, subject[1], reason, due_date)
        if key in taken:
            misses += 1
            continue
        misses = 0
        taken.add(key)
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
