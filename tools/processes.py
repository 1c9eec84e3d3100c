"""Running the course's programs in the foreground, with Ctrl+C left to them."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tools.errors import CommandError, CommandFailed


def run(
    command: Sequence[str | Path], *, cwd: Path, env: dict[str, str] | None = None,
    failure: str | None = None,
) -> None:
    """Run a program in the foreground; a non-zero exit becomes CommandFailed.

    Ctrl+C is left to the program (JupyterLab and pytest stop cleanly on it; the terminal
    sends it to both); tasks.py waits for it to finish instead of dying with a traceback
    of its own, and passes a termination request on to it rather than leaving a server
    running. A Ctrl+C that comes before the program exists to receive it is passed on as
    soon as it does.
    """
    words = [str(part) for part in command]
    print("$ " + " ".join(words), flush=True)
    interrupted = []
    previous_int = signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
    previous_term = signal.getsignal(signal.SIGTERM)
    try:
        try:
            process = subprocess.Popen(words, cwd=cwd, env=env)
        except OSError as error:
            raise CommandError(
                f"cannot run {words[0]} ({error.strerror}): delete the .venv folder and run again"
            ) from None
        signal.signal(signal.SIGTERM, lambda *_: process.terminate())
        if interrupted:
            process.send_signal(signal.SIGINT)
        code = process.wait()
    finally:
        signal.signal(signal.SIGINT, previous_int)
        signal.signal(signal.SIGTERM, previous_term)
    if code != 0:
        raise CommandFailed(128 - code if code < 0 else code, failure)
