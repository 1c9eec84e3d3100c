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

    python -m tools.notebooks     prints every notebook with its minutes, and the core's total
"""

from __future__ import annotations

import json
import re
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
    Notebook("00_start_here.ipynb", "Start here", "core"),
    Notebook("01_twelve_parameters.ipynb", "Why an LSTM, and its twelve parameters", "core"),
    Notebook("02_sixteen_parameters.ipynb", "Sixteen parameters: a second feature", "core"),
    Notebook("03_any_shape.ipynb", "Any shape: one formula for every LSTM", "core"),
    Notebook("04_through_time.ipynb", "Through time: one layer, many steps", "core"),
    Notebook("05_exercises.ipynb", "Exercises: predict, then check", "core",
             replaces=("06_exercises.ipynb",)),
)
REFERENCE: tuple[Notebook, ...] = (
    Notebook("reference/10_history_and_porting.ipynb", "History and porting", "reference",
             replaces=("07_old_answers_today.ipynb",)),
    Notebook("reference/11_other_cells.ipynb", "Other cells: GRU, SimpleRNN, PyTorch",
             "reference", replaces=("05_other_cells.ipynb",)),
    Notebook("reference/12_state_and_batches.ipynb", "State and batches", "reference",
             replaces=("08_state_and_batches.ipynb",)),
    Notebook("reference/13_more_exercises.ipynb", "More exercises", "reference"),
    Notebook("reference/14_masks_and_padding.ipynb", "Masks and padding", "reference"),
    Notebook("reference/15_bidirectional_and_wrappers.ipynb", "Bidirectional and wrappers",
             "reference"),
    Notebook("reference/16_dropout_and_cudnn.ipynb", "Dropout and cuDNN", "reference"),
    Notebook("reference/17_layers_around_an_lstm.ipynb", "The layers around an LSTM",
             "reference"),
    Notebook("reference/18_your_own_model.ipynb", "Your own model", "reference"),
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


def relative(path: Path, root: Path = ROOT) -> str:
    """A notebook's path under notebooks/, with forward slashes (reference/10_….ipynb)."""
    return path.resolve().relative_to((root / "notebooks").resolve()).as_posix()


# --- reading time ------------------------------------------------------------------------

WORD = re.compile(r"\w+")


def minutes(path: Path) -> float:
    """Minutes a learner needs for the notebook, by the course's one fixed formula: prose
    words / 180 + code lines / 8 + text output lines / 30 + 0.5 per picture. Code lines are
    non-blank lines not starting with #; output lines count stream and text/plain outputs
    that show no picture."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    words = code = shown = pictures = 0
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            words += len(WORD.findall(source))
        elif cell["cell_type"] == "code":
            code += sum(1 for line in source.splitlines()
                        if line.strip() and not line.strip().startswith("#"))
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "image/png" in data or "image/svg+xml" in data:
                    pictures += 1
                elif output.get("output_type") == "stream":
                    shown += len("".join(output["text"]).splitlines())
                elif "text/plain" in data:
                    shown += len("".join(data["text/plain"]).splitlines())
    return words / 180 + code / 8 + shown / 30 + pictures * 0.5


def main() -> None:
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
