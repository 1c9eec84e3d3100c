"""The harvested questions are sourced, clustered and answered by cells that assert, and
the question index in README.md (and notebook 00, where it has the markers) lists them all.

docs/questions.yml is the data; tools/question_index.py writes the index from it. When a
test here fails because a notebook moved, `python -m tools.question_index --relocate`
points the questions at the notebooks that now hold their anchors.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tools import question_index as qi

CORPUS = qi.load()
LINK = re.compile(r"\]\(([^)]+\.ipynb)#(ev-[a-z0-9-]+)\)")


def test_the_corpus_holds_at_least_80_questions_in_at_least_10_clusters() -> None:
    used = Counter(question.cluster for question in CORPUS.questions)
    assert len(CORPUS.questions) >= 80
    assert len(used) >= 10
    assert set(used) == set(CORPUS.clusters), "a cluster without questions"
    assert min(used.values()) >= 3, used


def test_every_question_has_its_own_wording_and_a_source() -> None:
    texts = [question.question.lower() for question in CORPUS.questions]
    assert len(texts) == len(set(texts)), "a question is listed twice"
    for question in CORPUS.questions:
        assert question.question.endswith("?"), question.id
        assert question.source.startswith(("https://", "http://")), question.id


@pytest.mark.parametrize("question", CORPUS.questions, ids=lambda q: q.id)
def test_every_question_is_answered_by_a_cell_that_asserts(question: qi.Question) -> None:
    cell = qi.evidence_cell(question.notebook, question.anchor)
    if cell is None:
        homes = [path.relative_to(qi.ROOT).as_posix()
                 for path in qi.notebooks_holding(question.anchor)]
        pytest.fail(f"{question.cell}: no such cell; the anchor is now in {homes or 'none'} "
                    "(python -m tools.question_index --relocate)")
    assert qi.asserts(cell), f"{question.cell}: the cell asserts nothing"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda q: q.update(cluster="nowhere"), "cluster 'nowhere' is not one of"),
        (lambda q: q.update(cell="notebooks/14_x.ipynb"), "cell must read"),
        (lambda q: q.update(source="stackoverflow"), "source must be an http"),
        (lambda q: q.pop("answer"), "missing answer"),
        (lambda q: q.update(answer="x" * 301), "runs over three lines"),
        (lambda q: q.update(seen="yes"), "unknown fields"),
    ],
)
def test_a_broken_entry_is_refused_by_name(tmp_path: Path, change, words: str) -> None:
    data = yaml.safe_load(qi.CORPUS.read_text(encoding="utf-8"))
    change(data["questions"][3])
    broken = tmp_path / "questions.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=words):
        qi.load(broken)


def test_a_repeated_id_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(qi.CORPUS.read_text(encoding="utf-8"))
    data["questions"][5]["id"] = data["questions"][4]["id"]
    broken = tmp_path / "questions.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="the id is used twice"):
        qi.load(broken)


# ---------------------------------------------------------------- the index


def links_in(text: str, base: Path) -> list[tuple[Path, str]]:
    return [((base.parent / path).resolve(), anchor) for path, anchor in LINK.findall(text)]


def test_the_readme_index_is_the_one_written_from_the_corpus() -> None:
    assert "README.md" not in qi.out_of_date(CORPUS), (
        "README.md's question index differs from docs/questions.yml: "
        "run python -m tools.question_index")


def test_every_question_is_in_the_readme_linked_to_its_cell() -> None:
    block = qi.current_block(qi.README.read_text(encoding="utf-8"))
    assert block is not None, "README.md has no question index markers"
    lines = block.splitlines()
    for question in CORPUS.questions:
        line = next((line for line in lines if line.startswith(f"- {question.question} ")),
                    None)
        assert line is not None, f"{question.id} is not in README.md's index"
        assert links_in(line, qi.README) == [(question.notebook.resolve(), question.anchor)]


def test_the_readme_index_groups_the_questions_by_cluster_in_order() -> None:
    block = qi.current_block(qi.README.read_text(encoding="utf-8"))
    headings = re.findall(r"^### (.+)$", block, re.MULTILINE)
    assert headings == list(CORPUS.clusters.values())


def test_every_readme_link_opens_a_cell_that_asserts() -> None:
    block = qi.current_block(qi.README.read_text(encoding="utf-8"))
    links = links_in(block, qi.README)
    assert len(links) == len(CORPUS.questions)
    for notebook, anchor in links:
        cell = qi.evidence_cell(notebook, anchor)
        assert cell is not None and qi.asserts(cell), f"{notebook.name}#{anchor}"


def test_notebook_00s_index_links_each_featured_question_to_a_cell_that_asserts() -> None:
    """Checked on the text the tool writes into notebook 00, whether or not 00 has its
    markers yet: every cluster has a featured question, each linked from 00's folder."""
    text = qi.start_index(CORPUS)
    featured = [question for question in CORPUS.questions if question.featured]
    assert {question.cluster for question in featured} == set(CORPUS.clusters)
    links = links_in(text, qi.START)
    assert links == [(q.notebook.resolve(), q.anchor) for q in featured]
    for notebook, anchor in links:
        cell = qi.evidence_cell(notebook, anchor)
        assert cell is not None and qi.asserts(cell), f"{notebook.name}#{anchor}"
    assert "../README.md#questions-learners-ask" in text


def test_notebook_00s_index_stays_short() -> None:
    """The start page has a budget of minutes; its index takes under two of them."""
    assert qi.reading_minutes(qi.start_index(CORPUS)) < 2.0


def test_notebook_00_holds_the_written_index_wherever_it_has_the_markers() -> None:
    notebook = json.loads(qi.START.read_text(encoding="utf-8"))
    marked = [cell for cell in notebook["cells"] if qi.START_MARK in "".join(cell["source"])]
    assert len(marked) <= 1, "notebook 00 has the index markers in more than one cell"
    for cell in marked:
        assert cell["cell_type"] == "markdown"
        assert qi.current_block("".join(cell["source"])) == qi.start_index(CORPUS), (
            "notebook 00's question index is out of date: run python -m tools.question_index")


def test_relocate_points_a_moved_cell_at_the_notebook_holding_its_anchor(
        tmp_path: Path) -> None:
    text = qi.CORPUS.read_text(encoding="utf-8")
    moved = text.replace("cell: notebooks/reference/16_dropout_and_cudnn.ipynb#ev-cudnn-decision",
                         "cell: notebooks/16_dropout_and_cudnn.ipynb#ev-cudnn-decision")
    assert moved != text
    corpus = tmp_path / "questions.yml"
    corpus.write_text(moved, encoding="utf-8")
    report = qi.relocate(corpus)
    assert any("ev-cudnn-decision" in line and "-> notebooks/reference/16_" in line
               for line in report)
    assert corpus.read_text(encoding="utf-8") == text
