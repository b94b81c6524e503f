"""Data at scale of the emergency duty (``manage.py seed_scale``): a year of monthly
rosters of the committee office (six months back, six ahead) for the duty people
(a quarter of them leaders on duty), each generated and published through the
services, so that every duty check holds on them."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.notifications.models import Notification
from safetyzone.org.models import Unit, User
from safetyzone.org.roles import Role
from safetyzone.org.scale import person_name, scale_user

from .models import Shift, ShiftAssignment
from .services.rosters import roster_create, roster_generate, roster_publish

DUTY_PHONE = "0432-64501110"
MONTHS = 12


def _month(first: dt.date, offset: int) -> tuple[dt.date, dt.date]:
    index = first.year * 12 + first.month - 1 + offset
    start = dt.date(index // 12, index % 12 + 1, 1)
    following = index + 1
    end = dt.date(following // 12, following % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def bulk_models() -> list:
    return []  # the rosters go through the services


def seed(options: dict, rng: random.Random) -> dict:
    writer = options["writer"]
    org = options["made"]["org"]
    today = options["today"]
    count = options["roster_people"]
    if count < 2:
        return {}
    office = Unit.objects.get(pk=org["office"])
    ema = Unit.objects.get(pk=org["units"][0]) if org["units"] else office
    leaders_count = max(2, count // 4)
    people = []
    for n in range(1, count + 1):
        leader = n <= leaders_count
        unit = office if n % 2 else ema
        role = Role.DUTY_LEADER if leader else Role.DUTY_OFFICER
        title = "带班领导" if leader else "值班员"
        people.append(
            scale_user(f"scale-duty-{n:02d}", f"{person_name(rng)}（{title}）", unit, [role])
        )
    leaders, officers = people[:leaders_count], people[leaders_count:]
    per_shift = 2 if len(officers) >= 8 else 1
    actor = User.objects.get(pk=org["bench_staff"])
    rosters = []
    for offset in range(-(MONTHS // 2) + 1, MONTHS // 2 + 1):
        start, end = _month(today, offset)
        roster = roster_create(
            actor=actor,
            title=f"高新区安委会{start.year}年{start.month}月应急值班表",
            unit=office,
            start_date=start,
            end_date=end,
            officers_per_shift=per_shift,
            phone=DUTY_PHONE,
        )
        writer.remember_object(roster)
        roster_generate(
            roster=roster,
            actor=actor,
            leaders=leaders,
            officers=officers,
            seed=rng.randrange(1 << 30),
        )
        roster_publish(roster=roster, actor=actor)
        # The bench data's notifications are the reminders it is asked for: publishing's
        # notice to the people on the roster is dated the day the seed runs, so the same
        # seed would not make the same data, and a later run could not tell it its own.
        Notification.objects.filter(
            subject_key=f"{roster._meta.label_lower}:{roster.pk}",
            reason=Notification.Reason.PUBLISHED,
        ).delete()
        rosters.append(roster)

    # What the notifications remind of: each person of each shift, the day before.
    subjects = []
    tz = timezone.get_current_timezone()
    for assignment in (
        ShiftAssignment.objects.filter(shift__roster__in=rosters)
        .select_related("shift__roster__unit")
        .order_by("shift__starts_at", "pk")
    ):
        shift: Shift = assignment.shift
        message = _(
            "You are on duty as %(role)s from %(start)s to %(end)s at %(place)s; "
            "duty phone %(phone)s."
        ) % {
            "role": assignment.get_role_display(),
            "start": f"{shift.starts_at.astimezone(tz):%Y-%m-%d %H:%M}",
            "end": f"{shift.ends_at.astimezone(tz):%Y-%m-%d %H:%M}",
            "place": shift.roster.unit,
            "phone": shift.phone or "—",
        }
        subjects.append(
            (
                "shift",
                f"duty.shift:{shift.pk}",
                str(shift),
                shift.get_absolute_url(),
                [assignment.person_id],
                shift.date,
                None,
                message,
            )
        )
    return {"rosters": len(rosters), "people": len(people), "reminder_subjects": subjects}
