"""Every notebook run in a real JupyterLab in headless Chromium: no unexpected error,
every widget renders, and moving a control in each widget changes its picture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .support import (
    CURRENT_NOTEBOOK,
    PICTURE_FINGERPRINTS,
    POLL_MS,
    WATCH_WIDGET_MESSAGES,
    WIDGET_MESSAGES_ANSWERED,
    WIDGET_VIEW,
    WIDGET_VIEWS_COMPLETE,
    saved_outputs,
)

WIDGET_OUTPUTS = (
    ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output:has(> .jupyter-widgets)"
)

CELL_RESULTS = f"""() => {CURRENT_NOTEBOOK}.content.widgets
  .filter(cell => cell.model.type === 'code')
  .map(cell => ({{
    source: cell.model.sharedModel.getSource(),
    tags: cell.model.getMetadata('tags') || [],
    count: cell.model.executionCount,
    errors: cell.model.toJSON().outputs.filter(o => o.output_type === 'error')
      .map(o => o.ename + ': ' + o.evalue),
  }}))"""


def rendered_widgets(page, expected: int):
    """The notebook's widget outputs, once `expected` of them (the number saved with the
    notebook) are on the page with every view inside them created and every picture shown."""
    page.wait_for_function(
        "([selector, expected]) => document.querySelectorAll(selector).length >= expected",
        arg=[WIDGET_OUTPUTS, expected],
        polling=POLL_MS,
        timeout=60_000,
    )
    page.wait_for_function(WIDGET_VIEWS_COMPLETE, polling=POLL_MS, timeout=60_000)
    outputs = page.locator(WIDGET_OUTPUTS)
    for index in range(expected):
        outputs.nth(index).locator("img").first.wait_for(state="visible", timeout=60_000)
    return outputs


def move_first_slider(page, output) -> tuple[str, str, list[str], list[str]]:
    """Press → on the widget's first slider; return its text and pictures before, and after
    the kernel has answered the change (every text and picture of an answer arrives before
    the kernel reports idle; they come as separate messages, the picture not always last)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    text_before = output.inner_text()
    pictures_before = output.evaluate(PICTURE_FINGERPRINTS)
    page.evaluate(WATCH_WIDGET_MESSAGES)
    handle = output.locator(".noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")
    try:
        page.wait_for_function(WIDGET_MESSAGES_ANSWERED, polling=POLL_MS, timeout=15_000)
    except PlaywrightTimeout:
        pytest.fail("the kernel did not answer the slider's change within 15 s")
    return text_before, output.inner_text(), pictures_before, output.evaluate(PICTURE_FINGERPRINTS)


def test_every_cell_runs_in_lab_with_only_the_intended_errors(notebook: Path, notebook_in_lab):
    cells = notebook_in_lab.evaluate(CELL_RESULTS)
    assert [cell["count"] for cell in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        expected = "raises-exception" in cell["tags"]
        assert bool(cell["errors"]) == expected, (cell["source"], cell["errors"])


def test_every_widget_renders_and_answers_its_first_slider(
    notebook: Path, notebook_in_lab, artifacts: Path
):
    page = notebook_in_lab
    expected_widgets = saved_outputs(notebook, WIDGET_VIEW)
    outputs = rendered_widgets(page, expected_widgets)
    assert outputs.count() == expected_widgets
    assert page.get_by_text("Error displaying widget").count() == 0
    page.screenshot(path=artifacts / f"{notebook.stem}-after-run.png", full_page=True)

    for index in range(expected_widgets):
        output = outputs.nth(index)
        output.scroll_into_view_if_needed()
        output.screenshot(path=artifacts / f"{notebook.stem}-widget{index}-before.png")
        text_before, text_after, pictures_before, pictures_after = move_first_slider(page, output)
        output.screenshot(path=artifacts / f"{notebook.stem}-widget{index}-after.png")
        assert pictures_after != pictures_before, "moving the slider left the picture as is"
        assert text_after != text_before, "moving the slider left the shown numbers as is"
        counts = [re.search(r"(\d+) parameters", text) for text in (text_before, text_after)]
        if counts[0] and counts[0].group(1) == "12":
            # param_explorer's first slider is units: 1 → 2 gives 4·(1·2 + 2·2 + 2) = 32
            assert counts[1] and counts[1].group(1) == "32"
