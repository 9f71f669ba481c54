"""What rendering PDFs leaves in a web worker: a fresh process renders ten notices'
worth of Chinese and its resident size is read before and after, through the PDF
helper (readiness.documents.html_to_pdf, which hands the memory back after each
render) and, side by side, through WeasyPrint called directly with the same options
(what the helper did before). Each in its own fresh process, interleaved, twice."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

RENDERS = 10
ROUNDS = 2

CHILD = """
import json, os, re, sys
from pathlib import Path
import django
django.setup()
from weasyprint import HTML
from readiness import documents

def rss():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmRSS:\\s+(\\d+) kB", status).group(1)) / 1024

# a notice's worth of text: 3,000 distinct characters of the common CJK block
text = "".join(chr(0x4E00 + (i * 37) % 20000) for i in range(3000))
html = ("<html><body style=\\"font-family: 'WenQuanYi Zen Hei', 'Noto Sans CJK SC'\\">"
        f"<h1>整改通知书</h1><p>{text}</p></body></html>")
before = rss()
for _ in range(int(sys.argv[2])):
    if sys.argv[1] == "helper":
        documents.html_to_pdf(html)
    else:
        HTML(string=html, base_url=documents.BASE_URL).write_pdf(**documents.PDF_OPTIONS)
print(json.dumps({"before": before, "after": rss()}))
"""


def _child(way: str) -> dict:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, way, str(RENDERS)],
        env=env, cwd=root, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def run() -> dict:
    grown = {"helper": [], "direct": []}
    base = []
    for _ in range(ROUNDS):
        for way in ("helper", "direct"):
            figures = _child(way)
            grown[way].append(figures["after"] - figures["before"])
            base.append(figures["before"])
    helper, direct = statistics.median(grown["helper"]), statistics.median(grown["direct"])
    return {
        "pdf_worker_growth_mb": {
            "value": round(helper, 1), "unit": "MB", "goal": "< 25 after 10 renders",
            "holds": helper < 25,
            "detail": (
                f"a fresh process after {RENDERS} renders, median of {ROUNDS}, interleaved: "
                f"+{helper:.1f} MB through the helper, +{direct:.1f} MB through WeasyPrint "
                f"directly (no collection, no malloc_trim); {statistics.median(base):.0f} MB "
                "before the first render"
            ),
        },
    }  # fmt: skip
