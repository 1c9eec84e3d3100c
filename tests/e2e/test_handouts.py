"""Handouts printed by a real Chromium: per notebook the full and the student edition, and,
from small tagged notebooks, every edition at once; then the command's own refusals.

The tagged notebooks come from tests/handout_notebooks.py (`challenge_notebook`), so these
tests do not depend on which cells of the course's notebooks carry tags.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import nbformat
import pytest
from handout_notebooks import ANSWER_OUTPUT, SOLUTION_TEXT

from .support import ROOT, saved_outputs

CREDIT = "Multi dimensional input for LSTM in Keras"


def pdf_text(path: Path) -> str:
    """The PDF's text, ligatures (ﬁ) undone and every run of white space one space."""
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


# --- each course notebook -------------------------------------------------------------------


def test_html_handout_is_offline_and_has_every_diagram(notebook: Path, handout):
    for page in (handout.html, handout.student_html):
        html = page.read_text(encoding="utf-8")
        images = saved_outputs(notebook, "image/png")
        assert len(re.findall(r"<img[^>]+src=\"data:image/png;base64,", html)) == images
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']https?://", html)
        assert not re.search(r"[\"']https?://[^\"']+\.m?js[\"']", html)
        for placeholder in ("Loading widget", "Error displaying widget", "kernel required",
                            "widget-view+json"):
            assert placeholder not in html


def test_pdf_handout_has_pages_and_embedded_images(notebook: Path, handout):
    pdf = handout.pdf.read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 2 <= pages <= 40, pages
    assert pages == pdf_pages(handout.pdf)  # the tool's own page count agrees with pypdf
    images = saved_outputs(notebook, "image/png")
    if images:
        assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= images


def test_student_pdf_leaves_out_the_tagged_cells_and_keeps_the_credit(notebook: Path,
                                                                      handout):
    saved = nbformat.read(notebook, as_version=4)
    tagged = [cell for cell in saved.cells
              if {"answer", "solution"} & set(cell.metadata.get("tags", []))]
    assert pdf_pages(handout.student_pdf) <= pdf_pages(handout.pdf)
    text = pdf_text(handout.student_pdf)
    assert CREDIT in text and CREDIT in pdf_text(handout.pdf)
    if tagged:
        assert "Student edition" in text
        assert "Solution" not in re.sub(r"solutions sheet", "", text)


def test_html_handout_in_chromium_loads_nothing_from_the_network(
    notebook: Path, handout_in_chromium, artifacts: Path
):
    handout_in_chromium.page.screenshot(path=artifacts / f"handout-{notebook.stem}.png")
    remote = [
        url for url in handout_in_chromium.requested
        if not url.startswith(("file:", "data:", "blob:"))
    ]
    assert remote == []


def test_pdf_handout_prints_typeset_math_not_latex(notebook: Path, handout):
    text = pdf_text(handout.pdf)
    assert not re.search(r"\\(sigma|tanh|odot|tilde|big|frac|cdot)\b", text), "LaTeX in print"
    assert not re.search(r"\$[^$\n]{1,80}\$", text), "dollar-delimited math left as source"


# --- every edition, from small tagged notebooks --------------------------------------------


def test_student_edition_prints_no_solution_and_no_answer(editions):
    student = editions["student/02_wider"].pdf
    text = pdf_text(student)
    assert SOLUTION_TEXT not in text and ANSWER_OUTPUT not in text
    assert "Solution" not in re.sub(r"solutions sheet", "", text)
    assert "Predict first: a wider input" in text and CREDIT in text


def test_solutions_sheet_prints_solutions_open_with_their_answers(editions):
    text = pdf_text(editions["solutions-core"].pdf)
    assert SOLUTION_TEXT.replace(" ", "") in text.replace(" ", "")
    assert ANSWER_OUTPUT in text and "Predict first: a wider input" in text and CREDIT in text
    assert "solutions-reference" in editions  # one sheet per part that has tagged cells


def test_full_edition_prints_solutions_open(editions):
    text = pdf_text(editions["full/02_wider"].pdf)
    assert SOLUTION_TEXT.replace(" ", "") in text.replace(" ", "") and ANSWER_OUTPUT in text


def test_reference_card_fits_two_pages_with_both_pictures(editions):
    card = editions["reference-card"]
    assert 1 <= pdf_pages(card.pdf) <= 2
    assert len(re.findall(rb"/Subtype\s*/Image", card.pdf.read_bytes())) >= 2
    text = pdf_text(card.pdf)
    for said in ("Why 12, why 16", "i, c, f, o", "i, f, g, o", "i, o, f, c", CREDIT):
        assert said in text, said


# --- the command itself ---------------------------------------------------------------------


def test_the_handouts_command_prints_the_card_with_headless_chromium(chromium: str,
                                                                      tmp_path: Path):
    """`python -m tools.handouts` prints with a Chromium of its own (no Playwright), says
    each file's pages, and writes nothing but its files and its record."""
    out = tmp_path / "handouts"
    done = subprocess.run(
        [sys.executable, "-m", "tools.handouts", "--out", str(out), "--edition", "card"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**quiet_env(), "LSTM_TEACH_CHROMIUM": chromium},
    )
    assert done.returncode == 0, done.stderr
    pages = pdf_pages(out / "reference-card.pdf")
    assert f"wrote reference-card.html and .pdf ({pages} page" in done.stdout
    assert f"pages: card: {pages}" in done.stdout
    assert sorted(path.name for path in out.iterdir()) == [
        ".lstm-teach-handouts.json", "reference-card.html", "reference-card.pdf"]


def quiet_env() -> dict[str, str]:
    import os

    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def tasks_handouts(*argv: str, env: dict[str, str] | None = None, cwd: Path = ROOT
                   ) -> tuple[int, list[str]]:
    """`python tasks.py handouts ...` in a process of its own: exit code, stderr lines."""
    done = subprocess.run([sys.executable, str(ROOT / "tasks.py"), "handouts", *argv],
                          cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=env or quiet_env())
    return done.returncode, done.stderr.strip().splitlines()


@pytest.mark.parametrize("where", ["a file", "inside a file"])
def test_tasks_handouts_out_into_a_file_is_one_line(tmp_path: Path, where: str):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    out = a_file if where == "a file" else a_file / "handouts"
    code, err = tasks_handouts("--out", str(out), cwd=tmp_path)
    assert code == 1 and len(err) == 1, err
    assert err[0].startswith("tasks.py: handouts: --out") and "file" in err[0]
    assert a_file.read_text() == "mine"


def test_tasks_handouts_chromium_variable_pointing_nowhere_is_one_line(tmp_path: Path):
    for value in (str(tmp_path / "missing"), str(tmp_path)):
        code, err = tasks_handouts("--out", str(tmp_path / "out"),
                                   env={**quiet_env(), "LSTM_TEACH_CHROMIUM": value})
        assert code == 1 and len(err) == 1, err
        assert f"LSTM_TEACH_CHROMIUM={value!r}" in err[0] and "Chromium or Chrome" in err[0]
    assert not (tmp_path / "out").exists()
