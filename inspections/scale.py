"""Data at scale of the inspections domain (``manage.py seed_scale``): inspections over
the past three years answered against the checklists, the hazards they found (mostly
general, some major, most closed, an open backlog partly overdue, about 5% of the open
ones due today), their rectification reports, and the simple-history rows the services
would have written for each step. Whatever the size, the first hazards of the benchmark
head's unit (or the next units') hold each open status, one a report waiting for review.

Rows go in through ``safetyzone.core.bulk`` (COPY on PostgreSQL); hazard codes are
taken from the year's ``HazardCodeSequence`` in the order the hazards were found, and
the counters are moved past them, so hazards created in the app afterwards continue the
numbering."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.org.models import KeyArea

from .demo import DEFAULT_PLACES, FIVE, FREE_HAZARDS, PLACES, RETURN_REASONS
from .models import (
    ChecklistTemplate,
    Hazard,
    HazardCodeSequence,
    HazardLevel,
    Inspection,
    InspectionAnswer,
    InspectionTarget,
    InspectionTask,
    InspectionTaskUnit,
    RectificationReport,
    hazard_code,
    hazard_code_parts,
)

YEARS_BACK = 3
CHUNK = 10000
SUPERVISING_OFFICE = "吉林市安全生产委员会办公室"
GENERIC_HAZARDS = ["安全管理制度不健全", "安全教育培训记录不全", "应急预案未按期演练"]
CONCLUSIONS = [
    "现场检查发现问题隐患，已下达整改通知，责令限期整改。",
    "企业安全管理总体较好，发现的问题已当场告知并要求限期整改。",
    "检查发现隐患较多，已约谈企业主要负责人，要求全面自查自改。",
]
NOTES = ["现场发现问题，已告知企业负责人", "", "拍照留存"]
MEASURES = [
    "已按要求完成整改：",
    "已更换不合格设施并组织自查：",
    "已落实整改措施并完善管理制度：",
]
ACCEPT_NOTE = "经现场复核，整改到位，同意销号"
OPEN_STATUSES = [
    (Hazard.Status.REPORTED, 30),
    (Hazard.Status.RECTIFYING, 35),
    (Hazard.Status.SUBMITTED, 20),
    (Hazard.Status.RETURNED, 15),
]


# Hazards found at least this long ago have had time for every step to an open status
# (start, file, return: at most 18 days and some hours).
SHOWCASE_MIN_AGE = 20


def _open_probability(age_days: int) -> float:
    """How likely a hazard found ``age_days`` ago is still open: the recent ones mostly,
    an old backlog rarely."""
    if age_days < 15:
        return 0.85
    if age_days < 60:
        return 0.5
    if age_days < 365:
        return 0.08
    return 0.03


def _at(day: dt.date, hour: int, tz) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)


def _templates() -> dict[str, tuple[int, list[tuple]]]:
    found = {}
    for template in ChecklistTemplate.objects.filter(is_active=True).select_related("key_area"):
        items = [
            (i.pk, i.question, i.legal_basis, i.implied_level)
            for i in template.items.order_by("order")
        ]
        if items and template.key_area.code not in found:
            found[template.key_area.code] = (template.pk, items)
    return found


def _inspections(options, rng, org, templates, areas, tz):
    """Inspection rows (sorted by date), their inspectors, and for each the key area."""
    today = options["today"]
    enterprises = [e for e in org["enterprises"] if e[4]] or org["enterprises"]
    methods = [
        (Inspection.Method.ROUTINE, 70),
        (Inspection.Method.UNANNOUNCED, 20),
        (Inspection.Method.JOINT, 10),
    ]
    names, weights = zip(*methods, strict=True)
    span = 365 * YEARS_BACK
    rows = []
    for _n in range(options["inspections"] if enterprises else 0):
        enterprise_id, unit_id, codes, contact, _active = rng.choice(enterprises)
        code = rng.choice(codes)
        day = today - dt.timedelta(days=rng.randrange(span))
        team = org["inspectors"].get(unit_id) or [org["bench_staff"]]
        rows.append(
            {
                "enterprise_id": enterprise_id,
                "unit_id": unit_id,
                "key_area_id": areas[code],
                "template_id": templates[code][0] if code in templates else None,
                "date": day,
                "method": rng.choices(names, weights)[0],
                "is_enforcement": rng.random() < 0.15,
                "other_participants": "区应急管理局专家" if rng.random() < 0.1 else "",
                "conclusion": rng.choice(CONCLUSIONS),
                "recorded_by_id": team[0],
                # today's are recorded as they happen, never later than now
                "created_at": min(_at(day, 17, tz), options["now"]),
                # not columns: what the hazards need
                "_code": code,
                "_team": team,
                "_contact": contact,
            }
        )
    rows.sort(key=lambda r: r["date"])
    return rows


def _code_counters(years) -> dict[int, int]:
    """The last number taken in each year, with the years' counters locked."""
    counters = {}
    for year in sorted(years):
        sequence, _created = HazardCodeSequence.objects.select_for_update().get_or_create(year=year)
        highest = Hazard.objects.filter(
            code__range=(hazard_code(year, 0), hazard_code(year, 999999))
        ).aggregate(m=Max("code"))["m"]
        counters[year] = max(sequence.last_value, hazard_code_parts(highest)[1] if highest else 0)
    return counters


def _timeline(rng, found_on, status, now, tz):
    """The steps that brought a hazard to ``status``: [(event, moment)], cut where a
    step would fall after now (the hazard then stays at the step reached)."""
    t = min(_at(found_on, 16, tz), now)
    events = [("recorded", t)]
    if status == Hazard.Status.REPORTED:
        return events
    returned_first = status == Hazard.Status.RETURNED or (
        status == Hazard.Status.ACCEPTED and rng.random() < 0.2
    )
    plan = ["started", "filed"]
    if returned_first:
        plan += ["returned"]
        if status != Hazard.Status.RETURNED:
            plan += ["started", "filed"]
    elif status == Hazard.Status.RECTIFYING:
        plan = ["started"]
    if status == Hazard.Status.ACCEPTED:
        plan += ["accepted"]
    gaps = {"started": (1, 3), "filed": (2, 12), "returned": (1, 3), "accepted": (1, 5)}
    for event in plan:
        low, high = gaps[event]
        t = t + dt.timedelta(days=rng.randint(low, high), hours=rng.randint(-6, 1))
        if t >= now:
            break
        events.append((event, t))
    return events


STATUS_AFTER = {
    "recorded": Hazard.Status.REPORTED,
    "started": Hazard.Status.RECTIFYING,
    "filed": Hazard.Status.SUBMITTED,
    "returned": Hazard.Status.RETURNED,
    "accepted": Hazard.Status.ACCEPTED,
}


def bulk_models() -> list:
    return [
        Inspection,
        Inspection.inspectors.through,
        InspectionAnswer,
        Hazard,
        RectificationReport,
        Hazard.history.model,
        RectificationReport.history.model,
        InspectionTask,
        InspectionTaskUnit,
        InspectionTarget,
    ]


def _key_period_tasks(options, org, inspections, areas, writer) -> int:
    """The key period's inspection tasks (``campaigns.scale`` made the period), one per
    key area, issued a week before it to the units that supervise enterprises of that
    area, every active one a target ("full coverage"); a target is answered by the
    first inspection of its enterprise in that area by its unit within the period's
    window. The coverage matrix is measured on them. Returns the targets made."""
    from campaigns.models import KeyPeriod

    period_id = options["made"].get("campaigns", {}).get("key_period")
    if period_id is None:
        return 0
    period = KeyPeriod.objects.get(pk=period_id)
    start = period.start_date - dt.timedelta(days=7)
    answered: dict[tuple[int, int, int], int] = {}
    for row in inspections:
        if start <= row["date"] <= period.end_date:
            key = (row["enterprise_id"], row["key_area_id"], row["unit_id"])
            answered.setdefault(key, row["id"])
    by_area: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for enterprise_id, unit_id, codes, _contact, active in org["enterprises"]:
        if active:
            for code in codes:
                by_area[code].append((enterprise_id, unit_id))
    names = dict(KeyArea.objects.values_list("code", "name"))
    tasks = [
        {
            "title": f"{period.name}：{names[code]}隐患排查",
            "key_area_id": areas[code],
            "key_period_id": period_id,
            "description": "全覆盖、零容忍、严执法、重实效。",
            "start_date": start,
            "deadline": period.start_date - dt.timedelta(days=1),
            "created_by_id": org["bench_staff"],
            "created_at": options["now"],
            "_code": code,
        }
        for code in sorted(by_area)
        if code in areas
    ]
    writer.insert(InspectionTask, tasks)
    assignments, targets = [], []
    for task in tasks:
        found = by_area[task["_code"]]
        for unit_id in sorted({unit for _e, unit in found}):
            assignments.append({"task_id": task["id"], "unit_id": unit_id})
        for enterprise_id, unit_id in found:
            targets.append(
                {
                    "task_id": task["id"],
                    "unit_id": unit_id,
                    "enterprise_id": enterprise_id,
                    "inspection_id": answered.get((enterprise_id, task["key_area_id"], unit_id)),
                }
            )
    writer.insert(InspectionTaskUnit, assignments)
    writer.insert_chunked(InspectionTarget, targets)
    return len(targets)


def seed(options: dict, rng: random.Random) -> dict:
    writer = options["writer"]
    progress = options["progress"]
    org = options["made"]["org"]
    today, now = options["today"], options["now"]
    tz = timezone.get_current_timezone()
    areas = {a.code: a.pk for a in KeyArea.objects.all()}
    templates = _templates()
    staff = org["staff"]
    heads = org["heads"]

    with progress.step("inspections"):
        inspections = _inspections(options, rng, org, templates, areas, tz)
        # Keys starting with "_" are no columns; the writer puts each row's id in it.
        writer.insert_chunked(Inspection, inspections)
        writer.insert_chunked(
            Inspection.inspectors.through,
            (
                {"inspection_id": row["id"], "user_id": user_id}
                for row in inspections
                for user_id in row["_team"]
            ),
        )

    with progress.step("key period tasks and targets"):
        _key_period_tasks(options, org, inspections, areas, writer)

    # Which inspection found each hazard.
    found_by: dict[int, int] = defaultdict(int)
    if inspections:
        for _n in range(options["hazards"]):
            found_by[rng.randrange(len(inspections))] += 1

    with progress.step("checklist answers"):
        answers = []
        failed_items: dict[int, list[tuple]] = {}
        for index, row in enumerate(inspections):
            if row["template_id"] is None:
                continue
            items = templates[row["_code"]][1]
            k = min(found_by.get(index, 0), len(items))
            failed = {item[0] for item in rng.sample(items, k)}
            answered = []
            for item in items:
                if item[0] in failed:
                    answer = {
                        "inspection_id": row["id"],
                        "item_id": item[0],
                        "result": InspectionAnswer.Result.FAIL,
                        "note": rng.choice(NOTES),
                    }
                    answered.append((answer, item))
                else:
                    result = (
                        InspectionAnswer.Result.NOT_APPLICABLE
                        if rng.random() < 0.05
                        else InspectionAnswer.Result.PASS
                    )
                    answer = {"inspection_id": row["id"], "item_id": item[0], "result": result}
                answers.append(answer)
            failed_items[index] = answered
        writer.insert_chunked(InspectionAnswer, answers)
        del answers

    with progress.step("hazards"):
        hazards, timelines = _hazards(rng, inspections, found_by, failed_items, org, today, now, tz)
        counters = _code_counters({h["found_on"].year for h in hazards})
        for hazard in hazards:
            year = hazard["found_on"].year
            counters[year] += 1
            hazard["code"] = hazard_code(year, counters[year])
        writer.insert_chunked(Hazard, hazards)
        for year, last in counters.items():
            HazardCodeSequence.objects.filter(year=year).update(last_value=last)

    with progress.step("rectification reports and history"):
        # A slice of hazards at a time: the history rows outnumber the hazards four to
        # one, and need not all be in memory.
        for start in range(0, len(hazards), CHUNK):
            end = start + CHUNK
            reports, history, report_history = _reports_and_history(
                rng, hazards[start:end], timelines[start:end], heads, staff
            )
            writer.insert(RectificationReport, reports)
            writer.insert(Hazard.history.model, history)
            for row in report_history:
                row["id"] = row.pop("_report")["id"]
            writer.insert(RectificationReport.history.model, report_history)
        del timelines

    url = reverse("inspections:hazard-detail", args=[987654321])
    message = _("Hazard %(code)s must be rectified by %(deadline)s.")
    open_hazards = [h for h in hazards if h["status"] != Hazard.Status.ACCEPTED]
    due_today = sum(1 for h in open_hazards if h["deadline"] == today)
    writer.log(
        f"    {len(hazards):,} hazards, "
        f"{sum(1 for h in hazards if h['level'] == HazardLevel.MAJOR):,} major; "
        f"{len(open_hazards):,} open, of which "
        f"{sum(1 for h in open_hazards if h['deadline'] < today):,} overdue and "
        f"{due_today:,} due today"
    )
    return {
        "hazards": len(hazards),
        "open_hazards": len(open_hazards),
        "due_today": due_today,
        # What the notifications remind of: kind, key, label, link, recipients,
        # deadline, the day it closed (None while open), message.
        "reminder_subjects": [
            (
                "hazard",
                f"inspections.hazard:{h['id']}",
                h["code"],
                url.replace("987654321", str(h["id"])),
                heads.get(h["responsible_unit_id"], staff),
                h["deadline"],
                timezone.localdate(h["closed_at"]) if h["closed_at"] else None,
                message % {"code": h["code"], "deadline": h["deadline"].isoformat()},
            )
            for h in hazards
        ],
    }


def _showcase(inspections, found_by, org, today) -> dict[int, str]:
    """Which hazards (by the order they are made in) are held at each open status,
    whatever the size: the first ones found long enough ago to have reached it, of the
    benchmark head's unit, or where it has too few, of the next units in order (those
    whose heads the benchmark reads instead). Drawn by chance alone, a small data set
    may miss a status (no report waiting for review, say), and its pages would then be
    measured without the rows the large one shows (issue 7)."""
    bench_unit = next(
        (u for u, people in org["heads"].items() if org["bench_head"] in people), None
    )
    rank = {unit: n for n, unit in enumerate(org["units"])}
    candidates = []
    number = 0
    for index, inspection in enumerate(inspections):
        count = found_by.get(index, 0)
        if (today - inspection["date"]).days >= SHOWCASE_MIN_AGE:
            unit = inspection["unit_id"]
            key = (unit != bench_unit, rank.get(unit, len(rank)))
            candidates += [(key, n) for n in range(number, number + count)]
        number += count
    picked = [n for _key, n in sorted(candidates)[: len(OPEN_STATUSES)]]
    return {n: status for n, (status, _weight) in zip(picked, OPEN_STATUSES, strict=False)}


def _hazards(rng, inspections, found_by, failed_items, org, today, now, tz):
    heads = org["heads"]
    staff = org["staff"]
    statuses, weights = zip(*OPEN_STATUSES, strict=True)
    showcase = _showcase(inspections, found_by, org, today)
    hazards, timelines = [], []
    for index, inspection in enumerate(inspections):
        count = found_by.get(index, 0)
        if not count:
            continue
        answered = failed_items.get(index, [])
        code = inspection["_code"]
        found_on = inspection["date"]
        age = (today - found_on).days
        for j in range(count):
            if j < len(answered):
                answer, (item_id, question, legal_basis, implied) = answered[j]
                description = f"{question}：{answer['note']}" if answer["note"] else question
                major = implied == HazardLevel.MAJOR and rng.random() < 0.12
                source = {
                    "checklist_item_id": item_id,
                    "answer_id": answer["id"],
                    "legal_basis": legal_basis,
                }
            else:
                description = rng.choice(FREE_HAZARDS.get(code, GENERIC_HAZARDS))
                major = rng.random() < 0.01
                source = {"checklist_item_id": None, "answer_id": None, "legal_basis": ""}
            level = HazardLevel.MAJOR if major else HazardLevel.GENERAL
            days = rng.choice([30, 60]) if major else rng.choice([7, 10, 15, 30])
            deadline = found_on + dt.timedelta(days=days)
            if rng.random() < _open_probability(age):
                target = Hazard.Status.REPORTED if age < 2 else rng.choices(statuses, weights)[0]
            else:
                target = Hazard.Status.ACCEPTED
            target = showcase.get(len(hazards), target)
            events = _timeline(rng, found_on, target, now, tz)
            status = STATUS_AFTER[events[-1][0]]
            hazard = {
                "enterprise_id": inspection["enterprise_id"],
                "place": rng.choice(PLACES.get(code, DEFAULT_PLACES)),
                "key_area_id": inspection["key_area_id"],
                "inspection_id": inspection["id"],
                "description": description,
                "level": level,
                "found_on": found_on,
                "responsible_unit_id": inspection["unit_id"],
                "responsible_person": inspection["_contact"],
                "deadline": deadline,
                "status": status,
                "closed_at": events[-1][1] if status == Hazard.Status.ACCEPTED else None,
                "closed_by_id": rng.choice(staff) if status == Hazard.Status.ACCEPTED else None,
                "created_by_id": inspection["recorded_by_id"],
                "created_at": events[0][1],
                "updated_at": events[-1][1],
                "_head": heads.get(inspection["unit_id"], staff)[-1],
                **source,
            }
            if major:
                hazard.update(FIVE)
                hazard["plan_time_limit"] = deadline
                if status != Hazard.Status.ACCEPTED and rng.random() < 0.3:
                    supervised_at = events[0][1] + dt.timedelta(hours=12)
                    if supervised_at < now:
                        hazard.update(
                            is_supervised=True,
                            supervising_office=SUPERVISING_OFFICE,
                            supervision_deadline=max(deadline, today + dt.timedelta(days=20)),
                            supervised_at=supervised_at,
                            supervised_by_id=staff[0],
                        )
                        events.insert(1, ("supervised", supervised_at))
            hazards.append(hazard)
            timelines.append(events)
    # About 5% of the open hazards are due today, so that the reminder sweep has work;
    # no other open hazard is.
    open_indices = [i for i, h in enumerate(hazards) if h["status"] != Hazard.Status.ACCEPTED]
    due_today = set(rng.sample(open_indices, round(len(open_indices) * 0.05)))
    for i in open_indices:
        hazard = hazards[i]
        if i in due_today:
            hazard["deadline"] = today
        elif hazard["deadline"] == today:
            hazard["deadline"] = today + dt.timedelta(days=1)
        if hazard["level"] == HazardLevel.MAJOR:
            hazard["plan_time_limit"] = hazard["deadline"]
    return hazards, timelines


def _reports_and_history(rng, hazards, timelines, heads, staff):
    reports: list[dict] = []
    history: list[dict] = []
    report_history: list[dict] = []
    # The hazard's history keeps event codes, shown in the reader's language.
    reasons = {
        "recorded": Hazard.Event.RECORDED.value,
        "started": Hazard.Event.RECTIFICATION_STARTED.value,
        "filed": Hazard.Event.REPORT_FILED.value,
        "accepted": Hazard.Event.ACCEPTED.value,
        "supervised": Hazard.Event.LISTED.value,
    }
    filed_reason, accepted_reason, returned_reason = (
        _("Report filed"),
        _("Report accepted"),
        _("Report returned"),
    )
    for hazard, events in zip(hazards, timelines, strict=True):
        head = hazard.pop("_head")
        reviewer = hazard["closed_by_id"] or rng.choice(staff)
        snapshot = {k: v for k, v in hazard.items() if k != "updated_at"}
        final_supervision = {
            k: snapshot[k]
            for k in ("is_supervised", "supervising_office", "supervision_deadline")
            if k in snapshot
        }
        supervised_at = snapshot.get("supervised_at")
        supervised_by = snapshot.get("supervised_by_id")
        state = dict(snapshot)
        state.update(
            status=Hazard.Status.REPORTED,
            closed_at=None,
            closed_by_id=None,
            is_supervised=False,
            supervising_office="",
            supervision_deadline=None,
            supervised_at=None,
            supervised_by_id=None,
        )
        pending = None
        for event, moment in events:
            user = hazard["created_by_id"]
            reason = reasons.get(event, "")
            if event == "supervised":
                state.update(final_supervision, supervised_at=supervised_at)
                state["supervised_by_id"] = supervised_by
                user = supervised_by
            elif event == "started":
                state["status"] = Hazard.Status.RECTIFYING
                user = head
            elif event == "filed":
                state["status"] = Hazard.Status.SUBMITTED
                user = head
                completed = max(hazard["found_on"], (moment - dt.timedelta(hours=12)).date())
                pending = {
                    "hazard_id": hazard["id"],
                    "measures_taken": rng.choice(MEASURES) + hazard["description"][:40],
                    "completed_on": completed,
                    "funds_spent": Decimal(rng.choice([0, 200, 1500, 3800, 12000])),
                    "filed_by_id": head,
                    "filed_at": moment,
                    "status": RectificationReport.Status.PENDING,
                }
                reports.append(pending)
                report_history.append(
                    {
                        **pending,
                        "_report": pending,
                        "history_date": moment,
                        "history_type": "+",
                        "history_user_id": head,
                        "history_change_reason": filed_reason,
                    }
                )
            elif event in ("returned", "accepted") and pending is not None:
                user = reviewer
                if event == "returned":
                    note = rng.choice(RETURN_REASONS)
                    state["status"] = Hazard.Status.RETURNED
                    reason = f"{Hazard.Event.RETURNED.value}:{note}"[:100]
                    pending.update(status=RectificationReport.Status.RETURNED, review_note=note)
                    change = returned_reason
                else:
                    state.update(
                        status=Hazard.Status.ACCEPTED, closed_at=moment, closed_by_id=reviewer
                    )
                    pending.update(
                        status=RectificationReport.Status.ACCEPTED, review_note=ACCEPT_NOTE
                    )
                    change = accepted_reason
                pending.update(reviewed_by_id=reviewer, reviewed_at=moment)
                report_history.append(
                    {
                        **pending,
                        "_report": pending,
                        "history_date": moment,
                        "history_type": "~",
                        "history_user_id": reviewer,
                        "history_change_reason": change,
                    }
                )
                pending = None
            history.append(
                {
                    **state,
                    "history_date": moment,
                    "history_type": "+" if event == "recorded" else "~",
                    "history_user_id": user,
                    "history_change_reason": reason,
                }
            )
    return reports, history, report_history
