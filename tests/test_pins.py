"""lstm_teach/pins.txt is the one place pins live, and every way of setting the course up
installs from it; pyproject.toml declares ranges the pins lie in; the platforms the course
supports are exactly those with a TensorFlow 2.21 wheel."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from course_fixtures import StampIn
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_wheel_filename

import tools.environment as environment_module
from lstm_teach.versions import pythons_tested
from tools.environment import Installed
from tools.platforms import (
    OLDEST_GLIBC,
    OLDEST_MACOS,
    PYTHONS,
    TENSORFLOW_BY_PLATFORM,
    Platform,
    unsupported_reason,
)
from tools.pyproject import PINS, read_pins

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


def declared() -> list[Requirement]:
    """Every requirement pyproject.toml declares, base and extras."""
    project = pyproject()["project"]
    lines = list(project["dependencies"])
    lines += [line for extra in project["optional-dependencies"].values() for line in extra]
    return [Requirement(line) for line in lines]


def pins() -> list[Requirement]:
    return [Requirement(line) for line in read_pins(ROOT)]


def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def environment_pip_lines() -> list[str]:
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


def applies(requirement: Requirement, environment: dict[str, str]) -> bool:
    return requirement.marker is None or requirement.marker.evaluate(environment)


def tensorflows_chosen(system: str, machine: str, python: tuple[int, int]) -> list[str]:
    """The TensorFlow distributions lstm_teach/pins.txt installs on a platform."""
    where = marker_environment(system, machine, python)
    return [pin.name for pin in pins() if pin.name.startswith("tensorflow") and applies(pin, where)]


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


SUPPORTED_PLATFORMS = [
    marker_environment(system, machine, python)
    for (system, machine) in TENSORFLOW_BY_PLATFORM for python in PYTHONS
]


# --- the one lock file -------------------------------------------------------------------


def test_every_pin_is_exact():
    for line in read_pins(ROOT):
        assert re.match(r"^[A-Za-z0-9_.-]+==[0-9][^;]*(; .+)?$", line), line


def test_every_pin_says_why():
    text = (ROOT / PINS).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            assert "  # " in line, f"pins.txt line without a reason: {line!r}"


@pytest.mark.parametrize("where", SUPPORTED_PLATFORMS,
                         ids=lambda env: f"{env['sys_platform']}-{env['platform_machine']}-"
                                         f"py{env['python_version']}")
def test_every_declared_requirement_has_exactly_one_pin_in_its_range(where):
    """On each supported platform: one pin per package, and the pin lies in the range
    pyproject.toml declares (so `pip install -c pins.txt -e .[...]` can always succeed)."""
    applying = [pin for pin in pins() if applies(pin, where)]
    names = [canonicalize_name(pin.name) for pin in applying]
    assert len(names) == len(set(names)), "a package is pinned twice on this platform"
    by_name = {canonicalize_name(pin.name): pin for pin in applying}
    for requirement in declared():
        if not applies(requirement, where):
            continue
        pin = by_name.get(canonicalize_name(requirement.name))
        assert pin is not None, f"{requirement} has no pin on this platform"
        (spec,) = pin.specifier
        assert requirement.specifier.contains(spec.version), (str(requirement), str(pin))


def test_every_pin_is_declared_and_ranges_are_not_pins():
    names = {canonicalize_name(requirement.name) for requirement in declared()}
    assert {canonicalize_name(pin.name) for pin in pins()} == names
    for requirement in declared():
        operators = {spec.operator for spec in requirement.specifier}
        assert operators <= {">="}, f"pyproject.toml declares {requirement}: a range, not a pin"


def test_the_lessons_declare_their_oldest_versions_and_nothing_newer_is_refused():
    floors = {requirement.name: str(requirement.specifier) for requirement in declared()
              if requirement.specifier}
    assert floors == {"numpy": ">=1.26.0", "keras": ">=3.5.0",
                      "tensorflow-cpu": ">=2.18.0", "tensorflow": ">=2.18.0"}


def test_environment_yml_installs_exactly_the_lock():
    assert environment_pip_lines() == [f"-r {PINS.as_posix()}"]


def test_the_venv_installs_with_the_lock_as_constraints(tmp_path: Path, monkeypatch):
    """tasks.py's pip command: the course with its extras, every version from the lock."""
    ran = []
    nothing = Installed(True, frozenset(), False, False)
    monkeypatch.setattr(environment_module, "probe", lambda *args: nothing)
    monkeypatch.setattr(environment_module, "run", lambda command, **kwargs: ran.append(command))
    course = StampIn(tmp_path / "here.json")
    environment_module.ensure_environment(course, ("tensorflow", "lab"), here=True)
    (command,) = ran
    assert [str(word) for word in command[1:]] == [
        "-m", "pip", "install", "--disable-pip-version-check", "-c", PINS.as_posix(),
        "-e", ".[lab,tensorflow]",
    ]


def test_the_readme_hub_instructions_use_the_lock():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    classroom = readme.split("## In a classroom", 1)[1].split("\n## ", 1)[0]
    assert f"pip install -r {PINS.as_posix()}" in classroom
    assert "pip install --no-deps -e ." in classroom
    assert "pip install -e ." in classroom


def test_ci_sets_up_with_the_lock():
    """CI runs the README's test command, which builds .venv from the lock, and the
    oldest-range step takes the lessons' other packages from the same lock."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 tasks.py test" in script
    assert ".venv/bin/python -m tools.supported_range" in script


def test_the_test_extra_holds_every_other_tool_extra():
    extras = pyproject()["project"]["optional-dependencies"]
    assert set(extras) == {"tensorflow", "lab", "explorer", "handouts", "test"}
    test = {normalise(line) for line in extras["test"]}
    for name in ("explorer", "handouts"):
        assert {normalise(line) for line in extras[name]} <= test, name


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
    pinned = {pin.name: str(pin.specifier) for pin in pins()}
    assert pinned["tensorflow"] == pinned["tensorflow-cpu"] == "==2.21.0"


@pytest.mark.parametrize(("system", "machine"), list(PLATFORMS), ids="-".join)
@pytest.mark.parametrize("python", CANDIDATE_PYTHONS, ids=python_id)
def test_supported_exactly_where_the_chosen_tensorflow_has_a_wheel(system, machine, python):
    chosen = tensorflows_chosen(system, machine, python)
    python_ok = python in PYTHONS and f"{python[0]}.{python[1]}.0" in SpecifierSet(
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


def test_the_pythons_tested_are_those_tasks_py_accepts_and_none_is_capped():
    """requires-python is a floor (a hosted service on a newer Python may install the
    course); the classifiers name the Pythons tested, which tasks.py accepts."""
    specifier = SpecifierSet(pyproject()["project"]["requires-python"])
    accepted = [python for python in CANDIDATE_PYTHONS if f"{python[0]}.{python[1]}.0" in specifier]
    assert accepted == [python for python in CANDIDATE_PYTHONS if python >= PYTHONS[0]]
    assert pythons_tested(pyproject()["project"]["classifiers"]) == list(PYTHONS)
    bootstrap = (ROOT / "tasks.py").read_text(encoding="utf-8")
    assert f"({PYTHONS[0][0]}, {PYTHONS[0][1]}) <= sys.version_info[:2] <= " \
           f"({PYTHONS[-1][0]}, {PYTHONS[-1][1]})" in bootstrap

