"""Demo data of the inspections domain, all through the services: inspection tasks for
the key periods of June 2024 (Dragon Boat Festival, the entrance exam, the Jilin
marathon, the consultation day) and the three-year action, inspections against the
checklists, hazards in every status and level (some overdue, one major hazard under
listed supervision), reports accepted and returned, violations and enforcement.

Idempotent: once the Dragon Boat Festival's tasks exist, nothing is added again.
Random choices come from a fixed seed, so every run builds the same data.
"""

import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, KeyPeriod, RiskLevel
from inspections.models import (
    ChecklistTemplate,
    Hazard,
    HazardLevel,
    HazardPhoto,
    Inspection,
    InspectionAnswer,
)
from inspections.services import enforcement as enforcement_services
from inspections.services import hazards as hazard_services
from inspections.services import inspections as inspection_services
from inspections.services import reports as report_services
from inspections.services import statistics as statistics_services
from inspections.services import tasks as task_services
from safetyzone.org.demo import demo_email_give
from safetyzone.org.models import Enterprise, KeyArea, Unit, User
from safetyzone.org.roles import Role
from safetyzone.org.services import user_set_roles

TZ = dt.timezone(dt.timedelta(hours=8))

# name fragment, name if created, start, end, risk, key areas of its tasks
PERIODS = [
    (
        "端午",
        "2024年端午节",
        dt.date(2024, 6, 8),
        dt.date(2024, 6, 10),
        RiskLevel.HIGH,
        ["crowded-places", "fire", "gas"],
    ),
    (
        "马拉松",
        "2024吉林市马拉松赛",
        dt.date(2024, 6, 15),
        dt.date(2024, 6, 16),
        RiskLevel.HIGH,
        ["crowded-places", "road-traffic"],
    ),
    (
        "咨询日",
        "2024年安全宣传咨询日",
        dt.date(2024, 6, 16),
        dt.date(2024, 6, 16),
        RiskLevel.GENERAL,
        ["crowded-places"],
    ),
    (
        "中考",
        "2024年中考",
        dt.date(2024, 6, 21),
        dt.date(2024, 6, 23),
        RiskLevel.HIGH,
        ["fire", "crowded-places", "road-traffic"],
    ),
]

# Places a hazard of each key area is typically found at.
PLACES = {
    "fire": ["一层东侧疏散通道", "消防控制室", "三层走廊", "厨房操作间", "地下车库"],
    "hazardous-chemicals": ["储罐区", "装卸区", "二号仓库", "中控室", "危化品库房"],
    "construction": ["施工现场北侧", "基坑东侧", "塔吊作业区", "脚手架", "临时配电箱"],
    "gas": ["调压箱", "厨房操作间", "液化气钢瓶间", "燃气表间"],
    "crowded-places": ["主入口", "安全出口", "一层大厅", "观众席"],
    "road-traffic": ["停车场", "车辆调度室", "装卸区"],
}
DEFAULT_PLACES = ["办公楼楼梯间", "配电室", "锅炉房"]
FREE_HAZARDS = {
    "crowded-places": [
        "安全出口指示标志损坏",
        "人员密集区域未设置疏散示意图",
        "应急广播无法正常使用",
    ],
    "road-traffic": [
        "客运车辆动态监控终端离线",
        "驾驶员连续驾驶超时记录未处理",
        "危货车辆未按规定路线行驶",
    ],
    "special-equipment": ["电梯维保记录缺失", "锅炉安全阀未按期校验"],
    "industry-trade": ["有限空间作业未执行先通风、再检测、后作业", "粉尘除尘系统未定期清理"],
    "limited-space": ["有限空间未设置警示标识", "未配备气体检测仪"],
}
RETURN_REASONS = [
    "整改后照片未体现现场情况，请补充",
    "整改措施不彻底，线路仍有裸露",
    "缺少整改资金使用凭证",
]
VIOLATIONS = [
    ("illegal_operation", "未办理动火作业票进行电焊作业"),
    ("illegal_command", "安排未经培训人员进入有限空间作业"),
    ("labour_discipline", "值班期间脱岗"),
    ("illegal_operation", "高处作业未系挂安全带"),
    ("illegal_command", "强令工人在无防护情况下拆除脚手架"),
    ("labour_discipline", "作业时吸烟"),
]
PERSONS = [
    "张伟",
    "王芳",
    "李强",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄敏",
    "周杰",
    "吴涛",
    "徐丽",
    "孙浩",
]


def _png(colour: tuple[int, int, int]) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 60, 280, 180), outline=(255, 255, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("现场照片.png", buffer.getvalue(), content_type="image/png")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def _key_periods(campaign: Campaign | None) -> list[tuple[KeyPeriod, list[str]]]:
    """The article's key periods, as the campaigns demo made them (or made here when
    the inspections demo runs alone)."""
    found = []
    for fragment, name, start, end, risk, areas in PERIODS:
        period = (
            KeyPeriod.objects.filter(name__contains=fragment, start_date__year=start.year)
            .order_by("start_date")
            .first()
        )
        if period is None:
            period = KeyPeriod.objects.create(
                name=name, start_date=start, end_date=end, risk_level=risk, campaign=campaign
            )
        found.append((period, areas))
    return found


def _inspectors(units: list[Unit]) -> dict[int, list[User]]:
    """Two inspectors per unit that supervises enterprises (an enforcement visit needs
    two), the demo's own 'inspector' among them for the Emergency Management Agency."""
    team: dict[int, list[User]] = {}
    demo_inspector = User.objects.filter(username="inspector").first()
    for unit in units:
        people = []
        if demo_inspector and demo_inspector.unit_id == unit.pk:
            people.append(demo_inspector)
        for n in range(2 - len(people)):
            username = f"insp-{unit.pk}-{n + 1}"
            user = User.objects.filter(username=username).first()
            if user is None:
                person = PERSONS[(unit.pk * 2 + n) % len(PERSONS)]
                user = User(
                    username=username,
                    display_name=f"{person}（{unit.short_name or unit.name}）",
                    unit=unit,
                )
                user.set_unusable_password()
                user.save()
                user_set_roles(user=user, roles=[Role.INSPECTOR])
            demo_email_give(user)
            people.append(user)
        team[unit.pk] = people
    return team


def _answers(template: ChecklistTemplate | None, rng: random.Random, fails: int):
    if template is None:
        return []
    items = list(template.items.order_by("order"))
    failed = {item.pk for item in rng.sample(items, min(fails, len(items)))}
    return [
        inspection_services.AnswerInput(
            item=item,
            result=InspectionAnswer.Result.FAIL
            if item.pk in failed
            else (
                InspectionAnswer.Result.NOT_APPLICABLE
                if rng.random() < 0.05
                else InspectionAnswer.Result.PASS
            ),
            note=rng.choice(["现场发现问题，已告知企业负责人", "", "拍照留存"])
            if item.pk in failed
            else "",
        )
        for item in items
    ]


FIVE = {
    "plan_responsibility": "企业主要负责人为整改第一责任人，安全总监具体负责",
    "plan_measures": "制定专项整改方案，更换不合格设施，整改完成后组织自查验收",
    "plan_funds": Decimal("85000"),
    "plan_contingency": "整改期间停用相关区域，设置警戒线并安排专人看守，配备应急器材",
}


def _advance(
    hazard: Hazard,
    outcome: str,
    staff: User,
    head: User,
    rng: random.Random,
    start: dt.datetime,
    live: bool,
) -> None:
    """Move a hazard along the allowed transitions to ``outcome``."""
    if outcome == Hazard.Status.REPORTED:
        return
    if hazard.is_major:
        hazard_services.hazard_update(
            actor=head, hazard=hazard, **FIVE, plan_time_limit=hazard.deadline
        )
    step = dt.timedelta(days=1) if live else dt.timedelta(days=2)
    hazard_services.hazard_start_rectification(actor=head, hazard=hazard, at=start + step)
    if outcome == Hazard.Status.RECTIFYING:
        return
    returned_first = outcome == Hazard.Status.RETURNED or (
        outcome == Hazard.Status.ACCEPTED and rng.random() < 0.2
    )
    filed = start + 3 * step
    report_services.report_file(
        actor=head,
        hazard=hazard,
        measures_taken="已按要求完成整改：" + hazard.description[:40],
        completed_on=timezone.localdate(filed - dt.timedelta(hours=12)),
        funds_spent=Decimal(rng.choice([0, 200, 1500, 3800, 12000])),
        at=filed,
    )
    if outcome == Hazard.Status.SUBMITTED:
        return
    if returned_first:
        report_services.report_return(
            actor=staff, hazard=hazard, reason=rng.choice(RETURN_REASONS), at=filed + step
        )
        if outcome == Hazard.Status.RETURNED:
            return
        hazard_services.hazard_start_rectification(actor=head, hazard=hazard, at=filed + 2 * step)
        filed = filed + 3 * step
        report_services.report_file(
            actor=head,
            hazard=hazard,
            measures_taken="补充整改并提交现场照片：" + hazard.description[:40],
            completed_on=timezone.localdate(filed - dt.timedelta(hours=12)),
            funds_spent=Decimal(rng.choice([300, 2600])),
            at=filed,
        )
    report_services.report_accept(
        actor=staff, hazard=hazard, note="经现场复核，整改到位，同意销号", at=filed + step
    )


def _outcome(rng: random.Random, live: bool) -> str:
    roll = rng.random()
    if live:
        table = [(0.25, "reported"), (0.5, "rectifying"), (0.7, "submitted"), (0.8, "returned")]
    else:
        table = [(0.08, "reported"), (0.18, "rectifying"), (0.24, "submitted"), (0.3, "returned")]
    for limit, status in table:
        if roll < limit:
            return status
    return Hazard.Status.ACCEPTED


@transaction.atomic
def seed() -> None:
    staff = User.objects.get(username="staff")
    campaign = Campaign.objects.filter(
        start_date__year=2024, kind=Campaign.Kind.SAFETY_MONTH
    ).first()
    periods = _key_periods(campaign)
    duanwu = periods[0][0]
    if duanwu.inspection_tasks.filter(created_by=staff).exists():
        return  # already seeded
    rng = random.Random(2024)  # noqa: S311 - demo data, not secrets
    today = timezone.localdate()
    areas = {area.code: area for area in KeyArea.objects.all()}
    templates = {t.key_area.code: t for t in ChecklistTemplate.objects.select_related("key_area")}
    enterprises = list(
        Enterprise.objects.filter(is_active=True)
        .select_related("supervising_unit")
        .prefetch_related("key_areas")
        .order_by("pk")
    )
    units = sorted({e.supervising_unit for e in enterprises}, key=lambda u: (u.order, u.pk))
    team = _inspectors(units)
    heads = {u.unit_id: u for u in User.objects.filter(groups__name=Role.DEPARTMENT_HEAD)}
    by_area: dict[str, list[Enterprise]] = {}
    for enterprise in enterprises:
        for area in enterprise.key_areas.all():
            by_area.setdefault(area.code, []).append(enterprise)

    # 1. Tasks: one per key area of each key period, and the three-year action's own.
    tasks = []
    for period, codes in periods:
        # Each area's task goes to the units that supervise enterprises of that area.
        for code in codes:
            if code not in areas or not by_area.get(code):
                continue
            tasks += task_services.inspection_tasks_from_key_period(
                actor=staff,
                key_period=period,
                key_areas=[areas[code]],
                units=sorted(
                    {e.supervising_unit for e in by_area[code]}, key=lambda u: (u.order, u.pk)
                ),
                start_date=period.start_date - dt.timedelta(days=10),
                deadline=period.start_date - dt.timedelta(days=1),
                description="按照上级通知要求，全覆盖、零容忍、严执法、重实效，节前完成隐患排查。",
            )
    for code in ("hazardous-chemicals", "construction"):
        found = by_area.get(code, [])
        if found:
            tasks.append(
                task_services.inspection_task_create(
                    actor=staff,
                    title=f"安全生产治本攻坚三年行动·{areas[code].name}重大事故隐患专项排查",
                    key_area=areas[code],
                    units=sorted({e.supervising_unit for e in found}, key=lambda u: u.order),
                    start_date=dt.date(2024, 5, 20),
                    deadline=dt.date(2024, 6, 28),
                    campaign=campaign,
                    description="对照重大事故隐患判定标准逐项排查，建立问题隐患和制度措施“两个清单”。",
                )
            )

    # 2. Inspections answering the tasks (about 85% coverage), then recent routine ones.
    visits: list[tuple[Enterprise, KeyArea, dt.date, object, bool]] = []
    # Gaps for the coverage matrix to name: the last unit of each key period's first
    # task inspects none of that key area's enterprises, in any task.
    silent: set[tuple[int, int]] = set()
    for period, _codes in periods:
        first = next((t for t in tasks if t.key_period_id == period.pk), None)
        if first is not None:
            given = sorted({t.unit_id for t in first.targets.all()})
            if len(given) > 1:
                silent.add((given[-1], first.key_area_id))
    for task in tasks:
        for target in task.targets.select_related("enterprise__supervising_unit"):
            if (target.unit_id, task.key_area_id) in silent:
                continue
            if rng.random() < 0.85:
                span = (task.deadline - task.start_date).days
                day = task.start_date + dt.timedelta(days=rng.randint(0, max(span, 0)))
                visits.append((target.enterprise, task.key_area, day, task, False))
    pool = [
        e
        for code in ("fire", "hazardous-chemicals", "construction", "gas")
        for e in by_area.get(code, [])
    ]
    for n in range(30):
        enterprise = pool[(n * 7) % len(pool)]
        codes = [a.code for a in enterprise.key_areas.all() if a.code in templates]
        # Found at least ten days ago: their reports and reviews lie in the past too.
        day = today - dt.timedelta(days=10 + (n * 37) % 40)
        visits.append((enterprise, areas[codes[0]], day, None, True))

    hazards_made: list[tuple[Hazard, bool]] = []
    inspections: list[Inspection] = []
    for index, (enterprise, area, day, task, live) in enumerate(visits):
        unit = enterprise.supervising_unit
        template = templates.get(area.code)
        enforcement = index % 5 == 0
        inspection = inspection_services.inspection_record(
            actor=staff,
            enterprise=enterprise,
            key_area=area,
            template=template,
            task=task,
            unit=unit,
            date=day,
            method=rng.choice(list(Inspection.Method.values)),
            is_enforcement=enforcement,
            inspectors=team[unit.pk],
            other_participants="区应急管理局专家" if index % 7 == 0 else "",
            conclusion="现场检查发现问题隐患，已下达整改通知，责令限期整改。",
            answers=_answers(template, rng, fails=rng.choice([1, 2, 3, 3])),
        )
        inspections.append(inspection)
        recorded = _at(day, 16)
        if template is not None:
            for answer in inspection.answers.filter(result="fail").select_related(
                "item", "inspection__enterprise__supervising_unit", "inspection__key_area"
            ):
                deadline = day + dt.timedelta(days=rng.choice([7, 10, 15, 30]))
                hazard = hazard_services.hazard_from_answer(
                    actor=staff,
                    answer=answer,
                    place=rng.choice(PLACES.get(area.code, DEFAULT_PLACES)),
                    responsible_person=enterprise.contact_person,
                    deadline=deadline,
                    at=recorded,
                )
                hazards_made.append((hazard, live))
        else:
            for text in rng.sample(FREE_HAZARDS.get(area.code, ["安全管理制度不健全"]), 1):
                hazard = hazard_services.hazard_create(
                    actor=staff,
                    enterprise=enterprise,
                    key_area=area,
                    description=text,
                    level=HazardLevel.GENERAL,
                    found_on=day,
                    deadline=day + dt.timedelta(days=10),
                    inspection=inspection,
                    place=rng.choice(PLACES.get(area.code, DEFAULT_PLACES)),
                    responsible_person=enterprise.contact_person,
                    at=recorded,
                )
                hazards_made.append((hazard, live))

    # 3. Rectification: every status, with reports accepted and returned.
    photo_colours = [(200, 60, 60), (60, 120, 200), (90, 160, 90)]
    supervised = False
    for index, (hazard, live) in enumerate(hazards_made):
        head = heads.get(hazard.responsible_unit_id) or staff
        if index < 12:
            HazardPhoto.objects.create(
                hazard=hazard,
                image=_png(photo_colours[index % 3]),
                uploaded_by=staff,
                caption="隐患现场照片",
            )
        outcome = _outcome(rng, live)
        # June 2024's hazards still open are overdue now; most were closed on time.
        _advance(hazard, outcome, staff, head, rng, _at(hazard.found_on, 9), live=live)
        hazard.refresh_from_db()
        if not supervised and hazard.is_major and hazard.is_open:
            hazard_services.hazard_supervise(
                actor=staff,
                hazard=hazard,
                office="吉林市安全生产委员会办公室",
                deadline=max(hazard.deadline, today + dt.timedelta(days=20)),
            )
            supervised = True

    # A hazard found again where one of the same item was closed within the year.
    for hazard, live in hazards_made:
        if live and hazard.checklist_item_id and not hazard.is_major:
            hazard.refresh_from_db()
            if hazard.status == Hazard.Status.ACCEPTED:
                hazard_services.hazard_create(
                    actor=staff,
                    enterprise=hazard.enterprise,
                    key_area=hazard.key_area,
                    checklist_item=hazard.checklist_item,
                    description=hazard.checklist_item.question + "（复查时再次发现）",
                    legal_basis=hazard.legal_basis,
                    place=hazard.place,
                    responsible_person=hazard.responsible_person,
                    found_on=today,
                )
                break

    # The second quarter's statistics tables: most units filed by 15 July, one late,
    # one not at all.
    for n, unit in enumerate(units[:-1]):
        day = dt.date(2024, 7, 16 if n == 1 else 8 + n % 6)
        statistics_services.quarterly_report_file(
            actor=heads.get(unit.pk, staff),
            unit=unit,
            year=2024,
            quarter=2,
            notes="按季度报送隐患排查治理情况。",
            at=_at(day, 15),
        )

    # 4. The three violations and enforcement.
    for n, inspection in enumerate(inspections[: len(VIOLATIONS) * 2]):
        kind, text = VIOLATIONS[n % len(VIOLATIONS)]
        violation = enforcement_services.violation_record(
            actor=staff,
            enterprise=inspection.enterprise,
            kind=kind,
            person=PERSONS[n % len(PERSONS)],
            description=text,
            date=inspection.date,
            inspection=inspection,
        )
        if n % 2 == 0:
            fine = n % 4 == 0
            prefix = inspection.unit.doc_number_prefix or "高新"
            enforcement_services.enforcement_action_record(
                actor=staff,
                enterprise=inspection.enterprise,
                unit=inspection.unit,
                kind="fine" if fine else "order",
                legal_basis="《中华人民共和国安全生产法》第九十七条"
                if fine
                else "《中华人民共和国安全生产法》第六十五条",
                decision_number=f"{prefix}罚〔{inspection.date.year}〕{n + 1}号"
                if fine
                else f"{prefix}责改〔{inspection.date.year}〕{n + 1}号",
                amount=Decimal(rng.choice([5000, 10000, 20000])) if fine else None,
                date=inspection.date,
                violation=violation,
                inspection=inspection,
            )
    for hazard, _live in hazards_made[:6]:
        enforcement_services.enforcement_action_record(
            actor=staff,
            enterprise=hazard.enterprise,
            unit=hazard.responsible_unit,
            kind="order",
            legal_basis="《安全生产事故隐患排查治理暂行规定》第二十条",
            decision_number="{}隐改〔{}〕{}号".format(
                hazard.responsible_unit.doc_number_prefix or "高新", hazard.found_on.year, hazard.pk
            ),
            date=hazard.found_on,
            hazard=hazard,
        )
