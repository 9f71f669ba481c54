"""A timed benchmark starts once the machine is quiet: the idle share is read from
the kernel's CPU times, and the wait ends when it is reached or at its limit."""

from __future__ import annotations

import bench
from bench import cpu_idle_share, wait_for_quiet


def test_the_idle_share_is_the_idle_ticks_over_all_ticks(monkeypatch):
    # 400 ticks pass, 100 of them idle: a quarter.
    readings = iter([(1_000, 5_000), (1_100, 5_400)])
    monkeypatch.setattr(bench, "cpu_times", lambda: next(readings))
    assert cpu_idle_share(0) == 0.25


def test_the_kernels_times_are_read():
    idle, total = bench.cpu_times()
    assert 0 <= idle <= total and total > 0


def test_the_wait_ends_once_the_machine_is_quiet(monkeypatch):
    shares = iter([0.4, 0.6, 0.95, 0.2])
    monkeypatch.setattr(bench, "cpu_idle_share", lambda: next(shares))
    assert wait_for_quiet(idle=0.9, longest=60) == 0.95  # the third reading, not later


def test_the_wait_gives_up_at_its_limit(monkeypatch):
    asked = []
    monkeypatch.setattr(bench, "cpu_idle_share", lambda: asked.append(1) or 0.5)
    clock = iter([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    monkeypatch.setattr(bench.time, "monotonic", lambda: next(clock))
    assert wait_for_quiet(idle=0.9, longest=2.5) == 0.5
    assert len(asked) == 3  # the first, then at 1.0 and 2.0; at 3.0 it is past the limit
