"""Every notebook run in a real JupyterLab in headless Chromium: no unexpected error,
every widget renders, and moving a control in each widget changes its picture."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NOTEBOOK = "window.jupyterapp.shell.currentWidget"

PICTURE_FINGERPRINTS = """async (element) => {
  const prints = [];
  for (const image of element.querySelectorAll('img')) {
    const bytes = new Uint8Array(await (await fetch(image.src)).arrayBuffer());
    let hash = 0;
    for (const byte of bytes) hash = (hash * 31 + byte) >>> 0;
    prints.push(`${bytes.length}:${hash}`);
  }
  return prints;
}"""

CELL_RESULTS = f"""() => {NOTEBOOK}.content.widgets
  .filter(cell => cell.model.type === 'code')
  .map(cell => ({{
    source: cell.model.sharedModel.getSource(),
    tags: cell.model.getMetadata('tags') || [],
    count: cell.model.executionCount,
    errors: cell.model.toJSON().outputs.filter(o => o.output_type === 'error')
      .map(o => o.ename + ': ' + o.evalue),
  }}))"""


def saved_widget_count(path: Path) -> int:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return sum(
        WIDGET_VIEW in output.get("data", {})
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
    )


def run_all_cells(page, timeout_ms: int) -> None:
    """Clear every output, run all cells in the notebook's kernel, wait until all ran."""
    page.wait_for_function(
        f"window.jupyterapp && {NOTEBOOK} && {NOTEBOOK}.sessionContext"
        f" && {NOTEBOOK}.sessionContext.session"
        f" && {NOTEBOOK}.sessionContext.session.kernel"
        f" && {NOTEBOOK}.sessionContext.session.kernel.status === 'idle'",
        timeout=90_000,
    )
    page.evaluate(
        "async () => { await window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');"
        " await window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
    )
    page.wait_for_function(
        f"""() => {{
          const cells = {NOTEBOOK}.content.widgets.filter(c => c.model.type === 'code');
          return {NOTEBOOK}.sessionContext.session.kernel.status === 'idle'
            && cells.every(c => c.model.executionCount !== null);
        }}""",
        timeout=timeout_ms,
    )


def move_first_slider(output, page) -> tuple[str, str, list[str], list[str]]:
    """Press → on the widget's first slider; return its text and pictures before and after."""
    text_before = output.inner_text()
    pictures_before = output.evaluate(PICTURE_FINGERPRINTS)
    handle = output.locator(".noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        pictures_after = output.evaluate(PICTURE_FINGERPRINTS)
        if pictures_after != pictures_before:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # let the text widgets of the same update arrive
    return text_before, output.inner_text(), pictures_before, output.evaluate(PICTURE_FINGERPRINTS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_runs_and_its_widgets_respond(path, lab, browser, artifacts):
    page = browser.new_page()
    try:
        # ?reset: a fresh workspace, so notebooks opened by earlier tests stay closed
        page.goto(f"{lab['url']}/lab/tree/{path.name}?reset&token={lab['token']}")
        run_all_cells(page, timeout_ms=240_000)

        cells = page.evaluate(CELL_RESULTS)
        assert [cell["count"] for cell in cells] == list(range(1, len(cells) + 1))
        for cell in cells:
            expected = "raises-exception" in cell["tags"]
            assert bool(cell["errors"]) == expected, (cell["source"], cell["errors"])

        expected_widgets = saved_widget_count(path)
        outputs = page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output:has(> .jupyter-widgets)"
        )
        deadline = time.monotonic() + 60  # widget views render after their cell has run
        while outputs.count() < expected_widgets and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        assert outputs.count() == expected_widgets
        for index in range(expected_widgets):
            outputs.nth(index).locator("img").first.wait_for(state="visible", timeout=60_000)
        assert page.get_by_text("Error displaying widget").count() == 0
        page.screenshot(path=artifacts / f"{path.stem}-after-run.png", full_page=True)

        for index in range(outputs.count()):
            output = outputs.nth(index)
            output.scroll_into_view_if_needed()
            output.screenshot(path=artifacts / f"{path.stem}-widget{index}-before.png")
            text_before, text_after, pictures_before, pictures_after = move_first_slider(
                output, page
            )
            output.screenshot(path=artifacts / f"{path.stem}-widget{index}-after.png")
            assert pictures_after != pictures_before, "moving the slider left the picture as is"
            assert text_after != text_before, "moving the slider left the shown numbers as is"
            counts = [re.search(r"(\d+) parameters", text) for text in (text_before, text_after)]
            if counts[0] and counts[0].group(1) == "12":
                # param_explorer's first slider is units: 1 → 2 gives 4·(1·2 + 2·2 + 2) = 32
                assert counts[1] and counts[1].group(1) == "32"
    finally:
        page.evaluate("window.jupyterapp && window.jupyterapp.commands.execute("
                      "'notebook:shutdown-kernel', {activate: false})")
        page.close()
