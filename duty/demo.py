"""Demo data of the emergency duty (idempotent, through the services): the June 2024
roster of the committee office, generated and published, with the marathon's
heightened duty and an orange rainstorm warning; a week of duty logs with handovers and
incident reports (one reported late); emergency resources; four rescue teams on
stand-by for the marathon."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safetyzone.org.demo import demo_email_give
from safetyzone.org.models import Unit, User
from safetyzone.org.roles import Role
from safetyzone.org.services import user_set_roles

from .models import (
    DutyRoster,
    EmergencyResource,
    Handover,
    IncidentReport,
    RescueTeam,
    Shift,
    ShiftAssignment,
    StandbyAssignment,
    Unavailability,
    WeatherWarning,
)
from .selectors.log import incoming_leader, open_matters_before
from .services.duty_report import duty_report_confirm, duty_report_generate, duty_report_leader
from .services.incidents import incident_report_create, incident_update_create, warning_create
from .services.log import handover_confirm, handover_create, log_entry_create
from .services.resources import resource_create, standby_create, stock_move, team_create
from .services.rosters import roster_create, roster_generate, roster_publish
from .services.shifts import shift_update, unavailability_create
from .times import shift_window

OFFICE = "高新区安全生产委员会办公室"
EMA = "高新区应急管理局"
FIRE = "高新区消防救援大队"
STREET = "高新区越山街道办事处"
DUTY_PHONE = "0432-64501110"
ROSTER_TITLE = "高新区安委会2024年6月应急值班表"

# username, display name, unit, role
PEOPLE = [
    ("leader", None, OFFICE, Role.DUTY_LEADER),
    ("leader2", "张明（安委办副主任）", OFFICE, Role.DUTY_LEADER),
    ("leader3", "赵华（应急管理局副局长）", EMA, Role.DUTY_LEADER),
    ("leader4", "孙伟（安委办主任科员）", OFFICE, Role.DUTY_LEADER),
    ("leader5", "钱峰（应急管理局科长）", EMA, Role.DUTY_LEADER),
    ("officer", None, EMA, Role.DUTY_OFFICER),
    ("officer2", "周婷（值班员）", EMA, Role.DUTY_OFFICER),
    ("officer3", "吴磊（值班员）", EMA, Role.DUTY_OFFICER),
    ("officer4", "郑洁（值班员）", OFFICE, Role.DUTY_OFFICER),
    ("officer5", "冯涛（值班员）", OFFICE, Role.DUTY_OFFICER),
    ("officer6", "陈晨（值班员）", EMA, Role.DUTY_OFFICER),
    ("officer7", "褚亮（值班员）", EMA, Role.DUTY_OFFICER),
    ("officer8", "卫静（值班员）", OFFICE, Role.DUTY_OFFICER),
]

# kind, name, specification, quantity, measure, low-stock threshold, place, keeper, phone
RESOURCES = [
    (
        "vehicle",
        "应急指挥车",
        "依维柯指挥通信车",
        1,
        "辆",
        0,
        "应急管理局车库",
        "刘刚",
        "13904320001",
    ),
    ("vehicle", "抢险运输车", "5吨厢式货车", 2, "辆", 0, "应急管理局车库", "刘刚", "13904320001"),
    (
        "vehicle",
        "水上救援冲锋舟",
        "6人橡皮艇含船外机",
        3,
        "艘",
        1,
        "防汛物资库",
        "马林",
        "13904320002",
    ),
    (
        "equipment",
        "大功率抽水泵",
        "300m³/h 柴油机组",
        4,
        "台",
        1,
        "防汛物资库",
        "马林",
        "13904320002",
    ),
    ("equipment", "移动发电机", "30kW 静音型", 3, "台", 1, "应急物资储备库", "何平", "13904320003"),
    (
        "equipment",
        "应急照明灯塔",
        "4×500W 升降式",
        4,
        "套",
        1,
        "应急物资储备库",
        "何平",
        "13904320003",
    ),
    (
        "equipment",
        "正压式空气呼吸器",
        "6.8L 碳纤维气瓶",
        12,
        "套",
        4,
        "危化品救援队",
        "贾勇",
        "13904320004",
    ),
    (
        "equipment",
        "可燃气体检测仪",
        "四合一便携式",
        8,
        "台",
        2,
        "危化品救援队",
        "贾勇",
        "13904320004",
    ),
    (
        "equipment",
        "救援无人机",
        "六旋翼带喊话照明",
        2,
        "架",
        0,
        "应急管理局",
        "刘刚",
        "13904320001",
    ),
    ("equipment", "卫星电话", "天通一号", 6, "部", 2, "应急管理局值班室", "杨帆", "13904320005"),
    ("equipment", "干粉灭火器", "8kg ABC", 120, "具", 30, "应急物资储备库", "何平", "13904320003"),
    (
        "material",
        "防汛沙袋",
        "编织袋 50×80cm",
        2000,
        "条",
        500,
        "防汛物资库",
        "马林",
        "13904320002",
    ),
    ("material", "救生衣", "成人款 CCS认证", 150, "件", 40, "防汛物资库", "马林", "13904320002"),
    ("material", "救生圈", "2.5kg 船用", 60, "个", 20, "防汛物资库", "马林", "13904320002"),
    (
        "material",
        "雨衣雨靴",
        "分体式反光雨衣+高筒靴",
        25,
        "套",
        30,
        "防汛物资库",
        "马林",
        "13904320002",
    ),
    ("material", "警戒带", "100m/卷", 80, "卷", 20, "应急物资储备库", "何平", "13904320003"),
    ("material", "救灾帐篷", "12m² 单帐篷", 40, "顶", 10, "应急物资储备库", "何平", "13904320003"),
    ("material", "折叠床", "钢架行军床", 100, "张", 20, "应急物资储备库", "何平", "13904320003"),
    ("material", "棉被", "2kg 棉被", 200, "床", 50, "应急物资储备库", "何平", "13904320003"),
    ("material", "矿泉水", "550ml×24瓶", 150, "箱", 50, "应急物资储备库", "何平", "13904320003"),
    ("material", "方便食品", "自热米饭", 30, "箱", 40, "应急物资储备库", "何平", "13904320003"),
    ("material", "铁锹", "尖头锹", 200, "把", 50, "防汛物资库", "马林", "13904320002"),
]

# name, unit, speciality, leader, phone, base, equipment, members
TEAMS = [
    (
        "高新区防汛抢险队",
        EMA,
        "防汛抢险、排涝",
        "马林",
        "13904320002",
        "高新区防汛物资库",
        "冲锋舟3艘、抽水泵4台、沙袋2000条",
        [("马林", "队长", "13904320002"), ("高阳", "队员", ""), ("石磊", "驾驶员", "")],
    ),
    (
        "高新区消防救援站",
        FIRE,
        "火灾扑救、抢险救援",
        "冯军",
        "0432-64501119",
        "高新区消防救援站",
        "水罐消防车2辆、抢险救援车1辆",
        [("冯军", "站长", "0432-64501119"), ("邓超", "战斗员", ""), ("葛亮", "战斗员", "")],
    ),
    (
        "危险化学品应急救援队",
        EMA,
        "危化品泄漏处置、气体检测",
        "贾勇",
        "13904320004",
        "化工园区应急救援中心",
        "空气呼吸器12套、气体检测仪8台、堵漏工具",
        [("贾勇", "队长", "13904320004"), ("蔡明", "检测员", ""), ("阎涛", "队员", "")],
    ),
    (
        "越山街道应急分队",
        STREET,
        "人员疏散、先期处置",
        "何静",
        "0432-64502101",
        "越山街道办事处",
        "应急照明、警戒带、广播喇叭",
        [("何静", "分队长", "0432-64502101"), ("薛峰", "网格员", ""), ("潘婷", "网格员", "")],
    ),
]

# A week of the duty log: day of June, entries (hour after change-over, kind, content),
# open matters handed over.
WEEK = [
    (
        17,
        [
            (1.5, "instruction", "传达市安委办通知：做好近期强降雨防范，各单位落实24小时值班。"),
            (6, "patrol", "视频巡查化工园区重点企业，运行正常。"),
            (13.5, "call", "越山街道来电：辖区在建工地已停止高处作业。"),
        ],
        ["核实人才公寓二期项目部防汛物资到位情况"],
    ),
    (
        18,
        [
            (2, "call", "住建局报告：在建工地基坑排水设施检查完毕。"),
            (11, "patrol", "夜间视频巡查重点路段，无异常。"),
        ],
        [],
    ),
    (
        19,
        [
            (1, "instruction", "气象台预报20日有暴雨，通知防汛抢险队、物资库做好准备。"),
            (8, "call", "市应急局值班室电话调度：报送防汛准备情况。"),
        ],
        ["20日暴雨期间加强下穿桥、低洼路段巡查"],
    ),
    (
        20,
        [
            (0.5, "incident", "吉林市气象台发布暴雨橙色预警，已转发各成员单位。"),
            (4, "call", "越山街道报告：越山路下穿桥积水约40厘米，已封闭交通。"),
            (6, "instruction", "带班领导指令：防汛抢险队携抽水泵赶赴越山路下穿桥。"),
            (9, "patrol", "下穿桥积水已排除，恢复通行。"),
        ],
        ["越山路下穿桥排水泵站运行情况待复查"],
    ),
    (
        21,
        [
            (1, "call", "城管局报告：燃气管网巡检正常。"),
            (12, "incident", "接报长春路与深圳街交口发生两车相撞，1人轻伤。"),
        ],
        [],
    ),
    (
        22,
        [
            (2, "patrol", "检查应急物资储备库，方便食品库存不足，已报告。"),
            (10, "call", "消防大队报告：万达广场消防演练顺利完成。"),
        ],
        ["方便食品补充采购"],
    ),
    (
        23,
        [
            (1, "instruction", "部署安全生产月咨询日现场保障。"),
            (7, "patrol", "视频巡查重点企业，运行正常。"),
        ],
        [],
    ),
]


def _at(day: date, hours: float) -> datetime:
    return shift_window(day)[0] + timedelta(hours=hours)


def _people() -> tuple[list[User], list[User]]:
    units = {u.name: u for u in Unit.objects.filter(name__in=[OFFICE, EMA])}
    leaders, officers = [], []
    for username, display, unit_name, role in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, display_name=display or username)
            user.unit = units.get(unit_name)
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        demo_email_give(user)
        if not user.has_role(role):
            user_set_roles(user=user, roles={*user.roles, role})
        (leaders if role == Role.DUTY_LEADER else officers).append(user)
    return leaders, officers


def _marathon():
    from campaigns.models import KeyPeriod, RiskLevel

    period = KeyPeriod.objects.filter(
        name__contains="马拉松", start_date__lte=date(2024, 6, 30), end_date__gte=date(2024, 6, 1)
    ).first()
    if period is None:
        # The campaigns demo normally brings it; without it the duty demo still shows the
        # heightened days around the race.
        period = KeyPeriod.objects.create(
            name="2024吉林市马拉松赛",
            start_date=date(2024, 6, 15),
            end_date=date(2024, 6, 16),
            risk_level=RiskLevel.HIGH,
            duty_level=KeyPeriod.DutyLevel.SPECIAL,
            extra_duty_officers=1,
            notes="赛事期间加强值班值守，救援力量沿线前置。",
        )
    return period


@transaction.atomic
def seed() -> None:
    staff = User.objects.get(username="staff")
    office = Unit.objects.get(name=OFFICE)
    leaders, officers = _people()
    marathon = _marathon()

    # Leave and trips that the generator must respect.
    for person, kind, first, last, note in (
        (leaders[1], Unavailability.Kind.LEAVE, date(2024, 6, 3), date(2024, 6, 7), "年休假"),
        (officers[2], Unavailability.Kind.TRIP, date(2024, 6, 11), date(2024, 6, 14), "赴省厅培训"),
    ):
        if not Unavailability.objects.filter(person=person, start_date=first).exists():
            unavailability_create(
                actor=staff, person=person, kind=kind, start_date=first, end_date=last, note=note
            )

    warning_start = timezone.make_aware(datetime.combine(date(2024, 6, 20), time(6, 0)))
    if not WeatherWarning.objects.filter(kind="rainstorm", issued_at=warning_start).exists():
        warning_create(
            actor=staff,
            kind=WeatherWarning.Kind.RAINSTORM,
            level=WeatherWarning.Level.ORANGE,
            area="高新区全域",
            issued_by="吉林市气象台",
            issued_at=warning_start,
            valid_until=warning_start + timedelta(hours=24),
            content="预计未来24小时内将出现50毫米以上降雨，请做好防范。",
        )

    roster = _published_roster(
        staff, office, ROSTER_TITLE, date(2024, 6, 1), date(2024, 6, 30), leaders, officers
    )

    _week_of_logs(roster)
    _resources_and_teams(staff, marathon)
    _current_roster(staff, office, leaders, officers)
    _daily_reports(staff, roster)


def _daily_reports(staff: User, june: DutyRoster) -> None:
    """Daily duty reports: the logged week of June 2024 (17–23), confirmed; of the
    current roster, the shifts of the past week confirmed, but for the latest one led
    by the demo ``leader``, whose report waits for their confirmation (a missed one is
    reminded). The rotation decides which day that is; the demo does not move people
    around the duty rules to make it this morning's."""
    week = (date(2024, 6, WEEK[0][0]), date(2024, 6, WEEK[-1][0]))
    for shift in june.shifts.filter(date__range=week).order_by("date"):
        _report_confirmed(shift, note="本班次值守正常，未结事项已交下一班跟进。")
    now = timezone.now()
    ended = list(
        Shift.objects.filter(
            roster__status=DutyRoster.Status.PUBLISHED,
            roster__unit__name=OFFICE,
            ends_at__lte=now,
            ends_at__gt=now - timedelta(days=7),
        )
        .exclude(roster=june)
        .order_by("ends_at")
    )
    leader = User.objects.get(username="leader")
    led = [
        s
        for s in ended
        if s.assignments.filter(person=leader, role=ShiftAssignment.Role.LEADER).exists()
    ]
    waiting = led[-1] if led else None
    for shift in ended:
        if shift == waiting:
            duty_report_generate(shift=shift)
        else:
            _report_confirmed(shift, note="值守正常，无新增险情。")


def _report_confirmed(shift: Shift, *, note: str) -> None:
    report = duty_report_generate(shift=shift)
    leader = duty_report_leader(report)
    if not report.is_confirmed and leader is not None:
        duty_report_confirm(report=report, actor=leader, note=note)


def _current_roster(staff: User, office: Unit, leaders: list[User], officers: list[User]):
    """This month and the next, generated and published, so that "on duty now" and the
    people's upcoming shifts show something on the day the demo runs."""
    today = timezone.localdate()
    first = today.replace(day=1)
    last = (first + timedelta(days=62)).replace(day=1) - timedelta(days=1)
    title = f"高新区安委会{first:%Y年%-m月}—{last:%-m月}应急值班表"
    officer = next(o for o in officers if o.username == "officer")
    _published_roster(staff, office, title, first, last, leaders, officers, on_duty_now=officer)


def _put_on_duty_now(roster: DutyRoster, staff: User, officer: User) -> None:
    """The demo's ``officer`` keeps the shift on duty now, so that whoever signs in as
    them can keep today's log at once (README's demo users say so). A shift the rules
    refuse them for stays as generated."""
    now = timezone.now()
    shift = roster.shifts.filter(starts_at__lte=now, ends_at__gt=now).first()
    if shift is None or shift.assignments.filter(person=officer).exists():
        return
    people = {a.role: a.person for a in shift.assignments.select_related("person")}
    try:
        shift_update(actor=staff, shift=shift, leader=people.get("leader"), officers=[officer])
    except ValidationError:
        return


def _published_roster(
    staff, office, title, first, last, leaders, officers, on_duty_now=None
) -> DutyRoster:
    """The roster of that title, created, generated and published once (idempotent);
    ``on_duty_now``, an officer put on the shift on duty now before it is published."""
    roster = DutyRoster.objects.filter(title=title).first()
    if roster is None:
        roster = roster_create(
            actor=staff,
            title=title,
            unit=office,
            start_date=first,
            end_date=last,
            officers_per_shift=1,
            phone=DUTY_PHONE,
            notes="每日08:30交接班；重要时段和橙色以上预警期间增加值班员。",
        )
    if not roster.shifts.exists():
        roster_generate(roster=roster, actor=staff, leaders=leaders, officers=officers)
    if not roster.is_published and on_duty_now is not None:
        _put_on_duty_now(roster, staff, on_duty_now)
    if not roster.is_published:
        roster_publish(roster=roster, actor=staff)
    return roster


def _officer_of(shift: Shift) -> User:
    return next(a.person for a in shift.assignments.all() if a.role == "officer")


def _week_of_logs(roster: DutyRoster) -> None:
    shifts = {
        s.date.day: s
        for s in roster.shifts.filter(date__day__in=[d for d, _e, _m in WEEK]).prefetch_related(
            "assignments__person"
        )
    }
    for day, entries, matters in WEEK:
        shift = shifts[day]
        if shift.is_closed or Handover.objects.filter(shift=shift).exists():
            continue
        officer = _officer_of(shift)
        for hours, kind, content in entries:
            log_entry_create(
                actor=officer, shift=shift, kind=kind, content=content, at=_at(shift.date, hours)
            )
        if day == 20:
            _incident(
                shift,
                officer,
                4,
                "weather",
                "越山路下穿桥",
                "下穿桥积水约40厘米，一辆轿车熄火，司机已自行脱困。",
                20,
                45,
            )
        if day == 21:
            # Reported up late: the first report went out 50 minutes after it came in.
            _incident(
                shift,
                officer,
                12,
                "accident",
                "长春路与深圳街交口",
                "两车相撞，1人轻伤，已送医。",
                50,
                95,
                injuries=1,
            )
        if day == 22:
            _incident(
                shift,
                officer,
                15,
                "fire",
                "高新万达广场地下车库",
                "一辆电动汽车起火，消防救援站已扑灭，无人员伤亡。",
                10,
                35,
            )
        carried = open_matters_before(shift)
        close = {m.pk: "已落实" for m in carried[:1]} if day in (18, 21, 23) else {}
        handover = handover_create(
            actor=officer,
            shift=shift,
            new_matters=matters,
            close_matters=close,
            notes="值班期间情况平稳。" if not matters else "",
            handed_over_at=_at(shift.date, 24),
        )
        incoming = incoming_leader(handover.next_shift)
        if incoming is not None:
            handover_confirm(
                actor=incoming, handover=handover, at=_at(shift.date, 24) + timedelta(minutes=5)
            )


def _incident(shift, officer, hours, kind, place, description, first_min, written_min, **extra):
    received = _at(shift.date, hours)
    if IncidentReport.objects.filter(shift=shift, received_at=received).exists():
        return
    report = incident_report_create(
        actor=officer,
        shift=shift,
        received_at=received,
        reported_by="越山街道值班室" if kind == "weather" else "110指挥中心",
        reporter_phone="0432-64502101",
        kind=kind,
        level=IncidentReport.Level.GENERAL,
        place=place,
        description=description,
        **extra,
    )
    incident_update_create(
        actor=officer,
        report=report,
        kind="first",
        method="phone",
        content=f"首报：{description}",
        received_by="吉林市应急管理局值班室",
        sent_at=received + timedelta(minutes=first_min),
    )
    incident_update_create(
        actor=officer,
        report=report,
        kind="final",
        method="written",
        content="终报：现场处置完毕，已恢复正常。",
        received_by="吉林市应急管理局值班室",
        sent_at=received + timedelta(minutes=written_min),
    )


def _resources_and_teams(staff: User, marathon) -> None:
    units = {u.name: u for u in Unit.objects.filter(name__in=[EMA, FIRE, STREET])}
    ema = units[EMA]
    for kind, name, spec, qty, measure, low, place, keeper, phone in RESOURCES:
        if EmergencyResource.objects.filter(unit=ema, name=name).exists():
            continue
        resource_create(
            actor=staff,
            unit=ema,
            kind=kind,
            name=name,
            specification=spec,
            quantity=Decimal(qty),
            measure=measure,
            low_stock_threshold=Decimal(low),
            storage_place=place,
            keeper=keeper,
            keeper_phone=phone,
            last_checked_on=date(2024, 6, 1),
        )
    sandbags = EmergencyResource.objects.get(unit=ema, name="防汛沙袋")
    if not sandbags.movements.filter(direction="out").exists():
        stock_move(
            actor=staff,
            resource=sandbags,
            direction="out",
            quantity=Decimal(300),
            purpose="越山路下穿桥防汛",
            handled_by="马林",
            moved_at=_at(date(2024, 6, 20), 6),
        )
        stock_move(
            actor=staff,
            resource=sandbags,
            direction="back",
            quantity=Decimal(120),
            purpose="险情解除退回",
            handled_by="马林",
            moved_at=_at(date(2024, 6, 21), 3),
        )

    teams = []
    for name, unit_name, speciality, leader, phone, base, equipment, members in TEAMS:
        team = RescueTeam.objects.filter(name=name).first()
        if team is None:
            team = team_create(
                actor=staff,
                unit=units[unit_name],
                name=name,
                speciality=speciality,
                leader=leader,
                leader_phone=phone,
                base=base,
                equipment=equipment,
                members=[{"name": n, "role": r, "phone": p} for n, r, p in members],
            )
        teams.append(team)

    race_day = marathon.start_date
    places = ["世纪广场起点", "江湾大桥（10公里处）", "化工园区路段（21公里处）", "临江门终点"]
    for team, place in zip(teams, places, strict=True):
        if StandbyAssignment.objects.filter(key_period=marathon, team=team).exists():
            continue
        standby_create(
            actor=staff,
            key_period=marathon,
            place=place,
            team=team,
            starts_at=_at(race_day, -2),  # 06:30 on race day
            ends_at=_at(race_day, 5),
            note="赛事期间前置待命",
        )
    for name, quantity in (("应急指挥车", Decimal(1)), ("救生衣", Decimal(30))):
        resource = EmergencyResource.objects.get(unit=ema, name=name)
        if not StandbyAssignment.objects.filter(key_period=marathon, resource=resource).exists():
            standby_create(
                actor=staff,
                key_period=marathon,
                place="世纪广场起点" if name == "应急指挥车" else "江湾大桥（10公里处）",
                resource=resource,
                quantity=quantity,
                starts_at=_at(race_day, -2),
                ends_at=_at(race_day, 5),
            )
