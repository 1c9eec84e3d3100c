"""The projector app's text fits whatever monospace font the machine has.

A learner's or a classroom's machine has whatever fonts it has, and `monospace` is
whichever of them fontconfig picks: DejaVu Sans Mono on one Debian, Noto Sans Mono on
another, with other widths and line heights. A text block that fits in one can overflow
in another and become a scroll region that no keyboard reaches (axe's
scrollable-region-focusable). Each test here starts its own Chromium with a fontconfig
file that makes `monospace` one named font (Debian packages fonts-dejavu-core and
fonts-noto-mono; .ci/run installs both), checks that the app's text blocks really use it,
and that they fit the window or wrap, at a laptop's size and a projector's narrow one,
with the largest table the sliders can make.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .support import POLL_MS
from .test_accessibility import CONTROLS_NAMED, EXPLORER_DRAWN, serious_violations

#: Monospace family → the Debian package that installs it.
FONTS = {"DejaVu Sans Mono": "fonts-dejavu-core", "Noto Sans Mono": "fonts-noto-mono"}
PREFER = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <match target="pattern">
    <test name="family"><string>monospace</string></test>
    <edit name="family" mode="prepend" binding="strong"><string>{family}</string></edit>
  </match>
</fontconfig>
"""
#: Elements the keyboard cannot scroll although their content overflows them: a scroll
#: region (overflow auto or scroll) that is not focusable and holds nothing focusable.
UNREACHABLE_SCROLL_REGIONS = """() => {
  const focusable = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';
  const scrolls = (e) => {
    const style = getComputedStyle(e);
    const x = ['auto', 'scroll'].includes(style.overflowX) && e.scrollWidth > e.clientWidth;
    const y = ['auto', 'scroll'].includes(style.overflowY) && e.scrollHeight > e.clientHeight;
    return x || y;
  };
  return [...document.querySelectorAll('body *')]
    .filter(e => scrolls(e) && !e.matches(focusable) && !e.querySelector(focusable))
    .map(e => `${e.tagName.toLowerCase()}.${e.className} (${e.scrollWidth}x${e.scrollHeight}`
              + ` in ${e.clientWidth}x${e.clientHeight}): ${e.innerText.slice(0, 60)}`);
}"""
#: Text blocks whose right edge lies beyond the window: text a reader cannot see.
CUT_OFF_TEXT = """() => [...document.querySelectorAll('pre')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
  .map(e => e.innerText.split('\\n').find(line => line.length > 0))"""
LARGEST_TABLE = "544 parameters"  # units = features = 8: 4·(8·8 + 8·8 + 8)


def installed(family: str) -> bool:
    listed = subprocess.run(["fc-list", f":family={family}", "family"],
                            capture_output=True, text=True)
    return listed.returncode == 0 and family in listed.stdout


@pytest.fixture(scope="module")
def chromium_with_monospace(
    launch_chromium, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], object]:
    """Start (once per font) a headless Chromium whose `monospace` is the named font."""
    if not sys.platform.startswith("linux"):
        pytest.skip("fonts are chosen through fontconfig, which Chromium reads on Linux only")
    folder = tmp_path_factory.mktemp("fontconfig")

    @functools.cache
    def launch(family: str) -> object:
        config = folder / f"{FONTS[family]}.conf"
        config.write_text(PREFER.format(family=family), encoding="utf-8")
        return launch_chromium({"FONTCONFIG_FILE": str(config)})

    return launch


def fonts_of_first_text_block(page) -> list[str]:
    """The font families Chromium really drew the first <pre> with (DevTools protocol)."""
    session = page.context.new_cdp_session(page)
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": ".widget-html pre"})
    session.send("CSS.enable")
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    session.detach()
    return [font["familyName"] for font in fonts]


def assert_text_fits(page, where: str) -> None:
    assert page.evaluate(UNREACHABLE_SCROLL_REGIONS) == [], f"{where}: a scroll region"
    assert page.evaluate(CUT_OFF_TEXT) == [], f"{where}: text beyond the window's edge"


@pytest.mark.parametrize("family", FONTS)
def test_projector_app_text_fits_in_any_monospace_font(
    family: str, chromium_with_monospace, explorer_app, artifacts: Path
):
    if not installed(family):
        message = (f"{family} is not installed (Debian/Ubuntu: `sudo apt-get install "
                   f"{FONTS[family]}`)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    context = chromium_with_monospace(family).new_context(
        viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    try:
        page.goto(explorer_app.url)
        page.wait_for_function(EXPLORER_DRAWN, timeout=120_000, polling=POLL_MS)
        page.wait_for_function(CONTROLS_NAMED, timeout=30_000, polling=POLL_MS)
        assert fonts_of_first_text_block(page) == [family]
        assert_text_fits(page, f"{family}, 1280 px wide")

        for slider in range(2):  # units, then features, to their largest
            handle = page.locator(".noUi-handle").nth(slider)
            handle.focus()
            handle.press("End")
        page.get_by_text(LARGEST_TABLE, exact=True).wait_for(timeout=15_000)
        page.wait_for_function(
            "() => document.querySelector('.widget-html pre').innerText.includes('= 544')"
            " && [...document.querySelectorAll('.widget-html img')]"
            ".some(image => image.alt.includes('total 544') && image.complete)",
            timeout=15_000, polling=POLL_MS,
        )
        assert_text_fits(page, f"{family}, 1280 px wide, the largest table")

        page.set_viewport_size({"width": 640, "height": 480})  # a zoomed projector
        page.wait_for_function("() => document.documentElement.clientWidth <= 640",
                               timeout=15_000, polling=POLL_MS)
        assert_text_fits(page, f"{family}, 640 px wide, the largest table")
        page.screenshot(path=artifacts / f"explorer-app-{FONTS[family]}-640px.png",
                        full_page=True)
        assert serious_violations(page) == []
    finally:
        context.close()
