"""What pyproject.toml declares: its requirement groups (the base and each extra), the
metadata `pip install -e .` writes from them, and a digest of everything that changes what
an install does."""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable
from pathlib import Path

from tools.errors import CommandError


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
