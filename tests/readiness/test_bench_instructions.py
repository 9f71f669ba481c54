"""bench/instructions.py weighs each request of the load's mix as bench/locustfile.py
does: by its users' weight and its task's."""

from __future__ import annotations

import pytest

from bench.instructions import TASKS, mix_weights


def test_the_mix_is_weighed_as_the_locustfile_weighs_it():
    shares = mix_weights()
    # Users 3 : 1 : 1 : 1 (verifiers, county and city readers, the minimal view); a
    # verifier opens the checklist once for three answers: 3/6 × 1/4 and 3/6 × 3/4.
    assert shares[("Verifier", "checklist")] == pytest.approx(1 / 8)
    assert shares[("Verifier", "answer")] == pytest.approx(3 / 8)
    # A county reader's tasks weigh 3, 2, 2 and 1: the home page 1/6 × 3/8.
    assert shares[("CountyReader", "home")] == pytest.approx(1 / 16)
    assert shares[("CountyReader", "verifications")] == pytest.approx(1 / 48)
    assert shares[("CityReader", "dashboard")] == pytest.approx(1 / 24)
    assert shares[("Minimal", "minimal")] == pytest.approx(1 / 6)
    assert sum(shares.values()) == pytest.approx(1)
    assert set(shares) == set(TASKS)


def test_a_task_the_benchmark_does_not_know_stops_it(tmp_path):
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text(
        "class Verifier(FastHttpUser):\n"
        "    weight = 1\n"
        "    @task(1)\n"
        "    def checklist(self): ...\n"
        "    @task\n"
        "    def export(self): ...\n"
    )
    with pytest.raises(SystemExit, match=r"Verifier\.export is not in bench/instructions\.TASKS"):
        mix_weights(locustfile)
