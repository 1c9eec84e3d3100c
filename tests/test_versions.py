"""check_versions: the installed packages against the pins of pyproject.toml and the
supported range; check_setup, the first cell of every notebook."""

from __future__ import annotations

import importlib.metadata as metadata
import json
import os
import platform
import re
import sys
import tomllib
from collections import OrderedDict
from pathlib import Path

import pytest
from IPython.lib.pretty import pretty
from nbval.plugin import get_sanitize_patterns
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from lstm_teach.versions import (
    TENSORFLOW_NAMES,
    Standing,
    VersionError,
    VersionReport,
    check_setup,
    check_versions,
    oldest_supported,
    python_range_text,
    supported_ranges,
)
from tools.platforms import TENSORFLOW_BY_PLATFORM
from tools.pyproject import metadata_requirements, read_pins

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SANITIZE = ROOT / "notebooks" / "nbval_sanitize.cfg"
START_HERE = ROOT / "notebooks" / "00_start_here.ipynb"
#: What pyproject.toml declares, as pip writes it into the metadata, and the lock file:
#: the fake-environment tests check these rather than the installed metadata, so they do
#: not depend on how recently `pip install -e .` ran.
REQUIREMENTS = metadata_requirements(PYPROJECT)
PIN_LINES = read_pins(ROOT)
SUPPORTED = supported_ranges(REQUIREMENTS, PIN_LINES)
LOCAL_ONLY = {
    Requirement(line).name for line in PYPROJECT["project"]["optional-dependencies"]["lab"]
}


def pyproject_pins(*, extras: bool) -> dict[str, str]:
    """name → pinned version: the lessons' packages and the course's own Jupyter, or with
    extras every pin (markers ignored)."""
    groups = PYPROJECT["project"]
    wanted = {Requirement(line).name for line in groups["dependencies"]}
    for extra in ("tensorflow", "lab"):
        wanted |= {Requirement(line).name for line in groups["optional-dependencies"][extra]}
    pins = {}
    for line in PIN_LINES:
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", line
        if extras or requirement.name in wanted:
            pins[requirement.name] = specifier.version
    return pins


PINS = pyproject_pins(extras=False)
TENSORFLOW = PINS["tensorflow-cpu"]
assert PINS["tensorflow"] == TENSORFLOW  # one version under both names


def tensorflow_for(sys_platform: str, machine: str) -> str | None:
    """Which TensorFlow distribution the course wants on a platform (README's table);
    None where TensorFlow 2.21 has no wheel and tasks.py refuses the platform."""
    return TENSORFLOW_BY_PLATFORM.get((sys_platform, machine))


def spoken_tested() -> str:
    """The Pythons of pyproject.toml's classifiers as people say them, "3.11 to 3.13",
    worked out here by hand."""
    minors = sorted(
        int(found.group(1)) for classifier in PYPROJECT["project"]["classifiers"]
        if (found := re.fullmatch(r"Programming Language :: Python :: 3\.(\d+)", classifier))
    )
    return f"3.{minors[0]} to 3.{minors[-1]}"


def fake_lookup(installed: dict[str, str | None]):
    """A lookup answering from a dict; names not in it are missing, like importlib."""

    def lookup(package: str) -> str:
        version = installed.get(package)
        if version is None:
            raise metadata.PackageNotFoundError(package)
        return version

    return lookup


def fake_check(installed: dict[str, str | None], **kwargs: object) -> VersionReport:
    """check_versions on this checkout's declarations and pins with a faked set of
    installed versions."""
    kwargs.setdefault("environment", LINUX)
    return check_versions(
        lookup=fake_lookup(installed), requirements=REQUIREMENTS, pins=PIN_LINES, **kwargs
    )


def all_pinned() -> dict[str, str | None]:
    """Every runtime pin installed, TensorFlow under both of its names."""
    return {**PINS}


def hosted(**versions: str | None) -> dict[str, str | None]:
    """A hosted service's packages: TensorFlow under its plain name, no JupyterLab or
    jsonschema, and any of `versions` replaced (tensorflow=... for TensorFlow)."""
    installed = {name: version for name, version in PINS.items() if name not in LOCAL_ONLY}
    installed.pop("tensorflow-cpu")
    installed["ipykernel"] = "5.5.6"
    installed.update(versions)
    return installed


def below(version: str) -> str:
    """A version just below `version`: 3.5.0 → 3.4.99, 1.26.1 → 1.26.0."""
    major, minor, micro = (*Version(version).release, 0, 0)[:3]
    if micro:
        return f"{major}.{minor}.{micro - 1}"
    return f"{major}.{minor - 1}.99" if minor else f"{major - 1}.99.99"


def next_minor(version: str) -> str:
    """The first release of the minor series after `version`'s: 3.15.1 → 3.16.0."""
    major, minor = Version(version).release[:2]
    return f"{major}.{minor + 1}.0"


LINUX = {"sys_platform": "linux", "platform_machine": "x86_64"}
MAC = {"sys_platform": "darwin", "platform_machine": "arm64"}
WINDOWS = {"sys_platform": "win32", "platform_machine": "AMD64"}
ARM_LINUX = {"sys_platform": "linux", "platform_machine": "aarch64"}


# --- the real environment -------------------------------------------------------------


def test_this_environment_matches_every_pin():
    report = check_versions()
    assert report.ok, str(report)
    assert report.standing is Standing.PINNED and report.usable
    assert report.verdict.startswith("Exactly the pins")
    wanted_tf = tensorflow_for(sys.platform, platform.machine())
    expected = {name for name in PINS if not name.startswith("tensorflow")} | {wanted_tf}
    assert {row.package for row in report.rows} == expected
    for row in report.rows:
        assert row.wanted == PINS[row.package]
        assert row.installed == metadata.version(row.package) == row.wanted
        assert row.ok and row.usable and row.status == "pinned"


def test_this_environment_also_has_the_test_pins():
    report = check_versions(include_test=True)
    assert report.ok, str(report)
    pins = pyproject_pins(extras=True)
    assert {"pytest", "nbval", "ruff", "build", "twine"} <= {row.package for row in report.rows}
    assert len(report.rows) == len(pins) - 1  # one TensorFlow of the two applies
    by_name = {row.package: row for row in report.rows}
    assert by_name["pytest"].supported == "not needed"


def test_the_table_holds_nothing_machine_specific():
    text = str(check_versions(include_test=True))
    assert text == str(check_versions(include_test=True))
    for machine_specific in [sys.prefix, str(ROOT), os.sep, platform.python_version()]:
        assert machine_specific not in text
    assert "\\" not in text


def test_printing_the_report_shows_the_table_and_verdict():
    report = check_versions()
    lines = str(report).splitlines()
    assert lines[0].split() == ["package", "pinned", "supported", "installed", "status"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    python_line = 2 + len(report.rows)
    assert lines[python_line] == f"Python {spoken_tested()}: yes"
    assert " ".join(lines[python_line + 1:]) == report.verdict
    assert all(len(line) <= 88 for line in lines[python_line + 1:])
    assert pretty(report) == str(report)


def test_check_setup_prints_the_standing_here(capsys):
    check_setup()
    printed = capsys.readouterr().out
    assert printed.startswith("Exactly the pins:")
    assert " ".join(printed.split()) == " ".join(check_versions().verdict.split())


# --- the supported range ------------------------------------------------------------------


def test_the_range_covers_tensorflow_keras_and_numpy_from_an_oldest_to_the_pins():
    assert set(SUPPORTED) == {"tensorflow", "keras", "numpy"}
    oldest = oldest_supported()
    assert set(oldest) == set(SUPPORTED)
    for package, text in SUPPORTED.items():
        operators = sorted(spec.operator for spec in SpecifierSet(text))
        assert operators == ["<", ">="], f"{package}: {text} needs a lower and an upper end"
        pin = TENSORFLOW if package == "tensorflow" else PINS[package]
        assert SpecifierSet(text).contains(pin), f"the pin {pin} lies outside {text}"
        assert SpecifierSet(text).contains(oldest[package])
        assert Version(oldest[package]) < Version(pin)
        # nothing newer than the pinned minor series is tested, so none is promised
        assert not SpecifierSet(text).contains(next_minor(pin))
        assert not SpecifierSet(text).contains(below(oldest[package]))


def test_the_oldest_end_is_tensorflow_2_18_with_what_it_accepts():
    """The oldest combination is TensorFlow 2.18.0, as hosted services shipped it; its
    Keras and NumPy are the oldest that TensorFlow 2.18.0 declares it accepts
    (keras>=3.5.0, numpy>=1.26.0 in its wheel's metadata)."""
    assert oldest_supported() == {"tensorflow": "2.18.0", "keras": "3.5.0", "numpy": "1.26.0"}


def test_the_pins_on_a_hosted_service_are_exactly_the_pins():
    """Colab with the pinned TensorFlow, Keras and NumPy reproduces the saved outputs even
    without JupyterLab and with its own kernel: those are not needed for the lessons."""
    report = fake_check(hosted(tensorflow=TENSORFLOW))
    assert report.standing is Standing.PINNED
    assert not report.ok  # but it is not the environment `tasks.py lab` builds
    rows = {row.package: row for row in report.rows}
    assert rows["jupyterlab"].installed is None and rows["jupyterlab"].status == "ok"
    assert rows["tensorflow"].status == "pinned"


def test_the_oldest_versions_on_a_hosted_service_are_within_the_range():
    oldest = oldest_supported()
    report = fake_check(
        hosted(tensorflow=oldest["tensorflow"], keras=oldest["keras"], numpy=oldest["numpy"])
    )
    assert report.standing is Standing.SUPPORTED and report.usable and not report.ok
    rows = {row.package: row for row in report.rows}
    assert set(rows) >= {"tensorflow", "keras", "numpy"} and "tensorflow-cpu" not in rows
    for name in ("tensorflow", "keras", "numpy"):
        assert rows[name].installed == oldest[name]
        assert rows[name].status == "ok" and rows[name].supported == SUPPORTED[name]
    verdict = report.verdict
    assert verdict.startswith("Within the supported range: ")
    for name in ("tensorflow", "keras", "numpy"):
        wanted = TENSORFLOW if name == "tensorflow" else PINS[name]
        assert f"{name} {oldest[name]} (pinned {wanted})" in verdict
    assert "last digits" in verdict and "jupyterlab" not in verdict
    assert report.install_command is None


@pytest.mark.parametrize("name", ["tensorflow", "keras", "numpy"])
def test_the_newest_patch_of_the_pinned_series_is_within_the_range(name):
    pin = TENSORFLOW if name == "tensorflow" else PINS[name]
    major, minor = Version(pin).release[:2]
    report = fake_check(hosted(**{"tensorflow": TENSORFLOW, name: f"{major}.{minor}.99"}))
    assert report.standing is Standing.SUPPORTED


@pytest.mark.parametrize("name", ["tensorflow", "keras", "numpy"])
def test_a_version_older_than_supported_is_outside_and_named_with_its_fix(name):
    pin = TENSORFLOW if name == "tensorflow" else PINS[name]
    version = below(oldest_supported()[name])
    report = fake_check(hosted(**{"tensorflow": TENSORFLOW, name: version}))
    assert report.standing is Standing.OUTSIDE and not report.usable
    assert [row.package for row in report.rows if not row.usable] == [name]
    assert report.problems == (
        f"{name} is {version}, outside the supported {SUPPORTED[name]} (pinned {pin})",
    )
    assert report.install_command == f'%pip install "{name}=={pin}"'
    verdict = report.verdict
    assert verdict.startswith("Outside the supported range, 1 problem: ")
    assert f"\n    {report.install_command}\n" in verdict
    assert "restart the kernel" in verdict and "python tasks.py lab" in verdict


def test_check_setup_stops_outside_the_range_with_the_verdict():
    installed = hosted(tensorflow=TENSORFLOW, keras=below(oldest_supported()["keras"]))
    with pytest.raises(VersionError) as raised:
        check_setup(lookup=fake_lookup(installed), requirements=REQUIREMENTS, pins=PIN_LINES,
                    environment=LINUX)
    message = str(raised.value)
    assert message.startswith("Outside the supported range")
    assert f'    %pip install "keras=={PINS["keras"]}"' in message.splitlines()
    assert all(len(line) <= 88 for line in message.splitlines())


def test_check_setup_carries_on_within_the_range(capsys):
    oldest = oldest_supported()
    check_setup(lookup=fake_lookup(hosted(tensorflow=oldest["tensorflow"])),
                requirements=REQUIREMENTS, pins=PIN_LINES, environment=LINUX)
    assert capsys.readouterr().out.startswith("Within the supported range: tensorflow")


def test_a_missing_tensorflow_is_outside_and_the_platforms_build_is_proposed():
    installed = hosted()
    installed.pop("tensorflow")
    report = fake_check(installed)
    assert report.standing is Standing.OUTSIDE
    assert report.install_command == f'%pip install "tensorflow-cpu=={TENSORFLOW}"'
    on_mac = fake_check(installed, environment=MAC)
    assert on_mac.install_command == f'%pip install "tensorflow=={TENSORFLOW}"'


def test_a_missing_helper_is_outside_and_comes_in_any_version():
    installed = hosted(tensorflow=TENSORFLOW, ipywidgets=None)
    report = fake_check(installed)
    assert report.standing is Standing.OUTSIDE
    assert report.problems == (f"ipywidgets is missing (lstm-teach pins {PINS['ipywidgets']})",)
    assert report.install_command == "%pip install ipywidgets"


def test_another_version_of_a_helper_is_within_the_range():
    report = fake_check(hosted(tensorflow=TENSORFLOW, matplotlib="3.7.5"))
    assert report.standing is Standing.SUPPORTED
    assert report.verdict.startswith(
        f"Within the supported range: matplotlib 3.7.5 (pinned {PINS['matplotlib']})."
    )


# --- the first cell's check at, inside, above and below the range (issue 19, item 5) -------


def versions_around(name: str) -> dict[str, list[str]]:
    """Version strings a hosted service may report, by where they lie: below the oldest
    supported, inside the range, above the newest tested; pre-releases, post-releases,
    development and local versions included."""
    oldest = oldest_supported()[name]
    pin = TENSORFLOW if name == "tensorflow" else PINS[name]
    major, minor = Version(pin).release[:2]
    following = next_minor(pin)
    return {
        "below": [below(oldest), f"{oldest}rc1", f"{oldest}.dev0", f"{below(oldest)}+local"],
        "inside": [oldest, f"{oldest}+cpu", pin, f"{pin}.post1", f"{pin}+local",
                   f"{major}.{minor}.99", f"{major}.{minor}.99rc1"],
        "above": [following, f"{following}rc1", f"{following}.dev3", f"{following}+local",
                  f"{major + 1}.0.0", f"{major}.{minor + 7}.2"],
    }


CASES = [
    (name, where, version)
    for name in ("tensorflow", "keras", "numpy")
    for where, versions in versions_around(name).items()
    for version in versions
]


@pytest.mark.parametrize(("name", "where", "version"), CASES,
                         ids=[f"{name}-{where}-{version}" for name, where, version in CASES])
def test_the_first_cell_stops_below_the_range_and_carries_on_above_it(name, where, version,
                                                                        capsys):
    pin = TENSORFLOW if name == "tensorflow" else PINS[name]
    installed = hosted(**{"tensorflow": TENSORFLOW, name: version})
    arguments = {"lookup": fake_lookup(installed), "requirements": REQUIREMENTS,
                 "pins": PIN_LINES, "environment": LINUX}
    if where == "below":
        with pytest.raises(VersionError) as raised:
            check_setup(**arguments)
        said = str(raised.value)
        assert said.startswith(f"Outside the supported range, 1 problem: {name} is {version}")
        assert f'    %pip install "{name}=={pin}"' in said.splitlines()
        assert capsys.readouterr().out == ""
        return
    check_setup(**arguments)
    printed = capsys.readouterr().out
    if where == "inside":
        expected = "Exactly the pins:" if version == pin else "Within the supported range: "
        assert printed.startswith(expected)
        assert version == pin or f"{name} {version} (pinned {pin})" in " ".join(printed.split())
    else:
        series = ".".join(pin.split(".")[:2])
        assert printed.splitlines() == [
            f"Newer than tested: {name} {version} (tested up to {series}.x). The notebook "
            "carries on; its checks stop it if a lesson no longer holds."
        ]


def test_newer_than_tested_names_every_newer_package_and_shows_it_in_the_table():
    installed = hosted(tensorflow=next_minor(TENSORFLOW), numpy=next_minor(PINS["numpy"]),
                       keras=oldest_supported()["keras"])
    report = fake_check(installed)
    assert report.standing is Standing.NEWER and report.usable and not report.ok
    assert report.install_command is None and report.problems == ()
    rows = {row.package: row for row in report.rows}
    assert (rows["tensorflow"].status, rows["numpy"].status, rows["keras"].status) == (
        "newer", "newer", "ok"
    )
    assert report.verdict.startswith(
        f"Newer than tested: numpy {next_minor(PINS['numpy'])} (tested up to "
    )
    assert f"tensorflow {next_minor(TENSORFLOW)}" in report.verdict
    assert "\n" not in report.wrapped_verdict()


def test_a_missing_package_still_stops_whatever_else_is_newer():
    installed = hosted(tensorflow=next_minor(TENSORFLOW), keras=None)
    report = fake_check(installed)
    assert report.standing is Standing.OUTSIDE
    assert report.problems == (f"keras is missing (lstm-teach pins {PINS['keras']})",)


# --- fake installed versions ------------------------------------------------------------


def test_fake_environment_with_every_pin_is_ok():
    report = fake_check(all_pinned())
    assert report.ok and report.standing is Standing.PINNED
    assert [row.package for row in report.rows][:2] == ["numpy", "matplotlib"]
    assert report.failed == ()


def test_a_wrong_and_a_missing_package_fail_and_are_named():
    numpy = below(oldest_supported()["numpy"])
    installed = {**all_pinned(), "numpy": numpy, "keras": None}
    report = fake_check(installed)
    assert not report.ok and report.standing is Standing.OUTSIDE
    assert [row.package for row in report.failed] == ["numpy", "keras"]
    by_name = {row.package: row for row in report.rows}
    assert by_name["numpy"].installed == numpy and by_name["numpy"].wanted == PINS["numpy"]
    assert by_name["keras"].installed is None
    assert all(row.ok for name, row in by_name.items() if name not in {"numpy", "keras"})

    verdict = report.verdict
    assert verdict.startswith("Outside the supported range, 2 problems: ")
    assert f"numpy is {numpy}, outside the supported {SUPPORTED['numpy']}" in verdict
    assert f"keras is missing (lstm-teach pins {PINS['keras']})" in verdict
    assert "python tasks.py lab" in verdict and "pip install -e ." in verdict
    for name in ["matplotlib", "pillow", "tensorflow-cpu"]:
        assert name not in verdict

    table = {line.split()[0]: line.split() for line in report.table().splitlines()[2:]}
    assert table["numpy"] == ["numpy", PINS["numpy"], SUPPORTED["numpy"], numpy, "NO"]
    assert table["keras"] == ["keras", PINS["keras"], SUPPORTED["keras"], "missing", "NO"]
    assert table["pillow"] == ["pillow", PINS["pillow"], "any", PINS["pillow"], "pinned"]
    assert table["jupyterlab"][2:4] == ["not", "needed"]


def test_a_lookup_may_answer_none_for_missing():
    report = check_versions(
        lookup=lambda name: None, requirements=["numpy"], pins=["numpy==2.4.6"],
        python_version="3.11.7",
    )
    assert report.rows[0].installed is None and not report.ok
    assert report.verdict.startswith("Outside the supported range, 1 problem: numpy is missing")


def test_a_newer_version_is_not_the_pin_though_any_helper_version_is_usable():
    report = check_versions(
        lookup=fake_lookup({"somepkg": "1.1"}), requirements=["somepkg"], pins=["somepkg==1.0"]
    )
    assert not report.ok and report.standing is Standing.SUPPORTED
    assert "somepkg 1.1 (pinned 1.0)" in report.verdict


def test_a_declared_oldest_version_and_the_pinned_series_make_the_range():
    """The range runs from pyproject.toml's `>=` to the pinned minor series, the newest
    tested; a package declared without a lower end may be any version."""
    assert supported_ranges(["somepkg>=1.2", "other"], ["somepkg==1.7.3", "other==4.0"]) == {
        "somepkg": ">=1.2,<1.8"
    }
    assert {
        "tensorflow": f">=2.18.0,<{next_minor(TENSORFLOW).rsplit('.', 1)[0]}",
        "keras": f">=3.5.0,<{next_minor(PINS['keras']).rsplit('.', 1)[0]}",
        "numpy": f">=1.26.0,<{next_minor(PINS['numpy']).rsplit('.', 1)[0]}",
    } == SUPPORTED


def test_an_unparseable_installed_version_is_a_mismatch():
    report = check_versions(lookup=fake_lookup({"keras": "not a version"}),
                            requirements=["keras>=0.9"], pins=["keras==1.0"])
    assert not report.ok and report.standing is Standing.OUTSIDE


# --- markers, platforms and extras ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sys_platform", "machine"),
    [("linux", "x86_64"), ("win32", "AMD64"), ("darwin", "arm64"), ("darwin", "x86_64"),
     ("linux", "aarch64")],
)
def test_only_the_tensorflow_of_the_platform_is_checked(sys_platform, machine):
    environment = {"sys_platform": sys_platform, "platform_machine": machine}
    report = fake_check(all_pinned(), environment=environment)
    names = [row.package for row in report.rows]
    tensorflows = [name for name in names if name.startswith("tensorflow")]
    wanted = tensorflow_for(sys_platform, machine)
    assert tensorflows == ([wanted] if wanted else [])
    assert len(names) == len(PINS) - 2 + len(tensorflows)


def test_the_mac_tensorflow_missing_here_does_not_matter_on_linux():
    installed = {**all_pinned(), "tensorflow": None}
    assert fake_check(installed).ok
    on_mac = fake_check(installed, environment=MAC)
    # the Mac's `tensorflow` is missing, but the same TensorFlow is there as tensorflow-cpu
    (row,) = [row for row in on_mac.rows if row.package in TENSORFLOW_NAMES]
    assert row.package == "tensorflow-cpu" and row.ok


def test_tensorflow_under_the_other_name_stands_in_for_the_pinned_one():
    installed = {**all_pinned(), "tensorflow-cpu": None}
    report = fake_check(installed)
    (row,) = [row for row in report.rows if row.package in TENSORFLOW_NAMES]
    assert (row.package, row.installed, row.ok) == ("tensorflow", TENSORFLOW, True)
    assert report.standing is Standing.PINNED


def test_a_pin_for_another_platform_is_skipped():
    pins = [
        "here==1.0",
        "elsewhere==2.0; sys_platform == 'an-operating-system-that-does-not-exist'",
    ]
    report = check_versions(lookup=fake_lookup({"here": "1.0"}), requirements=["here", "elsewhere"],
                            pins=pins)
    assert [row.package for row in report.rows] == ["here"]
    assert report.ok


def test_tool_pins_are_skipped_unless_asked_for():
    requirements = ["numpy", 'pytest; extra == "test"', 'docs; extra == "docs"']
    pins = ["numpy==2.4.6", "pytest==9.2.0", "docs==1.0"]
    lookup = fake_lookup({"numpy": "2.4.6"})
    report = check_versions(lookup=lookup, requirements=requirements, pins=pins)
    assert [row.package for row in report.rows] == ["numpy"] and report.ok
    with_test = check_versions(lookup=lookup, requirements=requirements, pins=pins,
                               include_test=True)
    assert [row.package for row in with_test.rows] == ["numpy", "pytest", "docs"]
    assert [row.package for row in with_test.failed] == ["pytest", "docs"]
    assert with_test.standing is Standing.PINNED  # the lessons never need pytest


# --- the saved table compares equal on every platform (issue 13) ---------------------------


def nbval_sanitize(text: str) -> str:
    """Apply notebooks/nbval_sanitize.cfg the way nbval 0.11 does: its own parser, the
    pairs in file order in a dict keyed by regex, each applied with re.sub."""
    patterns: OrderedDict[str, str] = OrderedDict()
    with open(SANITIZE) as config:  # IPyNbFile.setup_sanitize_files reads it so
        patterns.update(get_sanitize_patterns(config.read()))
    for regex, replace in patterns.items():
        text = re.sub(regex, replace, text)
    return text


def saved_stdout(path: Path, needle: str) -> str:
    """The stdout saved for the one code cell of a notebook whose source holds `needle`."""
    cells = [
        cell for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "code" and needle in "".join(cell["source"])
    ]
    assert len(cells) == 1, needle
    return "".join(
        "".join(output["text"]) for output in cells[0]["outputs"]
        if output.get("name") == "stdout"
    )


def pinned_on(environment: dict[str, str]) -> VersionReport:
    """The report a machine with every pin would print, TensorFlow under its own name."""
    tensorflow = tensorflow_for(environment["sys_platform"], environment["platform_machine"])
    installed = {name: PINS[name] for name in PINS if name not in TENSORFLOW_NAMES}
    installed[tensorflow] = TENSORFLOW
    return fake_check(installed, environment=environment,
                      python_version=platform.python_version())


def test_nbval_reads_the_sanitize_file_the_test_reads():
    assert f"--nbval-sanitize-with={SANITIZE.relative_to(ROOT).as_posix()}" in (
        PYPROJECT["tool"]["pytest"]["ini_options"]["addopts"]
    )


@pytest.mark.parametrize("environment", [MAC, WINDOWS, ARM_LINUX, LINUX],
                         ids=["macos", "windows", "arm-linux", "linux"])
def test_the_saved_version_table_compares_equal_on_every_platform(environment):
    saved = saved_stdout(START_HERE, "print(report.table())")
    rendered = pinned_on(environment).table() + "\n"
    assert nbval_sanitize(rendered) == nbval_sanitize(saved)


def test_without_the_padding_rule_the_mac_table_would_differ():
    """The case the rule exists for: `tensorflow` is padded four columns wider."""
    saved = saved_stdout(START_HERE, "print(report.table())")
    assert pinned_on(LINUX).table() + "\n" == saved
    mac = pinned_on(MAC).table() + "\n"
    assert mac != saved
    assert mac.replace("tensorflow    ", "tensorflow-cpu") == saved


def test_the_saved_first_cell_compares_equal_on_every_platform():
    saved = saved_stdout(START_HERE, "prepare(needs=")
    for environment in (MAC, WINDOWS, ARM_LINUX, LINUX):
        assert nbval_sanitize(pinned_on(environment).wrapped_verdict() + "\n") == (
            nbval_sanitize(saved)
        )


def test_the_tensorflow_rules_touch_only_the_name_and_the_tables_padding():
    text = "Keras 3.15.1 on tensorflow\nimport tensorflow as tf\ntensorflowx\n"
    assert nbval_sanitize(text) == text
    assert nbval_sanitize("pip install tensorflow-cpu==2.21.0") == (
        "pip install tensorflow==2.21.0"
    )
    assert nbval_sanitize("tensorflow-cpu  2.21.0") == nbval_sanitize("tensorflow      2.21.0")
    assert nbval_sanitize("tensorflow      2.21.0") == "tensorflow\t2.21.0"


# --- Python and a missing lstm-teach ----------------------------------------------------


@pytest.mark.parametrize(("version", "said"), [("3.10.12", "NO"), ("3.11.0", "yes"),
                                               ("3.13.1", "yes"), ("2.7.18", "NO"),
                                               ("3.14.0", "newer"), ("3.15.0a2", "newer")])
def test_the_python_version_is_checked(version, said):
    report = fake_check(all_pinned(), python_version=version)
    tested = spoken_tested()
    assert report.usable is (said != "NO") and report.ok is (said == "yes")
    assert report.table().splitlines()[-1] == f"Python {tested}: {said}"
    if said == "NO":
        assert report.verdict.startswith(
            f"Outside the supported range, 1 problem: Python {version} is older"
        )
        assert tested in report.verdict
        assert "%pip" not in report.verdict  # pip cannot change the Python
    if said == "newer":
        assert report.verdict.startswith(
            f"Newer than tested: Python {version} (tested up to {tested.split()[-1]})."
        )


@pytest.mark.parametrize(
    ("specifier", "said"),
    [(">=3.11,<3.14", "3.11 to 3.13"), (">=3.11,<3.13,<3.14", "3.11 to 3.12"),
     (">=3.10,>=3.11,<3.14", "3.11 to 3.13"), (">=3.11", "3.11 or newer"),
     (">=3.11,!=3.12.1", "!=3.12.1,>=3.11")],
)
def test_a_python_range_is_said_by_its_tightest_bounds(specifier, said):
    assert python_range_text(SpecifierSet(specifier)) == said


def test_without_lstm_teach_installed_the_report_says_so():
    report = check_versions(distribution="no-such-distribution-lstm-teach-test")
    assert isinstance(report, VersionReport)
    assert not report.ok and report.rows == () and report.standing is Standing.OUTSIDE
    assert "lstm-teach is not installed in this Python" in report.verdict
    assert "pip install -e ." in report.verdict


# --- bad arguments ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "named"),
    [
        ({"include_test": "yes"}, TypeError, "include_test"),
        ({"include_test": 1}, TypeError, "include_test"),
        ({"lookup": "numpy"}, TypeError, "lookup"),
        ({"requirements": "numpy==2.4.6"}, TypeError, "requirements"),
        ({"requirements": 5}, TypeError, "requirements"),
        ({"requirements": [42]}, TypeError, "requirements"),
        ({"requirements": ["numpy ==== 2"]}, ValueError, "numpy ==== 2"),
        ({"pins": "numpy==2.4.6"}, TypeError, "pins"),
        ({"pins": ["numpy ==== 2"]}, ValueError, "numpy ==== 2"),
        ({"environment": ["linux"]}, TypeError, "environment"),
        ({"python_version": 3.11}, TypeError, "python_version"),
        ({"python_version": "three"}, ValueError, "python_version"),
        ({"distribution": ""}, TypeError, "distribution"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(kwargs, error, named):
    with pytest.raises(error, match=re.escape(named)):
        check_versions(**kwargs)


def test_a_lookup_returning_a_non_string_is_refused():
    with pytest.raises(TypeError, match="lookup"):
        check_versions(lookup=lambda name: 2, requirements=["numpy"], pins=["numpy==2.4.6"])


# --- what 00 and the README say about the standings -----------------------------------------


def test_00_and_the_readme_name_every_standing_of_the_check():
    """Both tell a learner what the first cell may say: each standing, in bold."""
    how_to_work = next(
        "".join(cell["source"])
        for cell in json.loads(START_HERE.read_text(encoding="utf-8"))["cells"]
        if "".join(cell["source"]).startswith("## How to work")
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    study = readme.split("## Study without installing", 1)[1].split("\n## ", 1)[0]
    for text in (how_to_work, study):
        named = [standing for standing in Standing
                 if f"**{standing.value}**" in text.lower()]
        assert named == list(Standing), text
    assert "four" in study
