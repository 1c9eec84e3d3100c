"""Where the course lives online, and everything built from that one setting.

`REPOSITORY` and `BRANCH` say where the course's repository is. From them come the
"Open in Colab" link of every notebook (README's notebook table, notebook 00's map), the
address the first cell of every notebook installs `lstm_teach` from on a hosted service,
and the README's table of the supported range. A fork changes the two lines below and runs

    python -m tools.hosted

which rewrites those links, first cells and table; tests/test_hosted.py fails while any
of them does not match the setting. The map in notebook 00 may list a notebook before its
file exists (another branch is writing it): its "open online" cell then says NOT_YET, and
the same command puts the Colab link there once the file is in notebooks/.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from lstm_teach.versions import TENSORFLOW_NAMES, supported_ranges
from tools.pyproject import metadata_requirements, read_pins, read_pyproject

REPOSITORY = "lstm-teach/lstm-teach"  # GitHub owner/name of the course's repository
BRANCH = "main"  # the branch learners open and install from

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"

COLAB_LINK = re.compile(
    r"https://colab\.research\.google\.com/github/[^\s)]+?/notebooks/(\d\d_\w+\.ipynb)"
)
#: A row of notebook 00's map, "| **NN · title** | ... | open online |"; group 2 is NN and
#: group 3 the last cell, a Colab link or NOT_YET.
MAP_ROW = re.compile(r"^(\| \*\*(\d\d) · [^\n]*\| )([^|\n]*)( \|)$", re.MULTILINE)
MAP_HEADING = "## The map"
#: What the map's "open online" cell says for a notebook whose file does not exist yet.
NOT_YET = "not yet in this copy"
RANGE_START = "<!-- supported range: written by python -m tools.hosted -->"
RANGE_END = "<!-- end of supported range -->"
DISPLAY_NAMES = {
    "tensorflow": "TensorFlow (`tensorflow` or `tensorflow-cpu`)",
    "keras": "Keras",
    "numpy": "NumPy",
}

SETUP_CELL = '''\
# The first cell of every notebook. Where lstm_teach, the course's helper package, is
# missing (Colab, Kaggle, a JupyterHub), it installs it from the course's repository
# without its pins, so the service's own TensorFlow and Keras stay as they are. Then it
# checks your versions, and stops the notebook only if they are outside what the course
# supports. On your own set-up it installs nothing.
import importlib.util
import site
import subprocess
import sys

if importlib.util.find_spec("lstm_teach") is None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "{source}"],
        check=True,
    )
    importlib.invalidate_caches()
    if importlib.util.find_spec("lstm_teach") is None:  # pip fell back to your user folder
        site.addsitedir(site.getusersitepackages())

from lstm_teach.versions import check_setup

check_setup()'''


def notebook_paths() -> list[Path]:
    """The course's notebooks in reading order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def colab_url(notebook: str, repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """The address that opens notebooks/<notebook> of the repository in Google Colab."""
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/notebooks/{notebook}"


def install_source(repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """What the first cell hands to pip: the branch as a zip archive (needs no git)."""
    return f"https://github.com/{repository}/archive/refs/heads/{branch}.zip"


def setup_cell_source(source: str | None = None) -> str:
    """The first cell of every notebook, installing from `source` (default: the repository)."""
    return SETUP_CELL.replace("{source}", source or install_source())


def rewrite_colab_links(text: str, repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """Every Colab link in `text` pointed at this repository and branch."""
    return COLAB_LINK.sub(lambda match: colab_url(match.group(1), repository, branch), text)


def fill_map(text: str, names: list[str]) -> str:
    """The map's "open online" column: for each row "**NN · …**", a Colab link to the
    notebook in `names` whose file name starts with NN_, or NOT_YET when there is none."""

    def open_online(row: re.Match[str]) -> str:
        found = [name for name in names if name.startswith(f"{row.group(2)}_")]
        cell = f"[Open in Colab]({colab_url(found[0])})" if found else NOT_YET
        return f"{row.group(1)}{cell}{row.group(4)}"

    return MAP_ROW.sub(open_online, text)


def pins() -> dict[str, str]:
    """name → pinned version of every package in lstm_teach/pins.txt."""
    pinned = {}
    for line in read_pins(ROOT):
        requirement = Requirement(line)
        pinned[requirement.name] = next(iter(requirement.specifier)).version
    return pinned


def ranges() -> dict[str, str]:
    """The supported range of TensorFlow, Keras and NumPy as this checkout declares it
    (pyproject.toml's oldest versions, the pins' minor series), in DISPLAY_NAMES order."""
    found = supported_ranges(metadata_requirements(read_pyproject(ROOT)), read_pins(ROOT))
    return {package: found[package] for package in DISPLAY_NAMES if package in found}


def _newest(specifier: str) -> str:
    """'2.21.x' for '>=2.18.0,<2.22': the newest minor series a '<X.Y' bound admits."""
    uppers = [spec.version for spec in SpecifierSet(specifier) if spec.operator == "<"]
    if len(uppers) == 1 and re.fullmatch(r"\d+\.[1-9]\d*", uppers[0]):
        major, minor = uppers[0].split(".")
        return f"{major}.{int(minor) - 1}.x"
    return specifier


def range_table() -> str:
    """The README's table of the supported range next to the pins."""
    pinned = pins()
    lines = [
        "| package | oldest supported | newest tested | pinned (saved outputs) |",
        "|---|---|---|---|",
    ]
    for package, specifier in ranges().items():
        oldest = next(spec.version for spec in SpecifierSet(specifier) if spec.operator == ">=")
        names = TENSORFLOW_NAMES if package == "tensorflow" else (package,)
        pin = next(pinned[name] for name in names if name in pinned)
        lines.append(f"| {DISPLAY_NAMES[package]} | {oldest} | {_newest(specifier)} | {pin} |")
    return "\n".join(lines)


def rewrite_readme(text: str) -> str:
    """README text with its Colab links and its supported-range table regenerated."""
    text = rewrite_colab_links(text)
    before, rest = text.split(RANGE_START, 1)
    _, after = rest.split(RANGE_END, 1)
    return f"{before}{RANGE_START}\n{range_table()}\n{RANGE_END}{after}"


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def rewrite_notebook(notebook: dict, names: list[str] | None = None) -> dict:
    """The notebook with the setup cell as its first code cell (inserted before the first
    code cell if missing), every Colab link in its text cells pointed at the repository, and
    a map (a cell starting "## The map") linking each notebook in `names` (default: the
    notebooks in notebooks/) and marking the rows without a file NOT_YET.
    """
    if names is None:
        names = [path.name for path in notebook_paths()]
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    first_line = SETUP_CELL.splitlines()[0]
    if code and _source(code[0]).startswith(first_line):
        code[0]["source"] = setup_cell_source()
    else:
        position = notebook["cells"].index(code[0]) if code else len(notebook["cells"])
        notebook["cells"].insert(position, nbformat.v4.new_code_cell(setup_cell_source()))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            text = _source(cell)
            if text.startswith(MAP_HEADING):
                text = fill_map(text, names)
            cell["source"] = rewrite_colab_links(text)
    return notebook


def main() -> None:
    README.write_text(rewrite_readme(README.read_text(encoding="utf-8")), encoding="utf-8")
    for path in notebook_paths():
        nbformat.write(rewrite_notebook(nbformat.read(path, as_version=4)), path)
    print(f"README and {len(notebook_paths())} notebooks now point at {REPOSITORY}@{BRANCH}.",
          file=sys.stderr)


if __name__ == "__main__":
    main()
