"""The whole test command, several times in a row, while busy processes load every core.

    python benchmarks/under_load.py [--runs 3] [--busy 2] [-- ARGUMENTS FOR tasks.py test]

A test suite that passes only on a quiet machine bets on timing: a classroom's or a CI
runner's cores are shared. This starts `--busy` processes that spin at full speed (one
per core of a 2-core machine by default), then runs `python tasks.py test` (the README's
command, with this Python) `--runs` times one after another, and reports each run's
result, pytest's summary line and its wall time; each run's whole output is kept in
artifacts/under-load/run-N.log. The busy processes are stopped at the end, also after
Ctrl+C. It exits with 1 unless every run passed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "artifacts" / "under-load"
SPIN = "while True:\n    pass"
SUMMARY = re.compile(r"^=*\s*(\d+ (passed|failed|error).*? in [\d.]+s.*?)\s*=*$", re.MULTILINE)


@dataclass(frozen=True)
class Outcome:
    """One run of the test command: its exit code, pytest's summary line, its seconds."""

    code: int
    summary: str
    seconds: float

    @property
    def passed(self) -> bool:
        return self.code == 0


@contextmanager
def busy_processes(count: int) -> Iterator[list[subprocess.Popen]]:
    """`count` Python processes spinning at full speed until the block ends."""
    spinning = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(count)]
    try:
        yield spinning
    finally:
        for process in spinning:
            process.kill()
        for process in spinning:
            process.wait()


def summary_line(output: str) -> str:
    """pytest's last summary line ('1459 passed in 287.1s'), or the last line if none."""
    found = SUMMARY.findall(output)
    if found:
        return found[-1][0]
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no output"


def run_test_command(number: int, arguments: Sequence[str]) -> Outcome:
    """`python tasks.py test ARGUMENTS` from the course folder, its output to a log."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"run-{number}.log"
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as output:
        done = subprocess.run([sys.executable, "tasks.py", "test", *arguments], cwd=ROOT,
                              stdout=output, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - started
    return Outcome(done.returncode, summary_line(log.read_text(encoding="utf-8")), seconds)


def report(outcomes: list[Outcome], busy: int) -> str:
    """A Markdown table of the runs."""
    lines = [
        f"The test command under load: {busy} busy processes on {os.cpu_count() or 1} cores.",
        "",
        "| run | result | pytest's summary | wall time (s) |",
        "|---:|---|---|---:|",
    ]
    for number, outcome in enumerate(outcomes, start=1):
        result = "passed" if outcome.passed else f"FAILED (exit {outcome.code})"
        lines.append(f"| {number} | {result} | {outcome.summary} | {outcome.seconds:.0f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    arguments = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs in a row (default 3)")
    parser.add_argument("--busy", type=int, default=2,
                        help="busy processes spinning meanwhile (default 2)")
    args = parser.parse_args(argv)
    outcomes = []
    with busy_processes(args.busy):
        for number in range(1, args.runs + 1):
            outcomes.append(run_test_command(number, arguments))
            print(f"run {number}: {'passed' if outcomes[-1].passed else 'FAILED'} in "
                  f"{outcomes[-1].seconds:.0f} s ({outcomes[-1].summary})", flush=True)
    print()
    print(report(outcomes, args.busy))
    return 0 if all(outcome.passed for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
