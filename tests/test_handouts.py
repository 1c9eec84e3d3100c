"""The handouts' HTML: typeset math and described pictures, without a browser.

The browser tests (tests/e2e/test_handouts.py) print the handouts to PDF and check what
Chromium shows; these check what the HTML says.
"""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import nbformat
import pytest

from tools import handouts
from tools import notebooks as registry

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = registry.paths(ROOT)
LATEX_COMMAND = re.compile(r"\\(?:sigma|tanh|odot|tilde|big|ast)\b")


@pytest.fixture(scope="module")
def equations_html() -> str:
    return handouts.notebook_html(registry.present("reference/11_other_cells.ipynb"))


def test_the_equations_notebook_prints_mathml_not_latex(equations_html: str) -> None:
    text = re.sub(r"<[^>]+>", "", equations_html)  # what a reader sees, tags removed
    assert equations_html.count("<math") >= 29  # every $…$ span of 05 became MathML
    assert not LATEX_COMMAND.search(text)
    assert "<msub><mi>W</mi>" in equations_html  # subscripts are real subscripts


def test_math_in_code_stays_code() -> None:
    markdown = "Cost is `$x$` in code, $x_t$ in prose, and\n```\n$y$\n```\n"
    converted = handouts._outside_code(markdown, handouts._mathml)
    assert "`$x$`" in converted and "```\n$y$\n```" in converted
    assert converted.count("<math") == 1


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.name)
def test_every_picture_carries_its_description(notebook: Path) -> None:
    html = handouts.notebook_html(notebook)
    saved = nbformat.read(notebook, as_version=4)
    descriptions = [output["data"]["text/plain"]
                    for cell in saved.cells for output in cell.get("outputs", [])
                    if "image/png" in output.get("data", {})]
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', html)
    assert len(alts) == len(descriptions) == html.count("<img ")
    assert "No description has been provided" not in html
    for alt, description in zip(alts, descriptions, strict=True):
        assert html_module.unescape(alt) == description
        assert len(description) > 40  # a sentence with its numbers, not a placeholder
