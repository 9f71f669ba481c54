"""A timed benchmark starts once the machine is quiet: the idle share it waits on
sees a busy core."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench import cpu_idle_share, wait_for_quiet


def test_a_busy_core_is_seen_and_waited_on_no_longer_than_allowed():
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        # One of the machine's cores spinning: at most the others are idle (other work
        # on the machine, such as parallel tests, only lowers it further).
        assert cpu_idle_share(1.0) <= 1 - 1 / os.cpu_count() + 0.1
        started = time.monotonic()
        found = wait_for_quiet(idle=0.99, longest=1.0)
        assert found < 0.99 and time.monotonic() - started < 6  # gave up after `longest`
    finally:
        busy.kill()
        busy.wait()
