"""The projector app: param_explorer served alone by Voila, driven in Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from tasks import ROOT, explorer_command
from tests.e2e.conftest import free_port, quiet_env


def test_explorer_app_answers_a_slider(chromium, browser, artifacts, tmp_path: Path):
    port = free_port()
    log_path = tmp_path / "voila.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            explorer_command(sys.executable, port, open_browser=False),
            cwd=ROOT, env=quiet_env(tmp_path / "runtime"), stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        url = None
        while url is None and time.monotonic() < deadline and server.poll() is None:
            found = re.search(rf"http://127\.0\.0\.1:{port}/\?token=\w+", log_path.read_text())
            url = found.group(0) if found else time.sleep(0.2)
        assert url, f"Voila did not print its address:\n{log_path.read_text()[-2000:]}"

        page = browser.new_page()
        refused = page.goto(f"http://127.0.0.1:{port}/")
        assert refused.status >= 400 or "login" in page.url, "the app opened without its token"
        page.goto(url)
        formula = page.get_by_text(re.compile(r"^\d+ parameters$"))
        formula.wait_for(timeout=120_000)
        assert formula.inner_text() == "12 parameters"
        page.screenshot(path=artifacts / "explorer-app-before.png", full_page=True)
        assert "import lstm_teach" not in page.inner_text("body"), "code is shown"

        handle = page.locator(".noUi-handle").first
        handle.focus()
        handle.press("ArrowRight")
        page.get_by_text("32 parameters", exact=True).wait_for(timeout=15_000)
        page.screenshot(path=artifacts / "explorer-app-after.png", full_page=True)
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
