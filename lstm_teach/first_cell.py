"""What the first cell of every notebook calls: an lstm_teach as new as the notebook
needs, then the version check.

The first cell (written by `python -m tools.hosted`) states the version its notebook needs
and where lstm_teach comes from, imports `prepare` from here and calls it. Where that
import fails (no lstm_teach at all, or one from before this module existed) the cell
installs lstm_teach with pip itself and imports again; everything else happens here,
where it is tested (tests/test_first_cell.py):

- the running lstm_teach is as new as the notebook needs: only the version check runs
  (`lstm_teach.versions.check_setup`: exactly the pins, within the supported range, newer
  than tested, each said in a line or two; older than supported stops with the fix);
- it is older (a hub user's copy from an earlier term, loaded by the cell's import): pip
  upgrades it without its dependencies, so the service's TensorFlow, Keras and NumPy stay
  as they are, into the user's own folder where pip may not write to Python's; the older
  code is loaded in this kernel already, so the learner restarts the kernel once;
- pip fails (offline; Kaggle with Internet off): one line says so and what to do.

A stop is a `SetupError`, shown in a notebook as its message alone, without a traceback.
Nothing here imports TensorFlow.
"""

from __future__ import annotations

import importlib
import re
import site
import subprocess
import sys
from pathlib import Path

from packaging.version import InvalidVersion, Version

PACKAGE = "lstm_teach"
#: How release.py states the version (a plain string on a line of its own).
VERSION_LINE = re.compile(r'^VERSION = "([^"\n]+)"$', re.MULTILINE)
#: The version given to an lstm_teach from before version numbers (no release.py).
BEFORE_VERSIONS = Version("0")
RESTART = "restart the kernel (on Colab: Runtime → Restart session) and run this cell again"


class CellStop(RuntimeError):
    """A reason to stop a notebook at its first cell, shown by IPython as the message
    alone: the learner needs what to do, not the package's frames."""

    def _render_traceback_(self) -> list[str]:
        """IPython and Jupyter show these lines instead of a traceback."""
        return [f"{type(self).__name__}: {self}"]


class SetupError(CellStop):
    """lstm_teach could not be brought to the version the notebook needs here."""


def needed(version: object, argument: str = "needs") -> Version:
    """A version string such as '0.3.0' as a Version; anything else is refused.

    Parameters
    ----------
    version : object
        What the caller gave as a version.
    argument : str
        The argument's name, for the message.

    Returns
    -------
    packaging.version.Version
        The version.

    Raises
    ------
    TypeError
        `version` is not a string.
    ValueError
        It is a string but not a version.
    """
    if not isinstance(version, str):
        raise TypeError(f"{argument} must be a version string such as '0.3.0', got {version!r}")
    try:
        return Version(version)
    except InvalidVersion:
        raise ValueError(
            f"{argument} must be a version string such as '0.3.0', got {version!r}"
        ) from None


def loaded_version() -> Version | None:
    """The version of the lstm_teach loaded in this Python (its `__version__`).

    Returns
    -------
    packaging.version.Version or None
        None if no lstm_teach is loaded; BEFORE_VERSIONS for one from before the package
        stated its version.
    """
    module = sys.modules.get(PACKAGE)
    if module is None:
        return None
    try:
        return Version(str(module.__version__))
    except (AttributeError, InvalidVersion):
        return BEFORE_VERSIONS


def installed_version() -> Version | None:
    """The version of the lstm_teach a fresh kernel would import, read from its release.py
    without importing it (what is loaded already does not count).

    Returns
    -------
    packaging.version.Version or None
        None if Python finds no lstm_teach package; BEFORE_VERSIONS for one without a
        release.py (from before version numbers) or with an unreadable version.
    """
    importlib.invalidate_caches()
    for finder in sys.meta_path:  # as `import` looks, but past what is loaded already
        find_spec = getattr(finder, "find_spec", None)
        spec = find_spec(PACKAGE, None) if find_spec is not None else None
        if spec is not None:
            break
    else:
        return None
    if not spec.origin or not Path(spec.origin).is_file():
        return None  # a bare folder called lstm_teach, not the package
    release = Path(spec.origin).with_name("release.py")
    found = VERSION_LINE.search(release.read_text(encoding="utf-8")) if release.is_file() else None
    try:
        return Version(found.group(1)) if found else BEFORE_VERSIONS
    except InvalidVersion:
        return BEFORE_VERSIONS


def use_user_site() -> None:
    """Put the user's own site-packages first on sys.path, as Python does at start-up
    when that folder exists: where pip could not write to Python's folder it installs
    there, and a folder made after start-up is not on sys.path yet."""
    if not site.ENABLE_USER_SITE:  # a virtual environment: pip never installs there
        return
    user = site.getusersitepackages()
    if user not in sys.path:
        sys.path.insert(0, user)
    importlib.invalidate_caches()


def pip_install(source: str, needs: Version) -> None:
    """Upgrade lstm_teach from `source` without its dependencies, then make the user site
    importable (where pip falls back to it).

    Parameters
    ----------
    source : str
        What pip installs from.
    needs : packaging.version.Version
        The version the notebook needs, for the message.

    Raises
    ------
    SetupError
        pip failed: one line, with pip's own last line and what to do.
    """
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--upgrade", "--no-deps",
               source]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line.strip() for line in f"{done.stdout}\n{done.stderr}".splitlines()]
        said = next((line for line in reversed(lines) if line), f"exit code {done.returncode}")
        raise SetupError(
            f"pip could not install lstm_teach {needs} ({said}): check that you are online "
            "(on Kaggle, switch Internet on in the notebook's settings) and run this cell again."
        )
    use_user_site()


def prepare(needs: str, source: str) -> None:
    """Make sure this kernel runs lstm_teach `needs` or newer, then check the versions.

    Parameters
    ----------
    needs : str
        The lstm_teach version the notebook needs, e.g. '0.3.0'.
    source : str
        What pip installs lstm_teach from: the course's repository as a zip archive.

    Raises
    ------
    SetupError
        pip failed; lstm_teach from `source` is older than `needs`; or an older
        lstm_teach was loaded in this kernel before it was upgraded (restart once).
    lstm_teach.versions.VersionError
        TensorFlow, Keras, NumPy or Python are older than the course supports.
    """
    wanted = needed(needs)
    if not isinstance(source, str) or not source.strip():
        raise TypeError(f"source must be the address pip installs lstm_teach from, got {source!r}")
    loaded = loaded_version()
    if loaded is None or loaded < wanted:
        installed = installed_version()
        if installed is None or installed < wanted:
            pip_install(source, wanted)
            installed = installed_version()
        if installed is None or installed < wanted:
            raise SetupError(
                f"lstm_teach from {source} is {installed or 'not importable'}, older than this "
                f"notebook needs ({needs}): open the notebook from the same repository and "
                f"branch as that address, then {RESTART}."
            )
        raise SetupError(
            f"lstm_teach {installed} is installed now, but this kernel had loaded "
            f"{'an older one' if loaded in (None, BEFORE_VERSIONS) else loaded} already: "
            f"{RESTART}."
        )
    from lstm_teach.versions import check_setup

    check_setup()
