"""The maintenance tools at their edges (issue 23): none deletes or rewrites a file it did
not make, each refuses what it cannot do in one line, never with a traceback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest
from course_fixtures import StampIn

import tools.cli as cli
import tools.environment as environment
from tools import atomic, probe, supported_range
from tools import notebooks as registry
from tools.environment import Course
from tools.errors import CommandError

ROOT = Path(__file__).resolve().parent.parent


def one_line(capsys: pytest.CaptureFixture, exited: pytest.ExceptionInfo, code: int = 1) -> str:
    """The one line a tool printed on stderr as it stopped with `code`."""
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got:\n{err}"
    assert "Traceback" not in err
    assert exited.value.code == code
    return lines[0]


# --- python -m tools.supported_range --venv FOLDER ------------------------------------------


class NoEnvironment:
    """Stands in for venv.EnvBuilder: records what it was asked to create, creates nothing."""

    made: ClassVar[list[Path]] = []

    def __init__(self, **kwargs: object) -> None:
        pass

    def create(self, location: Path) -> None:
        NoEnvironment.made.append(Path(location))


@pytest.fixture
def no_environment(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    NoEnvironment.made = []
    monkeypatch.setattr(supported_range.venv, "EnvBuilder", NoEnvironment)
    return NoEnvironment.made


def test_a_folder_holding_a_learners_file_is_refused_and_kept(tmp_path, capsys, no_environment):
    folder = tmp_path / "my-work"
    folder.mkdir()
    (folder / "notes.txt").write_text("a learner's file")
    with pytest.raises(SystemExit) as exited:
        supported_range.main(["--venv", str(folder)])
    line = one_line(capsys, exited)
    assert line.startswith("supported_range: --venv") and "did not make" in line
    assert (folder / "notes.txt").read_text() == "a learner's file"
    assert [entry.name for entry in folder.iterdir()] == ["notes.txt"]
    assert no_environment == []


@pytest.mark.parametrize("given", [".", "~", "..", "/"])
def test_the_checkout_the_home_folder_and_their_parents_are_refused(given, tmp_path, capsys,
                                                                   monkeypatch, no_environment):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit) as exited:
        supported_range.main(["--venv", given])
    assert "holds more than an environment" in one_line(capsys, exited)
    assert list(home.iterdir()) == [] and no_environment == []


def test_even_an_empty_home_folder_is_refused(tmp_path, capsys, monkeypatch, no_environment):
    """`~` is never an environment's folder, even where it happens to be empty."""
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(SystemExit) as exited:
        supported_range.main(["--venv", "~"])
    assert "holds more than an environment" in one_line(capsys, exited)
    assert list(tmp_path.iterdir()) == []


def test_a_file_or_a_link_is_refused(tmp_path, capsys, no_environment):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "a-link").symlink_to(tmp_path)
    for name, said in [("a-file", "is a file"), ("a-link", "is a link")]:
        with pytest.raises(SystemExit) as exited:
            supported_range.main(["--venv", str(tmp_path / name)])
        assert said in one_line(capsys, exited)
    assert (tmp_path / "a-file").read_text() == "x"


def test_pip_failing_is_one_line_not_a_called_process_error(tmp_path, capsys, monkeypatch,
                                                            no_environment):
    def failing(command, **kwargs):
        return subprocess.CompletedProcess(command, 1)

    monkeypatch.setattr(supported_range.subprocess, "run", failing)
    folder = tmp_path / "new-venv"
    with pytest.raises(SystemExit) as exited:
        supported_range.main(["--venv", str(folder)])
    line = one_line(capsys, exited)
    assert line.startswith("supported_range: pip install failed") and "internet" in line
    assert no_environment == [folder]
    marker = json.loads((folder / supported_range.MARKER).read_text())
    assert marker["requirements"] is None  # made here, not yet complete: rebuilt next time


def test_a_folder_it_made_is_emptied_and_rebuilt_when_the_requirements_change(
    tmp_path, monkeypatch, no_environment
):
    folder = tmp_path / "oldest"
    folder.mkdir()
    (folder / supported_range.OLD_MARKER).write_text(json.dumps(["numpy==1.0"]))
    (folder / "lib").mkdir()
    (folder / "lib" / "left-over.py").write_text("")
    installed = []
    monkeypatch.setattr(supported_range, "pip", lambda python, *words: installed.append(words))
    supported_range.build_environment(folder, ["numpy==1.26.0"])
    assert installed[0] == ("install", "numpy==1.26.0")
    assert not (folder / "lib").exists() and not (folder / supported_range.OLD_MARKER).exists()
    assert json.loads((folder / supported_range.MARKER).read_text())["requirements"] == [
        "numpy==1.26.0"
    ]
    assert no_environment == [folder]


def test_an_empty_folder_is_taken_and_marked_before_anything_goes_in(tmp_path, monkeypatch,
                                                                     no_environment):
    folder = tmp_path / "empty"
    folder.mkdir()
    seen = []
    monkeypatch.setattr(
        supported_range, "pip",
        lambda python, *words: seen.append(sorted(entry.name for entry in folder.iterdir())),
    )
    supported_range.build_environment(folder, ["numpy==1.26.0"])
    assert seen[0] == [supported_range.MARKER]


# --- python tasks.py execute ---------------------------------------------------------------


def notebook_json(*sources: str, widgets: bool = False) -> dict:
    """A small nbformat 4 notebook with one code cell per source."""
    return {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": f"cell-{number}",
             "metadata": {}, "outputs": [], "source": source}
            for number, source in enumerate(sources)
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"},
                     **({"widgets": {"state": "stale"}} if widgets else {})},
        "nbformat": 4, "nbformat_minor": 5,
    }


#: A course notebook's name (tools/notebooks.py lists them; tasks.py runs only those).
SMALL = registry.CORE[1].path


@pytest.fixture
def course(tmp_path: Path) -> Course:
    """A course folder with one notebook, its environment the Python running the tests."""
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    (root / "notebooks" / SMALL).write_text(
        json.dumps(notebook_json("print(6 * 7)", widgets=True))
    )
    return Course(root)


def execute(course: Course, monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    monkeypatch.setattr(cli, "ensure_environment", lambda *args, **kwargs: Path(sys.executable))
    monkeypatch.chdir(course.root)
    cli.main(["execute", *names], course)


def test_execute_refuses_json_with_cells_but_no_nbformat_keys(course, capsys, monkeypatch):
    """nbconvert reads such a file as an old format and writes every cell back empty."""
    path = course.notebooks / SMALL
    text = json.dumps({"cells": [{"cell_type": "code", "source": "x = 1", "outputs": []}]})
    path.write_text(text)
    with pytest.raises(SystemExit) as exited:
        execute(course, monkeypatch, f"notebooks/{SMALL}")
    line = one_line(capsys, exited)
    assert "is JSON but not a notebook (no nbformat 4 version keys)" in line
    assert f"git checkout notebooks/{SMALL}" in line
    assert path.read_text() == text


def test_execute_saves_a_real_run_atomically_without_widget_state(course, monkeypatch):
    execute(course, monkeypatch, f"notebooks/{SMALL}")
    saved = json.loads((course.notebooks / SMALL).read_text())
    (cell,) = saved["cells"]
    assert "".join(cell["source"]) == "print(6 * 7)" and cell["execution_count"] == 1
    assert "".join(cell["outputs"][0]["text"]) == "42\n"
    assert "widgets" not in saved["metadata"]
    assert sorted(entry.name for entry in course.notebooks.iterdir()) == [SMALL]


@pytest.mark.parametrize(
    ("executed", "said"),
    [
        ({"cells": [{"cell_type": "code", "source": [], "outputs": []}], "metadata": {},
          "nbformat": 4, "nbformat_minor": 5}, "cells or their sources differ"),
        ({"cells": []}, "no nbformat 4 version keys"),
        ("not json", "no readable notebook"),
    ],
)
def test_execute_keeps_the_notebook_when_the_run_is_not_the_same_notebook(
    course, capsys, monkeypatch, executed, said
):
    def nbconvert(command, **kwargs):
        folder = next(word for word in command if str(word).startswith("--output-dir="))
        target = Path(folder.split("=", 1)[1]) / SMALL
        target.write_text(executed if isinstance(executed, str) else json.dumps(executed))

    monkeypatch.setattr(cli, "run", nbconvert)
    path = course.notebooks / SMALL
    before = path.read_text()
    with pytest.raises(SystemExit) as exited:
        execute(course, monkeypatch, f"notebooks/{SMALL}")
    line = one_line(capsys, exited)
    assert said in line and "the notebook was not saved" in line
    assert path.read_text() == before


def test_a_write_that_fails_halfway_leaves_the_old_file_and_no_partial(tmp_path, monkeypatch):
    path = tmp_path / SMALL
    path.write_text("old")

    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.replace_atomically(path, "new")
    assert path.read_text() == "old"
    assert [entry.name for entry in tmp_path.iterdir()] == [SMALL]


# --- the install record ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "said"),
    [("[" * 200_000 + "]" * 200_000, "nested too deeply to read"),
     (" " * 2_000_000 + "{}", "far larger than a record")],
)
def test_a_pathological_install_record_is_one_line_telling_to_delete_it(
    tmp_path, capsys, content, said
):
    stamp = tmp_path / "here.json"
    stamp.write_text(content)
    with pytest.raises(SystemExit) as exited:
        cli.main(["lab", "--here"], StampIn(stamp))
    line = one_line(capsys, exited)
    assert said in line and f"the install record {stamp} is damaged" in line
    assert "delete it" in line
    assert stamp.read_text() == content  # not ours to rewrite: the learner deletes it


def test_the_probe_reads_a_damaged_direct_url_record_as_no_install_from_here(tmp_path,
                                                                            monkeypatch):
    info = tmp_path / "fake_course-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-course\nVersion: 1.0\n")
    (info / "direct_url.json").write_text("[" * 200_000 + "]" * 200_000)
    monkeypatch.syspath_prepend(str(tmp_path))
    found = probe.answer({"root": str(tmp_path), "name": "fake-course", "groups": {},
                          "requires": [], "requires_python": ""})
    assert found["editable_here"] is False and found["pip"] is True


# --- Ctrl+C in the first second of `python tasks.py lab` ------------------------------------


def test_the_wrapper_ends_a_program_interrupted_in_its_imports_quietly(tmp_path):
    (tmp_path / "slow_start.py").write_text("raise KeyboardInterrupt  # Ctrl+C mid-import\n")
    (tmp_path / "echo_args.py").write_text(
        "import sys\nprint(sys.argv[1:])\nraise SystemExit(3)\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    stopped = subprocess.run([sys.executable, "-m", "tools.interruptible", "slow_start"],
                             capture_output=True, text=True, env=env, cwd=tmp_path)
    assert (stopped.returncode, stopped.stdout, stopped.stderr) == (130, "", "")
    echoed = subprocess.run([sys.executable, "-m", "tools.interruptible", "echo_args", "-x", "y"],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert (echoed.returncode, echoed.stdout) == (3, "['-x', 'y']\n")


def test_ctrl_c_while_jupyterlab_starts_is_one_line_and_leaves_nothing_running(tmp_path):
    env = {**os.environ}
    for name in ("config", "data", "runtime"):
        (tmp_path / name).mkdir()
        env[f"JUPYTER_{name.upper()}_DIR"] = str(tmp_path / name)
    with socket.socket() as probe_port:
        probe_port.bind(("127.0.0.1", 0))
        port = probe_port.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tasks.py"), "lab", "--here", "--no-browser",
         "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        **({"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if os.name == "nt"
           else {"start_new_session": True}),
    )
    try:
        seen = []
        for line in process.stdout:  # wait for tasks.py to start JupyterLab, then Ctrl+C
            seen.append(line)
            if line.startswith("$ ") and "jupyterlab" in line:
                if os.name == "nt":
                    process.send_signal(signal.CTRL_BREAK_EVENT)
                else:
                    os.killpg(process.pid, signal.SIGINT)
                break
        rest = process.communicate(timeout=120)[0]
    finally:
        if process.poll() is None:
            process.kill()
    said = "".join(seen) + rest
    assert process.returncode == 130, said
    assert "Traceback" not in said and "KeyboardInterrupt" not in said
    assert said.strip().splitlines()[-1] == "tasks.py: stopped by Ctrl+C"
    if os.name != "nt":
        with pytest.raises(ProcessLookupError):  # JupyterLab is not left running
            os.killpg(process.pid, 0)


# --- .venv that cannot be made ------------------------------------------------------------


class BrokenEnvironment:
    """Stands in for venv.EnvBuilder where ensurepip fails after writing some files."""

    def __init__(self, **kwargs: object) -> None:
        pass

    def create(self, location: Path) -> None:
        Path(location).mkdir(exist_ok=True)
        (Path(location) / "pyvenv.cfg").write_text("home = /usr/bin\n")
        raise subprocess.CalledProcessError(1, ["ensurepip"])


@pytest.mark.parametrize("existed", [True, False])
def test_a_failed_venv_removes_only_what_it_made(tmp_path, monkeypatch, existed):
    venv_dir = tmp_path / ".venv"
    if existed:
        venv_dir.mkdir()  # an empty folder someone made: it stays
    monkeypatch.setattr(environment.venv, "EnvBuilder", BrokenEnvironment)
    with pytest.raises(CommandError, match="no working venv/ensurepip"):
        environment.create_venv(venv_dir)
    assert venv_dir.is_dir() is existed
    if existed:
        assert list(venv_dir.iterdir()) == []
