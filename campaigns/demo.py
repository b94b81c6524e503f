"""Demo data of the campaigns app, after the source article: the three-year root-cause
action carrying the 2024 Safety Production Month, the four key periods of June 2024,
the district office's directive, the 4 June 2024 meeting with its numbered notice, the
member units' publicity activities, and tasks in every state.

Idempotent: each record is looked up by its natural key first, and created through the
services (which check every rule) only when missing. Tasks are set around today so that
their lights show green, yellow and red.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from safetyzone.org.models import KeyArea, Unit, User

from .models import Activity, Campaign, Directive, KeyPeriod, Meeting, Task, TaskAssignment
from .services.activities import activity_create
from .services.assignments import (
    assignment_complete,
    assignment_return,
    assignment_sign,
    assignment_start,
)
from .services.chasers import assignment_chase
from .services.extensions import extension_decide, extension_request
from .services.meetings import (
    directive_create,
    meeting_create,
    meeting_issue,
    meeting_record_minutes,
    meeting_sign,
)
from .services.planning import campaign_create, key_period_create
from .services.tasks import task_create

OFFICE = "高新区安全生产委员会办公室"
EMA = "高新区应急管理局"
STREET = "高新区越山街道办事处"

REQUIREMENTS = [
    "深入贯彻习近平总书记关于安全生产重要指示批示精神，以安全生产治本攻坚三年行动为载体，"
    "强化重要时段风险研判，加强重点领域安全监管。",
    "聚焦重点时段重点领域隐患排查整治，按照区安委办《关于做好近期安全防范工作的通知》要求，"
    "坚持“全覆盖、零容忍、严执法、重实效”，排查整治重点领域安全隐患。",
    "严格落实安全监管责任，严厉打击违章指挥、违章作业、违反劳动纪律行为，"
    "加强作业现场安全管理，严格落实岗位责任制和安全操作规程。",
    "广泛发动全社会力量做好安全生产月宣传教育活动，深入开展安全生产“五进”活动，"
    "按计划开展各类应急演练，开展各行业安全培训和研讨。",
    "做好应急值守，严格落实24小时值班和领导干部带班制度，加强极端天气应对，"
    "做好车辆、装备、物资和救援队伍准备，确保信息畅通。",
]

AGENDA = [
    "通报近期安全生产形势",
    "部署中考、端午节、吉马赛事、安全生产月咨询日等重要节日和重要活动安全防范工作",
    "启动部署2024年“安全生产月”活动",
    "王立副主任讲话",
]

# name, start, end, risk level, duty level, extra officers, key-area codes, notes
KEY_PERIODS = [
    (
        "2024年中考",
        date(2024, 6, 19),
        date(2024, 6, 21),
        "high",
        "enhanced",
        1,
        ["road-traffic", "crowded-places", "fire"],
        "考点周边交通、消防和食品安全保障。",
    ),
    (
        "2024年端午节",
        date(2024, 6, 8),
        date(2024, 6, 10),
        "high",
        "enhanced",
        1,
        ["crowded-places", "road-traffic", "gas"],
        "节日期间人员密集场所和出行高峰。",
    ),
    (
        "2024吉林市马拉松（吉马）",
        date(2024, 6, 16),
        date(2024, 6, 16),
        "major",
        "special",
        2,
        ["crowded-places", "road-traffic"],
        "赛道沿线人员密集，交通管制，救援力量前置。",
    ),
    (
        "2024年安全生产月咨询日",
        date(2024, 6, 16),
        date(2024, 6, 16),
        "general",
        "enhanced",
        0,
        ["crowded-places"],
        "全国安全宣传咨询日，现场咨询活动。",
    ),
    (
        "2026—2027年冬季供暖期",
        date(2026, 11, 15),
        date(2027, 3, 15),
        "general",
        "enhanced",
        0,
        ["gas", "fire", "limited-space"],
        "供暖季燃气、锅炉和一氧化碳中毒风险上升。",
    ),
    (
        "2027年元旦",
        date(2026, 12, 31),
        date(2027, 1, 3),
        "high",
        "enhanced",
        1,
        ["fire", "gas", "crowded-places"],
        "岁末年初，冬季供暖和燃气使用高峰。",
    ),
]
# The key periods that go with a public holiday (a copy to another year follows it).
KEY_PERIOD_HOLIDAYS = {"2024年端午节": "dragon_boat", "2027年元旦": "new_year"}

# title, kind, unit, day (June 2024), place, participants, target / plan
ACTIVITIES = [
    ("2024年安全生产月咨询日现场活动", "consultation_day", EMA, 16, "世纪广场", 600, ""),
    ("危险化学品泄漏事故应急演练", "drill", EMA, 14, "化工园区", 120, "危险化学品事故应急预案"),
    (
        "人员密集场所消防疏散演练",
        "drill",
        "高新区消防救援大队",
        12,
        "高新万达广场",
        300,
        "火灾事故应急预案",
    ),
    (
        "建筑施工企业安全管理人员培训",
        "training",
        "高新区住房和城乡建设局",
        11,
        "住建局会议室",
        80,
        "",
    ),
    ("特种设备安全管理座谈会", "seminar", "高新区市场监督管理局", 18, "市场监管局会议室", 25, ""),
    ("安全生产进企业宣讲", "five_into", EMA, 7, "吉林市恒达化工有限公司", 60, "enterprises"),
    ("安全知识进社区", "five_into", STREET, 9, "越山社区", 150, "communities"),
    ("安全生产进农村", "five_into", "高新区江北街道办事处", 13, "江北乡兴华村", 90, "rural"),
    ("中考前校园安全教育", "five_into", "高新区教育局", 17, "吉林市第十二中学", 800, "schools"),
    ("燃气安全进家庭", "five_into", "高新区城市管理局", 20, "越山小区", 200, "families"),
    ("道路交通安全培训", "training", "高新区公安交警大队", 21, "客运站", 45, ""),
    (
        "吉马赛事医疗救援演练",
        "drill",
        "高新区文化旅游局",
        15,
        "世纪广场",
        70,
        "大型活动突发事件应急预案",
    ),
    ("有限空间作业安全研讨会", "seminar", "高新区经济发展局", 25, "经发局会议室", 30, ""),
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def _seed_campaigns(staff: User) -> tuple[Campaign, Campaign]:
    carrier = Campaign.objects.filter(name="安全生产治本攻坚三年行动（2024—2026年）").first()
    if carrier is None:
        carrier = campaign_create(
            actor=staff,
            name="安全生产治本攻坚三年行动（2024—2026年）",
            kind=Campaign.Kind.THREE_YEAR_ACTION,
            start_date=date(2024, 1, 1),
            end_date=date(2026, 12, 31),
            lead_unit=_unit(OFFICE),
            goals="到2026年底，重大事故隐患动态清零，安全生产治理模式向事前预防转型。",
            phases=[
                {
                    "kind": "mobilisation",
                    "name": "动员部署",
                    "start_date": date(2024, 1, 1),
                    "end_date": date(2024, 3, 31),
                },
                {
                    "kind": "implementation",
                    "name": "攻坚推进",
                    "start_date": date(2024, 4, 1),
                    "end_date": date(2026, 6, 30),
                },
                {
                    "kind": "summary",
                    "name": "巩固提升",
                    "start_date": date(2026, 7, 1),
                    "end_date": date(2026, 12, 31),
                },
            ],
        )
    month = Campaign.objects.filter(name="2024年安全生产月").first()
    if month is None:
        month = campaign_create(
            actor=staff,
            name="2024年安全生产月",
            kind=Campaign.Kind.SAFETY_MONTH,
            parent=carrier,
            theme="人人讲安全、个个会应急——畅通生命通道",
            start_date=date(2024, 6, 1),
            end_date=date(2024, 6, 30),
            lead_unit=_unit(EMA),
            goals="广泛开展宣传教育，集中排查整治重点领域隐患，提升全员应急能力。",
            phases=[
                {
                    "kind": "mobilisation",
                    "name": "动员部署",
                    "start_date": date(2024, 6, 1),
                    "end_date": date(2024, 6, 5),
                },
                {
                    "kind": "implementation",
                    "name": "组织实施",
                    "start_date": date(2024, 6, 6),
                    "end_date": date(2024, 6, 25),
                },
                {
                    "kind": "summary",
                    "name": "总结提升",
                    "start_date": date(2024, 6, 26),
                    "end_date": date(2024, 6, 30),
                },
            ],
        )
    return carrier, month


def _seed_key_periods(staff: User, month: Campaign, carrier: Campaign) -> list[KeyPeriod]:
    areas = {a.code: a for a in KeyArea.objects.all()}
    periods = []
    for name, start, end, risk, duty, extra, codes, notes in KEY_PERIODS:
        period = KeyPeriod.objects.filter(name=name, start_date=start).first()
        if period is None:
            period = key_period_create(
                actor=staff,
                name=name,
                start_date=start,
                end_date=end,
                risk_level=risk,
                duty_level=duty,
                extra_duty_officers=extra,
                holiday=KEY_PERIOD_HOLIDAYS.get(name, ""),
                campaign=month if start.year == 2024 else carrier,
                notes=notes,
                key_areas=[areas[c] for c in codes if c in areas],
            )
        periods.append(period)
    return periods


def _seed_directive(staff: User, month: Campaign) -> Directive:
    directive = Directive.objects.filter(number="吉高安委办〔2024〕9号").first()
    if directive is None:
        directive = directive_create(
            actor=staff,
            issuer="吉林高新区安全生产委员会办公室",
            number="吉高安委办〔2024〕9号",
            issued_on=date(2024, 5, 30),
            title="关于做好近期安全防范工作的通知",
            requirements="坚持“全覆盖、零容忍、严执法、重实效”，深入排查整治重点领域安全隐患；"
            "严格落实24小时值班和领导干部带班制度。",
            campaign=month,
        )
    return directive


def _seed_meeting(staff, admin, month, periods, directive) -> Meeting:
    title = "近期安全生产工作暨“安全生产月”启动部署会议"
    meeting = Meeting.objects.filter(title=title).first()
    if meeting is None:
        tz = timezone.get_current_timezone()
        members = Unit.objects.filter(membership=Unit.Membership.MEMBER, is_active=True)
        meeting = meeting_create(
            actor=staff,
            title=title,
            kind=Meeting.Kind.MOBILISATION,
            starts_at=datetime.combine(date(2024, 6, 4), time(9, 0), tzinfo=tz),
            place="高新区管委会三楼会议室",
            chair="王立（高新区管委会副主任）",
            organiser=_unit(OFFICE),
            campaign=month,
            notice_body="为贯彻落实上级关于近期安全防范工作的部署，安排部署中考、端午节、吉马赛事"
            "及安全生产月咨询日等重要节日和重要活动安全防范工作，经研究，定于2024年6月4日"
            "召开近期安全生产工作暨“安全生产月”启动部署会议。现将有关事项通知如下：",
            copy_to="市安委办，区委办，区政府办",
            attending_units=members,
            agenda=AGENDA,
            requirements=REQUIREMENTS,
            key_periods=[p for p in periods if p.start_date.year == 2024],
            directives=[directive],
        )
    if meeting.status == Meeting.Status.DRAFT:
        tz = timezone.get_current_timezone()
        meeting_issue(
            meeting=meeting,
            actor=admin,
            issued_at=datetime.combine(date(2024, 6, 3), time(15, 0), tzinfo=tz),
        )
        meeting.refresh_from_db()
    for username in ("head", "head2"):
        meeting_sign(meeting=meeting, actor=_user(username))  # keeps a first signature
    if not meeting.minutes:
        meeting_record_minutes(
            meeting=meeting,
            actor=staff,
            minutes="6月4日，王立副主任主持召开近期安全生产工作暨“安全生产月”启动部署会议。"
            "会议通报了近期安全生产形势，部署了中考、端午节、吉马赛事和安全生产月咨询日等"
            "重要节点的安全防范工作。会议要求："
            + "；".join(r.rstrip("。") for r in REQUIREMENTS[:3])
            + "。",
        )
    return meeting


def _seed_upcoming_meeting(staff: User, admin: User, carrier: Campaign) -> Meeting:
    """A meeting next week whose notice is issued and not yet signed for: the department
    heads find it on their home page's "to do"."""
    title = "元旦春节期间安全防范工作部署会议"
    meeting = Meeting.objects.filter(title=title).first()
    if meeting is None:
        tz = timezone.get_current_timezone()
        day = timezone.localdate() + timedelta(days=7)
        meeting = meeting_create(
            actor=staff,
            title=title,
            kind=Meeting.Kind.WORK_ARRANGEMENT,
            starts_at=datetime.combine(day, time(9, 0), tzinfo=tz),
            place="高新区管委会三楼会议室",
            chair="王立（高新区管委会副主任）",
            organiser=_unit(OFFICE),
            campaign=carrier,
            notice_body="为做好元旦春节期间安全防范工作，经研究，定于下周召开部署会议。"
            "现将有关事项通知如下：",
            attending_units=Unit.objects.filter(membership=Unit.Membership.MEMBER, is_active=True),
            agenda=["通报岁末年初安全生产形势", "部署元旦春节期间安全防范工作"],
            requirements=REQUIREMENTS[:2],
        )
    if meeting.status == Meeting.Status.DRAFT:
        meeting_issue(meeting=meeting, actor=admin)
        meeting.refresh_from_db()
    return meeting


def _seed_activities(staff: User, month: Campaign) -> None:
    for title, kind, unit, day, place, participants, extra in ACTIVITIES:
        when = date(2024, 6, day)
        if Activity.objects.filter(title=title, date=when).exists():
            continue
        activity_create(
            actor=staff,
            title=title,
            kind=kind,
            date=when,
            place=place,
            unit=_unit(unit),
            campaign=month,
            five_into_target=extra if kind == Activity.Kind.FIVE_INTO else "",
            drill_plan=extra if kind == Activity.Kind.DRILL else "",
            participants=participants,
            summary=f"{unit}在{place}组织开展{title}，参与{participants}人次。",
        )


def _seed_tasks(staff: User, carrier: Campaign, meeting: Meeting, directive: Directive) -> None:
    """Tasks around today, in every state: issued, signed, in progress, done, returned,
    overdue, one extended and one chased."""
    head, head2 = _user("head"), _user("head2")
    ema, street = _unit(EMA), _unit(STREET)
    today = timezone.localdate()
    specs = [
        # title, lead, assisting, days to deadline
        ("岁末年初重点领域安全隐患大排查", ema, [street, _unit("高新区消防救援大队")], 20),
        ("冬季燃气安全专项检查", street, [_unit("高新区城市管理局")], 12),
        ("元旦期间人员密集场所消防安全检查", ema, [street], 2),
        ("治本攻坚三年行动年度总结材料报送", ema, [], 30),
        ("危化品企业重大事故隐患判定标准培训", ema, [], 9),
        ("老旧小区燃气管网隐患整改督办", street, [], 6),
    ]
    tasks = {}
    for title, lead, assisting, days in specs:
        task = Task.objects.filter(title=title).first()
        if task is None:
            task = task_create(
                actor=staff,
                title=title,
                content=f"按照治本攻坚三年行动部署，{title}，坚持全覆盖、零容忍、严执法、重实效，"
                "按期报送工作情况。",
                deadline=today + timedelta(days=days),
                lead_unit=lead,
                assisting_units=assisting,
                campaign=carrier,
                meeting=meeting,
                directive=directive,
                report_every="monthly" if days >= 20 else "",
            )
        tasks[title] = task

    def lead_assignment(title: str) -> TaskAssignment:
        return tasks[title].assignments.get(role=TaskAssignment.Role.LEAD)

    fresh = all(
        a.status == TaskAssignment.Status.ISSUED
        for t in tasks.values()
        for a in t.assignments.all()
    )
    if not fresh:
        return  # states were set by an earlier run
    # signed
    assignment_sign(assignment=lead_assignment("岁末年初重点领域安全隐患大排查"), actor=head)
    # in progress, chased
    gas = lead_assignment("冬季燃气安全专项检查")
    assignment_sign(assignment=gas, actor=head2)
    assignment_start(assignment=gas, actor=head2)
    assignment_chase(assignment=gas, actor=staff, message="请加快老旧小区燃气检查进度，按期报送。")
    # done
    report = lead_assignment("治本攻坚三年行动年度总结材料报送")
    assignment_sign(assignment=report, actor=head)
    assignment_start(assignment=report, actor=head)
    assignment_complete(assignment=report, actor=head, feedback="年度总结材料已按要求报送。")
    # returned
    training = lead_assignment("危化品企业重大事故隐患判定标准培训")
    assignment_sign(assignment=training, actor=head)
    assignment_start(assignment=training, actor=head)
    assignment_complete(assignment=training, actor=head, feedback="已组织培训。")
    assignment_return(assignment=training, actor=staff, reason="请补充培训签到表和现场照片。")
    # extension asked and granted
    pipes = lead_assignment("老旧小区燃气管网隐患整改督办")
    assignment_sign(assignment=pipes, actor=head2)
    request = extension_request(
        assignment=pipes,
        actor=head2,
        reason="管网改造需协调燃气公司停气施工，申请延期。",
        requested_deadline=pipes.deadline + timedelta(days=14),
    )
    extension_decide(request=request, actor=staff, grant=True, note="同意延期，请按新时限完成。")
    # overdue: the demo backdates one deadline, as a task left open since last month
    # would be (the services refuse to create a task already overdue).
    overdue = lead_assignment("元旦期间人员密集场所消防安全检查")
    TaskAssignment.objects.filter(pk=overdue.pk).update(deadline=today - timedelta(days=3))
    assignment_chase(
        assignment=overdue, actor=staff, message="该任务已超期，请立即签收并报送检查情况。"
    )


@transaction.atomic
def seed() -> None:
    staff, admin = _user("staff"), _user("admin")
    carrier, month = _seed_campaigns(staff)
    periods = _seed_key_periods(staff, month, carrier)
    directive = _seed_directive(staff, month)
    meeting = _seed_meeting(staff, admin, month, periods, directive)
    _seed_activities(staff, month)
    _seed_tasks(staff, carrier, meeting, directive)
    _seed_upcoming_meeting(staff, admin, carrier)
