"""Demo data: the 13 counties of Linyi, schools of every level, one user per role.

Deterministic: school number ``i`` of seed ``s`` is the same whatever the total,
so seeding more schools later only adds rows.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from simple_history.utils import bulk_create_with_history

from .models import County, School, User

DEMO_PASSWORD = "linyi-2020"

COUNTIES = [
    ("371302", "兰山区", County.Kind.DISTRICT),
    ("371311", "罗庄区", County.Kind.DISTRICT),
    ("371312", "河东区", County.Kind.DISTRICT),
    ("371321", "沂南县", County.Kind.COUNTY),
    ("371322", "郯城县", County.Kind.COUNTY),
    ("371323", "沂水县", County.Kind.COUNTY),
    ("371324", "兰陵县", County.Kind.COUNTY),
    ("371325", "费县", County.Kind.COUNTY),
    ("371326", "平邑县", County.Kind.COUNTY),
    ("371327", "莒南县", County.Kind.COUNTY),
    ("371328", "蒙阴县", County.Kind.COUNTY),
    ("371329", "临沭县", County.Kind.COUNTY),
    ("371371", "临沂高新技术产业开发区", County.Kind.ZONE),
]

# Universities located in the city and city-direct schools: (code, name, county, level).
CITY_DIRECT = [
    ("4137010452", "临沂大学", "371302", School.Level.UNIVERSITY),
    ("4137012892", "临沂职业学院", "371311", School.Level.UNIVERSITY),
    ("4137013856", "临沂科技职业学院", "371312", School.Level.UNIVERSITY),
    ("4137014071", "山东医学高等专科学校", "371302", School.Level.UNIVERSITY),
    ("4137013983", "山东外贸职业学院", "371371", School.Level.UNIVERSITY),
    ("1137000001", "临沂第一中学", "371302", School.Level.HIGH),
    ("1137000002", "临沂第二中学", "371302", School.Level.HIGH),
    ("1137000003", "临沂第三中学", "371312", School.Level.HIGH),
    ("1137000004", "临沂第四中学", "371302", School.Level.HIGH),
    ("1137000005", "临沂第十八中学", "371311", School.Level.HIGH),
    ("1137000006", "临沂市特殊教育学校", "371302", School.Level.SPECIAL),
    ("1137000007", "临沂市理工学校", "371302", School.Level.VOCATIONAL),
]
DEMONSTRATION_CODE = "1137000004"  # 临沂第四中学 hosts the drill observations

TOWNS = [
    "城关",
    "朝阳",
    "新华",
    "银雀山",
    "柳青",
    "枣园",
    "汪沟",
    "义堂",
    "李官",
    "方城",
    "半程",
    "白沙埠",
    "傅庄",
    "褚墩",
    "重坊",
    "马厂湖",
    "许家湖",
    "高桥",
    "沙沟",
    "岸堤",
    "大庄",
    "杨家坡",
    "马牧池",
    "界湖",
    "铜井",
    "双堠",
    "砖埠",
    "孙祖",
    "青驼",
    "蒲汪",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红娟建国志海波宁燕鹏辉飞"

LEVEL_WEIGHTS = [
    (School.Level.KINDERGARTEN, 40),
    (School.Level.PRIMARY, 30),
    (School.Level.MIDDLE, 12),
    (School.Level.NINE_YEAR, 7),
    (School.Level.HIGH, 6),
    (School.Level.VOCATIONAL, 3),
    (School.Level.SPECIAL, 2),
]
LEVEL_NAMES = {
    School.Level.KINDERGARTEN: ["中心幼儿园", "实验幼儿园", "第{n}幼儿园"],
    School.Level.PRIMARY: ["中心小学", "实验小学", "第{n}小学"],
    School.Level.MIDDLE: ["初级中学", "实验中学", "第{n}中学"],
    School.Level.NINE_YEAR: ["九年一贯制学校", "第{n}实验学校"],
    School.Level.HIGH: ["第{n}高级中学", "实验高级中学"],
    School.Level.VOCATIONAL: ["职业中等专业学校", "第{n}职业学校"],
    School.Level.SPECIAL: ["特殊教育学校", "第{n}特殊教育学校"],
}
# (students low, high, staff low, high): about 2.7 million people in 5,600 schools.
SIZES = {
    School.Level.KINDERGARTEN: (30, 220, 5, 25),
    School.Level.PRIMARY: (60, 900, 8, 70),
    School.Level.MIDDLE: (150, 1300, 15, 110),
    School.Level.NINE_YEAR: (150, 1300, 15, 110),
    School.Level.HIGH: (700, 2800, 60, 220),
    School.Level.VOCATIONAL: (400, 2000, 40, 150),
    School.Level.SPECIAL: (40, 200, 10, 40),
    School.Level.UNIVERSITY: (8000, 30000, 500, 2000),
}
ROMAN = "一二三四五六七八九十"


# The CJK font the PDFs use, for the demo photos' captions (none: no caption).
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def demo_photo(caption: str, rng: random.Random) -> bytes:
    """A stand-in for a phone photo of the place: 1600 × 1200, a wall, a floor, a door
    and the caption on a sign, so the demo shows thumbnails and the large view."""
    wall = tuple(rng.randint(170, 230) for _ in range(3))
    image = Image.new("RGB", (1600, 1200), wall)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 820, 1600, 1200), fill=(120, 110, 100))
    left = rng.randint(150, 1000)
    draw.rectangle((left, 300, left + 360, 820), fill=(90, 60, 40))
    draw.rectangle((200, 120, 1400, 260), fill=(250, 250, 245), outline=(40, 40, 40), width=6)
    if CJK_FONT.exists():
        draw.text(
            (230, 140), caption[:14], fill=(160, 20, 20), font=ImageFont.truetype(CJK_FONT, 84)
        )
    out = BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(str(rng.randrange(10)) for _ in range(9))


def _sized(school: School, rng: random.Random) -> School:
    lo_s, hi_s, lo_t, hi_t = SIZES[school.level]
    school.students = rng.randint(lo_s, hi_s)
    school.staff = rng.randint(lo_t, hi_t)
    school.principal = person_name(rng)
    school.phone = phone(rng)
    school.risk_level = rng.choices(["low", "medium", "high"], weights=[85, 12, 3])[0]
    school.beds = school.students * 7 // 10 if school.boarding else 0
    return school


def county_school(i: int, seed: int, counties: list[County]) -> School:
    """School number ``i`` of the demo city: the same for a seed, whatever the total."""
    rng = random.Random(f"{seed}:{i}")
    county = counties[i % len(counties)]
    level = rng.choices([lv for lv, _w in LEVEL_WEIGHTS], weights=[w for _l, w in LEVEL_WEIGHTS])[
        0
    ]
    town = rng.choice(TOWNS)
    pattern = rng.choice(LEVEL_NAMES[level])
    number = i // len(counties) + 1
    ordinal = ROMAN[number % 10 - 1] if number % 10 else ROMAN[9]
    name = f"{county.name.removesuffix('技术产业开发区')}{town}镇{pattern.format(n=ordinal)}"
    if "{n}" not in pattern:
        name = f"{county.name.removesuffix('技术产业开发区')}{town}镇{pattern}"
    school = School(
        code=f"21{county.code[:2]}{county.code[4:6]}{i // len(counties):04d}",
        name=name,
        county=county,
        level=level,
        jurisdiction=School.Jurisdiction.COUNTY,
        boarding=level in (School.Level.HIGH, School.Level.VOCATIONAL) or rng.random() < 0.08,
        address=f"山东省临沂市{county.name}{town}镇{rng.randint(1, 300)}号",
    )
    return _sized(school, rng)


@dataclass
class SeedResult:
    counties: int
    schools: int
    users: int


# The counties on the dashboard's tile map, by rough geography: (row, column),
# north at the top. 沂水 in the north, 郯城 in the south, 平邑 west, 莒南 east.
MAP = {
    "371323": (1, 3),  # 沂水县
    "371328": (2, 2),  # 蒙阴县
    "371321": (2, 3),  # 沂南县
    "371326": (3, 1),  # 平邑县
    "371325": (3, 2),  # 费县
    "371302": (3, 3),  # 兰山区
    "371312": (3, 4),  # 河东区
    "371327": (3, 5),  # 莒南县
    "371371": (4, 2),  # 临沂高新技术产业开发区
    "371311": (4, 3),  # 罗庄区
    "371329": (4, 4),  # 临沭县
    "371324": (5, 2),  # 兰陵县
    "371322": (5, 3),  # 郯城县
}


@transaction.atomic
def seed(*, schools: int, seed: int = 2020, **options) -> SeedResult:
    """Inserts what is missing of the demo city; returns how many rows were added."""
    existing_counties = set(County.objects.values_list("code", flat=True))
    new_counties = [
        County(code=code, name=name, kind=kind, order=order)
        for order, (code, name, kind) in enumerate(COUNTIES, 1)
        if code not in existing_counties
    ]
    County.objects.bulk_create(new_counties)
    for code, (row, column) in MAP.items():
        County.objects.filter(code=code, map_row__isnull=True).update(
            map_row=row, map_column=column
        )
    counties = list(County.objects.filter(code__in=[c[0] for c in COUNTIES]).order_by("order"))
    by_code = {c.code: c for c in counties}

    wanted: list[School] = []
    rng = random.Random(seed)
    for code, name, county_code, level in CITY_DIRECT[: max(0, min(len(CITY_DIRECT), schools))]:
        school = School(
            code=code,
            name=name,
            county=by_code[county_code],
            level=level,
            jurisdiction=School.Jurisdiction.CITY,
            boarding=True,
            demonstration=code == DEMONSTRATION_CODE,
            address=f"山东省临沂市{by_code[county_code].name}",
        )
        wanted.append(_sized(school, rng))
    for i in range(max(0, schools - len(CITY_DIRECT))):
        wanted.append(county_school(i, seed, counties))
    have = set(
        School.objects.filter(code__in=[s.code for s in wanted]).values_list("code", flat=True)
    )
    missing = [s for s in wanted if s.code not in have]
    bulk_create_with_history(missing, School, batch_size=1000)

    users = _seed_users(by_code)
    return SeedResult(counties=len(new_counties), schools=len(missing), users=users)


DEMO_USERS = [
    # username, full name, role, scope
    ("admin", "系统管理员", "", "city"),
    ("taskforce", "市疫情处置工作领导小组", User.Role.TASK_FORCE, "city"),
    ("city", "市教育局 张科长", User.Role.CITY_STAFF, "city"),
    ("lanshan", "兰山区教育局 王主任", User.Role.COUNTY_OFFICIAL, "371302"),
    ("yishui", "沂水县教育局 李主任", User.Role.COUNTY_OFFICIAL, "371323"),
    ("verifier", "核验组 赵组员", User.Role.VERIFIER, "city"),
    ("inspector", "督查组 孙组员", User.Role.INSPECTOR, "city"),
    ("school", "学校联络员 周老师", User.Role.SCHOOL, "school"),
    ("supplies", "物资保障组 吴干事", User.Role.SUPPLIES, "city"),
]


LOGINS = [username for username, *_rest in DEMO_USERS]


def _seed_users(counties: dict[str, County]) -> int:
    added = 0
    contact_school = School.objects.filter(county__code="371302").order_by("code").first()
    for username, full_name, role, scope in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, full_name=full_name, role=role)
        if scope == "school":
            if contact_school is None:
                continue
            user.school = contact_school
        elif scope != "city":
            user.county = counties[scope]
        if username == "admin":
            user.is_staff = user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        added += 1
    return added


def seed_report_history(*, days: int = 14) -> int:
    """Today's dispatch report, and for the days before it reports that move toward
    it (the figures the dashboard charts improving day by day), so that a first
    ``make run`` shows trends; each day's changes and ranking are frozen against
    the day before, as the build does. Days that have a report keep it. Returns
    how many."""
    from . import dashboard, dispatch
    from .models import DispatchReport
    from .services import dispatch_report_build

    today = timezone.localdate()
    base = dispatch.build(today, stale_days=dashboard.stale_days())
    tiles = {
        (section.key, tile.within, tile.field): tile.higher_is_better
        for section in dispatch.registered()
        for tile in section.tiles
    }
    added, previous = 0, None
    for back in range(days - 1, 0, -1):  # the oldest first: each compares with the one before
        day = today - dt.timedelta(days=back)
        kept = DispatchReport.objects.filter(on_date=day).first()
        if kept is not None:
            previous = kept
            continue
        data = copy.deepcopy(base)
        data["on_date"] = day.isoformat()
        for (key, within, name), higher_is_better in tiles.items():
            figures = data["sections"].get(key)
            if isinstance(figures, dict) and within:
                figures = figures.get(within)
            if not isinstance(figures, dict):
                continue
            # Fewer of the good figures, more of the bad ones, the further back.
            factor = (1 - 0.04 * back) if higher_is_better else (1 + 0.06 * back)
            by_county = figures.get("by_county") or []
            rows = by_county.values() if isinstance(by_county, dict) else by_county
            for row in [figures.get("totals") or {}, *rows]:
                if isinstance(row.get(name), int):
                    row[name] = max(0, round(row[name] * factor + (back % 3 if row[name] else 0)))
        data.update(dashboard.frozen(data, previous))
        previous = DispatchReport.objects.create(on_date=day, data=data)
        added += 1
    dispatch_report_build(on_date=today)
    return added + 1
