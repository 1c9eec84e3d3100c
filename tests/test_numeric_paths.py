"""tools/numeric_paths.py: the other numeric paths CI runs every notebook on."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from tools import numeric_paths

ROOT = Path(__file__).resolve().parent.parent
X86_FEATURES = ["X86_V3", "X86_V4", "AVX512_ICL"]  # NumPy 2.4 on an AVX-512 machine


def by_name(features: list[str], machine: str) -> dict[str, dict[str, str]]:
    return {path.name: path.env for path in numeric_paths.numeric_paths(features, machine)}


def test_on_x86_the_laptop_keeps_the_lowest_level_and_the_old_machine_none():
    paths = by_name(X86_FEATURES, "x86_64")
    assert paths["avx2-one-thread"] == {
        "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL",
        "OPENBLAS_CORETYPE": "Haswell",
        "ONEDNN_MAX_CPU_ISA": "AVX2",
        "TF_ENABLE_ONEDNN_OPTS": "1",
        "TF_NUM_INTRAOP_THREADS": "1",
    }
    assert paths["baseline"] == {
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL",
        "OPENBLAS_CORETYPE": "Nehalem",
        "ONEDNN_MAX_CPU_ISA": "SSE41",
        "TF_ENABLE_ONEDNN_OPTS": "1",
    }


def test_both_paths_differ_from_the_test_command():
    """The test command runs oneDNN off; both paths turn it on, on every machine."""
    from tools.cli import QUIET_TENSORFLOW

    for env in by_name(X86_FEATURES, "AMD64").values():
        assert env["TF_ENABLE_ONEDNN_OPTS"] != QUIET_TENSORFLOW["TF_ENABLE_ONEDNN_OPTS"]


def test_elsewhere_no_x86_kernel_names_are_set():
    paths = by_name(["ASIMDHP", "ASIMDDP", "ASIMDFHM"], "arm64")
    for env in paths.values():
        assert not {"OPENBLAS_CORETYPE", "ONEDNN_MAX_CPU_ISA"} & set(env)
    assert paths["avx2-one-thread"]["NPY_DISABLE_CPU_FEATURES"] == "ASIMDDP ASIMDFHM"


def test_a_cpu_with_nothing_above_the_baseline_disables_nothing():
    paths = by_name([], "x86_64")
    assert all("NPY_DISABLE_CPU_FEATURES" not in env for env in paths.values())


@pytest.mark.parametrize("path", numeric_paths.numeric_paths(
    numeric_paths.dispatched_features(), platform.machine()),
    ids=lambda path: path.name)
def test_numpy_takes_each_path_here(path):
    """NumPy started with a path's environment no longer dispatches what it disables
    (a misspelt feature would be ignored with a warning and change nothing)."""
    probe = ("import json; from tools.numeric_paths import dispatched_features; "
             "print(json.dumps(dispatched_features()))")
    done = subprocess.run([sys.executable, "-W", "default", "-c", probe], cwd=ROOT, text=True,
                          capture_output=True, env={**os.environ, **path.env}, check=True)
    disabled = path.env.get("NPY_DISABLE_CPU_FEATURES", "").split()
    assert not set(json.loads(done.stdout)) & set(disabled)
    assert "Warning" not in done.stderr, done.stderr


def test_the_command_runs_nbval_on_every_path_and_fails_if_one_fails(monkeypatch, capsys):
    calls = []

    def run(command, cwd, env):
        calls.append((command, env))
        return subprocess.CompletedProcess(command, 1 if env.get("TF_NUM_INTRAOP_THREADS") else 0)

    monkeypatch.setattr(numeric_paths.subprocess, "run", run)
    assert numeric_paths.main(["--workers", "2"]) == 1
    assert [command[command.index("--dist") + 1:] for command, _ in calls] == [
        ["loadgroup", "notebooks"], ["loadgroup", "notebooks"]]
    assert all(command[command.index("-n") + 1] == "2" for command, _ in calls)
    assert all(env["TF_CPP_MIN_LOG_LEVEL"] == "3" for _, env in calls)
    report = capsys.readouterr().out
    assert "avx2-one-thread: FAILED" in report and "baseline: passed" in report


def test_arguments_after_the_separator_replace_the_notebooks_folder(monkeypatch):
    seen = []
    monkeypatch.setattr(numeric_paths.subprocess, "run", lambda command, cwd, env: (
        seen.append(command), subprocess.CompletedProcess(command, 0))[1])
    assert numeric_paths.main(["--path", "baseline", "--", "notebooks/01_x.ipynb", "-x"]) == 0
    assert len(seen) == 1 and seen[0][-2:] == ["notebooks/01_x.ipynb", "-x"]
