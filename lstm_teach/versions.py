"""Check that this Python runs the exact package versions lstm-teach pins.

The notebooks' saved outputs were produced with those versions, so a different NumPy,
Keras or TensorFlow can change a printed number or a model summary. `check_versions()`
reads the pins from the installed lstm-teach distribution (the requirement strings of
pyproject.toml), keeps those whose environment markers apply on this platform, and
compares each with the version installed. It never imports TensorFlow: it only reads
package metadata.
"""

from __future__ import annotations

import importlib.metadata as metadata
import platform
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from lstm_teach._checks import flag

DISTRIBUTION = "lstm-teach"
FALLBACK_PYTHON = ">=3.11"  # pyproject.toml's requires-python, used if metadata lacks it
TEST_EXTRA = "test"
FIX = (
    "run `python tasks.py lab` from the course folder (`python tasks.py lab --here` inside "
    "the conda environment), or `pip install -e .` there, then restart the kernel"
)
PACKAGE_COLUMN = 16  # fixed width, so tensorflow and tensorflow-cpu rows line up alike

Lookup = Callable[[str], "str | None"]


@dataclass(frozen=True)
class VersionRow:
    """One pinned package: the version wanted, the one installed (None if missing)."""

    package: str
    wanted: str
    installed: str | None
    ok: bool

    @property
    def problem(self) -> str | None:
        """A sentence naming what is wrong with this package, or None if it is fine."""
        if self.ok:
            return None
        if self.installed is None:
            return f"{self.package} is missing (lstm-teach pins {self.wanted})"
        return f"{self.package} is {self.installed} but lstm-teach pins {self.wanted}"


@dataclass(frozen=True)
class PythonCheck:
    """The running Python's version against the range lstm-teach accepts."""

    wanted: str
    installed: str
    ok: bool


@dataclass(frozen=True)
class VersionReport:
    """Every applicable pin compared with what is installed, plus the Python check.

    `str(report)` is a table followed by a one-line verdict. Both depend only on the
    pins and on whether they are met: no paths, and the Python version appears only
    when it is outside the accepted range.
    """

    rows: tuple[VersionRow, ...]
    python: PythonCheck
    distribution_found: bool = True

    @property
    def ok(self) -> bool:
        """True when lstm-teach is installed, Python is new enough and every pin matches."""
        return self.distribution_found and self.python.ok and all(row.ok for row in self.rows)

    @property
    def failed(self) -> tuple[VersionRow, ...]:
        """The rows whose installed version does not match, or whose package is missing."""
        return tuple(row for row in self.rows if not row.ok)

    @property
    def problems(self) -> tuple[str, ...]:
        """One sentence per problem found, in table order, Python first."""
        found = []
        if not self.python.ok:
            found.append(
                f"Python {self.python.installed} is outside what lstm-teach accepts "
                f"({self.python.wanted}): set the course up with Python 3.11, 3.12 or 3.13"
            )
        if not self.distribution_found:
            found.append(
                f"{DISTRIBUTION} is not installed in this Python, so its pins cannot be read"
            )
        found.extend(row.problem for row in self.failed if row.problem)
        return tuple(found)

    @property
    def verdict(self) -> str:
        """One line: all good, or every problem and what to do about it."""
        if self.ok:
            return (
                f"All good: this Python is {self.python.wanted} and all {len(self.rows)} "
                "pinned packages are the versions lstm-teach wants."
            )
        problems = self.problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        return f"{count}: {'; '.join(problems)}. To fix it, {FIX}."

    def table(self) -> str:
        """The rows as an aligned text table, followed by the Python line."""
        header = ("package", "wanted", "installed", "ok")
        body = [
            (row.package, row.wanted, row.installed or "missing", "yes" if row.ok else "NO")
            for row in self.rows
        ]
        widths = [max(len(line[column]) for line in [header, *body]) for column in range(4)]
        widths[0] = max(widths[0], PACKAGE_COLUMN)
        lines = [header, tuple("-" * width for width in widths), *body]
        text = [
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in lines
        ]
        text.append(f"Python {self.python.wanted}: {'yes' if self.python.ok else 'NO'}")
        return "\n".join(text)

    def __str__(self) -> str:
        return f"{self.table()}\n{self.verdict}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Show the table and verdict when the report is the last expression of a cell."""
        printer.text(str(self))


def _installed_version(package: str) -> str | None:
    """The installed version of a distribution, or None when it is not installed."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _declared_requirements(distribution: str) -> list[str] | None:
    """The requirement strings an installed distribution declares, None if not installed."""
    try:
        return list(metadata.requires(distribution) or [])
    except metadata.PackageNotFoundError:
        return None


def _declared_python(distribution: str) -> str:
    """The distribution's Requires-Python, or the course's own range if it is unknown."""
    try:
        declared = metadata.metadata(distribution).get("Requires-Python")
    except metadata.PackageNotFoundError:
        declared = None
    return declared or FALLBACK_PYTHON


def _parse(requirement: object) -> Requirement:
    """A Requirement from one string, with a message naming the string if it is not one."""
    if not isinstance(requirement, str):
        raise TypeError(
            f"requirements must hold strings such as 'numpy==2.4.6', got {requirement!r}"
        )
    try:
        return Requirement(requirement)
    except InvalidRequirement as error:
        raise ValueError(
            f"requirements holds {requirement!r}, which is not a valid requirement "
            f"such as 'numpy==2.4.6' ({error})"
        ) from error


def _applies(
    requirement: Requirement, environment: dict[str, str], extras: tuple[str, ...]
) -> bool:
    """True when the requirement's marker holds here, for no extra or one of `extras`."""
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate({**environment, "extra": extra}) for extra in ("", *extras)
    )


def _wanted(specifier: SpecifierSet) -> str:
    """'2.4.6' for an exact pin ==2.4.6, otherwise the specifier as written."""
    specs = list(specifier)
    if len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version:
        return specs[0].version
    return str(specifier) or "any"


def _matches(specifier: SpecifierSet, installed: str | None) -> bool:
    """True when an installed version satisfies the specifier (pre-releases included)."""
    if installed is None:
        return False
    try:
        return specifier.contains(Version(installed), prereleases=True)
    except InvalidVersion:
        return False


def _python_check(wanted: str, installed: str) -> PythonCheck:
    """Compare a Python version string with a Requires-Python range."""
    try:
        specifier = SpecifierSet(wanted)
    except InvalidSpecifier as error:
        raise ValueError(f"Requires-Python {wanted!r} is not a version range") from error
    try:
        version = Version(installed)
    except InvalidVersion as error:
        raise ValueError(
            f"python_version must be a version such as '3.11.7', got {installed!r}"
        ) from error
    return PythonCheck(wanted=wanted, installed=installed, ok=specifier.contains(version, True))


def check_versions(
    *,
    include_test: bool = False,
    lookup: Lookup | None = None,
    requirements: Iterable[str] | None = None,
    environment: Mapping[str, str] | None = None,
    python_version: str | None = None,
    distribution: str = DISTRIBUTION,
) -> VersionReport:
    """Compare every package lstm-teach pins with the version installed here.

    include_test: also check the pins of the `test` extra (pytest, nbval, ...).
    The other arguments exist so the check can be tested without changing the machine:
    lookup: package name → installed version, or None (or PackageNotFoundError) if missing;
        defaults to importlib.metadata.version.
    requirements: requirement strings to check instead of those `distribution` declares.
    environment: marker variables overriding this platform's, e.g.
        {"sys_platform": "darwin", "platform_machine": "arm64"}.
    python_version: the Python version to judge instead of the running one.
    """
    include_test = flag("include_test", include_test)
    if lookup is None:
        lookup = _installed_version
    elif not callable(lookup):
        raise TypeError(
            f"lookup must be a function from a package name to its version, got {lookup!r}"
        )
    if environment is not None and not isinstance(environment, Mapping):
        raise TypeError(
            "environment must be a mapping of marker variables such as "
            f"{{'sys_platform': 'linux'}}, got {environment!r}"
        )
    if not isinstance(distribution, str) or not distribution:
        raise TypeError(f"distribution must be a package name, got {distribution!r}")
    if python_version is None:
        python_version = platform.python_version()
    elif not isinstance(python_version, str):
        raise TypeError(f"python_version must be a string such as '3.11.7', got {python_version!r}")

    found = True
    if requirements is None:
        declared = _declared_requirements(distribution)
        found = declared is not None
        requirements = declared or []
    elif isinstance(requirements, str | bytes) or not isinstance(requirements, Iterable):
        raise TypeError(
            "requirements must be a list of strings such as ['numpy==2.4.6'], "
            f"got {requirements!r}"
        )
    parsed = [_parse(requirement) for requirement in requirements]

    marker_environment = {**default_environment(), **(environment or {})}
    extras = (TEST_EXTRA,) if include_test else ()
    rows = []
    for requirement in parsed:
        if not _applies(requirement, marker_environment, extras):
            continue
        try:
            installed = lookup(requirement.name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed is not None and not isinstance(installed, str):
            raise TypeError(
                f"lookup({requirement.name!r}) must return a version string or None, "
                f"got {installed!r}"
            )
        rows.append(
            VersionRow(
                package=requirement.name,
                wanted=_wanted(requirement.specifier),
                installed=installed,
                ok=_matches(requirement.specifier, installed),
            )
        )
    return VersionReport(
        rows=tuple(rows),
        python=_python_check(_declared_python(distribution), python_version),
        distribution_found=found,
    )
