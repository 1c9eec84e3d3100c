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
