"""Run every notebook at the oldest end of the supported range, as a hosted service would.

    .venv/bin/python -m tools.supported_range [--venv build/oldest-venv]

CI (.ci/run) runs this after the test command, whose nbval run covers the other end, the
pins. It takes four steps, each timed:

1. **Environment**: a virtual environment with the oldest TensorFlow, Keras and NumPy of
   the supported range (tools.hosted.ranges) and the other packages the lessons import at
   their pins (lstm_teach/pins.txt), plus a kernel, but no lstm_teach and no JupyterLab:
   what a hosted notebook service offers.
   Its TensorFlow must declare the oldest supported Keras and NumPy as the oldest it
   accepts, so the oldest end is a combination TensorFlow itself stands behind.
2. **First cell**: the notebooks' first cell, pointed at this checkout instead of the
   repository's address, runs in a fresh kernel there. It must install lstm_teach, leave
   TensorFlow, Keras and NumPy as they were, and say "Within the supported range".
3. **Installing beside others**: installing the course as a hub user does (with its
   dependencies and TensorFlow extra) adds lstm-teach and changes no other version.
4. **Notebooks**: every notebook runs top to bottom in a fresh kernel. No cell may raise
   unless it is tagged `raises-exception`, and every tagged cell must still raise; the
   notebooks' asserts carry the lessons, so every asserted number must hold. Each first
   cell must say "Within the supported range" again. Saved outputs are not compared
   (the last digits may differ here; nbval compares them at the pins).

It ends with a line 'N passed, N failed' and exits with 1 if anything failed. --venv names
a new or empty folder, or one this tool made (it holds the tool's marker file); the tool
refuses any other in one line and never deletes what it did not make.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import venv
from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from packaging.markers import default_environment
from packaging.requirements import Requirement

from lstm_teach.versions import TENSORFLOW_NAMES, oldest_supported
from tools.atomic import replace_atomically
from tools.hosted import notebook_paths, ranges, setup_cell_source
from tools.pyproject import package_name, read_pins, read_pyproject, requirement_groups

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VENV = ROOT / "build" / "oldest-venv"
KERNEL_NAME = "lstm-teach-oldest"
EXPECTED_STANDING = "Within the supported range"
QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
CELL_TIMEOUT = 600  # seconds; the slowest cell takes a few
#: The file this tool writes first into a folder it makes for the second environment; it
#: empties or rebuilds only a folder that holds it.
MARKER = "lstm-teach-oldest-venv.json"
OLD_MARKER = "lstm-teach-requirements.json"
MADE_BY = "python -m tools.supported_range"


def local_only() -> set[str]:
    """The packages of the `lab` extra: JupyterLab and its helpers, not the lessons'."""
    return {package_name(line) for line in requirement_groups(read_pyproject(ROOT))["lab"]}


def runtime_requirements() -> list[Requirement]:
    """The pins (lstm_teach/pins.txt) of the packages the lessons and the course's own
    Jupyter need (the base requirements and the tensorflow and lab extras) that apply on
    this platform."""
    groups = requirement_groups(read_pyproject(ROOT))
    wanted = {package_name(line) for group in ("", "tensorflow", "lab") for line in groups[group]}
    environment = {**default_environment(), "extra": ""}
    requirements = [Requirement(line) for line in read_pins(ROOT)
                    if package_name(line) in wanted]
    return [req for req in requirements if req.marker is None or req.marker.evaluate(environment)]


def oldest_requirements(requirements: Iterable[Requirement]) -> list[str]:
    """What the second environment installs: each package with a supported range at its
    oldest version, the other packages the lessons import at their pins, and ipykernel to
    run them; JupyterLab and the rest of the course's own Jupyter stay out."""
    supported = ranges()
    oldest = oldest_supported(supported)
    local = local_only()
    wanted = []
    for requirement in requirements:
        name = requirement.name
        ranged = "tensorflow" if name in TENSORFLOW_NAMES else name
        if ranged in supported:
            wanted.append(f"{name}=={oldest[ranged]}")
        elif name not in local or name == "ipykernel":
            wanted.append(str(requirement.name) + str(requirement.specifier))
    return wanted


def floor_failures(tensorflow_requires: Iterable[str]) -> list[str]:
    """A failure for each of Keras and NumPy whose oldest supported version is not the
    oldest the oldest TensorFlow accepts (the lower bound of its Requires-Dist)."""
    oldest = oldest_supported(ranges())
    failures = []
    for name in ("keras", "numpy"):
        floors = [
            spec.version
            for requirement in map(Requirement, tensorflow_requires)
            if requirement.name == name
            and (requirement.marker is None or requirement.marker.evaluate({"extra": ""}))
            for spec in requirement.specifier
            if spec.operator == ">="
        ]
        if floors != [oldest[name]]:
            failures.append(
                f"TensorFlow {oldest['tensorflow']} accepts {name} from {floors or 'any'}, "
                f"but the supported range starts at {oldest[name]}"
            )
    return failures


def declared_requirements(python: Path, distribution: str) -> list[str]:
    """The Requires-Dist lines of a distribution installed in the second environment."""
    code = (
        "import importlib.metadata as m, json\n"
        f"print(json.dumps(m.requires({distribution!r}) or []))"
    )
    return json.loads(run_in(python, "-c", code).stdout)


def cell_failures(notebook: nbformat.NotebookNode) -> list[str]:
    """What went wrong in an executed notebook: a cell that raised without the
    `raises-exception` tag, or a tagged cell that no longer raises."""
    failures = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        errors = [output for output in cell.outputs if output.output_type == "error"]
        tagged = "raises-exception" in cell.metadata.get("tags", [])
        first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
        where = f"cell {index} ({first_line[:60]})"
        if errors and not tagged:
            error = errors[0]
            failures.append(f"{where} raised {error.ename}: {error.evalue}")
        elif tagged and not errors:
            failures.append(f"{where} is tagged raises-exception but raised nothing")
    return failures


def stdout_of(cell: nbformat.NotebookNode) -> str:
    """Everything a cell printed to stdout."""
    return "".join(
        output.text
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stdout"
    )


def standing_failures(notebook: nbformat.NotebookNode) -> list[str]:
    """A failure unless the notebook's first code cell said it is within the supported range."""
    first = next(cell for cell in notebook.cells if cell.cell_type == "code")
    said = stdout_of(first)
    if said.startswith(EXPECTED_STANDING):
        return []
    return [f"the first cell did not say {EXPECTED_STANDING!r}; it printed {said[:300]!r}"]


def venv_python(location: Path) -> Path:
    scripts, suffix = ("Scripts", ".exe") if os.name == "nt" else ("bin", "")
    return location / scripts / f"python{suffix}"


class ToolError(Exception):
    """A reason to stop that main() prints as one line, with exit code 1."""


def refuse_dangerous(location: Path) -> None:
    """Refuse a folder no tool should ever empty: the file system's root, the home folder
    or one above it, and this checkout or one above it."""
    resolved = location.expanduser().resolve()
    home = Path.home().resolve()
    never = {Path(resolved.anchor), home, ROOT, *home.parents, *ROOT.parents}
    if resolved in never:
        raise ToolError(
            f"--venv {location} is {resolved}, which holds more than an environment: name a "
            f"new folder for it, e.g. --venv {DEFAULT_VENV.relative_to(ROOT).as_posix()}"
        )


def read_marker(location: Path) -> dict | None:
    """This tool's marker in `location` ({"requirements": [...] or None}), or None where
    the folder has none: then the tool did not make it. The plain list of requirements is
    the marker earlier versions of this tool wrote."""
    for name in (MARKER, OLD_MARKER):
        try:
            data = json.loads((location / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            continue
        if isinstance(data, list):
            return {"made-by": MADE_BY, "requirements": data}
        if isinstance(data, dict) and data.get("made-by") == MADE_BY:
            return data
    return None


def write_marker(location: Path, requirements: list[str] | None) -> None:
    """Record, whole or not at all, that this tool made `location` and what it holds."""
    replace_atomically(location / MARKER,
                       json.dumps({"made-by": MADE_BY, "requirements": requirements}))


def claim(location: Path) -> dict:
    """The marker of a folder this tool may fill and empty: one it made before, or a new
    or empty one, which it marks before putting anything in. Any other folder, a file or
    a link is refused in one line: the tool never deletes what it did not make."""
    refuse_dangerous(location)
    if location.is_symlink():
        raise ToolError(f"--venv {location} is a link: name a real folder")
    if location.exists() and not location.is_dir():
        raise ToolError(f"--venv {location} is a file: name a new or empty folder")
    if location.is_dir():
        marker = read_marker(location)
        if marker is not None:
            return marker
        if any(location.iterdir()):
            raise ToolError(
                f"--venv {location} holds files this tool did not make (it has no {MARKER}): "
                "name a new or empty folder; this tool deletes only what it made"
            )
    location.mkdir(parents=True, exist_ok=True)
    write_marker(location, None)
    return {"made-by": MADE_BY, "requirements": None}


def build_environment(location: Path, requirements: list[str]) -> Path:
    """Create (or reuse, if it holds exactly these requirements) the second environment,
    without lstm_teach, and register its kernel. Returns its Python."""
    python = venv_python(location)
    marker = claim(location)
    if marker["requirements"] != requirements or not python.exists():
        for entry in location.iterdir():  # a folder with our marker holds only what we made
            if entry.name != MARKER:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        write_marker(location, None)
        try:
            venv.EnvBuilder(with_pip=True).create(location)
        except (OSError, subprocess.CalledProcessError) as error:
            raise ToolError(
                f"could not create a virtual environment in {location} ({error})"
            ) from None
        pip(python, "install", *requirements)
        write_marker(location, requirements)
    pip(python, "uninstall", "--yes", "lstm-teach")  # a hosted service has none
    kernel = location / "share" / "jupyter" / "kernels" / KERNEL_NAME
    kernel.mkdir(parents=True, exist_ok=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "lstm-teach, oldest supported versions",
        "language": "python",
    }))
    return python


def pip(python: Path, *arguments: str) -> None:
    """Run pip in the second environment; a failure is one line (pip's message is above)."""
    done = subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", "--quiet", *arguments],
        env=clean_environment(), cwd=python.parent,
    )
    if done.returncode != 0:
        raise ToolError(
            f"pip {arguments[0]} failed in {python.parent.parent} (exit {done.returncode}; its "
            "message is above): check the internet connection and run again"
        )


def installed_versions(python: Path) -> dict[str, str | None]:
    """Versions of TensorFlow, Keras, NumPy and lstm-teach in the second environment."""
    names = [*TENSORFLOW_NAMES, "keras", "numpy", "lstm-teach"]
    code = (
        "import json, importlib.metadata as m\n"
        "def version(name):\n"
        "    try:\n"
        "        return m.version(name)\n"
        "    except m.PackageNotFoundError:\n"
        "        return None\n"
        f"print(json.dumps({{name: version(name) for name in {names!r}}}))"
    )
    return json.loads(run_in(python, "-c", code).stdout)


def run_in(python: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run the second environment's Python in its own folder, not in the checkout: a
    `python -c` puts the current folder first on sys.path, and the checkout's
    lstm_teach.egg-info (left by the test command's editable install) would make
    lstm-teach look installed there."""
    done = subprocess.run([str(python), *arguments], capture_output=True, text=True,
                          env=clean_environment(), cwd=python.parent)
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ToolError(f"{python} failed ({said}): delete that environment's folder and run again")
    return done


def clean_environment() -> dict[str, str]:
    """The environment of every process in the second environment: quiet TensorFlow, and
    no PYTHONPATH, which could hand it an lstm_teach the environment does not have."""
    environment = {**os.environ, **QUIET_TENSORFLOW, "PYTHONHASHSEED": "0"}
    environment.pop("PYTHONPATH", None)
    return environment


def run_notebook(notebook: nbformat.NotebookNode, cwd: Path) -> nbformat.NotebookNode:
    """Execute every cell in a fresh kernel of the second environment, errors included."""
    client = NotebookClient(
        notebook, kernel_name=KERNEL_NAME, timeout=CELL_TIMEOUT, allow_errors=True,
        record_timing=False,
    )
    client.execute(cwd=str(cwd), env=clean_environment())
    return notebook


def source_copy(destination: Path) -> Path:
    """This checkout's files, as the repository's archive would hold them, copied so that
    building lstm_teach leaves no build/ or egg-info behind in the checkout."""
    ignored = shutil.ignore_patterns(
        ".git", ".venv*", "build", "artifacts", "handouts", "*.egg-info", "__pycache__",
        ".*_cache", ".hypothesis", ".ipynb_checkpoints",
    )
    return Path(shutil.copytree(ROOT, destination / "lstm-teach", ignore=ignored))


def check_first_cell(python: Path) -> list[str]:
    """Run the first cell, installing from a copy of this checkout, as on a fresh service."""
    before = installed_versions(python)
    if before["lstm-teach"] is not None:
        return ["lstm-teach was installed before the first cell ran"]
    notebook = nbformat.v4.new_notebook()
    with tempfile.TemporaryDirectory() as scratch:
        source = source_copy(Path(scratch))
        notebook.cells.append(nbformat.v4.new_code_cell(setup_cell_source(source=str(source))))
        run_notebook(notebook, Path(scratch))
    failures = cell_failures(notebook) + standing_failures(notebook)
    after = installed_versions(python)
    if after["lstm-teach"] is None:
        failures.append("the first cell did not install lstm-teach")
    for name, version in before.items():
        if name != "lstm-teach" and after[name] != version:
            failures.append(f"the first cell changed {name} from {version} to {after[name]}")
    return failures


def installed_everything(python: Path) -> dict[str, str]:
    """Every distribution installed in the second environment, name → version."""
    code = (
        "import json, importlib.metadata as m\n"
        "print(json.dumps({d.metadata['Name'].lower(): d.version for d in m.distributions()}))"
    )
    return json.loads(run_in(python, "-c", code).stdout)


def check_hub_install(python: Path) -> list[str]:
    """Install the course as a hub user does (README: `pip install -e .`, here from a copy,
    with its TensorFlow extra and every dependency) into an environment that holds the
    oldest supported versions: it must add lstm-teach and change nothing else."""
    before = installed_everything(python)
    with tempfile.TemporaryDirectory() as scratch:
        source = source_copy(Path(scratch))
        pip(python, "install", f"{source}[tensorflow]")
    after = installed_everything(python)
    failures = [
        f"installing the course changed {name} from {before.get(name)} to {after.get(name)}"
        for name in sorted(set(before) | set(after))
        if name != "lstm-teach" and before.get(name) != after.get(name)
    ]
    if "lstm-teach" not in after:
        failures.append("pip did not install lstm-teach")
    return failures


def main(argv: list[str] | None = None) -> None:
    """Run every step; a reason to stop is one line on stderr and exit code 1."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.supported_range", description=__doc__.splitlines()[0],
        allow_abbrev=False,
    )
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV,
                        help="where to build the second environment: a new or empty folder, "
                        f"or one this tool made (default: {DEFAULT_VENV})")
    args = parser.parse_args(argv)
    try:
        run_steps(args.venv.expanduser())
    except ToolError as error:
        print(f"supported_range: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        print("supported_range: stopped by Ctrl+C", file=sys.stderr)
        raise SystemExit(130) from None


def run_steps(location: Path) -> None:
    """Build the second environment, check the first cell, an install as a hub user makes
    it, and every notebook; report, and exit 1 if anything failed."""
    os.environ["JUPYTER_PATH"] = str(location.resolve() / "share" / "jupyter")

    requirements = oldest_requirements(runtime_requirements())
    print("Second environment:", " ".join(requirements), flush=True)
    started = time.perf_counter()
    python = build_environment(location, requirements)
    print(f"environment ready in {time.perf_counter() - started:.0f} s", flush=True)

    results: dict[str, list[str]] = {}
    tensorflow = next(Requirement(line).name for line in requirements
                      if Requirement(line).name in TENSORFLOW_NAMES)
    results["oldest Keras and NumPy are those the oldest TensorFlow accepts"] = floor_failures(
        declared_requirements(python, tensorflow)
    )
    clock = time.perf_counter()
    results["first cell on a fresh service"] = check_first_cell(python)
    print(f"first cell checked in {time.perf_counter() - clock:.0f} s", flush=True)
    clock = time.perf_counter()
    results["installing the course changes no installed version"] = check_hub_install(python)
    print(f"install checked in {time.perf_counter() - clock:.0f} s", flush=True)
    for path in notebook_paths():
        clock = time.perf_counter()
        notebook = run_notebook(nbformat.read(path, as_version=4), path.parent)
        results[path.name] = cell_failures(notebook) + standing_failures(notebook)
        print(f"{path.name} ran in {time.perf_counter() - clock:.0f} s", flush=True)
        if path == notebook_paths()[0]:
            first = next(cell for cell in notebook.cells if cell.cell_type == "code")
            print(textwrap.indent(stdout_of(first), "    "), flush=True)

    for name, failures in results.items():
        print(f"{'FAILED' if failures else 'passed'}  {name}")
        for failure in failures:
            print(f"        {failure}")
    failed = sum(1 for failures in results.values() if failures)
    print(f"oldest supported versions, all steps in {time.perf_counter() - started:.0f} s")
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
