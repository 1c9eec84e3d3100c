"""Writing a file the course's tools own, whole or not at all: a temporary file beside it,
then a rename over it, so whatever stops the command leaves the old file or the new one.
Standard library only: tasks.py uses it before any package is installed."""

from __future__ import annotations

import os
from pathlib import Path


def replace_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` atomically; no temporary file is left behind on failure."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
