"""Rendering a rectification notice: Chinese against the same notice in Latin.

The Latin notice is the Chinese one with every CJK character replaced by a
Latin letter and set in DejaVu Sans, so both have the same structure, length,
findings and photos; only the script and the font differ. Measured with four
photos, as inspectors send them, and without: decoding and scaling the photos
costs both scripts alike and so hides part of the font's cost.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time
from io import BytesIO

from django.utils import timezone

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\U00020000-\U0002ffff]")
RUNS = 15


def _photo(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1200), (200 + seed * 10, 220, 235))
    draw = ImageDraw.Draw(image)
    for i in range(0, 1600, 40):  # detail, so the JPEG is a realistic phone photo size
        draw.line((i, 0, 1600 - i, 1200), fill=(20 * seed % 255, i % 255, 120), width=3)
    out = BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _notice(*, photos: bool):
    from inspections import services
    from inspections.models import Aspect, InspectionSquad, KeyArea
    from readiness.models import School

    squad = InspectionSquad.objects.order_by("pk").first()
    leader = squad.leader
    # A school not planned today: each notice of the run is of a visit of its own.
    school = (
        School.objects.filter(county__in=squad.counties.all())
        .exclude(visits__planned_on=timezone.localdate())
        .order_by("code")
        .last()
    )
    [visit] = services.visit_plan(
        actor=leader, squad=squad, schools=[school], planned_on=timezone.localdate()
    )
    services.visit_record(
        actor=leader,
        visit=visit,
        visited_at=timezone.now() - dt.timedelta(hours=1),
        present=[leader],
        checks=[
            *(services.CheckInput(result="problem", key_area=a) for a in KeyArea.objects.all()),
            *(services.CheckInput(result="problem", aspect=a) for a in Aspect.objects.all()),
        ],
    )
    areas, aspects = list(KeyArea.objects.all()), list(Aspect.objects.all())
    ids = []
    for i in range(10):
        finding = services.finding_add(
            actor=leader,
            visit=visit,
            description=f"第{i + 1}项问题：测温点未安排专人值守，晨午检记录不完整，留观区物资不足",
            severity=["minor", "major", "critical"][i % 3],
            requirement="立即整改，安排专人值守，补齐记录和物资，并将整改情况拍照上报",
            key_area=areas[i % len(areas)] if i % 2 == 0 else None,
            aspect=None if i % 2 == 0 else aspects[i % len(aspects)],
        )
        if photos and i < 4:
            services.finding_photo_add(
                actor=leader, finding=finding, name=f"p{i}.jpg", data=_photo(i)
            )
        ids.append(finding.pk)
    return services.notice_issue(actor=leader, visit=visit, finding_ids=ids)


def _compare(notice) -> tuple[dict[str, float], dict[str, int]]:
    """Median render times and sizes of the notice in Chinese with the portal's
    fonts, in Chinese with Noto Sans CJK alone (the CFF face it used before), and
    in Latin; interleaved, so drift hits all three alike."""
    from django.conf import settings

    from inspections.pdf import notice_context
    from readiness import documents

    chinese = documents.render_html("documents/notice.html", notice_context(notice))
    stack = ", ".join(f'"{family}"' for family in settings.PDF_FONT_FAMILIES)
    assert stack in chinese, "the documents' font stack is not where the bench looks for it"
    variants = {
        "chinese": chinese,
        "noto": chinese.replace(stack, '"Noto Sans CJK SC"'),
        "latin": CJK.sub("a", chinese).replace(stack, '"DejaVu Sans"'),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    sizes = {}
    for html in variants.values():  # warm the font caches of all
        documents.html_to_pdf(html)
    for _ in range(RUNS):
        for name, html in variants.items():
            started = time.perf_counter()
            sizes[name] = len(documents.html_to_pdf(html))
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(t) for name, t in times.items()}, sizes


def run() -> dict:
    from django.core.management import call_command

    call_command("seed_demo", "--schools", "300", verbosity=0)
    figures = {}
    for key, photos, what in (
        ("notice_render_chinese_vs_latin", True, "10 findings, 4 photos of 1600x1200"),
        ("notice_render_chinese_vs_latin_no_photos", False, "10 findings, no photo"),
    ):
        medians, sizes = _compare(_notice(photos=photos))
        cn, la, noto = medians["chinese"], medians["latin"], medians["noto"]
        ratio = round(cn / la, 2)
        figures[key] = {
            "value": ratio,
            "unit": "ratio",
            "goal": "<= 1.5",
            "holds": ratio <= 1.5,
            "detail": (
                f"median of {RUNS}: Chinese {cn * 1000:.0f} ms, Latin (DejaVu Sans) "
                f"{la * 1000:.0f} ms, Chinese in Noto Sans CJK alone {noto * 1000:.0f} ms; {what}"
            ),
        }
        if photos:
            size_kb = round(sizes["chinese"] / 1024, 1)
            figures["notice_pdf_size_kb"] = {
                "value": size_kb,
                "unit": "KB",
                "goal": "< 100",
                "holds": size_kb < 100,
                "detail": (
                    f"Chinese notice {size_kb} KB in the portal's fonts (WenQuanYi Zen Hei), "
                    f"{sizes['noto'] / 1024:.1f} KB in Noto Sans CJK SC alone, "
                    f"Latin {sizes['latin'] / 1024:.1f} KB; 10 findings, 4 photos"
                ),
            }
    return figures
