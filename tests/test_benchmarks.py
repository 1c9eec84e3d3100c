"""The benchmark tools: the README's table block and the notebook profiler."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import suite

ROOT = suite.ROOT


def test_readme_table_block_is_replaced_and_nothing_else():
    readme = f"intro\n{suite.TABLE_START}\nold table\n{suite.TABLE_END}\noutro\n"
    updated = suite.readme_with_table(readme, "| new |")
    assert updated == f"intro\n{suite.TABLE_START}\n| new |\n{suite.TABLE_END}\noutro\n"
    assert suite.readme_with_table(updated, "| new |") == updated


@pytest.mark.parametrize(
    "readme",
    ["no markers at all", f"{suite.TABLE_START}\n{suite.TABLE_START}\n{suite.TABLE_END}"],
)
def test_readme_without_exactly_one_table_block_is_refused(readme):
    with pytest.raises(ValueError, match="must hold"):
        suite.readme_with_table(readme, "| t |")


def test_the_readme_has_the_block_the_benchmark_writes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert suite.readme_with_table(readme, "| t |").count("| t |") == 1


@pytest.mark.slow  # a fresh Python
def test_profiler_times_each_code_cell_and_counts_garbage_collections(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# not timed"),
        nbformat.v4.new_code_cell("import gc\nprint('cell output 7f3a')"),
        nbformat.v4.new_code_cell("for _ in range(3):\n    gc.collect()"),
    ])
    (tmp_path / "course").mkdir()
    nbformat.write(notebook, tmp_path / "course" / "tiny.ipynb")
    result = subprocess.run(  # a relative path, as a contributor would type it
        [sys.executable, str(ROOT / "benchmarks" / "profile_notebook.py"), "course/tiny.ipynb"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith("tiny.ipynb: 2 code cells, ")
    passes = int(lines[1].split("garbage collection: ")[1].split(" passes")[0])
    assert passes >= 3
    assert any(line.endswith("s  import gc") for line in lines)
    assert "cell output 7f3a" not in result.stdout  # cells' own prints are kept out


def test_classroom_table_says_where_a_limit_breaks():
    import classroom

    rows = [classroom.Classroom(1, 4.0, 4.0, 600.0, 1),
            classroom.Classroom(5, 10.0, 11.0, 3000.0, 5),
            classroom.Classroom(10, 20.0, 13.0, 6000.0, 9)]
    text = classroom.table(rows, "04_through_time.ipynb")
    assert "| 5 | 10.0 | 11.0 | 2.8 | 3,000 | 600 | 5 of 5 |" in text
    assert "Time limit: broken at 10 learners" in text  # 13.0 > 3 × 4.0
    assert "memory limit: held up to 10" in text
    assert "Some learners' outputs differed" in text


def test_classroom_compares_what_a_learner_reads():
    import classroom

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print(1)", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="1\n"),
            nbformat.v4.new_output("stream", name="stderr", text="a warning\n")]),
        nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/plain": "12", "image/png": "iVBOR"},
            execution_count=2)]),
    ])
    assert classroom.visible_outputs(notebook) == [["1\n"], ["12"]]  # stderr and PNG left out


def test_failed_nbval_cells_are_named_from_pytests_summary():
    output = (
        "....F.\n"
        "FAILED notebooks/02_sixteen_parameters.ipynb::Cell 20 - \x1b[91mNotebook cell "
        "execution failed\x1b[0m\n"
        "FAILED notebooks/reference/11_other_cells.ipynb::Cell 3 - assert ...\n"
        "2 failed, 196 passed in 30.0s\n"
    )
    assert suite.failed_notebook_cells(output) == [
        "02_sixteen_parameters.ipynb Cell 20", "11_other_cells.ipynb Cell 3"]


def test_a_failure_becomes_one_line_for_the_table():
    error = RuntimeError("An error occurred while executing the following cell:\n-----\n"
                         "assert x == 12\n-----\n\x1b[31mAssertionError\x1b[0m: x | y was 16")
    failed = suite.attempt(lambda: (_ for _ in ()).throw(error))
    assert isinstance(failed, suite.Failed)
    assert str(failed) == "RuntimeError: AssertionError: x / y was 16"
    assert suite.attempt(lambda: 7) == 7


def test_the_table_reports_what_failed_and_carries_on(monkeypatch, tmp_path):
    """A notebook that raises, a failing nbval run and a server that does not start are
    rows saying FAILED and why; everything else is still measured and shown."""
    import projector
    import widget_latency

    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("01_fine", "02_broken"):
        notebook = nbformat.v4.new_notebook(metadata={"probe": name})
        nbformat.write(notebook, folder / f"{name}.ipynb")
    monkeypatch.setattr(suite, "NOTEBOOKS", sorted(folder.glob("*.ipynb")))
    runs = []

    def run_notebook(notebook, where=None):
        runs.append(notebook.metadata.get("probe", "floor"))
        if runs[-1] == "floor":
            return suite.Run(0.5, 2.0, 1.5, 500.0)
        if runs[-1] == "02_broken":
            raise RuntimeError("cell 4 raised\nValueError: units must be positive")
        return suite.Run(0.5, 3.0, 1.5, 600.0)

    monkeypatch.setattr(suite, "run_notebook", run_notebook)

    def nbval(workers):
        raise suite.Failed("nbval failed after 30 s: 02_broken.ipynb Cell 4")

    monkeypatch.setattr(suite, "nbval_seconds", nbval)
    monkeypatch.setattr(suite, "quick_tier_seconds", lambda: 30.0)
    monkeypatch.setattr(widget_latency, "measure", lambda changes: {
        "param_explorer": widget_latency.Latency(20.0, 30.0, 40.0, 40.0)})

    def no_server(rounds):
        raise RuntimeError("Voila exited with code 1")

    monkeypatch.setattr(projector, "measure", no_server)
    monkeypatch.setattr(suite.explain_benchmark, "table_lines",
                        lambda: (["| `lt.explain` row |"], ["text"]))
    table, missed = suite.build_table(rounds=2, skip_nbval=False)
    assert "| 01_fine.ipynb | 5.00 | 600 | 1.25 | 1.20 | met |" in table
    assert ("| 02_broken.ipynb | — | — | — | — | FAILED: RuntimeError: ValueError: units "
            "must be positive |") in table
    assert "| — | 4.00 | 5.2 | FAILED: nbval failed after 30 s: 02_broken.ipynb Cell 4 |" in table
    assert "| 30.0 | 4.00 | 7.5 | met |" in table  # the quick tier: 30 s against a 4 s floor
    assert "| param_explorer | 20.0 | 30.0 | 40.0 | 40.0 | 0.50 | 0.75 | met |" in table
    assert "| — | — | 4.00 | — | FAILED: RuntimeError: Voila exited with code 1 |" in table
    assert "| `lt.explain` row |" in table
    assert missed == ["02_broken.ipynb", "nbval suite", "projector app", "explain (text)"]
    # warm-up floor, then two rounds; the broken notebook is not run again after failing;
    # then a floor before and after each nbval round, the quick tier and the projector app
    assert runs == ["floor", "floor", "01_fine", "02_broken", "floor", "01_fine",
                    *["floor"] * (2 * 2 + 2 + 2)]
    assert table.endswith(
        "Missed: 02_broken.ipynb, nbval suite, projector app, explain (text).")


def test_a_widget_is_held_to_its_own_plain_redraw():
    from widget_latency import Latency

    assert Latency(median=40, p95=80, worst=90, plain=40).met  # 1× and 2×: on the line
    assert not Latency(median=41, p95=60, worst=90, plain=40).met
    assert not Latency(median=20, p95=81, worst=90, plain=40).met
