"""pyproject.toml is the one place pins live; environment.yml repeats them, and the
platforms the course supports are exactly those with a TensorFlow 2.21 wheel."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import parse_wheel_filename

from tools.platforms import (
    OLDEST_GLIBC,
    OLDEST_MACOS,
    PYTHONS,
    TENSORFLOW_BY_PLATFORM,
    Platform,
    unsupported_reason,
)

ROOT = Path(__file__).resolve().parent.parent
WHEELS = json.loads((ROOT / "tests" / "data" / "tensorflow-2.21.0-wheels.json").read_text())

#: The platforms the issue asks about: (sys.platform, platform.machine()) and the wheel
#: platform tags that would install there.
#: Each wheel tag pattern captures the oldest glibc or macOS the wheel runs on.
PLATFORMS = {
    ("linux", "x86_64"): re.compile(r"^manylinux_(\d+)_(\d+)_x86_64$"),
    ("linux", "aarch64"): re.compile(r"^manylinux_(\d+)_(\d+)_aarch64$"),
    ("darwin", "arm64"): re.compile(r"^macosx_(\d+)_(\d+)_(?:arm64|universal2)$"),
    ("darwin", "x86_64"): re.compile(r"^macosx_(\d+)_(\d+)_(?:x86_64|universal2)$"),
    ("win32", "AMD64"): re.compile(r"^win_amd64$"),
    ("win32", "ARM64"): re.compile(r"^win_arm64$"),
}
OLDEST_SYSTEM = {"linux": OLDEST_GLIBC, "darwin": OLDEST_MACOS}
CANDIDATE_PYTHONS = [(3, 10), (3, 11), (3, 12), (3, 13), (3, 14)]


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
            return [normalise(requirement) for requirement in entry["pip"]]
    raise AssertionError("environment.yml has no pip: section")


def marker_environment(system: str, machine: str, python: tuple[int, int]) -> dict[str, str]:
    version = f"{python[0]}.{python[1]}"
    return {
        "sys_platform": system,
        "platform_machine": machine,
        "platform_system": {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}[system],
        "os_name": "nt" if system == "win32" else "posix",
        "python_version": version,
        "python_full_version": f"{version}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }


def tensorflows_chosen(system: str, machine: str, python: tuple[int, int]) -> list[str]:
    """The TensorFlow distributions pyproject.toml's markers install on a platform."""
    chosen = []
    for line in pyproject()["project"]["dependencies"]:
        requirement = Requirement(line)
        if requirement.name.startswith("tensorflow") and (
            requirement.marker is None
            or requirement.marker.evaluate(marker_environment(system, machine, python))
        ):
            chosen.append(requirement.name)
    return chosen


def wheel_exists(distribution: str, system: str, machine: str, python: tuple[int, int]) -> bool:
    """True when the recorded list holds a 2.21.0 wheel of `distribution` that pip would
    install on this platform, on every glibc or macOS version tasks.py accepts."""
    interpreter = f"cp{python[0]}{python[1]}"
    for filename in WHEELS["wheels"][distribution]:
        _, version, _, tags = parse_wheel_filename(filename)
        assert str(version) == "2.21.0", filename
        for tag in tags:
            matched = PLATFORMS[(system, machine)].match(tag.platform)
            if not matched or tag.interpreter != interpreter:
                continue
            needs = tuple(int(number) for number in matched.groups())
            if needs and needs > OLDEST_SYSTEM[system]:
                continue
            return True
    return False


def python_id(version: tuple[int, int]) -> str:
    return f"py{version[0]}.{version[1]}"


def supported(system: str, machine: str, python: tuple[int, int]) -> bool:
    return unsupported_reason(Platform(system, machine, python)) is None


# --- pins and environment.yml --------------------------------------------------------------


def test_every_dependency_is_pinned_exactly():
    for requirement in pyproject_pins():
        assert re.match(r"^[A-Za-z0-9_.-]+==[0-9][^;]*(; .+)?$", requirement), requirement


def test_environment_yml_lists_the_same_pins_as_pyproject():
    pins = environment_pip_pins()
    assert len(pins) == len(set(pins)), "environment.yml lists a pin twice"
    assert sorted(pins) == pyproject_pins()


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
    assert "3.11.0" in SpecifierSet(pyproject()["project"]["requires-python"])
    assert environment()["channels"] == ["conda-forge"]


def test_every_environment_yml_line_says_why():
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            assert " # " in line, f"environment.yml line without a reason: {line!r}"


# --- platforms: markers, requires-python and tasks.py against the recorded wheels ---------


def test_the_recorded_wheel_list_says_when_and_how_it_was_made():
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", WHEELS["recorded"])
    assert "pip index versions" in WHEELS["command"]
    assert set(WHEELS["wheels"]) == {"tensorflow", "tensorflow-cpu"}
    pinned = {Requirement(line).name: str(Requirement(line).specifier)
              for line in pyproject()["project"]["dependencies"]}
    assert pinned["tensorflow"] == pinned["tensorflow-cpu"] == "==2.21.0"


@pytest.mark.parametrize(("system", "machine"), list(PLATFORMS), ids="-".join)
@pytest.mark.parametrize("python", CANDIDATE_PYTHONS, ids=python_id)
def test_supported_exactly_where_the_chosen_tensorflow_has_a_wheel(system, machine, python):
    chosen = tensorflows_chosen(system, machine, python)
    python_ok = f"{python[0]}.{python[1]}.0" in SpecifierSet(
        pyproject()["project"]["requires-python"]
    )
    any_wheel = any(
        wheel_exists(distribution, system, machine, python)
        for distribution in ("tensorflow", "tensorflow-cpu")
    )
    if supported(system, machine, python):
        assert python_ok
        assert chosen == [TENSORFLOW_BY_PLATFORM[(system, machine)]]
        assert wheel_exists(chosen[0], system, machine, python)
    else:
        # Refused only where pip would really fail, or where Keras 3.15 refuses (3.10).
        assert not any_wheel or python == (3, 10)
        assert not python_ok or chosen == []


def test_requires_python_is_the_pythons_tasks_py_accepts():
    specifier = SpecifierSet(pyproject()["project"]["requires-python"])
    accepted = [python for python in CANDIDATE_PYTHONS if f"{python[0]}.{python[1]}.0" in specifier]
    assert accepted == list(PYTHONS)
    bootstrap = (ROOT / "tasks.py").read_text(encoding="utf-8")
    assert f"({PYTHONS[0][0]}, {PYTHONS[0][1]}) <= sys.version_info[:2] <= " \
           f"({PYTHONS[-1][0]}, {PYTHONS[-1][1]})" in bootstrap

