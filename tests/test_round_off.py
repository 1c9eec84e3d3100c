"""No saved output prints a float round-off: the same text on every machine.

The last digits of a float result depend on the CPU (its vector instructions, its BLAS
kernels, TensorFlow's threads): a notebook saved printing `largest difference: 2.9e-08`
prints 3.5e-08 on another processor, and strict nbval fails there while the saving
machine never sees it. The course prints agreement as a bound (`lt.below`, "below 1e-6")
and values rounded to digits that are stable (`lt.signed`, four decimals). This scans
every saved output of every notebook (notebooks/ with its subfolders, and apps/) for the
three shapes a round-off takes in print, and names the notebook and cell of each:

- a magnitude in e-notation below 1e-4 whose mantissa is not a power of ten
  (`2.9e-08`; a bound such as `1e-6` passes);
- a number with 7 or more significant digits (`0.76159416`, `0.30000000000000004`):
  float32 holds about 7, so those digits are round-off;
- a negative zero (`-0.0000`, `-0.`): a tiny negative round-off on one machine is a tiny
  positive one on another.

tools/numeric_paths.py checks the same thing from the other side: it runs every notebook
on other numeric paths of this machine and compares all outputs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAVED = sorted(
    path for folder in ("notebooks", "apps") for path in (ROOT / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in path.parts
)
#: Below this, a magnitude printed in e-notation is a difference between two results.
SMALL = 1e-4
#: float32 keeps about 7 significant decimal digits; from there on they are round-off.
SIGNIFICANT = 7

_EDGE_BEFORE = r"(?<![\w.])"
_EDGE_AFTER = r"(?![\w.])"
E_NOTATION = re.compile(
    rf"{_EDGE_BEFORE}[-+−]?(?P<mantissa>\d+(?:\.\d*)?)[eE](?P<exponent>[-+−]?\d+){_EDGE_AFTER}"
)
DECIMAL = re.compile(rf"{_EDGE_BEFORE}[-+−]?(?P<digits>\d+\.\d+){_EDGE_AFTER}")
NEGATIVE_ZERO = re.compile(rf"{_EDGE_BEFORE}[-−]0(?:\.0*)?(?!\.?\d)")
EMBEDDED_DATA = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def significant_digits(digits: str) -> int:
    """How many significant digits a plain number shows ('0.000347' has 3, '12.50' has 4:
    a trailing zero printed is a digit claimed)."""
    return len(digits.replace(".", "").lstrip("0"))


def round_offs(text: str) -> list[str]:
    """Every number in the text that looks like a float round-off, in order."""
    text = EMBEDDED_DATA.sub("", text)
    found = []
    for match in E_NOTATION.finditer(text):
        mantissa, exponent = match["mantissa"], int(match["exponent"].replace("−", "-"))
        value = float(f"{mantissa}e{exponent}")
        power_of_ten = mantissa.replace(".", "").strip("0") == "1"
        tiny = 0 < value < SMALL and not power_of_ten
        if tiny or significant_digits(mantissa) >= SIGNIFICANT:
            found.append((match.start(), match.group(0)))
    for match in DECIMAL.finditer(text):
        if significant_digits(match["digits"]) >= SIGNIFICANT:
            found.append((match.start(), match.group(0)))
    found += [(match.start(), match.group(0)) for match in NEGATIVE_ZERO.finditer(text)]
    return [number for _, number in sorted(found)]


def output_text(output: dict) -> str:
    """What an output shows as text: streams, text/* and JSON bundles, errors."""
    parts = [output.get("text", ""), output.get("evalue", ""), output.get("traceback", [])]
    for kind, value in output.get("data", {}).items():
        if kind.startswith("text/"):
            parts.append(value)
        elif kind.endswith("json") and "widget" not in kind:
            parts.append(json.dumps(value))
    return "\n".join("".join(part) if isinstance(part, list) else part for part in parts)


def findings(path: Path, root: Path = ROOT) -> list[str]:
    """One line per code cell of the notebook whose saved outputs print a round-off."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    lines = []
    for number, cell in enumerate(code_cells):
        numbers = [found for output in cell.get("outputs", [])
                   for found in round_offs(output_text(output))]
        if numbers:
            source = "".join(cell["source"]).strip().splitlines() or [""]
            lines.append(
                f"{path.relative_to(root).as_posix()}, code cell {number} (nbval's 'Cell "
                f"{number}', id {cell.get('id', '?')}, starting {source[0][:60]!r}): prints "
                f"{', '.join(numbers)}"
            )
    return lines


def test_every_folder_of_saved_notebooks_is_scanned():
    assert any(path.parent == ROOT / "notebooks" for path in SAVED)
    assert any(path.parent == ROOT / "apps" for path in SAVED)


@pytest.mark.parametrize("path", SAVED, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_no_saved_output_prints_a_round_off(path: Path):
    found = findings(path)
    assert found == [], (
        "print a bound (lt.below(difference): 'below 1e-6') or a value rounded to stable "
        "digits (lt.signed) instead:\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("largest difference: 2.9e-08", ["2.9e-08"]),  # the print that broke issue 19
        ("max |keras - numpy| = 3.5E-8", ["3.5E-8"]),
        ("err 5e-07 and 1.25e-05", ["5e-07", "1.25e-05"]),
        ("h_t = 0.76159416", ["0.76159416"]),  # float32's last digits
        ("0.1 + 0.2 = 0.30000000000000004", ["0.30000000000000004"]),
        ("x = 1.0000001", ["1.0000001"]),
        ("[ 0.5  -0.  ]", ["-0."]),
        ("gate i: -0.0000", ["-0.0000"]),
        ("c_t −0.0000 (Unicode minus)", ["−0.0000"]),
        ("big: 1.234567e+05", ["1.234567e+05"]),
    ],
)
def test_round_offs_are_found(text: str, expected: list[str]):
    assert round_offs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Keras and NumPy agree: largest difference below 1e-6",  # lt.below's bound
        "tolerance 1e-4, bound 1.0e-7, scale 10e-6",  # powers of ten are chosen, not computed
        "h_t = [+0.7616, -0.2500, +0.0000]",  # lt.vector's four decimals
        "12 parameters, 1,459 tests, shape (1, 4)",  # counts
        "loss 0.000347 at epoch 6, 0.0189 at epoch 1",  # three significant digits
        "value of magnitude 1e+39, beyond float32",  # a large magnitude in an error
        "keras 3.15.1, numpy 2.4.6, on 127.0.0.1:8888",  # versions and addresses
        "x-0.5, t-0, 10-0",  # minus signs that belong to other words
        "-0.5000 and -0.05",  # small negatives are not zero
        # a picture's bytes are no printed number, even where base64 spells one
        '<img src="data:image/png;base64,iVBOR/1234567e+5/AA==" alt="total 12">',
    ],
)
def test_legitimate_numbers_pass(text: str):
    assert round_offs(text) == []


def test_a_finding_names_the_notebook_and_the_cell(tmp_path: Path):
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": "# 2.9e-08 in prose is not an output"},
            {"cell_type": "code", "id": "ok", "source": "print(12)",
             "outputs": [{"output_type": "stream", "name": "stdout", "text": "12\n"}]},
            {"cell_type": "code", "id": "bad", "source": ["d = abs(a - b).max()\n", "d"],
             "outputs": [{"output_type": "execute_result",
                          "data": {"text/plain": "np.float32(2.9e-08)"}}]},
        ],
    }
    path = tmp_path / "notebooks" / "99_probe.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(notebook), encoding="utf-8")
    assert findings(path, root=tmp_path) == [
        "notebooks/99_probe.ipynb, code cell 1 (nbval's 'Cell 1', id bad, starting "
        "'d = abs(a - b).max()'): prints 2.9e-08"
    ]
