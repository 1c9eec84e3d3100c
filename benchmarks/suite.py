"""Time and memory of the course against its floor, in one run on this machine.

The floor is a one-cell notebook that imports Keras and builds one LSTM: what any
notebook of this course must pay. The floor and each notebook are executed in a fresh
kernel, timed from starting the kernel until it has shut down again (what
`jupyter nbconvert --execute` costs a learner); peak kernel RSS is read from the kernel's
own high-water mark. They run in rounds (floor, then every notebook, per round) and the
table shows each one's median, so a slow moment of the machine hits floor and notebooks
alike. Then the notebook suite runs under nbval exactly as the test command runs it
(same pytest-xdist workers), the quick tier runs as `python tasks.py test --quick`, every
widget is swept for its update latency beside a plain matplotlib redraw of its figures,
and the projector app's first paint is timed.

    python benchmarks/suite.py [--rounds 3] [--changes 300] [--out benchmarks/latest.md]
                               [--readme] [--skip-nbval] [--skip-quick]

Every target is a ratio to a baseline measured in the same run, so that a machine twice
as slow, which is twice as slow at the baseline too, is held to the same standard; the
nbval suite, the quick tier and the projector app are each measured between two runs of
the floor, since the load of a shared machine drifts within a run:
each notebook <= 1.5x the floor's time and <= 1.35x its peak memory; the nbval suite
<= 1.3x (notebooks x floor / cores used); the quick tier <= 10x the floor; each widget's
update <= 1x a plain redraw and PNG save of its figures (median) and <= 2x (95th
percentile); the projector app's first paint <= 1x the floor. A notebook, the nbval run,
the quick tier or a server that fails is reported in the table as FAILED, with its
reason, and the run carries on to the end.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import nbformat
import psutil
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))  # widget_latency
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tasks (worker count)
import explain as explain_benchmark
import projector
import widget_latency

import tasks
from tools import notebooks as registry

ROOT = tasks.ROOT
NOTEBOOKS = registry.paths(ROOT)  # core then reference shelf, in reading order
README = ROOT / "README.md"
TABLE_START = "<!-- performance table: written by benchmarks/suite.py --readme -->"
TABLE_END = "<!-- end of performance table -->"
QUIET = {**tasks.QUIET_TENSORFLOW, "PYTHONHASHSEED": "0"}
FLOOR_NAME = "floor (import Keras, build one LSTM)"
FLOOR_SOURCE = """import keras

keras.Sequential([keras.Input(shape=(1, 1)), keras.layers.LSTM(1, name="lstm")], name="floor")"""
NOTEBOOK_RATIO, NOTEBOOK_MEMORY_RATIO, SUITE_RATIO, QUICK_RATIO = 1.5, 1.35, 1.3, 10
T = TypeVar("T")


@dataclass(frozen=True)
class Run:
    """One execution in a fresh kernel: seconds per phase and the kernel's peak memory."""

    start: float
    cells: float
    stop: float
    peak_mb: float

    @property
    def seconds(self) -> float:
        return self.start + self.cells + self.stop


class Failed(Exception):
    """A measurement that could not be made: what failed, in one line for the table."""


def one_line(error: BaseException) -> str:
    """An error as one short line for a table cell (no pipes, no ANSI colours)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip() or type(error).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    said = lines[-1] if lines else type(error).__name__
    return f"{type(error).__name__}: {said}"[:160].replace("|", "/")


def attempt(measure: Callable[..., T], *args: object) -> T | Failed:
    """Run one measurement; a failure comes back as Failed instead of ending the run."""
    try:
        return measure(*args)
    except Failed as failed:
        return failed
    except Exception as error:  # a notebook, a server or a browser: report it, carry on
        return Failed(one_line(error))


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory: VmHWM on Linux, else its current RSS."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return psutil.Process(pid).memory_info().rss / 2**20


def run_notebook(notebook: nbformat.NotebookNode, folder: Path = ROOT / "notebooks") -> Run:
    """Execute every cell in a fresh kernel, then shut the kernel down, timing each phase."""
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    started = time.perf_counter()
    with client.setup_kernel():
        ready = time.perf_counter()
        pid = client.km.provisioner.process.pid
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        peak = peak_rss_mb(pid)
        done = time.perf_counter()
    stopped = time.perf_counter()
    return Run(ready - started, done - ready, stopped - done, peak)


def floor_notebook() -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])


def floor_seconds(rounds: int) -> float:
    """The floor's median time over `rounds` fresh kernels, after one warm-up."""
    os.environ.update(QUIET)
    run_notebook(floor_notebook())
    return statistics.median(run_notebook(floor_notebook()).seconds for _ in range(rounds))


def table_name(path: Path) -> str:
    """A notebook's name in the table: its file name (the registry's numbers are unique
    across the core and the reference shelf; tests/test_readme.py looks for each)."""
    return path.name


def beside_floor(measure: Callable[..., T], *args: object) -> tuple[T | Failed, float]:
    """Run a measurement between two runs of the floor, and return its result (or Failed)
    and the floor's mean time: on a shared machine the load drifts within a run, and a
    ratio holds only against a floor measured at the same moment."""
    before = run_notebook(floor_notebook()).seconds
    result = attempt(measure, *args)
    after = run_notebook(floor_notebook()).seconds
    return result, (before + after) / 2


def measure_notebooks(rounds: int) -> dict[str, list[Run] | Failed]:
    """Every notebook and the floor, `rounds` times each, interleaved round by round; a
    notebook that fails once is reported as Failed and not run again."""
    notebooks = {FLOOR_NAME: (floor_notebook(), ROOT / "notebooks")}
    notebooks.update({
        table_name(path): (nbformat.read(path, as_version=4), path.parent) for path in NOTEBOOKS
    })
    run_notebook(notebooks[FLOOR_NAME][0])  # warm-up: the first kernel pays for a cold disk
    runs: dict[str, list[Run] | Failed] = {name: [] for name in notebooks}
    for _ in range(rounds):
        for name, (notebook, folder) in notebooks.items():
            if isinstance(runs[name], list):
                result = attempt(run_notebook, notebook, folder)
                if isinstance(result, Failed):
                    runs[name] = result
                else:
                    runs[name].append(result)
    if isinstance(runs[FLOOR_NAME], Failed):
        raise SystemExit(f"the floor itself failed ({runs[FLOOR_NAME]}): nothing to compare with")
    return runs


def failed_notebook_cells(pytest_output: str) -> list[str]:
    """'02_x.ipynb Cell 20' for each cell pytest reports FAILED, from its summary lines."""
    found = re.findall(r"^FAILED (\S+?\.ipynb)::(Cell \d+)", pytest_output, flags=re.MULTILINE)
    return [f"{Path(path).name} {cell}" for path, cell in found]


def nbval_seconds(workers: int) -> float:
    """Wall time of nbval over every notebook, with the test command's xdist workers;
    Failed naming the notebooks' cells if any cell's output differs or it raises."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", str(workers),
         "--dist", "loadgroup", "notebooks"],
        cwd=ROOT, env={**os.environ, **QUIET}, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        cells = failed_notebook_cells(done.stdout)
        said = ", ".join(cells) if cells else (done.stdout + done.stderr).strip()[-160:]
        raise Failed(f"nbval failed after {seconds:.0f} s: {said}")
    return seconds


#: The test comparing README.md with benchmarks/latest.md (see quick_tier_seconds).
README_TABLE_TEST = (
    "tests/test_readme.py::test_readme_performance_section_shows_the_latest_benchmark_table"
)


def quick_tier_seconds() -> float:
    """Wall time of `python tasks.py test --quick` with this Python (--here: nothing is
    installed, the environment is the one running this benchmark). The one test that holds
    the README to the last benchmark table is left out: that table is what this run
    replaces, so after any change to the table it would fail here whatever the quick tier
    does."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "tasks.py", "test", "--here", "--quick", "--", "-q",
         "-p", "no:cacheprovider", "--deselect", README_TABLE_TEST],
        cwd=ROOT, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        failed = re.findall(r"^FAILED (\S+)", done.stdout, flags=re.MULTILINE)
        said = ", ".join(failed[:3]) if failed else (done.stdout + done.stderr).strip()[-160:]
        raise Failed(f"the quick tier failed after {seconds:.0f} s: {said}")
    return seconds


def widgets_density() -> int:
    """The pixel density the widgets draw their pictures at."""
    from lstm_teach import widgets

    return widgets.DENSITY


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def notebook_rows(runs: dict[str, list[Run] | Failed], rounds: int) -> tuple[list[str], list[str]]:
    """The notebook table (with the floor's phases below it) and the missed targets."""
    floor_runs = runs[FLOOR_NAME]
    floor = statistics.median(run.seconds for run in floor_runs)
    floor_mb = max(run.peak_mb for run in floor_runs)
    cores = os.cpu_count() or 1
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {cores} cores, Python "
        f"{sys.version.split()[0]}; times are medians of {rounds} rounds, each a fresh kernel "
        "from start to shut-down. Every target is a ratio to a baseline measured in this run.",
        "",
        f"| notebook | time (s) | peak kernel RSS (MB) | × floor time | × floor RSS "
        f"| target (≤ {NOTEBOOK_RATIO}× floor time, ≤ {NOTEBOOK_MEMORY_RATIO}× floor RSS) |",
        "|---|---:|---:|---:|---:|---|",
        f"| {FLOOR_NAME} | {floor:.2f} | {floor_mb:.0f} | 1.00 | 1.00 | — |",
    ]
    missed = []
    for name, result in runs.items():
        if name == FLOOR_NAME:
            continue
        if isinstance(result, Failed):
            missed.append(name)
            lines.append(f"| {name} | — | — | — | — | FAILED: {result} |")
            continue
        seconds = statistics.median(run.seconds for run in result)
        peak = max(run.peak_mb for run in result)
        ok = seconds <= NOTEBOOK_RATIO * floor and peak <= NOTEBOOK_MEMORY_RATIO * floor_mb
        missed += [] if ok else [name]
        lines.append(f"| {name} | {seconds:.2f} | {peak:.0f} | {seconds / floor:.2f} "
                     f"| {peak / floor_mb:.2f} | {verdict(ok)} |")
    phases = {
        phase: statistics.median(getattr(run, phase) for run in floor_runs)
        for phase in ("start", "cells", "stop")
    }
    lines += [
        "",
        f"The floor's {floor:.2f} s: kernel start {phases['start']:.2f} s, the cell (import "
        f"Keras, build the LSTM) {phases['cells']:.2f} s, kernel shut-down "
        f"{phases['stop']:.2f} s (TensorFlow's exit).",
        "",
    ]
    return lines, missed


def build_table(rounds: int, skip_nbval: bool, skip_quick: bool = False,
                changes: int = 300) -> tuple[str, list[str]]:
    """Run every measurement; return the Markdown table and the names of missed targets."""
    os.environ.update(QUIET)
    runs = measure_notebooks(rounds)
    lines, missed = notebook_rows(runs, rounds)
    cores = os.cpu_count() or 1
    if not skip_nbval:
        workers = tasks.worker_count()
        cores_used = min(workers, cores)
        measured = [beside_floor(nbval_seconds, workers) for _ in range(rounds)]
        results = [result for result, _ in measured]
        floor_beside = statistics.median(floor_then for _, floor_then in measured)
        budget = SUITE_RATIO * len(NOTEBOOKS) * floor_beside / cores_used
        failure = next((result for result in results if isinstance(result, Failed)), None)
        head = (f"| nbval suite ({len(NOTEBOOKS)} notebooks, {workers} workers on {cores_used} "
                "cores) | time (s) | floor beside it (s) "
                f"| budget {SUITE_RATIO} × notebooks × floor ÷ cores (s) | target |")
        command = f"`pytest -n {workers} --dist loadgroup notebooks`"
        if failure is not None:
            missed.append("nbval suite")
            row = f"| {command} | — | {floor_beside:.2f} | {budget:.1f} | FAILED: {failure} |"
        else:
            whole = statistics.median(results)
            missed += [] if whole <= budget else ["nbval suite"]
            row = (f"| {command} | {whole:.1f} | {floor_beside:.2f} | {budget:.1f} "
                   f"| {verdict(whole <= budget)} |")
        lines += [head, "|---|---:|---:|---:|---|", row, ""]
    if not skip_quick:
        result, floor_beside = beside_floor(quick_tier_seconds)
        head = ("| quick tier (`python tasks.py test --quick`) | time (s) | floor beside it (s) "
                f"| × floor | target (≤ {QUICK_RATIO}× floor) |")
        what = "ruff, unit and property tests; no notebook, browser or server"
        if isinstance(result, Failed):
            missed.append("quick tier")
            row = f"| {what} | — | {floor_beside:.2f} | — | FAILED: {result} |"
        else:
            ok = result <= QUICK_RATIO * floor_beside
            missed += [] if ok else ["quick tier"]
            row = (f"| {what} | {result:.1f} | {floor_beside:.2f} | {result / floor_beside:.1f} "
                   f"| {verdict(ok)} |")
        lines += [head, "|---|---:|---:|---:|---|", row, ""]
    lines += [
        f"| widget (pictures at {widgets_density()}× pixel density) | median (ms) | p95 (ms) "
        "| max (ms) | plain redraw + PNG (ms) | × plain, median | × plain, p95 "
        f"| target (≤ {widget_latency.MEDIAN_RATIO:g}× median, "
        f"≤ {widget_latency.P95_RATIO:g}× p95) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    latencies = attempt(widget_latency.measure, changes)
    if isinstance(latencies, Failed):
        missed.append("widgets")
        lines.append(f"| every widget | — | — | — | — | — | — | FAILED: {latencies} |")
    else:
        for name, latency in latencies.items():
            missed += [] if latency.met else [name]
            lines.append(
                f"| {name} | {latency.median:.1f} | {latency.p95:.1f} | {latency.worst:.1f} "
                f"| {latency.plain:.1f} | {latency.median_ratio:.2f} | {latency.p95_ratio:.2f} "
                f"| {verdict(latency.met)} |"
            )
    lines += [
        "",
        "| projector app (`python tasks.py explorer`) | first paint, median (s) "
        "| each server (s) | floor beside it (s) | × floor "
        f"| target (≤ {projector.FIRST_PAINT_RATIO:g}× floor) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    what = "page opened as soon as Voila answers, until the explorer is drawn"
    paints, floor_beside = beside_floor(projector.measure, rounds)
    if isinstance(paints, Failed):
        missed.append("projector app")
        lines.append(f"| {what} | — | — | {floor_beside:.2f} | — | FAILED: {paints} |")
    else:
        paint = statistics.median(paints)
        ok = paint <= projector.FIRST_PAINT_RATIO * floor_beside
        missed += [] if ok else ["projector app"]
        lines.append(f"| {what} | {paint:.2f} | {', '.join(f'{value:.2f}' for value in paints)} "
                     f"| {floor_beside:.2f} | {paint / floor_beside:.2f} | {verdict(ok)} |")
    explained = attempt(explain_benchmark.table_lines)
    if isinstance(explained, Failed):
        missed.append("explain")
        lines += ["", f"`lt.explain` on a {explain_benchmark.LAYERS}-layer model: "
                  f"FAILED: {explained}"]
    else:
        explain_lines, explain_missed = explained
        lines += ["", *explain_lines]
        missed += [f"explain ({name})" for name in explain_missed]
    lines += ["", "Every target met." if not missed else f"Missed: {', '.join(missed)}."]
    return "\n".join(lines), missed


def readme_with_table(readme: str, table: str) -> str:
    """The README text with the table between its performance markers replaced."""
    if readme.count(TABLE_START) != 1 or readme.count(TABLE_END) != 1:
        raise ValueError(f"README.md must hold {TABLE_START!r} and {TABLE_END!r} once each")
    before, rest = readme.split(TABLE_START)
    _, after = rest.split(TABLE_END)
    return f"{before}{TABLE_START}\n{table}\n{TABLE_END}{after}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each notebook (median)")
    parser.add_argument("--changes", type=int, default=300,
                        help="control changes per widget (default 300)")
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    parser.add_argument("--readme", action="store_true",
                        help="also put the table into README.md's Performance section")
    parser.add_argument("--skip-nbval", action="store_true", help="leave out the nbval run")
    parser.add_argument("--skip-quick", action="store_true", help="leave out the quick tier")
    args = parser.parse_args()
    table, missed = build_table(args.rounds, args.skip_nbval, args.skip_quick, args.changes)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    if args.readme:
        text = readme_with_table(README.read_text(encoding="utf-8"), table)
        README.write_text(text, encoding="utf-8")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
