"""The reference shelf (notebooks/reference/): each notebook stands on its own.

It says, once, which core notebook to read first, starts with the course's first cell (which
works from the subfolder), links only to files, evidence and headings that exist from there,
closes with two to four outside links, and ends the same way as every other shelf notebook:
back to the question index. Handout tags mark what the student edition leaves out.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from tools.hosted import needed_version, read_release, setup_cell_source

ROOT = Path(__file__).resolve().parents[1]
SHELF = sorted((ROOT / "notebooks" / "reference").glob("[0-9][0-9]_*.ipynb"))
LINK = re.compile(r"\]\(([^)\s]+)\)")
READ_FIRST = re.compile(
    r"^\*Reference notebook\.\* Read first: \[[^\]]+\]\((?:\.\./)?\d\d_\w+\.ipynb\)",
    re.MULTILINE,
)
ENDING = ("Back to the question index: [README](../../README.md#questions-learners-ask) ·\n"
          "[00 · start here](../00_start_here.ipynb).")


def cells(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def markdown(notebook: Path) -> list[str]:
    return [source(cell) for cell in cells(notebook) if cell["cell_type"] == "markdown"]


def test_the_shelf_holds_notebooks_10_to_13() -> None:
    assert [path.name[:3] for path in SHELF][:4] == ["10_", "11_", "12_", "13_"]


@pytest.mark.parametrize("notebook", SHELF, ids=lambda path: path.name)
def test_each_opens_with_a_title_and_one_read_first_line(notebook: Path) -> None:
    first = markdown(notebook)[0]
    assert first.startswith(f"# {int(notebook.name[:2])} · ")
    assert len(READ_FIRST.findall(first)) == 1, (
        "one '*Reference notebook.* Read first: [..](../NN_name.ipynb)' line, a core or shelf "
        "notebook")


@pytest.mark.parametrize("notebook", SHELF, ids=lambda path: path.name)
def test_each_starts_with_the_courses_first_cell(notebook: Path) -> None:
    """The same cell as every notebook, naming the lstm_teach version this one needs."""
    code = [cell for cell in cells(notebook) if cell["cell_type"] == "code"]
    needs = needed_version(nbformat.read(notebook, as_version=4), read_release()[1])
    assert source(code[0]) == setup_cell_source(needs=needs)


@pytest.mark.parametrize("notebook", SHELF, ids=lambda path: path.name)
def test_every_link_resolves_from_the_subfolder(notebook: Path) -> None:
    for text in markdown(notebook):
        for target in LINK.findall(text):
            if target.startswith(("http://", "https://")):
                continue
            path, _, anchor = target.partition("#")
            linked = (notebook.parent / path).resolve() if path else notebook
            assert linked.exists(), f"{notebook.name}: {target} does not exist"
            if linked.suffix != ".ipynb":
                if anchor:  # a Markdown file: GitHub's heading slugs
                    slugs = [re.sub(r"[^\w\- ]", "", line.lstrip("# ")).lower().replace(" ", "-")
                             for line in linked.read_text(encoding="utf-8").splitlines()
                             if line.startswith("#")]
                    assert anchor in slugs, f"{notebook.name}: {target}: no such heading"
            elif anchor.startswith("ev-"):
                held = "\n".join(markdown(linked))
                assert f'<a id="{anchor}"></a>' in held, f"{notebook.name}: {target}: no anchor"
            elif anchor:
                headings = [line.lstrip("# ").replace(" ", "-") for text in markdown(linked)
                            for line in text.splitlines() if line.startswith("#")]
                assert anchor in headings, f"{notebook.name}: {target}: no such heading"


@pytest.mark.parametrize("notebook", SHELF, ids=lambda path: path.name)
def test_each_closes_with_outside_links_and_the_same_ending(notebook: Path) -> None:
    texts = markdown(notebook)
    assert "## Further reading" in texts[-1], "the last cell holds the further reading"
    reading = texts[-1].split("## Further reading", 1)[1]
    outside = [link for link in LINK.findall(reading) if link.startswith("https://")]
    assert 2 <= len(outside) <= 4, f"{notebook.name}: {len(outside)} outside links"
    assert texts[-1].rstrip().endswith(ENDING)


@pytest.mark.parametrize("notebook", SHELF, ids=lambda path: path.name)
def test_handout_tags_mark_folded_solutions_and_answer_cells(notebook: Path) -> None:
    for cell in cells(notebook):
        tags = cell.get("metadata", {}).get("tags", [])
        folded = source(cell).lstrip().startswith("<details>")
        if cell["cell_type"] == "markdown":
            assert folded == ("solution" in tags), source(cell)[:60]
            assert "answer" not in tags
        else:
            assert "solution" not in tags
    for number, cell in enumerate(cells(notebook)):
        if "solution" in cell.get("metadata", {}).get("tags", []):
            following = next((later for later in cells(notebook)[number + 1:]
                              if later["cell_type"] == "code"), None)
            if following is not None and "answer = None" not in source(following):
                # The cell that shows the answer right after a solution is left out too.
                assert "answer" in following["metadata"].get("tags", []), source(following)[:60]
