"""Data at scale of the organisation (``manage.py seed_scale``): the demo's member units,
the people the benchmarks log in as, unit heads and inspectors, and thousands of
enterprises spread over the units and the key areas each unit supervises."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.contrib.auth.hashers import make_password

from .demo import EMA, OFFICE, units_seed
from .models import Enterprise, KeyArea, Unit, User
from .roles import Role
from .services import roles_sync, user_set_roles
from .validators import uscc_check_character

# The users the benchmarks log in as (password: settings.DEMO_PASSWORD).
BENCH_STAFF = "bench-staff"
BENCH_HEAD = "bench-head"
# Enterprises made here carry credit codes of this made-up registration area.
CREDIT_PREFIX = "91220299MA"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "晓东", "文博", "子涵",
]  # fmt: skip

# Key areas each unit supervises, by the unit's short name; street offices take the rest.
UNIT_AREAS = {
    "应急管理局": ["hazardous-chemicals", "industry-trade", "limited-space", "mining"],
    "经发局": ["industry-trade", "limited-space", "hazardous-chemicals"],
    "住建局": ["construction", "special-equipment"],
    "市场监管局": ["special-equipment", "crowded-places"],
    "教育局": ["crowded-places", "fire"],
    "城管局": ["gas", "construction"],
    "交警大队": ["road-traffic", "hazardous-chemicals"],
    "文旅局": ["crowded-places", "fire"],
    "消防大队": ["fire", "crowded-places"],
}
STREET_AREAS = ["crowded-places", "fire", "gas", "industry-trade"]
# How many enterprises each unit supervises, relatively.
UNIT_WEIGHTS = {"应急管理局": 4, "住建局": 3, "消防大队": 3, "市场监管局": 2}

AREA_INDUSTRIES = {
    "hazardous-chemicals": ["危险化学品储存", "化工", "精细化工", "成品油零售", "工业气体"],
    "construction": ["房屋建筑", "市政工程", "建筑安装", "在建工程"],
    "fire": ["商业综合体", "宾馆", "学校", "养老机构", "农贸市场"],
    "gas": ["城镇燃气", "液化石油气", "餐饮"],
    "road-traffic": ["道路客运", "危险货物运输", "普通货运"],
    "special-equipment": ["电梯维保", "供热", "起重机械"],
    "crowded-places": ["商场", "影院", "体育场馆", "景区", "医院"],
    "industry-trade": ["机械制造", "碳纤维", "粮食加工", "木材加工", "金属冶炼"],
    "limited-space": ["污水处理", "酿造", "粮食仓储"],
    "mining": ["砂石开采", "采石场"],
}
AREA_SUFFIXES = {
    "hazardous-chemicals": "化工有限公司",
    "construction": "建设工程有限公司",
    "fire": "商贸有限公司",
    "gas": "燃气有限公司",
    "road-traffic": "运输有限公司",
    "special-equipment": "设备工程有限公司",
    "crowded-places": "文化旅游有限公司",
    "industry-trade": "制造有限公司",
    "limited-space": "实业有限公司",
    "mining": "矿业有限公司",
}
NAME_WORDS = [
    "恒达", "瑞丰", "安泰", "北方", "江城", "龙潭", "永盛", "华润", "鑫源", "顺通", "宏远",
    "长途", "碳谷", "雾凇", "松江", "越山", "江北", "恒山", "金珠", "丰满", "世纪", "创业",
    "科技", "汇通", "东方", "星火", "启航", "博远", "天成", "聚力", "诚信", "德润",
]  # fmt: skip
ROADS = [
    "深圳街", "长春路", "恒山西路", "江湾路", "龙潭大街", "越山路", "热电路", "燃气路",
    "北山路", "客运站路", "物流园区", "学府路", "科技路", "松江中路", "工业园区", "丰满路",
]  # fmt: skip
GRADES = [("low", 40), ("general", 40), ("high", 15), ("major", 5)]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def scale_credit_code(n: int) -> str:
    first17 = f"{CREDIT_PREFIX}{n:07d}"
    return first17 + uscc_check_character(first17)


def _units() -> list[Unit]:
    return list(units_seed().values())


def scale_user(
    username: str, display: str, unit: Unit, roles: list[str], password_hash: str | None = None
) -> User:
    """The user of that name, made or brought up to date. ``password_hash`` (made once
    by the caller: hashing is slow on purpose) lets the user log in; without it a new
    user cannot."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display, "unit": unit}
    )
    changed = created
    if user.unit_id != unit.pk or user.display_name != display:
        user.unit, user.display_name, changed = unit, display, True
    if password_hash and (created or not user.has_usable_password()):
        user.password = password_hash
        changed = True
    elif not password_hash and created:
        user.set_unusable_password()
    if changed:
        user.save()
    held = set() if created else set(user.groups.values_list("name", flat=True))
    if held != set(roles):
        user_set_roles(user=user, roles=roles)
    return user


def bulk_models() -> list:
    return [Enterprise, Enterprise.key_areas.through]


def seed(options: dict, rng: random.Random) -> dict:
    roles_sync()
    writer = options["writer"]
    units = _units()
    office = next(u for u in units if u.name == OFFICE)
    members = [u for u in units if u.membership == Unit.Membership.MEMBER]
    ema = next(u for u in units if u.name == EMA)

    # People: the two benchmark users, two more committee staff, a head and two
    # inspectors for each member unit (the benchmark head is the Emergency Management
    # Agency's second head).
    demo_password = make_password(settings.DEMO_PASSWORD)
    staff = [
        scale_user(BENCH_STAFF, "李静（安委办）", office, [Role.COMMITTEE_STAFF], demo_password)
    ]
    staff += [
        scale_user(
            f"scale-staff-{n}",
            f"{person_name(rng)}（安委办）",
            office,
            [Role.COMMITTEE_STAFF],
        )
        for n in (1, 2)
    ]
    bench_head = scale_user(
        BENCH_HEAD, "刘建国（应急管理局）", ema, [Role.DEPARTMENT_HEAD], demo_password
    )
    heads: dict[int, list[int]] = {}
    inspectors: dict[int, list[int]] = {}
    for n, unit in enumerate(members, start=1):
        label = unit.short_name or unit.name
        head = scale_user(
            f"scale-head-{n:02d}",
            f"{person_name(rng)}（{label}）",
            unit,
            [Role.DEPARTMENT_HEAD],
        )
        heads[unit.pk] = [head.pk]
        inspectors[unit.pk] = [
            scale_user(
                f"scale-insp-{n:02d}-{k}",
                f"{person_name(rng)}（{label}）",
                unit,
                [Role.INSPECTOR],
            ).pk
            for k in (1, 2)
        ]
    heads[ema.pk].insert(0, bench_head.pk)

    # Enterprises, each with one or two key areas its unit supervises.
    areas = {a.code: a.pk for a in KeyArea.objects.all()}
    weights = [UNIT_WEIGHTS.get(u.short_name, 1) for u in members]
    grades, grade_weights = zip(*GRADES, strict=True)
    today = options["today"]
    rows, links, enterprises = [], [], []
    taken = set(
        Enterprise.objects.filter(credit_code__startswith=CREDIT_PREFIX).values_list(
            "credit_code", flat=True
        )
    )
    number = 0
    for _n in range(options["enterprises"]):
        unit = rng.choices(members, weights)[0]
        codes = [
            c
            for c in UNIT_AREAS.get(
                unit.short_name, STREET_AREAS if unit.kind == Unit.Kind.STREET_OFFICE else ["fire"]
            )
            if c in areas
        ] or [next(iter(areas))]
        chosen = rng.sample(codes, min(len(codes), rng.choice([1, 1, 2])))
        area = chosen[0]
        number += 1
        while scale_credit_code(number) in taken:
            number += 1
        created = dt.datetime.combine(
            today - dt.timedelta(days=rng.randint(1100, 2500)), dt.time(9), tzinfo=dt.UTC
        )
        row = {
            "name": "吉林市"
            + rng.choice(NAME_WORDS)
            + rng.choice(NAME_WORDS)
            + AREA_SUFFIXES.get(area, "有限公司"),
            "credit_code": scale_credit_code(number),
            "address": f"吉林市高新区{rng.choice(ROADS)}{rng.randint(1, 300)}号",
            "industry": rng.choice(AREA_INDUSTRIES.get(area, ["其他"])),
            "supervising_unit_id": unit.pk,
            "contact_person": person_name(rng),
            "contact_phone": f"139{rng.randint(0, 99999999):08d}",
            "risk_grade": rng.choices(grades, grade_weights)[0],
            "is_active": rng.random() > 0.02,
            "created_at": created,
            "updated_at": created,
        }
        rows.append(row)
        enterprises.append((row, chosen))
    writer.insert(Enterprise, rows)
    for row, chosen in enterprises:
        links += [{"enterprise_id": row["id"], "keyarea_id": areas[c]} for c in chosen]
    writer.insert(Enterprise.key_areas.through, links)
    return {
        "units": [u.pk for u in members],
        "office": office.pk,
        "staff": [u.pk for u in staff],
        "bench_staff": staff[0].pk,
        "bench_head": bench_head.pk,
        "heads": heads,
        "inspectors": inspectors,
        # id, supervising unit, key area codes, contact person, active
        "enterprises": [
            (row["id"], row["supervising_unit_id"], chosen, row["contact_person"], row["is_active"])
            for row, chosen in enterprises
        ],
    }
