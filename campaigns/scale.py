"""Data at scale of the campaigns domain (``manage.py seed_scale``): the three-year
action of the past three years with a Safety Production Month and special
rectifications each year, and thousands of tasks assigned to the member units with
deadlines around today (about 5% due today), each assignment in a state its deadline
makes likely, chasers to the units that have not signed for work due within days, with
the history (``AssignmentEvent``) the services would have written.

Whatever the size, the first page of the task and assignment lists, of staff and of the
benchmark head alike, shows an assignment still open and not overdue (issue 7): the
earliest task holds the head's unit's assignment with an extension granted, and the
first task due from today on its assignment chased."""

from __future__ import annotations

import datetime as dt
import random

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.org.models import KeyArea

from .models import (
    AssignmentEvent,
    Campaign,
    Chaser,
    ExtensionRequest,
    KeyPeriod,
    RiskLevel,
    Task,
    TaskAssignment,
)

TASK_TITLES = [
    "{area}领域安全隐患大排查",
    "{area}重大事故隐患专项整治",
    "{area}安全生产执法检查",
    "{period}期间{area}安全检查",
    "{area}企业主要负责人安全培训",
    "{area}隐患整改情况报送",
    "{period}安全防范工作部署落实",
]
PERIODS = ["元旦", "春节", "清明", "五一", "端午", "汛期", "中考", "国庆", "岁末年初"]
FEEDBACK = ["已按要求完成，报送工作情况。", "已组织检查并建立隐患台账。", "相关材料已报送安委办。"]
RETURNS = ["请补充检查记录和现场照片。", "报送材料不完整，请补充隐患整改台账。"]
CHASERS = ["请尽快签收并按期报送工作情况。", "该事项即将到期，请抓紧落实并报送。"]
EXTENSION_REASON = "整改工程量大，需协调相关单位配合施工，申请延期。"
# Staff chase the units that have not signed for work due within this many days.
CHASE_WITHIN_DAYS = 3
Status = TaskAssignment.Status
Action = AssignmentEvent.Action
STEPS = {
    Status.ISSUED: [],
    Status.SIGNED: [Action.SIGNED],
    Status.IN_PROGRESS: [Action.SIGNED, Action.STARTED],
    Status.DONE: [Action.SIGNED, Action.STARTED, Action.COMPLETED],
    Status.RETURNED: [Action.SIGNED, Action.STARTED, Action.COMPLETED, Action.RETURNED],
}
AFTER = {
    Action.SIGNED: Status.SIGNED,
    Action.STARTED: Status.IN_PROGRESS,
    Action.COMPLETED: Status.DONE,
    Action.RETURNED: Status.RETURNED,
}


def _campaigns(options, org, writer) -> list[dict]:
    today = options["today"]
    first_year = today.year - 2
    office, staff = org["office"], org["bench_staff"]
    lead = org["units"][0] if org["units"] else office

    def row(name, kind, start, end, unit, parent=None, theme=""):
        created = dt.datetime.combine(start - dt.timedelta(days=20), dt.time(9), tzinfo=dt.UTC)
        return {
            "name": name,
            "kind": kind,
            "parent_id": parent,
            "theme": theme,
            "start_date": start,
            "end_date": end,
            "lead_unit_id": unit,
            "goals": "坚持全覆盖、零容忍、严执法、重实效，推动重大事故隐患动态清零。",
            "created_by_id": staff,
            "created_at": created,
            "updated_at": created,
        }

    carrier = row(
        f"安全生产治本攻坚三年行动（{first_year}—{first_year + 2}年）",
        Campaign.Kind.THREE_YEAR_ACTION,
        dt.date(first_year, 1, 1),
        dt.date(first_year + 2, 12, 31),
        office,
    )
    writer.insert(Campaign, [carrier])
    children = []
    for year in range(first_year, first_year + 3):
        children.append(
            row(
                f"{year}年安全生产月",
                Campaign.Kind.SAFETY_MONTH,
                dt.date(year, 6, 1),
                dt.date(year, 6, 30),
                lead,
                carrier["id"],
                "人人讲安全、个个会应急",
            )
        )
        for area in KeyArea.objects.order_by("order")[:4]:
            children.append(
                row(
                    f"{year}年{area.name}专项整治",
                    Campaign.Kind.SPECIAL_RECTIFICATION,
                    dt.date(year, 3, 1),
                    dt.date(year, 11, 30),
                    lead,
                    carrier["id"],
                )
            )
    writer.insert(Campaign, children)
    return [carrier, *children]


# The key period under way at scale (its coverage matrix is measured): these many days
# before today to a few days after, in every key area.
KEY_PERIOD_DAYS_BACK = 14


def bulk_models() -> list:
    return [
        Campaign,
        Task,
        TaskAssignment,
        AssignmentEvent,
        ExtensionRequest,
        Chaser,
        KeyPeriod,
        KeyPeriod.key_areas.through,
    ]


def _key_period(options: dict, writer) -> int:
    """A key period under way today, in every key area: the inspections app plans its
    tasks and the coverage matrix counts them."""
    today = options["today"]
    (period,) = writer.insert(
        KeyPeriod,
        [
            {
                "name": f"{today.year}年重点时段安全防范（规模测试）",
                "start_date": today - dt.timedelta(days=KEY_PERIOD_DAYS_BACK),
                "end_date": today + dt.timedelta(days=3),
                "risk_level": RiskLevel.HIGH,
                "duty_level": KeyPeriod.DutyLevel.ENHANCED,
                "extra_duty_officers": 1,
                "notes": "",
                "created_at": options["now"],
            }
        ],
    )
    writer.insert(
        KeyPeriod.key_areas.through,
        [
            {"keyperiod_id": period["id"], "keyarea_id": pk}
            for pk in KeyArea.objects.values_list("pk", flat=True)
        ],
    )
    return period["id"]


def _showcase(tasks: list[dict], today: dt.date, unit: int) -> tuple[int | None, int | None]:
    """The tasks that give ``unit`` (the benchmark head's) an open assignment on the
    first page of every list, whatever the size: the earliest task (the lists go by
    deadline), on which the unit was granted more time, and the first task due from
    today on (or, where none is, the last one, moved to a few days ahead), on which it
    is chased (chased assignments come first). The unit joins either task if not in it;
    returns their indices (None where there are too few tasks)."""
    if not tasks:
        return None, None
    order = sorted(range(len(tasks)), key=lambda n: (tasks[n]["deadline"], n))
    extended, rest = order[0], order[1:]
    chased = next((n for n in rest if tasks[n]["deadline"] >= today), None)
    if chased is None and rest:
        chased = rest[-1]
        tasks[chased]["deadline"] = today + dt.timedelta(days=CHASE_WITHIN_DAYS)
    for n in (extended, chased):
        if n is not None and unit not in tasks[n]["_units"]:
            tasks[n]["_units"].append(unit)
    return extended, chased


def seed(options: dict, rng: random.Random) -> dict:
    writer = options["writer"]
    org = options["made"]["org"]
    today, now = options["today"], options["now"]
    tz = timezone.get_current_timezone()
    units = org["units"]
    if not units:
        return {}
    campaigns = _campaigns(options, org, writer)
    key_period = _key_period(options, writer)
    area_names = list(KeyArea.objects.values_list("name", flat=True)) or ["安全生产"]

    def at(day: dt.date, hour: int) -> dt.datetime:
        return min(dt.datetime.combine(day, dt.time(hour), tzinfo=tz), now)

    count = options["tasks"]
    due_today = set(rng.sample(range(count), round(count * 0.05)))
    tasks, assignments = [], []
    for n in range(count):
        if n in due_today:
            deadline = today
        else:
            deadline = today + dt.timedelta(days=rng.randint(-120, 60))
            if deadline == today:
                deadline += dt.timedelta(days=1)
        if deadline >= today:
            issued_on = today - dt.timedelta(days=rng.randint(1, 40))
        else:
            issued_on = deadline - dt.timedelta(days=rng.randint(10, 40))
        title = rng.choice(TASK_TITLES).format(
            area=rng.choice(area_names), period=rng.choice(PERIODS)
        )
        campaign = rng.choice(campaigns) if rng.random() < 0.7 else None
        involved = rng.sample(units, min(len(units), rng.choice([1, 1, 2, 3, 4])))
        created = at(issued_on, 9)
        task = {
            "title": title,
            "content": f"按照治本攻坚三年行动部署，{title}，坚持全覆盖、零容忍、严执法、重实效，"
            "按期报送工作情况。",
            "campaign_id": campaign["id"] if campaign else None,
            "deadline": deadline,
            "lead_unit_id": involved[0],
            "report_every": "monthly" if rng.random() < 0.1 else "",
            "created_by_id": rng.choice(org["staff"]),
            "created_at": created,
            "updated_at": created,
            "_units": involved,
        }
        tasks.append(task)
    bench_unit = next(
        (u for u, people in org["heads"].items() if org["bench_head"] in people), units[0]
    )
    extended, chased = _showcase(tasks, today, bench_unit)
    writer.insert(Task, tasks)

    events, extensions, chasers = [], [], []
    for index, task in enumerate(tasks):
        created = task["created_at"]
        for position, unit in enumerate(task["_units"]):
            status = _status(rng, task["deadline"], today)
            showcase = unit == bench_unit and index in (extended, chased)
            if showcase:
                status = Status.IN_PROGRESS if index == extended else Status.ISSUED
            head = org["heads"].get(unit, org["staff"])[-1]
            assignment = {
                "task_id": task["id"],
                "unit_id": unit,
                "role": TaskAssignment.Role.LEAD if position == 0 else TaskAssignment.Role.ASSIST,
                "status": status,
                "deadline": task["deadline"],
                "_events": [(Action.ISSUED, Status.ISSUED, task["created_by_id"], created, "")],
            }
            moment = created
            for action in STEPS[status]:
                moment = min(moment + dt.timedelta(days=rng.randint(1, 5)), now)
                actor, note = head, ""
                if action == Action.SIGNED:
                    assignment.update(signed_at=moment, signed_by_id=head)
                elif action == Action.COMPLETED:
                    note = rng.choice(FEEDBACK)
                    assignment.update(feedback=note, done_at=moment)
                elif action == Action.RETURNED:
                    note = rng.choice(RETURNS)
                    actor = task["created_by_id"]
                    assignment.update(return_reason=note, done_at=None)
                assignment["_events"].append((action, AFTER[action], actor, moment, note))
            if showcase and index == extended and task["deadline"] < today:
                asked_at = at(task["deadline"] - dt.timedelta(days=2), 10)
                extensions.append(
                    _extend(rng, assignment, head, task["created_by_id"], asked_at, today, now)
                )
            due_soon = today <= task["deadline"] <= today + dt.timedelta(days=CHASE_WITHIN_DAYS)
            if status == Status.ISSUED and (due_soon or (showcase and index == chased)):
                chasers.append(_chase(rng, assignment, task["created_by_id"], at(today, 10)))
            assignments.append(assignment)
    writer.insert(TaskAssignment, assignments)
    for row in extensions + chasers:
        row["assignment_id"] = row.pop("_assignment")["id"]
    writer.insert(ExtensionRequest, extensions)
    writer.insert(Chaser, chasers)
    for assignment in assignments:
        events += [
            {
                "assignment_id": assignment["id"],
                "action": action,
                "status": status,
                "actor_id": actor,
                "at": moment,
                "note": note,
            }
            for action, status, actor, moment, note in assignment.pop("_events")
        ]
    writer.insert(AssignmentEvent, events)

    url = reverse("campaigns:assignment-detail", args=[987654321])
    titles = {task["id"]: task["title"] for task in tasks}
    message = _("Task “%(title)s” is due on %(deadline)s.")
    return {
        "tasks": len(tasks),
        "key_period": key_period,
        "reminder_subjects": [
            (
                "task_assignment",
                f"campaigns.taskassignment:{a['id']}",
                titles[a["task_id"]],
                url.replace("987654321", str(a["id"])),
                org["heads"].get(a["unit_id"], org["staff"]),
                a["deadline"],
                timezone.localdate(a["done_at"]) if a.get("done_at") else None,
                message % {"title": titles[a["task_id"]], "deadline": a["deadline"].isoformat()},
            )
            for a in assignments
        ],
    }


def _extend(rng, assignment: dict, head: int, staff: int, asked_at, today, now) -> dict:
    """The unit asked for more time at ``asked_at`` (or after its last step) and was
    granted a deadline ahead of today: the request, and the assignment's deadline and
    history moved as ``extension_request`` and ``extension_decide`` would."""
    previous = assignment["deadline"]
    asked = today + dt.timedelta(days=rng.randint(7, 30))
    requested_at = max(asked_at, assignment["_events"][-1][3])
    decided_at = min(requested_at + dt.timedelta(days=1), now)
    status = assignment["status"]
    assignment.update(deadline=asked, extension_count=1)
    assignment["_events"] += [
        (
            Action.EXTENSION_REQUESTED,
            status,
            head,
            requested_at,
            f"{asked.isoformat()} · {EXTENSION_REASON}",
        ),
        (
            Action.EXTENSION_GRANTED,
            status,
            staff,
            decided_at,
            f"{previous.isoformat()} → {asked.isoformat()}",
        ),
    ]
    return {
        "_assignment": assignment,
        "reason": EXTENSION_REASON,
        "requested_deadline": asked,
        "requested_by_id": head,
        "requested_at": requested_at,
        "status": ExtensionRequest.Status.GRANTED,
        "decided_by_id": staff,
        "decided_at": decided_at,
    }


def _chase(rng, assignment: dict, staff: int, sent_at: dt.datetime) -> dict:
    """A chaser sent this morning (or now, if earlier) that the unit has not signed for
    yet, recorded as ``assignment_chase`` would."""
    sent_at = max(sent_at, assignment["_events"][-1][3])
    message = rng.choice(CHASERS)
    assignment["_events"].append((Action.CHASED, assignment["status"], staff, sent_at, message))
    return {"_assignment": assignment, "message": message, "sent_by_id": staff, "sent_at": sent_at}


def _status(rng: random.Random, deadline: dt.date, today: dt.date) -> str:
    if deadline < today:
        if rng.random() < 0.8:
            return Status.DONE
        return rng.choices(
            [Status.ISSUED, Status.SIGNED, Status.IN_PROGRESS, Status.RETURNED], [10, 20, 60, 10]
        )[0]
    if deadline > today and rng.random() < 0.15:
        return Status.DONE
    return rng.choices(
        [Status.ISSUED, Status.SIGNED, Status.IN_PROGRESS, Status.RETURNED], [30, 30, 35, 5]
    )[0]
