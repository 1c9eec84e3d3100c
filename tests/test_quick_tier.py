"""The quick tier (`python tasks.py test --quick`): what it leaves out, and how."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import conftest
from tools import cli

ROOT = Path(__file__).resolve().parent.parent


def test_quick_is_an_option_of_the_test_command_only():
    assert cli.parse_arguments(["test", "--quick"]).quick is True
    assert cli.parse_arguments(["test"]).quick is False
    with pytest.raises(SystemExit):
        cli.parse_arguments(["lab", "--quick"])


@pytest.mark.parametrize("quick", [False, True])
def test_the_test_command_hands_the_tier_to_pytest(quick, monkeypatch, tmp_path):
    commands = []
    monkeypatch.setattr(cli, "ensure_environment", lambda *args, **kwargs: Path("python"))
    monkeypatch.setattr(cli, "run", lambda command, **kwargs: commands.append(command))
    args = cli.parse_arguments(["test", *(["--quick"] if quick else []), "--", "-x"])
    cli.do_test(cli.Course(tmp_path), args)
    ruff, pytest_run = commands
    assert ruff[1:4] == ["-m", "ruff", "check"]  # lint in both tiers
    assert ("--quick" in pytest_run) is quick
    assert pytest_run[-1] == "-x"


@pytest.mark.parametrize(
    ("nodeid", "slow"),
    [
        ("notebooks/01_twelve_parameters.ipynb::Cell 3", True),
        ("notebooks/reference/10_history_and_porting.ipynb::Cell 0", True),
        ("tests/e2e/test_lab.py::test_every_cell_runs[01_twelve_parameters.ipynb]", True),
        ("tests/e2e/", True),
        ("tests/test_tasks_start.py::test_lab_starts_quietly_and_stops_on_ctrl_c", True),
        ("tests/test_counting.py::test_seed_cases[1-1-12]", False),
        ("tests/test_notebooks_saved.py::test_outputs_are_stable[02_sixteen_parameters.ipynb]",
         False),  # reads saved notebooks, runs none
        ("tests/test_tasks.py::test_each_command_has_its_own_defaults", False),
    ],
)
def test_where_a_test_lives_can_make_it_slow(nodeid: str, slow: bool):
    assert conftest.is_slow(nodeid) is slow


def test_in_the_quick_tier_a_test_that_starts_a_kernel_fails_saying_what_to_do(monkeypatch):
    from jupyter_client import KernelManager
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    monkeypatch.setattr(LocalProvisioner, "launch_kernel", LocalProvisioner.launch_kernel)
    conftest.refuse_kernels()  # undone by monkeypatch at the end of this test
    manager = KernelManager(kernel_name="python3")
    try:
        with pytest.raises(RuntimeError, match=r"mark it @pytest\.mark\.slow"):
            manager.start_kernel()
    finally:
        manager.cleanup_resources()


@pytest.mark.slow  # a pytest run
def test_the_quick_tier_collects_no_notebook_browser_or_slow_test():
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "--quick",
         "--collect-only", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    collected = [line for line in done.stdout.splitlines() if "::" in line]
    assert any(line.startswith("tests/test_counting.py::") for line in collected)
    assert any(line.startswith("tests/test_notebooks_saved.py::") for line in collected)
    assert not [line for line in collected if conftest.is_slow(line)]
    assert not [line for line in collected if "test_keras_import_pauses_garbage" in line]
    assert "deselected" in done.stdout  # the tests marked slow in their own files
