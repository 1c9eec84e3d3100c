"""The browser tests' waits: a server's runtime file counts only once it is complete."""

from __future__ import annotations

import json
from pathlib import Path

from e2e.support import free_port, server_answers, server_info

COMPLETE = {"hostname": "127.0.0.1", "port": 8888, "token": "abc", "url": "http://x/"}


def test_no_runtime_file_yet(tmp_path: Path):
    assert server_info(tmp_path) is None


def test_a_runtime_file_still_being_written_is_not_read_as_the_server(tmp_path: Path):
    """What the test run on a loaded machine met: the file exists, empty or cut short."""
    path = tmp_path / "jpserver-123.json"
    text = json.dumps(COMPLETE)
    for partial in ("", text[:1], text[: len(text) // 2]):
        path.write_text(partial, encoding="utf-8")
        assert server_info(tmp_path) is None
    path.write_text(json.dumps({"port": 8888}), encoding="utf-8")  # parses, but no token
    assert server_info(tmp_path) is None
    path.write_text(text, encoding="utf-8")
    assert server_info(tmp_path) == COMPLETE


def test_nothing_listening_does_not_answer():
    assert server_answers(f"http://127.0.0.1:{free_port()}", "abc") is False
