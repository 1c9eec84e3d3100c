"""The question index, written from the harvested questions in docs/questions.yml.

Learners' questions (each with its source, a Keras 3 answer, its cluster and the notebook
cell that answers it) live in docs/questions.yml. This module writes them, grouped by
cluster and each linked to its cell, between markers in two places:

- README.md, "Questions learners ask": every question;
- notebook 00's cell holding the same heading: the questions marked `featured`, one per
  cluster, so the start page stays short, and a pointer to the full list.

    python -m tools.question_index             rewrite both (00 only where it has the markers)
    python -m tools.question_index --check     exit 1 if either is out of date
    python -m tools.question_index --relocate  point every `cell` at the notebook that now
                                               holds its anchor (after notebooks moved)

A cell is named `notebooks/<path>.ipynb#ev-<anchor>`; the anchor is an `<a id="ev-..."></a>`
in a Markdown cell, and the evidence is the first code cell after it, which must assert
(the convention of tests/test_claims.py). tests/test_question_index.py checks all of it.
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "docs" / "questions.yml"
README = ROOT / "README.md"
NOTEBOOKS = ROOT / "notebooks"
START = NOTEBOOKS / "00_start_here.ipynb"
HEADING = "Questions learners ask"
START_MARK = "<!-- question index: written by python -m tools.question_index -->"
END_MARK = "<!-- end of question index -->"
CELL = re.compile(r"^notebooks/(?:[\w-]+/)*\d\d_\w+\.ipynb#ev-[a-z0-9-]+$")
SOURCE = re.compile(r"^https?://[^\s]+$")
FIELDS = ("id", "question", "source", "answer", "cluster", "cell")
#: Most characters of an answer: one to three lines of the README's width.
LONGEST_ANSWER = 3 * 100


@dataclass(frozen=True)
class Question:
    """One harvested question: what a learner asked, where, and what answers it."""

    id: str
    question: str
    source: str
    answer: str
    cluster: str
    cell: str
    featured: bool = False

    @property
    def notebook(self) -> Path:
        return ROOT / self.cell.partition("#")[0]

    @property
    def anchor(self) -> str:
        return self.cell.partition("#")[2]


@dataclass(frozen=True)
class Corpus:
    """The clusters in index order (key -> title) and the questions in file order."""

    clusters: dict[str, str]
    questions: tuple[Question, ...]

    def in_cluster(self, key: str, featured_only: bool = False) -> list[Question]:
        return [q for q in self.questions
                if q.cluster == key and (q.featured or not featured_only)]


def load(path: Path = CORPUS) -> Corpus:
    """Read and check the corpus; every problem is a ValueError naming the entry."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != {"clusters", "questions"}:
        raise ValueError(f"{path.name} must hold exactly 'clusters' and 'questions'")
    clusters = {str(key): str(title) for key, title in data["clusters"].items()}
    questions, seen = [], set()
    for number, entry in enumerate(data["questions"], start=1):
        where = f"{path.name}, question {number} ({entry.get('id', 'no id')})"
        missing = [field for field in FIELDS if not str(entry.get(field, "")).strip()]
        if missing:
            raise ValueError(f"{where}: missing {', '.join(missing)}")
        unknown = set(entry) - {*FIELDS, "featured"}
        if unknown:
            raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
        question = Question(**{field: str(entry[field]).strip() for field in FIELDS},
                            featured=entry.get("featured", False) is True)
        if question.id in seen:
            raise ValueError(f"{where}: the id is used twice")
        seen.add(question.id)
        if question.cluster not in clusters:
            raise ValueError(f"{where}: cluster {question.cluster!r} is not one of "
                             f"{', '.join(clusters)}")
        if not CELL.match(question.cell):
            raise ValueError(f"{where}: cell must read notebooks/NN_name.ipynb#ev-anchor, "
                             f"got {question.cell!r}")
        if not SOURCE.match(question.source):
            raise ValueError(f"{where}: source must be an http(s) address")
        if len(question.answer) > LONGEST_ANSWER:
            raise ValueError(f"{where}: the answer runs over three lines "
                             f"({len(question.answer)} characters)")
        questions.append(question)
    return Corpus(clusters, tuple(questions))


# ---------------------------------------------------------------- notebooks and cells


@functools.cache
def _cells(notebook: Path) -> list[dict]:
    """A notebook's cells, read once per run (the tool and the tests only read them)."""
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def evidence_cell(notebook: Path, anchor: str) -> dict | None:
    """The first code cell after the Markdown cell holding `<a id="anchor"></a>`, or None
    when the notebook, the anchor or a code cell after it is missing."""
    if not notebook.exists():
        return None
    found = False
    for cell in _cells(notebook):
        if found and cell["cell_type"] == "code":
            return cell
        if cell["cell_type"] == "markdown" and f'<a id="{anchor}"></a>' in _text(cell):
            found = True
    return None


def asserts(cell: dict) -> bool:
    """Whether a code cell holds an assert statement."""
    try:
        tree = ast.parse(_text(cell))
    except SyntaxError:  # an IPython magic line
        return "assert " in _text(cell)
    return any(isinstance(node, ast.Assert) for node in ast.walk(tree))


def course_notebooks() -> list[Path]:
    """Every notebook of the course, core and reference shelf, from the course's notebook
    registry (tools/notebooks.py; an old-layout file while its successor is not here yet)."""
    from tools import notebooks

    return notebooks.content_files(ROOT)


def notebooks_holding(anchor: str) -> list[Path]:
    """The course notebooks with this anchor."""
    return [path for path in course_notebooks()
            if any(cell["cell_type"] == "markdown" and f'<a id="{anchor}"></a>' in _text(cell)
                   for cell in _cells(path))]


# ---------------------------------------------------------------- the index


def _link(question: Question, base: Path) -> str:
    """A Markdown link to the question's cell, relative to the file `base`, shown as the
    notebook's number (14 for notebooks/reference/14_masks_and_padding.ipynb)."""
    target = os.path.relpath(question.notebook, base.parent).replace(os.sep, "/")
    return f"[{question.notebook.name[:2]}]({target}#{question.anchor})"


def readme_index(corpus: Corpus) -> str:
    """Every question, by cluster, each linked to its cell from README.md."""
    parts = [f"{len(corpus.questions)} questions in {len(corpus.clusters)} groups, each from a "
             "public question (docs/questions.yml lists where each was asked and a short "
             "answer)."]
    for key, title in corpus.clusters.items():
        parts.append(f"\n### {title}\n")
        parts.extend(f"- {q.question} {_link(q, README)}" for q in corpus.in_cluster(key))
    return "\n".join(parts)


def start_index(corpus: Corpus) -> str:
    """The featured questions, by cluster, each linked to its cell from notebook 00, and
    the way to all of them."""
    parts = []
    for key, title in corpus.clusters.items():
        featured = corpus.in_cluster(key, featured_only=True)
        if featured:
            parts.append(f"**{title}**\n")
            parts.extend(f"- {q.question} {_link(q, START)}" for q in featured)
            parts.append("")
    parts.append(f"All {len(corpus.questions)} questions, by group: the README's list "
                 f"([{HEADING.lower()}](../README.md#questions-learners-ask)).")
    return "\n".join(parts)


def reading_minutes(text: str) -> float:
    """Minutes to read Markdown, by the course's formula (words / 180, links included)."""
    return len(re.findall(r"\w+", text)) / 180


def replace_block(text: str, block: str) -> str:
    """text with everything between the markers replaced by block."""
    before, rest = text.split(START_MARK, 1)
    _, after = rest.split(END_MARK, 1)
    return f"{before}{START_MARK}\n{block}\n{END_MARK}{after}"


def current_block(text: str) -> str | None:
    """What stands between the markers now, or None without markers."""
    if START_MARK not in text or END_MARK not in text:
        return None
    return text.split(START_MARK, 1)[1].split(END_MARK, 1)[0].strip("\n")


def start_cell(notebook: dict) -> dict | None:
    """Notebook 00's Markdown cell holding the index markers, if it has them."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown" and START_MARK in _text(cell):
            return cell
    return None


def write(corpus: Corpus) -> list[str]:
    """Rewrite the index in README.md, and in notebook 00 if it has the markers; returns
    what was written, in words."""
    done = []
    readme = README.read_text(encoding="utf-8")
    if current_block(readme) is None:
        raise SystemExit(f"README.md has no question index markers ({START_MARK})")
    README.write_text(replace_block(readme, readme_index(corpus)), encoding="utf-8")
    done.append(f"README.md: {len(corpus.questions)} questions")
    notebook = json.loads(START.read_text(encoding="utf-8")) if START.exists() else None
    cell = start_cell(notebook) if notebook else None
    if cell is None:
        done.append(f"{START.name}: no markers, left as it is (put {START_MARK} and "
                    f"{END_MARK} in its index cell, then run this again)")
    else:
        cell["source"] = replace_block(_text(cell), start_index(corpus))
        START.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
                         encoding="utf-8")
        featured = sum(q.featured for q in corpus.questions)
        done.append(f"{START.name}: {featured} featured questions, "
                    f"{reading_minutes(start_index(corpus)):.1f} min to read")
    return done


def out_of_date(corpus: Corpus) -> list[str]:
    """The files whose index differs from the corpus."""
    stale = []
    if current_block(README.read_text(encoding="utf-8")) != readme_index(corpus):
        stale.append("README.md")
    if START.exists():
        cell = start_cell(json.loads(START.read_text(encoding="utf-8")))
        if cell is not None and current_block(_text(cell)) != start_index(corpus):
            stale.append(START.name)
    return stale


def relocate(path: Path = CORPUS) -> list[str]:
    """Point every cell whose notebook no longer holds its anchor at the one notebook that
    does; returns what moved and what could not be placed."""
    corpus = load(path)
    text = path.read_text(encoding="utf-8")
    report = []
    for question in corpus.questions:
        if evidence_cell(question.notebook, question.anchor) is not None:
            continue
        homes = notebooks_holding(question.anchor)
        if len(homes) != 1:
            report.append(f"{question.id}: {question.anchor} is in {len(homes)} notebooks; "
                          "set its cell by hand")
            continue
        new = f"{homes[0].relative_to(ROOT).as_posix()}#{question.anchor}"
        text = text.replace(f"    cell: {question.cell}\n", f"    cell: {new}\n")
        report.append(f"{question.id}: {question.cell} -> {new}")
    path.write_text(text, encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.question_index",
                                     description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--check", action="store_true",
                        help="exit 1 if README.md or notebook 00 is out of date")
    action.add_argument("--relocate", action="store_true",
                        help="point cells at the notebooks that now hold their anchors")
    args = parser.parse_args(argv)
    if args.relocate:
        print("\n".join(relocate()) or "every cell is where its anchor is")
        return 0
    corpus = load()
    if args.check:
        stale = out_of_date(corpus)
        print("out of date: " + ", ".join(stale) if stale else "the question index is current")
        return 1 if stale else 0
    print("\n".join(write(corpus)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
