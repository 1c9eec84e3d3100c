"""A real JupyterLab, Voila and Chromium for the end-to-end tests, shared within a worker.

What is shared, and how often it is made (once per pytest-xdist worker process, or once
in a run without xdist):
- `browser`: one headless Chromium; every test page gets a fresh context from it
  (`page`), so cookies and logins never leak from one test into another.
- `lab`: one JupyterLab server on a copy of notebooks/ (the saved notebooks are never
  touched), token authentication on, the token read from the server's runtime file once
  that is complete; ready when the server answers with it.
- `lab_page`: one JupyterLab page; `notebook_in_lab` opens each notebook in it and runs it
  top to bottom once, and every test about that notebook looks at the same live notebook
  and kernel.
- `handout`: each notebook's offline HTML and PDF handouts (full and student edition),
  built once; `handout_in_chromium`: its HTML page, opened once; `editions`: every edition
  built once from small tagged notebooks (tests/handout_notebooks.py).
- `explorer_app`: one Voila server for the projector app.

A test that takes an argument named `notebook` runs once for each course notebook that
exists; the root conftest.py keeps all of one notebook's tests (browser, handout, nbval) in
one xdist group, so its page, kernel and handout are made on one worker only.
Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from .support import (
    CURRENT_NOTEBOOK,
    KERNEL,
    POLL_MS,
    ROOT,
    course_notebooks,
    free_port,
    quiet_env,
    server_answers,
    server_info,
    stop,
    wait_for,
)

ARTIFACTS = ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}
HOW_TO_INSTALL = (
    "Chromium was not found: install it (Debian/Ubuntu: `sudo apt-get install chromium`) "
    "or point LSTM_TEACH_CHROMIUM at a Chromium or Chrome binary"
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that asks for `notebook` once per course notebook. Session scope lets
    session fixtures (the live page, the handout) depend on it."""
    if "notebook" in metafunc.fixturenames:
        metafunc.parametrize(
            "notebook", course_notebooks(), ids=lambda path: path.name, scope="session"
        )


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's path; outside CI its absence skips, under CI=true it fails."""
    from tools.handouts import find_chromium  # imported here: nbconvert takes 0.3 s to load

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


@pytest.fixture(scope="session")
def playwright(chromium: str) -> Iterator[object]:
    """Playwright's driver for the worker: one per process, every browser starts from it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def launch_chromium(chromium: str, playwright) -> Iterator[Callable[..., object]]:
    """Start a headless Chromium (Playwright gives each a throw-away profile), with extra
    environment variables if given; every one started is closed at the end."""
    from tools.handouts import CHROMIUM_FLAGS

    started = []

    def launch(env: dict[str, str] | None = None) -> object:
        started.append(playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_FLAGS[1:],
            **({"env": {**os.environ, **env}} if env else {}),
        ))
        return started[-1]

    yield launch
    for browser in started:
        browser.close()


@pytest.fixture(scope="session")
def browser(launch_chromium) -> object:
    """One headless Chromium for the worker."""
    return launch_chromium()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A page in a fresh browser context: no cookies, storage or cache from other tests."""
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


@dataclass(frozen=True)
class Lab:
    url: str
    token: str


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[Lab]:
    """A JupyterLab server on a copy of notebooks/."""
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
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={free_port()}",
        "--ServerApp.port_retries=0", f"--ServerApp.root_dir={notebooks}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={folder}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    with (folder / "server.log").open("w") as log:
        server = subprocess.Popen(
            command, env=quiet_env(runtime), stdout=log, stderr=subprocess.STDOUT
        )
    try:
        info = wait_for(lambda: server_info(runtime), 60, "JupyterLab's runtime file", server)
        assert info["token"], "JupyterLab must keep token authentication on"
        assert info["hostname"] == "127.0.0.1"
        lab = Lab(url=f"http://127.0.0.1:{info['port']}", token=info["token"])
        wait_for(lambda: server_answers(lab.url, lab.token), 60, "JupyterLab answering", server)
        yield lab
    finally:
        stop(server)


@pytest.fixture(scope="session")
def lab_page(lab: Lab, browser) -> Iterator[object]:
    """One JupyterLab page for the worker, in a fresh workspace. Notebooks are opened in it
    one at a time (JupyterLab itself takes seconds to start in a page, a notebook does not)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{lab.url}/lab?reset&token={lab.token}")
    page.wait_for_function("window.jupyterapp", polling=POLL_MS, timeout=60_000)
    page.evaluate("() => window.jupyterapp.restored")
    yield page
    context.close()


def run_all_cells(page, timeout_ms: int) -> None:
    """Clear every output, run all cells in the notebook's kernel, wait until all ran."""
    page.wait_for_function(f"{KERNEL}.status === 'idle'", polling=POLL_MS, timeout=90_000)
    page.evaluate(
        "async () => { await window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');"
        " await window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
    )
    page.wait_for_function(
        f"""() => {{
          const cells = {CURRENT_NOTEBOOK}.content.widgets.filter(c => c.model.type === 'code');
          return {KERNEL}.status === 'idle' && cells.every(c => c.model.executionCount !== null);
        }}""",
        polling=POLL_MS,
        timeout=timeout_ms,
    )


@pytest.fixture(scope="session")
def notebook_in_lab(notebook: Path, lab_page) -> Iterator[object]:
    """The JupyterLab page with `notebook` open (the only open document), all its cells run,
    its kernel alive. Shared by every test of that notebook, in order: a test may leave a
    control moved. Its kernel is shut down when the tests move on to another notebook."""
    page = lab_page
    try:
        page.evaluate(
            """async (path) => {
              const app = window.jupyterapp;
              const panel = await app.commands.execute('docmanager:open', {path});
              app.shell.activateById(panel.id);
              await panel.sessionContext.ready;
            }""",
            notebook.relative_to(ROOT / "notebooks").as_posix(),  # reference/ for the shelf
        )
        run_all_cells(page, timeout_ms=240_000)
        yield page
    finally:
        # Close without the "save your changes?" dialog: the copy on disk stays as saved.
        page.evaluate(
            f"""async () => {{
              const panel = {CURRENT_NOTEBOOK};
              if (!panel || !panel.sessionContext) return;
              await panel.sessionContext.shutdown();
              panel.dispose();
            }}"""
        )


@dataclass(frozen=True)
class Handout:
    html: Path  # the full edition
    pdf: Path
    student_html: Path
    student_pdf: Path


@pytest.fixture(scope="session")
def print_with_browser(browser) -> Callable[[Path, Path], None]:
    """Print a page to PDF with the worker's browser: the same print to PDF as
    `chromium --print-to-pdf`, without starting a browser per handout (test_handouts.py
    tests that command too)."""

    def printer(html: Path, pdf: Path) -> None:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(html.as_uri())
            page.pdf(path=str(pdf), format="A4", print_background=True)
        finally:
            context.close()

    return printer


@pytest.fixture(scope="session")
def build_handout(
    print_with_browser, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[Path], Handout]:
    """Build a notebook's full and student handouts with tools.handouts, at most once per
    notebook."""
    from tools import handouts

    out = tmp_path_factory.mktemp("handouts")

    @functools.cache
    def build(notebook: Path) -> Handout:
        written = handouts.build(out, {"core": [notebook]}, editions=("full", "student"),
                                 printer=print_with_browser, say=lambda line: None)
        full, student = (next(item for item in written if item.edition == edition)
                         for edition in ("full", "student"))
        return Handout(html=full.html, pdf=full.pdf, student_html=student.html,
                       student_pdf=student.pdf)

    return build


@pytest.fixture(scope="session")
def editions(tmp_path_factory: pytest.TempPathFactory, print_with_browser) -> dict:
    """Every edition built from three small notebooks (two with a tagged challenge), printed
    by the worker's browser: {name without suffix: Written}."""
    from handout_notebooks import challenge_notebook

    from tools import handouts

    folder = tmp_path_factory.mktemp("tagged") / "notebooks"
    folder.mkdir()
    parts = {"core": [folder / "02_wider.ipynb", folder / "03_next.ipynb"],
             "reference": [folder / "10_more.ipynb"]}
    nbformat.write(challenge_notebook(), parts["core"][0])
    nbformat.write(challenge_notebook("03 · Next", tagged=False), parts["core"][1])
    nbformat.write(challenge_notebook("10 · More"), parts["reference"][0])
    out = tmp_path_factory.mktemp("editions")
    written = handouts.build(out, parts, printer=print_with_browser, say=lambda line: None)
    return {item.html.relative_to(out).with_suffix("").as_posix(): item for item in written}


@pytest.fixture
def handout(notebook: Path, build_handout: Callable[[Path], Handout]) -> Handout:
    return build_handout(notebook)


@dataclass(frozen=True)
class OpenHandout:
    page: object
    requested: list[str]  # every URL the page asked for, in order


@pytest.fixture(scope="session")
def handout_in_chromium(
    notebook: Path, build_handout: Callable[[Path], Handout], browser
) -> Iterator[OpenHandout]:
    """The HTML handout of `notebook` opened from disk in a fresh browser context, once the
    network has been idle for 500 ms (so what scripts fetch after the load is seen too).
    Shared by every test of that page."""
    handout = build_handout(notebook)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(handout.html.as_uri())
    page.wait_for_load_state("networkidle")
    yield OpenHandout(page=page, requested=requested)
    context.close()


@dataclass(frozen=True)
class ExplorerApp:
    url: str  # with the access token
    url_without_token: str


@pytest.fixture(scope="session")
def explorer_app(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[ExplorerApp]:
    """The projector app (apps/explorer.ipynb) served by Voila as `tasks.py explorer` does."""
    from tasks import explorer_command

    folder = tmp_path_factory.mktemp("voila")
    port = free_port()
    log_path = folder / "voila.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            explorer_command(sys.executable, port, open_browser=False),
            cwd=ROOT, env=quiet_env(folder / "runtime"), stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        address = re.compile(rf"http://127\.0\.0\.1:{port}/\?token=\w+")
        found = wait_for(
            lambda: address.search(log_path.read_text()), 60, "Voila printing its address", server
        )
        yield ExplorerApp(url=found.group(0), url_without_token=f"http://127.0.0.1:{port}/")
    finally:
        stop(server)
