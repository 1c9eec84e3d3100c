"""What the course declares: pyproject.toml's requirement groups (the base and each extra,
as ranges), the metadata `pip install -e .` writes from them, the exact pins of
lstm_teach/pins.txt, and a digest of everything that changes what an install does."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from tools.errors import CommandError

#: The one lock file, relative to the course folder: every exact pin, as pip reads it.
PINS = Path("lstm_teach") / "pins.txt"
#: The file whose VERSION line is the package's version (pyproject.toml reads it too).
RELEASE = Path("lstm_teach") / "release.py"


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


def package_name(requirement: str) -> str:
    """The normalised name a requirement line starts with ('Tensorflow_CPU>=2' ->
    'tensorflow-cpu'); plain string work, since tasks.py runs before packaging is there."""
    found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return re.sub(r"[-_.]+", "-", found.group(1)).lower() if found else requirement


def pin_lines(text: str) -> list[str]:
    """The requirement lines of a pins file: comments, blank lines and options left out."""
    lines = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")):
            lines.append(line)
    return lines


def read_pins(root: Path) -> list[str]:
    """The pins of lstm_teach/pins.txt, or a one-line error naming the file."""
    path = root / PINS
    try:
        return pin_lines(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(
            f"cannot read {path} ({error}): put it back with `git checkout {PINS.as_posix()}`"
        ) from None


def release_line(root: Path) -> str:
    """The VERSION line of lstm_teach/release.py ('' if unreadable): part of what an
    editable install records, so a new version reinstalls."""
    try:
        text = (root / RELEASE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    return next((line for line in text.splitlines() if line.startswith("VERSION =")), "")


def install_digest(pyproject: dict, pins: list[str] = (), release: str = "") -> str:
    """A hash of what changes `pip install -e .`: the install settings of pyproject.toml,
    the pins installed with it as constraints, and the package's version."""
    relevant = {
        "build-system": pyproject.get("build-system"),
        "project": pyproject.get("project"),
        "setuptools": pyproject.get("tool", {}).get("setuptools"),
        "pins": list(pins),
        "release": release,
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


def pinned_groups(pyproject: dict, pins: list[str]) -> dict[str, list[str]]:
    """Each requirement group with its packages' exact pins instead of their ranges (a
    package pinned per platform, as TensorFlow is, keeps every platform's line)."""
    by_name: dict[str, list[str]] = {}
    for line in pins:
        by_name.setdefault(package_name(line), []).append(line)
    groups = {}
    for group, lines in requirement_groups(pyproject).items():
        names = [package_name(line) for line in lines]
        groups[group] = [
            pin for name in dict.fromkeys(names)
            for pin in by_name.get(name, [f"<{name} has no pin>"])
        ]
    return groups


def needed(pyproject: dict, extras: Iterable[str]) -> set[str]:
    """Every requirement a set of extras brings, the base ones included."""
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
