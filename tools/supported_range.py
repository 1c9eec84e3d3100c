"""Run every notebook at the oldest end of the supported range, as a hosted service would.

    .venv/bin/python -m tools.supported_range [--venv build/oldest-venv]

CI (.ci/run) runs this after the test command, whose nbval run covers the other end, the
pins. It takes three steps, each timed:

1. **Environment**: a virtual environment with the oldest TensorFlow, Keras and NumPy of
   the supported range (tools.hosted.ranges) and the other packages the lessons import at their
   pins, plus a kernel, but no lstm_teach and no JupyterLab: what a hosted notebook
   service offers.
   Its TensorFlow must declare the oldest supported Keras and NumPy as the oldest it
   accepts, so the oldest end is a combination TensorFlow itself stands behind.
2. **First cell**: the notebooks' first cell, pointed at this checkout instead of the
   repository's address, runs in a fresh kernel there. It must install lstm_teach, leave
   TensorFlow, Keras and NumPy as they were, and say "Within the supported range".
3. **Notebooks**: every notebook runs top to bottom in a fresh kernel. No cell may raise
   unless it is tagged `raises-exception`, and every tagged cell must still raise; the
   notebooks' asserts carry the lessons, so every asserted number must hold. Each first
   cell must say "Within the supported range" again. Saved outputs are not compared
   (the last digits may differ here; nbval compares them at the pins).

It ends with a line 'N passed, N failed' and exits with 1 if anything failed.
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
from tools.hosted import notebook_paths, ranges, setup_cell_source
from tools.pyproject import package_name, read_pins, read_pyproject, requirement_groups

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VENV = ROOT / "build" / "oldest-venv"
KERNEL_NAME = "lstm-teach-oldest"
EXPECTED_STANDING = "Within the supported range"
QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
CELL_TIMEOUT = 600  # seconds; the slowest cell takes a few


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


def build_environment(location: Path, requirements: list[str]) -> Path:
    """Create (or reuse, if it holds exactly these requirements) the second environment,
    without lstm_teach, and register its kernel. Returns its Python."""
    python = venv_python(location)
    stamp = location / "lstm-teach-requirements.json"
    if not (stamp.exists() and json.loads(stamp.read_text()) == requirements):
        if location.exists():
            shutil.rmtree(location)
        venv.EnvBuilder(with_pip=True).create(location)
        pip(python, "install", *requirements)
        stamp.write_text(json.dumps(requirements))
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
    subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", "--quiet", *arguments],
        check=True, env=clean_environment(), cwd=python.parent,
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
    return subprocess.run([str(python), *arguments], capture_output=True, text=True,
                          check=True, env=clean_environment(), cwd=python.parent)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV,
                        help=f"where to build the second environment (default: {DEFAULT_VENV})")
    args = parser.parse_args()
    os.environ["JUPYTER_PATH"] = str(args.venv.resolve() / "share" / "jupyter")

    requirements = oldest_requirements(runtime_requirements())
    print("Second environment:", " ".join(requirements), flush=True)
    started = time.perf_counter()
    python = build_environment(args.venv, requirements)
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
