"""Each user's to-do list: what waits for them, gathered from every line of work.

Each app contributes a function ``todo(user) -> list[TodoGroup]`` (``<app>/todo.py``),
listed by dotted path in ``settings.TODO_LISTS``, the way the report's and the
school file's sections are. A group counts what waits, shows the first few,
each a link to the place where it is done, and names the menu entry whose badge
it adds to. Every read goes through the app's scoped selectors.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import User

SHOWN = 5  # tasks listed per group; the group's link opens all of them
COUNTS_SECONDS = 60  # the menu's badges are counted at most once a minute per user


@dataclass(frozen=True)
class Task:
    text: str
    url: str
    when: dt.date | None = None  # its deadline or planned day
    late: bool = False
    detail: str = ""


@dataclass(frozen=True)
class TodoGroup:
    key: str
    title: object  # lazy: translated when shown
    nav: str  # the menu entry whose badge counts it
    count: int
    url: str  # the list of all of them
    tasks: list[Task] = field(default_factory=list)
    waits: bool = True  # False: a state to know (e.g. the plan approved), not a task


def group(
    *,
    key: str,
    title,
    nav: str,
    url: str,
    rows: QuerySet,
    task: Callable[[object], Task],
) -> TodoGroup | None:
    """A group from a scoped queryset, or None when nothing waits: one COUNT and
    one read of the first few rows."""
    count = rows.count()
    if not count:
        return None
    return TodoGroup(
        key=key, title=title, nav=nav, count=count, url=url,
        tasks=[task(row) for row in rows[:SHOWN]],
    )  # fmt: skip


FAILED_IMPORT_DAYS = 7  # how long an import that did not go through stays on the list


def failed_imports(
    *, key: str, title, nav: str, url: str, jobs: QuerySet, user: User, status_url: str
) -> TodoGroup | None:
    """The user's imports (a Job table) refused or failed this week, newest first,
    each a link to its status page (``status_url``, a route taking the job's pk)."""
    since = timezone.now() - dt.timedelta(days=FAILED_IMPORT_DAYS)
    rows = jobs.filter(
        owner=user, status__in=("refused", "failed"), created_at__gte=since
    ).order_by("-created_at")
    return group(
        key=key, title=title, nav=nav, url=url, rows=rows,
        task=lambda job: Task(
            text=job.original_name,
            url=reverse(status_url, args=[job.pk]),
            detail=job.get_status_display(),
        ),
    )  # fmt: skip


@cache
def registered() -> tuple[Callable[[User], list[TodoGroup]], ...]:
    return tuple(import_string(path) for path in settings.TODO_LISTS)


def todo_for(user: User) -> list[TodoGroup]:
    return [g for source in registered() for g in source(user) if g is not None]


def nav_counts(user: User) -> dict[str, int]:
    """What waits, by menu entry, plus ``home`` for all of it; kept a minute."""
    key = f"todo-counts:{user.pk}"
    counts = shared_cache.get(key)
    if counts is None:
        tally: Counter[str] = Counter()
        for g in todo_for(user):
            if g.waits:
                tally[g.nav] += g.count
        counts = {**tally, "home": sum(tally.values())}
        shared_cache.set(key, counts, COUNTS_SECONDS)
    return counts
