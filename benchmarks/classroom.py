"""A classroom on one machine: N learners running the same notebook at the same moment.

Each learner is a fresh kernel, as JupyterHub gives every user one, and runs the whole
notebook top to bottom. For N = 1, 2, 5, 10 and 20 learners at once this measures the
wall time each learner waits (median and worst), the peak memory of all their kernels
together (their summed RSS, sampled every 0.1 s), and whether every learner's outputs
still equal the notebook's saved ones. It prints one table and says at which N a limit
breaks:

- time: a learner waits more than TIME_LIMIT × the single learner's time, or
- memory: the kernels together use more than MEMORY_SHARE of this machine's memory.

    python benchmarks/classroom.py [--notebook 04_through_time.ipynb] [--learners 1 2 5 10 20]
                                   [--out benchmarks/classroom.md]

The README's classroom section is built from its table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "PYTHONHASHSEED": "0"}
TIME_LIMIT = 3.0  # a learner may wait up to 3× what one learner alone waits
MEMORY_SHARE = 0.8  # the kernels may use up to 80 % of the machine's memory
DEFAULT_NOTEBOOK = "04_through_time.ipynb"  # the course's heaviest: it trains two models


@dataclass(frozen=True)
class Learner:
    seconds: float
    correct: bool


@dataclass(frozen=True)
class Classroom:
    learners: int
    median: float
    worst: float
    peak_mb: float
    correct: int


def visible_outputs(notebook: nbformat.NotebookNode) -> list[list[str]]:
    """What a learner reads in each code cell: streams and text results, in order.

    Widget views carry per-run ids and pictures are compared by nbval elsewhere, so
    only text is compared, as nbval compares it.
    """
    shown = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stdout":
                texts.append(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                texts.append(output.data.get("text/plain", ""))
            elif output.output_type == "error":
                texts.append(f"{output.ename}: {output.evalue}")
        shown.append(["".join(texts)])
    return shown


class MemorySampler:
    """Sums the RSS of this process's child kernels every 0.1 s; keeps the largest sum."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    continue
            self.peak_mb = max(self.peak_mb, total / 2**20)
            self._stop.wait(0.1)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


async def one_learner(path: Path, saved: list[list[str]]) -> Learner:
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    client = NotebookClient(
        notebook, timeout=1200, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
        # as `python tasks.py lab` starts kernels: an encrypted channel, no plain-TCP warning
        km=AsyncKernelManager(kernel_name="python3", transport_encryption="auto"),
    )
    started = time.perf_counter()
    try:
        await client.async_execute()
    finally:
        if client.km.has_kernel:
            await client.km.shutdown_kernel(now=True)
    return Learner(time.perf_counter() - started, visible_outputs(notebook) == saved)


async def classroom(path: Path, learners: int) -> tuple[list[Learner], float]:
    saved = visible_outputs(nbformat.read(path, as_version=4))
    with MemorySampler() as memory:
        results = await asyncio.gather(*(one_learner(path, saved) for _ in range(learners)))
    return list(results), memory.peak_mb


def measure(path: Path, sizes: list[int]) -> list[Classroom]:
    rows = []
    for learners in sizes:
        results, peak = asyncio.run(classroom(path, learners))
        seconds = [result.seconds for result in results]
        rows.append(Classroom(learners, statistics.median(seconds), max(seconds), peak,
                              sum(result.correct for result in results)))
        print(f"  {learners:>3} learners: median {rows[-1].median:.1f} s, worst "
              f"{rows[-1].worst:.1f} s, {peak:,.0f} MB, {rows[-1].correct} correct",
              flush=True)
    return rows


def table(rows: list[Classroom], notebook: str) -> str:
    """The Markdown table, the limits, and where they break."""
    alone = rows[0].median
    memory_mb = psutil.virtual_memory().total / 2**20
    cores = os.cpu_count() or 1
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {cores} cores and "
        f"{memory_mb / 1024:.0f} GiB, Python {sys.version.split()[0]}: `{notebook}` run "
        "top to bottom by every learner at once, each in a fresh kernel.",
        "",
        "| learners | wait per learner, median (s) | worst (s) | × one learner | "
        "all kernels, peak (MB) | per learner (MB) | outputs as saved |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.learners} | {row.median:.1f} | {row.worst:.1f} | "
            f"{row.worst / alone:.1f} | {row.peak_mb:,.0f} | {row.peak_mb / row.learners:,.0f} | "
            f"{row.correct} of {row.learners} |"
        )
    time_break = next((row.learners for row in rows if row.worst > TIME_LIMIT * alone), None)
    memory_break = next((row.learners for row in rows
                         if row.peak_mb > MEMORY_SHARE * memory_mb), None)
    def verdict(broken: int | None) -> str:
        return f"broken at {broken} learners" if broken else f"held up to {rows[-1].learners}"

    lines += [
        "",
        f"Limits: a learner waits at most {TIME_LIMIT:g} × one learner's time; the kernels use "
        f"at most {MEMORY_SHARE:.0%} of the memory ({MEMORY_SHARE * memory_mb / 1024:.1f} GiB).",
        f"Time limit: {verdict(time_break)}; memory limit: {verdict(memory_break)}.",
    ]
    if any(row.correct < row.learners for row in rows):
        lines.append("Some learners' outputs differed from the saved ones: see above.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default=DEFAULT_NOTEBOOK)
    parser.add_argument("--learners", type=int, nargs="+", default=[1, 2, 5, 10, 20])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    path = ROOT / "notebooks" / args.notebook
    if not path.exists():
        parser.error(f"--notebook {args.notebook}: no such notebook in notebooks/")
    if args.learners[0] != 1:
        parser.error("--learners must start with 1: the other sizes are compared with it")
    os.environ.update(QUIET)
    print(f"{args.notebook}, learners {args.learners}", flush=True)
    text = table(measure(path, args.learners), args.notebook)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
