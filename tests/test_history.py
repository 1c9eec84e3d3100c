"""Every version range the course states is a row of lstm_teach.history, said the same way.

A range is stated once, in the table; notebooks, docs and the package cite it. A sentence
(or table row, or bullet) that mentions a row's subject (`Era.mentions`: `hard_sigmoid`,
`kernel_c`, `reset_after`, …) and gives a range "X to Y" or "X–Y" must give the first and
last version of one of the rows it mentions; "from X" / "since X" must name where one of
them starts or where the next form took over; "up to X" / "until X" where one ends. So
"the old hard_sigmoid default, Keras 2.0–2.2.4" fails (the row says 2.0.0 to 2.2.5), and
so does "kernel_c on LSTMCell from 2.1" (from 2.0.9).
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import pytest
from packaging.version import Version

from lstm_teach import history
from lstm_teach.history import ERAS, Era

ROOT = Path(__file__).resolve().parents[1]
HISTORY_SOURCE = ROOT / "lstm_teach" / "history.py"

VERSION = r"v?[123]\.\d+(?:\.\d+)?"
_END = r"(?![\w])(?!\.\d)"
#: A range, unless it names the tags a source was read at ("at tags 2.0.0–2.3.1").
RANGE = re.compile(
    rf"(?<![\w.])(?<!tags )(?<!tag )({VERSION})\s*(?:–|—|-|\bto\b|\bthrough\b)\s*"
    rf"({VERSION}){_END}"
)
FROM = re.compile(
    rf"\b(?:from|since|after|added in|introduced in)\s+(?:Keras\s+|tf\.keras\s+)?"
    rf"({VERSION}){_END}",
    re.IGNORECASE,
)
UNTIL = re.compile(
    rf"\b(?:up to|until|till)\s+(?:Keras\s+|tf\.keras\s+)?({VERSION}){_END}", re.IGNORECASE
)
ITEM_START = re.compile(r"^\s*(?:\||[-*] |\d+\. )")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(*`\[])")


def _version(text: str) -> Version:
    return Version(text.lstrip("v"))


def _same(stated: str, row: str | None) -> bool:
    """The same version: "2.0" and "2.0.0" are, "2.2.4" and "2.2.5" are not."""
    return row is not None and _version(stated) == _version(row)


def spans(rows: list[Era]) -> list[tuple[str, str]]:
    """(first, last) of each row, and of each run of rows that follow one another
    (one's `after` is the next one's `first`), so "kernel_c, 2.0.0 to 2.3.1" (on the
    layer, then on the cell) is as right as either row."""
    found = []
    for start in rows:
        current = start
        while True:
            if current.last is not None:
                found.append((start.first, current.last))
            following = [row for row in rows if current.after is not None
                         and row is not current and _same(row.first, current.after)]
            if not following:
                break
            current = following[0]
    return found


def statements(text: str) -> list[str]:
    """Sentences, table rows and bullets: the units a range is judged in."""
    found = []
    for block in re.split(r"\n\s*\n", text):
        items: list[list[str]] = []
        for line in block.splitlines():
            if ITEM_START.match(line) or not items:
                items.append([line])
            else:
                items[-1].append(line)
        for item in items:
            found.extend(SENTENCE_END.split(" ".join(part.strip() for part in item)))
    return [statement for statement in found if statement.strip()]


def mentioned(statement: str) -> list[Era]:
    return [row for row in ERAS
            if any(re.search(pattern, statement) for pattern in row.mentions)]


def misstated(statement: str) -> list[str]:
    """What in this statement disagrees with the table (empty when nothing does)."""
    rows = mentioned(statement)
    if not rows:
        return []
    problems = []
    rest = statement
    for match in RANGE.finditer(statement):
        first, last = match.groups()
        if _version(first) > _version(last):  # "clip 2.0 to 1.0": numbers, not versions
            continue
        if not any(_same(first, start) and _same(last, end) for start, end in spans(rows)):
            problems.append(f"range {match.group(0)!r}")
        rest = rest.replace(match.group(0), " ")
    for match in FROM.finditer(rest):
        if not any(_same(match.group(1), row.first) or _same(match.group(1), row.after)
                   for row in rows):
            problems.append(f"{match.group(0)!r}")
    for match in UNTIL.finditer(rest):
        if not any(_same(match.group(1), row.last) for row in rows):
            problems.append(f"{match.group(0)!r}")
    if problems:
        rows_said = "; ".join(f"{row.key}: {row.versions}" for row in rows)
        return [f"{', '.join(problems)} where the table says {rows_said}"]
    return []


def prose_of_module(path: Path) -> str:
    """A module's comments and strings, each its own block (code is not prose)."""
    blocks: list[str] = []
    last_comment_row = -2
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    for token in tokens:
        if token.type == tokenize.COMMENT:
            text = token.string.lstrip("#:").strip()
            if token.start[0] == last_comment_row + 1 and blocks:
                blocks[-1] += "\n" + text
            else:
                blocks.append(text)
            last_comment_row = token.start[0]
        elif token.type == tokenize.STRING:
            blocks.append(token.string)
    return "\n\n".join(blocks)


def course_texts() -> list[tuple[str, str]]:
    """(where, text) for every notebook cell, every doc, and the prose of every module of
    the package and of tools/ (which writes the handouts and the reference card)."""
    texts = []
    for notebook in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells):
            where = f"{notebook.relative_to(ROOT).as_posix()} cell {number}"
            texts.append((where, "".join(cell["source"])))
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")),
                 *sorted((ROOT / "docs").rglob("*.yml"))]
    modules = [path for folder in ("lstm_teach", "tools")  # tools: the reference card's text
               for path in sorted((ROOT / folder).rglob("*.py")) if path != HISTORY_SOURCE]
    for path in documents:
        if path.exists():
            texts.append((path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")))
    for path in modules:
        texts.append((path.relative_to(ROOT).as_posix(), prose_of_module(path)))
    return texts


# --- the table itself -----------------------------------------------------------------------


def test_rows_have_unique_keys_and_ordered_versions() -> None:
    assert len({row.key for row in ERAS}) == len(ERAS)
    for row in ERAS:
        if row.last is not None:
            assert _version(row.first) <= _version(row.last), row.key
        if row.after is not None:
            assert _version(row.last or row.first) < _version(row.after), row.key
        assert row.mentions and row.source and row.what and row.then, row.key


def test_a_row_is_found_by_its_key_and_a_wrong_key_lists_the_keys() -> None:
    assert history.era("kernel_c_on_cell").versions == "Keras 2.0.9 to 2.3.1"
    with pytest.raises(KeyError, match="hard_sigmoid_default"):
        history.era("hard_sigmoid")


def test_the_table_prints_every_row_with_its_versions_and_source() -> None:
    printed = history.table()
    for row in ERAS:
        assert f"{row.versions} [{row.key}]" in printed
    assert history.table(("gru_no_reset_after",)).startswith("Keras 2.0.0 to 2.1.4")


# --- the check, on sentences with a known verdict -------------------------------------------


@pytest.mark.parametrize("statement", [
    "Up to Keras 2.2.4 the three gates used a hard sigmoid.",
    "| gates with `hard_sigmoid` | default in Keras 1 and 2.0–2.2.4 |",
    "Keras 2.0–2.2 defaulted to `recurrent_activation='hard_sigmoid'`.",
    "The layer had `kernel_c`, on `LSTMCell` from 2.1.",
    "Keras 2 converted `input_dim` with a warning (keras/legacy/interfaces.py, 2.0.5 to 2.3.1).",
    "GRU's `reset_after` was added in 2.1.4.",
])
def test_a_range_said_differently_is_caught(statement: str) -> None:
    assert misstated(statement)


@pytest.mark.parametrize("statement", [
    "Keras 2.0.0 to 2.2.5 defaulted to `hard_sigmoid`; 2.3.0 made it `sigmoid`.",
    "`recurrent_activation='sigmoid'` from 2.3.0.",
    "`lstm.cell.kernel_c` existed from 2.0.9 to 2.3.1 (keras/layers/recurrent.py at 2.2.4).",
    "GRU had no `reset_after` in Keras 2.0.0–2.1.4, and defaulted to False up to 2.3.1.",
    "TensorFlow 2.18 to 2.21 is supported.",
    "`tf.keras.experimental.PeepholeLSTMCell` warned at v2.6.0 to v2.8.0.",
])
def test_a_range_said_as_the_table_says_passes(statement: str) -> None:
    assert misstated(statement) == []


def test_statements_split_sentences_rows_and_bullets() -> None:
    text = "One `kernel_c` here. Two there.\n\n| a | 2.0.0 |\n| b | c |\n- x\n  continued\n- y"
    assert statements(text) == [
        "One `kernel_c` here.", "Two there.", "| a | 2.0.0 |", "| b | c |",
        "- x continued", "- y",
    ]


# --- the course ------------------------------------------------------------------------------


def test_no_notebook_doc_or_module_states_a_range_differently() -> None:
    wrong = [
        f"{where}: {problem}\n    in: {statement.strip()[:160]}"
        for where, text in course_texts()
        for statement in statements(text)
        for problem in misstated(statement)
    ]
    assert not wrong, "version ranges that disagree with lstm_teach.history:\n" + "\n".join(
        wrong
    )


def test_the_modules_examples_run_and_it_loads_no_tensorflow() -> None:
    import doctest
    import subprocess
    import sys

    failures, attempted = doctest.testmod(history)
    assert attempted >= 2 and failures == 0
    probe = ("import sys, lstm_teach.history; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr
