"""How conftest.py spreads the suite over pytest-xdist workers: a notebook's nbval cells
stay in one kernel, and the tests about that notebook join them; the rest run anywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import work_group

ROOT = Path(__file__).resolve().parent.parent
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()


@pytest.mark.parametrize(
    ("nodeid", "group"),
    [
        ("notebooks/03_any_shape.ipynb::Cell 0", "notebook:03_any_shape"),
        ("notebooks/03_any_shape.ipynb::Cell 17", "notebook:03_any_shape"),
        ("tests/e2e/test_lab.py::test_runs[03_any_shape.ipynb]", "notebook:03_any_shape"),
        ("tests/e2e/test_handouts.py::test_pdf[03_any_shape.ipynb]", "notebook:03_any_shape"),
        ("tests/test_saved.py::test_clean[03_any_shape.ipynb-stdout]", "notebook:03_any_shape"),
        ("tests/test_saved.py::test_clean[1-03_any_shape.ipynb]", "notebook:03_any_shape"),
        ("notebooks/04_through_time.ipynb::Cell 0", "notebook:04_through_time"),
        ("notebooks/07_long-inputs.ipynb::Cell 3", "notebook:07_long-inputs"),
        ("tests/e2e/test_lab.py::test_runs[07_long-inputs.ipynb]", "notebook:07_long-inputs"),
        ("tests/e2e/test_explorer_app.py::test_answers_a_slider", "e2e:shared-servers"),
        ("tests/e2e/test_explorer_app.py::test_keys[Tab]", "e2e:shared-servers"),
        ("tests/test_counting.py::test_seed[1-2-16]", "tests/test_counting.py::test_seed[1-2-16]"),
        ("tests/test_widgets.py::test_refresh", "tests/test_widgets.py::test_refresh"),
    ],
)
def test_each_item_gets_the_work_unit_it_must_share(nodeid, group):
    assert work_group(nodeid) == group


def pytest_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.slow  # a pytest run
def test_a_distribution_that_would_split_a_notebook_is_refused():
    run = pytest_run("-n", "2", "--dist", "load", "--collect-only", "-q", THIS_FILE)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR
    assert "--dist load would run a notebook's cells in different kernels" in run.stderr


@pytest.mark.slow  # a pytest run
def test_the_suite_also_runs_without_xdist():
    """pyproject's addopts must hold no xdist option, or this run stops at the command line."""
    run = pytest_run("-p", "no:xdist", "-q", THIS_FILE, "-k", "gets_the_work_unit")
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr
    assert " passed" in run.stdout
