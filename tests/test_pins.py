"""pyproject.toml is the one place pins live; environment.yml must repeat them exactly."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.markers import Marker

ROOT = Path(__file__).resolve().parent.parent


def normalise(requirement: str) -> str:
    return re.sub(r"\s+", " ", requirement.replace('"', "'")).strip()


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def pyproject_pins() -> list[str]:
    project = pyproject()["project"]
    every = project["dependencies"] + [
        requirement
        for extra in project["optional-dependencies"].values()
        for requirement in extra
    ]
    return sorted(normalise(requirement) for requirement in every)


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
    assert environment_pip_pins() == pyproject_pins()


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
