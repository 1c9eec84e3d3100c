"""Plain helpers for the browser tests: notebooks to test, servers to start, page scripts.

The fixtures built from them live in conftest.py; nothing here sleeps for a fixed time:
every wait polls a condition and gives up with a message after a generous timeout.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[2]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
T = TypeVar("T")
#: How often a page re-checks a condition we wait for, in ms. Playwright's default checks on
#: every animation frame, which keeps headless Chromium producing frames (measured here:
#: 0.6-0.8 CPU-seconds per 8 s of waiting, against 0.1-0.3 s checking every 100 ms), CPU
#: that the kernel and the server being waited for need.
POLL_MS = 50
#: JavaScript for the notebook panel JupyterLab shows, and its kernel connection.
CURRENT_NOTEBOOK = "window.jupyterapp.shell.currentWidget"
KERNEL = f"{CURRENT_NOTEBOOK}.sessionContext.session.kernel"


def course_notebooks() -> list[Path]:
    """Every course notebook of tools/notebooks.py in this checkout, core then reference
    shelf, so a new one is tested without editing a test."""
    from tools import notebooks

    return notebooks.paths(ROOT)


def saved_outputs(path: Path, mime: str) -> int:
    """How many saved outputs of the notebook carry a bundle of this MIME type."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return sum(
        mime in output.get("data", {})
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def quiet_env(runtime: Path) -> dict[str, str]:
    """Environment for a server: its own runtime folder, TensorFlow's start-up notices off."""
    return {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_ENABLE_ONEDNN_OPTS": "0",
    }


def wait_for(
    condition: Callable[[], T], timeout: float, what: str, process: subprocess.Popen
) -> T:
    """Poll condition until it returns something truthy, and return that; fail early with
    the exit code if the server process dies, or with what was awaited after timeout s."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if process.poll() is not None:
            raise RuntimeError(f"{what}: the server exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout} s")
        time.sleep(0.05)
    return result


def server_info(runtime: Path) -> dict | None:
    """A Jupyter server's runtime file (jpserver-PID.json) once it is complete, else None.

    The server writes the file after it starts listening, and not in one step: a reader
    polling for it can find it empty or cut short, so it counts only once it parses and
    holds the address and token."""
    for path in runtime.glob("jpserver-*.json"):
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if isinstance(info, dict) and {"port", "token", "hostname"} <= info.keys():
            return info
    return None


def server_answers(url: str, token: str) -> bool:
    """Whether a Jupyter server at url answers its status API with this token."""
    request = urllib.request.Request(f"{url}/api/status",
                                     headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return "started" in json.load(response)
    except (OSError, ValueError):
        return False


def stop(process: subprocess.Popen) -> None:
    """Ask a server to shut down (it stops its kernels), kill it if it will not."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


#: Length and a 32-bit hash of the bytes behind every <img> under an element: the picture
#: itself, whatever URL it is served from.
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

#: Every widget view of the open notebook exists, down to the last child of every box
#: (ipywidgets shows a box first and creates its children's views one by one afterwards).
#: The widget manager is reached through the renderer's `_manager`, ipywidgets 8's only
#: handle on it; a rejected view (a widget that failed to display) throws.
WIDGET_VIEWS_COMPLETE = f"""async () => {{
  const complete = async (view) => {{
    const children = view.children_views ? await Promise.all(view.children_views.views) : [];
    for (const child of children) if (!(await complete(child))) return false;
    return true;
  }};
  for (const cell of {CURRENT_NOTEBOOK}.content.widgets) {{
    if (cell.model.type !== 'code') continue;
    for (let index = 0; index < cell.model.outputs.length; index++) {{
      const bundle = cell.model.outputs.get(index).data['{WIDGET_VIEW}'];
      if (!bundle) continue;
      const renderer = (cell.outputArea.widgets[index]?.widgets ?? []).find(w => w._manager);
      if (!renderer) return false;
      const manager = await renderer._manager.promise;
      if (!manager.has_model(bundle.model_id)) return false;
      const model = await manager.get_model(bundle.model_id);
      const views = await Promise.all(Object.values(model.views));
      if (views.length === 0) return false;
      for (const view of views) if (!(await complete(view))) return false;
    }}
  }}
  return true;
}}"""

#: Start counting the widget messages the page sends to the kernel and the kernel's "idle"
#: answers to them (a kernel reports idle after the last output of a request).
WATCH_WIDGET_MESSAGES = f"""() => {{
  const previous = window.lstmTeachWidgetMessages;
  if (previous) previous.kernel.anyMessage.disconnect(previous.watch);
  const state = {{kernel: {KERNEL}, sent: new Set(), answered: new Set()}};
  state.watch = (_, {{msg, direction}}) => {{
    if (direction === 'send' && msg.header.msg_type === 'comm_msg')
      state.sent.add(msg.header.msg_id);
    if (direction === 'recv' && msg.header.msg_type === 'status'
        && msg.content.execution_state === 'idle' && state.sent.has(msg.parent_header.msg_id))
      state.answered.add(msg.parent_header.msg_id);
  }};
  state.kernel.anyMessage.connect(state.watch);
  window.lstmTeachWidgetMessages = state;
}}"""
#: True once something was sent and the kernel has answered all of it.
WIDGET_MESSAGES_ANSWERED = """() => {
  const state = window.lstmTeachWidgetMessages;
  return state.sent.size > 0 && state.answered.size === state.sent.size;
}"""
