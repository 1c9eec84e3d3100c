"""The projector app's first paint: from opening the page to a usable explorer.

`python tasks.py explorer` serves apps/explorer.ipynb with Voila. This starts that server
(the command tasks.py runs, on a free port), waits until it answers, then opens the page
in headless Chromium and times how long until the explorer is on screen: its weight grid
drawn and its count shown. Each round starts a fresh server, as an instructor would.

    python benchmarks/projector.py [--rounds 3]

Target (issue 19, after issue 13's 3 s): the first paint takes at most the floor's time
(benchmarks/suite.py: a fresh kernel that imports Keras and builds one LSTM), measured in
the same run, so a slower machine is held to its own floor.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import tasks
from tools.handouts import CHROMIUM_FLAGS, find_chromium

FIRST_PAINT_RATIO = 1.0  # × the floor
#: The explorer is usable when its weight grid has a decoded picture and the count shows.
PAINTED = """() => {
  const image = document.querySelector('.widget-html img');
  return image !== null && image.complete && image.naturalWidth > 0
    && document.body.innerText.includes('12 parameters');
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(log: Path, port: int, server: subprocess.Popen, timeout: float = 120.0) -> None:
    """Wait until Voila prints its address: it is listening (and preheating a kernel)."""
    deadline = time.monotonic() + timeout
    address = f"http://127.0.0.1:{port}/?token="
    while address not in log.read_text(errors="replace"):
        if server.poll() is not None:
            raise RuntimeError(f"Voila exited with code {server.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"Voila did not print its address within {timeout:.0f} s")
        time.sleep(0.05)


def one_first_paint(browser: object, settle: float) -> float:
    """Start a server, wait `settle` seconds after it answers, then time the first paint."""
    port = free_port()
    token = "benchmark-token"  # Voila takes its token from JUPYTER_TOKEN
    env = {**os.environ, **tasks.QUIET_TENSORFLOW, "JUPYTER_TOKEN": token}
    command = tasks.explorer_command(sys.executable, port, open_browser=False)
    with tempfile.TemporaryDirectory() as folder:
        log_path = Path(folder) / "voila.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(command, cwd=tasks.ROOT, env=env, stdout=log,
                                      stderr=subprocess.STDOUT)
        try:
            wait_until_up(log_path, port, server)
            time.sleep(settle)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            started = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/?token={token}")
            page.wait_for_function(PAINTED, timeout=60_000, polling=50)
            painted = time.perf_counter() - started
            page.close()
            return painted
        finally:
            server.terminate()
            server.wait(timeout=30)


def measure(rounds: int = 3, settle: float = 0.0) -> list[float]:
    """First-paint seconds of `rounds` fresh servers, opened as soon as each answers."""
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError("Chromium is needed to measure the projector app's first paint")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=CHROMIUM_FLAGS[1:])
        try:
            return [one_first_paint(browser, settle) for _ in range(rounds)]
        finally:
            browser.close()


def main() -> int:
    from suite import floor_seconds

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--settle", type=float, default=0.0,
                        help="seconds to wait after the server answers before opening the page")
    args = parser.parse_args()
    times = measure(args.rounds, args.settle)
    median = statistics.median(times)
    floor = floor_seconds(args.rounds)
    met = median <= FIRST_PAINT_RATIO * floor
    print(f"first paint: median {median:.2f} s over {args.rounds} servers "
          f"({', '.join(f'{t:.2f}' for t in times)}), {median / floor:.2f}× the floor "
          f"({floor:.2f} s); target ≤ {FIRST_PAINT_RATIO:g}× floor: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
