"""One entry point for learners, instructors and CI, on Linux, macOS and Windows.

    python tasks.py lab       set up .venv (first time only) and open JupyterLab
    python tasks.py test      set up .venv (first time only) and run every check
    python tasks.py execute   re-run every notebook (or those named) in a fresh kernel and save it
    python tasks.py handouts  build offline HTML and PDF handouts into handouts/
    python tasks.py explorer  serve the parameter explorer alone, for a projector

Add --here to use the Python you are running (a conda environment, Binder,
JupyterHub) instead of creating .venv.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
NOTEBOOKS = ROOT / "notebooks"
LINTED = [
    "lstm_teach", "tests", "notebooks", "benchmarks", "tools", "apps", "tasks.py", "conftest.py",
]
EXPLORER_APP = ROOT / "apps" / "explorer.ipynb"
QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def venv_python() -> Path:
    """Path of the interpreter inside .venv on this operating system."""
    scripts = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / scripts / f"python{suffix}"


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a command from the repository root; stop with its exit code if it fails."""
    printable = " ".join(str(part) for part in command)
    print(f"$ {printable}", flush=True)
    completed = subprocess.run([str(part) for part in command], cwd=ROOT, env=env)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def ensure_environment(extra: str | None, here: bool) -> Path:
    """Return a Python that has lstm_teach and its pinned dependencies installed.

    The install is repeated only when pyproject.toml or the requested extra changes,
    so the second run of a command starts in seconds.
    """
    if here:
        python = Path(sys.executable)
        stamp = None
    else:
        if not venv_python().exists():
            print(f"Creating a virtual environment in {VENV.name}/ ...", flush=True)
            venv.EnvBuilder(with_pip=True).create(VENV)
        python = venv_python()
        stamp = VENV / "lstm-teach-installed.txt"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    wanted += f" extra={extra}"
    if stamp is not None and stamp.exists() and stamp.read_text() == wanted:
        return python
    target = f".[{extra}]" if extra else "."
    run(python, "-m", "pip", "install", "--disable-pip-version-check", "-e", target)
    if stamp is not None:
        stamp.write_text(wanted)
    return python


def first_notebook() -> Path:
    """The notebook a newcomer should open first (the lowest number)."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))[0]


def lab(here: bool) -> None:
    python = ensure_environment(None, here)
    command: list[str | Path] = [
        python, "-m", "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={ROOT}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    command.append(first_notebook().relative_to(ROOT).as_posix())
    run(*command)


def worker_count() -> int:
    """pytest-xdist workers for the test command: one per core, at most 4, since each
    worker may hold a notebook kernel of about 600 MB."""
    return min(os.cpu_count() or 1, 4)


def test(here: bool, pytest_args: list[str]) -> None:
    python = ensure_environment("test", here)
    env = {**os.environ, **QUIET_TENSORFLOW, "PYTHONHASHSEED": "0"}
    linted = [path for path in LINTED if (ROOT / path).exists()]
    run(python, "-m", "ruff", "check", *linted, env=env)
    workers = str(worker_count())
    run(python, "-m", "pytest", "-n", workers, "--dist", "loadgroup", *pytest_args, env=env)


def execute(here: bool, names: list[str]) -> None:
    """Save notebooks (all, or those named) with the outputs of one run in a fresh kernel.

    Widget state is not stored: without a kernel every viewer then falls back to the
    static picture each explorer carries, instead of a widget that cannot load.
    """
    python = ensure_environment("test", here)
    env = {**os.environ, **QUIET_TENSORFLOW, "PYTHONHASHSEED": "0"}
    notebooks = [Path(name).resolve() for name in names] or sorted(
        NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
    )
    for notebook in notebooks:
        saved = json.loads(notebook.read_text(encoding="utf-8"))
        if saved["metadata"].pop("widgets", None) is not None:
            notebook.write_text(json.dumps(saved, indent=1, ensure_ascii=False), encoding="utf-8")
        run(
            python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
            "--inplace", "--ExecutePreprocessor.kernel_name=python3",
            "--ExecutePreprocessor.store_widget_state=False",
            "--ExecutePreprocessor.record_timing=False",
            notebook.relative_to(ROOT).as_posix(),
            env=env,
        )


def handouts(here: bool) -> None:
    python = ensure_environment("test", here)
    run(python, "-m", "tools.handouts", env={**os.environ, **QUIET_TENSORFLOW})


def explorer_command(python: str | Path, port: int, *, open_browser: bool) -> list[str]:
    """Voila serving apps/explorer.ipynb on 127.0.0.1 with a generated access token."""
    command = [
        str(python), "-m", "voila", EXPLORER_APP.relative_to(ROOT).as_posix(),
        "--Voila.ip=127.0.0.1", f"--port={port}", "--token",
        "--theme=light", "--show_tracebacks=True",
    ]
    if not open_browser:
        command.append("--no-browser")
    return command


def explorer(here: bool) -> None:
    python = ensure_environment("test", here)
    run(*explorer_command(python, 8866, open_browser=True), env={**os.environ, **QUIET_TENSORFLOW})


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py may be run by an older Python
        sys.exit(f"lstm-teach needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=["lab", "test", "execute", "handouts", "explorer"])
    parser.add_argument(
        "--here", action="store_true",
        help="install into and use the running Python instead of .venv",
    )
    args, rest = parser.parse_known_args()
    if args.task == "lab":
        lab(args.here)
    elif args.task == "test":
        test(args.here, rest)
    elif args.task == "execute":
        execute(args.here, rest)
    elif args.task == "handouts":
        handouts(args.here)
    else:
        explorer(args.here)


if __name__ == "__main__":
    main()
