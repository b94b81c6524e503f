"""Demo data of the organisation: the zone's member units, enterprises and one user per
role. Idempotent: every record is found by its natural key and brought up to date."""

from django.conf import settings
from django.db import transaction

from .models import Enterprise, KeyArea, Unit, User
from .roles import Role
from .services import roles_sync, user_set_roles
from .validators import uscc_check_character

OFFICE = "高新区安全生产委员会办公室"
EMA = "高新区应急管理局"
STREET_1 = "高新区越山街道办事处"

# name, short name, kind, membership, prefix, contact, phone
UNITS = [
    (OFFICE, "高新安委办", "department", "office", "高新安委办", "谭婉莹", "0432-64501110"),
    (EMA, "应急管理局", "department", "member", "高新应急", "刘建国", "0432-64501119"),
    ("高新区经济发展局", "经发局", "department", "member", "高新经发", "陈立", "0432-64501201"),
    (
        "高新区住房和城乡建设局",
        "住建局",
        "department",
        "member",
        "高新住建",
        "王强",
        "0432-64501301",
    ),
    (
        "高新区市场监督管理局",
        "市场监管局",
        "department",
        "member",
        "高新市监",
        "赵敏",
        "0432-64501401",
    ),
    ("高新区教育局", "教育局", "department", "member", "高新教育", "孙丽", "0432-64501501"),
    ("高新区城市管理局", "城管局", "department", "member", "高新城管", "周涛", "0432-64501601"),
    ("高新区公安交警大队", "交警大队", "department", "member", "高新交警", "吴刚", "0432-64501701"),
    ("高新区文化旅游局", "文旅局", "department", "member", "高新文旅", "郑燕", "0432-64501801"),
    (
        "高新区消防救援大队",
        "消防大队",
        "fire_brigade",
        "member",
        "高新消防",
        "冯军",
        "0432-64501119",
    ),
    (STREET_1, "越山街道", "street_office", "member", "越山街", "何静", "0432-64502101"),
    (
        "高新区江北街道办事处",
        "江北街道",
        "street_office",
        "member",
        "江北街",
        "韩磊",
        "0432-64502201",
    ),
    (
        "高新区恒山街道办事处",
        "恒山街道",
        "street_office",
        "member",
        "恒山街",
        "曹芳",
        "0432-64502301",
    ),
]

# username, display name, unit, roles, is_staff (admin site)
USERS = [
    ("admin", "系统管理员", OFFICE, [Role.ADMIN], True),
    ("staff", "李静（安委办）", OFFICE, [Role.COMMITTEE_STAFF], False),
    ("head", "刘建国（应急管理局）", EMA, [Role.DEPARTMENT_HEAD], False),
    ("head2", "何静（越山街道）", STREET_1, [Role.DEPARTMENT_HEAD], False),
    ("inspector", "马超（检查员）", EMA, [Role.INSPECTOR], False),
    ("officer", "杨帆（值班员）", EMA, [Role.DUTY_OFFICER], False),
    ("leader", "王立（带班领导）", OFFICE, [Role.DUTY_LEADER], False),
]

# name, key areas, industry, supervising unit, risk grade, address
ENTERPRISES = [
    (
        "吉林高新石化储运有限公司",
        ["hazardous-chemicals"],
        "危险化学品储存",
        EMA,
        "major",
        "深圳街88号",
    ),
    ("吉林市恒达化工有限公司", ["hazardous-chemicals"], "化工", EMA, "high", "化工园区纬二路6号"),
    (
        "吉林市北方精细化学品有限公司",
        ["hazardous-chemicals", "limited-space"],
        "精细化工",
        EMA,
        "high",
        "化工园区纬四路12号",
    ),
    ("吉林市瑞丰加油站", ["hazardous-chemicals"], "成品油零售", EMA, "general", "长春路199号"),
    (
        "吉林市安泰气体有限公司",
        ["hazardous-chemicals", "special-equipment"],
        "工业气体",
        EMA,
        "high",
        "经开路31号",
    ),
    (
        "吉林高新建工集团有限公司",
        ["construction"],
        "房屋建筑",
        "高新区住房和城乡建设局",
        "high",
        "恒山西路5号",
    ),
    (
        "吉林市江城路桥工程有限公司",
        ["construction"],
        "市政工程",
        "高新区住房和城乡建设局",
        "general",
        "江湾路72号",
    ),
    (
        "吉林市龙潭建筑安装有限公司",
        ["construction", "special-equipment"],
        "建筑安装",
        "高新区住房和城乡建设局",
        "general",
        "龙潭大街16号",
    ),
    (
        "高新区人才公寓二期项目部",
        ["construction"],
        "在建工程",
        "高新区住房和城乡建设局",
        "high",
        "创业路与科技路交汇处",
    ),
    (
        "吉林市永盛电梯工程有限公司",
        ["special-equipment"],
        "电梯维保",
        "高新区市场监督管理局",
        "general",
        "越山路208号",
    ),
    (
        "吉林市热力锅炉运营有限公司",
        ["special-equipment"],
        "供热",
        "高新区市场监督管理局",
        "high",
        "热电路3号",
    ),
    ("吉林市华润燃气高新分公司", ["gas"], "城镇燃气", "高新区城市管理局", "major", "燃气路1号"),
    (
        "吉林市鑫源液化气站",
        ["gas", "hazardous-chemicals"],
        "液化石油气",
        "高新区城市管理局",
        "high",
        "北山路45号",
    ),
    (
        "吉林市顺通客运有限公司",
        ["road-traffic"],
        "道路客运",
        "高新区公安交警大队",
        "high",
        "客运站路2号",
    ),
    (
        "吉林市宏远危货运输有限公司",
        ["road-traffic", "hazardous-chemicals"],
        "危险货物运输",
        "高新区公安交警大队",
        "major",
        "物流园区9号",
    ),
    (
        "吉林市长途物流有限公司",
        ["road-traffic"],
        "普通货运",
        "高新区公安交警大队",
        "general",
        "物流园区15号",
    ),
    (
        "高新万达广场",
        ["crowded-places", "fire"],
        "商业综合体",
        "高新区消防救援大队",
        "high",
        "深圳街1号",
    ),
    (
        "吉林市江城影城高新店",
        ["crowded-places", "fire"],
        "影院",
        "高新区消防救援大队",
        "general",
        "深圳街1号万达广场4层",
    ),
    (
        "吉林市第十二中学",
        ["crowded-places", "fire"],
        "学校",
        "高新区教育局",
        "general",
        "学府路20号",
    ),
    (
        "吉林高新区实验小学",
        ["crowded-places", "fire"],
        "学校",
        "高新区教育局",
        "general",
        "科技路66号",
    ),
    (
        "吉林市雾凇宾馆",
        ["crowded-places", "fire"],
        "住宿",
        "高新区文化旅游局",
        "general",
        "松江中路118号",
    ),
    (
        "吉林市马拉松赛事运营有限公司",
        ["crowded-places"],
        "体育赛事",
        "高新区文化旅游局",
        "high",
        "世纪广场",
    ),
    (
        "吉林市高新机械制造有限公司",
        ["industry-trade", "limited-space"],
        "机械制造",
        "高新区经济发展局",
        "general",
        "工业园区1号",
    ),
    (
        "吉林市碳谷纤维材料有限公司",
        ["industry-trade", "hazardous-chemicals"],
        "碳纤维",
        "高新区经济发展局",
        "high",
        "碳纤维产业园8号",
    ),
    (
        "吉林市粮油食品加工有限公司",
        ["industry-trade", "limited-space"],
        "粮食加工",
        "高新区经济发展局",
        "general",
        "丰满路30号",
    ),
    ("越山社区农贸市场", ["crowded-places", "fire"], "农贸市场", STREET_1, "general", "越山路56号"),
    ("越山小区燃气管网（老旧小区）", ["gas"], "老旧小区", STREET_1, "high", "越山小区"),
    (
        "江北乡村旅游度假村",
        ["crowded-places", "fire"],
        "乡村旅游",
        "高新区江北街道办事处",
        "general",
        "江北乡兴华村",
    ),
    (
        "恒山养老服务中心",
        ["crowded-places", "fire"],
        "养老机构",
        "高新区恒山街道办事处",
        "high",
        "恒山东路22号",
    ),
    (
        "恒山小型加工作坊聚集区",
        ["industry-trade", "fire"],
        "小作坊",
        "高新区恒山街道办事处",
        "general",
        "恒山村",
    ),
]


# Demo people's mail goes to a domain that is never delivered (.local): with the console
# or file mail backend of a demo, the emails of the outbox can be read as sent.
DEMO_EMAIL_DOMAIN = "demo.safetyzone.local"


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def demo_email_give(user: User) -> None:
    """Give a demo user their demo address, unless someone set another one since."""
    if not user.email:
        user.email = demo_email(user.username)
        user.save(update_fields=["email"])


def demo_credit_code(n: int) -> str:
    first17 = f"91220201MA{n:07d}"
    return first17 + uscc_check_character(first17)


def units_seed() -> dict[str, Unit]:
    """The zone's units, by name, created or brought up to date (the demo's and
    seed_scale's)."""
    units = {}
    for order, (name, short, kind, membership, prefix, person, phone) in enumerate(UNITS):
        units[name], _created = Unit.objects.update_or_create(
            name=name,
            defaults={
                "short_name": short,
                "kind": kind,
                "membership": membership,
                "doc_number_prefix": prefix,
                "contact_person": person,
                "contact_phone": phone,
                "order": order * 10,
            },
        )
    return units


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    roles_sync()
    units = units_seed()
    areas = {a.code: a for a in KeyArea.objects.all()}
    for n, (name, codes, industry, unit, grade, address) in enumerate(ENTERPRISES, start=1):
        enterprise, _created = Enterprise.objects.update_or_create(
            credit_code=demo_credit_code(n),
            defaults={
                "name": name,
                "industry": industry,
                "supervising_unit": units[unit],
                "risk_grade": grade,
                "address": f"吉林市高新区{address}",
                "contact_person": "安全负责人",
                "contact_phone": f"1390432{n:04d}",
            },
        )
        enterprise.key_areas.set([areas[c] for c in codes if c in areas])
    password = settings.DEMO_PASSWORD
    shown = []
    for username, display, unit, roles, is_staff in USERS:
        user, created = User.objects.get_or_create(username=username)
        user.display_name = display
        user.unit = units[unit]
        user.is_staff = is_staff
        user.is_superuser = username == "admin"
        user.email = user.email or demo_email(username)
        if created or not user.has_usable_password():
            user.set_password(password)
        user.save()
        user_set_roles(user=user, roles=roles)
        shown.append((username, ", ".join(str(Role(r).label) for r in roles)))
    return shown
