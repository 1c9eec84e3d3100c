"""Time and memory of the course against its floor, in one run on this machine.

The floor is a one-cell notebook that imports Keras and builds one LSTM: what any
notebook of this course must pay. Each notebook is then executed in a fresh kernel
(timed from kernel start to the last cell, peak kernel RSS read from the kernel's own
high-water mark), the whole notebook suite is run under nbval as the test command runs
it, and every widget is swept for its update latency.

    python benchmarks/suite.py [--out benchmarks/latest.md] [--skip-nbval]

Targets (issue 6): each notebook <= 1.5 x the floor's time and < 800 MB peak RSS; the
nbval suite <= 1.3 x (notebooks x floor / cores used); widgets <= 50 ms median and
<= 100 ms p95.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import widget_latency

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "PYTHONHASHSEED": "0"}
#: Workers the test command gives nbval (pytest-xdist -n); see tasks.py.
NBVAL_WORKERS = 2
FLOOR_SOURCE = """import keras

keras.Sequential([keras.Input(shape=(1, 1)), keras.layers.LSTM(1, name="lstm")], name="floor")"""


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory: VmHWM on Linux, else its current RSS."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return psutil.Process(pid).memory_info().rss / 2**20


def run_notebook(notebook: nbformat.NotebookNode) -> tuple[float, float]:
    """Execute in a fresh kernel; return (seconds from kernel start to the end, peak MB)."""
    os.environ.update(QUIET)
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    )
    start = time.perf_counter()
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        peak = peak_rss_mb(pid)
    return time.perf_counter() - start, peak


def nbval_seconds() -> float:
    """Wall time of the notebook part of the test command (nbval on xdist workers)."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", str(NBVAL_WORKERS), "--dist", "loadscope",
         "notebooks"],
        cwd=ROOT, env={**os.environ, **QUIET}, check=True, capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    parser.add_argument("--skip-nbval", action="store_true", help="leave out the nbval run")
    args = parser.parse_args()

    floor_notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
    run_notebook(floor_notebook)  # warm-up: the first kernel also pays for a cold disk cache
    floor_seconds, floor_mb = run_notebook(floor_notebook)
    rows = [("floor (import Keras, build one LSTM)", floor_seconds, floor_mb, 1.0, "—")]
    missed = []
    for path in NOTEBOOKS:
        seconds, mb = run_notebook(nbformat.read(path, as_version=4))
        ratio = seconds / floor_seconds
        ok = ratio <= 1.5 and mb < 800
        missed += [] if ok else [path.name]
        rows.append((path.name, seconds, mb, ratio, "met" if ok else "MISSED"))

    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}.",
        "",
        "| notebook | time (s) | peak kernel RSS (MB) | × floor | target (≤ 1.5×, < 800 MB) |",
        "|---|---:|---:|---:|---|",
        *(f"| {name} | {s:.1f} | {mb:.0f} | {r:.2f} | {verdict} |"
          for name, s, mb, r, verdict in rows),
        "",
    ]
    if not args.skip_nbval:
        budget = 1.3 * len(NOTEBOOKS) * floor_seconds / NBVAL_WORKERS
        whole = nbval_seconds()
        verdict = "met" if whole <= budget else "MISSED"
        missed += [] if whole <= budget else ["nbval suite"]
        lines += [
            f"| nbval suite ({len(NOTEBOOKS)} notebooks, {NBVAL_WORKERS} workers) | time (s) "
            "| budget 1.3 × notebooks × floor ÷ workers (s) | target |",
            "|---|---:|---:|---|",
            f"| pytest notebooks | {whole:.1f} | {budget:.1f} | {verdict} |",
            "",
        ]
    lines += [
        "| widget | median (ms) | p95 (ms) | max (ms) | target (≤ 50 median, ≤ 100 p95) |",
        "|---|---:|---:|---:|---|",
    ]
    for name, (median, p95, worst) in widget_latency.measure().items():
        ok = median <= 50 and p95 <= 100
        missed += [] if ok else [name]
        lines.append(
            f"| {name} | {median:.1f} | {p95:.1f} | {worst:.1f} | {'met' if ok else 'MISSED'} |"
        )
    lines += ["", "Every target met." if not missed else f"Missed: {', '.join(missed)}."]
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
