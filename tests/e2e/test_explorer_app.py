"""The projector app: param_explorer served alone by Voila, driven in Chromium."""

from __future__ import annotations

import re
from pathlib import Path


def test_explorer_app_refuses_a_visitor_without_its_token(explorer_app, page):
    response = page.goto(explorer_app.url_without_token)
    assert response.status >= 400 or "login" in page.url, "the app opened without its token"


def test_explorer_app_answers_a_slider(explorer_app, page, artifacts: Path):
    from playwright.sync_api import expect

    page.goto(explorer_app.url)
    formula = page.get_by_text(re.compile(r"^\d+ parameters$"))
    formula.wait_for(timeout=120_000)
    assert formula.inner_text() == "12 parameters"
    page.screenshot(path=artifacts / "explorer-app-before.png", full_page=True)
    assert "import lstm_teach" not in page.inner_text("body"), "code is shown"

    grid = page.locator(".widget-html img").first
    expect(grid).to_have_attribute("alt", re.compile("total 12"), timeout=15_000)
    before = grid.get_attribute("src")
    handle = page.locator(".noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")
    page.get_by_text("32 parameters", exact=True).wait_for(timeout=15_000)
    # The picture and its description change together, in the same message as each other;
    # wait for them too: the count alone arrives first and would hide a stale picture.
    page.wait_for_function("(before) => { const image = document.querySelector("
                           "'.widget-html img'); return image.src !== before && "
                           "image.alt.includes('total 32') && image.complete; }",
                           arg=before, timeout=15_000, polling=50)
    page.screenshot(path=artifacts / "explorer-app-after.png", full_page=True)
