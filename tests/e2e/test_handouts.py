"""Handouts: offline HTML and a PDF per notebook, every diagram present as an image."""

from __future__ import annotations

import re
from pathlib import Path

from .support import saved_outputs


def test_html_handout_is_offline_and_has_every_diagram(notebook: Path, handout):
    html = handout.html.read_text(encoding="utf-8")
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
    images = saved_outputs(notebook, "image/png")
    if images:
        assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= images


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
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(handout.pdf).pages)
    assert not re.search(r"\\(sigma|tanh|odot|tilde|big|frac|cdot)\b", text), "LaTeX in print"
    assert not re.search(r"\$[^$\n]{1,80}\$", text), "dollar-delimited math left as source"


def test_the_handouts_command_prints_with_headless_chromium(chromium: str, tmp_path: Path):
    """`python tasks.py handouts` prints with a Chromium of its own (no Playwright needed)."""
    from tools import handouts

    notebook = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("00_*.ipynb"))
    written = handouts.build(tmp_path, notebook, chromium=chromium)
    pdf = next(path for path in written if path.suffix == ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes())) >= 2
