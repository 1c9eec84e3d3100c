"""Where the handouts go and which browser prints them: checks and safe writes, stdlib only.

`tasks.py handouts` checks --out and LSTM_TEACH_CHROMIUM with these functions before it
installs anything, and tools/handouts.py writes through `OutputFolder`, which keeps the
promise a learner's files are owed: the command writes only into its own output folder,
only files it made, each one atomically (a temporary file beside it, then a rename), and
it removes nothing it did not write. It knows what it wrote from a record in the folder
(`RECORD_NAME`: each file's name and SHA-256); a file in the way that the record does not
list, or that was changed since, makes the command refuse in one line before it writes
anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

#: The handouts a build can make: see tools/handouts.py.
EDITIONS = ("student", "solutions", "card", "full")
RECORD_NAME = ".lstm-teach-handouts.json"
RECORD_FORMAT = 1
CHROMIUM_VARIABLE = "LSTM_TEACH_CHROMIUM"
#: Programs tried on PATH, in order, when LSTM_TEACH_CHROMIUM is not set.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ACCEPTED = (
    f"set {CHROMIUM_VARIABLE} to the path of a Chromium or Chrome program (such as "
    "/usr/bin/chromium) or to a program name on PATH, or unset it to use chromium from PATH"
)
NO_CHROMIUM = (
    "Chromium is needed to print the PDF handouts: install it (Debian/Ubuntu: "
    f"`sudo apt-get install chromium`) or point {CHROMIUM_VARIABLE} at a Chromium or Chrome "
    "program"
)


class HandoutError(Exception):
    """A handouts failure the user can act on; the command prints it as one line."""


# --- the browser -------------------------------------------------------------------------


def find_chromium(environ: Mapping[str, str] | None = None) -> str | None:
    """Path of the Chromium that prints the PDFs: LSTM_TEACH_CHROMIUM if set (checked:
    an executable file, or a program on PATH), else the first Chromium or Chrome on PATH,
    else None. A variable that points nowhere is a HandoutError naming it."""
    environ = os.environ if environ is None else environ
    given = environ.get(CHROMIUM_VARIABLE)
    if given is None:
        return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    return _chromium_from_variable(given)


def _chromium_from_variable(given: str) -> str:
    said = f"{CHROMIUM_VARIABLE}={given!r}"
    if not given.strip():
        raise HandoutError(f"{said} is empty: {CHROMIUM_ACCEPTED}")
    path = Path(given).expanduser()
    if len(path.parts) == 1 and not path.exists():  # a bare name: look it up on PATH
        found = shutil.which(given)
        if found is None:
            raise HandoutError(f"{said} is not a program on PATH: {CHROMIUM_ACCEPTED}")
        return found
    if not path.exists():
        raise HandoutError(f"{said} does not exist: {CHROMIUM_ACCEPTED}")
    if path.is_dir():
        raise HandoutError(f"{said} is a folder, not a program: {CHROMIUM_ACCEPTED}")
    if not os.access(path, os.X_OK):
        raise HandoutError(f"{said} is not executable: {CHROMIUM_ACCEPTED}")
    return str(path)


# --- the output folder -------------------------------------------------------------------


def check_output_folder(out: Path, option: str = "--out") -> Path:
    """The output folder, resolved, if handouts could create and write into it; else a
    HandoutError saying why and what to name instead. Creates nothing (the command calls
    this before installing anything); `OutputFolder` makes the real attempt."""
    out = Path(out).expanduser().resolve()
    accepted = f"name a folder you can write to with {option} (it is created if missing)"
    if out.exists() and not out.is_dir():
        raise HandoutError(f"{option} {out} is a file: {accepted}")
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise HandoutError(f"{option} {out} is inside {existing}, which is a file: {accepted}")
    if not os.access(existing, os.W_OK | os.X_OK):
        where = "" if existing == out else f" (its nearest existing folder, {existing})"
        raise HandoutError(f"{option} {out} cannot be written to{where}: {accepted}")
    return out


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class OutputFolder:
    """The handouts' folder: writes each file atomically and records it, so a later build
    rewrites or removes only files this tool wrote and nobody changed since.

    Create it with `OutputFolder.open(path)`, check every file a build will write with
    `claim` before writing any, then `write_text` / `write_with` each one.
    """

    def __init__(self, root: Path, record: dict[str, dict[str, str]]) -> None:
        self.root = root
        self.record = record

    @classmethod
    def open(cls, out: Path, option: str = "--out") -> OutputFolder:
        """Create the folder if needed and prove it writable; read its record."""
        root = check_output_folder(out, option)
        accepted = f"name a folder you can write to with {option}"
        try:
            root.mkdir(parents=True, exist_ok=True)
            handle, probe = tempfile.mkstemp(dir=root, prefix=".lstm-teach-probe-")
            os.close(handle)
            os.unlink(probe)
        except OSError as error:
            raise HandoutError(
                f"cannot write into {option} {root} ({error.strerror or error}): {accepted}"
            ) from None
        return cls(root, _read_record(root / RECORD_NAME))

    def ours(self, name: str) -> bool:
        """Whether the file `name` (relative, with /) is one this tool wrote, unchanged."""
        path = self.root / name
        entry = self.record.get(name)
        return (entry is not None and path.is_file() and not path.is_symlink()
                and file_digest(path) == entry.get("sha256"))

    def claim(self, names: Iterable[str]) -> None:
        """Refuse, before anything is written, if a file to be written is in the way:
        something that exists there and is not an unchanged file of ours."""
        for name in names:
            path = self.root / name
            for parent in reversed(Path(name).parents[:-1]):
                folder = self.root / parent
                if folder.exists() and not folder.is_dir():
                    raise HandoutError(
                        f"{folder} is a file where handouts writes a folder: move it away "
                        "or name another folder with --out"
                    )
            if (path.exists() or path.is_symlink()) and not self.ours(name):
                raise HandoutError(
                    f"{path} exists and was not written by handouts (or was changed since): "
                    "move it away or name another folder with --out"
                )

    def strangers(self) -> list[str]:
        """Files in the folder (not in its subfolders) that this tool did not write."""
        return sorted(
            path.name for path in self.root.iterdir()
            if path.name != RECORD_NAME and not path.name.startswith(".lstm-teach-")
            and path.is_file() and path.name not in self.record
        )

    def write_text(self, name: str, text: str, edition: str) -> Path:
        data = text.encode("utf-8")
        return self.write_with(name, lambda temporary: temporary.write_bytes(data), edition)

    def write_with(self, name: str, make: Callable[[Path], None], edition: str,
                   check: Callable[[Path], None] | None = None) -> Path:
        """Let make(temporary) write the file into a temporary path beside it, check it,
        then rename it into place and record it. Nothing is left behind on failure."""
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".lstm-teach-{target.stem}-", suffix=target.suffix
        )
        os.close(handle)
        temporary = Path(temporary_name)
        try:
            make(temporary)
            if check is not None:
                check(temporary)
            os.replace(temporary, target)
        except OSError as error:  # a full disk, or the file held open by a PDF viewer
            raise HandoutError(
                f"cannot write {target} ({error.strerror or error}): close it if another "
                "program has it open, or name another folder with --out"
            ) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        self.record[name] = {"sha256": file_digest(target), "edition": edition}
        self._save_record()
        return target

    def remove_stale(self, editions: Iterable[str], kept: Iterable[str]) -> tuple[list[str],
                                                                                  list[str]]:
        """Remove files of these editions that an earlier build wrote and this one did not
        (e.g. a renamed notebook's handout), if unchanged since. Returns (removed, left):
        changed files are left where they are and dropped from the record."""
        editions, kept = set(editions), set(kept)
        removed, left = [], []
        for name, entry in sorted(self.record.items()):
            if entry.get("edition") not in editions or name in kept:
                continue
            if self.ours(name):
                (self.root / name).unlink()
                removed.append(name)
            elif (self.root / name).exists():
                left.append(name)
            del self.record[name]
        self._save_record()
        return removed, left

    def _save_record(self) -> None:
        text = json.dumps({"format": RECORD_FORMAT, "files": self.record}, indent=1,
                          sort_keys=True)
        handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".lstm-teach-record-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text + "\n")
            os.replace(temporary, self.root / RECORD_NAME)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def _read_record(path: Path) -> dict[str, dict[str, str]]:
    """The files an earlier build recorded; an unreadable record counts as none (then
    nothing in the folder is treated as ours)."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(saved, dict) or saved.get("format") != RECORD_FORMAT:
        return {}
    files = saved.get("files")
    if not isinstance(files, dict):
        return {}
    return {
        name: entry for name, entry in files.items()
        if isinstance(name, str) and isinstance(entry, dict)
        and isinstance(entry.get("sha256"), str) and ".." not in Path(name).parts
        and not Path(name).is_absolute()
    }
