"""How long each explorer takes to answer a control change, driven headless.

Every widget is driven through a seeded sweep of control changes within the controls'
bounds; each change is timed from setting the value to the callback returning (the
numbers recomputed, the diagram redrawn and encoded as PNG). Keras checks are on
demand (a button), so they are not part of a change and not timed here.

    python benchmarks/widget_latency.py [--changes 300] [--seed 0]

Target (issue 3): median <= 50 ms and 95th percentile <= 100 ms per widget.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import lstm_teach as lt
from lstm_teach.widgets import time_stepper


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def sweep(widget: object, moves: dict[str, Callable[[random.Random], object]],
          changes: int, rng: random.Random) -> list[float]:
    """Set randomly chosen controls to new random values; return each change's seconds."""
    timings = []
    names = list(moves)
    while len(timings) < changes:
        name = rng.choice(names)
        control = getattr(widget, name)
        value = moves[name](rng)
        if value == control.value or getattr(control, "disabled", False):
            continue
        start = time.perf_counter()
        control.value = value
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


def measure(changes: int = 300, seed: int = 0) -> dict[str, tuple[float, float, float]]:
    """Median, 95th percentile and maximum milliseconds per control change, per widget."""
    rng = random.Random(seed)
    results = {}
    for name, (make, moves) in widget_sweeps().items():
        widget = make()  # fresh, so the first changes (cold caches) are counted too
        timings = [1000 * t for t in sweep(widget, moves, changes, rng)]
        results[name] = (statistics.median(timings), percentile(timings, 0.95), max(timings))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{'widget':<16} {'changes':>7} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    failed = False
    for name, (median, p95, worst) in measure(args.changes, args.seed).items():
        failed |= median > 50 or p95 > 100
        print(f"{name:<16} {args.changes:>7} {median:>10.1f} {p95:>8.1f} {worst:>8.1f}")
    print("target: median <= 50 ms, p95 <= 100 ms:", "MISSED" if failed else "met")


if __name__ == "__main__":
    main()
