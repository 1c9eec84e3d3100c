"""Accessibility in the browser: axe-core over every handout (each notebook's full edition,
and every edition built from small tagged notebooks: student, solutions sheet, full, the
reference card) and the projector app, and every widget control reached with Tab and
worked with the keyboard alone."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from .support import POLL_MS, ROOT, free_port, quiet_env, stop, wait_for

#: axe-core's two worst impact levels; "moderate" findings (such as content outside an
#: ARIA landmark in Voila's own page) are reported by axe but not failed on here.
FAILING_IMPACTS = {"serious", "critical"}
#: The explorer is on screen: its weight grid is a decoded picture and its count shows.
EXPLORER_DRAWN = """() => {
  const image = document.querySelector('.widget-html img');
  return image !== null && image.complete && image.naturalWidth > 0
    && document.body.innerText.includes('12 parameters');
}"""
#: Every slider handle on the page has its accessible name: lt.widgets.name_controls()
#: gives them names from a script that runs beside the widgets, not before them.
CONTROLS_NAMED = """() => {
  const handles = [...document.querySelectorAll('.noUi-handle')];
  return handles.length > 0 && handles.every(handle => handle.getAttribute('aria-label'));
}"""
ALL_WIDGETS = """import lstm_teach as lt

display(lt.widgets.name_controls())
display(lt.param_explorer())
display(lt.cell_stepper())
display(lt.time_stepper())
"""


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    # The rules of WCAG 2 levels A and AA, the standard the course holds itself to;
    # axe's best-practice rules (such as "all content inside a landmark") are left out.
    wcag = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    results = Axe().run(page, options={"resultTypes": ["violations"],
                                       "runOnly": {"type": "tag", "values": wcag}})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}, e.g. "
        f"{violation['nodes'][0]['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def test_handout_has_no_serious_accessibility_violation(notebook: Path, handout_in_chromium):
    assert serious_violations(handout_in_chromium.page) == []


def test_handout_pictures_are_described_and_math_is_typeset(notebook: Path,
                                                            handout_in_chromium):
    page = handout_in_chromium.page
    alts = page.eval_on_selector_all("img", "images => images.map(image => image.alt)")
    assert all(len(alt) > 40 and "No description" not in alt for alt in alts), alts
    visible = page.inner_text("body")
    assert not re.search(r"\$[^$\n]*\\[a-z]+", visible), "LaTeX source shown as text"


@pytest.mark.parametrize("name", ["student/02_wider", "solutions-core", "full/02_wider",
                                  "reference-card"])
def test_every_edition_has_no_serious_accessibility_violation(editions, page, name: str):
    page.goto(editions[name].html.as_uri())
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []
    alts = page.eval_on_selector_all("img", "images => images.map(image => image.alt)")
    assert all(len(alt) > 40 and "No description" not in alt for alt in alts), alts
    assert page.locator("footer").count() == 1  # the credit, as a landmark of its own


def test_projector_app_has_no_serious_accessibility_violation(explorer_app, page):
    page.goto(explorer_app.url)
    page.wait_for_function(EXPLORER_DRAWN, timeout=120_000, polling=POLL_MS)
    page.wait_for_function(CONTROLS_NAMED, timeout=30_000, polling=POLL_MS)
    assert serious_violations(page) == []


@pytest.fixture(scope="module")
def widgets_app(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[str]:
    """All three explorers on one Voila page, served as the projector app is; its URL."""
    from tasks import explorer_command
    from tools.cli import EXPLORER_APP

    folder = tmp_path_factory.mktemp("widgets-app")
    app = folder / "widgets.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ALL_WIDGETS)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, app)
    port = free_port()
    command = [str(app) if part == EXPLORER_APP.relative_to(ROOT).as_posix() else part
               for part in explorer_command(sys.executable, port, open_browser=False)]
    log_path = folder / "voila.log"
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


def focused(page) -> str:
    """What the keyboard focus is on: its tag and accessible name (aria-label, title or
    label), e.g. "div units" for a slider handle or "button play"."""
    return page.evaluate("""() => {
      const e = document.activeElement;
      const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
      return [e.tagName.toLowerCase(),
              e.getAttribute('aria-label') || e.title || label || e.textContent.trim()]
        .join(' ').trim();
    }""")


#: Every control of the three explorers, as focus reaches it, by tag and name.
CONTROLS = [
    "div units", "div features", "div timesteps", "select cell", "button Keras",
    "button PyTorch", "input use_bias", "input return_sequences",
    "button Build this layer in Keras and compare its count_params()",
    "button 1 feature", "button 2 features", "div x_t[0]", "div x_t[1]", "div h_t-1",
    "div C_t-1", "button Run a real Keras LSTM with these weights and states",
    "button play", "button stop", "button repeat", "div timestep t",
    "button Run a real Keras LSTM on the whole sequence with these weights",
]


def test_every_widget_control_is_reached_with_tab_and_worked_with_keys(widgets_app, page):
    page.goto(widgets_app)
    page.wait_for_function(EXPLORER_DRAWN, timeout=120_000, polling=POLL_MS)
    page.wait_for_function("() => document.querySelectorAll('.widget-play button[aria-label]')"
                           ".length >= 3", timeout=30_000, polling=POLL_MS)
    page.wait_for_function(CONTROLS_NAMED, timeout=30_000, polling=POLL_MS)
    reached = []
    for _ in range(len(CONTROLS) * 2):
        page.keyboard.press("Tab")
        reached.append(focused(page))
    missing = [control for control in CONTROLS if control not in reached]
    assert missing == [], f"not reached with Tab: {missing}"
    in_order = [name for name in reached if name in CONTROLS][:len(CONTROLS)]
    assert in_order == CONTROLS, "Tab moves through the controls in reading order"

    def press(name: str, key: str) -> None:
        """Tab until focus is on the control, then press the key, as a keyboard user would."""
        for _ in range(len(CONTROLS) * 2):
            if focused(page) == name:
                page.keyboard.press(key)
                return
            page.keyboard.press("Tab")
        raise AssertionError(f"{name} not reached with Tab")

    def wait_for_text(pattern: str) -> None:
        page.get_by_text(re.compile(pattern)).first.wait_for(timeout=15_000)

    press("div units", "ArrowRight")  # slider: 12 → 32 parameters, picture and all
    wait_for_text(r"^32 parameters$")
    page.wait_for_function("() => [...document.querySelectorAll('.widget-html img')]"
                           ".some(image => image.alt.includes('total 32'))",
                           timeout=15_000, polling=POLL_MS)
    press("input use_bias", " ")  # checkbox: the bias goes, 24 parameters
    wait_for_text(r"^24 parameters$")
    press("button PyTorch", " ")  # toggle button: PyTorch's layout, still no bias
    wait_for_text(r"\(pytorch convention\)")
    press("select cell", "ArrowDown")  # drop-down: LSTM → GRU
    wait_for_text(r"^GRU \(pytorch convention\)")
    one_feature = page.get_by_text(re.compile(r"^NumPy reference")).inner_text()
    press("button 2 features", "Enter")  # the second feature joins the step
    page.wait_for_function(
        "(before) => [...document.querySelectorAll('.widget-html')].some(element => "
        "element.innerText.startsWith('NumPy reference') && element.innerText !== before)",
        arg=one_feature, timeout=15_000, polling=POLL_MS)
    press("div timestep t", "ArrowRight")
    wait_for_text(r"t = 2 of 6")
    press("button play", "Enter")  # a plain button: the sequence plays on from step 2
    wait_for_text(r"t = 3 of 6")
