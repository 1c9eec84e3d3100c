"""Where a notebook's time goes: each cell's seconds, garbage collection, and a call tree.

Runs a notebook's code cells in order in an IPython shell in this process (outputs are
formatted as a kernel would, PNGs included) under pyinstrument, then prints the time per
cell, the time Python's garbage collector took, and pyinstrument's call tree. This is how
the costs named in the README's Performance section were found.

    python benchmarks/profile_notebook.py notebooks/04_through_time.ipynb [--cells 10]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

import nbformat
from IPython.core.interactiveshell import InteractiveShell
from pyinstrument import Profiler

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tasks
import tasks


class CollectorClock:
    """Adds up the time Python's garbage collector spends, via gc.callbacks."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections += 1


def profile(path: Path) -> tuple[list[tuple[float, str]], CollectorClock, Profiler]:
    """Run every code cell of the notebook; return (seconds, first line) per cell and clocks."""
    shell = InteractiveShell.instance()
    notebook = nbformat.read(path, as_version=4)
    clock = CollectorClock()
    gc.callbacks.append(clock)
    profiler = Profiler(interval=0.001)
    cells = []
    profiler.start()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        started = time.perf_counter()
        with redirect_stdout(StringIO()):
            shell.run_cell(cell.source)
        cells.append((time.perf_counter() - started, cell.source.split("\n", 1)[0]))
    profiler.stop()
    gc.callbacks.remove(clock)
    return cells, clock, profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--cells", type=int, default=10, help="how many of the slowest cells")
    args = parser.parse_args()
    path = args.notebook.resolve()
    os.environ.update(tasks.QUIET_TENSORFLOW)
    os.chdir(path.parent)  # where a kernel would run it
    cells, clock, profiler = profile(path)
    total = sum(seconds for seconds, _ in cells)
    print(f"{args.notebook.name}: {len(cells)} code cells, {total:.2f} s in this process")
    print(f"garbage collection: {clock.collections} passes, {clock.seconds:.2f} s")
    for seconds, first_line in sorted(cells, reverse=True)[: args.cells]:
        print(f"{seconds:7.3f} s  {first_line[:70]}")
    print(profiler.output_text(color=False, time="seconds"))


if __name__ == "__main__":
    main()
