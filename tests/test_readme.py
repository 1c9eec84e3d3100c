"""The README is the front door: its notebook list and its commands must match the repo."""

from __future__ import annotations

import re
from pathlib import Path

from tools import notebooks as registry

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TABLE_ROW = re.compile(r"^\| `notebooks/((?:reference/)?\d\d_\w+\.ipynb)` \|", re.MULTILINE)


def test_readme_lists_every_notebook_in_reading_order():
    assert TABLE_ROW.findall(README) == [registry.relative(path) for path in registry.paths()]


def test_readme_separates_the_core_from_the_reference_shelf():
    core, shelf = README.split("### The reference shelf", 1)
    core = core.split("### The core", 1)[1]
    assert TABLE_ROW.findall(core) == [registry.relative(path)
                                       for path in registry.paths(part="core")]
    assert TABLE_ROW.findall(shelf) == [registry.relative(path)
                                        for path in registry.paths(part="reference")]


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    assert "python tasks.py lab" in README
    assert "python tasks.py test" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^python3 tasks\.py test$", ci, flags=re.MULTILINE)


def test_readme_performance_section_shows_the_latest_benchmark_table():
    start = "<!-- performance table: written by benchmarks/suite.py --readme -->"
    end = "<!-- end of performance table -->"
    shown = README.split(start, 1)[1].split(end, 1)[0].strip()
    latest = (ROOT / "benchmarks" / "latest.md").read_text(encoding="utf-8").strip()
    assert shown == latest
    assert all(f"| {path.name} |" in shown for path in registry.paths())
    assert shown.endswith("Every target met.")


def test_readme_classroom_section_shows_the_measured_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    measured = (ROOT / "benchmarks" / "classroom.md").read_text(encoding="utf-8").strip()
    assert measured in readme
    assert "outputs as saved" in measured and " of 1 |" in measured
