"""How long and how much memory the largest layers lstm_teach accepts take to build.

`lstm_teach.keras_bridge.MAX_PARAMETERS` caps the layers build_lstm, build_rnn,
keras_layer and keras_lstm_forward build. Keras initialises a new layer's weights (a
random kernel, an orthogonal recurrent kernel: a QR decomposition, cubic in units), so
the cap decides how long a learner's kernel can be busy and how much memory it takes.
Each case runs in a fresh Python that has imported Keras first; its figures are the time
of the build alone and the growth of the process's peak memory (RSS) during it.

    python benchmarks/build_cap.py [--repeat 1]

Target (issue 23): the largest accepted layer builds within 5 s and 400 MB on a 2-core
laptop, and one parameter more is refused. Timings vary with the machine's load: run it
on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys

from lstm_teach.counting import count_params
from lstm_teach.keras_bridge import MAX_PARAMETERS

SECONDS = 5.0
MEGABYTES = 400.0

#: One case: what to build, as a line of Python run after `import lstm_teach as lt`.
PROBE = """
import json, resource, time
import lstm_teach as lt
import numpy as np
lt.keras()
{prepare}
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
{build}
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "megabytes": (after - before) / 1024}}))
"""


def largest_units(features: int) -> int:
    """The most units an LSTM on `features` features may have under the cap."""
    units = 1
    while count_params(units * 2, features) <= MAX_PARAMETERS:
        units *= 2
    low, high = units, units * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if count_params(middle, features) <= MAX_PARAMETERS \
            else (low, middle)
    return low


def largest_features(units: int) -> int:
    """The most features an LSTM of `units` units may read under the cap."""
    return (MAX_PARAMETERS // 4 - units * units - units) // units


def cases() -> list[tuple[str, int, int, str, str]]:
    """(name, units, features, preparation, build) of each case measured."""
    square = largest_units(math.isqrt(MAX_PARAMETERS // 8))
    wide = largest_units(1)
    long_input = largest_features(1)
    forward_prepare = (
        f"u, f = {wide}, 1\n"
        "x = np.zeros((1, 2, f)); k = np.zeros((f, 4 * u)); r = np.zeros((u, 4 * u))\n"
        "b = np.zeros(4 * u)"
    )
    return [
        ("build_lstm, most units", wide, 1, "", f"lt.build_lstm({wide}, None, 1)"),
        ("build_lstm, most features", 1, long_input, "",
         f"lt.build_lstm(1, None, {long_input})"),
        ("build_lstm, units = features", square, math.isqrt(MAX_PARAMETERS // 8), "",
         f"lt.build_lstm({square}, None, {math.isqrt(MAX_PARAMETERS // 8)})"),
        ("keras_lstm_forward, most units", wide, 1, forward_prepare,
         "lt.keras_lstm_forward(x, k, r, b)"),
    ]


def measure(prepare: str, build: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(prepare=prepare, build=build)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1]}  # type: ignore[dict-item]
    return json.loads(done.stdout.strip().splitlines()[-1])


def refused_beyond_the_cap(units: int) -> bool:
    """Whether one unit more than the largest accepted layer is refused before building."""
    from lstm_teach.keras_bridge import build_lstm

    try:
        build_lstm(units + 1, None, 1)
    except ValueError:
        return True
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (best is kept)")
    options = parser.parse_args()
    print(f"MAX_PARAMETERS = {MAX_PARAMETERS:,}; targets: {SECONDS:g} s, {MEGABYTES:g} MB")
    print(f"{'case':34} {'units':>6} {'features':>9} {'params':>11} {'s':>6} {'MB':>6}  ok")
    failed = False
    for name, units, features, prepare, build in cases():
        runs = [measure(prepare, build) for _ in range(max(1, options.repeat))]
        errors = [run["error"] for run in runs if "error" in run]
        if errors:
            print(f"{name:34} {units:>6} {features:>9}  failed: {errors[0]}")
            failed = True
            continue
        seconds = min(run["seconds"] for run in runs)
        megabytes = min(run["megabytes"] for run in runs)
        ok = seconds <= SECONDS and megabytes <= MEGABYTES
        failed |= not ok
        print(f"{name:34} {units:>6} {features:>9} {count_params(units, features):>11,} "
              f"{seconds:6.2f} {megabytes:6.0f}  {'yes' if ok else 'NO'}")
    refused = refused_beyond_the_cap(largest_units(1))
    print(f"one unit more than the largest is refused before building: "
          f"{'yes' if refused else 'NO'}")
    return 1 if failed or not refused else 0


if __name__ == "__main__":
    sys.exit(main())
