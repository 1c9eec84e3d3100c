"""Which package versions this Python runs, against what lstm-teach pins and supports.

Two promises are made about versions:

- the **pins**, exact versions in pyproject.toml: the notebooks' saved outputs were made
  with them, so where they are met a run reproduces those outputs digit for digit;
- the **supported range**, `SUPPORTED` below: the oldest and newest TensorFlow, Keras and
  NumPy on which every notebook runs and every assert in it holds, so the lessons hold,
  although the last digits of a printed number may differ. CI runs every notebook at
  both ends: under nbval at the pins, and top to bottom at the oldest versions
  (tools/supported_range.py).

`check_versions()` reads the pins from the installed lstm-teach distribution (the
requirement strings of pyproject.toml), keeps those whose environment markers apply on
this platform, compares each with the version installed, and places this Python in one of
three standings: exactly the pins, within the supported range, or outside it.
`check_setup()`, called by the first cell of every notebook, prints the standing and stops
the notebook only when it is outside. Neither imports TensorFlow: they read package
metadata only.
"""

from __future__ import annotations

import enum
import importlib.metadata as metadata
import platform
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from lstm_teach._checks import flag

# The supported range: this is the one place it is defined. Each lower end is the oldest
# version CI runs every notebook on: TensorFlow 2.18.0, as hosted notebook services have
# shipped it, with the oldest Keras and NumPy that TensorFlow 2.18.0 accepts. Each upper
# end admits the pinned minor series and nothing newer, since nothing newer is tested.
SUPPORTED: dict[str, str] = {
    "tensorflow": ">=2.18.0,<2.22",
    "keras": ">=3.5.0,<3.16",
    "numpy": ">=1.26.0,<2.5",
}
# One TensorFlow, published under a different name per platform; SUPPORTED["tensorflow"]
# covers each, and a hosted service's `tensorflow` stands in for a pinned `tensorflow-cpu`.
TENSORFLOW_NAMES = ("tensorflow", "tensorflow-cpu")
# The course's own Jupyter, which `python tasks.py lab` starts: the lessons never import
# these, and a hosted service brings its own.
LOCAL_ONLY = frozenset({"ipykernel", "jupyterlab", "jsonschema"})

DISTRIBUTION = "lstm-teach"
FALLBACK_PYTHON = ">=3.11,<3.14"  # pyproject.toml's requires-python, if metadata lacks it
TEST_EXTRA = "test"
WIDTH = 88  # verdicts are wrapped to this many characters
FIX_LOCAL = (
    "On your own computer, run `python tasks.py lab` from the course folder "
    "(`python tasks.py lab --here` inside the conda environment), or `pip install -e .` "
    "there, then restart the kernel."
)
RESTART = (
    "then restart the kernel (on Colab: Runtime → Restart session) and run the notebook "
    "again from the top."
)
PACKAGE_COLUMN = 16  # fixed width, so tensorflow and tensorflow-cpu rows line up alike

Lookup = Callable[[str], "str | None"]


class Standing(enum.Enum):
    """Where this Python stands, from best to worst."""

    PINNED = "exactly the pins"
    SUPPORTED = "within the supported range"
    OUTSIDE = "outside the supported range"


class VersionError(RuntimeError):
    """Raised by check_setup when this Python is outside the supported range."""


@dataclass(frozen=True)
class VersionRow:
    """One pinned package: the pin, the range the lessons hold in, and what is installed.

    `supported` is a version range such as ">=3.5.0,<3.16", "any" (the package must be
    there, any version does), or "not needed" (only the course's own Jupyter uses it).
    `ok` says the installed version is the pin; `usable` that the lessons hold with it.
    """

    package: str
    wanted: str
    installed: str | None
    ok: bool
    supported: str = "any"
    usable: bool = True

    @property
    def status(self) -> str:
        """The table's last column: pinned, ok (another version the lessons hold with), NO."""
        if self.ok:
            return "pinned"
        return "ok" if self.usable else "NO"

    @property
    def difference(self) -> str | None:
        """'keras 3.5.0 (pinned 3.15.1)' when the installed version is not the pin."""
        if self.ok:
            return None
        return f"{self.package} {self.installed or 'missing'} (pinned {self.wanted})"

    @property
    def problem(self) -> str | None:
        """A sentence naming why the lessons may not hold with this package, or None."""
        if self.usable:
            return None
        if self.installed is None:
            return f"{self.package} is missing (lstm-teach pins {self.wanted})"
        return (
            f"{self.package} is {self.installed}, outside the supported {self.supported} "
            f"(pinned {self.wanted})"
        )


@dataclass(frozen=True)
class PythonCheck:
    """The running Python's version against the range lstm-teach accepts."""

    wanted: str
    installed: str
    ok: bool


@dataclass(frozen=True)
class VersionReport:
    """Every applicable pin compared with what is installed, plus the Python check.

    `str(report)` is a table followed by the verdict. Both depend only on the pins, the
    range and the versions installed: no paths, and the Python version appears only when
    it is outside the accepted range.
    """

    rows: tuple[VersionRow, ...]
    python: PythonCheck
    distribution_found: bool = True

    @property
    def ok(self) -> bool:
        """True when lstm-teach is installed, Python fits and every package is its pin."""
        return self.distribution_found and self.python.ok and all(row.ok for row in self.rows)

    @property
    def standing(self) -> Standing:
        """Exactly the pins (the packages the lessons import are the pinned versions), within
        the supported range, or outside it."""
        if self.problems:
            return Standing.OUTSIDE
        if all(row.ok for row in self.rows if row.supported != "not needed"):
            return Standing.PINNED
        return Standing.SUPPORTED

    @property
    def usable(self) -> bool:
        """True when the lessons hold here: exactly the pins or within the supported range."""
        return self.standing is not Standing.OUTSIDE

    @property
    def failed(self) -> tuple[VersionRow, ...]:
        """The rows whose installed version is not the pin, or whose package is missing."""
        return tuple(row for row in self.rows if not row.ok)

    @property
    def problems(self) -> tuple[str, ...]:
        """One sentence per reason the lessons may not hold here, Python first."""
        found = []
        if not self.python.ok:
            found.append(
                f"Python {self.python.installed} is outside what lstm-teach accepts "
                f"({self.python.wanted}): use Python 3.11, 3.12 or 3.13"
            )
        if not self.distribution_found:
            found.append(
                f"{DISTRIBUTION} is not installed in this Python, so its pins cannot be read"
            )
        found.extend(row.problem for row in self.rows if row.problem)
        return tuple(found)

    @property
    def install_command(self) -> str | None:
        """The pip line that fixes every package the lessons cannot use: a ranged one
        (TensorFlow, Keras, NumPy) goes to its pin, a missing helper comes in any version."""
        wanted = [
            f'"{row.package}=={row.wanted}"' if row.supported != "any" else row.package
            for row in self.rows
            if not row.usable
        ]
        return f"%pip install {' '.join(wanted)}" if wanted else None

    @property
    def verdict(self) -> str:
        """What this standing means for the saved outputs, and outside it what to do."""
        standing = self.standing
        if standing is Standing.PINNED:
            return (
                "Exactly the pins: the packages the lessons use are the versions the saved "
                "outputs were made with, so your outputs will match them digit for digit."
            )
        if standing is Standing.SUPPORTED:
            lesson_rows = [row for row in self.rows if row.supported != "not needed"]
            ranged = [row for row in lesson_rows if row.supported != "any"]
            shown = [row for row in ranged if not row.ok] or lesson_rows
            differing = ", ".join(row.difference for row in shown if row.difference)
            return (
                f"Within the supported range: {differing}. The lessons and every check in "
                "them hold; the last digits of some printed numbers may differ from the "
                "saved outputs, which were made with the pins."
            )
        problems = self.problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        lines = [f"Outside the supported range, {count}: {'; '.join(problems)}."]
        if self.install_command and self.python.ok:
            lines += [
                "On Colab, Kaggle or a JupyterHub, run this line in a new cell,",
                f"    {self.install_command}",
                RESTART,
            ]
        lines.append(FIX_LOCAL)
        return "\n".join(lines)

    def table(self) -> str:
        """The rows as an aligned text table, followed by the Python line."""
        header = ("package", "pinned", "supported", "installed", "status")
        body = [
            (row.package, row.wanted, row.supported, row.installed or "missing", row.status)
            for row in self.rows
        ]
        widths = [max(len(line[column]) for line in [header, *body]) for column in range(5)]
        widths[0] = max(widths[0], PACKAGE_COLUMN)
        lines = [header, tuple("-" * width for width in widths), *body]
        text = [
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in lines
        ]
        text.append(f"Python {self.python.wanted}: {'yes' if self.python.ok else 'NO'}")
        return "\n".join(text)

    def wrapped_verdict(self) -> str:
        """The verdict wrapped to WIDTH columns; an indented command line stays whole."""
        return "\n".join(
            line if line.startswith("    ") else textwrap.fill(line, WIDTH)
            for line in self.verdict.splitlines()
        )

    def __str__(self) -> str:
        return f"{self.table()}\n{self.wrapped_verdict()}"

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


def _is_extra(requirement: Requirement, environment: dict[str, str]) -> bool:
    """True for a requirement of an extra (the test tools), not of the course itself."""
    return requirement.marker is not None and not requirement.marker.evaluate(
        {**environment, "extra": ""}
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


def supported_range(package: str) -> str | None:
    """The supported range of a package (any TensorFlow name), None if it has none."""
    return SUPPORTED.get("tensorflow" if package in TENSORFLOW_NAMES else package)


def oldest_supported() -> dict[str, str]:
    """The oldest end of the supported range, {'tensorflow': '2.18.0', ...}: what CI's
    second environment installs."""
    oldest = {}
    for package, text in SUPPORTED.items():
        lower = [spec.version for spec in SpecifierSet(text) if spec.operator == ">="]
        oldest[package] = lower[0]
    return oldest


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
    return PythonCheck(wanted=python_range_text(specifier), installed=installed,
                       ok=specifier.contains(version, True))


def python_range_text(specifier: SpecifierSet) -> str:
    """A Requires-Python range as people say it: ">=3.11,<3.14" is "3.11 to 3.13"."""
    bounds = {spec.operator: Version(spec.version) for spec in specifier}
    low, high = bounds.get(">="), bounds.get("<")
    if len(bounds) == 2 and low and high and high.micro == 0 and high.minor > 0 \
            and (low.major, low.minor) <= (high.major, high.minor - 1):
        return f"{low.major}.{low.minor} to {high.major}.{high.minor - 1}"
    return ",".join(sorted(str(spec) for spec in specifier))


def _lookup_or_none(lookup: Lookup, package: str) -> str | None:
    """lookup(package), with PackageNotFoundError read as missing and non-strings refused."""
    try:
        installed = lookup(package)
    except metadata.PackageNotFoundError:
        return None
    if installed is not None and not isinstance(installed, str):
        raise TypeError(
            f"lookup({package!r}) must return a version string or None, got {installed!r}"
        )
    return installed


def _row(requirement: Requirement, lookup: Lookup, extra: bool) -> VersionRow:
    """Compare one requirement with what is installed.

    A TensorFlow pinned under one name counts as installed under the other (Colab's
    `tensorflow` where Linux pins `tensorflow-cpu`): it is the same library.
    """
    package = requirement.name
    installed = _lookup_or_none(lookup, package)
    if installed is None and package in TENSORFLOW_NAMES:
        for other in TENSORFLOW_NAMES:
            found = _lookup_or_none(lookup, other) if other != package else None
            if found is not None:
                package, installed = other, found
                break
    ok = _matches(requirement.specifier, installed)
    supported = supported_range(package)
    if extra or package in LOCAL_ONLY:
        supported_text, usable = "not needed", True
    elif supported is None:
        supported_text, usable = "any", installed is not None
    else:
        supported_text, usable = supported, _matches(SpecifierSet(supported), installed)
    return VersionRow(
        package=package,
        wanted=_wanted(requirement.specifier),
        installed=installed,
        ok=ok,
        supported=supported_text,
        usable=usable or ok,
    )


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
    rows = tuple(
        _row(requirement, lookup, _is_extra(requirement, marker_environment))
        for requirement in parsed
        if _applies(requirement, marker_environment, extras)
    )
    return VersionReport(
        rows=rows,
        python=_python_check(_declared_python(distribution), python_version),
        distribution_found=found,
    )


def check_setup(**kwargs: Any) -> None:
    """Print this Python's standing in one paragraph; outside the supported range, raise.

    The first cell of every notebook calls it, so a notebook stops at its top with a
    clear message (and what to do) where its lessons may not hold, and runs on,
    saying whether its outputs will match the saved ones, everywhere else. Keyword
    arguments go to check_versions.
    """
    report = check_versions(**kwargs)
    if report.standing is Standing.OUTSIDE:
        raise VersionError(report.wrapped_verdict())
    print(report.wrapped_verdict())
