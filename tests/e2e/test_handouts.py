"""Handouts: offline HTML and a PDF per notebook, every diagram present as an image."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools import handouts

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def image_outputs(path: Path) -> int:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return sum(
        "image/png" in output.get("data", {})
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
    )


@pytest.fixture(scope="module")
def built(chromium, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("handouts")
    handouts.build(out, chromium=chromium)
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_html_handout_is_offline_and_has_every_diagram(built, path):
    html = (built / f"{path.stem}.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<img[^>]+src=\"data:image/png;base64,", html)) == image_outputs(path)
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']https?://", html)
    assert not re.search(r"[\"']https?://[^\"']+\.m?js[\"']", html)
    for placeholder in ("Loading widget", "Error displaying widget", "kernel required",
                        "widget-view+json"):
        assert placeholder not in html


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_pdf_handout_has_pages_and_embedded_images(built, path):
    pdf = (built / f"{path.stem}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 2 <= pages <= 40, pages
    if image_outputs(path):
        assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= image_outputs(path)


def test_html_handout_loads_nothing_from_the_network(built, browser, artifacts):
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((built / f"{NOTEBOOKS[0].stem}.html").as_uri())
    page.wait_for_load_state("networkidle")
    page.screenshot(path=artifacts / "handout-first-notebook.png")
    page.close()
    remote = [url for url in requested if not url.startswith(("file:", "data:", "blob:"))]
    assert remote == []
