"""pyproject.toml is the one place pins live; environment.yml must repeat them exactly."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def normalise(requirement: str) -> str:
    return re.sub(r"\s+", " ", requirement.replace('"', "'")).strip()


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def pyproject_lines() -> list[str]:
    """Every requirement line, base and extras, as written (a pin may repeat across extras)."""
    project = pyproject()["project"]
    return [normalise(line) for line in project["dependencies"]] + [
        normalise(line)
        for extra in project["optional-dependencies"].values()
        for line in extra
    ]


def pyproject_pins() -> list[str]:
    return sorted(set(pyproject_lines()))


def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def environment_pip_pins() -> list[str]:
    for entry in environment()["dependencies"]:
        if isinstance(entry, dict):
            return sorted(normalise(requirement) for requirement in entry["pip"])
    raise AssertionError("environment.yml has no pip: section")


def test_every_dependency_is_pinned_exactly():
    for requirement in pyproject_pins():
        assert re.match(r"^[A-Za-z0-9_.-]+==[0-9][^;]*(; .+)?$", requirement), requirement


def test_environment_yml_lists_the_same_pins_as_pyproject():
    pins = environment_pip_pins()
    assert len(pins) == len(set(pins)), "environment.yml lists a pin twice"
    assert pins == pyproject_pins()


def test_a_package_is_pinned_to_one_version_everywhere():
    versions: dict[str, set[str]] = {}
    for line in pyproject_lines():
        requirement = Requirement(line)
        versions.setdefault(requirement.name, set()).add(str(requirement.specifier))
    assert {name: pins for name, pins in versions.items() if len(pins) > 1} == {}


def test_the_test_extra_holds_every_other_extra():
    extras = pyproject()["project"]["optional-dependencies"]
    test = {normalise(line) for line in extras["test"]}
    for name, lines in extras.items():
        assert {normalise(line) for line in lines} <= test, name
    assert set(extras) == {"explorer", "handouts", "test"}


def test_environment_yml_pins_a_python_that_pyproject_accepts():
    conda = [entry for entry in environment()["dependencies"] if isinstance(entry, str)]
    pythons = [entry for entry in conda if entry.startswith("python")]
    assert pythons == ["python=3.11"]
    assert pyproject()["project"]["requires-python"] == ">=3.11"
    assert environment()["channels"] == ["conda-forge"]


def test_tensorflow_markers_cover_each_platform_exactly_once():
    markers = {
        requirement.split("==")[0]: requirement.split(";", 1)[1]
        for requirement in pyproject_pins()
        if requirement.startswith("tensorflow")
    }
    platforms = [
        ("linux", "x86_64", "tensorflow-cpu"),
        ("win32", "AMD64", "tensorflow-cpu"),
        ("darwin", "arm64", "tensorflow"),
        ("darwin", "x86_64", "tensorflow"),
        ("linux", "aarch64", "tensorflow"),
    ]
    for sys_platform, machine, wanted in platforms:
        chosen = [
            name
            for name, marker in markers.items()
            if Marker(marker).evaluate(
                {"sys_platform": sys_platform, "platform_machine": machine}
            )
        ]
        assert chosen == [wanted], (sys_platform, machine)


def test_every_environment_yml_line_says_why():
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            assert " # " in line, f"environment.yml line without a reason: {line!r}"
