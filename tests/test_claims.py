"""Every claim points at its evidence, and the evidence checks something.

A notebook's key points, and the question index in README and notebook 00, link to the
cell that shows each claim: `[evidence](#ev-name)` inside a notebook, or
`notebooks/NN_name.ipynb#ev-name` from outside. The anchor is an `<a id="ev-name"></a>`
at the start of a Markdown cell; the evidence is the first code cell after it, and it must
hold an `assert`, so the claim is checked every time nbval runs the notebook.
"""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ANCHOR = re.compile(r'<a id="(ev-[a-z0-9-]+)"></a>')
LINK = re.compile(r"\]\(((?:[\w./-]*\.ipynb)?#ev-[a-z0-9-]+)\)")
BULLET = re.compile(r"^- ", re.MULTILINE)


@cache
def cells(notebook: Path) -> tuple[dict, ...]:
    return tuple(json.loads(notebook.read_text(encoding="utf-8"))["cells"])


def source(cell: dict) -> str:
    return "".join(cell["source"])


def evidence_cell(notebook: Path, anchor: str) -> dict:
    """The first code cell after the Markdown cell that holds the anchor."""
    found = False
    for cell in cells(notebook):
        if found and cell["cell_type"] == "code":
            return cell
        if cell["cell_type"] == "markdown" and f'<a id="{anchor}"></a>' in source(cell):
            found = True
    raise AssertionError(f"{notebook.name}: no anchor {anchor!r}" if not found
                         else f"{notebook.name}: no code cell after {anchor!r}")


def resolve(link: str, base: Path) -> tuple[Path, dict]:
    """The notebook and evidence cell a link points to, relative to `base`'s folder."""
    path, _, anchor = link.partition("#")
    notebook = (base.parent / path).resolve() if path else base
    assert notebook.exists(), f"{link}: no such notebook"
    return notebook, evidence_cell(notebook, anchor)


def asserts(cell: dict) -> bool:
    try:
        tree = ast.parse(source(cell))
    except SyntaxError:  # an IPython magic line; the cells we point at have none
        return "assert " in source(cell)
    return any(isinstance(node, ast.Assert) for node in ast.walk(tree))


def key_points(notebook: Path) -> list[str]:
    """The bullets of the notebook's "Key points" section."""
    for cell in cells(notebook):
        text = source(cell)
        if cell["cell_type"] == "markdown" and "## Key points" in text:
            section = text.split("## Key points", 1)[1]
            section = re.split(r"\n#{1,3} |\nNext: ", section)[0]
            return [bullet.strip() for bullet in BULLET.split(section)[1:]]
    return []


@pytest.mark.parametrize("notebook", NOTEBOOKS[1:], ids=lambda path: path.name)
def test_every_key_point_links_to_a_cell_that_asserts_it(notebook: Path) -> None:
    points = key_points(notebook)
    assert points, f"{notebook.name} has no Key points section"
    for point in points:
        links = LINK.findall(point)
        assert links, f"{notebook.name}: key point without evidence: {point[:70]}…"
        for link in links:
            target, cell = resolve(link, notebook)
            assert asserts(cell), f"{target.name}#{link}: the evidence cell asserts nothing"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.name)
def test_anchors_are_unique_and_each_precedes_a_code_cell(notebook: Path) -> None:
    anchors = [anchor for cell in cells(notebook) if cell["cell_type"] == "markdown"
               for anchor in ANCHOR.findall(source(cell))]
    assert len(anchors) == len(set(anchors)), f"{notebook.name}: an anchor is used twice"
    for anchor in anchors:
        evidence_cell(notebook, anchor)


def test_the_question_index_resolves_in_readme_and_notebook_00() -> None:
    readme = ROOT / "README.md"
    start = NOTEBOOKS[0]
    for document, text in ((readme, readme.read_text(encoding="utf-8")),
                           (start, "\n".join(source(cell) for cell in cells(start)))):
        assert "Questions learners ask" in text, f"{document.name}: no question index"
        index = text.split("Questions learners ask", 1)[1]
        index = re.split(r"\n## ", index)[0]
        questions = [line for line in index.splitlines() if line.startswith("- ")]
        assert len(questions) >= 20, f"{document.name}: {len(questions)} questions"
        for question in questions:
            links = LINK.findall(question)
            assert links, f"{document.name}: a question without a link: {question[:60]}"
            for link in links:
                target, cell = resolve(link, document)
                assert asserts(cell), f"{document.name} → {target.name}{link}: no assert"
