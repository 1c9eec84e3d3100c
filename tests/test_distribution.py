"""lstm-teach as a package (issue 19, item 4): the sdist and the wheel build, hold what a
user needs (the lock file the version check reads included), pass twine's metadata check,
and installing the wheel beside the oldest supported versions changes none of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from lstm_teach import release
from tools import supported_range
from tools.pyproject import PINS, metadata_requirements

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGE_FILES = sorted(
    path.relative_to(ROOT).as_posix() for path in (ROOT / "lstm_teach").rglob("*")
    if path.is_file() and "__pycache__" not in path.parts
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """`python -m build` on a copy of the checkout (a build leaves egg-info behind): the
    sdist, and the wheel build makes from that sdist."""
    scratch = tmp_path_factory.mktemp("build")
    source = supported_range.source_copy(scratch)
    out = scratch / "dist"
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(source)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


def wheel_metadata(wheel: Path) -> tuple[list[str], object]:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [name for name in names if name.endswith(".dist-info/METADATA")]
        return names, Parser().parsestr(archive.read(metadata).decode("utf-8"))


def test_the_wheel_holds_the_package_and_its_lock_file_and_nothing_else(built):
    names, _ = wheel_metadata(built["wheel"])
    files = sorted(name for name in names if not name.split("/")[0].endswith(".dist-info"))
    assert files == PACKAGE_FILES
    assert PINS.as_posix() in files and "lstm_teach/release.py" in files


def test_the_wheels_metadata_declares_ranges_the_version_and_the_tested_pythons(built):
    _, metadata = wheel_metadata(built["wheel"])
    assert metadata["Name"] == "lstm-teach" and metadata["Version"] == release.VERSION
    assert built["wheel"].name == f"lstm_teach-{release.VERSION}-py3-none-any.whl"
    declared = {str(Requirement(line)) for line in metadata.get_all("Requires-Dist")}
    assert declared == {str(Requirement(line)) for line in metadata_requirements(PYPROJECT)}
    assert metadata["Requires-Python"] == ">=3.11"
    assert set(metadata.get_all("Provides-Extra")) == set(
        PYPROJECT["project"]["optional-dependencies"]
    )
    assert "Programming Language :: Python :: 3.13" in metadata.get_all("Classifier")
    assert metadata["Description-Content-Type"] == "text/markdown"


def test_the_sdist_holds_what_a_build_and_a_reader_need(built):
    with tarfile.open(built["sdist"]) as archive:
        top = f"lstm_teach-{release.VERSION}"
        names = {name.removeprefix(f"{top}/") for name in archive.getnames()}
    assert {"pyproject.toml", "README.md", "PKG-INFO", *PACKAGE_FILES} <= names


def test_twine_checks_both_distributions(built):
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(built["sdist"]),
         str(built["wheel"])], capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2


# --- installing beside the oldest supported versions ---------------------------------------


def fake_site(folder: Path, versions: dict[str, str]) -> Path:
    """A site folder whose only contents are distribution records (name and version), as
    pip sees an environment holding those versions."""
    for name, version in versions.items():
        info = folder / f"{canonicalize_name(name).replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        )
        (info / "INSTALLER").write_text("pip\n")
    return folder


def oldest_versions() -> dict[str, str]:
    """What CI's oldest-range environment holds (tools/supported_range.py): the oldest
    TensorFlow, Keras and NumPy, the other packages the lessons import at their pins."""
    wanted = supported_range.oldest_requirements(supported_range.runtime_requirements())
    return {Requirement(line).name: next(iter(Requirement(line).specifier)).version
            for line in wanted}


def resolve(wheel: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """pip's own resolution of `pip install WHEEL[tensorflow]` in an environment that holds
    `site`'s versions first, without an index: what it would install, as a JSON report."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-m", "pip", "--isolated", "install", "--dry-run", "--no-index",
         "--quiet", "--report", "-", f"{wheel}[tensorflow]"],
        capture_output=True, text=True, env=env, timeout=300,
    )


def test_installing_beside_the_oldest_supported_versions_changes_none_of_them(built, tmp_path):
    oldest = oldest_versions()
    assert {"numpy", "keras"} <= set(oldest)
    done = resolve(built["wheel"], fake_site(tmp_path / "site", oldest))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    installed = [item["metadata"]["name"] for item in report["install"]]
    assert installed == ["lstm-teach"]


def test_below_the_oldest_supported_version_pip_would_have_to_change_it(built, tmp_path):
    """The control: the same resolution with NumPy older than the range needs a NumPy."""
    oldest = {**oldest_versions(), "numpy": "1.25.2"}
    done = resolve(built["wheel"], fake_site(tmp_path / "site", oldest))
    assert done.returncode != 0
    assert "numpy>=1.26.0" in done.stderr.replace(" ", "")

