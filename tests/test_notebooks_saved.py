"""Every notebook is saved as one clean top-to-bottom run, so nbval has outputs to compare
and a reader without a kernel sees exactly what a fresh run shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools import notebooks as registry

NOTEBOOKS = registry.paths()  # core and reference shelf (tools/notebooks.py)

# Things that differ between machines or runs and must never be saved in an output.
UNSTABLE = {
    "a machine path": re.compile(r"(/home/|/root/|/Users/|/tmp/|[A-Za-z]:\\\\|site-packages)"),
    "a memory address": re.compile(r"0x[0-9a-fA-F]{6,}"),
    "an auto-generated layer name": re.compile(r"\b(lstm|sequential|functional|dense)_\d+\b"),
    "a timing": re.compile(r"\b\d+(\.\d+)?\s?(ms|s)/(step|epoch)\b|\bWall time\b"),
    "an ANSI colour code": re.compile(r"\x1b\["),
}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(notebook: dict) -> list[dict]:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def output_text(output: dict) -> str:
    """Everything an output shows as text; a traceback's own colour codes are removed."""
    traceback = ANSI.sub("", "\n".join(output.get("traceback", [])))
    parts = [output.get("text", ""), output.get("evalue", ""), traceback]
    for kind, value in output.get("data", {}).items():
        if kind.startswith("text/"):
            parts.append(value)
    return "".join("".join(part) if isinstance(part, list) else part for part in parts)


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_kernelspec_is_python3(path):
    assert load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_saved_from_one_top_to_bottom_run(path):
    cells = code_cells(load(path))
    counts = [cell["execution_count"] for cell in cells]
    assert None not in counts, "a code cell was saved without being run (or is empty)"
    assert counts == list(range(1, len(cells) + 1)), f"run out of order or twice: {counts}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_only_expected_errors(path):
    for cell in code_cells(load(path)):
        errors = [output for output in cell["outputs"] if output["output_type"] == "error"]
        expected = "raises-exception" in cell["metadata"].get("tags", [])
        assert bool(errors) == expected, "".join(cell["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_outputs_are_stable(path):
    for cell in code_cells(load(path)):
        for output in cell["outputs"]:
            if output.get("name") == "stderr":
                pytest.fail(f"stderr saved in {path.name}: {output_text(output)[:200]}")
            text = output_text(output)
            for what, pattern in UNSTABLE.items():
                match = pattern.search(text)
                assert match is None, f"{what} ({match.group(0)!r}) in {path.name}"


# Keys that record when or how long a cell ran: nbclient's and JupyterLab's "execution"
# timestamps, the ExecuteTime extension's, and any ISO date-time anywhere in the metadata.
TIMING_KEYS = {"execution", "ExecuteTime"}
DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_metadata_holds_no_timings(path):
    """A re-save without timings must also drop the timestamps an earlier save left in
    cell metadata (nbclient keeps them when record_timing is off)."""
    notebook = load(path)
    assert DATE_TIME.search(json.dumps(notebook["metadata"])) is None
    for index, cell in enumerate(notebook["cells"]):
        found = TIMING_KEYS & set(cell["metadata"])
        assert not found, f"cell {index} of {path.name} keeps timings in metadata: {found}"
        text = json.dumps(cell["metadata"])
        assert DATE_TIME.search(text) is None, f"cell {index} of {path.name}: {text[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_ignored_outputs_say_why(path):
    """An nbval-ignore-output tag hides a cell from checking, so each one needs a reason."""
    for cell in code_cells(load(path)):
        if "nbval-ignore-output" in cell["metadata"].get("tags", []):
            assert cell["metadata"].get("lstm_teach", {}).get("why_output_varies"), (
                "".join(cell["source"])
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_widget_leaves_a_static_picture(path):
    """Viewers without a kernel (GitHub, nbviewer, HTML export) show image/png instead."""
    notebook = load(path)
    assert "widgets" not in notebook["metadata"], "saved with widget state: re-run execute"
    for cell in code_cells(notebook):
        for output in cell["outputs"]:
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                assert "image/png" in data, "".join(cell["source"])
                assert "text/plain" in data
