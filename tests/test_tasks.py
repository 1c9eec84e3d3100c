"""tasks.py at its edges: argument parsing, the install stamp, broken environments, bad
paths, unsupported platforms and old Pythons. Every failure must be one line on stderr
and a non-zero exit, never a traceback; nothing here may run pip."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from importlib import metadata
from pathlib import Path

import pytest
from course_fixtures import StampIn
from packaging.markers import default_environment
from packaging.requirements import Requirement

import tools.cli as cli
import tools.environment as environment
import tools.stamp as stamp_module
from tools import notebooks as registry
from tools.cli import EXTRAS, main, notebook_argument, output_folder, parse_arguments
from tools.environment import Course, ensure_environment
from tools.errors import CommandFailed
from tools.platforms import PYTHONS, TENSORFLOW_BY_PLATFORM, Platform, unsupported_reason
from tools.processes import run
from tools.pyproject import (
    covers,
    install_digest,
    metadata_requirements,
    needed,
    read_pins,
    read_pyproject,
    release_line,
)
from tools.stamp import STAMP_NAME, Stamp, fingerprint, read_stamp, stamp_is_current

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = read_pyproject(ROOT)
NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
FIRST, SECOND = (notebook.path for notebook in registry.CORE[:2])  # listed in tools/notebooks.py


# --- helpers -----------------------------------------------------------------------------


@pytest.fixture
def course(tmp_path: Path) -> Course:
    """A small course folder: pyproject.toml, two notebooks, the explorer app, a README."""
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    (root / "apps").mkdir()
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / "lstm_teach").mkdir()
    for name in ("pins.txt", "release.py"):
        shutil.copy(ROOT / "lstm_teach" / name, root / "lstm_teach" / name)
    for name in (FIRST, SECOND):
        (root / "notebooks" / name).write_text(json.dumps(NOTEBOOK))
    (root / "apps" / "explorer.ipynb").write_text(json.dumps(NOTEBOOK))
    (root / "README.md").write_text("# course\n")
    return Course(root)


@pytest.fixture
def no_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to run a program (pip included) fail the test."""

    def refuse(command, **kwargs):
        raise AssertionError(f"tasks.py ran {command}")

    monkeypatch.setattr(environment, "run", refuse)
    monkeypatch.setattr(cli, "run", refuse)


def failure(argv: list[str], course: Course, capsys: pytest.CaptureFixture) -> tuple[int, str]:
    """Run main() in-process; return its exit code and its one line on stderr."""
    with pytest.raises(SystemExit) as exited:
        main(argv, course)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got:\n{err}"
    assert "Traceback" not in err
    assert exited.value.code not in (0, None)
    return exited.value.code, lines[0]


def usage_error(argv: list[str], capsys: pytest.CaptureFixture) -> str:
    """An argparse mistake: exit 2, a usage line and an error line."""
    with pytest.raises(SystemExit) as exited:
        parse_arguments(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.startswith("usage: tasks.py")
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


def make_stale_venv(course: Course) -> Path:
    """A .venv whose base Python was removed (say, by a Homebrew or pyenv upgrade)."""
    gone = course.root.parent / "gone-python" / "bin"
    python = environment.venv_python(course.venv)
    python.parent.mkdir(parents=True)
    python.write_text("the venv's link or launcher to a Python that is gone")
    (course.venv / "pyvenv.cfg").write_text(f"home = {gone}\nversion = 3.11.4\n")
    return gone


# --- the command line --------------------------------------------------------------------


def test_each_command_has_its_own_defaults():
    lab = parse_arguments(["lab"])
    assert (lab.command, lab.here, lab.port, lab.no_browser) == ("lab", False, None, False)
    assert parse_arguments(["explorer"]).port == 8866
    assert parse_arguments(["handouts"]).out == "handouts"
    assert parse_arguments(["execute"]).notebooks == []
    assert parse_arguments(["test"]).pytest_args == []


@pytest.mark.parametrize("argv", [["lab", "--here"], ["--here", "lab"]])
def test_here_goes_before_or_after_the_command(argv):
    assert parse_arguments(argv).here is True


def test_pytest_arguments_follow_a_double_dash():
    args = parse_arguments(["test", "--here", "--", "-x", "-k", "gate", "--here"])
    assert args.here is True
    assert args.pytest_args == ["-x", "-k", "gate", "--here"]


def test_options_and_notebooks_reach_their_command():
    args = parse_arguments(["execute", "notebooks/01.ipynb", "02.ipynb"])
    assert args.notebooks == ["notebooks/01.ipynb", "02.ipynb"]
    assert parse_arguments(["execute", "--", "-odd-name.ipynb"]).notebooks == ["-odd-name.ipynb"]
    assert parse_arguments(["handouts", "--out", "print"]).out == "print"
    explorer = parse_arguments(["explorer", "--port", "9000", "--no-browser"])
    assert (explorer.port, explorer.no_browser) == (9000, True)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["lab", "--hree"], "unrecognized arguments: --hree"),
        (["lab", "--her"], "unrecognized arguments: --her"),  # no prefix matching
        (["handouts", "--output", "x"], "unrecognized arguments: --output x"),
        (["explorer", "--out", "x"], "unrecognized arguments: --out x"),
        (["lab", "--", "extra"], "unrecognized arguments: -- extra"),
        (["lab", "--port", "0"], "is not a port"),
        (["lab", "--port", "70000"], "is not a port"),
        (["explorer", "--port", "eighty"], "is not a port"),
        (["handouts", "--out"], "expected one argument"),
        (["lba"], "invalid choice: 'lba'"),
        ([], "required: COMMAND"),
    ],
)
def test_a_mistyped_command_line_is_an_error_with_usage(argv, said, capsys):
    assert said in usage_error(argv, capsys)


def test_pytest_options_without_a_double_dash_get_a_hint(capsys):
    said = usage_error(["test", "-x", "-k", "gate"], capsys)
    assert "unrecognized arguments: -x -k gate" in said
    assert "python tasks.py test -- -x -k gate" in said


def test_help_lists_every_command_and_each_commands_options(capsys):
    with pytest.raises(SystemExit) as exited:
        parse_arguments(["--help"])
    assert exited.value.code == 0
    listed = capsys.readouterr().out
    assert all(command in listed for command in EXTRAS)
    with pytest.raises(SystemExit):
        parse_arguments(["handouts", "--help"])
    assert "--out FOLDER" in capsys.readouterr().out


@pytest.mark.parametrize("document", ["README.md", "docs/instructor-notes.md"])
def test_every_command_in_the_docs_parses(document, capsys):
    text = (ROOT / document).read_text(encoding="utf-8")
    commands = re.findall(r"python3? tasks\.py( [^`\n]*)?", text)
    assert commands, f"no tasks.py command in {document}"
    for words in commands:
        argv = words.split()
        if "--help" in argv:
            with pytest.raises(SystemExit) as exited:
                parse_arguments(argv)
            assert exited.value.code == 0
        else:
            parse_arguments(argv)


def test_the_readme_shows_how_to_pass_pytest_arguments():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python tasks.py test -- -x -k gate" in readme
    assert "python tasks.py test -x" not in readme


# --- pyproject.toml's extras and what each command runs ------------------------------------


def closure(extras: tuple[str, ...]) -> set[str]:
    """Every distribution `pip install -e .[extras]` installs, from installed metadata."""
    markers = default_environment()
    wanted = [(Requirement(line), "") for line in needed(PYPROJECT, extras)]
    found: set[str] = set()
    while wanted:
        requirement, _ = wanted.pop()
        if requirement.marker and not requirement.marker.evaluate({**markers, "extra": ""}):
            continue
        name = metadata.distribution(requirement.name).metadata["Name"].lower().replace("_", "-")
        if name in found:
            continue
        found.add(name)
        for line in metadata.requires(requirement.name) or []:
            inner = Requirement(line)
            applies = inner.marker is None or any(
                inner.marker.evaluate({**markers, "extra": extra})
                for extra in ("", *requirement.extras)
            )
            if applies:
                wanted.append((Requirement(str(inner).split(";")[0]), ""))
    return found


def providers(module: str) -> set[str]:
    top = module.split(".")[0]
    return {name.lower().replace("_", "-") for name in metadata.packages_distributions()[top]}


def third_party_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    names |= {node.module for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    # The course's own packages: every command installs lstm_teach (pip install -e .).
    return ({name.split(".")[0] for name in names} - set(sys.stdlib_module_names)
            - {"tools", "lstm_teach"})


#: What each command runs with `python -m` (and, for handouts, what its modules import).
RUNS = {
    "lab": {"jupyterlab", "nbformat"},
    "explorer": {"voila", "nbformat"},
    "handouts": set().union(*(third_party_imports(ROOT / "tools" / name) for name in (
        "handouts.py", "reference_card.py", "handout_files.py"))),
    "execute": {"jupyter_core", "nbconvert"},
    "test": {"ruff", "pytest", "xdist", "nbval"},
    "explain": {"keras", "numpy"},  # python -m lstm_teach.explain; keras loads .keras files
}


@pytest.mark.parametrize("command", list(EXTRAS))
def test_each_command_installs_what_it_runs(command):
    installed = closure(EXTRAS[command])
    for module in RUNS[command]:
        assert providers(module) & installed, f"{command} runs {module} but does not install it"


@pytest.mark.parametrize("command", ["lab", "explorer", "handouts"])
def test_lab_explorer_and_handouts_install_no_test_tools(command):
    installed = closure(EXTRAS[command])
    assert installed & {"pytest", "playwright", "ruff", "hypothesis", "nbval"} == set()
    assert ("voila" in installed) is (command == "explorer")


def test_the_commands_builders_run_the_modules_listed():
    lab = cli.lab_command("py", Course(ROOT), port=None, open_browser=False)
    assert lab[1:4] == ["-m", "tools.interruptible", "jupyterlab"]
    assert cli.explorer_command("py", 8866, open_browser=False)[1:3] == ["-m", "voila"]


# --- the stamp -----------------------------------------------------------------------------


DIGEST = install_digest(PYPROJECT, read_pins(ROOT), release_line(ROOT))


def stamp_for(site: list[Path], extras: set[str], python: str = "/env/bin/python") -> Stamp:
    return Stamp(DIGEST, python, fingerprint(site), frozenset(extras))


def test_a_stamp_reads_back_as_written(tmp_path: Path):
    stamp = stamp_for([tmp_path], {"test", "explorer"})
    path = tmp_path / "stamp.json"
    stamp_module.write_stamp(path, stamp)
    assert read_stamp(path) == stamp
    assert [entry.name for entry in tmp_path.iterdir()] == ["stamp.json"]  # no partial file


@pytest.mark.parametrize(
    "text",
    [
        "", "{", "null", "[]", "0123abc extra=test",  # the format before this one
        '{"format": 2, "pyproject": "x", "python": "p", "site-packages": [], "extras": []}',
        '{"format": 1, "pyproject": "x", "python": "p", "site-packages": [], "extras": "test"}',
        '{"format": 1, "pyproject": 5, "python": "p", "site-packages": [], "extras": []}',
        '{"format": 1, "pyproject": "x", "python": "p", "site-packages": [["a"]], "extras": []}',
        '{"format": 1, "python": "p", "site-packages": [], "extras": []}',
    ],
)
def test_a_garbled_stamp_counts_as_none(tmp_path: Path, text: str):
    path = tmp_path / "stamp.json"
    path.write_text(text)
    assert read_stamp(path) is None


def test_an_unreadable_stamp_counts_as_none(tmp_path: Path):
    (tmp_path / "binary").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "folder").mkdir()
    for name in ("binary", "folder", "missing"):
        assert read_stamp(tmp_path / name) is None


@pytest.mark.parametrize(
    ("installed", "wanted", "covered"),
    [
        ({"test"}, ("explorer",), True),
        ({"test"}, ("handouts",), True),
        ({"test"}, (), True),
        ({"explorer"}, (), True),
        ((), ("explorer",), False),
        ({"explorer"}, ("test",), False),
        ({"explorer", "handouts"}, ("test",), False),
        ({"explorer"}, ("handouts",), False),
    ],
)
def test_a_superset_of_extras_covers_a_subset(installed, wanted, covered):
    assert covers(PYPROJECT, installed, wanted) is covered


def test_a_stamp_is_current_only_for_the_same_project_python_and_packages(tmp_path: Path):
    site = tmp_path / "site-packages"
    site.mkdir()
    python = Path("/env/bin/python")
    stamp = stamp_for([site], {"test"}, str(python))
    assert stamp_is_current(stamp, PYPROJECT, DIGEST, python, [site], ("explorer",))
    assert not stamp_is_current(None, PYPROJECT, DIGEST, python, [site], ())
    assert not stamp_is_current(stamp, PYPROJECT, DIGEST, Path("/other/bin/python"), [site], ())
    changed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    changed["project"]["dependencies"].append("six")
    changed_digest = install_digest(changed, read_pins(ROOT), release_line(ROOT))
    assert not stamp_is_current(stamp, changed, changed_digest, python, [site], ())
    os.utime(site, ns=(0, site.stat().st_mtime_ns + 1_000_000_000))  # a package came or went
    assert not stamp_is_current(stamp, PYPROJECT, DIGEST, python, [site], ())


def test_only_install_settings_pins_and_the_version_change_the_digest():
    pins, release = read_pins(ROOT), release_line(ROOT)
    changed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    changed["tool"]["ruff"]["line-length"] = 120
    changed["tool"].setdefault("pytest", {})["ini_options"] = {"addopts": ["-q"]}
    assert install_digest(changed, pins, release) == DIGEST
    assert install_digest(changed, [*pins[:-1], "twine==6.2.0"], release) != DIGEST
    assert install_digest(changed, pins, 'VERSION = "99.0.0"') != DIGEST
    changed["project"]["optional-dependencies"]["explorer"].append("ipympl")
    assert install_digest(changed, pins, release) != DIGEST


def test_the_expected_metadata_is_what_pip_wrote_for_this_course():
    written = {str(Requirement(line)) for line in metadata.requires("lstm-teach")}
    assert written == {str(Requirement(line)) for line in metadata_requirements(PYPROJECT)}


# --- ensure_environment with the Python running these tests (everything installed) --------


def test_here_needs_no_pip_when_everything_is_installed(tmp_path: Path, no_pip):
    stamp_path = tmp_path / "here.json"
    assert ensure_environment(StampIn(stamp_path), ("test",), here=True) == Path(sys.executable)
    stamp = read_stamp(stamp_path)
    assert stamp is not None and {"test", "explorer", "handouts"} <= stamp.extras
    assert stamp.python == sys.executable


def test_a_current_stamp_skips_even_the_probe(tmp_path: Path, no_pip, monkeypatch):
    course = StampIn(tmp_path / "here.json")
    ensure_environment(course, ("test",), here=True)

    def no_probe(*args, **kwargs):
        raise AssertionError("probed although the stamp is current")

    monkeypatch.setattr(environment, "probe", no_probe)
    for command in ("lab", "explorer", "handouts", "execute"):  # any subset after test
        assert ensure_environment(course, EXTRAS[command], here=True) == Path(sys.executable)


@pytest.mark.parametrize("garbage", [b"", b"{", b"\xff\xfe not text", b"0123 extra=test"])
def test_a_garbled_stamp_is_rewritten_after_a_check(tmp_path: Path, no_pip, garbage, capsys):
    stamp_path = tmp_path / "here.json"
    stamp_path.write_bytes(garbage)
    ensure_environment(StampIn(stamp_path), ("test",), here=True)
    assert read_stamp(stamp_path) is not None
    assert capsys.readouterr().err == ""


def test_a_stamp_that_cannot_be_written_costs_one_note(tmp_path: Path, no_pip, capsys):
    stamp_path = tmp_path / "here.json"
    stamp_path.mkdir()  # a folder where the stamp should go
    assert ensure_environment(StampIn(stamp_path), (), here=True) == Path(sys.executable)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "could not record the installation" in lines[0]


def test_the_here_stamp_is_per_interpreter_and_stays_in_the_course(course: Course):
    first = course.here_stamp(Path("/envs/a/bin/python"))
    assert first != course.here_stamp(Path("/envs/b/bin/python"))
    assert first.parent == course.root / ".lstm-teach"


# --- broken environments -------------------------------------------------------------------


def test_a_venv_whose_python_was_removed(course: Course, capsys):
    gone = make_stale_venv(course)
    code, line = failure(["lab"], course, capsys)
    assert code == 1
    assert "is broken" in line and str(gone) in line
    assert "delete the .venv folder" in line


def test_a_venv_that_is_a_file(course: Course, capsys):
    course.venv.write_text("not a folder")
    _, line = failure(["test"], course, capsys)
    assert "is a file" in line and "delete the .venv folder" in line


def test_a_venv_without_python(course: Course, capsys):
    course.venv.mkdir()
    (course.venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    _, line = failure(["explorer"], course, capsys)
    assert "incomplete" in line and "delete the .venv folder" in line


def test_a_venv_made_with_an_unsupported_python(course: Course, capsys):
    python = environment.venv_python(course.venv)
    python.parent.mkdir(parents=True)
    python.write_text("a Python 3.10")
    home = Path(sys.executable).parent
    (course.venv / "pyvenv.cfg").write_text(f"home = {home}\nversion = 3.10.12\n")
    _, line = failure(["lab"], course, capsys)
    assert "made with Python 3.10" in line and "delete the .venv folder" in line


@pytest.mark.parametrize("stamp", [None, "{garbled", '{"format": 1}'])
def test_a_venv_without_pip(course: Course, capsys, stamp):
    venv.create(course.venv, with_pip=False, symlinks=os.name != "nt")
    if stamp is not None:
        (course.venv / STAMP_NAME).write_text(stamp)
    code, line = failure(["lab"], course, capsys)
    assert code == 1
    assert line == (
        f"tasks.py: .venv has no pip: delete the .venv folder ({course.venv}) and run the "
        "command again"
    )


def test_here_without_pip_names_both_ways_out(course: Course, monkeypatch, capsys):
    nothing = environment.Installed(False, frozenset(), False, False)
    monkeypatch.setattr(environment, "probe", lambda *args: nothing)
    _, line = failure(["lab", "--here"], course, capsys)
    assert "no pip" in line and "ensurepip" in line and "without --here" in line


@pytest.mark.parametrize(
    ("content", "said"),
    [("[project\nname = ", "is not valid TOML"), (None, "cannot read")],
)
def test_a_broken_or_missing_pyproject(course: Course, capsys, content, said):
    path = course.root / "pyproject.toml"
    if content is None:
        path.unlink()
    else:
        path.write_text(content)
    _, line = failure(["lab", "--here"], course, capsys)
    assert said in line and "pyproject.toml" in line


def test_a_pyproject_without_the_extra_a_command_needs(course: Course, capsys):
    path = course.root / "pyproject.toml"
    path.write_text(path.read_text().replace("explorer = [", "projector = ["))
    _, line = failure(["explorer", "--here"], course, capsys)
    assert "no extra explorer" in line and "git checkout pyproject.toml" in line


@pytest.mark.parametrize("command", ["test", "lab", "explorer", "handouts"])
def test_a_program_that_cannot_start_is_one_line(course: Course, capsys, monkeypatch, command):
    monkeypatch.setattr(cli, "ensure_environment", lambda *args, **kwargs: course.root / "nope")
    _, line = failure([command], course, capsys)
    assert line.startswith("tasks.py: cannot run") and "nope" in line


def test_a_program_that_fails_passes_its_exit_code_on(course: Course, capfd, monkeypatch):
    """ruff finds an unused import: its exit code and its own report, nothing added."""
    (course.root / "tools").mkdir()
    (course.root / "tools" / "careless.py").write_text("import os\n")
    monkeypatch.setattr(cli, "ensure_environment", lambda *args, **kwargs: Path(sys.executable))
    with pytest.raises(SystemExit) as exited:
        main(["test"], course)
    captured = capfd.readouterr()
    assert exited.value.code == 1
    assert "careless.py" in captured.out
    assert captured.err == ""


def test_a_program_killed_by_a_signal_exits_128_plus_the_signal(tmp_path: Path):
    with pytest.raises(CommandFailed) as failed:
        run(
            [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"],
            cwd=tmp_path, failure="it was stopped",
        )
    # POSIX reports death by signal 15 as -15; Windows' TerminateProcess exits with 15.
    expected = 15 if os.name == "nt" else 128 + 15
    assert (failed.value.code, failed.value.message) == (expected, "it was stopped")


# --- paths on the command line -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("README.md", "is not a notebook (.ipynb)"),
        ("apps/explorer.ipynb", "is not one of the course notebooks"),
        ("notebooks", "is a folder"),
        ("notebooks/07_missing.ipynb", "does not exist"),
        ("../outside.ipynb", "is not one of the course notebooks"),
    ],
)
def test_execute_refuses_what_is_not_a_course_notebook(course, capsys, monkeypatch, name, said):
    (course.root.parent / "outside.ipynb").write_text(json.dumps(NOTEBOOK))
    monkeypatch.chdir(course.root)
    _, line = failure(["execute", name], course, capsys)
    assert said in line and name in line
    assert "notebooks/NN_name.ipynb" in line


def test_execute_refuses_a_garbled_notebook(course, capsys, monkeypatch):
    (course.notebooks / SECOND).write_text('{"cells": [')
    monkeypatch.chdir(course.root)
    _, line = failure(["execute", f"notebooks/{SECOND}"], course, capsys)
    assert "is not a readable notebook" in line
    assert f"git checkout notebooks/{SECOND}" in line
    (course.notebooks / SECOND).write_text('["a list"]')
    _, line = failure(["execute", f"notebooks/{SECOND}"], course, capsys)
    assert "not a notebook" in line


def test_execute_of_every_notebook_checks_each_first(course, capsys, monkeypatch, no_pip):
    (course.notebooks / SECOND).write_text("")
    monkeypatch.chdir(course.root)
    _, line = failure(["execute"], course, capsys)
    assert f"{SECOND} is not a readable notebook" in line
    assert not course.venv.exists()


def test_execute_finds_a_notebook_from_another_folder(course, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    wanted = (course.notebooks / SECOND).resolve()
    for name in [f"notebooks/{SECOND}", SECOND, str(wanted)]:
        assert notebook_argument(name, course, elsewhere) == wanted


def test_execute_checks_every_path_before_installing(course, capsys, monkeypatch, no_pip):
    monkeypatch.chdir(course.root)
    _, line = failure(["execute", f"notebooks/{FIRST}", "README.md"], course, capsys)
    assert "README.md" in line
    assert not course.venv.exists()


def test_handouts_out_is_relative_to_where_the_command_is_typed(tmp_path, course, capsys,
                                                                 monkeypatch):
    assert output_folder("print", tmp_path) == (tmp_path / "print").resolve()
    monkeypatch.chdir(course.root)
    _, line = failure(["handouts", "--out", "README.md"], course, capsys)
    assert "--out README.md is a file" in line
    assert not course.venv.exists()


def test_handouts_out_reaches_the_handouts_tool(course, monkeypatch, tmp_path):
    ran = []
    monkeypatch.setattr(cli, "ensure_environment", lambda *args, **kwargs: Path("py"))
    monkeypatch.setattr(cli, "run", lambda command, **kwargs: ran.append(command))
    monkeypatch.chdir(tmp_path)
    main(["handouts", "--out", "print"], course)
    assert ran == [[Path("py"), "-m", "tools.handouts", "--out", (tmp_path / "print").resolve()]]


# --- platforms and Pythons ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "said"),
    [
        (Platform("linux", "x86_64", (3, 14)), "Python 3.11, 3.12 or 3.13"),
        (Platform("linux", "x86_64", (3, 10)), "conda route"),
        (Platform("linux", "x86_64", (3, 12), implementation="pypy"), "CPython only"),
        (Platform("win32", "AMD64", (3, 12), bits=32), "64-bit"),
        (Platform("darwin", "x86_64", (3, 12)), "native arm64 Python"),
        (Platform("win32", "ARM64", (3, 12)), "WSL"),
        (Platform("linux", "ppc64le", (3, 12)), "Binder or a JupyterHub"),
        (Platform("freebsd14", "amd64", (3, 12)), "Binder or a JupyterHub"),
        (Platform("linux", "x86_64", (3, 12), libc=("", "")), "glibc 2.27 or newer"),
        (Platform("linux", "aarch64", (3, 12), libc=("glibc", "2.17")), "glibc 2.17"),
        (Platform("darwin", "arm64", (3, 12), macos="11.7.10"), "macOS 12 or newer"),
    ],
)
def test_unsupported_platforms_are_named_with_what_to_do_instead(where, said):
    reason = unsupported_reason(where)
    assert reason is not None and said in reason
    assert "\n" not in reason


@pytest.mark.parametrize("key", list(TENSORFLOW_BY_PLATFORM))
@pytest.mark.parametrize("python", PYTHONS)
def test_supported_platforms_pass(key, python):
    system, machine = key
    assert unsupported_reason(Platform(system, machine, python, libc=("glibc", "2.27"))) is None
    assert unsupported_reason(Platform(system, machine, python, macos="10.16")) is None


def test_this_machine_is_supported():
    assert unsupported_reason(Platform.current()) is None


def test_an_unsupported_platform_is_refused_before_venv_exists(course, capsys, monkeypatch):
    intel_mac = Platform("darwin", "x86_64", (3, 12))
    monkeypatch.setattr(Platform, "current", classmethod(lambda cls: intel_mac))
    _, line = failure(["lab"], course, capsys)
    assert "no build for macOS on Intel" in line
    assert not course.venv.exists()


def test_the_readme_platform_table_is_what_tasks_py_enforces():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    systems = {"Linux": "linux", "macOS": "darwin", "Windows": "win32"}
    rows = re.findall(
        r"^\| (Linux|macOS|Windows)[^|]*\| `(\w+)`[^|]*\| ([^|]+) \|$", readme, re.MULTILINE
    )
    supported = {}
    for system, machine, tensorflow in rows:
        key = (systems[system], machine)
        if tensorflow.startswith("no"):
            assert unsupported_reason(Platform(*key, (3, 12))) is not None, key
        else:
            supported[key] = tensorflow
    assert supported == {
        key: f"`{name}` 2.21.0" for key, name in TENSORFLOW_BY_PLATFORM.items()
    }
    assert ("darwin", "x86_64") in {(systems[s], m) for s, m, _ in rows}
    assert ("win32", "ARM64") in {(systems[s], m) for s, m, _ in rows}


# --- old Pythons: tasks.py must be readable by them --------------------------------------

#: Syntax that means the same to Python 2.7 and every Python 3: no f-strings, no
#: annotations, no functions or classes, no print (a statement in 2.7).
PORTABLE_NODES = {
    "Module", "Expr", "Constant", "Import", "ImportFrom", "alias", "If", "Compare", "Lt",
    "LtE", "Gt", "GtE", "Eq", "NotEq", "Not", "UnaryOp", "BoolOp", "And", "Or", "Attribute",
    "Name", "Load", "Store", "Call", "Tuple", "List", "Subscript", "Slice", "BinOp", "Mod",
    "Add", "Assign",
}


def test_tasks_py_uses_only_syntax_python_2_7_reads():
    source = (ROOT / "tasks.py").read_bytes()
    assert source.isascii(), "Python 2.7 reads non-ASCII source only with a coding line"
    tree = ast.parse(source, feature_version=(3, 4))
    used = {type(node).__name__ for node in ast.walk(tree)}
    assert used <= PORTABLE_NODES, used - PORTABLE_NODES
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            assert type(node.value) in (str, int), node.value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "print"
        if isinstance(node, ast.ImportFrom):
            assert node.module != "__future__"


@pytest.mark.parametrize("version", [(2, 7, 18), (3, 6, 15), (3, 10, 13), (3, 14, 0)])
def test_an_unsupported_python_gets_one_sentence_before_any_import(version):
    """Run tasks.py's top with sys.version_info set to another Python's; the check must
    exit before tools.cli (modern syntax) is imported."""
    fake = (*version, "final", 0)
    code = (
        f"import runpy, sys; sys.version_info = {fake!r}; "
        f"runpy.run_path({str(ROOT / 'tasks.py')!r}, run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "lab"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"no build for Python {version[0]}.{version[1]}" in lines[0]
    assert "python3.11 tasks.py lab" in lines[0] and "conda" in lines[0]


def test_a_broken_venv_in_a_copied_course_is_one_line_end_to_end(course: Course):
    """The whole chain, tasks.py to tools.cli, in a separate process."""
    shutil.copy(ROOT / "tasks.py", course.root / "tasks.py")
    (course.root / "tools").mkdir()
    for module in (ROOT / "tools").glob("*.py"):
        shutil.copy(module, course.root / "tools" / module.name)
    make_stale_venv(course)
    done = subprocess.run(
        [sys.executable, str(course.root / "tasks.py"), "lab"],
        capture_output=True, text=True, cwd=course.root.parent,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "is broken" in lines[0], done.stderr
    assert not (course.root / ".lstm-teach").exists()
