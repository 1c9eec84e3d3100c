"""The first cell of every notebook, run for real.

Each case runs the cell that tools/hosted.py writes into every notebook in a fresh Python,
through IPython as a notebook kernel runs it, and looks at what a learner would see. The
Python is the interpreter the course's .venv was made from, so its user site behaves as
on a hub (`site.ENABLE_USER_SITE`), with the user folder moved into the test's temporary
folder. Its own site-packages make way for a "system" folder the test fills (where a
hub's lstm_teach would be) and the course's .venv (NumPy, packaging, IPython and the
metadata the version check reads). `python -m pip` is a fake that records its command and
copies the lstm_teach of SOURCE (a folder here) into the system folder, or into the user
site where the system folder is read-only, or fails as pip does offline. One case runs the
real pip against an address nothing answers at.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from lstm_teach import first_cell, release
from lstm_teach.first_cell import SetupError
from tools import hosted

ROOT = Path(__file__).resolve().parent.parent
BASE_PYTHON = Path(sys._base_executable)  # what .venv was made from: a user site, as on a hub
VENV_PYTHON = Path(sys.executable)
VENV_SITE = sysconfig.get_paths()["purelib"]
CURRENT = release.VERSION
LATER = "0.99.0"  # a version this checkout has not reached: a notebook of a later term
MARK = "@@report@@"
SLOW = pytest.mark.slow  # a fresh Python that runs the cell through IPython: not the quick tier
OFFLINE = ("ERROR: Could not install packages due to an OSError: HTTPSConnectionPool(host="
           "'github.com', port=443): Max retries exceeded ([Errno 101] Network is unreachable)")

FAKE_PIP = r'''
"""A stand-in for `python -m pip install ... SOURCE`, SOURCE a folder holding lstm_teach."""
import json, os, shutil, site, sys
from pathlib import Path

with open(os.environ["FAKE_PIP_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:]) + "\n")
mode = os.environ["FAKE_PIP_MODE"]
if mode == "offline":
    print(os.environ["FAKE_PIP_SAYS"], file=sys.stderr)
    raise SystemExit(1)
target = Path(os.environ["FAKE_PIP_SYSTEM"])
if mode == "read-only":  # as pip: "Defaulting to user installation because normal
    target = Path(site.getusersitepackages())  # site-packages is not writeable"
target.mkdir(parents=True, exist_ok=True)
shutil.rmtree(target / "lstm_teach", ignore_errors=True)
shutil.copytree(Path(sys.argv[-1]) / "lstm_teach", target / "lstm_teach")
'''

HARNESS = r'''
import json, shutil, site, sys
from pathlib import Path

settings = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
# This Python's own site-packages make way for the test's: as site-packages, they come
# after the user site (when that folder exists at start-up, as Python adds it).
own = set(site.getsitepackages())
sys.path[:] = [path for path in sys.path if path not in own] + settings["site_packages"]
# The course's editable install would find this checkout's lstm_teach: not here.
sys.meta_path[:] = [finder for finder in sys.meta_path
                    if not str(getattr(finder, "__module__", "")).startswith("__editable__")]
if settings["loaded_before"]:  # the learner imported lstm_teach, then upgraded it in a terminal
    import lstm_teach
    system = Path(settings["system"])
    shutil.rmtree(system / "lstm_teach")
    shutil.copytree(Path(settings["source"]) / "lstm_teach", system / "lstm_teach")

from traitlets.config import Config
from IPython.core.interactiveshell import InteractiveShell

config = Config()
config.HistoryManager.enabled = False
shell = InteractiveShell.instance(config=config, colors="nocolor")
result = shell.run_cell(settings["cell"])
loaded = sys.modules.get("lstm_teach")
print(MARK + json.dumps({
    "error": type(result.error_in_exec).__name__ if result.error_in_exec else None,
    "package": str(Path(loaded.__file__).parent) if loaded else None,
    "version": str(getattr(loaded, "__version__", None)),
    "folders": sorted({str(next(folder for folder in Path(module.__file__).parents
                                if folder.name == "lstm_teach"))
                       for name, module in list(sys.modules.items())
                       if name.split(".")[0] == "lstm_teach"
                       and getattr(module, "__file__", None)}),
    "user_site_enabled": bool(site.ENABLE_USER_SITE),
}))
'''.replace("MARK", repr(MARK))


def old_package(folder: Path, version: str | None) -> None:
    """lstm_teach as an earlier term left it: no first_cell module, a submodule its
    __init__ imports, and (from 0.2.0) a release.py; version None: before version numbers."""
    package = folder / "lstm_teach"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("from lstm_teach import counting\n", encoding="utf-8")
    (package / "counting.py").write_text("FROM_AN_EARLIER_TERM = True\n", encoding="utf-8")
    if version is not None:
        (package / "release.py").write_text(f'"""Old."""\n\nVERSION = "{version}"\n',
                                            encoding="utf-8")


def course_package(folder: Path, version: str) -> None:
    """This checkout's lstm_teach, stating `version`."""
    package = folder / "lstm_teach"
    shutil.copytree(ROOT / "lstm_teach", package,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    text = (package / "release.py").read_text(encoding="utf-8")
    (package / "release.py").write_text(
        text.replace(f'VERSION = "{CURRENT}"', f'VERSION = "{version}"'), encoding="utf-8")


def dist_info(folder: Path, name: str, version: str) -> None:
    """Metadata saying `name` `version` is installed (found before the real one)."""
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
                                   encoding="utf-8")


@dataclass
class Run:
    seen: str  # what the notebook shows: the cell's output and any error
    stderr: str  # what the processes the cell started (pip) wrote
    error: str | None
    package: str | None  # the folder of the lstm_teach loaded after the cell
    version: str
    folders: list[str]  # every folder an lstm_teach submodule was loaded from
    user_site_enabled: bool
    pip: list[list[str]]  # every pip command run so far

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.seen.splitlines() if line.startswith(f"{self.error}:")]


class Machine:
    """A Python with a system folder, a user folder, SOURCE and a fake pip."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path
        self.system = tmp_path / "system-site-packages"
        self.system.mkdir()
        self.user_base = tmp_path / "user"
        python = f"python{sys.version_info.major}.{sys.version_info.minor}"
        self.user_site = self.user_base / "lib" / python / "site-packages"
        self.source = tmp_path / "source"
        self.metadata = tmp_path / "metadata"
        self.metadata.mkdir()
        self.log = tmp_path / "pip.log"
        fake = tmp_path / "fake-pip" / "pip"
        fake.mkdir(parents=True)
        (fake / "__init__.py").write_text("", encoding="utf-8")
        (fake / "__main__.py").write_text(FAKE_PIP, encoding="utf-8")

    def run(self, needs: str, *, pip: str = "writes", source: str | None = None,
            python: Path = BASE_PYTHON, loaded_before: bool = False,
            fake_pip: bool = True) -> Run:
        cell = hosted.setup_cell_source(source=source or str(self.source), needs=needs)
        settings = self.root / "settings.json"
        settings.write_text(json.dumps({
            "cell": cell, "system": str(self.system), "source": str(self.source),
            "site_packages": [str(self.system), str(self.metadata), VENV_SITE],
            "loaded_before": loaded_before,
        }), encoding="utf-8")
        harness = self.root / "harness.py"
        harness.write_text(HARNESS, encoding="utf-8")
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
        env.update(PYTHONUSERBASE=str(self.user_base), IPYTHONDIR=str(self.root / "ipython"),
                   PYTHONDONTWRITEBYTECODE="1", FAKE_PIP_LOG=str(self.log), FAKE_PIP_MODE=pip,
                   FAKE_PIP_SYSTEM=str(self.system), FAKE_PIP_SAYS=OFFLINE,
                   PIP_RETRIES="0", PIP_TIMEOUT="5", PIP_DISABLE_PIP_VERSION_CHECK="1")
        if fake_pip:
            env["PYTHONPATH"] = str(self.root / "fake-pip")
        done = subprocess.run([str(python), str(harness), str(settings)], cwd=self.root,
                              env=env, capture_output=True, text=True, timeout=300)
        assert MARK in done.stdout, done.stdout + done.stderr
        seen, report = done.stdout.split(MARK)
        pip_calls = ([json.loads(line) for line in self.log.read_text().splitlines()]
                     if self.log.exists() else [])
        return Run(seen=seen, stderr=done.stderr, pip=pip_calls, **json.loads(report))


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    return Machine(tmp_path)


def pip_command(source: Path | str) -> list[str]:
    return ["install", "-qU", "--no-deps", str(source)]


def prepare_pip_command(source: Path | str) -> list[str]:
    return ["install", "--quiet", "--upgrade", "--no-deps", str(source)]


def assert_checked(run: Run, folder: Path, version: str = CURRENT) -> None:
    """The cell ended with the version check, every lstm_teach module from one folder."""
    assert run.error is None, run.seen
    assert run.seen.startswith("Exactly the pins:"), run.seen
    assert run.package == str(folder / "lstm_teach")
    assert run.folders == [str(folder / "lstm_teach")]  # nothing left of an older copy
    assert run.version == version


# --- the course's own set-up, and a service without lstm_teach -------------------------------


@SLOW
@pytest.mark.parametrize("installed", [CURRENT, LATER], ids=["as-needed", "newer"])
def test_where_lstm_teach_is_new_enough_the_cell_only_checks(machine, installed):
    course_package(machine.system, installed)
    run = machine.run(CURRENT)
    assert run.pip == []
    assert_checked(run, machine.system, installed)


@SLOW
def test_where_lstm_teach_is_missing_pip_installs_it_without_deps(machine):
    """Colab and Kaggle: nothing there; one pip command, the service's TensorFlow kept."""
    course_package(machine.source, CURRENT)
    run = machine.run(CURRENT)
    assert run.pip == [pip_command(machine.source)]
    assert_checked(run, machine.system)


# --- an older lstm_teach: a hub user's copy from an earlier term -----------------------------


@SLOW
@pytest.mark.parametrize("old", [None, "0.2.0"], ids=["before-versions", "0.2.0"])
def test_an_older_copy_without_the_check_is_replaced_in_the_same_run(machine, old):
    """The cell's first import loads the old package and fails; pip replaces it, the cell
    forgets what it loaded, and the new one is checked: no restart."""
    old_package(machine.system, old)
    course_package(machine.source, CURRENT)
    run = machine.run(CURRENT)
    assert run.pip == [pip_command(machine.source)]
    assert_checked(run, machine.system)


@SLOW
def test_an_older_copy_with_the_check_is_upgraded_and_asks_for_one_restart(machine):
    """A copy of an earlier term that has first_cell already: its prepare runs, upgrades,
    and (its own code being the old one) asks for a restart in one line; after it, the
    notebook runs."""
    course_package(machine.system, CURRENT)
    course_package(machine.source, LATER)
    run = machine.run(LATER)
    assert run.pip == [prepare_pip_command(machine.source)]
    assert run.error == "SetupError" and "Traceback" not in run.seen
    assert run.seen.strip() == (
        f"SetupError: lstm_teach {LATER} is installed now, but this kernel had loaded {CURRENT} "
        f"already: {first_cell.RESTART}."
    )
    restarted = machine.run(LATER)
    assert len(restarted.pip) == 1  # no second install
    assert_checked(restarted, machine.system, LATER)


@SLOW
def test_an_upgrade_made_outside_the_kernel_asks_for_a_restart_without_pip(machine):
    """lstm_teach was imported, then upgraded from a terminal: the disk is new enough, the
    kernel is not."""
    course_package(machine.system, CURRENT)
    course_package(machine.source, LATER)
    run = machine.run(LATER, loaded_before=True)
    assert run.pip == []
    assert run.error == "SetupError"
    assert run.error_lines == [
        f"SetupError: lstm_teach {LATER} is installed now, but this kernel had loaded {CURRENT} "
        f"already: {first_cell.RESTART}."
    ]


@SLOW
def test_a_source_older_than_the_notebook_says_so_in_one_line(machine):
    """A notebook of a later term opened against an older repository: pip runs (the cell,
    then prepare once more) and the cell names the mismatch instead of looping."""
    course_package(machine.source, CURRENT)
    run = machine.run(LATER)
    assert run.pip == [pip_command(machine.source), prepare_pip_command(machine.source)]
    assert run.error_lines == [
        f"SetupError: lstm_teach from {machine.source} is {CURRENT}, older than this notebook "
        f"needs ({LATER}): open the notebook from the same repository and branch as that "
        f"address, then {first_cell.RESTART}."
    ]
    assert "Traceback" not in run.seen


# --- pip failing ---------------------------------------------------------------------------


@SLOW
def test_offline_the_cell_ends_in_one_line_not_a_pip_traceback(machine):
    """No lstm_teach and no internet (Kaggle with Internet off): the cell's own error."""
    run = machine.run(CURRENT, pip="offline")
    assert run.error == "RuntimeError" and run.package is None
    assert run.seen.rstrip().splitlines()[-1] == (
        "RuntimeError: pip failed: are you online? (on Kaggle, switch Internet on)")
    assert "CalledProcessError" not in run.seen and "During handling" not in run.seen


@SLOW
def test_offline_an_upgrade_ends_in_one_line_with_pips_reason(machine):
    course_package(machine.system, CURRENT)
    course_package(machine.source, LATER)
    run = machine.run(LATER, pip="offline")
    assert run.error == "SetupError" and "Traceback" not in run.seen
    assert run.seen.strip() == (
        f"SetupError: pip could not install lstm_teach {LATER} ({OFFLINE}): check that you are "
        "online (on Kaggle, switch Internet on in the notebook's settings) and run this cell "
        "again."
    )


@SLOW
def test_offline_for_real_pip_fails_and_the_cell_says_so(machine):
    """The real pip (the course's .venv has one), asked for an address nothing answers at.
    It cannot install anything, so it runs in the .venv itself, lstm_teach hidden."""
    run = machine.run(CURRENT, source="http://127.0.0.1:9/lstm-teach.zip", python=VENV_PYTHON,
                      fake_pip=False)
    assert run.error == "RuntimeError" and run.package is None
    assert run.seen.rstrip().splitlines()[-1] == (
        "RuntimeError: pip failed: are you online? (on Kaggle, switch Internet on)")
    assert "ERROR: Could not install packages" in run.stderr  # pip's own reason, above it


# --- pip falling back to the user site -------------------------------------------------------


@SLOW
def test_a_read_only_python_installs_into_the_user_site_and_runs_on(machine):
    """A hub whose image holds lstm_teach 0.2.0 where learners may not write: pip installs
    into the user site, which did not exist when the kernel started; the cell puts it
    first, so the new copy, not the image's, is imported."""
    old_package(machine.system, "0.2.0")
    course_package(machine.source, CURRENT)
    assert not machine.user_base.exists()
    run = machine.run(CURRENT, pip="read-only")
    assert run.user_site_enabled
    assert run.pip == [pip_command(machine.source)]
    assert_checked(run, machine.user_site)
    assert (machine.system / "lstm_teach" / "counting.py").read_text().startswith("FROM_AN")


@SLOW
def test_a_read_only_upgrade_goes_to_the_user_site_and_the_restart_finds_it(machine):
    course_package(machine.system, CURRENT)
    course_package(machine.source, LATER)
    run = machine.run(LATER, pip="read-only")
    assert run.error == "SetupError" and f"lstm_teach {LATER} is installed now" in run.seen
    restarted = machine.run(LATER, pip="read-only")  # the user site exists from start-up now
    assert len(restarted.pip) == 1
    assert_checked(restarted, machine.user_site, LATER)


@SLOW
def test_in_a_virtual_environment_the_user_site_stays_out(machine):
    """A venv has no user site (pip never installs there): a stale copy in the user folder
    must not shadow what pip just installed into the environment."""
    old_package(machine.user_site, "0.2.0")
    course_package(machine.source, CURRENT)
    run = machine.run(CURRENT, python=VENV_PYTHON)
    assert not run.user_site_enabled
    assert run.pip == [pip_command(machine.source)]
    assert_checked(run, machine.system)


# --- the version check's standings, through the cell ----------------------------------------


@SLOW
@pytest.mark.parametrize(
    ("package", "version", "said"),
    [
        ("numpy", "9.0.0", "Newer than tested: numpy 9.0.0 (tested up to "),
        ("keras", "3.5.0", "Within the supported range: keras 3.5.0 (pinned "),
    ],
    ids=["newer-than-tested", "within-range"],
)
def test_the_cell_says_where_the_versions_stand_and_carries_on(machine, package, version, said):
    course_package(machine.system, CURRENT)
    dist_info(machine.metadata, package, version)
    run = machine.run(CURRENT)
    assert run.error is None and run.pip == []
    assert run.seen.startswith(said), run.seen
    if said.startswith("Newer"):
        assert len(run.seen.strip().splitlines()) == 1  # one line, then the lessons


@SLOW
def test_older_than_supported_stops_with_the_fix_and_no_traceback(machine):
    course_package(machine.system, CURRENT)
    dist_info(machine.metadata, "keras", "3.0.0")
    run = machine.run(CURRENT)
    assert run.error == "VersionError" and "Traceback" not in run.seen
    assert run.seen.startswith("VersionError: Outside the supported range, 1 problem: keras is "
                               "3.0.0, outside the supported")
    assert '%pip install "keras==' in run.seen


# --- the package side, in this Python --------------------------------------------------------


def test_a_stop_is_shown_as_its_message_alone():
    assert SetupError("one line")._render_traceback_() == ["SetupError: one line"]


@pytest.mark.parametrize("needs", ["", "zero", "0.3 final"])
def test_prepare_refuses_a_version_that_is_not_one(needs):
    with pytest.raises(ValueError, match=r"needs must be a version string such as '0\.3\.0'"):
        first_cell.prepare(needs, "https://example.org/x.zip")


@pytest.mark.parametrize("source", [None, "", 3])
def test_prepare_refuses_a_source_that_is_not_an_address(source):
    with pytest.raises(TypeError, match="source must be the address pip installs"):
        first_cell.prepare(CURRENT, source)


def test_prepare_refuses_a_needs_that_is_not_a_string():
    with pytest.raises(TypeError, match="needs must be a version string"):
        first_cell.prepare(0.3, "https://example.org/x.zip")


def test_the_installed_version_is_read_without_importing(tmp_path, monkeypatch):
    """From release.py of the lstm_teach a fresh import would find, past what is loaded."""
    for version in ("0.2.0", None):
        old_package(tmp_path / str(version), version)
    (tmp_path / "bare" / "lstm_teach").mkdir(parents=True)  # a folder, not a package
    monkeypatch.setattr(sys, "meta_path", [importlib.machinery.PathFinder])
    loaded = dict(sys.modules)
    for folder, expected in [("0.2.0", "0.2.0"), ("None", "0"), ("bare", None),
                             ("nowhere", None)]:
        monkeypatch.setattr(sys, "path", [str(tmp_path / folder)])
        found = first_cell.installed_version()
        assert (None if found is None else str(found)) == expected, folder
    assert dict(sys.modules) == loaded


def test_this_checkouts_version_is_loaded_and_installed():
    import lstm_teach

    assert lstm_teach.__version__ == CURRENT
    assert first_cell.loaded_version() == first_cell.needed(CURRENT)
    assert first_cell.installed_version() == first_cell.needed(CURRENT)


def test_the_first_cell_is_short():
    """Its code lines, counted as reading_time.py counts them (comments and blank lines
    left out): the cell is in every notebook, so each line costs every notebook."""
    lines = hosted.setup_cell_source().splitlines()
    code = [line for line in lines if line.strip() and not line.strip().startswith("#")]
    assert len(code) <= 14, code
    assert 1 <= len(lines) - len(code) - lines.count("") <= 3  # it says what it does
