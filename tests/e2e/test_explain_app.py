"""The projector's summary page (`python tasks.py explorer --page summary`): an instructor
pastes a printed summary, presses Explain and sees every row checked, in Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .support import POLL_MS, ROOT, free_port, quiet_env, stop, wait_for
from .test_accessibility import serious_violations

PASTED = """Model: "classifier"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓
┃ Layer (type)                  ┃ Output Shape          ┃      Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩
│ embedding (Embedding)         │ (None, 100, 64)       │       64,000 │
├───────────────────────────────┼───────────────────────┼──────────────┤
│ bidirectional (Bidirectional) │ (None, 64)            │       24,832 │
├───────────────────────────────┼───────────────────────┼──────────────┤
│ head (Dense)                  │ (None, 1)             │        4,000 │
└───────────────────────────────┴───────────────────────┴──────────────┘
 Total params: 92,832 (362.62 KB)"""


@pytest.fixture(scope="module")
def summary_page(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[str]:
    """The summary page served by Voila exactly as `tasks.py explorer --page summary` does."""
    from tools.cli import PAGES, explorer_command

    folder = tmp_path_factory.mktemp("summary-page")
    port = free_port()
    log_path = folder / "voila.log"
    command = explorer_command(sys.executable, port, open_browser=False, app=PAGES["summary"])
    with log_path.open("w") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=quiet_env(folder / "runtime"),
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        address = re.compile(rf"http://127\.0\.0\.1:{port}/\?token=\w+")
        found = wait_for(lambda: address.search(log_path.read_text()), 60,
                         "Voila printing its address", server)
        yield found.group(0)
    finally:
        stop(server)


def test_a_pasted_summary_is_explained_row_by_row(summary_page, page, artifacts: Path):
    page.goto(summary_page)
    box = page.get_by_role("textbox")
    box.wait_for(timeout=120_000)
    assert "import lstm_teach" not in page.inner_text("body"), "code is shown"
    box.fill(PASTED)
    page.get_by_role("button", name="Explain").click()
    page.wait_for_function("document.querySelectorAll('tr.explain-row').length === 3",
                           timeout=30_000, polling=POLL_MS)
    rows = page.locator("tr.explain-row")
    # 1000·64; 2·4·(64·32 + 32·32 + 32) with 'concat' and 32 units; the head reads 64
    # numbers, so Dense(1) has 64·1 + 1 = 65, not the 4,000 printed.
    assert "1000·64 = 64,000" in rows.nth(0).inner_text()
    assert "24,832" in rows.nth(1).inner_text()
    head = rows.nth(2)
    assert head.get_attribute("data-agrees") == "NO"
    assert "not 4,000" in head.inner_text()
    link = rows.nth(0).locator("a")
    assert link.get_attribute("href").endswith("18_your_own_model.ipynb#ev-explain-embedding")
    page.screenshot(path=artifacts / "summary-page.png", full_page=True)
    assert serious_violations(page) == []


def test_garbage_gets_a_reason_not_a_traceback(summary_page, page):
    page.goto(summary_page)
    box = page.get_by_role("textbox")
    box.wait_for(timeout=120_000)
    box.fill("import os; os.remove('x')")
    page.get_by_role("button", name="Explain").click()
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=30_000)
    assert alert.inner_text().startswith("Cannot read this: text must be a printed")
