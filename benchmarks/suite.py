"""Time and memory of the course against its floor, in one run on this machine.

The floor is a one-cell notebook that imports Keras and builds one LSTM: what any
notebook of this course must pay. The floor and each notebook are executed in a fresh
kernel, timed from starting the kernel until it has shut down again (what
`jupyter nbconvert --execute` costs a learner); peak kernel RSS is read from the kernel's
own high-water mark. They run in rounds (floor, then every notebook, per round) and the
table shows each one's median, so a slow moment of the machine hits floor and notebooks
alike. Then the notebook suite runs under nbval exactly as the test command runs it
(same pytest-xdist workers, `--dist loadscope`), and every widget is swept for its
update latency.

    python benchmarks/suite.py [--rounds 3] [--out benchmarks/latest.md] [--readme]

Targets (issue 6): each notebook <= 1.5 x the floor's time and < 800 MB peak RSS; the
nbval suite <= 1.3 x (notebooks x floor / cores used); widgets <= 50 ms median and
<= 100 ms p95.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

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
NOTEBOOK_RATIO, NOTEBOOK_MB, SUITE_RATIO = 1.5, 800, 1.3
WIDGET_MEDIAN_MS, WIDGET_P95_MS = 50, 100


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


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory: VmHWM on Linux, else its current RSS."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return psutil.Process(pid).memory_info().rss / 2**20


def run_notebook(notebook: nbformat.NotebookNode) -> Run:
    """Execute every cell in a fresh kernel, then shut the kernel down, timing each phase."""
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
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


def measure_notebooks(rounds: int) -> dict[str, list[Run]]:
    """Every notebook and the floor, `rounds` times each, interleaved round by round."""
    floor = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
    notebooks = {FLOOR_NAME: floor}
    notebooks.update({path.name: nbformat.read(path, as_version=4) for path in NOTEBOOKS})
    run_notebook(floor)  # warm-up: the first kernel also pays for a cold disk cache
    runs: dict[str, list[Run]] = {name: [] for name in notebooks}
    for _ in range(rounds):
        for name, notebook in notebooks.items():
            runs[name].append(run_notebook(notebook))
    return runs


def nbval_seconds(workers: int) -> float:
    """Wall time of nbval over every notebook, with the test command's xdist workers."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", str(workers), "--dist", "loadscope",
         "notebooks"],
        cwd=ROOT, env={**os.environ, **QUIET}, check=True, capture_output=True,
    )
    return time.perf_counter() - start


def widgets_density() -> int:
    """The pixel density the widgets draw their pictures at."""
    from lstm_teach import widgets

    return widgets.DENSITY


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def build_table(rounds: int, skip_nbval: bool) -> tuple[str, list[str]]:
    """Run every measurement; return the Markdown table and the names of missed targets."""
    os.environ.update(QUIET)
    runs = measure_notebooks(rounds)
    median = {name: statistics.median(run.seconds for run in rs) for name, rs in runs.items()}
    peak = {name: max(run.peak_mb for run in rs) for name, rs in runs.items()}
    floor = median[FLOOR_NAME]
    floor_runs = runs[FLOOR_NAME]
    cores = os.cpu_count() or 1
    missed: list[str] = []
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {cores} cores, Python "
        f"{sys.version.split()[0]}; times are medians of {rounds} rounds, each a fresh kernel "
        "from start to shut-down.",
        "",
        f"| notebook | time (s) | peak kernel RSS (MB) | × floor "
        f"| target (≤ {NOTEBOOK_RATIO}× floor, < {NOTEBOOK_MB} MB) |",
        "|---|---:|---:|---:|---|",
    ]
    for name in runs:
        ratio = median[name] / floor
        if name == FLOOR_NAME:
            lines.append(f"| {name} | {floor:.2f} | {peak[name]:.0f} | 1.00 | — |")
            continue
        ok = ratio <= NOTEBOOK_RATIO and peak[name] < NOTEBOOK_MB
        missed += [] if ok else [name]
        lines.append(
            f"| {name} | {median[name]:.2f} | {peak[name]:.0f} | {ratio:.2f} | {verdict(ok)} |"
        )
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
    if not skip_nbval:
        workers = tasks.worker_count()
        cores_used = min(workers, cores)
        budget = SUITE_RATIO * len(NOTEBOOKS) * floor / cores_used
        whole = statistics.median(nbval_seconds(workers) for _ in range(rounds))
        missed += [] if whole <= budget else ["nbval suite"]
        lines += [
            f"| nbval suite ({len(NOTEBOOKS)} notebooks, {workers} workers on {cores_used} "
            f"cores) | time (s) | budget {SUITE_RATIO} × notebooks × floor ÷ cores (s) "
            "| target |",
            "|---|---:|---:|---|",
            f"| `pytest -n {workers} --dist loadscope notebooks` | {whole:.1f} | {budget:.1f} "
            f"| {verdict(whole <= budget)} |",
            "",
        ]
    lines += [
        f"| widget (pictures at {widgets_density()}× pixel density) | median (ms) | p95 (ms) "
        f"| max (ms) | target (≤ {WIDGET_MEDIAN_MS} median, ≤ {WIDGET_P95_MS} p95) |",
        "|---|---:|---:|---:|---|",
    ]
    for name, (median_ms, p95_ms, worst_ms) in widget_latency.measure().items():
        ok = median_ms <= WIDGET_MEDIAN_MS and p95_ms <= WIDGET_P95_MS
        missed += [] if ok else [name]
        lines.append(
            f"| {name} | {median_ms:.1f} | {p95_ms:.1f} | {worst_ms:.1f} | {verdict(ok)} |"
        )
    paints = projector.measure(rounds)
    paint = statistics.median(paints)
    missed += [] if paint <= projector.FIRST_PAINT_S else ["projector app"]
    lines += [
        "",
        "| projector app (`python tasks.py explorer`) | first paint, median (s) | each server (s) "
        f"| target (≤ {projector.FIRST_PAINT_S:g} s) |",
        "|---|---:|---:|---|",
        f"| page opened as soon as Voila answers, until the explorer is drawn | {paint:.2f} "
        f"| {', '.join(f'{value:.2f}' for value in paints)} "
        f"| {verdict(paint <= projector.FIRST_PAINT_S)} |",
    ]
    explain_lines, explain_missed = explain_benchmark.table_lines()
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
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    parser.add_argument("--readme", action="store_true",
                        help="also put the table into README.md's Performance section")
    parser.add_argument("--skip-nbval", action="store_true", help="leave out the nbval run")
    args = parser.parse_args()
    table, missed = build_table(args.rounds, args.skip_nbval)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    if args.readme:
        text = readme_with_table(README.read_text(encoding="utf-8"), table)
        README.write_text(text, encoding="utf-8")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
