"""Every notebook under strict nbval again, on other numeric paths of this machine.

    .venv/bin/python -m tools.numeric_paths [--path NAME] [-- PYTEST_ARGS]

The last digits of a float computation depend on the CPU: which vector instructions
NumPy's loops and the BLAS kernels use, whether TensorFlow runs its matrix products
through oneDNN, and how many threads split a sum. A notebook saved on one machine can
print a round-off there that a learner's laptop prints differently, and strict nbval
then fails on the laptop while the saving machine never sees it. This runs the nbval
half of the test command again (every notebook, outputs compared as saved) with those
choices changed, as another CPU would make them:

- `avx2-one-thread`: NumPy's loops capped at their lowest dispatched level (AVX2 on
  x86-64), OpenBLAS's Haswell kernels, TensorFlow's oneDNN on (at most AVX2) with one
  intra-op thread: a common laptop.
- `baseline`: NumPy's baseline loops only, OpenBLAS's Nehalem kernels, oneDNN limited
  to SSE4.1 and TensorFlow's default threads: an old or a virtual machine.

The test command itself runs with oneDNN off (tools/cli.py, QUIET_TENSORFLOW). The
OpenBLAS and oneDNN names are x86-64 ones; elsewhere only the NumPy and thread settings
change. CI (.ci/run) runs both paths after the test command; each prints what it
changed, pytest's report and its time, and the command exits with 1 if any failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: TensorFlow's C++ log lines off, as in the test command (tools/cli.py).
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}


@dataclass(frozen=True)
class NumericPath:
    """One way another CPU could compute: a name, what it stands for, its environment."""

    name: str
    stands_for: str
    env: dict[str, str]


def dispatched_features() -> list[str]:
    """NumPy's SIMD levels above its baseline that this CPU has, lowest first (NumPy
    lists its dispatch targets in ascending order)."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    return [feature for feature in __cpu_dispatch__ if __cpu_features__.get(feature)]


def numeric_paths(features: Sequence[str], machine: str) -> list[NumericPath]:
    """The two paths on a machine with NumPy's dispatched `features` (lowest first) and
    `platform.machine()` name `machine`."""
    x86 = machine.lower() in ("x86_64", "amd64")
    above_lowest = " ".join(features[1:])
    laptop = {
        "NPY_DISABLE_CPU_FEATURES": above_lowest,
        "TF_ENABLE_ONEDNN_OPTS": "1",
        "TF_NUM_INTRAOP_THREADS": "1",
    }
    old = {"NPY_DISABLE_CPU_FEATURES": " ".join(features), "TF_ENABLE_ONEDNN_OPTS": "1"}
    if x86:
        laptop |= {"OPENBLAS_CORETYPE": "Haswell", "ONEDNN_MAX_CPU_ISA": "AVX2"}
        old |= {"OPENBLAS_CORETYPE": "Nehalem", "ONEDNN_MAX_CPU_ISA": "SSE41"}
    return [
        NumericPath("avx2-one-thread", "a common laptop: fewer vector instructions, oneDNN, "
                    "one TensorFlow thread", {k: v for k, v in laptop.items() if v}),
        NumericPath("baseline", "an old or virtual machine: baseline vector instructions only",
                    {k: v for k, v in old.items() if v}),
    ]


def nbval_command(python: str, workers: int, pytest_args: Sequence[str]) -> list[str]:
    """The test command's nbval run over notebooks/ (subfolders included), alone."""
    return [
        python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", str(workers),
        "--dist", "loadgroup", *(pytest_args or ["notebooks"]),
    ]


def run_path(path: NumericPath, pytest_args: Sequence[str], workers: int) -> tuple[bool, float]:
    """Run nbval on one path, streaming pytest's report; whether it passed, and seconds."""
    shown = " ".join(f"{key}={value!r}" for key, value in sorted(path.env.items()))
    print(f"\n== {path.name}: {path.stands_for}\n   {shown}", flush=True)
    env = {**os.environ, **QUIET, **path.env}
    started = time.perf_counter()
    done = subprocess.run(nbval_command(sys.executable, workers, pytest_args), cwd=ROOT, env=env)
    return done.returncode == 0, time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pytest_args = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    paths = numeric_paths(dispatched_features(), platform.machine())
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Arguments after -- go to pytest instead of the default `notebooks`.",
    )
    parser.add_argument("--path", choices=[path.name for path in paths], action="append",
                        help="run only this path (repeatable; default: all)")
    parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4),
                        help="pytest-xdist workers, as the test command uses (default: cores, "
                        "at most 4)")
    args = parser.parse_args(argv)
    chosen = [path for path in paths if not args.path or path.name in args.path]
    results = {path.name: run_path(path, pytest_args, args.workers) for path in chosen}
    print("\nnumeric paths:")
    for name, (passed, seconds) in results.items():
        print(f"  {name}: {'passed' if passed else 'FAILED'} in {seconds:.0f} s")
    return 0 if all(passed for passed, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
