"""A version the first cell can check (issue 23): lstm_teach/release.py lists the names each
version gave the notebooks, every notebook's first cell states the version it needs, and
`python -m tools.hosted` keeps both honest."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

import lstm_teach
from lstm_teach import first_cell, release
from tools import hosted

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = hosted.notebook_paths()


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def notebook(*sources: str) -> dict:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text) for text in sources])


# --- the ledger -------------------------------------------------------------------------------


def test_every_name_the_notebooks_use_is_listed_under_a_version():
    first = hosted.since(release.NAMES)
    for path in NOTEBOOKS:
        unlisted = sorted(hosted.names_used(load(path)) - set(first))
        assert unlisted == [], (
            f"{path.name} uses {unlisted}: run `python -m tools.hosted --release`"
        )


@pytest.mark.parametrize("name", sorted(hosted.since(release.NAMES)))
def test_every_listed_name_exists_in_the_package(name):
    parts = name.split(".")
    found = importlib.import_module(parts[0])
    for depth, part in enumerate(parts[1:], start=2):
        prefix = ".".join(parts[:depth])
        if hosted.is_module(prefix):
            found = importlib.import_module(prefix)
        else:
            found = getattr(found, part)
    assert found is not None


def test_versions_grow_and_the_newest_is_the_package_version():
    versions = list(release.NAMES)
    assert versions == sorted(versions, key=hosted.version_key)
    assert len(set(versions)) == len(versions) and versions[-1] == release.VERSION
    assert re.fullmatch(r"\d+\.\d+\.\d+", release.VERSION)
    assert all(release.NAMES[version] for version in versions)  # no empty version
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "lstm_teach.release.VERSION"
    }
    assert hosted.read_release() == (release.VERSION, release.NAMES)


def test_the_first_cell_reads_the_version_line_as_the_package_states_it():
    """The first cell's check reads VERSION with a pattern, without importing the package."""
    text = (ROOT / "lstm_teach" / "release.py").read_text(encoding="utf-8")
    (line,) = [line for line in text.splitlines() if line.startswith("VERSION")]
    assert line == f'VERSION = "{release.VERSION}"'
    assert [found.group(1) for found in first_cell.VERSION_LINE.finditer(text)] == [
        release.VERSION]
    assert lstm_teach.__version__ == release.VERSION


# --- what a notebook needs --------------------------------------------------------------------


def test_the_names_a_notebook_uses_come_from_imports_aliases_and_attributes():
    used = hosted.names_used(notebook(
        "import lstm_teach as lt\n%matplotlib inline",
        "lt.count_params(1, 1)\nlt.widgets.time_stepper()\nlt.exercises.diagnose_count",
        "from lstm_teach.versions import check_setup, check_versions\n"
        "import lstm_teach.keras_bridge",
        "x = other.count_params  # not ours",
        "def broken(:",  # a cell that does not parse is no evidence either way
    ))
    assert used == {
        "lstm_teach.count_params", "lstm_teach.widgets", "lstm_teach.widgets.time_stepper",
        "lstm_teach.exercises", "lstm_teach.exercises.diagnose_count",
        "lstm_teach.versions.check_setup", "lstm_teach.versions.check_versions",
        "lstm_teach.keras_bridge",
    }


def test_a_notebook_needs_the_newest_version_among_the_names_it_uses():
    names = {"0.2.0": ("lstm_teach.count_params",), "0.3.0": ("lstm_teach.explain",)}
    assert hosted.needed_version(notebook("import lstm_teach as lt\nlt.count_params"), names) == (
        "0.2.0"
    )
    assert hosted.needed_version(notebook("import lstm_teach as lt\nlt.explain(1)"), names) == (
        "0.3.0"
    )
    assert hosted.needed_version(notebook("print(1)"), names) == "0.2.0"


def test_a_name_no_version_lists_is_refused_with_the_fix():
    with pytest.raises(hosted.ToolError) as raised:
        hosted.needed_version(notebook("import lstm_teach as lt\nlt.brand_new()"),
                              {"0.2.0": ("lstm_teach.count_params",)})
    message = str(raised.value)
    assert "lstm_teach.brand_new" in message and "python -m tools.hosted --release" in message


def test_release_lists_new_names_under_a_new_version_once(tmp_path):
    path = tmp_path / "release.py"
    shutil.copy(ROOT / "lstm_teach" / "release.py", path)
    uses_new = notebook("import lstm_teach as lt\nlt.brand_new()\nlt.count_params")
    version = hosted.release_new_names([uses_new], path)
    major, minor, _ = hosted.version_key(release.VERSION)
    assert version == f"{major}.{minor + 1}.0"
    new_version, names = hosted.read_release(path)
    assert new_version == version and names[version] == ("lstm_teach.brand_new",)
    assert names[release.VERSION] == release.NAMES[release.VERSION]
    text = path.read_text()
    assert text.startswith('"""The version of lstm_teach') and f'VERSION = "{version}"' in text
    assert hosted.release_new_names([uses_new], path) == version  # nothing new: unchanged
    assert path.read_text() == text


# --- python -m tools.hosted as a command ------------------------------------------------------


def course_copy(tmp_path: Path) -> Path:
    """What tools.hosted reads and writes, copied, so the command can run for real."""
    copy = tmp_path / "course"
    for name in ("tools", "lstm_teach", "notebooks"):
        shutil.copytree(ROOT / name, copy / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, copy / name)
    return copy


def texts(root: Path) -> dict[str, str]:
    files = [root / "README.md", root / "tools" / "hosted.py", root / "lstm_teach" / "release.py",
             *sorted((root / "notebooks").rglob("*.ipynb"))]
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8") for path in files}


def hosted_command(copy: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tools.hosted", *arguments], cwd=copy,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    return course_copy(tmp_path_factory.mktemp("hosted"))


@pytest.mark.parametrize(
    ("arguments", "code", "said"),
    [
        (["--help"], 0, "usage: python -m tools.hosted"),
        (["--repositry", "me/fork"], 2, "unrecognized arguments: --repositry"),
        (["--repo", "me/fork"], 2, "unrecognized arguments: --repo"),  # no prefix matching
        (["--repository", "not a repository"], 2, "is not a GitHub OWNER/NAME"),
        (["--branch", "../x"], 2, "is not a branch name"),
        (["--check", "--repository", "me/fork"], 1, "--check writes nothing"),
    ],
)
def test_options_are_checked_before_anything_is_written(copy, arguments, code, said):
    before = texts(copy)
    done = hosted_command(copy, *arguments)
    assert done.returncode == code, done.stderr
    assert said in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert texts(copy) == before


def test_repository_does_what_it_says_and_a_second_run_keeps_it(tmp_path):
    copy = course_copy(tmp_path)
    done = hosted_command(copy, "--repository", "me/fork", "--branch", "term-2")
    assert done.returncode == 0, done.stderr
    after = texts(copy)
    assert 'REPOSITORY = "me/fork"' in after["tools/hosted.py"]
    assert 'BRANCH = "term-2"' in after["tools/hosted.py"]
    links = re.findall(r"https://colab\.research\.google\.com/github/[^\s)\"]+", after["README.md"])
    assert links and all(link.startswith(
        "https://colab.research.google.com/github/me/fork/blob/term-2/") for link in links)
    for name, text in after.items():
        if name.endswith(".ipynb"):
            assert "https://github.com/me/fork/archive/refs/heads/term-2.zip" in text, name
            assert "github.com/lstm-teach/lstm-teach" not in text, name
    again = hosted_command(copy)  # no silent rewrite back to the original setting
    assert again.returncode == 0 and texts(copy) == after
    assert hosted_command(copy, "--check").returncode == 0


def test_an_invalid_notebook_is_refused_and_nothing_is_written(tmp_path):
    copy = course_copy(tmp_path)
    (copy / "notebooks" / "01_twelve_parameters.ipynb").write_text(
        json.dumps({"cells": [{"cell_type": "code", "source": "x = 1", "outputs": []}]})
    )
    before = texts(copy)
    done = hosted_command(copy, "--repository", "me/fork")
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("hosted: notebooks/01_twelve_parameters.ipynb is not a valid notebook")
    assert texts(copy) == before


def test_the_checkout_is_what_the_tool_would_write(copy):
    """Running the tool on this checkout changes nothing (cheap: no kernel)."""
    done = hosted_command(copy, "--check")
    assert done.returncode == 0, done.stderr
