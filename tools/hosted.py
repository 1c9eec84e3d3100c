"""Where the course lives online, and everything built from that one setting.

`REPOSITORY` and `BRANCH` say where the course's repository is. From them come the
"Open in Colab" link of every notebook (README's notebook table, notebook 00's map), the
address the first cell of every notebook installs `lstm_teach` from on a hosted service,
and the README's table of the supported range. Each notebook's first cell also states the
lstm_teach version it needs (lstm_teach/release.py). The cell is kept short, as every
notebook carries it: it imports `lstm_teach.first_cell.prepare` (installing lstm_teach with
pip only where that import fails) and calls it; the rest of its work, and its tests, are in
the package (lstm_teach/first_cell.py, tests/test_first_cell.py). A fork runs

    python -m tools.hosted --repository OWNER/NAME [--branch BRANCH]

which records the setting below and rewrites those links, first cells and table; without
options it rewrites them from the setting as it is (run it after changing a notebook:
cheap, no kernel, and a second run changes nothing). `--check` writes nothing and says
which files differ; `--release` first lists names notebooks use that lstm_teach/release.py
lacks under a new version. tests/test_hosted.py fails while any file does not match. It
writes only the README and the course's notebooks, each validated as a notebook first,
and each atomically (a temporary file renamed over it).

The map in notebook 00 may list a notebook before its file exists (another branch is
writing it): its "open online" cell then says NOT_YET, and the same command puts the Colab
link there once the file is in notebooks/.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import nbformat
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from lstm_teach.versions import TENSORFLOW_NAMES, supported_ranges
from tools.atomic import replace_atomically
from tools.environment import Course
from tools.pyproject import metadata_requirements, read_pins, read_pyproject

REPOSITORY = "lstm-teach/lstm-teach"  # GitHub owner/name of the course's repository
BRANCH = "main"  # the branch learners open and install from

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
PACKAGE = ROOT / "lstm_teach"
REPOSITORY_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+")
BRANCH_NAME = re.compile(r"[A-Za-z0-9._][A-Za-z0-9._/-]*")

COLAB_LINK = re.compile(
    r"https://colab\.research\.google\.com/github/[^\s)]+?/notebooks/"
    r"((?:[\w-]+/)*\d\d_\w+\.ipynb)"
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

#: The start every version of the first cell shares: how the tool knows a notebook has one.
SETUP_CELL_START = "# The first cell of every notebook"
SETUP_CELL = '''\
# The first cell of every notebook: where lstm_teach (the course's helpers) is missing or older
# than this notebook needs (Colab, Kaggle, a JupyterHub), it installs it; then checks versions.
SOURCE = "{source}"
try:
    from lstm_teach.first_cell import prepare
except ImportError:  # no lstm_teach here yet, or one older than this cell
    import site
    import subprocess
    import sys

    if subprocess.call([sys.executable, "-m", "pip", "install", "-qU", "--no-deps", SOURCE]):
        raise RuntimeError("pip failed: are you online? (on Kaggle, switch Internet on)") from None
    if site.ENABLE_USER_SITE:  # where pip installs if it may not write to Python's own folder
        sys.path.insert(0, site.getusersitepackages())
    # forget the older lstm_teach that the import above loaded, and import the new one
    [sys.modules.pop(name) for name in list(sys.modules) if name.startswith("lstm_teach")]
    from lstm_teach.first_cell import prepare
prepare(needs="{needs}", source=SOURCE)  # updates an older lstm_teach, then checks versions'''


class ToolError(Exception):
    """A reason to stop that main() prints as one line, with exit code 1."""


# --- where things are ------------------------------------------------------------------------


def notebook_paths() -> list[Path]:
    """The course's notebooks in reading order."""
    return Course(ROOT).course_notebooks()


def colab_url(notebook: str, repository: str | None = None, branch: str | None = None) -> str:
    """The address that opens notebooks/<notebook> of the repository in Google Colab."""
    repository, branch = repository or REPOSITORY, branch or BRANCH
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/notebooks/{notebook}"


def install_source(repository: str | None = None, branch: str | None = None) -> str:
    """What the first cell hands to pip: the branch as a zip archive (needs no git)."""
    repository, branch = repository or REPOSITORY, branch or BRANCH
    return f"https://github.com/{repository}/archive/refs/heads/{branch}.zip"


# --- the version each notebook needs ----------------------------------------------------------


def read_release(path: Path = PACKAGE / "release.py") -> tuple[str, dict[str, tuple[str, ...]]]:
    """VERSION and NAMES of lstm_teach/release.py, read without importing the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id in ("VERSION", "NAMES"):
            found[target.id] = ast.literal_eval(node.value)
    return found["VERSION"], found["NAMES"]


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def is_module(dotted: str) -> bool:
    """True when lstm_teach.a.b names a module or package of this checkout."""
    path = PACKAGE.joinpath(*dotted.split(".")[1:])
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _code(cell: dict) -> str:
    """A code cell's Python, IPython's `%` and `!` lines left out."""
    lines = _source(cell).splitlines()
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def names_used(notebook: dict) -> set[str]:
    """Every name of lstm_teach a notebook's code uses: `lt.count_params`,
    `from lstm_teach.exercises import diagnose_count`, `lt.widgets.time_stepper` become
    lstm_teach.count_params, lstm_teach.exercises.diagnose_count, lstm_teach.widgets and
    lstm_teach.widgets.time_stepper."""
    trees = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            try:
                trees.append(ast.parse(_code(cell)))
            except SyntaxError:
                continue
    aliases: dict[str, str] = {}
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "lstm_teach":
                        aliases[alias.asname or "lstm_teach"] = (
                            alias.name if alias.asname else "lstm_teach"
                        )
                        if alias.name != "lstm_teach":
                            found.add(alias.name)
            elif (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                  and node.module.split(".")[0] == "lstm_teach"):
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    for tree in trees:
        for node in ast.walk(tree):
            chain = []
            while isinstance(node, ast.Attribute):
                chain.append(node.attr)
                node = node.value
            if not (isinstance(node, ast.Name) and node.id in aliases):
                continue
            dotted = aliases[node.id]
            for attribute in reversed(chain):
                dotted = f"{dotted}.{attribute}"
                found.add(dotted)
                if not is_module(dotted):
                    break
    return found


def since(names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """name → the version that first lists it."""
    first: dict[str, str] = {}
    for version in sorted(names, key=version_key):
        for name in names[version]:
            first.setdefault(name, version)
    return first


def needed_version(notebook: dict, names: dict[str, tuple[str, ...]]) -> str:
    """The lstm_teach version a notebook needs: the newest among the names it uses (the
    oldest version listed at least). A name no version lists is a ToolError."""
    first = since(names)
    unknown = sorted(name for name in names_used(notebook) if name not in first)
    if unknown:
        raise ToolError(
            f"notebooks use {', '.join(unknown)}, which lstm_teach/release.py lists under no "
            "version: run `python -m tools.hosted --release` to list them under a new one"
        )
    used = [first[name] for name in names_used(notebook)]
    return max([min(names, key=version_key), *used], key=version_key)


def release_text(text: str, version: str, names: dict[str, tuple[str, ...]]) -> str:
    """lstm_teach/release.py's text with VERSION and NAMES replaced (its docstring kept)."""
    head = text[: text.index("\nVERSION = ") + 1]
    body = "".join(
        f'    "{key}": (\n'
        + "".join(f'        "{name}",\n' for name in sorted(entries))
        + "    ),\n"
        for key, entries in sorted(names.items(), key=lambda item: version_key(item[0]))
    )
    return f'{head}VERSION = "{version}"\n\nNAMES: dict[str, tuple[str, ...]] = {{\n{body}}}\n'


def release_new_names(notebooks: Iterable[dict], path: Path = PACKAGE / "release.py") -> str:
    """List the names notebooks use that no version lists under a new version, made
    VERSION (the minor number after the newest); nothing new, nothing written. The names
    the first cell uses count too: every notebook starts with it. Returns the version."""
    version, names = read_release(path)
    first = since(names)
    used = {name for notebook in [*notebooks, setup_notebook()] for name in names_used(notebook)}
    new = sorted(used - set(first))
    if not new:
        return version
    major, minor, *_ = version_key(max(names, key=version_key))
    version = f"{major}.{minor + 1}.0"
    replace_atomically(path, release_text(path.read_text(encoding="utf-8"), version,
                                          {**names, version: tuple(new)}))
    return version


# --- what the tool writes ---------------------------------------------------------------------


def setup_cell_source(source: str | None = None, needs: str | None = None) -> str:
    """The first cell of every notebook, installing from `source` (default: the
    repository) where lstm_teach is missing or older than `needs` (default: the oldest
    version listed)."""
    if needs is None:
        needs = needed_version(setup_notebook(), read_release()[1])
    return SETUP_CELL.replace("{source}", source or install_source()).replace("{needs}", needs)


def setup_notebook() -> nbformat.NotebookNode:
    """A notebook of the first cell alone: the names of lstm_teach every notebook uses."""
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP_CELL)])


def rewrite_colab_links(
    text: str, repository: str | None = None, branch: str | None = None
) -> str:
    """Every Colab link in `text` pointed at this repository and branch."""
    return COLAB_LINK.sub(lambda match: colab_url(match.group(1), repository, branch), text)


def fill_map(text: str, names: list[str]) -> str:
    """The map's "open online" column: for each row "**NN · …**", a Colab link to the
    notebook in `names` whose file name starts with NN_, or NOT_YET when there is none."""

    def open_online(row: re.Match[str]) -> str:
        found = [name for name in names if Path(name).name.startswith(f"{row.group(2)}_")]
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


def rewrite_notebook(
    notebook: dict, names: list[str] | None = None,
    release: dict[str, tuple[str, ...]] | None = None,
) -> dict:
    """The notebook with the setup cell as its first code cell (inserted before the first
    code cell if missing), stating the version the notebook needs; every Colab link in its
    text cells pointed at the repository; and a map (a cell starting "## The map") linking
    each notebook in `names` (default: the course's notebooks) and marking the rows
    without a file NOT_YET. Only those cells change."""
    if names is None:
        names = [path.relative_to(NOTEBOOKS).as_posix() for path in notebook_paths()]
    if release is None:
        release = read_release()[1]
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    if code and _source(code[0]).startswith(SETUP_CELL_START):
        first = code[0]
    else:
        first = nbformat.v4.new_code_cell()
        position = notebook["cells"].index(code[0]) if code else len(notebook["cells"])
        notebook["cells"].insert(position, first)
    first["source"] = SETUP_CELL  # the cell's own names count: the notebook needs them too
    first["source"] = setup_cell_source(needs=needed_version(notebook, release))
    for markdown in notebook["cells"]:
        if markdown["cell_type"] == "markdown":
            text = _source(markdown)
            if text.startswith(MAP_HEADING):
                text = fill_map(text, names)
            if text != _source(markdown):
                markdown["source"] = text
            linked = rewrite_colab_links(text)
            if linked != text:
                markdown["source"] = linked
    return notebook


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A course notebook, validated as an nbformat 4 notebook; anything else is refused."""
    try:
        notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        if notebook.get("nbformat") != 4:
            raise nbformat.ValidationError("not an nbformat 4 notebook")
        nbformat.validate(notebook)
    except (OSError, ValueError, nbformat.ValidationError, RecursionError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ToolError(
            f"{path.relative_to(ROOT).as_posix()} is not a valid notebook ({first}): nothing "
            "was rewritten; put it back with git checkout, or fix it, and run again"
        ) from None
    return notebook


def set_repository(repository: str, branch: str, path: Path = Path(__file__)) -> None:
    """Record the setting in this file's REPOSITORY and BRANCH lines."""
    text = path.read_text(encoding="utf-8")
    for name, value in (("REPOSITORY", repository), ("BRANCH", branch)):
        text, count = re.subn(rf'^{name} = "[^"]*"', f'{name} = "{value}"', text, flags=re.M)
        if count != 1:
            raise ToolError(f"{path.name} has no single {name} line: put it back with git checkout")
    replace_atomically(path, text)


def planned_changes(release: dict[str, tuple[str, ...]]) -> dict[Path, str]:
    """Each file whose text the setting changes, with its new text; every notebook is read
    and validated before anything is written."""
    changes = {}
    readme = README.read_text(encoding="utf-8")
    if rewrite_readme(readme) != readme:
        changes[README] = rewrite_readme(readme)
    for path in notebook_paths():
        notebook = read_notebook(path)
        before = nbformat.writes(notebook)
        after = nbformat.writes(rewrite_notebook(notebook, release=release))
        if after != before:
            changes[path] = after + "\n"
    return changes


def repository_name(text: str) -> str:
    if not REPOSITORY_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a GitHub OWNER/NAME")
    return text


def branch_name(text: str) -> str:
    if not BRANCH_NAME.fullmatch(text) or ".." in text:
        raise argparse.ArgumentTypeError(f"{text!r} is not a branch name")
    return text


def main(argv: list[str] | None = None) -> None:
    """Rewrite what the setting decides; a reason to stop is one line and exit code 1."""
    global REPOSITORY, BRANCH
    parser = argparse.ArgumentParser(
        prog="python -m tools.hosted", allow_abbrev=False,
        description="Point every Colab link, first cell and the README's range table at the "
        "course's repository, and state in each first cell the lstm_teach version it needs.",
    )
    parser.add_argument("--repository", type=repository_name, metavar="OWNER/NAME",
                        help=f"record another repository first (now {REPOSITORY})")
    parser.add_argument("--branch", type=branch_name,
                        help=f"record another branch first (now {BRANCH})")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming each file that would change")
    parser.add_argument("--release", action="store_true",
                        help="list names notebooks use that lstm_teach/release.py lacks under a "
                        "new version first")
    args = parser.parse_args(argv)
    try:
        moved = (args.repository or REPOSITORY, args.branch or BRANCH)
        if args.check and moved != (REPOSITORY, BRANCH):
            raise ToolError("--check writes nothing, so it cannot record --repository or --branch")
        notebooks = [read_notebook(path) for path in notebook_paths()]
        if args.release and not args.check:
            release_new_names(notebooks)
        if moved != (REPOSITORY, BRANCH):
            set_repository(*moved)
            REPOSITORY, BRANCH = moved
        changes = planned_changes(read_release()[1])
    except ToolError as error:
        print(f"hosted: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    if args.check:
        for path in changes:
            print(f"would rewrite {path.relative_to(ROOT).as_posix()}", file=sys.stderr)
        raise SystemExit(1 if changes else 0)
    for path, text in changes.items():
        replace_atomically(path, text)
    print(f"{len(changes)} files rewritten; README and {len(notebooks)} notebooks point at "
          f"{REPOSITORY}@{BRANCH}.", file=sys.stderr)


if __name__ == "__main__":
    main()
