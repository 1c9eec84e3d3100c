"""`python tasks.py lab` and `python tasks.py explorer` start quietly: a real server on
127.0.0.1 with its token, a notebook opened and its kernel started as a browser would;
nothing in the terminal up to then that a newcomer could take for a problem. Then
Ctrl+C: tasks.py leaves the server to stop itself and exits with it, without a traceback.
(Without a terminal, JupyterLab stops on the first Ctrl+C without shutting its kernels
down, and a kernel may then report that its parent is gone: shut-down chatter, not
checked here.) Nothing waits a fixed time: before the terminal is read for alarming
lines, the kernel writes a marker line to it after everything it may have printed, and
the test waits for that line."""

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


#: What the kernel writes to the terminal (its file descriptor 2, which it shares with
#: the server) once it has started and answered: every line it wrote before is then in
#: the terminal too, so the test reads it once this line is there.
MARKER = "lstm-teach test: kernel output up to here"
WRITE_MARKER = f"import os; os.write(2, b{MARKER + chr(10)!r})"


async def kernel_requests(url: str, token: str, kernel: str, *, write_marker: bool) -> dict:
    """Over the server's websocket, as a browser page does: ask the kernel for its info,
    then (if write_marker) have it write MARKER to the terminal; return the info once
    everything asked is answered."""
    session = uuid.uuid4().hex
    connection = await websocket_connect(
        f"{url.replace('http', 'ws', 1)}/api/kernels/{kernel}/channels?token={token}"
        f"&session_id={session}"
    )

    def request(msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        connection.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": session,
                       "username": "test", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
            "buffers": [],
        }))
        return msg_id

    async def reply(msg_id: str) -> dict:
        while True:
            message = json.loads(await asyncio.wait_for(connection.read_message(), START_TIMEOUT))
            if message["msg_type"].endswith("_reply") and \
                    message["parent_header"].get("msg_id") == msg_id:
                return message["content"]

    try:
        info = await reply(request("kernel_info_request", {}))
        if write_marker:
            written = await reply(request("execute_request", {
                "code": WRITE_MARKER, "silent": True, "store_history": False,
                "user_expressions": {}, "allow_stdin": False,
            }))
            assert written["status"] == "ok", written
        return info
    finally:
        connection.close()


def ask_kernel(url: str, token: str, kernel: str, *, write_marker: bool = True) -> dict:
    """kernel_requests, in a thread of its own: another test in this worker may have an
    event loop running."""
    with ThreadPoolExecutor(1) as thread:
        asking = kernel_requests(url, token, kernel, write_marker=write_marker)
        return thread.submit(asyncio.run, asking).result()


def server_info(runtime: Path) -> dict | None:
    """The server's runtime file once it parses: it is written after the server starts,
    not in one step, so it can be found empty or cut short."""
    for path in runtime.glob("jpserver-*.json"):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
    return None


def test_lab_starts_quietly_and_stops_on_ctrl_c(tmp_path: Path):
    process, log = start("lab", tmp_path, free_port())
    try:
        runtime = tmp_path / "runtime"
        info = wait_until(lambda: server_info(runtime), process, log, "JupyterLab start")
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
        reply = ask_kernel(url, token, session["kernel"]["id"])
        assert reply["status"] == "ok"
        started = wait_until(lambda: MARKER in log.read_text() and log.read_text(),
                             process, log, "the kernel's marker line")
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
        # Then what the page does in a browser: connect to its kernel, which Voila keeps
        # for the page's widgets. Voila lets no code run there, so the kernel cannot write
        # a marker; the server's line for the connection marks the end of the start-up
        # instead (the notebook ran before the page was sent).
        kernel = re.search(r'"kernelId": "([\w-]+)"', page).group(1)
        token = address.split("token=", 1)[1]
        ask_kernel(f"http://127.0.0.1:{port}", token, kernel, write_marker=False)
        connected = f"Connecting to kernel {kernel}"
        started = wait_until(lambda: connected in log.read_text() and log.read_text(),
                             process, log, "the server connecting the page to its kernel")
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
