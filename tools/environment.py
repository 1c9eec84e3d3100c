"""Which Python runs the course, and whether it has what a command needs.

`ensure_environment` returns an interpreter with lstm_teach and the requested extras
installed at the exact versions of lstm_teach/pins.txt: the course's .venv (created on
first use) or, with --here, the running Python. It refuses a broken .venv with one
sentence saying what to do instead (CommandError).

Installing is skipped when the install record (tools/stamp.py) says the environment
already holds what a command needs. Without a current record, the probe
(tools/probe.py) asks the interpreter itself whether every pin is installed before pip
is run, so `--here` in a complete conda environment works offline.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import venv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.errors import CommandError
from tools.platforms import PYTHONS, version_tuple
from tools.processes import run
from tools.pyproject import (
    PINS,
    install_digest,
    metadata_requirements,
    pinned_groups,
    read_pins,
    read_pyproject,
    release_line,
    requirement_groups,
)
from tools.stamp import STAMP_NAME, Stamp, fingerprint, read_stamp, stamp_is_current, write_stamp

DISTRIBUTION = "lstm-teach"
PROBE = Path(__file__).resolve().with_name("probe.py")


# --- where things are ---------------------------------------------------------------------


@dataclass(frozen=True)
class Course:
    """The course folder: pyproject.toml, notebooks/, and the .venv tasks.py creates."""

    root: Path

    @property
    def venv(self) -> Path:
        return self.root / ".venv"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    def course_notebooks(self) -> list[Path]:
        """The notebooks learners work through, core then reference shelf, in reading
        order: those of the list in tools/notebooks.py that this course folder holds."""
        from tools import notebooks

        return notebooks.paths(self.root)

    def here_stamp(self, python: Path) -> Path:
        """Where `--here` records what it installed into `python` (not resolved: every
        virtual or conda environment has its own interpreter path)."""
        key = hashlib.sha256(str(python).encode("utf-8")).hexdigest()[:16]
        return self.root / ".lstm-teach" / f"here-{key}.json"


def venv_python(venv_dir: Path) -> Path:
    """Path of the interpreter inside a virtual environment on this operating system."""
    if os.name == "nt":
        return venv_dir / "Scripts" / "python.exe"
    return venv_dir / "bin" / "python"


def venv_site_dirs(venv_dir: Path) -> list[Path]:
    """The site-packages folders of a virtual environment (Windows or POSIX layout)."""
    found = sorted(venv_dir.glob("lib/python3*/site-packages"))
    found += [path for path in [venv_dir / "Lib" / "site-packages"] if path.is_dir()]
    return found


def running_site_dirs() -> list[Path]:
    """The site-packages folders of the running Python, the user's own included."""
    paths = sysconfig.get_paths()
    found = [Path(paths["purelib"]), Path(paths["platlib"])]
    if site.ENABLE_USER_SITE:
        found.append(Path(site.getusersitepackages()))
    unique = []
    for path in found:
        if path.is_dir() and path not in unique:
            unique.append(path)
    return unique


# --- asking an interpreter what it has -----------------------------------------------------


@dataclass(frozen=True)
class Installed:
    """What a probe found in an interpreter."""

    pip: bool
    satisfied: frozenset[str]  # "" for the base pins, else extra names
    editable_here: bool  # lstm-teach installed with -e from this course folder
    metadata_current: bool  # ... and its metadata matches today's pyproject.toml

    def ready_for(self, extras: Iterable[str]) -> bool:
        return (
            self.editable_here
            and self.metadata_current
            and {"", *extras} <= self.satisfied
        )


def probe(python: Path, course: Course, pyproject: dict, pins: list[str], fix: str) -> Installed:
    """Ask `python` which pins it has and whether lstm-teach is installed from here."""
    request = {
        "root": str(course.root),
        "name": DISTRIBUTION,
        "groups": pinned_groups(pyproject, pins),
        "requires": metadata_requirements(pyproject),
        "requires_python": pyproject.get("project", {}).get("requires-python", ""),
    }
    try:
        done = subprocess.run(
            # -P: neither tools/ nor the course folder on sys.path (a build leaves
            # lstm_teach.egg-info there, which would make lstm-teach look installed)
            [str(python), "-P", str(PROBE)], input=json.dumps(request), capture_output=True,
            text=True, cwd=course.root, timeout=300,
        )
    except OSError as error:
        raise CommandError(f"cannot run {python} ({error.strerror}): {fix}") from None
    except subprocess.TimeoutExpired:
        raise CommandError(f"{python} did not answer within 5 minutes: {fix}") from None
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        return Installed(
            pip=bool(answer["pip"]),
            satisfied=frozenset(answer["satisfied"]),
            editable_here=bool(answer["editable_here"]),
            metadata_current=bool(answer["metadata_current"]),
        )
    except (ValueError, KeyError, IndexError, TypeError):
        said = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise CommandError(f"{python} does not work ({said}): {fix}") from None


# --- setting up an environment -------------------------------------------------------------


def _pyvenv_cfg(venv_dir: Path) -> dict[str, str]:
    try:
        text = (venv_dir / "pyvenv.cfg").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {key.strip().lower(): value.strip() for key, value in pairs}


def create_venv(venv_dir: Path) -> None:
    """Create .venv with pip; on failure remove what was made, so the next run starts clean
    (an empty folder that was there before stays, empty: only what this made goes)."""
    print(f"Creating a virtual environment in {venv_dir.name}/ ...", flush=True)
    existed = venv_dir.is_dir()
    try:
        venv.EnvBuilder(with_pip=True).create(venv_dir)
    except (subprocess.CalledProcessError, OSError, KeyboardInterrupt) as error:
        made = list(venv_dir.iterdir()) if existed else [venv_dir]
        for path in made:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        if isinstance(error, KeyboardInterrupt):
            raise
        raise CommandError(
            f"could not create {venv_dir.name}/ with pip in it: this Python has no working "
            "venv/ensurepip (on Debian or Ubuntu: `sudo apt-get install python3-venv`), or "
            "use the conda route of README.md"
        ) from None


def prepare_venv(course: Course) -> Path:
    """The interpreter of the course's .venv, created if missing; a broken one is an error."""
    venv_dir = course.venv
    fix = f"delete the {venv_dir.name} folder ({venv_dir}) and run the command again"
    if venv_dir.exists() and not venv_dir.is_dir():
        raise CommandError(f"{venv_dir} is a file, not a virtual environment: {fix}")
    if not venv_dir.exists() or not any(venv_dir.iterdir()):
        create_venv(venv_dir)
    python = venv_python(venv_dir)
    config = _pyvenv_cfg(venv_dir)
    home = config.get("home")
    # A venv runs its base Python from `home`: an upgrade or uninstall that removed it
    # leaves a dangling link (POSIX) or a launcher with nothing to launch (Windows).
    if (home and not Path(home).exists()) or (os.path.lexists(python) and not python.exists()):
        raise CommandError(
            f"{venv_dir.name} is broken: the Python it was made from "
            f"({home or 'its base Python'}) is gone: {fix}"
        )
    if not python.exists():
        raise CommandError(f"{venv_dir.name} is incomplete (it has no Python in it): {fix}")
    made_with = version_tuple(config.get("version_info") or config.get("version") or "")[:2]
    if made_with and made_with not in PYTHONS:
        raise CommandError(
            f"{venv_dir.name} was made with Python {'.'.join(map(str, made_with))}, which "
            f"lstm-teach does not support: {fix} with Python 3.11, 3.12 or 3.13"
        )
    return python


def ensure_environment(course: Course, extras: Sequence[str], *, here: bool) -> Path:
    """Return a Python that has lstm_teach and the pins of `extras` installed.

    pip runs only when neither the stamp nor a probe of the interpreter shows that
    everything needed is there already.
    """
    pyproject = read_pyproject(course.root)
    pins = read_pins(course.root)
    digest = install_digest(pyproject, pins, release_line(course.root))
    unknown = set(extras) - set(requirement_groups(pyproject))
    if unknown:
        raise CommandError(
            f"pyproject.toml has no extra {', '.join(sorted(unknown))}: put it back with "
            "`git checkout pyproject.toml`"
        )
    if here:
        python = Path(sys.executable)
        stamp_path = course.here_stamp(python)
        site_dirs = running_site_dirs()
        fix = "check that this Python works, or run without --here to use the course's .venv"
    else:
        python = prepare_venv(course)
        stamp_path = course.venv / STAMP_NAME
        site_dirs = venv_site_dirs(course.venv)
        fix = f"delete the {course.venv.name} folder ({course.venv}) and run the command again"

    stamp = read_stamp(stamp_path)
    if stamp_is_current(stamp, pyproject, digest, python, site_dirs, extras):
        return python

    found = probe(python, course, pyproject, pins, fix)
    if found.ready_for(extras):
        installed = {extra for extra in found.satisfied if extra}
    else:
        if not found.pip:
            if here:
                raise CommandError(
                    "this Python has no pip: add it with `python -m ensurepip --upgrade`, "
                    "or run without --here to use the course's .venv"
                )
            raise CommandError(f"{course.venv.name} has no pip: {fix}")
        installed = set(extras)
        if stamp is not None and stamp.digest == digest:
            installed |= stamp.extras
        target = "." + (f"[{','.join(sorted(installed))}]" if installed else "")
        where = "this Python" if here else f"{course.venv.name}/"
        advice = (
            "check the internet connection and run again"
            + ("; without --here, tasks.py installs into its own .venv" if here else "")
        )
        run(
            [python, "-m", "pip", "install", "--disable-pip-version-check",
             "-c", PINS.as_posix(), "-e", target],
            cwd=course.root,
            failure=f"pip could not install the course's packages into {where} "
            f"(its message is above): {advice}",
        )
    write_stamp(
        stamp_path,
        Stamp(digest, str(python), fingerprint(site_dirs), frozenset(installed)),
    )
    return python
