"""The commands behind tasks.py: open JupyterLab, run the tests, re-save notebooks,
build handouts or serve the projector app, each in an environment that has what it needs.

tasks.py checks the Python version in syntax any Python can read, then hands over to
`main` here. Every failure a learner can cause or meet (an unsupported platform, a broken
.venv, a bad path, a mistyped option) ends in one line that says what to do and a
non-zero exit, never a traceback. Setting up the environment is tools/environment.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tools.atomic import replace_atomically
from tools.environment import Course, ensure_environment
from tools.errors import CommandError, CommandFailed
from tools.handout_files import EDITIONS, HandoutError, check_output_folder, find_chromium
from tools.platforms import Platform, unsupported_reason
from tools.processes import run

ROOT = Path(__file__).resolve().parent.parent
QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
LINTED = [
    "lstm_teach", "tests", "notebooks", "benchmarks", "tools", "apps", "tasks.py", "conftest.py",
]
EXPLORER_APP = ROOT / "apps" / "explorer.ipynb"
INTERRUPTED = 130  # the exit code of a program stopped by Ctrl+C (128 + SIGINT)
#: The projector's pages: `python tasks.py explorer --page summary` serves the second.
PAGES = {"parameters": EXPLORER_APP, "summary": ROOT / "apps" / "explain.ipynb"}

#: The extras of pyproject.toml each command installs with the base requirements: every
#: command runs notebooks, so each brings TensorFlow and the course's own Jupyter.
EXTRAS: dict[str, tuple[str, ...]] = {
    "lab": ("tensorflow", "lab"),
    "explorer": ("tensorflow", "lab", "explorer"),
    "handouts": ("tensorflow", "lab", "handouts"),
    "execute": ("tensorflow", "lab", "test"),
    "test": ("tensorflow", "lab", "test"),
    "explain": ("tensorflow",),
}


# --- running the course's programs ---------------------------------------------------------


def quiet_env(**extra: str) -> dict[str, str]:
    """This environment with TensorFlow's C++ log lines and oneDNN notice off."""
    return {**os.environ, **QUIET_TENSORFLOW, **extra}


def trust(python: Path, course: Course, notebooks: list[Path]) -> None:
    """Mark the course's own notebooks trusted (Jupyter's notebook signature), so they
    open without a "not trusted" warning and show their saved output as saved."""
    try:
        done = subprocess.run(
            [str(python), "-m", "nbformat.sign", *[str(path) for path in notebooks]],
            cwd=course.root, capture_output=True, text=True,
        )
    except OSError as error:
        raise CommandError(
            f"cannot run {python} ({error.strerror}): delete the .venv folder and run again"
        ) from None
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no message"])[-1]
        print(f"tasks.py: note: could not mark the notebooks trusted ({said})", file=sys.stderr)


def worker_count() -> int:
    """pytest-xdist workers for the test command: one per core, at most 4, since each
    worker may hold a notebook kernel of about 600 MB."""
    return min(os.cpu_count() or 1, 4)


def _runs_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(
    python: str | Path, course: Course, *, port: int | None, open_browser: bool
) -> list[str]:
    """JupyterLab on 127.0.0.1 with its token login, opening the first notebook (started
    through tools.interruptible, so a Ctrl+C during its imports ends it in one line)."""
    command = [
        str(python), "-m", "tools.interruptible", "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={course.root}",
        # Kernels talk over an encrypted channel; ipykernel warns about plain TCP otherwise.
        "--KernelManager.transport_encryption=auto",
        # notebook_shim serves classic-notebook extensions (there are none here); it reads
        # every server setting and so sets off traitlets' "ServerApp.token config is
        # deprecated" warning whenever Voila (the explorer) is installed.
        "--ServerApp.jpserver_extensions=notebook_shim=False",
        # No language server is installed: skip the search and its list of missing ones.
        "--LanguageServerManager.autodetect=False",
    ]
    if port is not None:
        command.append(f"--ServerApp.port={port}")
    if not open_browser:
        command.append("--no-browser")
    if _runs_as_root():
        command.append("--allow-root")
    first = course.course_notebooks()
    if first:
        command.append(first[0].relative_to(course.root).as_posix())
    return command


def explorer_command(
    python: str | Path, port: int, *, open_browser: bool, app: Path = EXPLORER_APP
) -> list[str]:
    """Voila serving apps/explorer.ipynb (or another page of PAGES) on 127.0.0.1 with a
    generated access token."""
    command = [
        str(python), "-m", "voila", app.relative_to(ROOT).as_posix(),
        "--Voila.ip=127.0.0.1", f"--port={port}", "--token",
        "--theme=light", "--show_tracebacks=True",
        "--KernelManager.transport_encryption=auto",
    ]
    if not open_browser:
        command.append("--no-browser")
    return command


# --- paths given on the command line -------------------------------------------------------


def notebook_argument(name: str, course: Course, cwd: Path) -> Path:
    """A course notebook named on the command line, relative to where the command was
    typed, to the course folder, or to notebooks/; anything else is a one-line error."""
    given = Path(name).expanduser()
    candidates = [given] if given.is_absolute() else [
        cwd / given, course.root / given, course.notebooks / given,
    ]
    path = next((candidate for candidate in candidates if candidate.exists()), None)
    accepted = f"name course notebooks ({course.notebooks.name}/NN_name.ipynb), or none for all"
    if path is None:
        raise CommandError(f"execute: {name} does not exist: {accepted}")
    path = path.resolve()
    if path.is_dir():
        raise CommandError(f"execute: {name} is a folder: {accepted}")
    if path.suffix != ".ipynb":
        raise CommandError(f"execute: {name} is not a notebook (.ipynb): {accepted}")
    if path not in [notebook.resolve() for notebook in course.course_notebooks()]:
        raise CommandError(f"execute: {name} is not one of the course notebooks: {accepted}")
    relative = path.relative_to(course.root).as_posix()
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise CommandError(
            f"execute: {name} is not a readable notebook ({error}): put it back with "
            f"`git checkout {relative}`"
        ) from None
    problem = notebook_problem(saved)
    if problem is not None:
        raise CommandError(
            f"execute: {name} is JSON but not a notebook ({problem}): put it back with "
            f"`git checkout {relative}`"
        )
    return path


CELL_TYPES = {"code", "markdown", "raw"}


def notebook_problem(data: object) -> str | None:
    """What keeps `data` from being an nbformat 4 notebook, or None. Plain checks of the
    format's structure, run before anything is installed (nbformat is not there yet): a
    file nbconvert would read as something else is refused instead of rewritten."""
    if not isinstance(data, dict):
        return "not a JSON object"
    if data.get("nbformat") != 4 or not isinstance(data.get("nbformat_minor"), int):
        return "no nbformat 4 version keys"
    if not isinstance(data.get("metadata"), dict):
        return "no metadata"
    cells = data.get("cells")
    if not isinstance(cells, list):
        return "no list of cells"
    for number, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") not in CELL_TYPES:
            return f"cell {number} has no known cell_type"
        source = cell.get("source")
        if not (isinstance(source, str)
                or (isinstance(source, list) and all(isinstance(line, str) for line in source))):
            return f"cell {number} has no source text"
        if cell["cell_type"] == "code" and not isinstance(cell.get("outputs"), list):
            return f"cell {number} is code without a list of outputs"
    return None


def cell_sources(data: dict) -> list[tuple[str, str]]:
    """Each cell's type and source text, whichever way the file splits the source."""
    return [
        (cell["cell_type"], "".join(cell["source"]) if isinstance(cell["source"], list)
         else cell["source"])
        for cell in data["cells"]
    ]


def output_folder(name: str, cwd: Path) -> Path:
    """The handouts' output folder, relative to where the command was typed; a file, a
    path inside a file or a folder that cannot be written to is a one-line error."""
    path = (cwd / Path(name).expanduser()).resolve()
    if path.exists() and not path.is_dir():
        raise CommandError(f"handouts: --out {name} is a file; name a folder (it is created)")
    try:
        return check_output_folder(path)
    except HandoutError as error:
        raise CommandError(f"handouts: {error}") from None


# --- the commands --------------------------------------------------------------------------


def do_lab(course: Course, args: argparse.Namespace) -> None:
    python = ensure_environment(course, EXTRAS["lab"], here=args.here)
    trust(python, course, course.course_notebooks())
    command = lab_command(python, course, port=args.port, open_browser=not args.no_browser)
    run(command, cwd=course.root, env=quiet_env())


def do_explorer(course: Course, args: argparse.Namespace) -> None:
    python = ensure_environment(course, EXTRAS["explorer"], here=args.here)
    page = PAGES[getattr(args, "page", "parameters")]
    app = course.root / page.relative_to(ROOT)
    trust(python, course, [app])
    command = explorer_command(python, args.port, open_browser=not args.no_browser, app=page)
    run(command, cwd=course.root, env=quiet_env())


def do_test(course: Course, args: argparse.Namespace) -> None:
    python = ensure_environment(course, EXTRAS["test"], here=args.here)
    env = quiet_env(PYTHONHASHSEED="0")
    linted = [path for path in LINTED if (course.root / path).exists()]
    run([python, "-m", "ruff", "check", *linted], cwd=course.root, env=env)
    workers = str(worker_count())
    quick = ["--quick"] if args.quick else []  # conftest.py: the tests not marked slow
    run(
        [python, "-m", "pytest", "-n", workers, "--dist", "loadgroup", *quick,
         *args.pytest_args],
        cwd=course.root, env=env,
    )


def do_execute(course: Course, args: argparse.Namespace) -> None:
    """Save notebooks (all, or those named) with the outputs of one run in a fresh kernel.

    nbconvert writes the run into a temporary folder; the result replaces the notebook
    (atomically) only if it is a notebook with exactly the cells it had, so no reading of
    the file as another format can empty its cells. Widget state is not stored: without a
    kernel every viewer then falls back to the static picture each explorer carries,
    instead of a widget that cannot load.
    """
    cwd = Path.cwd()
    names = args.notebooks or [str(path) for path in course.course_notebooks()]
    notebooks = [notebook_argument(name, course, cwd) for name in names]
    python = ensure_environment(course, EXTRAS["execute"], here=args.here)
    env = quiet_env(PYTHONHASHSEED="0")
    for notebook in notebooks:
        relative = notebook.relative_to(course.root).as_posix()
        with tempfile.TemporaryDirectory(prefix="lstm-teach-execute-") as scratch:
            run(
                [
                    python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                    "--ExecutePreprocessor.kernel_name=python3",
                    "--ExecutePreprocessor.store_widget_state=False",
                    "--ExecutePreprocessor.record_timing=False",
                    "--KernelManager.transport_encryption=auto",
                    f"--output-dir={scratch}", f"--output={notebook.stem}",
                    relative,
                ],
                cwd=course.root, env=env,
                failure=f"execute: {relative} stopped at an error (nbconvert's message is "
                "above); the notebook was not saved",
            )
            save_executed(notebook, Path(scratch) / notebook.name, relative)


def save_executed(notebook: Path, executed: Path, relative: str) -> None:
    """Replace `notebook` by nbconvert's run of it, once that is shown to be the same
    notebook: valid, with the same cells and sources, only outputs changed."""
    before = json.loads(notebook.read_text(encoding="utf-8"))
    try:
        after = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise CommandError(
            f"execute: nbconvert left no readable notebook for {relative} ({error}); "
            "the notebook was not saved"
        ) from None
    problem = notebook_problem(after)
    if problem is None and cell_sources(after) != cell_sources(before):
        problem = "its cells or their sources differ from the notebook's"
    if problem is not None:
        raise CommandError(
            f"execute: nbconvert's run of {relative} is not the same notebook ({problem}); "
            "the notebook was not saved"
        )
    after["metadata"].pop("widgets", None)
    text = json.dumps(after, indent=1, sort_keys=True, ensure_ascii=False)
    replace_atomically(notebook, text + "\n")


def do_handouts(course: Course, args: argparse.Namespace) -> None:
    out = output_folder(args.out, Path.cwd())
    try:  # a Chromium that is not there fails now, not after installing
        find_chromium()
    except HandoutError as error:
        raise CommandError(f"handouts: {error}") from None
    python = ensure_environment(course, EXTRAS["handouts"], here=args.here)
    editions = [word for edition in args.edition or [] for word in ("--edition", edition)]
    run([python, "-m", "tools.handouts", "--out", out, *editions], cwd=course.root,
        env=quiet_env())


def do_explain(course: Course, args: argparse.Namespace) -> None:
    path = (Path.cwd() / Path(args.file).expanduser()).resolve()
    if not path.is_file():
        raise CommandError(f"explain: {args.file} is not a file: give a saved .keras model or "
                           "a text file holding a printed model.summary()")
    python = ensure_environment(course, EXTRAS["explain"], here=args.here)
    run([python, "-m", "lstm_teach.explain", str(path)], cwd=course.root, env=quiet_env(),
        failure="")


COMMANDS = {
    "lab": do_lab,
    "test": do_test,
    "execute": do_execute,
    "handouts": do_handouts,
    "explorer": do_explorer,
    "explain": do_explain,
}


# --- the command line ----------------------------------------------------------------------


class Parser(argparse.ArgumentParser):
    """argparse without prefix matching: `--her` is a mistake, not `--here`."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: give a number from 1 to 65535")
    return port


HERE_HELP = (
    "use the Python running tasks.py (a conda environment, Binder, JupyterHub) instead of "
    "creating .venv"
)


def build_parser() -> tuple[Parser, dict[str, Parser]]:
    """The top-level parser and one parser per command, each with its own options."""
    parser = Parser(
        prog="tasks.py",
        description="Set up and run the lstm-teach course.",
        epilog="`python tasks.py COMMAND --help` shows a command's options.",
    )
    parser.add_argument("--here", action="store_true", help=HERE_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    subparsers: dict[str, Parser] = {}

    def add(name: str, summary: str, description: str) -> Parser:
        sub = commands.add_parser(
            name, help=summary, description=description, allow_abbrev=False
        )
        sub.add_argument("--here", action="store_true", default=argparse.SUPPRESS, help=HERE_HELP)
        subparsers[name] = sub
        return sub

    def add_server_options(sub: Parser, port: int | None, default: str) -> None:
        sub.add_argument("--port", type=port_number, default=port,
                         help=f"port to listen on (default {default})")
        sub.add_argument("--no-browser", action="store_true", help="print the address only")

    lab = add(
        "lab", "set up .venv (first time only) and open JupyterLab",
        "Set up .venv if needed and open JupyterLab on the first notebook, on 127.0.0.1 "
        "with token login. Stop it with Ctrl+C.",
    )
    add_server_options(lab, None, "8888, or the next free one")

    test = add(
        "test", "set up .venv (first time only) and run every check",
        "Run ruff, the unit tests and every notebook under nbval. Arguments after -- go "
        "to pytest, e.g. `python tasks.py test -- -x -k gate`.",
    )
    test.add_argument(
        "--quick", action="store_true",
        help="the quick tier, while you work: ruff, unit and property tests; no notebook "
        "runs, no browser, no servers",
    )

    execute = add(
        "execute", "re-run notebooks in a fresh kernel and save them",
        "Re-run every course notebook (or those named) top to bottom in a fresh kernel "
        "and save it with its outputs.",
    )
    execute.add_argument(
        "notebooks", nargs="*", metavar="NOTEBOOK",
        help="a notebook of notebooks/, e.g. notebooks/01_twelve_parameters.ipynb",
    )

    handouts = add(
        "handouts", "build offline HTML and PDF handouts",
        "Write the student edition of every notebook, the solutions sheets, the reference "
        "card and the full edition, each as HTML and PDF (Chromium prints the PDF), and "
        "print each file's page count.",
    )
    handouts.add_argument(
        "--out", default="handouts", metavar="FOLDER",
        help="folder to write into, created if missing (default: handouts)",
    )
    handouts.add_argument(
        "--edition", action="append", choices=EDITIONS, metavar="EDITION",
        help=f"build only this edition ({', '.join(EDITIONS)}); repeat for several "
        "(default: all)",
    )

    explorer = add(
        "explorer", "serve the parameter explorer alone, for a projector",
        "Serve the parameter explorer as a web page (Voila) on 127.0.0.1 with a token. "
        "Stop it with Ctrl+C.",
    )
    add_server_options(explorer, 8866, "8866")
    explorer.add_argument("--page", choices=sorted(PAGES), default="parameters",
                          help="parameters: the parameter explorer (default); summary: paste a "
                          "model.summary() and see every row explained")

    explain = add(
        "explain", "explain a model's parameter counts layer by layer",
        "Explain every layer's parameter count of a saved .keras model, or check a text file "
        "holding a printed model.summary() (Keras 1, 2 or 3) or PyTorch's print(model).",
    )
    explain.add_argument("file", metavar="FILE", help="a .keras file or a text file")
    return parser, subparsers


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line; a mistake prints the command's usage and exits with 2."""
    parser, subparsers = build_parser()
    argv = list(argv)
    pytest_args: list[str] = []
    if "--" in argv:
        before = argv[: argv.index("--")]
        named = [word for word in before if not word.startswith("-")]
        if named[:1] == ["test"]:
            pytest_args = argv[argv.index("--") + 1:]
            argv = before
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        hint = ""
        if args.command == "test":
            hint = " (pytest's options go after --, e.g. `python tasks.py test -- -x -k gate`)"
        subparsers[args.command].error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
    args.pytest_args = pytest_args
    return args


def main(argv: Sequence[str] | None = None, course: Course | None = None) -> None:
    """Run one command; exit non-zero with one line on stderr if it cannot be done."""
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    course = course or Course(ROOT)
    try:
        reason = unsupported_reason(Platform.current())
        if reason is not None:
            raise CommandError(reason)
        COMMANDS[args.command](course, args)
    except CommandError as error:
        print(f"tasks.py: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    except CommandFailed as failed:
        if failed.message:
            print(f"tasks.py: {failed.message}", file=sys.stderr)
        elif failed.code == INTERRUPTED:
            print("tasks.py: stopped by Ctrl+C", file=sys.stderr)
        raise SystemExit(failed.code) from None
    except KeyboardInterrupt:
        print("tasks.py: stopped by Ctrl+C", file=sys.stderr)
        raise SystemExit(130) from None
