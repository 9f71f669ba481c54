"""Mutation testing of the rules that matter, and their scores.

``python -m bench.mutation`` (``make mutation``) runs mutmut over the functions
that carry the portal's rules, group by group, and writes each group's score
(caught ÷ non-equivalent mutants, goal 90 %) to ``bench/results.json``. Then it
applies the named mutants (bugs a review once found that every test let through)
to a copy of the tree and checks that the suite now fails for each.

mutmut generates its mutants inside undecorated functions only (so the rules live
in plain functions that the services, which carry the transaction and the audit
decorators, call), and runs the tests on SQLite
(``pytest_add_cli_args_test_selection`` in pyproject.toml chooses the tests);
the named mutants cover what that leaves out: module constants such as the
check-character table, and a lock that only PostgreSQL honours (they run on
``DATABASE_URL`` when it is set).

A surviving mutant is killed by a new test or listed in ``EQUIVALENT`` with the
reason no test can tell it apart, and with the mutated line, so that a listing
goes stale (and counts as a survivor again) when the code under it changes.

``--groups a,b`` runs only those groups (CI runs a bounded subset);
``--named-only`` only the named mutants.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).parent / "mutmut"
GOAL = 0.90


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    functions: tuple[str, ...]  # mutmut mutant-name globs


GROUPS = (
    Group("identity", "identity numbers and masking", ("people.idcard.*",)),
    Group(
        "access",
        "access rights, scope and the scoped selectors",
        (
            "readiness.access.*",
            "readiness.selectors.x_school_list*",
            "readiness.selectors.x_school_get_for_user*",
            "readiness.selectors.x_school_get_for_edit*",
            "readiness.selectors.x_county_list*",
            "people.selectors.x_person_list*",
            "verification.access.*",
        ),
    ),
    Group(
        "verdict",
        "verification result and sign-off",
        (
            "verification.services.x_compute_result*",
            "verification.selectors.x_result_of*",
            "verification.services.x_require_part_complete*",
            "verification.services.x_require_every_part_confirmed*",
            "verification.services.x_reverify_due_for*",
            "verification.services.x__require_leader*",
            "verification.selectors.x_checklist*",
        ),
    ),
    Group(
        "numbering",
        "rectification notice numbering",
        (
            "inspections.services.x__next_number*",
            "inspections.services.x__notice_findings*",
            "inspections.services.x__notice_numbering*",
        ),
    ),
    Group(
        "draw",
        "the weighted draw of schools",
        (
            "inspections.services.x_draw_candidates*",
            "inspections.services.x_weighted_sample*",
            "inspections.services.x_visit_draw*",
        ),
    ),
    Group(
        "import",
        "the person import, whole file or nothing, within the importer's scope",
        (
            "people.importer.xǁPersonImporterǁrun*",
            # The staged way, which SQLite takes; the direct load (_run's first
            # branch, _load_directly, _copy) is PostgreSQL's only, and its named
            # mutants below run there.
            "people.importer.xǁPersonImporterǁ_read*",
            "people.importer.xǁPersonImporterǁ_load_staged*",
            "people.importer.xǁPersonImporterǁ_records*",
            "people.importer.xǁPersonImporterǁ_check_whole_file*",
            "people.importer.x__scope_sql*",
        ),
    ),
    Group(
        "supplies",
        "supplies: the split, the balance arithmetic, first expired first out, quantities",
        (
            "supplies.allocation.x_split*",
            "supplies.services.x__move*",
            "supplies.services.x_fefo*",
            "supplies.quantities.x_parse*",
            "supplies.needs.x_daily_needs*",
        ),
    ),
)

_DISTINCT = (
    "the exclusions are NOT IN subqueries, so no join repeats a school's findings and "
    "counting them with or without DISTINCT gives the same number"
)
_ROLLBACK = (
    "a refused file never reaches the write, and the staging table is dropped in the same "
    "transaction: committing it leaves nothing either"
)
_NO_COLUMN = 'an error of no column is labelled "" whether the column is "" or None'
_CASE = "SQL keywords and unquoted names read the same in any case, on both databases"
_PATH = (
    "a row long enough is read by one itemgetter, a shorter one cell by cell: sending a "
    "row of exactly the header's width (or one more) the slow way reads the same cells"
)
_ZIP = "the names and the cells they pick are always as many: strict or not, zip pairs them all"
_SORT = (
    "the pairs sort by their random key first; two equal keys, the only case where "
    "the school would be compared, have probability zero"
)

# mutant name → (the mutated line as mutmut shows it, why no test can tell it apart)
EQUIVALENT: dict[str, tuple[str, str]] = {
    "people.idcard.x_age_band__mutmut_12": (
        "low = max(1, age) // 5 * 5",
        "ages 0 and 1 both fall in the band 0–4, and no age is negative",
    ),
    "inspections.services.x__next_number__mutmut_7": (
        "counter.save(update_fields=None)",
        "the counter has no other field to write than its year, which does not change",
    ),
    "inspections.services.x_draw_candidates__mutmut_17": (
        'Count("findings", distinct=None)',
        _DISTINCT,
    ),
    "inspections.services.x_draw_candidates__mutmut_19": ('Count("findings", )', _DISTINCT),
    "inspections.services.x_draw_candidates__mutmut_22": (
        'Count("findings", distinct=False)',
        _DISTINCT,
    ),
    "inspections.services.x_weighted_sample__mutmut_4": (
        "rng.random() ** (2.0 / weight)",
        "u ** (2/w) is the square of u ** (1/w), which keeps the order of the keys on [0, 1]",
    ),
    "inspections.services.x_weighted_sample__mutmut_5": (
        "keyed.sort(key=None, reverse=True)",
        _SORT,
    ),
    "inspections.services.x_weighted_sample__mutmut_7": ("keyed.sort(reverse=True)", _SORT),
    "people.importer.x__scope_sql__mutmut_7": ('return "true", []', _CASE),
    "people.importer.xǁPersonImporterǁrun__mutmut_3": (
        "transaction.set_rollback(None)",
        _ROLLBACK,
    ),
    "people.importer.xǁPersonImporterǁrun__mutmut_4": (
        "transaction.set_rollback(False)",
        _ROLLBACK,
    ),
    "people.importer.xǁPersonImporterǁrun__mutmut_6": (
        "self.error(0, None, str(error))",
        _NO_COLUMN,
    ),
    "people.importer.xǁPersonImporterǁrun__mutmut_32": (
        '.encode("UTF-8")',
        "codec names are read whatever their case",
    ),
    "people.importer.xǁPersonImporterǁ_read__mutmut_16": (
        "self.error(1, None, HEADERS.missing_message(missing))",
        _NO_COLUMN,
    ),
    "people.importer.xǁPersonImporterǁ_records__mutmut_21": (
        'cell in (None, "XXXX")',
        'an empty string is caught by the strip test right after: "" stays blank',
    ),
    "people.importer.xǁPersonImporterǁ_records__mutmut_10": ("width = named[-1][0] + 2", _PATH),
    "people.importer.xǁPersonImporterǁ_records__mutmut_31": ("if len(row) > width:", _PATH),
    "people.importer.xǁPersonImporterǁ_records__mutmut_36": ("strict=None", _ZIP),
    "people.importer.xǁPersonImporterǁ_records__mutmut_39": ("cells(row), ))", _ZIP),
    "people.importer.xǁPersonImporterǁ_records__mutmut_41": ("strict=False", _ZIP),
    "people.importer.xǁPersonImporterǁ_check_whole_file__mutmut_4": ("having count(*)", _CASE),
    "people.importer.xǁPersonImporterǁ_check_whole_file__mutmut_5": (
        "HAVING COUNT(*) > 1) F",
        _CASE,
    ),
    "people.importer.xǁPersonImporterǁ_check_whole_file__mutmut_7": ('"order by s.line"', _CASE),
    "people.importer.xǁPersonImporterǁ_check_whole_file__mutmut_8": ('"ORDER BY S.LINE"', _CASE),
    "supplies.allocation.x_split__mutmut_8": (
        "if gap >= 0}",
        "a gap of zero adds a need of zero: it changes neither the total nor any quota",
    ),
    "supplies.allocation.x_split__mutmut_14": (
        "total_need = sum(need.values(), )",
        "summing fractions from the integer 0 gives the same fraction as from Fraction(0)",
    ),
    "supplies.allocation.x_split__mutmut_28": (
        "if units < 0:",
        "with no unit to share every floor and the leftover are zero: the shares stay zero",
    ),
    "supplies.quantities.x_parse__mutmut_5": (
        'if (value is not None) or True else ""',
        'None becomes "None" instead of "": neither is a number, the message is the same',
    ),
    "supplies.quantities.x_parse__mutmut_20": (
        'if value is not None else "XXXX"',
        'None becomes "XXXX" instead of "": neither is a number, the message is the same',
    ),
    "supplies.services.x__move__mutmut_18": (
        "select_for_update().get(holder=holder, lot=lot)",
        "a lot belongs to one item (checked just above), so holder and lot find the same row",
    ),
}


@dataclass(frozen=True)
class Named:
    title: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


NAMED = (
    Named(
        "two weights of the check character swapped",
        "people/idcard.py",
        "WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)",
        "WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 3, 6, 7, 9, 10, 5, 8, 4, 2)",
        ("tests/people/test_idcard.py",),
    ),
    Named(
        "two characters of the check table swapped",
        "people/idcard.py",
        'CHECK = "10X98765432"',
        'CHECK = "10X98765423"',
        ("tests/people/test_idcard.py",),
    ),
    Named(
        "a direct load kept when a row after the first good ones has a problem",
        "people/importer.py",
        "        if not self.outcome.ok or self.as_number:\n            raise _NotClean",
        "        if self.as_number:\n            raise _NotClean",
        ("tests/people/test_import_rules.py",),
    ),
    Named(
        "the direct load takes the code of a school outside the user's scope",
        "people/importer.py",
        'dict(school_list(user=self.user).values_list("code", "pk"))',
        'dict(school_list(user=self.user).model.objects.values_list("code", "pk"))',
        ("tests/people/test_import.py",),
    ),
    Named(
        "the file read again from where the undone direct load stopped",
        "people/importer.py",
        "                handle.seek(0)\n",
        "",
        ("tests/people/test_import_rules.py",),
    ),
    Named(
        "notice numbers taken without locking the year's counter",
        "inspections/services.py",
        "NoticeCounter.objects.select_for_update().get(year=year)",
        "NoticeCounter.objects.get(year=year)",
        ("tests/inspections/test_notices.py",),
    ),
    Named(
        "stock taken without locking its balance",
        "supplies/services.py",
        "    balance = Balance.objects.select_for_update().get(holder=holder, item=item, lot=lot)",
        "    balance = Balance.objects.get(holder=holder, item=item, lot=lot)",
        ("tests/supplies/test_invariants.py",),
    ),
    Named(
        "a veto item fails the school only when nothing else fails",
        "verification/selectors.py",
        "if any(item.veto for item in failing):",
        "if failing and all(item.veto for item in failing):",
        ("tests/verification/test_approval.py",),
    ),
    Named(
        "the draw leaves out every school ever visited",
        "inspections/services.py",
        ".exclude(visits__visited_at__gte=since)",
        ".exclude(visits__visited_at__isnull=False)",
        ("tests/inspections/test_draw.py",),
    ),
    Named(
        "the draw forgets past findings",
        "inspections/services.py",
        "RISK_WEIGHT[s.risk_level] * (1 + s.past_findings)",
        "RISK_WEIGHT[s.risk_level]",
        ("tests/inspections/test_draw.py",),
    ),
)

CAUGHT = {"killed", "timeout", "caught by type check", "segfault"}


def _mutmut_env() -> dict[str, str]:
    """mutmut forks its workers from a process that ran the tests: SQLite in memory
    (copied by each fork) and no Redis, so no worker shares a database."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["DEBUG"] = "1"
    return env


def _statuses() -> dict[str, str]:
    from mutmut.stats import status_by_exit_code

    found = {}
    for meta in (ROOT / "mutants").rglob("*.py.meta"):
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            found[name] = status_by_exit_code[code]
    return found


def _diff(name: str) -> str:
    return subprocess.run(
        [str(MUTMUT), "show", name], cwd=ROOT, capture_output=True, text=True, env=_mutmut_env()
    ).stdout


def _matches(name: str, globs: tuple[str, ...]) -> bool:
    from fnmatch import fnmatch

    return any(fnmatch(name, g) for g in globs)


def run_groups(groups: list[Group]) -> dict[str, dict]:
    globs = [g for group in groups for g in group.functions]
    started = time.monotonic()
    subprocess.run([str(MUTMUT), "run", *globs], cwd=ROOT, env=_mutmut_env(), check=True)
    seconds = time.monotonic() - started
    statuses = _statuses()
    figures = {}
    for group in groups:
        mine = {n: s for n, s in statuses.items() if _matches(n, group.functions)}
        equivalent, survivors, stale = [], [], []
        for name, status in sorted(mine.items()):
            if status in CAUGHT:
                continue
            listed = EQUIVALENT.get(name)
            if listed and listed[0] in _diff(name):
                equivalent.append(name)
            else:
                survivors.append(name)
                if listed:
                    stale.append(name)
        counted = len(mine) - len(equivalent)
        caught = counted - len(survivors)
        score = caught / counted if counted else 0.0
        figures[f"mutation_{group.key}"] = {
            "value": round(score * 100, 1),
            "unit": "% of non-equivalent mutants caught",
            "goal": f">= {GOAL * 100:.0f}",
            "holds": score >= GOAL,
            "detail": (
                f"{group.title}: {caught} of {counted} caught, {len(equivalent)} equivalent"
                + (f"; surviving: {', '.join(survivors)}" if survivors else "")
                + (f"; stale equivalence listings: {', '.join(stale)}" if stale else "")
                + f"; run of these groups took {seconds:.0f} s"
            ),
        }
    return figures


def _copy_tree(into: Path) -> None:
    skip = shutil.ignore_patterns(
        ".venv", ".git", "mutants", "var", "__pycache__", "test-artifacts", "*.pyc"
    )
    shutil.copytree(ROOT, into, ignore=skip, symlinks=True)


def run_named() -> dict[str, dict]:
    """Each named mutant applied alone to a copy of the tree; its tests must fail."""
    survived = []
    with tempfile.TemporaryDirectory(prefix="portal-mutant-") as scratch:
        for mutant in NAMED:
            tree = Path(scratch) / "tree"
            if tree.exists():
                shutil.rmtree(tree)
            _copy_tree(tree)
            target = tree / mutant.path
            source = target.read_text()
            if source.count(mutant.old) != 1:
                raise SystemExit(f"named mutant out of date: {mutant.title} ({mutant.path})")
            target.write_text(source.replace(mutant.old, mutant.new))
            result = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", *mutant.tests],
                cwd=tree,
                capture_output=True,
                text=True,
                env={**os.environ, "DEBUG": "1"},
            )
            status = "caught" if result.returncode == 1 else "SURVIVED"
            if result.returncode not in (0, 1):
                status = f"error {result.returncode}"
            print(f"  {status:>9}  {mutant.title}")
            if status != "caught":
                survived.append(mutant.title)
    return {
        "mutation_named_mutants": {
            "value": len(NAMED) - len(survived),
            "unit": f"of {len(NAMED)} named mutants caught",
            "goal": f"== {len(NAMED)}",
            "holds": not survived,
            "detail": (
                "database: "
                + ("PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite")
                + (f"; surviving: {'; '.join(survived)}" if survived else "")
            ),
        }
    }


def _write(figures: dict[str, dict]) -> None:
    path = ROOT / "bench" / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results.update(figures)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mutation")
    parser.add_argument("--groups", help="comma-separated: " + ",".join(g.key for g in GROUPS))
    parser.add_argument("--named-only", action="store_true")
    args = parser.parse_args(argv)
    chosen = list(GROUPS)
    if args.groups:
        keys = args.groups.split(",")
        unknown = set(keys) - {g.key for g in GROUPS}
        if unknown:
            parser.error(f"unknown groups: {', '.join(sorted(unknown))}")
        chosen = [g for g in GROUPS if g.key in keys]
    figures = {} if args.named_only else run_groups(chosen)
    print("Named mutants:")
    figures.update(run_named())
    _write(figures)
    for key, figure in figures.items():
        mark = "ok " if figure["holds"] else "MISS"
        print(f"{mark} {key}: {figure['value']} {figure['unit']} (goal {figure['goal']})")
        if not figure["holds"]:
            print(f"     {figure['detail']}")
    return 0 if all(f["holds"] for f in figures.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
