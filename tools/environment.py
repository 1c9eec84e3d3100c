"""Which Python runs the course, and whether it has what a command needs.

`ensure_environment` returns an interpreter with lstm_teach and the pins of the
requested extras installed: the course's .venv (created on first use) or, with
--here, the running Python. It refuses an unsupported platform or Python, and a
broken .venv, with one sentence saying what to do instead (CommandError).

Installing is skipped when a stamp says the environment already holds what a command
needs: the stamp records the install-relevant part of pyproject.toml, the interpreter,
the extras installed, and the modification time of site-packages (which changes whenever
a package is added or removed there). Without a valid stamp, a probe asks the
interpreter itself whether every pin is installed before pip is run, so `--here` in a
complete conda environment works offline.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import tomllib
import venv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

DISTRIBUTION = "lstm-teach"
STAMP_NAME = "lstm-teach-installed.json"
STAMP_FORMAT = 1

#: Pythons with a TensorFlow 2.21 wheel (tests/data/tensorflow-2.21.0-wheels.json).
PYTHONS = ((3, 11), (3, 12), (3, 13))
#: (sys.platform, platform.machine()) -> the TensorFlow 2.21 distribution with a wheel
#: there. pyproject.toml's markers must pick exactly this one; tests check both against
#: the recorded list of wheels.
TENSORFLOW_BY_PLATFORM = {
    ("linux", "x86_64"): "tensorflow-cpu",
    ("linux", "aarch64"): "tensorflow",
    ("darwin", "arm64"): "tensorflow",
    ("win32", "AMD64"): "tensorflow-cpu",
}
#: TensorFlow's Linux wheels are tagged manylinux_2_27, its macOS ones macosx_12_0.
OLDEST_GLIBC = (2, 27)
OLDEST_MACOS = (12, 0)
ELSEWHERE = "use Binder or a JupyterHub instead (README.md, 'In a classroom')"


class CommandError(Exception):
    """A failure the user can act on: main() prints it as one line and exits with 1."""


class CommandFailed(Exception):
    """A program tasks.py ran exited non-zero; it has said why, tasks.py adds at most a line."""

    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(message or f"exit code {code}")
        self.code = code
        self.message = message


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


def fingerprint(site_dirs: Iterable[Path]) -> tuple[tuple[str, int], ...]:
    """Each site-packages folder with its modification time: installing or removing a
    package adds or removes an entry there, which changes the time."""
    return tuple((str(path), path.stat().st_mtime_ns) for path in site_dirs if path.is_dir())


# --- supported platforms -----------------------------------------------------------------


@dataclass(frozen=True)
class Platform:
    """What decides whether TensorFlow 2.21 installs: OS, machine, Python and its build."""

    system: str  # sys.platform: linux, darwin, win32, ...
    machine: str  # platform.machine(): x86_64, aarch64, arm64, AMD64, ARM64, ...
    python: tuple[int, int]
    implementation: str = "cpython"
    bits: int = 64
    libc: tuple[str, str] = ("glibc", "2.36")  # platform.libc_ver(), read on Linux only
    macos: str = "15.0"  # platform.mac_ver()[0], read on macOS only

    @classmethod
    def current(cls) -> Platform:
        return cls(
            system=sys.platform,
            machine=platform.machine(),
            python=(sys.version_info[0], sys.version_info[1]),
            implementation=sys.implementation.name,
            bits=64 if sys.maxsize > 2**32 else 32,
            libc=platform.libc_ver() if sys.platform == "linux" else ("", ""),
            macos=platform.mac_ver()[0] if sys.platform == "darwin" else "",
        )


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for part in text.split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def unsupported_reason(where: Platform) -> str | None:
    """None where the course installs, else one sentence naming what to use instead."""
    if where.python not in PYTHONS:
        return (
            f"lstm-teach needs Python 3.11, 3.12 or 3.13 (TensorFlow 2.21 has no build for "
            f"Python {where.python[0]}.{where.python[1]}): run tasks.py with one of those, "
            "or use the conda route of README.md, which brings Python 3.11"
        )
    if where.implementation != "cpython":
        return (
            f"TensorFlow has builds for CPython only and this Python is {where.implementation}: "
            "run tasks.py with CPython 3.11 to 3.13 (python.org, or the conda route)"
        )
    if where.bits != 64:
        return (
            "this Python is 32-bit and TensorFlow needs a 64-bit one: install the 64-bit "
            "Python 3.11, 3.12 or 3.13 and run tasks.py with it"
        )
    key = (where.system, where.machine)
    if key == ("darwin", "x86_64"):
        return (
            "TensorFlow 2.21 has no build for macOS on Intel (x86_64): on a Mac with Apple "
            f"silicon run tasks.py with a native arm64 Python; on an Intel Mac {ELSEWHERE}"
        )
    if key == ("win32", "ARM64"):
        return (
            "TensorFlow 2.21 has no build for Windows on ARM64: use WSL (Linux on ARM64 is "
            "supported), Binder or a JupyterHub (README.md, 'In a classroom')"
        )
    if key not in TENSORFLOW_BY_PLATFORM:
        return f"TensorFlow 2.21 has no build for {where.system} on {where.machine}: {ELSEWHERE}"
    if where.system == "linux":
        name, version = where.libc
        if name != "glibc":
            return (
                "TensorFlow's Linux builds need glibc 2.27 or newer and this system uses "
                f"another C library (musl, as on Alpine?): {ELSEWHERE}"
            )
        if _version_tuple(version) < OLDEST_GLIBC:
            return (
                f"TensorFlow's Linux builds need glibc 2.27 or newer and this system has "
                f"glibc {version}: {ELSEWHERE}"
            )
    # A Python built for old macOS SDKs reports 10.16 on any macOS from 11 on: no verdict
    # then, nor when the version cannot be read.
    macos = _version_tuple(where.macos)[:2]
    if where.system == "darwin" and macos not in [(), (10, 16)] and macos < OLDEST_MACOS:
        return (
            f"TensorFlow 2.21 needs macOS 12 or newer and this Mac runs {where.macos}: "
            f"update macOS, or {ELSEWHERE}"
        )
    return None


# --- pyproject.toml and the stamp ----------------------------------------------------------


def read_pyproject(root: Path) -> dict:
    """pyproject.toml as a dict, or a one-line error naming the file."""
    path = root / "pyproject.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(
            f"cannot read {path} ({error.strerror}): run tasks.py from a complete copy "
            "of the course"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CommandError(
            f"{path} is not valid TOML ({error}): put it back with `git checkout pyproject.toml`"
        ) from None


def install_digest(pyproject: dict) -> str:
    """A hash of the parts of pyproject.toml that change what `pip install -e .` does."""
    relevant = {
        "build-system": pyproject.get("build-system"),
        "project": pyproject.get("project"),
        "setuptools": pyproject.get("tool", {}).get("setuptools"),
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode("utf-8")).hexdigest()


def _clean(requirement: str) -> str:
    return " ".join(requirement.split())


def requirement_groups(pyproject: dict) -> dict[str, list[str]]:
    """The base pins under "" and each extra's pins under its name."""
    project = pyproject.get("project", {})
    groups = {"": [_clean(line) for line in project.get("dependencies", [])]}
    for extra, lines in project.get("optional-dependencies", {}).items():
        groups[extra] = [_clean(line) for line in lines]
    return groups


def needed(pyproject: dict, extras: Iterable[str]) -> set[str]:
    """Every pin a set of extras brings, the base pins included."""
    groups = requirement_groups(pyproject)
    lines = set(groups[""])
    for extra in extras:
        lines.update(groups.get(extra, [f"<unknown extra {extra}>"]))
    return lines


def covers(pyproject: dict, installed: Iterable[str], wanted: Iterable[str]) -> bool:
    """True when the pins of the installed extras include every pin of the wanted ones
    (so `lab` after `test`, or `explorer` after `test`, needs no pip)."""
    return needed(pyproject, wanted) <= needed(pyproject, installed)


def metadata_requirements(pyproject: dict) -> list[str]:
    """The Requires-Dist lines `pip install -e .` writes for this pyproject.toml."""
    lines = []
    for group, requirements in requirement_groups(pyproject).items():
        for requirement in requirements:
            if not group:
                lines.append(requirement)
            elif ";" in requirement:
                head, marker = requirement.split(";", 1)
                lines.append(f'{head.strip()}; ({marker.strip()}) and extra == "{group}"')
            else:
                lines.append(f'{requirement}; extra == "{group}"')
    return lines


@dataclass(frozen=True)
class Stamp:
    """What tasks.py installed, into which interpreter, from which pyproject.toml."""

    digest: str
    python: str
    site: tuple[tuple[str, int], ...]
    extras: frozenset[str]

    def text(self) -> str:
        return json.dumps(
            {
                "format": STAMP_FORMAT,
                "pyproject": self.digest,
                "python": self.python,
                "site-packages": [list(entry) for entry in self.site],
                "extras": sorted(self.extras),
            },
            indent=1,
        ) + "\n"

    @classmethod
    def parse(cls, text: str) -> Stamp | None:
        """The stamp in `text`, or None for anything else (an older format, a torn write)."""
        try:
            data = json.loads(text)
            if data["format"] != STAMP_FORMAT:
                return None
            site_entries = tuple((str(path), int(mtime)) for path, mtime in data["site-packages"])
            extras = data["extras"]
            if not isinstance(extras, list) or not all(isinstance(x, str) for x in extras):
                return None
            digest, python = data["pyproject"], data["python"]
            if not isinstance(digest, str) or not isinstance(python, str):
                return None
            return cls(digest, python, site_entries, frozenset(extras))
        except (ValueError, TypeError, KeyError):
            return None


def read_stamp(path: Path) -> Stamp | None:
    """The stamp at `path`; None when it is missing, unreadable or garbled."""
    try:
        return Stamp.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def write_stamp(path: Path, stamp: Stamp) -> None:
    """Write the stamp whole or not at all; a failure only costs a check next time."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(stamp.text(), encoding="utf-8")
        os.replace(partial, path)
    except OSError as error:
        print(
            f"tasks.py: note: could not record the installation in {path} ({error.strerror}); "
            "the next start checks the packages again",
            file=sys.stderr,
        )


def stamp_is_current(
    stamp: Stamp | None, pyproject: dict, python: Path, site_dirs: list[Path],
    extras: Iterable[str],
) -> bool:
    """True when the stamp shows that `python` already has what `extras` need."""
    return (
        stamp is not None
        and stamp.digest == install_digest(pyproject)
        and stamp.python == str(python)
        and stamp.site == fingerprint(site_dirs)
        and covers(pyproject, stamp.extras, extras)
    )


# --- asking an interpreter what it has -----------------------------------------------------

PROBE = r"""
import json, os, sys
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

request = json.load(sys.stdin)
answer = {"pip": find_spec("pip") is not None, "satisfied": [], "editable_here": False,
          "metadata_current": False}
try:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
except ImportError:
    try:
        from pip._vendor.packaging.requirements import Requirement
        from pip._vendor.packaging.specifiers import SpecifierSet
    except ImportError:
        Requirement = None

def installed(line):
    requirement = Requirement(line)
    if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
        return True
    try:
        version = metadata.version(requirement.name)
    except metadata.PackageNotFoundError:
        return False
    return requirement.specifier.contains(version, prereleases=True)

def same_place(url, root):
    if not url.startswith("file:"):
        return False
    where = Path(url2pathname(urlparse(url).path)).resolve()
    return os.path.normcase(str(where)) == os.path.normcase(str(Path(root).resolve()))

if Requirement is not None:
    answer["satisfied"] = [
        group for group, lines in request["groups"].items()
        if all(installed(line) for line in lines)
    ]
    try:
        distribution = metadata.distribution(request["name"])
    except metadata.PackageNotFoundError:
        distribution = None
    if distribution is not None:
        direct = json.loads(distribution.read_text("direct_url.json") or "{}")
        answer["editable_here"] = bool(
            direct.get("dir_info", {}).get("editable")
            and same_place(direct.get("url", ""), request["root"])
        )
        declared = {str(Requirement(line)) for line in distribution.requires or []}
        wanted = {str(Requirement(line)) for line in request["requires"]}
        python = distribution.metadata.get("Requires-Python") or ""
        answer["metadata_current"] = (
            declared == wanted and SpecifierSet(python) == SpecifierSet(request["requires_python"])
        )
print(json.dumps(answer))
"""


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


def probe(python: Path, course: Course, pyproject: dict, fix: str) -> Installed:
    """Ask `python` which pins it has and whether lstm-teach is installed from here."""
    request = {
        "root": str(course.root),
        "name": DISTRIBUTION,
        "groups": requirement_groups(pyproject),
        "requires": metadata_requirements(pyproject),
        "requires_python": pyproject.get("project", {}).get("requires-python", ""),
    }
    try:
        done = subprocess.run(
            # -P: not the course folder on sys.path, where a build leaves lstm_teach.egg-info
            [str(python), "-P", "-c", PROBE], input=json.dumps(request), capture_output=True,
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
    """Create .venv with pip; on failure remove what was made, so the next run starts clean."""
    print(f"Creating a virtual environment in {venv_dir.name}/ ...", flush=True)
    try:
        venv.EnvBuilder(with_pip=True).create(venv_dir)
    except (subprocess.CalledProcessError, OSError, KeyboardInterrupt) as error:
        shutil.rmtree(venv_dir, ignore_errors=True)
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
    made_with = _version_tuple(config.get("version_info") or config.get("version") or "")[:2]
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
    if stamp_is_current(stamp, pyproject, python, site_dirs, extras):
        return python

    found = probe(python, course, pyproject, fix)
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
        if stamp is not None and stamp.digest == install_digest(pyproject):
            installed |= stamp.extras
        target = "." + (f"[{','.join(sorted(installed))}]" if installed else "")
        where = "this Python" if here else f"{course.venv.name}/"
        advice = (
            "check the internet connection and run again"
            + ("; without --here, tasks.py installs into its own .venv" if here else "")
        )
        run(
            [python, "-m", "pip", "install", "--disable-pip-version-check", "-e", target],
            cwd=course.root,
            failure=f"pip could not install the course's packages into {where} "
            f"(its message is above): {advice}",
        )
    write_stamp(
        stamp_path,
        Stamp(install_digest(pyproject), str(python), fingerprint(site_dirs), frozenset(installed)),
    )
    return python


# --- running programs ----------------------------------------------------------------------


def run(
    command: Sequence[str | Path], *, cwd: Path, env: dict[str, str] | None = None,
    failure: str | None = None,
) -> None:
    """Run a program in the foreground; a non-zero exit becomes CommandFailed.

    Ctrl+C is left to the program (JupyterLab and pytest stop cleanly on it); tasks.py
    waits for it to finish instead of dying with a traceback of its own, and passes a
    termination request on to it rather than leaving a server running.
    """
    words = [str(part) for part in command]
    print("$ " + " ".join(words), flush=True)
    try:
        process = subprocess.Popen(words, cwd=cwd, env=env)
    except OSError as error:
        raise CommandError(
            f"cannot run {words[0]} ({error.strerror}): delete the .venv folder and run again"
        ) from None
    previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    previous_term = signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    try:
        code = process.wait()
    finally:
        signal.signal(signal.SIGINT, previous_int)
        signal.signal(signal.SIGTERM, previous_term)
    if code != 0:
        raise CommandFailed(128 - code if code < 0 else code, failure)
