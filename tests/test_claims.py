"""Every claim points at its evidence, the evidence checks something, and none went missing.

A notebook's key points, and the question index in README and notebook 00, link to the
cell that shows each claim: `[evidence](#ev-name)` inside a notebook, or
`notebooks/NN_name.ipynb#ev-name` (`notebooks/reference/…` for the shelf) from outside. The
anchor is an `<a id="ev-name"></a>` in a Markdown cell; the evidence is the first code cell
after it, and it must hold an `assert`, so the claim is checked every time nbval runs.

The course was split into a core and a reference shelf (issue 20). `BEFORE_THE_SPLIT` lists
every anchor the nine notebooks had then; each must still be found in a notebook of
tools/notebooks.py, or `GONE` says where it went and why. An anchor handed to a shelf
notebook that is not in this checkout yet (another branch writes it) is reported as pending;
once that notebook is here, the anchor must be in it.
"""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from pathlib import Path

import pytest

from tools import notebooks as registry
from tools.question_index import evidence_cell as find_evidence_cell

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = registry.paths(ROOT)
ANCHOR = re.compile(r'<a id="(ev-[a-z0-9-]+)"></a>')
LINK = re.compile(r"\]\(((?:[\w./-]*\.ipynb)?#ev-[a-z0-9-]+)\)")
BULLET = re.compile(r"^- ", re.MULTILINE)

SHELF_HISTORY = "reference/10_history_and_porting.ipynb"
SHELF_EXERCISES = "reference/13_more_exercises.ipynb"

#: Every evidence anchor of the nine notebooks before the split (main at f0354e6).
BEFORE_THE_SPLIT = {
    "00_start_here.ipynb": ["ev-version-check", "ev-twelve-and-sixteen"],
    "01_twelve_parameters.ipynb": [
        "ev-four-paths", "ev-no-bias", "ev-seed-formula", "ev-three-tensors",
        "ev-kernel-c-slice", "ev-keras1-order", "ev-why-gates", "ev-initial-state",
        "ev-one-step"],
    "02_sixteen_parameters.ipynb": [
        "ev-sixteen", "ev-one-new-row", "ev-kernel-c", "ev-every-gate",
        "ev-pre-activations-add", "ev-features-interact", "ev-one-c-per-unit", "ev-dense-count",
        "ev-four-dense", "ev-triples-concatenated", "ev-gate-order"],
    "03_any_shape.ipynb": [
        "ev-formula", "ev-twenty-shapes", "ev-feature-adds", "ev-which-block",
        "ev-units-not-timesteps", "ev-one-cell", "ev-timesteps-never-change-the-count",
        "ev-units-features-independent", "ev-side-by-side", "ev-units-not-a-chain",
        "ev-return-sequences", "ev-dense-on-sequences", "ev-stacked", "ev-bidirectional",
        "ev-bidirectional-weights", "ev-merge-modes", "ev-head-after-bidirectional"],
    "04_through_time.ipynb": [
        "ev-every-step", "ev-what-keras-returns", "ev-gates-recomputed", "ev-hand-over",
        "ev-memory-lag", "ev-joint-vs-separate", "ev-additive-target"],
    "05_other_cells.ipynb": [
        "ev-eq7", "ev-initial-state", "ev-no-peepholes", "ev-two-biases", "ev-gru-equations",
        "ev-simple-rnn", "ev-all-cells", "ev-gru-order", "ev-keras2-defaults"],
    "06_exercises.ipynb": [
        "ev-keras-counts", "ev-keras-shapes", "ev-checker-accepts", "ev-gate-by-hand",
        "ev-seed-sentence", "ev-slips-are-real", "ev-no-coincidences"],
    "07_old_answers_today.ipynb": [
        "ev-keras2-slices", "ev-input-shape", "ev-epochs", "ev-hard-sigmoid-functions",
        "ev-hard-sigmoid", "ev-keras1-order", "ev-keras1-convert", "ev-cudnn-count",
        "ev-cudnn-bias", "ev-gru-count", "ev-gru-formula", "ev-peephole"],
    "08_state_and_batches.ipynb": [
        "ev-batch-count", "ev-batch-independent", "ev-stateful-count", "ev-stateful-halves",
        "ev-reset-state", "ev-batch-slot", "ev-windows", "ev-sliding-windows", "ev-return-state"],
}

#: (old notebook, anchor) → (where its claim is asserted now, why it moved). A target
#: "notebook.ipynb#ev-…" must resolve once that notebook is in the checkout; a target under
#: "tests/" names the test that asserts it now.
GONE = {
    ("00_start_here.ipynb", "ev-version-check"): (
        "tests/test_hosted.py::test_every_first_cell_was_saved_at_exactly_the_pins",
        "00 became a short start page; the first cell of every notebook prints the verdict"),
    ("00_start_here.ipynb", "ev-twelve-and-sixteen"): (
        "01_twelve_parameters.ipynb#ev-four-paths",
        "00 became a short start page; 01 and 02 count 12 and 16 in Keras"),
    ("01_twelve_parameters.ipynb", "ev-no-bias"): (
        "05_exercises.ipynb#ev-keras-counts", "use_bias=False is question 1 of the exercises"),
    ("01_twelve_parameters.ipynb", "ev-keras1-order"): (
        "01_twelve_parameters.ipynb#ev-kernel-c-slice",
        "the block of ones at f stays in the core; Keras 1's order i, c, f, o is history, "
        f"in {SHELF_HISTORY}#ev-keras1-order"),
    ("01_twelve_parameters.ipynb", "ev-initial-state"): (
        "reference/11_other_cells.ipynb#ev-initial-state",
        "initial_state went to the shelf, where 05's cell asserts the same"),
    ("02_sixteen_parameters.ipynb", "ev-kernel-c"): (
        "02_sixteen_parameters.ipynb#ev-one-new-row",
        "kernel_c (2, 1) and bias_c (1,) are asserted with the growth of the tensors"),
    ("02_sixteen_parameters.ipynb", "ev-pre-activations-add"): (
        f"{SHELF_EXERCISES}#ev-pre-activations-add", "a deeper look, handed to the shelf"),
    ("02_sixteen_parameters.ipynb", "ev-triples-concatenated"): (
        "02_sixteen_parameters.ipynb#ev-four-dense",
        "the four Dense layers are loaded from one LSTM's blocks and compared with it"),
    ("02_sixteen_parameters.ipynb", "ev-gate-order"): (
        f"{SHELF_HISTORY}#ev-keras1-convert", "Keras 1's order is history"),
    ("03_any_shape.ipynb", "ev-feature-adds"): (
        "03_any_shape.ipynb#ev-what-grows",
        "one more feature and one more unit are asserted side by side"),
    ("03_any_shape.ipynb", "ev-side-by-side"): (
        f"{SHELF_EXERCISES}#ev-side-by-side", "handed to the shelf to keep the core short"),
    ("03_any_shape.ipynb", "ev-units-not-a-chain"): (
        f"{SHELF_EXERCISES}#ev-units-not-a-chain", "handed to the shelf with ev-side-by-side"),
    ("03_any_shape.ipynb", "ev-dense-on-sequences"): (
        f"{SHELF_EXERCISES}#ev-dense-on-sequences", "the layers around an LSTM are on the shelf"),
    ("03_any_shape.ipynb", "ev-bidirectional-weights"): (
        f"{SHELF_EXERCISES}#ev-bidirectional-weights", "Bidirectional beyond its count"),
    ("03_any_shape.ipynb", "ev-merge-modes"): (
        f"{SHELF_EXERCISES}#ev-merge-modes", "Bidirectional beyond its count"),
    ("03_any_shape.ipynb", "ev-head-after-bidirectional"): (
        f"{SHELF_EXERCISES}#ev-head-after-bidirectional", "Bidirectional beyond its count"),
    ("06_exercises.ipynb", "ev-keras-shapes"): (
        "05_exercises.ipynb#ev-keras-counts", "counts and shapes are checked in one cell"),
    ("06_exercises.ipynb", "ev-checker-accepts"): (
        "tests/test_exercise_solutions.py::test_the_checker_accepts_what_keras_reports",
        "the checker's self-tests left the learners' notebook"),
    ("06_exercises.ipynb", "ev-seed-sentence"): (
        "02_sixteen_parameters.ipynb#ev-features-interact",
        "the wrong sentence is refuted in 02 (and trained in 04)"),
    ("06_exercises.ipynb", "ev-slips-are-real"): (
        "tests/test_exercise_solutions.py::test_the_usual_slips_are_counts_of_real_layers",
        "the checker's self-tests left the learners' notebook"),
    ("06_exercises.ipynb", "ev-no-coincidences"): (
        "tests/test_exercise_solutions.py::test_no_two_slips_give_the_same_answer",
        "the checker's self-tests left the learners' notebook"),
}


@cache
def cells(notebook: Path) -> tuple[dict, ...]:
    return tuple(json.loads(notebook.read_text(encoding="utf-8"))["cells"])


def source(cell: dict) -> str:
    return "".join(cell["source"])


def anchors(notebook: Path) -> list[str]:
    return [anchor for cell in cells(notebook) if cell["cell_type"] == "markdown"
            for anchor in ANCHOR.findall(source(cell))]


def evidence_cell(notebook: Path, anchor: str) -> dict:
    """The first code cell after the Markdown cell that holds the anchor (found the way the
    question index finds it), failing with the notebook and anchor when there is none."""
    cell = find_evidence_cell(notebook, anchor)
    assert cell is not None, f"{notebook.name}: no anchor {anchor!r}, or no code cell after it"
    return cell


def pending(path: str, anchor: str) -> str | None:
    """Why a link into a shelf notebook not in this checkout is accepted: the anchor was
    handed to that notebook (GONE); None if it was not."""
    for (old, gone), (target, why) in GONE.items():
        if target == f"{path}#{anchor}":
            return f"{old}#{gone} was handed to {path}, not in this checkout yet ({why})"
    return None


def resolve(link: str, base: Path) -> tuple[Path, dict] | str:
    """The notebook and evidence cell a link points to, relative to `base`'s folder; or,
    for a shelf notebook not in this checkout yet, the reason the link is pending."""
    path, _, anchor = link.partition("#")
    notebook = (base.parent / path).resolve() if path else base
    if not notebook.exists():
        relative = notebook.relative_to((ROOT / "notebooks").resolve()).as_posix()
        listed = registry.find(relative)  # KeyError: a notebook the course does not have
        try:
            notebook = registry.present(listed.path, ROOT)  # its content, in the old file
        except FileNotFoundError:
            reason = pending(listed.path, anchor)
            assert reason, (f"{link}: {listed.path} is not in this checkout and {anchor} was "
                            f"not handed to it (see GONE in tests/test_claims.py)")
            return reason
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
            section = re.split(r"\n#{1,3} |\nNext: |\n\*\*Read on", section)[0]
            return [bullet.strip() for bullet in BULLET.split(section)[1:]]
    return []


def check_link(link: str, base: Path, where: str) -> None:
    target = resolve(link, base)
    if isinstance(target, str):
        return  # pending: the shelf notebook is written on another branch
    notebook, cell = target
    assert asserts(cell), f"{where} → {notebook.name}{link}: the evidence cell asserts nothing"


@pytest.mark.parametrize("notebook", NOTEBOOKS[1:], ids=lambda path: path.name)
def test_every_key_point_links_to_a_cell_that_asserts_it(notebook: Path) -> None:
    points = key_points(notebook)
    assert points, f"{notebook.name} has no Key points section"
    for point in points:
        links = LINK.findall(point)
        assert links, f"{notebook.name}: key point without evidence: {point[:70]}…"
        for link in links:
            check_link(link, notebook, notebook.name)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.name)
def test_anchors_are_unique_and_each_precedes_a_code_cell(notebook: Path) -> None:
    found = anchors(notebook)
    assert len(found) == len(set(found)), f"{notebook.name}: an anchor is used twice"
    for anchor in found:
        evidence_cell(notebook, anchor)


def question_index(document: Path) -> list[str]:
    if document.suffix == ".ipynb":
        text = "\n".join(source(cell) for cell in cells(document))
    else:
        text = document.read_text(encoding="utf-8")
    assert "Questions learners ask" in text, f"{document.name}: no question index"
    index = re.split(r"\n## ", text.split("Questions learners ask", 1)[1])[0]
    return [line for line in index.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize("document", ["README.md", "notebooks/00_start_here.ipynb"])
def test_the_question_index_links_each_question_to_a_cell_that_asserts(document: str) -> None:
    path = ROOT / document
    questions = question_index(path)
    least = 80 if document == "README.md" else 10  # 00 lists the featured questions
    assert len(questions) >= least, f"{document}: {len(questions)} questions"
    for question in questions:
        links = LINK.findall(question)
        assert links, f"{document}: a question without a link: {question[:60]}"
        for link in links:
            check_link(link, path, document)


def present_anchors() -> dict[str, set[str]]:
    """anchor → the notebooks (paths under notebooks/) of this checkout's course that hold it."""
    where: dict[str, set[str]] = {}
    folder = ROOT / "notebooks"
    for path in registry.content_files(ROOT):
        for anchor in anchors(path):
            where.setdefault(anchor, set()).add(path.relative_to(folder).as_posix())
    return where


@pytest.mark.parametrize(
    ("old", "anchor"),
    [(old, anchor) for old, names in BEFORE_THE_SPLIT.items() for anchor in names],
    ids=lambda value: value,
)
def test_no_evidence_went_missing(old: str, anchor: str) -> None:
    """An anchor of the old course is still in a notebook of the course, or GONE says where
    its claim is asserted now and why it moved."""
    if (old, anchor) not in GONE:
        assert present_anchors().get(anchor), (
            f"{old}#{anchor} went missing: no notebook of the course has it; add it back, or "
            f"record in GONE where its claim is asserted now and why")
        return
    target, why = GONE[(old, anchor)]
    if target.startswith("tests/"):
        file, _, test = target.partition("::")
        assert f"def {test}(" in (ROOT / file).read_text(encoding="utf-8"), f"{target} ({why})"
    else:
        check_link(target, ROOT / "notebooks" / "00_start_here.ipynb", f"GONE[{old}#{anchor}]")


@pytest.mark.parametrize("notebook", registry.paths(ROOT, part="core"), ids=lambda p: p.name)
def test_every_notebook_link_in_the_core_resolves(notebook: Path) -> None:
    """Links between notebooks point at a listed notebook, and, when it is in this checkout,
    at an anchor it has."""
    for cell in cells(notebook):
        if cell["cell_type"] != "markdown":
            continue
        for target in re.findall(r"\]\(([\w./-]+\.ipynb)(#[\w-]+)?\)", source(cell)):
            path, anchor = target
            file = (notebook.parent / path).resolve()
            relative = file.relative_to((ROOT / "notebooks").resolve()).as_posix()
            old_layout = any(relative in listed.replaces for listed in registry.NOTEBOOKS)
            if not old_layout:
                registry.find(relative)  # KeyError: a notebook the course does not list
            if anchor and file.exists():
                assert anchor[1:] in anchors(file), \
                    f"{notebook.name} → {relative}{anchor}: no such anchor"
