"""How long each explorer takes to answer a control change, against a plain redraw.

Every widget is driven through a seeded sweep of control changes within the controls'
bounds; each change is timed from setting the value to the callback returning (the
numbers recomputed, the diagram redrawn and encoded as PNG). Keras checks are on
demand (a button), so they are not part of a change and not timed here.

The baseline, measured in the same run on the same figures: plain matplotlib redrawing
every figure the widget shows and saving it as PNG at the widget's pixel density, at
random states of its controls. That is what a widget that redrew everything on each
change would pay, and it scales with the machine as the widget does.

    python benchmarks/widget_latency.py [--changes 300] [--seed 0]

Target (issue 19, after issue 3's 50 ms): median at most 1× the plain redraw, 95th
percentile at most 2×.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import lstm_teach as lt
from lstm_teach.widgets import DENSITY, time_stepper

MEDIAN_RATIO, P95_RATIO = 1.0, 2.0
#: Random states at which the plain redraw is timed, per widget.
PLAIN_SAMPLES = 20


@dataclass(frozen=True)
class Latency:
    """One widget's update times and its baseline, in milliseconds."""

    median: float
    p95: float
    worst: float
    plain: float  # median of a plain matplotlib redraw + PNG save of its figures

    @property
    def median_ratio(self) -> float:
        return self.median / self.plain

    @property
    def p95_ratio(self) -> float:
        return self.p95 / self.plain

    @property
    def met(self) -> bool:
        return self.median_ratio <= MEDIAN_RATIO and self.p95_ratio <= P95_RATIO


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def move(widget: object, moves: dict[str, Callable[[random.Random], object]],
         rng: random.Random) -> Callable[[], None] | None:
    """Choose a random control and a new in-bounds value for it; return the change to
    make, or None if the choice changes nothing (same value, or a disabled control)."""
    name = rng.choice(list(moves))
    control = getattr(widget, name)
    value = moves[name](rng)
    if value == control.value or getattr(control, "disabled", False):
        return None
    return lambda: setattr(control, "value", value)


def sweep(widget: object, moves: dict[str, Callable[[random.Random], object]],
          changes: int, rng: random.Random) -> list[float]:
    """Set randomly chosen controls to new random values; return each change's seconds."""
    timings = []
    while len(timings) < changes:
        change = move(widget, moves, rng)
        if change is None:
            continue
        start = time.perf_counter()
        change()
        timings.append(time.perf_counter() - start)
    return timings


def plain_redraws(widget: object, moves: dict[str, Callable[[random.Random], object]],
                  samples: int, rng: random.Random) -> list[float]:
    """Seconds for plain matplotlib to redraw and save as PNG every figure the widget
    shows, at `samples` random states of its controls (the state changes are not timed)."""
    timings = []
    while len(timings) < samples:
        change = move(widget, moves, rng)
        if change is not None:
            change()
        start = time.perf_counter()
        for figure in widget.figures():
            figure.savefig(io.BytesIO(), format="png", dpi=figure.dpi * DENSITY)
        timings.append(time.perf_counter() - start)
    return timings


def widget_sweeps() -> dict[str, tuple[Callable[[], object], dict[str, Callable]]]:
    """Each explorer's constructor and, per control, how to draw a new in-bounds value."""
    return {
        "param_explorer": (lt.param_explorer, {
            "units": lambda r: r.randint(1, 8),
            "features": lambda r: r.randint(1, 8),
            "timesteps": lambda r: r.randint(1, 10),
            "cell": lambda r: r.choice(["lstm", "gru", "simple_rnn"]),
            "convention": lambda r: r.choice(["keras", "pytorch"]),
            "use_bias": lambda r: r.random() < 0.5,
            "reset_after": lambda r: r.random() < 0.5,
            "return_sequences": lambda r: r.random() < 0.5,
        }),
        "cell_stepper": (lt.cell_stepper, {
            "features": lambda r: r.choice([1, 2]),
            "x0": lambda r: round(r.uniform(-2, 2), 1),
            "x1": lambda r: round(r.uniform(-2, 2), 1),
            "h_prev": lambda r: round(r.uniform(-2, 2), 1),
            "c_prev": lambda r: round(r.uniform(-2, 2), 1),
        }),
        "time_stepper": (time_stepper, {
            "t": lambda r: r.randint(1, 6),
        }),
    }


def measure(changes: int = 300, seed: int = 0) -> dict[str, Latency]:
    """Each widget's update latency over `changes` control changes, and its baseline."""
    rng = random.Random(seed)
    results = {}
    for name, (make, moves) in widget_sweeps().items():
        widget = make()  # fresh, so the first changes (cold caches) are counted too
        timings = [1000 * t for t in sweep(widget, moves, changes, rng)]
        plain = [1000 * t for t in plain_redraws(widget, moves, PLAIN_SAMPLES, rng)]
        results[name] = Latency(statistics.median(timings), percentile(timings, 0.95),
                                max(timings), statistics.median(plain))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{'widget':<16} {'changes':>7} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} "
          f"{'plain ms':>9} {'median ×':>9} {'p95 ×':>6}")
    results = measure(args.changes, args.seed)
    for name, latency in results.items():
        print(f"{name:<16} {args.changes:>7} {latency.median:>10.1f} {latency.p95:>8.1f} "
              f"{latency.worst:>8.1f} {latency.plain:>9.1f} {latency.median_ratio:>9.2f} "
              f"{latency.p95_ratio:>6.2f}")
    met = all(latency.met for latency in results.values())
    print(f"target: median <= {MEDIAN_RATIO:g}× and p95 <= {P95_RATIO:g}× a plain redraw:",
          "met" if met else "MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
