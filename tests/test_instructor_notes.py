"""The workshop plans in docs/instructor-notes.md take their minutes from the course's
reading-time formula (tools/notebooks.py), add up to the workshop's length, and name
sections the notebooks have; the 3-hour plan covers the whole core."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools import notebooks as registry

ROOT = Path(__file__).resolve().parents[1]
NOTES = (ROOT / "docs" / "instructor-notes.md").read_text(encoding="utf-8")
PLANS = {"### The 3-hour workshop": 180, "### The 2-hour workshop": 120}
ROW = re.compile(r"^\| (\d+):(\d\d) \|([^|]+)\|([^|]*)\|\s*(\d*)\s*\|$", re.MULTILINE)


def plan(heading: str) -> list[tuple[int, str, str, int | None]]:
    """The plan's rows: start (minutes), notebook or activity, sections, minutes."""
    text = NOTES.split(heading, 1)[1].split("\n#", 1)[0]
    return [(int(hours) * 60 + int(minutes), what.strip(), sections.strip(),
             int(length) if length else None)
            for hours, minutes, what, sections, length in ROW.findall(text)]


def formula_minutes(what: str, sections: str) -> int:
    number = what[:2]
    (notebook,) = [notebook for notebook in registry.CORE if notebook.number == number]
    file = notebook.file()
    if sections == "all":
        return round(registry.minutes(file))
    found = registry.sections(file)
    named = [section.strip() for section in sections.split(";")]
    missing = [section for section in named if section not in found]
    assert not missing, f"{notebook.name} has no section {missing}; it has {list(found)}"
    return round(sum(found[section] for section in named))


@pytest.mark.parametrize("heading", PLANS)
def test_the_plan_takes_its_minutes_from_the_formula(heading: str) -> None:
    rows = plan(heading)
    assert rows, f"no plan under {heading!r}"
    for _, what, sections, minutes in rows:
        if re.match(r"\d\d · ", what):
            assert minutes == formula_minutes(what, sections), (
                f"{heading}: {what} ({sections}) says {minutes} minutes; the formula gives "
                f"{formula_minutes(what, sections)}")


@pytest.mark.parametrize("heading", PLANS)
def test_the_plan_adds_up_to_the_workshop(heading: str) -> None:
    rows = plan(heading)
    clock = 0
    for start, what, _, minutes in rows:
        assert start == clock, f"{heading}: {what} starts at {start}, the rows above end at {clock}"
        clock += minutes or 0
    assert rows[-1][1] == "end" and rows[-1][0] == PLANS[heading]


def test_the_3_hour_workshop_teaches_every_core_notebook() -> None:
    """01 to 04 whole, and something of every core notebook."""
    rows = plan("### The 3-hour workshop")
    whole = {what[:2] for _, what, sections, _ in rows if sections == "all"}
    seen = {what[:2] for _, what, _, _ in rows if re.match(r"\d\d · ", what)}
    assert {"01", "02", "03", "04"} <= whole
    assert seen == {notebook.number for notebook in registry.CORE}
