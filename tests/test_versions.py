"""check_versions: the installed packages against the pins of pyproject.toml."""

from __future__ import annotations

import importlib.metadata as metadata
import os
import platform
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from IPython.lib.pretty import pretty

from lstm_teach.versions import VersionReport, check_versions

ROOT = Path(__file__).resolve().parent.parent

# pyproject.toml's runtime pins, written out by hand for the fake checks below.
PINNED = {
    "numpy": "2.4.6",
    "matplotlib": "3.11.2",
    "pillow": "13.0.0",
    "packaging": "26.3",
    "ipywidgets": "8.1.9",
    "ipykernel": "7.4.0",
    "jupyterlab": "4.6.6",
    "jsonschema": "4.23.0",
    "keras": "3.15.1",
}
TENSORFLOW = "2.21.0"


def pyproject_requirements() -> list[str]:
    """Every requirement string of pyproject.toml, extras marked as pip's metadata marks them.

    The fake-environment tests check these rather than the installed metadata, so they do
    not depend on how recently `pip install -e .` ran.
    """
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"]) + [
        f'{requirement}; extra == "{extra}"'
        for extra, requirements in project["optional-dependencies"].items()
        for requirement in requirements
    ]


def pyproject_pins(*, extras: bool) -> dict[str, str]:
    """name → pinned version, read straight from pyproject.toml (markers ignored)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    if extras:
        lines += project["optional-dependencies"]["test"]
    pins = {}
    for line in lines:
        name, version = line.split(";")[0].split("==")
        pins[name.strip()] = version.strip()
    return pins


def tensorflow_for(sys_platform: str, machine: str) -> str | None:
    """Which TensorFlow distribution the course wants on a platform (README's table)."""
    if (sys_platform, machine) in {("linux", "x86_64"), ("win32", "AMD64")}:
        return "tensorflow-cpu"
    if sys_platform == "darwin" or (sys_platform == "linux" and machine != "x86_64"):
        return "tensorflow"
    return None


def fake_check(installed: dict[str, str | None], **kwargs: object) -> VersionReport:
    """check_versions on pyproject.toml's pins with a faked set of installed versions."""
    return check_versions(
        lookup=fake_lookup(installed), requirements=pyproject_requirements(), **kwargs
    )


def fake_lookup(installed: dict[str, str | None]):
    """A lookup answering from a dict; names not in it are missing, like importlib."""

    def lookup(package: str) -> str:
        version = installed.get(package)
        if version is None:
            raise metadata.PackageNotFoundError(package)
        return version

    return lookup


def all_pinned() -> dict[str, str | None]:
    return {**PINNED, "tensorflow-cpu": TENSORFLOW, "tensorflow": TENSORFLOW}


LINUX = {"sys_platform": "linux", "platform_machine": "x86_64"}
MAC = {"sys_platform": "darwin", "platform_machine": "arm64"}


# --- the real environment -------------------------------------------------------------


def test_this_environment_matches_every_pin():
    report = check_versions()
    assert report.ok, str(report)
    assert report.verdict.startswith("All good")
    pins = pyproject_pins(extras=False)
    wanted_tf = tensorflow_for(sys.platform, platform.machine())
    expected = {name for name in pins if not name.startswith("tensorflow")} | {wanted_tf}
    assert {row.package for row in report.rows} == expected
    for row in report.rows:
        assert row.wanted == pins[row.package]
        assert row.installed == metadata.version(row.package) == row.wanted
        assert row.ok


def test_this_environment_also_has_the_test_pins():
    report = check_versions(include_test=True)
    assert report.ok, str(report)
    pins = pyproject_pins(extras=True)
    assert {"pytest", "nbval", "ruff"} <= {row.package for row in report.rows}
    assert len(report.rows) == len(pins) - 1  # one TensorFlow of the two applies


def test_the_table_holds_nothing_machine_specific():
    text = str(check_versions(include_test=True))
    assert text == str(check_versions(include_test=True))
    for machine_specific in [sys.prefix, str(ROOT), os.sep, platform.python_version()]:
        assert machine_specific not in text
    assert "\\" not in text


def test_printing_the_report_shows_the_table_and_verdict():
    report = check_versions()
    lines = str(report).splitlines()
    assert lines[0].split() == ["package", "wanted", "installed", "ok"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert len(lines) == 2 + len(report.rows) + 2
    assert lines[-2] == "Python >=3.11: yes"
    assert lines[-1] == report.verdict
    assert pretty(report) == str(report)


# --- fake installed versions ------------------------------------------------------------


def test_fake_environment_with_every_pin_is_ok():
    report = fake_check(all_pinned(), environment=LINUX)
    assert report.ok
    assert [row.package for row in report.rows][:2] == ["numpy", "matplotlib"]
    assert report.failed == ()
    assert report.verdict == (
        f"All good: this Python is >=3.11 and all {len(report.rows)} pinned packages are the "
        "versions lstm-teach wants."
    )


def test_a_wrong_and_a_missing_package_fail_and_are_named():
    installed = {**all_pinned(), "numpy": "2.3.0", "keras": None}
    report = fake_check(installed, environment=LINUX)
    assert not report.ok
    assert [row.package for row in report.failed] == ["numpy", "keras"]
    by_name = {row.package: row for row in report.rows}
    assert by_name["numpy"].installed == "2.3.0" and by_name["numpy"].wanted == "2.4.6"
    assert by_name["keras"].installed is None
    assert all(row.ok for name, row in by_name.items() if name not in {"numpy", "keras"})

    verdict = report.verdict
    assert verdict.startswith("2 problems: ")
    assert "numpy is 2.3.0 but lstm-teach pins 2.4.6" in verdict
    assert "keras is missing (lstm-teach pins 3.15.1)" in verdict
    assert "python tasks.py lab" in verdict and "pip install -e ." in verdict
    for name in ["matplotlib", "pillow", "tensorflow-cpu"]:
        assert name not in verdict

    table = {line.split()[0]: line.split() for line in report.table().splitlines()[2:]}
    assert table["numpy"] == ["numpy", "2.4.6", "2.3.0", "NO"]
    assert table["keras"] == ["keras", "3.15.1", "missing", "NO"]
    assert table["pillow"][-1] == "yes"


def test_a_lookup_may_answer_none_for_missing():
    report = check_versions(
        lookup=lambda name: None, requirements=["numpy==2.4.6"], python_version="3.11.7"
    )
    assert report.rows[0].installed is None and not report.ok
    assert report.verdict.startswith("1 problem: numpy is missing")


def test_a_newer_version_is_a_mismatch_too():
    report = check_versions(
        lookup=fake_lookup({"keras": "3.16.0"}), requirements=["keras==3.15.1"]
    )
    assert not report.ok
    assert "keras is 3.16.0 but lstm-teach pins 3.15.1" in report.verdict


def test_a_range_is_shown_as_written_and_checked():
    requirements = ["somepkg>=1.0,<2"]
    assert check_versions(lookup=fake_lookup({"somepkg": "1.5"}), requirements=requirements).ok
    report = check_versions(lookup=fake_lookup({"somepkg": "2.0"}), requirements=requirements)
    assert not report.ok
    assert report.rows[0].wanted in {"<2,>=1.0", ">=1.0,<2"}


def test_an_unparseable_installed_version_is_a_mismatch():
    report = check_versions(lookup=fake_lookup({"oddpkg": "not a version"}),
                            requirements=["oddpkg==1.0"])
    assert not report.ok


# --- markers and extras -----------------------------------------------------------------


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
    assert tensorflows == [tensorflow_for(sys_platform, machine)]
    assert len(names) == len(PINNED) + 1


def test_the_mac_tensorflow_missing_here_does_not_matter_on_linux():
    installed = {**all_pinned(), "tensorflow": None}
    assert fake_check(installed, environment=LINUX).ok
    on_mac = fake_check(installed, environment=MAC)
    assert [row.package for row in on_mac.failed] == ["tensorflow"]


def test_a_requirement_for_another_platform_is_skipped():
    requirements = [
        "here==1.0",
        "elsewhere==2.0; sys_platform == 'an-operating-system-that-does-not-exist'",
    ]
    report = check_versions(lookup=fake_lookup({"here": "1.0"}), requirements=requirements)
    assert [row.package for row in report.rows] == ["here"]
    assert report.ok


def test_test_extras_are_skipped_unless_asked_for():
    requirements = ["numpy==2.4.6", 'pytest==9.2.0; extra == "test"', 'docs==1.0; extra == "docs"']
    lookup = fake_lookup({"numpy": "2.4.6"})
    report = check_versions(lookup=lookup, requirements=requirements)
    assert [row.package for row in report.rows] == ["numpy"] and report.ok
    with_test = check_versions(lookup=lookup, requirements=requirements, include_test=True)
    assert [row.package for row in with_test.rows] == ["numpy", "pytest"]
    assert [row.package for row in with_test.failed] == ["pytest"]


# --- Python and a missing lstm-teach ----------------------------------------------------


@pytest.mark.parametrize(("version", "ok"), [("3.10.12", False), ("3.11.0", True),
                                             ("3.13.1", True), ("2.7.18", False)])
def test_the_python_version_is_checked(version, ok):
    report = fake_check(all_pinned(), environment=LINUX, python_version=version)
    assert report.python.ok is ok and report.ok is ok
    assert report.table().splitlines()[-1] == f"Python >=3.11: {'yes' if ok else 'NO'}"
    if not ok:
        assert report.verdict.startswith(f"1 problem: Python {version} is outside")
        assert ">=3.11" in report.verdict


def test_without_lstm_teach_installed_the_report_says_so():
    report = check_versions(distribution="no-such-distribution-lstm-teach-test")
    assert isinstance(report, VersionReport)
    assert not report.ok and report.rows == ()
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
        check_versions(lookup=lambda name: 2, requirements=["numpy==2.4.6"])


def test_checking_versions_never_imports_tensorflow():
    code = (
        "import sys; from lstm_teach.versions import check_versions; check_versions(); "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False"]
