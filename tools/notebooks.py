"""The course's notebooks, in reading order: the one list every tool, test and benchmark reads.

The course has a **core** (notebooks/00_… to 05_…: the shortest path from "why 12, why 16"
to any shape and through time, with its exercises) and a **reference shelf**
(notebooks/reference/10_… and on), reached from the question index. `NOTEBOOKS` lists both,
core first; `paths()` gives the files that exist in a checkout. A shelf notebook may be
listed before its file exists (another branch is writing it): it is left out of `paths()`
until it appears, and `missing()` names it. `replaces` says which notebook of the layout
before the split held its content, so a link to the new place can still be checked while the
old file is the one on disk (tests/test_claims.py).

`minutes()` is the course's fixed reading-time formula (prose words / 180 + code lines / 8 +
text output lines / 30 + half a minute per picture), the same one as
`../shared/tools/reading_time.py`, so the map in notebook 00, the README and the instructor
notes can quote times a test recomputes.

    python -m tools.notebooks           prints every notebook with its minutes, and the core's total
    python -m tools.notebooks --write   rewrites the map in 00, each core notebook's stated
                                        minutes and the README's notebook tables
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent

CORE_BUDGET_MINUTES = 150
START_BUDGET_MINUTES = 8


@dataclass(frozen=True)
class Notebook:
    """One notebook of the course: where it is (under notebooks/), its title, its part."""

    path: str
    title: str
    part: str  # "core" or "reference"
    summary: str  # what you learn, for the map in 00 and the README
    replaces: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The file name, e.g. 10_history_and_porting.ipynb."""
        return PurePosixPath(self.path).name

    @property
    def number(self) -> str:
        """The two digits the file name starts with."""
        return self.name[:2]

    def file(self, root: Path = ROOT) -> Path:
        return root / "notebooks" / self.path


CORE: tuple[Notebook, ...] = (
    Notebook("00_start_here.ipynb", "start here", "core",
             "what the course answers, how to work through it, whether your setup is ready, "
             "the map and the question index"),
    Notebook("01_twelve_parameters.ipynb", "why an LSTM, and twelve parameters", "core",
             "a SimpleRNN and an LSTM trained on a memory task, why gates, where each of the 12 "
             "parameters of `LSTM(1)` lives, the source answer's code in Keras 3, one step in "
             "six lines of NumPy checked against Keras"),
    Notebook("02_sixteen_parameters.ipynb", "sixteen parameters", "core",
             "the four weights a second feature adds, why features are not processed "
             "separately (the rival run beside the layer), one C per unit, each path as a "
             "Dense layer on [x_t, h_{t−1}]"),
    Notebook("03_any_shape.ipynb", "any shape", "core",
             "the formula checked against Keras on twenty shapes, where the parameters sit "
             "and what makes the count grow, three misconceptions run against the truth, "
             "`return_sequences`, stacked and bidirectional layers"),
    Notebook("04_through_time.ipynb", "through time", "core",
             "every step of a sequence reproduced in NumPy, what Keras returns, the gates and C "
             "over time, a joint LSTM against one LSTM per feature, trained"),
    Notebook("05_exercises.ipynb", "exercises", "core",
             "seven questions to predict first (counts, shapes, a summary, a gate, the source's "
             "wrong sentence), checked by code that names the usual slips",
             replaces=("06_exercises.ipynb",)),
)
REFERENCE: tuple[Notebook, ...] = (
    Notebook("reference/10_history_and_porting.ipynb", "history and porting", "reference",
             "answers written for Keras 1 and 2 read in Keras 3: `kernel_c`, `input_dim`, "
             "`CuDNNLSTM`, `hard_sigmoid`, `reset_after`, and loading their weights",
             replaces=("07_old_answers_today.ipynb",)),
    Notebook("reference/11_other_cells.ipynb", "other cells", "reference",
             "which equations Keras computes, peepholes, PyTorch's two biases, GRU and SimpleRNN",
             replaces=("05_other_cells.ipynb",)),
    Notebook("reference/12_state_and_batches.ipynb", "state and batches", "reference",
             "the batch size, `stateful=True`, a long series as windows, `return_state`",
             replaces=("08_state_and_batches.ipynb",)),
    Notebook("reference/13_more_exercises.ipynb", "more exercises", "reference",
             "more counts to predict: a realistic layer, a port from PyTorch, a GRU, both "
             "directions"),
    Notebook("reference/14_masks_and_padding.ipynb", "masks and padding", "reference",
             "sequences of different lengths: `Masking`, `mask_zero`, what a masked step "
             "outputs"),
    Notebook("reference/15_bidirectional_and_wrappers.ipynb", "bidirectional and wrappers",
             "reference", "what `Bidirectional` returns, `merge_mode`, the two directions' "
             "alignment and states"),
    Notebook("reference/16_dropout_and_cudnn.ipynb", "dropout and cuDNN", "reference",
             "`dropout` and `recurrent_dropout`, and when Keras uses the fused cuDNN kernel"),
    Notebook("reference/17_layers_around_an_lstm.ipynb", "the layers around an LSTM",
             "reference", "Embedding, Dense heads, `TimeDistributed`, encoder-decoder state "
             "passing"),
    Notebook("reference/18_your_own_model.ipynb", "your own model", "reference",
             "`lt.explain`: your model's counts, explained and checked against Keras"),
    Notebook("reference/19_more_questions.ipynb", "more questions", "reference",
             "PyTorch's stacked, bidirectional and projected LSTMs, ONNX's gate order, a "
             "stateful model with another batch size, GRU's update, the forget bias at 1"),
)
NOTEBOOKS: tuple[Notebook, ...] = CORE + REFERENCE


def paths(root: Path = ROOT, part: str | None = None) -> list[Path]:
    """The files of the listed notebooks that exist under root/notebooks, in reading order
    (only the core or only the reference shelf when `part` says so)."""
    if part not in (None, "core", "reference"):
        raise ValueError(f"part must be 'core', 'reference' or None, got {part!r}")
    return [notebook.file(root) for notebook in NOTEBOOKS
            if (part is None or notebook.part == part) and notebook.file(root).exists()]


def missing(root: Path = ROOT) -> list[Notebook]:
    """Listed notebooks whose file is not (yet) in this checkout."""
    return [notebook for notebook in NOTEBOOKS if not notebook.file(root).exists()]


def find(name: str) -> Notebook:
    """The notebook with this file name or path under notebooks/."""
    for notebook in NOTEBOOKS:
        if name in (notebook.name, notebook.path):
            return notebook
    raise KeyError(f"{name!r} is not a notebook of the course; the course's notebooks are "
                   f"listed in tools/notebooks.py")


def present(name: str, root: Path = ROOT) -> Path:
    """The file holding a listed notebook's content in this checkout: its own file, or, while
    that is not here yet, the notebook of the old layout it replaces."""
    notebook = find(name)
    for candidate in (notebook.path, *notebook.replaces):
        if (root / "notebooks" / candidate).exists():
            return root / "notebooks" / candidate
    raise FileNotFoundError(f"{notebook.path} is not in this checkout, nor is any notebook it "
                            f"replaces ({', '.join(notebook.replaces) or 'none'})")


def content_files(root: Path = ROOT) -> list[Path]:
    """Where the course's content is in this checkout, in reading order: each listed
    notebook's file, or, while it is not here yet, the old-layout notebooks it replaces."""
    found: list[Path] = []
    for notebook in NOTEBOOKS:
        for candidate in (notebook.path, *notebook.replaces):
            file = root / "notebooks" / candidate
            if file.exists() and file not in found:
                found.append(file)
                break
    return found


def relative(path: Path, root: Path = ROOT) -> str:
    """A notebook's path under notebooks/, with forward slashes (reference/10_….ipynb)."""
    return path.resolve().relative_to((root / "notebooks").resolve()).as_posix()


# --- reading time ------------------------------------------------------------------------

WORD = re.compile(r"\w+")


def _cell_minutes(cell: dict) -> float:
    """One cell's share of the formula."""
    source = "".join(cell["source"])
    if cell["cell_type"] == "markdown":
        return len(WORD.findall(source)) / 180
    if cell["cell_type"] != "code":
        return 0.0
    code = sum(1 for line in source.splitlines()
               if line.strip() and not line.strip().startswith("#"))
    shown = pictures = 0
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data or "image/svg+xml" in data:
            pictures += 1
        elif output.get("output_type") == "stream":
            shown += len("".join(output["text"]).splitlines())
        elif "text/plain" in data:
            shown += len("".join(data["text/plain"]).splitlines())
    return code / 8 + shown / 30 + pictures * 0.5


def minutes(path: Path) -> float:
    """Minutes a learner needs for the notebook, by the course's one fixed formula: prose
    words / 180 + code lines / 8 + text output lines / 30 + 0.5 per picture. Code lines are
    non-blank lines not starting with #; output lines count stream and text/plain outputs
    that show no picture."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return sum(_cell_minutes(cell) for cell in notebook["cells"])


def sections(path: Path) -> dict[str, float]:
    """Minutes by the same formula for each section of the notebook: "opening" (title and
    set-up), then one per level-2 heading ("## …"), each from the cell that holds the heading
    to the cell before the next one. Workshop plans quote these."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    found = {"opening": 0.0}
    current = "opening"
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            headings = re.findall(r"^## (.+)$", "".join(cell["source"]), flags=re.MULTILINE)
            if headings:
                current = headings[0].strip()
                found.setdefault(current, 0.0)
        found[current] += _cell_minutes(cell)
    return found


# --- the map in notebook 00 and the README's notebook table --------------------------------

MAP_HEADING = "## The map"
README_START = "<!-- notebook table: written by python -m tools.notebooks --write -->"
README_END = "<!-- end of notebook table -->"
STATED = re.compile(r"\*About \d+ minutes\.\*")


def rounded_minutes(root: Path = ROOT) -> dict[str, int]:
    """Whole minutes of every core notebook in this checkout, by `minutes()`."""
    return {notebook.path: round(minutes(notebook.file(root)))
            for notebook in CORE if notebook.file(root).exists()}


def map_markdown(root: Path = ROOT) -> str:
    """The map cell of notebook 00: the core in order with minutes and Colab links, the
    reference shelf as links by title."""
    from tools import hosted

    taken = rounded_minutes(root)
    rows = [f"| **{notebook.number} · {notebook.title}** | ~{taken[notebook.path]} | "
            f"[Open in Colab]({hosted.colab_url(notebook.path)}) |"
            for notebook in CORE if notebook.path in taken]
    shelf = " · ".join(f"[{notebook.number} · {notebook.title}]({notebook.path})"
                       for notebook in REFERENCE)
    return "\n".join([
        MAP_HEADING, "",
        f"**The core**, in order, about {sum(taken.values())} minutes:", "",
        "| notebook | minutes | open online |", "|---|---|---|", *rows, "",
        f"**The reference shelf**, to open when a question sends you there: {shelf}.",
    ])


def readme_table(root: Path = ROOT) -> str:
    """The README's notebook tables (core, then reference shelf), between its markers."""
    from tools import hosted

    taken = rounded_minutes(root)

    def row(notebook: Notebook, minutes_text: str) -> str:
        return (f"| `notebooks/{notebook.path}` | {notebook.summary} | {minutes_text} | "
                f"[Open in Colab]({hosted.colab_url(notebook.path)}) |")

    core = [row(notebook, f"~{taken[notebook.path]}") for notebook in CORE
            if notebook.path in taken]
    present = [notebook for notebook in REFERENCE if notebook.file(root).exists()]
    planned = [notebook for notebook in REFERENCE if not notebook.file(root).exists()]
    shelf = [row(notebook, "as needed") for notebook in present]
    lines = [
        "### The core", "",
        f"The shortest path from \"why 12, why 16\" to any shape and through time, with its "
        f"exercises: about {sum(taken.values())} minutes by the course's reading-time formula "
        f"(a learner's afternoon, a 3-hour workshop). Work through it in order.", "",
        "| notebook | you learn | minutes | open online |", "|---|---|---|---|", *core, "",
        "### The reference shelf", "",
        "Notebooks to open when a question sends you there (the question index below links "
        "each question to its cell); each says what to read first.", "",
    ]
    if shelf:
        lines += ["| notebook | you learn | minutes | open online |", "|---|---|---|---|",
                  *shelf, ""]
    if planned:
        lines += ["Coming to the shelf: " + "; ".join(
            f"{notebook.number} · {notebook.title} ({notebook.summary})"
            for notebook in planned) + ".", ""]
    return "\n".join(lines).rstrip()


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def write(root: Path = ROOT) -> None:
    """Rewrite the map in notebook 00, each core notebook's "*About N minutes.*" and the
    README's notebook tables from this list and the formula (twice: 00's own minutes
    depend on its map)."""
    import nbformat

    for _ in range(2):
        taken = rounded_minutes(root)
        for notebook in CORE:
            file = notebook.file(root)
            if not file.exists():
                continue
            document = nbformat.read(file, as_version=4)
            first = document.cells[0]
            first.source = STATED.sub(f"*About {taken[notebook.path]} minutes.*", first.source)
            if notebook is CORE[0]:
                for cell in document.cells:
                    if cell.cell_type == "markdown" and cell.source.startswith(MAP_HEADING):
                        cell.source = map_markdown(root)
            nbformat.write(document, file)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    before, rest = text.split(README_START, 1)
    _, after = rest.split(README_END, 1)
    readme.write_text(f"{before}{README_START}\n{readme_table(root)}\n{README_END}{after}",
                      encoding="utf-8")


def main() -> None:
    if sys.argv[1:] == ["--write"]:
        write()
        print("wrote the map in 00, the stated minutes and the README's notebook tables",
              file=sys.stderr)
        return
    core_total = 0.0
    for notebook in NOTEBOOKS:
        file = notebook.file()
        if not file.exists():
            print(f"{notebook.path:52} not in this checkout yet")
            continue
        taken = minutes(file)
        core_total += taken if notebook.part == "core" else 0.0
        print(f"{notebook.path:52} {taken:6.1f} min  ({notebook.part})")
    print(f"{'core':52} {core_total:6.1f} min  (budget {CORE_BUDGET_MINUTES})")


if __name__ == "__main__":
    main()
