"""Studying without installing: the first cell of every notebook, the Colab links and the
supported-range table, all built from the one repository setting in tools/hosted.py, and
the checks tools/supported_range.py makes in the second environment."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from lstm_teach.versions import check_versions, oldest_supported, supported_ranges
from tools import hosted, supported_range
from tools import notebooks as registry
from tools.pyproject import metadata_requirements, read_pins, read_pyproject

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
NOTEBOOKS = registry.paths(ROOT)
CORE = registry.paths(ROOT, part="core")
START_HERE = ROOT / "notebooks" / "00_start_here.ipynb"
ANY_COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/[^\s)]*")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return "".join(cell["source"])


def first_code_cell(path: Path) -> dict:
    return next(cell for cell in load(path)["cells"] if cell["cell_type"] == "code")


def markdown(path: Path) -> str:
    cells = load(path)["cells"]
    return "\n".join(source(cell) for cell in cells if cell["cell_type"] == "markdown")


# --- one setting ------------------------------------------------------------------------


def test_the_setting_is_a_github_repository_and_branch():
    assert re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+", hosted.REPOSITORY)
    assert re.fullmatch(r"[A-Za-z0-9._/-]+", hosted.BRANCH)
    assert hosted.notebook_paths() == NOTEBOOKS


def test_a_colab_link_opens_the_notebook_from_the_repository():
    assert hosted.colab_url("01_twelve_parameters.ipynb", "someone/fork", "dev") == (
        "https://colab.research.google.com/github/someone/fork/blob/dev/notebooks/"
        "01_twelve_parameters.ipynb"
    )
    assert hosted.install_source("someone/fork", "dev") == (
        "https://github.com/someone/fork/archive/refs/heads/dev.zip"
    )


def test_readme_has_one_colab_link_per_notebook_from_the_setting():
    rows = re.findall(r"^\| `notebooks/((?:reference/)?\d\d_\w+\.ipynb)` \|.*$", README,
                      flags=re.MULTILINE)
    assert rows == [registry.relative(path) for path in NOTEBOOKS]
    for path in NOTEBOOKS:
        name = registry.relative(path)
        (row,) = re.findall(rf"^\| `notebooks/{re.escape(name)}` \|.*$", README,
                            flags=re.MULTILINE)
        assert ANY_COLAB_LINK.findall(row) == [hosted.colab_url(name)]
    assert len(ANY_COLAB_LINK.findall(README)) == len(NOTEBOOKS)


def test_the_map_in_00_has_one_colab_link_per_core_notebook_from_the_setting():
    (table,) = [source(cell) for cell in load(START_HERE)["cells"]
                if source(cell).startswith("## The map")]
    links = ANY_COLAB_LINK.findall(table)
    assert links == [hosted.colab_url(registry.relative(path)) for path in CORE]
    every_link = [link for path in NOTEBOOKS for link in ANY_COLAB_LINK.findall(markdown(path))]
    assert every_link == links  # no other notebook carries a link that could go stale


def test_changing_the_setting_moves_every_link():
    moved = hosted.rewrite_colab_links(README, "someone/fork", "dev")
    links = ANY_COLAB_LINK.findall(moved)
    assert len(links) == len(NOTEBOOKS)
    assert all(link.startswith(
        "https://colab.research.google.com/github/someone/fork/blob/dev/notebooks/"
    ) for link in links)
    assert hosted.rewrite_colab_links(moved) == README


def test_readme_and_notebooks_are_what_the_tool_would_write():
    """`python -m tools.hosted` would change nothing: links, first cells and the range
    table are all generated from the setting and the declared range."""
    assert hosted.rewrite_readme(README) == README
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        before = nbformat.writes(notebook)
        assert nbformat.writes(hosted.rewrite_notebook(notebook)) == before, path.name


def test_the_tool_inserts_a_missing_first_cell_before_the_first_code_cell():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A new notebook"),
        nbformat.v4.new_code_cell("import lstm_teach as lt"),
    ])
    rewritten = hosted.rewrite_notebook(notebook)
    assert [cell.cell_type for cell in rewritten.cells] == ["markdown", "code", "code"]
    assert rewritten.cells[1].source == hosted.setup_cell_source()
    assert rewritten.cells[2].source == "import lstm_teach as lt"
    assert nbformat.writes(hosted.rewrite_notebook(rewritten)) == nbformat.writes(rewritten)


def test_the_map_links_a_notebook_once_its_file_exists():
    """A map row may come before its notebook (another branch writes it): the tool marks it
    NOT_YET, and puts the Colab link there when the file appears; other cells stay put."""
    text = (
        "## The map\n\n| notebook | what you learn | minutes | open online |\n|---|---|---|---|\n"
        f"| **01 · one** | a · b | ~20 | [Open in Colab]({hosted.colab_url('01_one.ipynb')}) |\n"
        f"| **09 · nine** | c | ~25 | {hosted.NOT_YET} |\n\nAbout 45 minutes in all.\n"
    )
    assert hosted.fill_map(text, ["01_one.ipynb"]) == text
    linked = hosted.fill_map(text, ["01_one.ipynb", "09_nine_later.ipynb"])
    assert linked == text.replace(
        hosted.NOT_YET, f"[Open in Colab]({hosted.colab_url('09_nine_later.ipynb')})"
    )
    assert hosted.fill_map(linked, ["09_nine_later.ipynb"]) == linked.replace(
        f"[Open in Colab]({hosted.colab_url('01_one.ipynb')})", hosted.NOT_YET
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    rewritten = hosted.rewrite_notebook(notebook, ["01_one.ipynb", "09_nine_later.ipynb"])
    assert rewritten.cells[0].source == linked


# --- the supported range in the README ------------------------------------------------------


def test_readme_states_the_range_next_to_the_pins():
    table = README.split(hosted.RANGE_START, 1)[1].split(hosted.RANGE_END, 1)[0].strip()
    assert table == hosted.range_table()
    pins = {
        Requirement(line).name: next(iter(Requirement(line).specifier)).version
        for line in read_pins(ROOT)
    }
    supported = hosted.ranges()
    assert supported == supported_ranges(
        metadata_requirements(read_pyproject(ROOT)), read_pins(ROOT)
    )
    rows = [line.split("|")[1:-1] for line in table.splitlines()[2:]]
    assert len(rows) == len(supported) == 3
    for (package, specifier), row in zip(supported.items(), rows, strict=True):
        name, oldest, newest, pinned = (cell.strip() for cell in row)
        assert name.lower().startswith(package)
        pin = pins["tensorflow-cpu" if package == "tensorflow" else package]
        assert oldest == oldest_supported()[package] and pinned == pin
        major, minor = newest.removesuffix(".x").split(".")
        assert SpecifierSet(specifier).contains(f"{major}.{minor}.99")
        assert not SpecifierSet(specifier).contains(f"{major}.{int(minor) + 1}.0")
    assert "## Study without installing" in README


# --- the first cell -------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_notebook_starts_with_the_setup_cell(path):
    """...stating the lstm_teach version the notebook needs (the newest among the names
    of the package it uses)."""
    cell = first_code_cell(path)
    _, names = hosted.read_release()
    needs = hosted.needed_version(load(path), names)
    assert source(cell) == hosted.setup_cell_source(needs=needs)
    assert f'prepare(needs="{needs}", source=SOURCE)' in source(cell)
    assert "tags" not in cell["metadata"]  # nbval compares it, nothing skips or hides it


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_first_cell_was_saved_at_exactly_the_pins(path):
    outputs = first_code_cell(path)["outputs"]
    assert [output["output_type"] for output in outputs] == ["stream"]
    assert "".join(outputs[0]["text"]).startswith("Exactly the pins:")


def test_the_first_cell_installs_only_lstm_teach_from_the_repository():
    text = hosted.setup_cell_source()
    urls = re.findall(r"https?://[^\s\"']+", text)
    assert urls == [hosted.install_source()]
    assert '"--no-deps"' in text  # so pip leaves the service's TensorFlow and Keras alone


def test_the_tool_replaces_an_earlier_first_cell_instead_of_adding_one():
    """A notebook saved with the 0.2.0 cell (fifty lines) gets the short one in its place."""
    earlier = ("# The first cell of every notebook. Where lstm_teach, the course's helper package, "
               "is\n# missing ...\nimport importlib.util\n\nNEEDS = \"0.2.0\"\n"
               "importlib.import_module(\"lstm_teach.versions\").check_setup()")
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A notebook"),
        nbformat.v4.new_code_cell(earlier),
        nbformat.v4.new_code_cell("import lstm_teach as lt"),
    ])
    rewritten = hosted.rewrite_notebook(notebook)
    assert [cell.source for cell in rewritten.cells[1:]] == [
        hosted.setup_cell_source(), "import lstm_teach as lt"
    ]


def test_every_notebook_needs_at_least_what_its_first_cell_uses():
    """The cell imports lstm_teach.first_cell, so even a notebook using nothing else of the
    package needs the version that added it."""
    _, names = hosted.read_release()
    plain = hosted.rewrite_notebook(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("print(1)")]))
    needs = hosted.since(names)["lstm_teach.first_cell.prepare"]
    assert f'prepare(needs="{needs}", source=SOURCE)' in plain.cells[0].source


# --- the second environment's checks -------------------------------------------------------


def executed(*cells: tuple[str, list[str], list[dict]]) -> nbformat.NotebookNode:
    """A notebook as nbclient leaves it: (source, tags, outputs) per code cell."""
    notebook = nbformat.v4.new_notebook()
    for text, tags, outputs in cells:
        cell = nbformat.v4.new_code_cell(text, metadata={"tags": tags} if tags else {})
        cell.outputs = [nbformat.from_dict(output) for output in outputs]
        notebook.cells.append(cell)
    return notebook


ERROR = {"output_type": "error", "ename": "AssertionError", "evalue": "12 != 13",
         "traceback": []}
WITHIN = {"output_type": "stream", "name": "stdout",
          "text": "Within the supported range: keras 3.5.0 (pinned 3.15.1). ...\n"}


def test_a_cell_that_raises_untagged_fails_the_notebook():
    notebook = executed(("setup()", [], [WITHIN]), ("assert count == 13", [], [ERROR]))
    (failure,) = supported_range.cell_failures(notebook)
    assert failure == "cell 1 (assert count == 13) raised AssertionError: 12 != 13"


def test_a_tagged_cell_must_still_raise():
    notebook = executed(("lstm.kernel_c", ["raises-exception"], []),
                        ("lstm.bias_c", ["raises-exception"], [ERROR]))
    assert supported_range.cell_failures(notebook) == [
        "cell 0 (lstm.kernel_c) is tagged raises-exception but raised nothing"
    ]


def test_the_first_cell_must_say_within_the_supported_range():
    assert supported_range.standing_failures(executed(("setup()", [], [WITHIN]))) == []
    pinned = {**WITHIN, "text": "Exactly the pins: ...\n"}
    (failure,) = supported_range.standing_failures(executed(("setup()", [], [pinned])))
    assert "Within the supported range" in failure and "Exactly the pins" in failure


def test_the_second_environment_takes_the_oldest_end_and_no_lstm_teach():
    requirements = [Requirement(line) for line in [
        "numpy==2.4.6", "matplotlib==3.11.2", "ipykernel==7.4.0", "jupyterlab==4.6.6",
        "jsonschema==4.23.0", "keras==3.15.1", "tensorflow-cpu==2.21.0",
    ]]
    oldest = oldest_supported()
    assert supported_range.oldest_requirements(requirements) == [
        f"numpy=={oldest['numpy']}", "matplotlib==3.11.2", "ipykernel==7.4.0",
        f"keras=={oldest['keras']}", f"tensorflow-cpu=={oldest['tensorflow']}",
    ]


def test_the_second_environment_is_built_from_this_platforms_pins():
    wanted = supported_range.oldest_requirements(supported_range.runtime_requirements())
    names = [Requirement(line).name for line in wanted]
    assert "lstm-teach" not in names and "jupyterlab" not in names
    assert len([name for name in names if name.startswith("tensorflow")]) == 1
    report = check_versions()
    tensorflow = next(row.package for row in report.rows if row.package.startswith("tensorflow"))
    assert f"{tensorflow}=={oldest_supported()['tensorflow']}" in wanted


def test_the_oldest_keras_and_numpy_must_be_what_the_oldest_tensorflow_accepts():
    oldest = oldest_supported()
    declared = [f"keras>={oldest['keras']}", f"numpy<2.1.0,>={oldest['numpy']}", "absl-py>=1.0.0",
                'pytest; extra == "test"']
    assert supported_range.floor_failures(declared) == []
    newer_floor = [f"keras>={oldest['keras']}.post1", f"numpy>={oldest['numpy']}"]
    (failure,) = supported_range.floor_failures(newer_floor)
    assert failure.startswith(f"TensorFlow {oldest['tensorflow']} accepts keras from")
    assert len(supported_range.floor_failures(["absl-py"])) == 2


def test_lstm_teach_metadata_in_the_current_folder_does_not_count_as_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The test command's editable install leaves lstm_teach.egg-info in the checkout, where
    CI then runs the supported-range check; the second environment must not see it."""
    import venv

    bare = tmp_path / "bare-venv"
    venv.EnvBuilder(with_pip=False).create(bare)
    checkout = tmp_path / "checkout"
    (checkout / "lstm_teach.egg-info").mkdir(parents=True)
    (checkout / "lstm_teach.egg-info" / "PKG-INFO").write_text(
        "Metadata-Version: 2.1\nName: lstm-teach\nVersion: 0.1.0\n"
    )
    monkeypatch.chdir(checkout)
    assert supported_range.installed_versions(supported_range.venv_python(bare)) == {
        name: None for name in [*supported_range.TENSORFLOW_NAMES, "keras", "numpy", "lstm-teach"]
    }
