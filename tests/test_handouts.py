"""The handouts without a browser: what each edition's HTML says, the credit, the files
the command writes (and refuses to touch), and the reference card's numbers against real
Keras layers.

The browser tests (tests/e2e/test_handouts.py) print the handouts to PDF and check what
Chromium shows. Tests about tagged cells use small notebooks made here, so they do not
depend on which cells of the course's notebooks carry tags.
"""

from __future__ import annotations

import html as html_module
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from handout_notebooks import ANSWER_OUTPUT, PICTURE_ALT, SOLUTION_TEXT, challenge_notebook

from lstm_teach import source as source_module
from tools import handout_files, handouts
from tools.handout_files import HandoutError, OutputFolder

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = [path for part in handouts.course_notebooks().values() for path in part]
LATEX_COMMAND = re.compile(r"\\(?:sigma|tanh|odot|tilde|big|ast|frac|cdot)\b")
FAKE_PDF = b"%PDF-1.4\n1 0 obj << /Type /Pages /Count 1 >> endobj\n" \
           b"2 0 obj << /Type /Page >> endobj\n%%EOF\n"


def visible_text(page: str) -> str:
    """What a reader sees of an HTML page: styles and tags removed, entities decoded."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.DOTALL | re.IGNORECASE)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", page))


# --- small notebooks with tagged cells ------------------------------------------------------


@pytest.fixture
def course(tmp_path: Path) -> dict[str, list[Path]]:
    """Two small parts: a core notebook with a tagged challenge, one without tags, and a
    reference notebook with a tagged challenge."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    paths = {
        "core": [folder / "02_wider.ipynb", folder / "03_next.ipynb"],
        "reference": [folder / "10_more.ipynb"],
    }
    nbformat.write(challenge_notebook(), paths["core"][0])
    nbformat.write(challenge_notebook("03 · Next", tagged=False), paths["core"][1])
    nbformat.write(challenge_notebook("10 · More"), paths["reference"][0])
    return paths


def prints_open(page: str) -> bool:
    """Whether the page has folded solutions and every one of them is open."""
    tags = re.findall(r"<details\b[^>]*>", page)
    return bool(tags) and all(re.search(r"\bopen\b", tag) for tag in tags)


def fake_printer(html_path: Path, pdf_path: Path) -> None:
    """Stands in for Chromium: a one-page PDF, after checking the page it is given exists."""
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    pdf_path.write_bytes(FAKE_PDF)


# --- the editions ---------------------------------------------------------------------------


def test_student_edition_leaves_out_tagged_cells_and_says_so():
    page = handouts.student_html(challenge_notebook(), footer="")
    text = visible_text(page)
    assert SOLUTION_TEXT not in text and ANSWER_OUTPUT not in text
    assert "Solution" not in text  # no bare "Solution" on paper
    assert "Predict first: a wider input" in text and "Not answered" in text  # the challenge stays
    assert "Student edition" in text and "solutions sheet" in text
    assert PICTURE_ALT in html_module.unescape(page)  # the rest is all there


def test_student_edition_of_an_untagged_notebook_keeps_every_cell_without_a_note():
    notebook = challenge_notebook(tagged=False)
    student = handouts.student_notebook(notebook)
    assert [cell.source for cell in student.cells] == [cell.source for cell in notebook.cells]


def test_full_edition_prints_folded_solutions_open():
    page = handouts.notebook_html(challenge_notebook(), footer="")
    assert prints_open(page)
    assert SOLUTION_TEXT in visible_text(page) and ANSWER_OUTPUT in visible_text(page)


def test_solutions_sheet_holds_each_challenge_open_with_its_answer(course):
    sheet = handouts.solutions_notebook(course["core"], "core")
    assert sheet is not None
    page = handouts._export(handouts._prepared(sheet), "Solutions", "")
    text = visible_text(page)
    assert prints_open(page)
    assert SOLUTION_TEXT in text and ANSWER_OUTPUT in text
    assert "02 · A wider input" in text and "Predict first: a wider input" in text
    assert "03 · Next" not in text  # a notebook without tagged cells adds nothing
    assert "How many parameters?" not in text and "Not answered" not in text
    assert "not a heading" not in text
    assert text.index("Predict first") < text.index(SOLUTION_TEXT) < text.index(ANSWER_OUTPUT)


def test_a_challenge_heading_keeps_its_code(tmp_path: Path):
    notebook = challenge_notebook()
    notebook.cells[1].source = "## What became of `kernel_c`\n\nA question."
    nbformat.write(notebook, tmp_path / "01_challenge.ipynb")
    sheet = handouts.solutions_notebook([tmp_path / "01_challenge.ipynb"], "core")
    assert "### What became of `kernel_c`" in [cell.source for cell in sheet.cells]


def test_no_solutions_sheet_for_a_part_without_tagged_cells(course):
    assert handouts.solutions_notebook(course["core"][1:], "core") is None


def test_untagged_folded_solutions_are_found():
    assert handouts.untagged_solutions(challenge_notebook(tagged=False)) == [4]
    assert handouts.untagged_solutions(challenge_notebook()) == []


def test_links_to_notebooks_point_to_their_handouts(course):
    page = handouts.notebook_html(challenge_notebook(), footer="")
    assert 'href="03_next.html#ev-stack"' in page and ".ipynb" not in page
    reference = challenge_notebook(link="../01_first.ipynb")
    assert 'href="../01_first.html"' in handouts.student_html(reference, footer="")
    sheet = handouts.solutions_notebook(course["core"], "core")
    assert 'href="student/03_next.html#ev-stack"' in handouts._export(
        handouts._prepared(sheet), "Solutions", "")


@pytest.mark.slow  # renders a whole course notebook
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.name)
def test_every_math_span_is_typeset_as_mathml(notebook: Path):
    saved = nbformat.read(notebook, as_version=4)
    prose = [handouts.CODE.sub("", cell.source) for cell in saved.cells
             if cell.cell_type == "markdown"]
    spans = sum(len(handouts.MATH.findall(text)) for text in prose)
    page = handouts.notebook_html(notebook)
    assert page.count("<math") == spans
    assert not LATEX_COMMAND.search(visible_text(page))


def test_math_in_code_stays_code():
    markdown = "Cost is `$x$` in code, $x_t$ in prose, and\n```\n$y$\n```\n"
    converted = handouts._outside_code(markdown, handouts._mathml)
    assert "`$x$`" in converted and "```\n$y$\n```" in converted
    assert converted.count("<math") == 1
    assert "<msub><mi>x</mi>" in converted  # subscripts are real subscripts


@pytest.mark.slow  # renders a whole course notebook
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.name)
def test_every_picture_carries_its_description(notebook: Path):
    page = handouts.notebook_html(notebook)
    saved = nbformat.read(notebook, as_version=4)
    descriptions = [output["data"]["text/plain"]
                    for cell in saved.cells for output in cell.get("outputs", [])
                    if "image/png" in output.get("data", {})]
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', page)
    assert len(alts) == len(descriptions) == page.count("<img ")
    assert "No description has been provided" not in page
    for alt, description in zip(alts, descriptions, strict=True):
        assert html_module.unescape(alt) == description
        assert len(description) > 40  # a sentence with its numbers, not a placeholder


# --- the credit -----------------------------------------------------------------------------


def test_credit_says_what_is_not_established_yet():
    unknown = source_module.Source(title="Multi dimensional input for LSTM in Keras",
                                   site="Stack Overflow", url=None, author=None, licence=None,
                                   licence_url=None)
    text = visible_text(handouts.credit_html(unknown, licence=""))
    assert "“Multi dimensional input for LSTM in Keras” on Stack Overflow" in text
    assert "Not yet established from public copies: its address, its author as shown on " \
           "the post and its licence." in text
    assert "The course's own licence is not stated yet." in text


def test_credit_picks_up_every_established_field(monkeypatch):
    known = source_module.Source(
        title="A title", site="A site", url="https://example.org/a/1", author="A. Author",
        licence="CC BY-SA 9.9", licence_url="https://example.org/licence")
    monkeypatch.setattr(source_module, "SOURCE", known)  # as the core notebook would fill it
    footer = handouts.credit_html()
    assert '<a href="https://example.org/a/1">“A title”</a>' in footer
    assert ", by A. Author" in footer
    assert '<a href="https://example.org/licence">CC BY-SA 9.9</a>' in footer
    assert "Not yet established" not in footer
    assert f"The course's own licence: {handouts.project_licence()}." in footer
    for page in (handouts.student_html(challenge_notebook()),
                 handouts.notebook_html(challenge_notebook())):
        tail = page.split("</main>", 1)[1]
        assert '<footer aria-label="Credit and licence"' in tail
        assert visible_text(footer).strip() in visible_text(tail)


def test_project_licence_is_read_from_the_project(tmp_path: Path):
    assert handouts.project_licence(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text('[project]\nlicense = { text = "MIT" }\n')
    assert handouts.project_licence(tmp_path) == "MIT (pyproject.toml)"
    (tmp_path / "LICENSE").write_text("\nMIT License\n\nCopyright ...\n")
    assert handouts.project_licence(tmp_path) == "MIT (the file LICENSE in the course folder)"
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    assert handouts.project_licence(tmp_path) == \
        "MIT License (the file LICENSE in the course folder)"


# --- building: what is written, and what is refused ---------------------------------------


@pytest.mark.slow  # builds every edition of the handouts, the card included
def test_build_writes_every_edition_and_counts_pages(course, tmp_path: Path):
    said: list[str] = []
    out = tmp_path / "out"
    written = handouts.build(out, course, printer=fake_printer, say=said.append)
    names = sorted(path.relative_to(out).as_posix() for item in written
                   for path in (item.html, item.pdf))
    assert names == sorted(
        f"{stem}.{suffix}" for suffix in ("html", "pdf") for stem in (
            "reference-card", "solutions-core", "solutions-reference",
            "student/02_wider", "student/03_next", "student/10_more",
            "full/02_wider", "full/03_next", "full/10_more"))
    assert all(item.pages == 1 for item in written)
    assert "wrote student/02_wider.html and .pdf (1 page)" in said
    assert [line for line in said if line.startswith("note:")] == [
        "note: 03_next.ipynb c4 holds a folded <details> without the `solution` tag: the "
        "student edition prints it folded"]
    card_only: list[str] = []
    handouts.build(tmp_path / "card", course, editions=["card"], printer=fake_printer,
                   say=card_only.append)
    assert not [line for line in card_only if line.startswith("note:")]
    assert "pages: student (the core notebooks): 2 in 2 files, within the budget of 60" in said
    assert not [path for path in out.rglob("*") if ".lstm-teach-" in path.name
                and path.name != handout_files.RECORD_NAME]  # no temporary file left
    record = json.loads((out / handout_files.RECORD_NAME).read_text())["files"]
    assert sorted(record) == names


def test_build_refuses_before_writing_if_a_file_it_did_not_write_is_in_the_way(course,
                                                                             tmp_path: Path):
    out = tmp_path / "out"
    (out / "student").mkdir(parents=True)
    mine = out / "student" / "02_wider.pdf"
    mine.write_bytes(b"a learner's own notes")
    with pytest.raises(HandoutError, match=r"02_wider\.pdf exists and was not written by"):
        handouts.build(out, course, printer=fake_printer, say=lambda line: None)
    assert mine.read_bytes() == b"a learner's own notes"
    assert sorted(path.name for path in out.rglob("*")) == ["02_wider.pdf", "student"]


@pytest.mark.slow  # builds every edition of the handouts, the card included
def test_a_second_build_rewrites_its_own_files_but_not_changed_ones(course, tmp_path: Path):
    out = tmp_path / "out"
    handouts.build(out, course, printer=fake_printer, say=lambda line: None)
    handouts.build(out, course, printer=fake_printer, say=lambda line: None)  # all ours
    annotated = out / "reference-card.html"
    annotated.write_text("an instructor's annotated copy")
    with pytest.raises(HandoutError, match=r"reference-card\.html exists and was not written"):
        handouts.build(out, course, printer=fake_printer, say=lambda line: None)
    assert annotated.read_text() == "an instructor's annotated copy"


def test_handouts_of_a_notebook_that_is_gone_are_removed_only_if_unchanged(tmp_path: Path):
    folder = OutputFolder.open(tmp_path)
    for name in ("student/05_old.html", "student/05_old.pdf", "card.html"):
        folder.write_text(name, "made by an earlier build", "student")
    (tmp_path / "student" / "05_old.pdf").write_text("changed by hand")
    (tmp_path / "notes.txt").write_text("not ours")
    removed, left = folder.remove_stale(["student"], kept=["card.html"])
    assert removed == ["student/05_old.html"] and left == ["student/05_old.pdf"]
    assert (tmp_path / "student" / "05_old.pdf").read_text() == "changed by hand"
    assert (tmp_path / "card.html").exists() and (tmp_path / "notes.txt").exists()
    assert folder.strangers() == ["notes.txt"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path):
    folder = OutputFolder.open(tmp_path)
    folder.write_text("card.pdf", "the good copy", "card")

    def half_written(temporary: Path) -> None:
        temporary.write_text("half a PDF")
        raise HandoutError("the printer stopped")

    with pytest.raises(HandoutError, match="the printer stopped"):
        folder.write_with("card.pdf", half_written, "card")
    assert (tmp_path / "card.pdf").read_text() == "the good copy"
    assert sorted(path.name for path in tmp_path.iterdir()) == [handout_files.RECORD_NAME,
                                                                "card.pdf"]


def test_a_file_held_open_elsewhere_is_one_line_and_stays_as_it_was(tmp_path: Path,
                                                                    monkeypatch):
    folder = OutputFolder.open(tmp_path)
    folder.write_text("card.pdf", "the copy a PDF viewer has open", "card")

    def locked(source: object, target: object) -> None:  # as Windows refuses it
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(handout_files.os, "replace", locked)
    with pytest.raises(HandoutError) as caught:
        folder.write_text("card.pdf", "new", "card")
    assert "\n" not in str(caught.value) and "close it if another program has it open" in \
        str(caught.value)
    assert (tmp_path / "card.pdf").read_text() == "the copy a PDF viewer has open"
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".lstm-teach-card")]


@pytest.mark.parametrize("saved", ["{ not json", '{"cells": []}', "[1, 2]",
                                   '{"cells": [{"cell_type": "code"}], "nbformat": 4, '
                                   '"nbformat_minor": 5, "metadata": {}}'])
def test_a_broken_notebook_is_one_line_naming_it(tmp_path: Path, saved: str):
    broken = tmp_path / "01_broken.ipynb"
    broken.write_text(saved)
    with pytest.raises(HandoutError) as caught:
        handouts.build(tmp_path / "out", {"core": [broken]}, printer=fake_printer,
                       say=lambda line: None)
    message = str(caught.value)
    assert "\n" not in message and str(broken) in message and "git checkout" in message
    assert broken.read_text() == saved


def test_an_unreadable_record_makes_nothing_in_the_folder_ours(tmp_path: Path):
    (tmp_path / handout_files.RECORD_NAME).write_text("{ not json")
    (tmp_path / "reference-card.pdf").write_text("someone's file")
    folder = OutputFolder.open(tmp_path)
    with pytest.raises(HandoutError, match="was not written by handouts"):
        folder.claim(["reference-card.pdf"])


def test_out_naming_a_file_is_one_line(tmp_path: Path):
    a_file = tmp_path / "README.md"
    a_file.write_text("a learner's file")
    for out in (a_file, a_file / "handouts"):
        with pytest.raises(HandoutError) as caught:
            OutputFolder.open(out)
        message = str(caught.value)
        assert "\n" not in message and str(a_file) in message and "a file" in message
        assert "name a folder you can write to with --out" in message
    assert a_file.read_text() == "a learner's file"


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in: a read-only one where permissions
    bind this user, else a place under /sys (Linux, where even root cannot write)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        (locked / "probe").write_text("")
    except OSError:
        return locked
    (locked / "probe").unlink()  # root ignores permissions
    return Path("/sys/lstm-teach-handouts-test")


@pytest.mark.skipif(sys.platform == "win32", reason="folder permissions are POSIX; the "
                    "simulated refusal below runs everywhere")
def test_out_in_an_unwritable_place_is_one_line(tmp_path: Path):
    place = unwritable_folder(tmp_path) / "handouts"
    with pytest.raises(HandoutError) as caught:
        OutputFolder.open(place)
    message = str(caught.value)
    assert "\n" not in message and str(place.parent) in message
    assert "name a folder you can write to with --out" in message


def test_a_folder_that_refuses_writes_is_one_line_before_anything_is_written(tmp_path: Path,
                                                                             monkeypatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(handout_files.tempfile, "mkstemp", refuse)
    with pytest.raises(HandoutError, match=r"cannot write into --out .* \(Permission denied\): "
                                           r"name a folder you can write to with --out"):
        OutputFolder.open(tmp_path / "handouts")


# --- which Chromium -------------------------------------------------------------------------


def chromium_error(value: str) -> str:
    with pytest.raises(HandoutError) as caught:
        handout_files.find_chromium({handout_files.CHROMIUM_VARIABLE: value, "PATH": ""})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"LSTM_TEACH_CHROMIUM={value!r} ")
    assert "path of a Chromium or Chrome program" in message and "unset it" in message
    return message


def test_chromium_variable_pointing_nowhere_is_one_line_naming_it(tmp_path: Path):
    assert "does not exist" in chromium_error(str(tmp_path / "no-such-chromium"))
    assert "is a folder, not a program" in chromium_error(str(tmp_path))
    assert "is empty" in chromium_error("")
    assert "is not a program on PATH" in chromium_error("no-such-chromium-anywhere")


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no execute permission bit")
def test_chromium_variable_naming_a_file_that_is_not_executable_is_one_line(tmp_path: Path):
    plain = tmp_path / "chromium"
    plain.write_text("not a program")
    assert "is not executable" in chromium_error(str(plain))


def test_chromium_variable_accepts_a_program_path_or_name():
    program = Path(sys.executable)
    assert handout_files.find_chromium({"LSTM_TEACH_CHROMIUM": str(program)}) == str(program)
    found = handout_files.find_chromium({"LSTM_TEACH_CHROMIUM": program.name,
                                         "PATH": str(program.parent)})
    assert Path(found).name.startswith(program.name.split(".")[0])


def test_a_program_that_is_not_chromium_fails_in_one_line(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><p>hello</p>")
    with pytest.raises(HandoutError) as caught:  # Python refuses Chromium's options
        handouts.print_pdf(page, tmp_path / "page.pdf", sys.executable)
    message = str(caught.value)
    assert "\n" not in message and "failed to print page.html (exit code 2" in message
    assert "LSTM_TEACH_CHROMIUM" in message
    assert not (tmp_path / "page.pdf").exists()


def test_a_browser_that_prints_nothing_fails_in_one_line(tmp_path: Path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><p>hello</p>")
    monkeypatch.setattr(handouts.subprocess, "run", lambda *args, **kwargs:
                        handouts.subprocess.CompletedProcess(args, 0, "", ""))
    with pytest.raises(HandoutError, match=r"did not print page\.html to PDF"):
        handouts.print_pdf(page, tmp_path / "page.pdf", "/usr/bin/chromium")


def test_the_tool_refuses_unknown_options_and_help_writes_nothing(tmp_path: Path, capsys,
                                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)
    for argv in (["--outt", "x"], ["--edition", "teacher"], ["--help"]):
        with pytest.raises(SystemExit):
            handouts.main(argv)
    assert list(tmp_path.iterdir()) == []
    assert "invalid choice: 'teacher'" in capsys.readouterr().err


def test_the_tool_says_a_bad_chromium_variable_in_one_line(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("LSTM_TEACH_CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(SystemExit) as stopped:
        handouts.main(["--out", str(tmp_path / "out"), "--edition", "card"])
    assert str(stopped.value).startswith("handouts: LSTM_TEACH_CHROMIUM=")
    assert "\n" not in str(stopped.value)
    assert not (tmp_path / "out").exists()


# --- the reference card ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def card_page() -> str:
    from tools import reference_card

    return reference_card.card_html(reference_card.card_content(),
                                    footer_html=handouts.credit_html())


def claims(page: str) -> list[tuple[dict, str]]:
    """Every checked number on the card: (its claim, the text printed)."""
    return [(json.loads(html_module.unescape(claim)), text)
            for claim, text in re.findall(r'data-claim="([^"]*)">([^<]*)<', page)]


def keras_count(layer) -> int:
    import keras

    model = keras.Sequential([keras.Input(shape=(5, layer[0])), *layer[1:]])
    return model.count_params()


def independent(claim: dict) -> str:
    """What real Keras layers (and plain arithmetic on what they report) say for a claim."""
    import keras

    layers = keras.layers
    units, features = claim.get("units"), claim.get("features")

    def rnn(units: int, cell: str = "lstm", **options: object):
        kind = {"lstm": layers.LSTM, "gru": layers.GRU, "simple_rnn": layers.SimpleRNN}[cell]
        return kind(units, **options)

    def bias_size(units: int) -> int:
        layer = rnn(units)
        keras_count((features, layer))
        return int(layer.cell.bias.shape[0])

    what = claim["what"]
    if what == "count":
        if claim.get("convention") == "pytorch":  # Keras' count plus a second bias vector
            return str(keras_count((features, rnn(units))) + bias_size(units))
        options = {"reset_after": claim["reset_after"]} if "reset_after" in claim else {}
        return str(keras_count((features, rnn(units, claim["cell"], **options))))
    if what == "shape":
        layer = rnn(units)
        keras_count((features, layer))
        return str(tuple(getattr(layer.cell, claim["tensor"]).shape))
    if what == "added":  # squares a change of size adds: the difference of two counts
        (before, after), (fewer, more) = claim["units"], claim["features"]
        return str(keras_count((more, rnn(after))) - keras_count((fewer, rnn(before))))
    if what == "stack":
        lower, upper = claim["units"]
        return str(keras_count((features, rnn(lower, return_sequences=True), rnn(upper))))
    if what == "bidirectional":
        return str(keras_count((features, layers.Bidirectional(rnn(units)))))
    if what == "bidirectional_width":
        model = keras.Sequential([keras.Input(shape=(5, features)),
                                  layers.Bidirectional(rnn(units))])
        return str(model.output_shape[-1])
    if what == "above_bidirectional":
        both = keras_count((features, layers.Bidirectional(rnn(claim["below_units"],
                                                                return_sequences=True))))
        stacked = keras_count((features, layers.Bidirectional(rnn(claim["below_units"],
                                                                   return_sequences=True)),
                               rnn(units)))
        return str(stacked - both)
    if what == "stack_slip":
        lower, upper = claim["units"]
        return str(keras_count((features, rnn(lower))) + keras_count((features, rnn(upper))))
    right = keras_count((features, rnn(units)))
    slip = claim.get("slip")
    slips = {  # each slip's number from a Keras layer that has the count the slip describes
        "times_timesteps": lambda: claim.get("timesteps", 0) * right,
        "features_as_timesteps": lambda: keras_count((claim["timesteps"], rnn(units))),
        "per_feature": lambda: features * keras_count((1, rnn(units))),
        "no_bias": lambda: keras_count((features, rnn(units, use_bias=False))),
        "two_biases": lambda: right + bias_size(units),
        "one_path": lambda: keras_count((features, rnn(units, "simple_rnn"))),
        "wrong_paths": lambda: keras_count((features, rnn(units, "gru", reset_after=False))),
        "swapped": lambda: keras_count((units, rnn(features))),
        "no_recurrent": lambda: keras_count((features, layers.Dense(4 * units))),
        "one_direction": lambda: right,
        "one_wide_layer": lambda: keras_count((features, rnn(2 * units))),
    }
    return str(slips[slip]())


def test_every_number_on_the_card_matches_real_keras_layers(card_page: str):
    import keras

    keras.backend.clear_session()
    found = claims(card_page)
    kinds = {claim["what"] for claim, _ in found}
    assert {"count", "shape", "added", "stack", "bidirectional", "bidirectional_width",
            "above_bidirectional", "slip", "stack_slip", "bidirectional_slip"} <= kinds
    printed = {text for claim, text in found if claim["what"] == "count"}
    assert {"12", "16"} <= printed  # the two cases the course starts from
    wrong = [(claim, text, independent(claim)) for claim, text in found
             if independent(claim) != text]
    assert wrong == []


def test_no_number_on_the_card_is_typed(card_page: str):
    """Outside checked numbers, code, the sources line and the credit, the card states no
    number above 10: sizes and constants only (units=3, 4·units, 10 timesteps)."""
    body = card_page.split("<footer", 1)[0]
    body = re.sub(r'<span class="n" data-claim="[^"]*">[^<]*</span>', " ", body)
    body = re.sub(r'<p class="small">.*?</p>|<code>.*?</code>|<math.*?</math>', " ", body,
                  flags=re.DOTALL)
    body = re.sub(r'<img [^>]*>', " ", body)
    text = re.sub(r"\b\d+(\.\d+)+\b", " ", visible_text(body))  # versions such as 1.2.2
    assert [number for number in re.findall(r"\d+", text) if int(number) > 10] == []


def test_keras_3_gate_order_on_the_card_is_the_layers_own():
    """Give each path of a real LSTM its own bias (zero weights), run two steps, and
    compare with the cell worked out by hand in the card's order."""
    import keras
    import numpy as np

    from tools import reference_card

    order = reference_card.card_content(pictures=False).keras_gates
    assert [row.order for row in reference_card.GATE_ORDERS
            if row.library.startswith("Keras 2")] == [order]
    units, features = 2, 1
    rng = np.random.default_rng(7)
    bias = {gate: rng.uniform(-2, 2, units) for gate in order}
    layer = keras.layers.LSTM(units)
    model = keras.Sequential([keras.Input(shape=(2, features)), layer])
    layer.set_weights([np.zeros((features, 4 * units)), np.zeros((units, 4 * units)),
                       np.concatenate([bias[gate] for gate in order])])
    got = model.predict(np.zeros((1, 2, features)), verbose=0)[0]

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    c = np.zeros(units)
    for _ in range(2):
        c = sigmoid(bias["f"]) * c + sigmoid(bias["i"]) * np.tanh(bias["c"])
        h = sigmoid(bias["o"]) * np.tanh(c)
    assert np.abs(got - h).max() < 1e-5
    other = {gate: bias[gate] for gate in ("i", "c", "f", "o")}  # Keras 1's order, rival
    rival = np.concatenate([other[gate] for gate in ("i", "c", "f", "o")])
    layer.set_weights([np.zeros((features, 4 * units)), np.zeros((units, 4 * units)), rival])
    assert np.abs(model.predict(np.zeros((1, 2, features)), verbose=0)[0] - h).max() > 1e-3


def test_card_gate_orders_and_pictures(card_page: str):
    from tools import reference_card

    orders = {row.library.split(" (")[0]: row.order for row in reference_card.GATE_ORDERS}
    assert orders == {"Keras 1": ("i", "c", "f", "o"), "Keras 2 and 3": ("i", "f", "c", "o"),
                      "PyTorch nn.LSTM": ("i", "f", "g", "o"),
                      "cuDNN": ("i", "f", "c", "o"), "ONNX LSTM operator": ("i", "o", "f", "c")}
    assert all(row.source for row in reference_card.GATE_ORDERS)
    alts = [html_module.unescape(alt) for alt in re.findall(r'<img [^>]*alt="([^"]*)"',
                                                            card_page)]
    assert len(alts) == 2
    assert "total 12" in alts[0] and "total 16" in alts[1]
    assert card_page.count("<math") == 1 and "<footer" in card_page


# --- the command: `python tasks.py handouts` ------------------------------------------------


@pytest.fixture
def command(monkeypatch, tmp_path: Path):
    """Run `tasks.py handouts ...` in-process with nothing installed or run: returns
    (exit code or None, stderr, the tool's command line if it got that far)."""
    from tools import cli
    from tools.environment import Course

    ran: list[list[object]] = []
    monkeypatch.setattr(cli, "ensure_environment", lambda *args, **kwargs: Path("py"))
    monkeypatch.setattr(cli, "run", lambda words, **kwargs: ran.append(list(words)))
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> tuple[int | None, list[list[object]]]:
        try:
            cli.main(["handouts", *argv], Course(ROOT))
        except SystemExit as stopped:
            return stopped.code, ran
        return None, ran

    return run


def test_command_refuses_an_unwritable_out_in_one_line_before_installing(command, capsys,
                                                                         tmp_path: Path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    for out in (str(a_file), str(a_file / "handouts")):
        code, ran = command("--out", out)
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 1 and ran == [] and len(err) == 1, err
        assert err[0].startswith("tasks.py: handouts: --out ") and "file" in err[0]
    assert a_file.read_text() == "mine"


def test_command_refuses_a_chromium_variable_pointing_nowhere_before_installing(
        command, capsys, monkeypatch, tmp_path: Path):
    for value in (str(tmp_path / "missing"), str(tmp_path)):
        monkeypatch.setenv("LSTM_TEACH_CHROMIUM", value)
        code, ran = command("--out", "handouts")
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 1 and ran == [] and len(err) == 1, err
        assert err[0].startswith(f"tasks.py: handouts: LSTM_TEACH_CHROMIUM={value!r} ")
    assert not (tmp_path / "handouts").exists()


def test_command_passes_the_editions_on(command, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("LSTM_TEACH_CHROMIUM", sys.executable)
    code, ran = command("--out", "print", "--edition", "card", "--edition", "student")
    assert code is None
    assert ran == [[Path("py"), "-m", "tools.handouts", "--out", (tmp_path / "print").resolve(),
                    "--edition", "card", "--edition", "student"]]
