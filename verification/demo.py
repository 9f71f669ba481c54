"""Demo data of verification: departments, the default rules, teams, verifications."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from readiness.demo import DEMO_PASSWORD, demo_photo, person_name
from readiness.models import County, School, User

from .models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Department,
    TeamMember,
    Verification,
    VerificationTeam,
)

DEPARTMENTS = [
    ("education", "教育", 1),
    ("health", "卫健", 2),
    ("market", "市场监管", 3),
    ("hr", "人社", 4),
    ("sport", "体育", 5),
]

RULES_NAME = "临沂市学校开学条件核验细则"
U, H, M, HR, S = "education", "health", "market", "hr", "sport"
UNIVERSITY = ["university"]
WITH_CANTEEN = ["university", "vocational", "high", "middle", "nine_year", "special"]
# (section code, title, [(text, department, veto, evidence, levels, boarding only)])
RULES = [
    (
        "gate",
        "校门口",
        [
            ("设置体温检测点，配备红外测温仪和专人值守", H, True, True, [], False),
            ("实行封闭管理，外来人员一律不得进校", U, True, False, [], False),
            ("设置临时留观区，配备口罩、消毒剂等物资", H, True, True, [], False),
            ("错峰入校方案张贴上墙，地面设置一米线", U, False, True, [], False),
            ("门卫熟悉应急处置流程并完成培训", HR, False, False, [], False),
        ],
    ),
    (
        "classroom",
        "教室",
        [
            ("课桌间距不少于1米，单人单桌", U, False, True, [], False),
            ("每日通风不少于3次，每次不少于30分钟", H, False, False, [], False),
            ("每日对门把手、课桌椅等物表消毒并登记", H, False, True, [], False),
            ("班级配备体温计和晨午检登记表", U, False, False, [], False),
            (
                "实验室、功能教室分批使用并消毒",
                U,
                False,
                False,
                ["university", "vocational", "high", "middle"],
                False,
            ),
        ],
    ),
    (
        "infirmary",
        "医务室",
        [
            ("按规定配备校医或保健人员", H, True, False, [], False),
            ("设置隔离观察室并符合通风要求", H, True, True, [], False),
            ("建立因病缺勤追踪登记制度", H, False, False, [], False),
            ("与定点医院建立转诊绿色通道", H, False, False, [], False),
        ],
    ),
    (
        "canteen",
        "食堂",
        [
            ("从业人员健康证齐全并每日晨检", M, True, True, WITH_CANTEEN, False),
            ("错峰分餐，就餐座位同向间隔", M, False, False, WITH_CANTEEN, False),
            ("餐具一人一具一消毒并记录", M, False, True, WITH_CANTEEN, False),
            ("食材索证索票齐全，禁止活禽和野生动物", M, True, False, WITH_CANTEEN, False),
            ("冷链食品来源可追溯", M, False, False, WITH_CANTEEN, False),
        ],
    ),
    (
        "dormitory",
        "宿舍",
        [
            ("宿舍每间居住人数符合防控要求", U, False, False, [], True),
            ("宿舍每日通风消毒并有记录", H, False, True, [], True),
            ("宿管人员实行晚间巡查和体温监测", U, False, False, [], True),
            ("设置宿舍应急隔离房间", H, True, False, [], True),
        ],
    ),
    (
        "supplies",
        "物资储备",
        [
            ("口罩储备满足全体师生2周用量", U, True, True, [], False),
            ("84消毒液、酒精、洗手液储备充足并安全存放", H, False, True, [], False),
            ("测温设备数量满足晨午检需要", U, False, False, [], False),
            ("物资出入库台账完整", U, False, False, [], False),
        ],
    ),
    (
        "screening",
        "人员排查",
        [
            ("教职工和学生一人一档排查全覆盖", U, True, False, [], False),
            ("境外及中高风险地区返校人员落实隔离观察", H, True, False, [], False),
            ("食堂、保洁、保安等外包人员纳入排查", HR, False, False, [], False),
            ("每日健康打卡数据汇总上报", U, False, False, [], False),
        ],
    ),
    (
        "plan",
        "返校预案与应急预案",
        [
            ("制定分批错峰返校工作预案，责任到人", U, True, True, [], False),
            ("制定疫情防控应急处置预案", H, True, True, [], False),
            ("明确防控工作专班及联络人", U, False, False, [], False),
            ("寄宿生返校接送方案明确", U, False, False, [], True),
            (
                "校车消毒与乘车管理制度",
                U,
                False,
                False,
                ["primary", "nine_year", "kindergarten", "special"],
                False,
            ),
        ],
    ),
    (
        "drill",
        "演练与培训",
        [
            ("开展疫情防控应急演练不少于1次", U, False, True, [], False),
            ("全体教职工完成防控知识培训", HR, False, False, [], False),
            ("校医及保健人员参加卫健部门专业培训", H, False, False, [], False),
            ("体育课和大课间活动调整方案", S, False, False, [], False),
            (
                "体育场馆分时段开放并消毒",
                S,
                False,
                False,
                ["university", "vocational", "high", "middle", "nine_year"],
                False,
            ),
        ],
    ),
    (
        "online",
        "线上教学",
        [
            ("线上线下教学衔接方案", U, False, False, [], False),
            ("学业质量诊断与学情分析", U, False, False, [], False),
            ("学生心理健康疏导安排", U, False, False, [], False),
            ("高校学生分批返校与线上教学并行方案", U, False, False, UNIVERSITY, False),
            ("毕业年级复课备考安排", U, False, False, ["high", "middle", "nine_year"], False),
        ],
    ),
]

CITY_TEAMS = [f"市级第{n}核验组" for n in "一二三四五六"]
# The members of the first city team; "verifier" (education) leads it.
LOGINS = ["verifier-health", "verifier-market", "verifier-hr", "verifier-sport"]


@transaction.atomic
def seed(*, schools: int, seed: int = 2020, **options) -> dict:
    rng = random.Random(f"verification:{seed}")
    added = {"departments": 0, "templates": 0, "teams": 0, "users": 0, "verifications": 0}
    for code, name, order in DEPARTMENTS:
        _obj, created = Department.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
        added["departments"] += created
    departments = {d.code: d for d in Department.objects.all()}
    if not ChecklistTemplate.objects.filter(name=RULES_NAME).exists():
        _seed_rules(departments)
        added["templates"] = 1
    template = ChecklistTemplate.objects.get(name=RULES_NAME, status="published")
    added["bound items"] = _bind_facts(template)

    teams = []
    for i, name in enumerate(CITY_TEAMS, 1):
        team, created = VerificationTeam.objects.get_or_create(
            name=name, defaults={"level": "city"}
        )
        added["teams"] += created
        teams.append(team)
        added["users"] += _staff_team(team, departments, f"c{i}", rng, demo=i == 1)
    for county in County.objects.order_by("order"):
        team, created = VerificationTeam.objects.get_or_create(
            name=f"{county.name}核验组", defaults={"level": "county", "county": county}
        )
        added["teams"] += created
        added["users"] += _staff_team(team, departments, f"k{county.code}", rng, demo=False)

    if not Verification.objects.exists():
        added["verifications"] = _seed_verifications(template, teams, rng)
    return added


# Items of the 人员排查 and 物资储备 sections that read the school's data: the
# checklist shows the live value beside them and proposes the answer.
FACT_BINDINGS = {
    "口罩储备满足全体师生2周用量": ("supplies.cover.mask", Decimal(14)),
    "84消毒液、酒精、洗手液储备充足并安全存放": ("supplies.cover_min", Decimal(7)),
    "教职工和学生一人一档排查全覆盖": ("people.coverage", Decimal(100)),
}


def _bind_facts(template: ChecklistTemplate) -> int:
    """Binds the items above that are not bound yet; returns how many."""
    bound = 0
    for text, (fact, threshold) in FACT_BINDINGS.items():
        bound += ChecklistItem.objects.filter(template=template, text=text, fact="").update(
            fact=fact, threshold=threshold
        )
    return bound


def _seed_rules(departments: dict[str, Department]) -> None:
    template = ChecklistTemplate.objects.create(name=RULES_NAME, version=1)
    for s_order, (code, title, items) in enumerate(RULES, 1):
        section = ChecklistSection.objects.create(
            template=template, code=code, title=title, order=s_order
        )
        for i, (text, dept, veto, evidence, levels, boarding) in enumerate(items, 1):
            ChecklistItem.objects.create(
                template=template,
                section=section,
                code=f"{s_order:02d}.{i:02d}",
                text=text,
                guidance="核验时查看现场与台账，必要时抽查记录。",
                department=departments[dept],
                veto=veto,
                evidence_required=evidence,
                levels=levels,
                boarding_only=boarding,
                order=i,
            )
    template.status = "published"
    template.published_at = timezone.now()
    template.save()


def _staff_team(team, departments, prefix: str, rng: random.Random, *, demo: bool) -> int:
    """One member per department; the education member leads."""
    if team.members.exists():
        return 0
    added = 0
    for code, _name, _order in DEPARTMENTS:
        username = (
            ("verifier" if code == "education" else f"verifier-{code}")
            if demo
            else (f"{prefix}-{code}")
        )
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=person_name(rng), role=User.Role.VERIFIER)
            if team.county_id:
                user.county_id = team.county_id
            user.set_password(DEMO_PASSWORD) if demo else user.set_unusable_password()
            user.save()
            added += 1
        TeamMember.objects.create(team=team, user=user, department=departments[code])
        if code == "education":
            team.leader = user
            team.save(update_fields=["leader"])
    return added


def _seed_verifications(template, city_teams, rng: random.Random) -> int:
    today = timezone.localdate()
    city_schools = list(School.objects.filter(jurisdiction="city").order_by("code"))
    created = 0
    for i, school in enumerate(city_schools):
        Verification.objects.create(
            school=school,
            team=city_teams[i % len(city_teams)],
            template=template,
            planned_on=today + dt.timedelta(days=rng.randint(-2, 5)),
        )
        created += 1
    for team in VerificationTeam.objects.filter(level="county"):
        for school in School.objects.filter(county=team.county, jurisdiction="county")[:3]:
            Verification.objects.create(
                school=school,
                team=team,
                template=template,
                planned_on=today + dt.timedelta(days=rng.randint(-3, 6)),
            )
            created += 1
    # Carry some of them through the workflow, so that results show from the start.
    for i, verification in enumerate(
        Verification.objects.filter(team__level="county").order_by("school__code")[:12]
    ):
        outcome = ("passed", "passed", "conditional", "failed", "submitted", "in_progress")[i % 6]
        _walk(verification, outcome)
    return created


def _walk(verification: Verification, outcome: str) -> None:
    """Answers, confirms, submits and approves through the services, as the team would."""
    from . import selectors, services

    members = {
        m.department.code: m.user
        for m in verification.team.members.select_related("department", "user")
    }
    sheet = selectors.checklist(verification=verification)
    rows = sheet.rows if outcome != "in_progress" else sheet.rows[: len(sheet.rows) // 2]
    ordinary = next((r.item.code for r in rows if not r.item.veto), None)
    veto = next((r.item.code for r in rows if r.item.veto), None)
    failing = {"conditional": ordinary, "failed": veto}.get(outcome)
    for row in rows:
        services.response_save(
            actor=members[row.item.department.code],
            verification=verification,
            item_id=row.item.pk,
            answer="fail" if row.item.code == failing else "pass",
            note="现场查看，台账齐全。" if row.item.code != failing else "现场发现问题，需整改。",
        )
        if row.item.evidence_required:
            services.evidence_add(
                actor=members[row.item.department.code],
                verification=verification,
                item_id=row.item.pk,
                name="现场照片.jpg",
                data=_PHOTO,
            )
    if outcome == "in_progress":
        return
    for part in sheet.departments:
        services.department_confirm(actor=members[part.department.code], verification=verification)
    services.verification_submit(actor=members["education"], verification=verification)
    if outcome != "submitted":
        services.verification_approve(
            actor=verification.team.leader,
            verification=verification,
            reverify_due=timezone.localdate() + dt.timedelta(days=services.CONDITIONAL_DAYS),
        )


# One stand-in photo for every item that asks for evidence.
_PHOTO = demo_photo("现场查看照片", random.Random(7))
