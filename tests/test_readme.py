"""The README is the front door: its notebook list and its commands must match the repo."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_notebook_in_reading_order():
    listed = re.findall(r"^\| `notebooks/(\d\d_\w+\.ipynb)` \|", README, flags=re.MULTILINE)
    on_disk = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert listed == on_disk


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
    notebooks = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert all(f"| {name} |" in shown for name in notebooks)
    assert shown.endswith("Every target met.")


def test_readme_classroom_section_shows_the_measured_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    measured = (ROOT / "benchmarks" / "classroom.md").read_text(encoding="utf-8").strip()
    assert measured in readme
    assert "outputs as saved" in measured and " of 1 |" in measured
