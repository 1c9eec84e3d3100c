"""The course's length, its map and its glossary agree with the notebooks they describe.

tools/notebooks.py lists the notebooks (core, then reference shelf) and measures each with
the course's fixed reading-time formula. The core must fit a learner's afternoon (at most
150 minutes, 00 at most 8); each core notebook states its own minutes, notebook 00's map and
the README's tables are what `python -m tools.notebooks --write` makes of the list, and
every notebook file in notebooks/ is listed. The glossary defines each word the course uses
for a part of the layer and links to where it is shown.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools import notebooks as registry

ROOT = Path(__file__).resolve().parent.parent
START_HERE = ROOT / "notebooks" / "00_start_here.ipynb"
README = ROOT / "README.md"
GLOSSARY = ROOT / "docs" / "glossary.md"
TERMS = ("units", "features", "timesteps", "batch", "path", "gate", "kernel",
         "recurrent kernel", "bias", "h", "C", "source answer", "stateful", "batch slot",
         "window", "return_sequences", "return_state", "merge_mode", "reset_after", "cuDNN")
LINK = re.compile(r"\]\(([^)\s]+)\)")
SEED = re.compile(r"\bseed's\b|\bthe seed\b|\bseed answer\b", re.IGNORECASE)


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def notebook(words: int = 0, code: list[str] = (), outputs: int = 0, pictures: int = 0) -> dict:
    """A notebook with known amounts of everything the formula counts."""
    prose = {"cell_type": "markdown", "metadata": {}, "source": " ".join(["word"] * words)}
    program = {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "\n".join(code),
               "outputs": [{"output_type": "stream", "name": "stdout", "text": "x\n" * outputs}]
               + [{"output_type": "display_data", "metadata": {},
                   "data": {"image/png": "", "text/plain": "<Figure>"}}] * pictures}
    return {"cells": [prose, program], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ({"words": 180}, 1.0),                                    # 180 words a minute
        ({"code": ["a = 1", "", "# a comment", "b = 2"] * 4}, 1.0),  # 8 code lines a minute
        ({"outputs": 30}, 1.0),                                   # 30 output lines a minute
        ({"pictures": 2}, 1.0),                                   # half a minute a picture
        ({"words": 90, "code": ["x"] * 4, "outputs": 15, "pictures": 1}, 2.0),
    ],
)
def test_the_reading_time_formula(tmp_path: Path, parts: dict, expected: float) -> None:
    path = tmp_path / "example.ipynb"
    path.write_text(json.dumps(notebook(**parts)), encoding="utf-8")
    assert registry.minutes(path) == pytest.approx(expected)


def test_the_core_fits_an_afternoon_and_00_is_short() -> None:
    taken = {path.name: registry.minutes(path) for path in registry.paths(part="core")}
    assert [notebook.path for notebook in registry.CORE] == list(taken), "a core notebook is gone"
    assert sum(taken.values()) <= registry.CORE_BUDGET_MINUTES, taken
    assert taken[START_HERE.name] <= registry.START_BUDGET_MINUTES, taken[START_HERE.name]


@pytest.mark.parametrize("path", registry.paths(part="core"), ids=lambda path: path.name)
def test_each_core_notebook_states_its_minutes(path: Path) -> None:
    (stated,) = re.findall(r"\*About (\d+) minutes\.\*", source(cells(path)[0]))
    assert int(stated) == round(registry.minutes(path)), (
        f"{path.name} says {stated} minutes; the formula gives {registry.minutes(path):.1f}: "
        f"run python -m tools.notebooks --write")


def test_the_map_in_00_and_the_readme_tables_follow_the_list() -> None:
    (the_map,) = [source(cell) for cell in cells(START_HERE)
                  if source(cell).startswith(registry.MAP_HEADING)]
    assert the_map == registry.map_markdown(), "run python -m tools.notebooks --write"
    readme = README.read_text(encoding="utf-8")
    shown = readme.split(registry.README_START, 1)[1].split(registry.README_END, 1)[0].strip()
    assert shown == registry.readme_table(), "run python -m tools.notebooks --write"


def test_the_map_separates_the_core_from_the_shelf() -> None:
    the_map = registry.map_markdown()
    core, shelf = the_map.split("**The reference shelf**")
    assert all(f"**{notebook.number} · " in core for notebook in registry.CORE)
    assert all(f"]({notebook.path})" in shelf for notebook in registry.REFERENCE)
    assert "reference/" not in core


def test_every_notebook_file_is_listed() -> None:
    """A notebook in notebooks/ is in tools/notebooks.py, or is an old-layout notebook whose
    successor is listed but not in this checkout yet (the shelf moves it on its branch)."""
    listed = {notebook.path for notebook in registry.NOTEBOOKS}
    in_transit = {old for notebook in registry.missing() for old in notebook.replaces}
    folder = ROOT / "notebooks"
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        name = path.relative_to(folder).as_posix()
        assert name in listed or name in in_transit, f"{name} is not in tools/notebooks.py"


def test_the_glossary_defines_each_term_and_links_to_where_it_is_shown() -> None:
    text = GLOSSARY.read_text(encoding="utf-8")
    entries = text.split("\n- ")[1:]
    defined = {term for entry in entries for term in re.findall(r"\*\*([^*]+)\*\*", entry)}
    assert set(TERMS) <= defined, set(TERMS) - defined
    assert not SEED.search(text), "the glossary calls the source answer the seed"
    for entry in entries:
        links = LINK.findall(entry)
        assert links, f"glossary entry without a notebook: {entry[:40]}"
        for link in links:
            path, _, anchor = link.partition("#")
            file = (GLOSSARY.parent / path).resolve()
            relative = file.relative_to((ROOT / "notebooks").resolve()).as_posix()
            listed = registry.find(relative)  # a notebook the course lists
            if not file.exists():
                try:
                    file = registry.present(listed.path)  # its content, in the old file
                except FileNotFoundError:
                    assert listed.part == "reference", link  # a shelf notebook, coming
                    continue
            if anchor:
                assert any(f'<a id="{anchor}"></a>' in source(cell) for cell in cells(file)), link


def test_path_and_gate_are_told_apart() -> None:
    """c is a path, not a gate: the glossary says so, and does not define the two as one."""
    text = GLOSSARY.read_text(encoding="utf-8")
    assert "**path** (or **gate**)" not in text
    (gate,) = [entry for entry in text.split("\n- ") if entry.startswith("**gate**")]
    assert "not a gate" in gate and "c" in gate


@pytest.mark.parametrize("path", registry.paths(part="core")[:2], ids=lambda path: path.name)
def test_the_first_notebooks_link_the_glossary(path: Path) -> None:
    assert any("](../docs/glossary.md)" in source(cell) for cell in cells(path)
               if cell["cell_type"] == "markdown")


@pytest.mark.parametrize("path", registry.paths(part="core"), ids=lambda path: path.name)
def test_learner_text_says_source_answer_not_seed(path: Path) -> None:
    for cell in cells(path):
        if cell["cell_type"] == "markdown":
            assert not SEED.search(source(cell)), source(cell)[:80]


@pytest.mark.parametrize("path", registry.paths(part="core")[1:], ids=lambda path: path.name)
def test_each_core_notebook_points_outward(path: Path) -> None:
    """Two to four outside links close each notebook (its last Markdown cell)."""
    last = [source(cell) for cell in cells(path) if cell["cell_type"] == "markdown"][-1]
    outside = set(re.findall(r"\]\((https?://[^)\s]+)\)", last))
    assert 2 <= len(outside) <= 4, outside


@pytest.mark.parametrize("path", registry.paths(part="core"), ids=lambda path: path.name)
def test_folded_solutions_are_tagged_for_the_handouts(path: Path) -> None:
    """A Markdown cell that holds a folded <details> solution is tagged `solution` (printed
    open in the solutions sheet, left out of the student edition), and only those."""
    for cell in cells(path):
        tags = cell["metadata"].get("tags", [])
        folded = cell["cell_type"] == "markdown" and "<details>" in source(cell)
        assert folded == ("solution" in tags), source(cell)[:60]


@pytest.mark.parametrize("path", registry.paths(part="core"), ids=lambda path: path.name)
def test_cells_that_print_an_answer_follow_its_challenge(path: Path) -> None:
    """A code cell tagged `answer` comes after an `answer = None` challenge, after its folded
    solution, so the student edition can leave it out without losing the question."""
    seen_challenge = seen_solution = False
    for cell in cells(path):
        tags = cell["metadata"].get("tags", [])
        seen_challenge |= cell["cell_type"] == "code" and "answer = None" in source(cell)
        seen_solution |= "solution" in tags
        if "answer" in tags:
            assert cell["cell_type"] == "code" and seen_challenge and seen_solution, \
                source(cell)[:60]
