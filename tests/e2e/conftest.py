"""A real JupyterLab and a real Chromium for the end-to-end tests.

The server runs on 127.0.0.1 with token authentication on; the token is read from the
server's own runtime file. Notebooks are copied to a temporary folder so running them in
the browser never touches the saved ones. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.handouts import CHROMIUM_FLAGS, find_chromium

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
HOW_TO_INSTALL = (
    "Chromium was not found: install it (Debian/Ubuntu: `sudo apt-get install chromium`) "
    "or point LSTM_TEACH_CHROMIUM at a Chromium or Chrome binary"
)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's path; outside CI its absence skips, under CI=true it fails."""
    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(HOW_TO_INSTALL)
        pytest.skip(HOW_TO_INSTALL)
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, what: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise RuntimeError(f"{what}: the server exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout} s")
        time.sleep(0.2)


def quiet_env(runtime: Path) -> dict[str, str]:
    return {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_ENABLE_ONEDNN_OPTS": "0",
    }


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[dict]:
    """A JupyterLab server on a copy of notebooks/; yields its URL, token and folder."""
    folder = tmp_path_factory.mktemp("lab")
    notebooks = folder / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    runtime = folder / "runtime"
    settings = folder / "user-settings"
    # Render every cell (no virtual scrolling) and never pop up news notifications.
    for plugin, values in {
        "notebook-extension/tracker": {"windowingMode": "none"},
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        target = settings / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    port = free_port()
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={notebooks}", "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={folder}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        command, env=quiet_env(runtime), stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_for(lambda: any(runtime.glob("jpserver-*.json")), 60, "JupyterLab start", server)
        info = json.loads(next(runtime.glob("jpserver-*.json")).read_text())
        assert info["token"], "JupyterLab must keep token authentication on"
        assert info["hostname"] == "127.0.0.1"
        yield {"url": f"http://127.0.0.1:{info['port']}", "token": info["token"], "root": notebooks}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def browser(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=chromium, headless=True, args=CHROMIUM_FLAGS[1:],
            viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()
