"""Demo data of inspections: areas, aspects, 13 squads, visits, findings, notices."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from readiness.demo import DEMO_PASSWORD, demo_photo, person_name
from readiness.models import County, School, User

from . import services
from .models import Aspect, InspectionSquad, KeyArea, Visit, VisitCheck

KEY_AREAS = [
    ("gate", "校门口"),
    ("classroom", "教室"),
    ("infirmary", "医务室"),
    ("canteen", "食堂"),
    ("dormitory", "宿舍"),
]
ASPECTS = [
    ("online", "线上学业指导"),
    ("preparation", "开学筹备"),
    ("screening", "人员排查"),
    ("supplies", "物资储备"),
    ("plans", "预案与演练"),
    ("hygiene", "消毒与卫生"),
    ("food", "食堂食品安全"),
]
PROBLEMS = [
    ("gate", "测温点未安排专人值守", "立即安排专人值守并建立登记台账"),
    ("classroom", "教室未按要求每日通风消毒", "落实每日通风消毒制度并记录"),
    ("infirmary", "隔离观察室物资配备不足", "补齐隔离观察室口罩、消毒剂等物资"),
    ("canteen", "食堂从业人员晨检记录不全", "完善晨检制度，补齐记录"),
    ("dormitory", "宿舍人员密度超出防控要求", "调整宿舍安排，降低居住密度"),
    ("plans", "应急预案未明确责任人", "修订应急预案，明确责任到人"),
]
LOGINS = ["inspector-2"]


@transaction.atomic
def seed(*, schools: int, seed: int = 2020, **options) -> dict:
    rng = random.Random(f"inspections:{seed}")
    added = {"areas": 0, "squads": 0, "users": 0, "visits": 0, "notices": 0}
    for order, (code, name) in enumerate(KEY_AREAS, 1):
        added["areas"] += KeyArea.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )[1]
    for order, (code, name) in enumerate(ASPECTS, 1):
        added["areas"] += Aspect.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )[1]
    for n, county in enumerate(County.objects.order_by("order"), 1):
        squad, created = InspectionSquad.objects.get_or_create(name=f"督查第{n}组")
        if not created:
            continue
        added["squads"] += 1
        squad.counties.add(county)
        for i in range(2):
            username = (
                ("inspector" if i == 0 else "inspector-2") if n == 1 else f"squad{n}-{i + 1}"
            )
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username, full_name=person_name(rng), role=User.Role.INSPECTOR
                )
                user.set_password(DEMO_PASSWORD) if n == 1 else user.set_unusable_password()
                user.save()
                added["users"] += 1
            squad.members.add(user)
            if i == 0:
                squad.leader = user
                squad.save(update_fields=["leader"])
    if not Visit.objects.exists():
        added["visits"], added["notices"] = _seed_visits(rng)
    return added


def _seed_visits(rng: random.Random) -> tuple[int, int]:
    today = timezone.localdate()
    areas = {a.code: a for a in KeyArea.objects.all()}
    aspects = {a.code: a for a in Aspect.objects.all()}
    visits = notices = 0
    for squad in InspectionSquad.objects.prefetch_related("counties", "members"):
        leader = squad.leader
        county_schools = list(
            School.objects.filter(county__in=squad.counties.all()).order_by("code")
        )
        picked = rng.sample(county_schools, min(6, len(county_schools)))
        for k, school in enumerate(picked):
            [visit] = services.visit_plan(
                actor=leader, squad=squad, schools=[school], planned_on=today
            )
            visits += 1
            if k == len(picked) - 1:
                continue  # one planned visit per squad stays secret
            problems = rng.sample(PROBLEMS, 2) if k % 2 == 0 else []
            services.visit_record(
                actor=leader,
                visit=visit,
                visited_at=timezone.now()
                - dt.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 5)),
                present=list(squad.members.all()),
                checks=_results(areas, aspects, school, {code for code, *_ in problems}),
                summary="按照“四不两直”要求直奔现场。",
            )
            if not problems:
                continue
            found = []
            for code, description, requirement in problems:
                found.append(
                    services.finding_add(
                        actor=leader,
                        visit=visit,
                        description=description,
                        severity=rng.choice(["minor", "major", "critical"]),
                        requirement=requirement,
                        key_area=areas.get(code),
                        aspect=None if code in areas else aspects[code],
                        # The first squads' findings carry a photo of what was seen.
                        photos=(
                            [(f"{code}.jpg", demo_photo(description, rng))]
                            if squad.name in ("督查第1组", "督查第2组")
                            else []
                        ),
                    )
                )
            if squad.name in ("督查第1组", "督查第2组", "督查第3组"):
                services.notice_issue(actor=leader, visit=visit, finding_ids=[f.pk for f in found])
                _follow_up(found, leader, rng, ("reported", "closed", "rejected")[notices % 3])
                notices += 1
    return visits, notices


def _results(areas: dict, aspects: dict, school: School, problems: set[str]) -> list:
    """A result for every key area and aspect: problems where findings follow, the
    dormitory of a day school not applicable, the rest in order."""
    checks = []
    for code, place in [*areas.items(), *aspects.items()]:
        if code in problems:
            result, note = VisitCheck.Result.PROBLEM, "见问题清单"
        elif code == "dormitory" and not school.boarding:
            result, note = VisitCheck.Result.NOT_APPLICABLE, "走读学校，无宿舍"
        else:
            result, note = VisitCheck.Result.OK, ""
        area = place if code in areas else None
        checks.append(
            services.CheckInput(
                result=result, note=note, key_area=area, aspect=None if area else place
            )
        )
    return checks


def _follow_up(findings, leader: User, rng: random.Random, outcome: str) -> None:
    """Carries findings through the loop, so every state shows: reported, closed, and
    reopened after a rejected report."""
    school = findings[0].school
    contact = User.objects.filter(role=User.Role.SCHOOL, school=school).first()
    if contact is None:
        contact = User(
            username=f"contact-{school.code}",
            full_name=person_name(rng),
            role=User.Role.SCHOOL,
            school=school,
        )
        contact.set_unusable_password()
        contact.save()
    report = services.report_submit(
        actor=contact, finding=findings[0], text="已按要求整改，台账已补齐。"
    )
    if outcome == "closed":
        services.report_accept(actor=leader, report=report)
    elif outcome == "rejected":
        services.report_reject(
            actor=leader, report=report, reason="整改照片不能说明问题已解决，请补充。"
        )
