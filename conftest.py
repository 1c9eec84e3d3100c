"""pytest set-up shared by the unit tests and the nbval notebook run.

Parallel runs (`pytest -n N`, pytest-xdist) default to `--dist loadgroup`, with groups
made here (`work_group`): one per notebook, holding its nbval cells (which must share one
kernel) and every test parametrised with that notebook (which share its live JupyterLab page
and its handout); one for the other browser tests (they share a Voila server); every other
test on its own. Groups go to workers largest first, then the single tests fill in, which
keeps both workers busy to the end. `--dist loadscope` and `loadfile` also keep a notebook's
cells together; `load` and `worksteal` would not, and are refused. Without -n, or with
`-p no:xdist`, everything runs in one process as usual.

Hypothesis runs with the "lstm-teach" settings profile below (under CI=true,
"lstm-teach-ci"); HYPOTHESIS_PROFILE=NAME picks another registered profile. Hypothesis is
imported only by a run that collects a test module using it (importing it costs 0.8 s),
so a notebook-only run or a single test file without properties never pays for it.

`--quick` (what `python tasks.py test --quick` passes) runs the quick tier: every test
except those marked `slow`, that is the notebooks under nbval, the browser tests
(tests/e2e), the servers of tests/test_tasks_start.py, and the tests marked slow in their
own files: each starts a fresh Python that imports TensorFlow or a pytest run, or renders
a whole course notebook (reading a notebook's saved JSON is quick). In the quick tier a
test that starts a Jupyter kernel fails with a message to mark it slow.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path

import pytest


@functools.cache
def load_hypothesis_profile() -> None:
    """Register the course's Hypothesis profiles and load one; once per process."""
    from hypothesis import HealthCheck, settings

    # Property tests build real Keras layers, and share 2 cores with browsers and kernels:
    # one example can take a second, so no per-example deadline and no "too slow" health
    # check. 100 examples (Hypothesis's usual number, fixed here) cost milliseconds for the
    # arithmetic properties; a test that builds a Keras layer per example asks for fewer.
    settings.register_profile(
        "lstm-teach",
        max_examples=100,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        print_blob=True,
    )
    # CI: the same examples on every run, so a red build always reproduces.
    settings.register_profile(
        "lstm-teach-ci", settings.get_profile("lstm-teach"), derandomize=True, database=None
    )
    settings.load_profile(
        os.environ.get(
            "HYPOTHESIS_PROFILE",
            "lstm-teach-ci" if os.environ.get("CI") == "true" else "lstm-teach",
        )
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """A module may have imported Hypothesis through a helper: load the profile before
    any test runs all the same."""
    if "hypothesis" in sys.modules:
        load_hypothesis_profile()


# --- the quick tier ------------------------------------------------------------------------

#: Test files whose every test is slow: browsers, and servers started from tasks.py.
SLOW_FILES = ("tests/e2e/", "tests/test_tasks_start.py")
SLOW = (
    "slow: starts a kernel, a server, a browser, a pytest run or a fresh Python that imports "
    "TensorFlow, or renders a whole course notebook; left out of the quick tier "
    "(`python tasks.py test --quick`)"
)
QUICK_STARTS_A_KERNEL = (
    "the quick tier runs no kernels, and this test started one: mark it "
    "@pytest.mark.slow (conftest.py explains the tiers)"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--quick", action="store_true",
        help="the quick tier: leave out the tests marked slow (notebooks, browsers, servers, "
        "fresh Pythons with TensorFlow)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", SLOW)
    if config.getoption("quick"):
        refuse_kernels()


def refuse_kernels() -> None:
    """Make starting a Jupyter kernel fail with the quick tier's message."""
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    async def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError(QUICK_STARTS_A_KERNEL)

    LocalProvisioner.launch_kernel = refuse


def is_slow(nodeid: str) -> bool:
    """Whether a test is slow by where it lives: a notebook cell, or a slow file."""
    path = nodeid.partition("::")[0]
    return path.endswith(".ipynb") or path.startswith(SLOW_FILES)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """In the quick tier, do not even collect notebooks and browser tests."""
    if not config.getoption("quick"):
        return None
    try:
        relative = collection_path.resolve().relative_to(config.rootpath).as_posix()
    except ValueError:  # outside the course (a test's own temporary files)
        return None
    return True if is_slow(relative) or is_slow(relative + "/") else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that are slow by where they live; in the quick tier, leave out
    every slow test."""
    for item in items:
        if is_slow(item.nodeid):
            item.add_marker(pytest.mark.slow)
    if config.getoption("quick"):
        slow = [item for item in items if item.get_closest_marker("slow")]
        if slow:
            config.hook.pytest_deselected(items=slow)
            items[:] = [item for item in items if not item.get_closest_marker("slow")]

#: A course notebook's file name (NN_name.ipynb) as one of a test's parameter ids, which
#: pytest joins with "-" (a name may hold "-" too, hence the lazy match up to .ipynb).
NOTEBOOK_PARAM = re.compile(r"(?:^|-)(\d\d_[^\[\]]*?)\.ipynb(?:-|$)")
KEEP_NOTEBOOKS_TOGETHER = ("loadgroup", "loadscope", "loadfile", "each")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Choose `--dist loadgroup` for `-n N` unless told otherwise (before pytest-xdist's
    own hook would choose `load`); refuse modes that split a notebook over kernels."""
    if not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput"):
        return
    if config.option.numprocesses and config.option.dist == "no":
        config.option.dist = "loadgroup"
    elif config.option.dist not in ("no", *KEEP_NOTEBOOKS_TOGETHER):
        raise pytest.UsageError(
            f"--dist {config.option.dist} would run a notebook's cells in different kernels; "
            f"use one of {', '.join(KEEP_NOTEBOOKS_TOGETHER)} (loadgroup is the default)"
        )


def work_group(nodeid: str) -> str:
    """The unit of work a test item belongs to, from its node id alone (all the xdist
    controller sees): items of one unit run in order on one worker.

    - a notebook's nbval cells, and every test parametrised with that notebook (its id
      holds the notebook's file name): one unit per notebook;
    - the other browser tests (tests/e2e), which share the servers they start: one unit;
    - any other test: a unit of its own.
    """
    path, _, rest = nodeid.partition("::")
    if path.endswith(".ipynb"):
        return f"notebook:{Path(path).stem}"
    params = rest[rest.index("[") + 1 : -1] if rest.endswith("]") and "[" in rest else ""
    if notebook := NOTEBOOK_PARAM.search(params):
        return f"notebook:{notebook.group(1)}"
    if path.startswith("tests/e2e/"):
        return "e2e:shared-servers"
    return nodeid


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadgroup`, grouped by `work_group`. pytest-xdist 3.8's own loadgroup puts
    the group into the node id, which pytest 9.2's structured node ids silently ignore
    (pytest-dev/pytest-xdist#1386), so the controller groups by node id itself."""
    if config.option.dist != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class NotebookGroupScheduling(LoadScopeScheduling):
        """Scopes are work units; like loadscope, largest first, then one by one."""

        def _split_scope(self, nodeid: str) -> str:
            return work_group(nodeid)

    return NotebookGroupScheduling(config, log)


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Leave stderr out of nbval's comparison: TensorFlow and absl may write to it
    differently on each platform, while everything we teach is in stdout and results.

    Before a test module that uses Hypothesis is imported, load the profile: a
    `@settings(...)` in it takes every value it leaves out from the profile loaded then."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
    if isinstance(collector, pytest.Module) and "hypothesis" in collector.path.read_text(
        encoding="utf-8", errors="replace"
    ):
        load_hypothesis_profile()  # once per process
