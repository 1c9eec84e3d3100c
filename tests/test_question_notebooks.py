"""The reference notebooks written for the question clusters (14-17, 19) follow the
course's conventions: a "read first" line, the common first cell, key points that link to
cells that assert, two to four outside links, a way back to the question index, links
that resolve from notebooks/reference/, and saved outputs with nothing machine-dependent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools import question_index as qi
from tools.hosted import setup_cell_source

REFERENCE = Path(__file__).resolve().parent.parent / "notebooks" / "reference"
OWNED = [REFERENCE / name for name in (
    "14_masks_and_padding.ipynb",
    "15_bidirectional_and_wrappers.ipynb",
    "16_dropout_and_cudnn.ipynb",
    "17_layers_around_an_lstm.ipynb",
    "19_more_questions.ipynb",
)]
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
EVIDENCE = re.compile(r"\[evidence\]\(#(ev-[a-z0-9-]+)\)")
UNSTABLE = re.compile(r"/home/|/root/|/tmp/|site-packages|0x[0-9a-fA-F]{6,}|\b\d+\.\d+e-0\d\b"
                      r"|\b(lstm|sequential|functional|dense|gru)_\d+\b")


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell: dict) -> str:
    return "".join(cell["source"])


@pytest.mark.parametrize("path", OWNED, ids=lambda path: path.name)
def test_opens_with_a_read_first_line_and_the_common_first_cell(path: Path) -> None:
    notebook = cells(path)
    assert notebook[0]["cell_type"] == "markdown"
    assert "Read first:" in text(notebook[0])
    first_code = next(cell for cell in notebook if cell["cell_type"] == "code")
    assert text(first_code) == setup_cell_source()


@pytest.mark.parametrize("path", OWNED, ids=lambda path: path.name)
def test_every_key_point_links_to_a_cell_that_asserts(path: Path) -> None:
    ending = next(text(cell) for cell in cells(path) if "## Key points" in text(cell))
    key_points = ending.split("## Key points", 1)[1].split("\n## ", 1)[0]
    anchors = EVIDENCE.findall(key_points)
    assert len(anchors) >= 4
    for anchor in anchors:
        cell = qi.evidence_cell(path, anchor)
        assert cell is not None and qi.asserts(cell), f"{path.name}#{anchor}"


@pytest.mark.parametrize("path", OWNED, ids=lambda path: path.name)
def test_ends_with_outside_reading_and_the_way_back_to_the_index(path: Path) -> None:
    ending = text(cells(path)[-1])
    reading = ending.split("## Further reading", 1)[1].split("Back to the question index", 1)[0]
    outside = [link for link in MARKDOWN_LINK.findall(reading) if link.startswith("http")]
    assert 2 <= len(outside) <= 4
    assert "Back to the question index:" in ending
    assert "../../README.md#questions-learners-ask" in ending


@pytest.mark.parametrize("path", OWNED, ids=lambda path: path.name)
def test_every_link_between_files_resolves_from_the_reference_folder(path: Path) -> None:
    for cell in cells(path):
        if cell["cell_type"] != "markdown":
            continue
        for link in MARKDOWN_LINK.findall(text(cell)):
            if link.startswith(("http://", "https://", "#")):
                continue
            target, _, anchor = link.partition("#")
            resolved = (path.parent / target).resolve()
            assert resolved.exists(), f"{path.name}: {link} does not resolve"
            if anchor.startswith("ev-"):
                assert qi.evidence_cell(resolved, anchor) is not None, f"{path.name}: {link}"


@pytest.mark.parametrize("path", OWNED, ids=lambda path: path.name)
def test_saved_from_one_clean_run_with_nothing_machine_dependent(path: Path) -> None:
    code = [cell for cell in cells(path) if cell["cell_type"] == "code"]
    assert [cell["execution_count"] for cell in code] == list(range(1, len(code) + 1))
    for cell in code:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", text(cell)[:80]
            assert output.get("name") != "stderr", f"stderr saved in {path.name}"
            shown = "".join(output.get("text", "")) + "".join(
                "".join(value) for kind, value in output.get("data", {}).items()
                if kind.startswith("text/"))
            match = UNSTABLE.search(shown)
            assert match is None, f"{path.name}: {match.group(0)!r} in a saved output"
