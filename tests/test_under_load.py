"""benchmarks/under_load.py: the test command in a row while busy processes load the cores."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import under_load


def test_busy_processes_spin_until_the_block_ends():
    with under_load.busy_processes(2) as spinning:
        assert len(spinning) == 2
        assert all(process.poll() is None for process in spinning)
        # each is really busy: it piles up CPU time (waited for, however loaded the machine)
        deadline = time.monotonic() + 120
        while min(psutil.Process(process.pid).cpu_times().user for process in spinning) < 0.3:
            assert time.monotonic() < deadline, "the busy processes used no CPU in 120 s"
            time.sleep(0.05)
    assert all(process.poll() is not None for process in spinning)


def test_pytests_summary_line_is_found_in_the_output():
    output = ("....\n===== 1 failed, 1458 passed, 3 warnings in 287.12s (0:04:47) =====\n"
              "tasks.py: the tests failed\n")
    assert under_load.summary_line(output) == (
        "1 failed, 1458 passed, 3 warnings in 287.12s (0:04:47)")
    assert under_load.summary_line("1459 passed in 106.40s\n") == "1459 passed in 106.40s"
    assert under_load.summary_line("ruff: 2 errors\n") == "ruff: 2 errors"


def test_every_run_is_reported_and_one_failure_fails_the_command(monkeypatch, capsys):
    outcomes = iter([under_load.Outcome(0, "1459 passed in 120.00s", 130.2),
                     under_load.Outcome(1, "1 failed, 1458 passed in 140.00s", 150.9),
                     under_load.Outcome(0, "1459 passed in 118.00s", 128.0)])
    seen = []

    def run(number, arguments):
        seen.append((number, list(arguments)))
        return next(outcomes)

    monkeypatch.setattr(under_load, "run_test_command", run)
    monkeypatch.setattr(under_load, "busy_processes", lambda count: _nothing(count, seen))
    assert under_load.main(["--busy", "2", "--", "-x"]) == 1
    assert seen == [("busy", 2), (1, ["-x"]), (2, ["-x"]), (3, ["-x"])]
    out = capsys.readouterr().out
    assert "| 2 | FAILED (exit 1) | 1 failed, 1458 passed in 140.00s | 151 |" in out
    assert "| 3 | passed | 1459 passed in 118.00s | 128 |" in out


class _nothing:
    def __init__(self, count, seen):
        seen.append(("busy", count))

    def __enter__(self):
        return []

    def __exit__(self, *exc):
        return False
