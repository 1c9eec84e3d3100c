"""lt.explain against real PyTorch modules, run in .venv-torch, the environment with
PyTorch's CPU build that `python -m tools.torch_env` creates (.ci/run does, before the
test command). Outside CI a missing .venv-torch skips with how to make it; under CI=true
it fails: the checks must run there."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tools import torch_env

ROOT = Path(__file__).resolve().parent.parent
CHECKS = "tests/torch_side/check_explain_torch.py"


def test_explain_matches_pytorch_in_the_torch_environment():
    if not torch_env.ready():
        message = (f"{torch_env.FOLDER.name} with {torch_env.TORCH} is missing: run "
                   "`python -m tools.torch_env` (about 200 MB)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run(
        [str(torch_env.python()), "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider",
         "-p", "no:xdist", "-q", CHECKS],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout, done.stdout[-2000:]


def test_torch_is_pinned_exactly_to_the_cpu_wheel_on_disk():
    # An unpinned torch on Linux would be a CUDA build of several GB.
    assert torch_env.TORCH == "torch==2.13.0"
    assert torch_env.pins()[0] == torch_env.TORCH
    assert all("==" in pin for pin in torch_env.pins())
