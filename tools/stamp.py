"""The install record: what tasks.py installed, into which interpreter, from which
pyproject.toml. A current record lets a command start without asking pip or the
interpreter anything; it is written whole or not at all."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tools.atomic import replace_atomically
from tools.errors import CommandError
from tools.pyproject import covers

STAMP_NAME = "lstm-teach-installed.json"
STAMP_FORMAT = 1
MAX_STAMP_BYTES = 1_000_000  # a real stamp is a few hundred bytes


def fingerprint(site_dirs: Iterable[Path]) -> tuple[tuple[str, int], ...]:
    """Each site-packages folder with its modification time: installing or removing a
    package adds or removes an entry there, which changes the time."""
    return tuple((str(path), path.stat().st_mtime_ns) for path in site_dirs if path.is_dir())


@dataclass(frozen=True)
class Stamp:
    """What tasks.py installed, into which interpreter, from which pyproject.toml."""

    digest: str
    python: str
    site: tuple[tuple[str, int], ...]
    extras: frozenset[str]

    def text(self) -> str:
        return json.dumps(
            {
                "format": STAMP_FORMAT,
                "pyproject": self.digest,
                "python": self.python,
                "site-packages": [list(entry) for entry in self.site],
                "extras": sorted(self.extras),
            },
            indent=1,
        ) + "\n"

    @classmethod
    def parse(cls, text: str) -> Stamp | None:
        """The stamp in `text`, or None for anything else (an older format, a torn write)."""
        try:
            data = json.loads(text)
            if data["format"] != STAMP_FORMAT:
                return None
            site_entries = tuple((str(path), int(mtime)) for path, mtime in data["site-packages"])
            extras = data["extras"]
            if not isinstance(extras, list) or not all(isinstance(x, str) for x in extras):
                return None
            digest, python = data["pyproject"], data["python"]
            if not isinstance(digest, str) or not isinstance(python, str):
                return None
            return cls(digest, python, site_entries, frozenset(extras))
        except (ValueError, TypeError, KeyError):
            return None


def read_stamp(path: Path) -> Stamp | None:
    """The stamp at `path`; None when it is missing, unreadable or garbled (it is then
    checked and written again). One that cannot even be parsed safely, nested too deeply
    or far too large for a stamp, is refused in one line telling to delete it."""
    damaged = (
        f"the install record {path} is damaged ({{}}): delete it and run the command again"
    )
    try:
        if path.stat().st_size > MAX_STAMP_BYTES:
            raise CommandError(damaged.format("far larger than a record of an install"))
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        return Stamp.parse(text)
    except RecursionError:
        raise CommandError(damaged.format("nested too deeply to read")) from None


def write_stamp(path: Path, stamp: Stamp) -> None:
    """Write the stamp whole or not at all; a failure only costs a check next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, stamp.text())
    except OSError as error:
        print(
            f"tasks.py: note: could not record the installation in {path} ({error.strerror}); "
            "the next start checks the packages again",
            file=sys.stderr,
        )


def stamp_is_current(
    stamp: Stamp | None, pyproject: dict, digest: str, python: Path, site_dirs: list[Path],
    extras: Iterable[str],
) -> bool:
    """True when the stamp shows that `python` already has what `extras` need, installed
    from the course whose install digest (tools.pyproject.install_digest) is `digest`."""
    return (
        stamp is not None
        and stamp.digest == digest
        and stamp.python == str(python)
        and stamp.site == fingerprint(site_dirs)
        and covers(pyproject, stamp.extras, extras)
    )
