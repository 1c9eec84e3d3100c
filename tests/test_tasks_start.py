"""`python tasks.py lab` and `python tasks.py explorer` start quietly: a real server on
127.0.0.1 with its token, a notebook opened and its kernel started as a browser would;
nothing in the terminal up to then that a newcomer could take for a problem. Then
Ctrl+C: tasks.py leaves the server to stop itself and exits with it, without a traceback.
(Without a terminal, JupyterLab stops on the first Ctrl+C without shutting its kernels
down, and a kernel may then report that its parent is gone: shut-down chatter, not
checked here.)"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent
#: Words that would worry a newcomer reading the terminal.
ALARMING = re.compile(
    r"warn|error|deprecat|traceback|exception|not trusted|encryption|insecure|fail",
    re.IGNORECASE,
)
START_TIMEOUT = 180  # seconds; a loaded 2-core machine starts a kernel in 5 to 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def jupyter_env(tmp_path: Path) -> dict[str, str]:
    """A clean Jupyter configuration and data folder, as on a newcomer's machine."""
    env = {**os.environ}
    for name in ("config", "data", "runtime"):
        (tmp_path / name).mkdir()
        env[f"JUPYTER_{name.upper()}_DIR"] = str(tmp_path / name)
    return env


def start(command: str, tmp_path: Path, port: int) -> tuple[subprocess.Popen, Path]:
    """`python tasks.py COMMAND --here --no-browser`, typed in another folder, in its own
    process group so that Ctrl+C can be sent to it and to the server it starts."""
    log = tmp_path / "terminal.txt"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    group = (
        {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt"
        else {"start_new_session": True}
    )
    with log.open("w") as terminal:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "tasks.py"), command, "--here", "--no-browser",
             "--port", str(port)],
            cwd=elsewhere, env=jupyter_env(tmp_path), stdout=terminal,
            stderr=subprocess.STDOUT, **group,
        )
    return process, log


def press_ctrl_c(process: subprocess.Popen) -> int:
    if os.name == "nt":
        process.send_signal(signal.CTRL_BREAK_EVENT)
    else:
        os.killpg(process.pid, signal.SIGINT)
    return process.wait(timeout=60)


def wait_until(found: Callable[[], object], process: subprocess.Popen, log: Path, what: str):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen; the terminal showed:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        if os.name == "nt":
            process.kill()
        else:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def alarming_lines(text: str) -> list[str]:
    """Lines with a worrying word, leaving out tasks.py's echo of the command it runs."""
    return [
        line for line in text.splitlines()
        if ALARMING.search(line) and not line.startswith("$ ")
    ]


async def kernel_answers(url: str, token: str, kernel: str) -> dict:
    """Ask the kernel for its info over the server's websocket, as JupyterLab does."""
    connection = await websocket_connect(
        f"{url.replace('http', 'ws', 1)}/api/kernels/{kernel}/channels?token={token}"
    )
    session = uuid.uuid4().hex
    request = {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": "kernel_info_request",
                   "session": session, "username": "test", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell", "buffers": [],
    }
    connection.write_message(json.dumps(request))
    try:
        while True:
            message = json.loads(await asyncio.wait_for(connection.read_message(), START_TIMEOUT))
            if message["msg_type"] == "kernel_info_reply":
                return message["content"]
    finally:
        connection.close()


def test_lab_starts_quietly_and_stops_on_ctrl_c(tmp_path: Path):
    process, log = start("lab", tmp_path, free_port())
    try:
        runtime = tmp_path / "runtime"
        info_file = wait_until(
            lambda: next(runtime.glob("jpserver-*.json"), None), process, log, "JupyterLab start"
        )
        info = json.loads(info_file.read_text())
        assert info["token"], "JupyterLab must keep its token login"
        assert info["hostname"] == "127.0.0.1"
        url, token = f"http://127.0.0.1:{info['port']}", info["token"]

        def api(method: str, path: str, body: dict | None = None) -> dict:
            request = urllib.request.Request(
                url + path, method=method, headers={"Authorization": f"token {token}"},
                data=None if body is None else json.dumps(body).encode(),
            )
            with urllib.request.urlopen(request, timeout=START_TIMEOUT) as response:
                return json.load(response)

        def answering() -> bool:
            try:
                return "started" in api("GET", "/api/status")
            except OSError:
                return False

        wait_until(answering, process, log, f"JupyterLab answering at {url}")
        first = "notebooks/00_start_here.ipynb"
        assert api("GET", f"/api/contents/{first}")["type"] == "notebook"
        session = api("POST", "/api/sessions", {
            "path": first, "type": "notebook", "name": "", "kernel": {"name": "python3"},
        })
        # In a thread of its own: another test in this worker may have an event loop running.
        with ThreadPoolExecutor(1) as thread:
            asking = thread.submit(asyncio.run, kernel_answers(url, token, session["kernel"]["id"]))
            reply = asking.result()
        assert reply["status"] == "ok"
        time.sleep(1)  # anything the kernel prints after answering reaches the terminal
        started = log.read_text()
        code = press_ctrl_c(process)
    finally:
        stop(process)
    assert f"http://127.0.0.1:{info['port']}/lab?token=" in started
    assert "Kernel started" in started
    assert alarming_lines(started) == []
    stopped = log.read_text()
    assert "Traceback" not in stopped
    assert code == 0, stopped


def test_explorer_starts_quietly_and_stops_on_ctrl_c(tmp_path: Path):
    port = free_port()
    process, log = start("explorer", tmp_path, port)
    try:
        address = wait_until(
            lambda: re.search(rf"http://127\.0\.0\.1:{port}/\?token=\w+", log.read_text()),
            process, log, "Voila start",
        ).group(0)
        with urllib.request.urlopen(address, timeout=START_TIMEOUT) as response:
            page = response.read().decode("utf-8")
        assert "application/vnd.jupyter.widget-view+json" in page, "the explorer did not run"
        time.sleep(1)
        started = log.read_text()
        code = press_ctrl_c(process)
    finally:
        stop(process)
    assert "Kernel started" in started
    assert alarming_lines(started) == []
    stopped = log.read_text()
    assert "Traceback" not in stopped
    assert code == 0, stopped


@pytest.mark.parametrize(
    "line",
    [
        "/x/traitlets.py:1904: DeprecationWarning: ServerApp.token config is deprecated",
        "[W 2026-11-29 09:14:10.414 ServerApp] Notebook notebooks/00_start_here.ipynb is not "
        "trusted",
        "[IPKernelApp] WARNING | Kernel is running over TCP without encryption.",
        "MissingIDFieldWarning: Cell is missing an id field",
    ],
)
def test_the_messages_seen_before_count_as_alarming(line):
    assert alarming_lines(f"[I ok] Serving notebooks\n{line}\n") == [line]
