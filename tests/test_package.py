"""The package's shape: what importing it loads, its runnable examples, its names, and
the rule that only the learner-facing wrappers spell out a layer's six settings."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

import lstm_teach
from lstm_teach import counting, formatting, reference

#: What each import must leave unloaded: TensorFlow everywhere below the Keras bridge;
#: for the pictures also the widgets and pyplot (notebooks never need pyplot).
NO_TENSORFLOW = ("tensorflow", "keras")
IMPORTS = {
    "import lstm_teach; lstm_teach.count_params(1, 1)": NO_TENSORFLOW,
    "import lstm_teach as lt; lt.exercises.diagnose_count(None, 2, 3)": NO_TENSORFLOW,
    "import lstm_teach.exercises as e; e.diagnose_count(12, 1, 1)": NO_TENSORFLOW,
    "from lstm_teach.versions import check_versions; check_versions()": NO_TENSORFLOW,
    "import lstm_teach.diagrams as d; d.figure_png(d.weight_grid_figure(2, 2))": (
        *NO_TENSORFLOW, "ipywidgets", "matplotlib.pyplot",
    ),
    "import lstm_teach.widgets as w; w.param_explorer().static_png()": NO_TENSORFLOW,
}


@pytest.mark.parametrize("code", sorted(IMPORTS))
def test_import_leaves_heavy_modules_unloaded(code: str) -> None:
    banned = IMPORTS[code]
    probe = (
        f"{code}\nimport sys\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {banned!r}"
        f" or m in {banned!r}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("module", [counting, reference, formatting], ids=lambda m: m.__name__)
def test_docstring_examples_run(module: object) -> None:
    failures, attempted = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert attempted >= 2, "the module's docstrings should carry runnable examples"
    assert failures == 0


def test_dir_lists_the_lazily_loaded_names() -> None:
    names = dir(lstm_teach)
    for lazy in ("param_explorer", "weight_grid_figure", "build_lstm", "keras_count_params",
                 "exercises", "diagrams"):
        assert lazy in names
    assert set(lstm_teach.__all__) <= set(names)


LAYER_SETTINGS = {"units", "features", "cell", "use_bias", "convention", "reset_after"}
#: The keyword functions learners call in notebooks; everything else takes a LayerSpec
#: (a function that needs only a few settings, such as cell_diagram_figure, may take them).
LEARNER_WRAPPERS = {
    "count_params", "param_table", "formula", "weight_grid_figure", "unrolled_figure",
    "keras_count_params",
}


def _package_functions() -> dict[str, object]:
    found = {}
    for info in pkgutil.walk_packages(lstm_teach.__path__, "lstm_teach."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if getattr(value, "__module__", None) == module.__name__:
                found[f"{module.__name__}.{name}"] = value
    return found


def test_only_the_learner_wrappers_spell_out_the_layer_settings() -> None:
    spelled_out = []
    for qualified, value in _package_functions().items():
        members = [value]
        if inspect.isclass(value):
            members = [member for member in vars(value).values() if inspect.isfunction(member)]
        for function in members:
            if not callable(function) or inspect.isclass(function):
                continue
            try:
                parameters = set(inspect.signature(function).parameters)
            except (TypeError, ValueError):
                continue
            if len(parameters & LAYER_SETTINGS) >= 5 and value is not counting.LayerSpec:
                spelled_out.append(qualified.rsplit(".", 1)[1] if function is value
                                   else f"{qualified}.{function.__name__}")
    assert set(spelled_out) <= LEARNER_WRAPPERS, sorted(set(spelled_out) - LEARNER_WRAPPERS)
    assert {"count_params", "param_table", "formula", "weight_grid_figure",
            "unrolled_figure"} <= set(spelled_out)
