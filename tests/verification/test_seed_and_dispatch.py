from django.utils import timezone

from readiness import demo as readiness_demo
from readiness import dispatch
from verification import demo
from verification.models import ChecklistItem, ChecklistTemplate, Verification, VerificationTeam


def test_seed_makes_the_default_rules_teams_and_verifications(db):
    readiness_demo.seed(schools=80)
    demo.seed(schools=80)
    template = ChecklistTemplate.objects.get(status="published")
    assert template.items.count() >= 40 and template.sections.count() == 10
    assert {s.title for s in template.sections.all()} >= {
        "校门口",
        "教室",
        "医务室",
        "食堂",
        "宿舍",
    }
    assert ChecklistItem.objects.filter(veto=True).exists()
    assert VerificationTeam.objects.filter(level="city").count() == 6
    assert VerificationTeam.objects.filter(level="county").count() == 13
    assert all(team.leader_id for team in VerificationTeam.objects.all())
    assert Verification.objects.exists()


def test_seed_is_idempotent(db):
    readiness_demo.seed(schools=40)
    demo.seed(schools=40)
    again = demo.seed(schools=40)
    assert set(again.values()) == {0}


def test_the_dispatch_report_has_a_verification_section(db, verification):
    section = dispatch.build(timezone.localdate())["sections"]["verification"]
    lanshan = next(row for row in section["by_county"] if row["code"] == "371302")
    assert lanshan["not_started"] == 1
    assert section["totals"]["not_started"] >= 1


def test_seeded_verifications_show_every_result(db):
    readiness_demo.seed(schools=120)
    demo.seed(schools=120)
    results = set(Verification.objects.exclude(result="").values_list("result", flat=True))
    assert results == {"passed", "conditional", "failed"}
    assert Verification.objects.filter(status="submitted").exists()


def test_the_dispatch_page_and_pdf_show_verification(login, task_force, verification):
    import io

    from pypdf import PdfReader

    from readiness import services as readiness_services

    report = readiness_services.dispatch_report_build(on_date=timezone.localdate())
    client = login(task_force)
    body = client.get(f"/dispatch/{report.on_date}/").content.decode()
    assert 'id="dispatch-verification"' in body and "开学条件核验" in body
    pdf = client.get(f"/dispatch/{report.on_date}/pdf/").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "开学条件核验" in text and "逾期未完成" in text
