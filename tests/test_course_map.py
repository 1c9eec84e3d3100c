"""Notebook 00's map and the glossary agree with the notebooks they describe.

Each notebook states its own time ("*About N minutes.*" in its first cell); the map in 00
quotes the same number and adds them up. The glossary defines each word the course uses for
a part of the layer and links to the notebook (and, where given, the cell) that shows it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
START_HERE = ROOT / "notebooks" / "00_start_here.ipynb"
GLOSSARY = ROOT / "docs" / "glossary.md"
TERMS = ("units", "features", "timesteps", "batch", "path", "gate", "kernel",
         "recurrent kernel", "bias", "h", "C")
MAP_ROW = re.compile(r"^\| \*\*(\d\d) · [^|]*\*\* \|[^|]*\| ~(\d+) \|", re.MULTILINE)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def the_map() -> str:
    (text,) = [source(cell) for cell in cells(START_HERE) if source(cell).startswith("## The map")]
    return text


def stated_minutes(path: Path) -> int:
    (minutes,) = re.findall(r"\*About (\d+) minutes\.\*", source(cells(path)[0]))
    return int(minutes)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_the_map_quotes_the_time_each_notebook_states(path: Path) -> None:
    minutes = dict(MAP_ROW.findall(the_map()))
    number = path.name[:2]
    assert number in minutes, f"the map in 00 has no row for {path.name}"
    assert int(minutes[number]) == stated_minutes(path), path.name


def test_the_maps_total_adds_up_its_rows() -> None:
    rows = MAP_ROW.findall(the_map())
    assert [number for number, _ in rows] == sorted(number for number, _ in rows)
    (total,) = re.findall(r"About (\d+) minutes in all", the_map())
    assert int(total) == sum(int(minutes) for _, minutes in rows)


def test_the_glossary_defines_each_term_and_links_to_where_it_is_shown() -> None:
    text = GLOSSARY.read_text(encoding="utf-8")
    entries = text.split("\n- ")[1:]
    defined = {term for entry in entries for term in re.findall(r"\*\*([^*]+)\*\*", entry)}
    assert set(TERMS) <= defined, set(TERMS) - defined
    for entry in entries:
        links = LINK.findall(entry)
        assert links, f"glossary entry without a notebook: {entry[:40]}"
        for link in links:
            path, _, anchor = link.partition("#")
            notebook = (GLOSSARY.parent / path).resolve()
            assert notebook.exists(), link
            if anchor:
                assert any(f'<a id="{anchor}"></a>' in source(cell)
                           for cell in cells(notebook)), link


@pytest.mark.parametrize("path", NOTEBOOKS[:2], ids=lambda path: path.name)
def test_the_first_notebooks_link_the_glossary(path: Path) -> None:
    assert any("](../docs/glossary.md)" in source(cell) for cell in cells(path)
               if cell["cell_type"] == "markdown")
