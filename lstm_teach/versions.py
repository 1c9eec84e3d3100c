"""Which package versions this Python runs, against what lstm-teach pins and supports.

Two promises are made about versions:

- the **pins**, exact versions in lstm_teach/pins.txt (shipped inside the package, so
  they are here however lstm-teach was installed): the notebooks' saved outputs were made
  with them, so where they are met a run reproduces those outputs digit for digit;
- the **supported range** of TensorFlow, Keras and NumPy: from the oldest version
  pyproject.toml declares (`keras>=3.5.0`, read back from the installed package's
  metadata) to the pinned minor series. CI runs every notebook at both ends: under nbval
  at the pins, and top to bottom at the oldest versions (tools/supported_range.py), and
  every assert in them holds, so the lessons hold, although the last digits of a printed
  number may differ.

`check_versions()` compares each pin that applies on this platform with the version
installed and places this Python in one of four standings: exactly the pins, within the
supported range, newer than tested, or outside (older than supported, or missing).
`check_setup()`, called by the first cell of every notebook, prints the standing; only
outside does it stop the notebook. A newer version is said in one line and the notebook
carries on: its asserts would catch a real break. Neither imports TensorFlow: they read
package metadata only.
"""

from __future__ import annotations

import enum
import importlib.metadata as metadata
import platform
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from lstm_teach._checks import flag
from lstm_teach.first_cell import CellStop

# One TensorFlow, published under a different name per platform; its range covers each,
# and a hosted service's `tensorflow` stands in for a pinned `tensorflow-cpu`.
TENSORFLOW_NAMES = ("tensorflow", "tensorflow-cpu")
#: Extras of pyproject.toml the lessons need (Keras' backend), and the course's own
#: Jupyter, which `python tasks.py lab` starts: the lessons never import it, and a hosted
#: service brings its own.
LESSON_EXTRAS = ("tensorflow",)
LOCAL_EXTRAS = ("lab",)

DISTRIBUTION = "lstm-teach"
PINS_FILE = "pins.txt"  # inside the package
FALLBACK_PYTHON = ">=3.11"  # pyproject.toml's requires-python, if metadata lacks it
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
PYTHON_CLASSIFIER = re.compile(r"^Programming Language :: Python :: (\d+)\.(\d+)$")

Lookup = Callable[[str], "str | None"]


class Standing(enum.Enum):
    """Where this Python stands, from best to worst."""

    PINNED = "exactly the pins"
    SUPPORTED = "within the supported range"
    NEWER = "newer than tested"
    OUTSIDE = "outside the supported range"


class VersionError(CellStop):
    """Raised by check_setup when this Python is outside the supported range; a notebook
    shows its message (the verdict and the fix) without a traceback."""


@dataclass(frozen=True)
class VersionRow:
    """One pinned package: the pin, the range the lessons hold in, and what is installed.

    `supported` is a version range such as ">=3.5.0,<3.16" (from the oldest supported to
    the pinned minor series, the newest tested), "any" (the package must be there, any
    version does), or "not needed" (only the course's own Jupyter or tools use it).
    `ok` says the installed version is the pin; `usable` that the lessons hold with it;
    `newer` that it is newer than the newest tested (still usable).

    Parameters
    ----------
    package : str
        The package's name as installed (a TensorFlow pinned under one name but
        installed under the other is shown under the installed name).
    wanted : str
        The pinned version, e.g. "3.15.1" (a pin that is not exact: its specifier).
    installed : str or None
        The installed version; None when the package is missing.
    ok : bool
        True when the installed version is the pinned one.
    supported : str
        The range the lessons hold in, "any" or "not needed", as above.
    usable : bool
        True when the lessons hold with the installed version (always so when it is
        the pin).
    newer : bool
        True when the installed version is newer than the newest tested; such a row
        is still usable.
    """

    package: str
    wanted: str
    installed: str | None
    ok: bool
    supported: str = "any"
    usable: bool = True
    newer: bool = False

    @property
    def status(self) -> str:
        """The table's last column: pinned, ok (another version the lessons hold with),
        newer (than tested), NO."""
        if self.ok:
            return "pinned"
        if not self.usable:
            return "NO"
        return "newer" if self.newer else "ok"

    @property
    def difference(self) -> str | None:
        """'keras 3.5.0 (pinned 3.15.1)' when the installed version is not the pin."""
        if self.ok:
            return None
        return f"{self.package} {self.installed or 'missing'} (pinned {self.wanted})"

    @property
    def tested_up_to(self) -> str:
        """'2.4.x' for a range ending '<2.5': the newest minor series tested."""
        return _newest_series(self.supported)

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
    """The running Python's version against the range lstm-teach accepts and the
    Pythons it is tested with ("3.11 to 3.13").

    Parameters
    ----------
    wanted : str
        The Pythons tested, as people say it ("3.11 to 3.13", from the package's
        classifiers), or the accepted range in words where no classifier names one.
    installed : str
        The version of the Python judged, e.g. "3.12.4".
    ok : bool
        True when that version is within the range lstm-teach declares (Requires-Python).
    newer : bool
        True when its minor series is newer than the newest Python tested.
    """

    wanted: str
    installed: str
    ok: bool
    newer: bool = False


@dataclass(frozen=True)
class VersionReport:
    """Every applicable pin compared with what is installed, plus the Python check.

    `str(report)` is a table followed by the verdict. Both depend only on the pins, the
    range and the versions installed: no paths, and the Python version appears only when
    it is outside the tested range.

    Parameters
    ----------
    rows : tuple of VersionRow
        One row per pin compared: those that apply on this platform, of packages the
        lessons or the course's own Jupyter need (every pin, if the tools' were asked).
    python : PythonCheck
        The running (or given) Python against the range accepted and the Pythons tested.
    distribution_found : bool
        False when the lstm-teach distribution is not installed in this Python, so what
        it declares could not be read; this alone puts the report outside.
    """

    rows: tuple[VersionRow, ...]
    python: PythonCheck
    distribution_found: bool = True

    @property
    def ok(self) -> bool:
        """True when lstm-teach is installed, Python fits and every package is its pin."""
        return (
            self.distribution_found and self.python.ok and not self.python.newer
            and all(row.ok for row in self.rows)
        )

    @property
    def newer(self) -> tuple[str, ...]:
        """'numpy 2.5.0 (tested up to 2.4.x)' for each package (and Python) newer than
        the newest tested."""
        found = [
            f"{row.package} {row.installed} (tested up to {row.tested_up_to})"
            for row in self.rows if row.usable and row.newer
        ]
        if self.python.ok and self.python.newer:
            tested = self.python.wanted.split(" to ")[-1]
            found.insert(0, f"Python {self.python.installed} (tested up to {tested})")
        return tuple(found)

    @property
    def standing(self) -> Standing:
        """Outside (a problem), newer than tested, exactly the pins (the packages the
        lessons import are the pinned versions), or within the supported range."""
        if self.problems:
            return Standing.OUTSIDE
        if self.newer:
            return Standing.NEWER
        if all(row.ok for row in self.rows if row.supported != "not needed"):
            return Standing.PINNED
        return Standing.SUPPORTED

    @property
    def usable(self) -> bool:
        """True when the notebooks run on here: every standing but outside."""
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
                f"Python {self.python.installed} is older than lstm-teach supports "
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
        if standing is Standing.NEWER:
            return (
                f"Newer than tested: {', '.join(self.newer)}. The notebook carries on; "
                "its checks stop it if a lesson no longer holds."
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
        """The rows as an aligned text table, followed by the Python line.

        Returns
        -------
        str
            Columns package, pinned, supported, installed and status, one line per row,
            then "Python <tested>: yes", "newer" or "NO".
        """
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
        python = "NO" if not self.python.ok else "newer" if self.python.newer else "yes"
        text.append(f"Python {self.python.wanted}: {python}")
        return "\n".join(text)

    def wrapped_verdict(self) -> str:
        """The verdict wrapped to WIDTH columns; an indented command line stays whole,
        and the one line of a newer-than-tested verdict too.

        Returns
        -------
        str
            The verdict ready to print, as `check_setup` prints it or raises it.
        """
        if self.standing is Standing.NEWER:
            return self.verdict
        return "\n".join(
            line if line.startswith("    ") else textwrap.fill(line, WIDTH)
            for line in self.verdict.splitlines()
        )

    def __str__(self) -> str:
        return f"{self.table()}\n{self.wrapped_verdict()}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Show the table and verdict when the report is the last expression of a cell."""
        printer.text(str(self))


# --- what lstm-teach declares ----------------------------------------------------------------


def packaged_pins() -> list[str]:
    """The pins of lstm_teach/pins.txt, the one lock file, as requirement strings.

    The file ships inside the package, so the pins can be read however lstm-teach was
    installed.

    Returns
    -------
    list of str
        One requirement per pin, in the file's order, e.g. "numpy==2.4.6" or one with
        a platform marker; comments and option lines (starting with "-") are left out.
    """
    text = files("lstm_teach").joinpath(PINS_FILE).read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")):
            lines.append(line)
    return lines


def _installed_version(package: str) -> str | None:
    """The installed version of a distribution, or None when it is not installed."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _declared(distribution: str) -> tuple[list[str] | None, str, list[str]]:
    """An installed distribution's Requires-Dist lines (None if it is not installed), its
    Requires-Python (the course's own range if unknown) and its Python classifiers."""
    try:
        found = metadata.metadata(distribution)
        requires = list(metadata.requires(distribution) or [])
    except metadata.PackageNotFoundError:
        return None, FALLBACK_PYTHON, []
    python = found.get("Requires-Python") or FALLBACK_PYTHON
    return requires, python, found.get_all("Classifier") or []


def _parse(requirement: object, argument: str = "requirements") -> Requirement:
    """A Requirement from one string, with a message naming the string if it is not one."""
    if not isinstance(requirement, str):
        raise TypeError(
            f"{argument} must hold strings such as 'numpy==2.4.6', got {requirement!r}"
        )
    try:
        return Requirement(requirement)
    except InvalidRequirement as error:
        raise ValueError(
            f"{argument} holds {requirement!r}, which is not a valid requirement "
            f"such as 'numpy==2.4.6' ({error})"
        ) from error


def _strings(value: object, argument: str, example: str) -> list[object]:
    """A list from an iterable of strings; a lone string or a non-iterable is refused."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"{argument} must be a list of strings such as [{example!r}], "
                        f"got {value!r}")
    return list(value)


def _extra_of(requirement: Requirement) -> str:
    """The extra a Requires-Dist line belongs to ('' for the base requirements)."""
    marker = str(requirement.marker or "")
    found = re.search(r"""extra\s*==\s*["']([^"']+)["']""", marker)
    return found.group(1) if found else ""


def _key(package: str) -> str:
    """The name a range is kept under: 'tensorflow' for either TensorFlow."""
    name = canonicalize_name(package)
    return "tensorflow" if name in TENSORFLOW_NAMES else name


def _pin_version(requirement: Requirement) -> str:
    """'2.4.6' for an exact pin ==2.4.6, otherwise the specifier as written."""
    specs = list(requirement.specifier)
    if len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version:
        return specs[0].version
    return str(requirement.specifier) or "any"


def _next_series(version: str) -> str:
    """'2.5' for '2.4.6': the first minor series after the pinned one."""
    release = Version(version).release
    return f"{release[0]}.{(release[1] if len(release) > 1 else 0) + 1}"


def _newest_series(supported: str) -> str:
    """'2.21.x' for '>=2.18.0,<2.22': the newest minor series a '<X.Y' bound admits."""
    try:
        uppers = [spec.version for spec in SpecifierSet(supported) if spec.operator == "<"]
    except InvalidSpecifier:
        return supported
    if len(uppers) == 1 and re.fullmatch(r"\d+\.[1-9]\d*", uppers[0]):
        major, minor = uppers[0].split(".")
        return f"{major}.{int(minor) - 1}.x"
    return supported


def supported_ranges(
    requirements: Iterable[str] | None = None, pins: Iterable[str] | None = None,
) -> dict[str, str]:
    """{'tensorflow': '>=2.18.0,<2.22', 'keras': ..., 'numpy': ...}: each package the
    lessons need from a declared oldest version (`keras>=3.5.0`) up to its pinned minor
    series, the newest tested. Defaults: the installed lstm-teach's metadata and pins.

    Parameters
    ----------
    requirements : iterable of str, optional
        Requires-Dist strings to read the oldest versions from; only the base
        requirements and the lessons' extras count. None reads those the installed
        lstm-teach declares (none if it is not installed).
    pins : iterable of str, optional
        Pins to take each range's newest series from; None reads lstm_teach/pins.txt.

    Returns
    -------
    dict of str to str
        A range for each package that has both a declared oldest version and a pin,
        keyed by its canonical name ('tensorflow' for either TensorFlow name).
    """
    if requirements is None:
        requirements = _declared(DISTRIBUTION)[0] or []
    pinned = {
        _key(requirement.name): _pin_version(requirement)
        for requirement in map(Requirement, packaged_pins() if pins is None else pins)
    }
    ranges = {}
    for requirement in map(Requirement, requirements):
        if _extra_of(requirement) not in ("", *LESSON_EXTRAS):
            continue
        floors = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        key = _key(requirement.name)
        if floors and key in pinned:
            ranges[key] = f">={floors[0]},<{_next_series(pinned[key])}"
    return ranges


def supported_range(package: str) -> str | None:
    """The supported range of a package (any TensorFlow name), None if it has none.

    Parameters
    ----------
    package : str
        A package name, e.g. "keras" or "tensorflow-cpu".

    Returns
    -------
    str or None
        Its range from `supported_ranges()`, e.g. ">=3.5.0,<3.16".
    """
    return supported_ranges().get(_key(package))


def oldest_supported(ranges: Mapping[str, str] | None = None) -> dict[str, str]:
    """The oldest end of the supported range, {'tensorflow': '2.18.0', ...}: what CI's
    second environment installs.

    Parameters
    ----------
    ranges : mapping of str to str, optional
        Ranges such as `supported_ranges()` gives, each with a ">=" bound; None reads
        `supported_ranges()`.

    Returns
    -------
    dict of str to str
        Each package's lowest supported version, the range's ">=" bound.
    """
    oldest = {}
    for package, text in (supported_ranges() if ranges is None else ranges).items():
        lower = [spec.version for spec in SpecifierSet(text) if spec.operator == ">="]
        oldest[package] = lower[0]
    return oldest


def __getattr__(name: str) -> Any:
    """SUPPORTED, read from what the installed lstm-teach declares whenever it is asked."""
    if name == "SUPPORTED":
        return supported_ranges()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- Python ------------------------------------------------------------------------------------


def pythons_tested(classifiers: Iterable[str]) -> list[tuple[int, int]]:
    """The Pythons named by 'Programming Language :: Python :: 3.12' classifiers, in order.

    Parameters
    ----------
    classifiers : iterable of str
        Trove classifiers, as a package's metadata lists them; the others are ignored.

    Returns
    -------
    list of tuple of int
        Each (major, minor) named, once, oldest first.
    """
    found = set()
    for classifier in classifiers:
        matched = PYTHON_CLASSIFIER.match(classifier)
        if matched:
            found.add((int(matched.group(1)), int(matched.group(2))))
    return sorted(found)


def _python_check(wanted: str, installed: str, tested: list[tuple[int, int]]) -> PythonCheck:
    """Compare a Python version string with a Requires-Python range and the Pythons tested."""
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
    if tested:
        low, high = tested[0], tested[-1]
        shown = f"{low[0]}.{low[1]} to {high[0]}.{high[1]}" if low != high else f"{low[0]}.{low[1]}"
        newer = version.release[:2] > high
    else:
        shown, newer = python_range_text(specifier), False
    return PythonCheck(wanted=shown, installed=installed,
                       ok=specifier.contains(version, True), newer=newer)


def python_range_text(specifier: SpecifierSet) -> str:
    """A Requires-Python range as people say it: ">=3.11,<3.14" is "3.11 to 3.13",
    ">=3.11,<3.13,<3.14" "3.11 to 3.12" (the tightest bounds), ">=3.11" "3.11 or newer".

    Parameters
    ----------
    specifier : packaging.specifiers.SpecifierSet
        The range, e.g. SpecifierSet(">=3.11,<3.14").

    Returns
    -------
    str
        The range in words; any other range comes back as its specifiers, sorted and
        joined by commas.
    """
    operators = {spec.operator for spec in specifier}
    lows = [Version(spec.version) for spec in specifier if spec.operator == ">="]
    highs = [Version(spec.version) for spec in specifier if spec.operator == "<"]
    if lows and operators <= {">=", "<"}:
        low = max(lows)
        if not highs:
            return f"{low.major}.{low.minor} or newer"
        high = min(highs)
        if high.release[2:] in [(), (0,)] and high.minor > 0 \
                and (low.major, low.minor) <= (high.major, high.minor - 1):
            return f"{low.major}.{low.minor} to {high.major}.{high.minor - 1}"
    return ",".join(sorted(str(spec) for spec in specifier))


# --- comparing ------------------------------------------------------------------------------


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


def _version(text: str | None) -> Version | None:
    try:
        return None if text is None else Version(text)
    except InvalidVersion:
        return None


def _row(pin: Requirement, lookup: Lookup, supported: str | None, needed: bool) -> VersionRow:
    """Compare one pin with what is installed.

    A TensorFlow pinned under one name counts as installed under the other (Colab's
    `tensorflow` where Linux pins `tensorflow-cpu`): it is the same library.
    """
    package = pin.name
    installed = _lookup_or_none(lookup, package)
    if installed is None and package in TENSORFLOW_NAMES:
        for other in TENSORFLOW_NAMES:
            found = _lookup_or_none(lookup, other) if other != package else None
            if found is not None:
                package, installed = other, found
                break
    wanted = _pin_version(pin)
    version = _version(installed)
    ok = version is not None and version == _version(wanted)
    newer = False
    if not needed:
        supported_text, usable = "not needed", True
    elif supported is None:
        supported_text, usable = "any", installed is not None
    else:
        supported_text = supported
        within = version is not None and SpecifierSet(supported).contains(version, True)
        floor = [Version(spec.version) for spec in SpecifierSet(supported) if spec.operator == ">="]
        usable = within or (version is not None and version >= floor[0])
        newer = usable and not within
    return VersionRow(
        package=package, wanted=wanted, installed=installed, ok=ok,
        supported=supported_text, usable=usable or ok, newer=newer and not ok,
    )


def check_versions(
    *,
    include_test: bool = False,
    lookup: Lookup | None = None,
    requirements: Iterable[str] | None = None,
    pins: Iterable[str] | None = None,
    environment: Mapping[str, str] | None = None,
    python_version: str | None = None,
    distribution: str = DISTRIBUTION,
) -> VersionReport:
    """Compare every package lstm-teach pins with the version installed here.

    Only pins whose platform marker holds here are compared, and only those of packages
    the lessons or the course's own Jupyter need, unless `include_test` asks for every
    other pin (the tools') too. Nothing is imported: versions are read from package metadata. Every
    argument but `include_test` exists so the check can be tested without changing the
    machine.

    Parameters
    ----------
    include_test : bool
        Also check the pins of the tools (pytest, nbval, voila, ...).
    lookup : callable, optional
        Package name → installed version, or None (or PackageNotFoundError) if missing;
        defaults to importlib.metadata.version.
    requirements : iterable of str, optional
        Requires-Dist strings to read the groups and oldest versions from, instead of
        those `distribution` declares (e.g. 'keras>=3.5.0', 'jupyterlab; extra == "lab"').
    pins : iterable of str, optional
        Pins to compare with instead of lstm_teach/pins.txt.
    environment : mapping of str to str, optional
        Marker variables overriding this platform's, e.g.
        {"sys_platform": "darwin", "platform_machine": "arm64"}.
    python_version : str, optional
        The Python version to judge instead of the running one.
    distribution : str
        The installed distribution whose requirements, Requires-Python and classifiers
        are read.

    Returns
    -------
    VersionReport
        The rows compared and the Python check; its `standing` and `verdict` say what
        they mean.

    Raises
    ------
    TypeError
        An argument is of the wrong kind: `include_test` not True or False, `lookup` not
        callable, `environment` not a mapping, `distribution` not a non-empty string,
        `python_version` not a string, `requirements` or `pins` not a list of strings;
        or `lookup` returns something other than a string or None.
    ValueError
        A requirement or pin is not a valid requirement, `python_version` is not a
        version, or the Requires-Python read is not a version range.
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

    declared, requires_python, classifiers = _declared(distribution)
    found = declared is not None
    if requirements is None:
        requirements = declared or []
    else:
        requirements = _strings(requirements, "requirements", "keras>=3.5.0")
    pins = packaged_pins() if pins is None else _strings(pins, "pins", "numpy==2.4.6")
    parsed = [_parse(line) for line in requirements]
    parsed_pins = [_parse(line, "pins") for line in pins]

    groups: dict[str, set[str]] = {}
    for requirement in parsed:
        groups.setdefault(_extra_of(requirement), set()).add(_key(requirement.name))
    lessons = set().union(*(groups.get(extra, set()) for extra in ("", *LESSON_EXTRAS)))
    local = set().union(*(groups.get(extra, set()) for extra in LOCAL_EXTRAS))
    ranges = supported_ranges([str(requirement) for requirement in parsed],
                              [str(pin) for pin in parsed_pins])

    marker_environment = {**default_environment(), **(environment or {}), "extra": ""}
    rows = []
    for pin in parsed_pins:
        if pin.marker is not None and not pin.marker.evaluate(marker_environment):
            continue
        key = _key(pin.name)
        if key not in lessons | local and not include_test:
            continue
        rows.append(_row(pin, lookup, ranges.get(key), key in lessons))
    return VersionReport(
        rows=tuple(rows),
        python=_python_check(requires_python, python_version, pythons_tested(classifiers)),
        distribution_found=found,
    )


def check_setup(**kwargs: Any) -> None:
    """Print this Python's standing; outside the supported range, raise.

    The first cell of every notebook calls it, so a notebook stops at its top with a
    clear message (and what to do) where its lessons may not hold, says in one line where
    a package is newer than tested, and runs on, saying whether its outputs will match the
    saved ones, everywhere else. Keyword arguments go to check_versions.

    Parameters
    ----------
    **kwargs
        Passed to `check_versions` unchanged (e.g. `include_test=True`).

    Raises
    ------
    VersionError
        This Python is outside the supported range; the message is the verdict, with
        what to do.
    TypeError, ValueError
        From `check_versions`, for arguments it refuses.
    """
    report = check_versions(**kwargs)
    if report.standing is Standing.OUTSIDE:
        raise VersionError(report.wrapped_verdict())
    print(report.wrapped_verdict())
