"""lstm-teach: why a Keras LSTM has 4·(features·units + units·units + units) parameters.

Layers, each importing only the ones before it:

- ``counting``: parameter arithmetic (pure Python);
- ``reference``: the LSTM cell in NumPy;
- ``keras_bridge``: real Keras layers (the only place TensorFlow is imported);
- ``diagrams``: matplotlib pictures drawn from the arithmetic and the reference;
- ``widgets``: ipywidgets explorers, thin glue over the diagrams.

``import lstm_teach`` loads the first two. The rest are reachable from here too (and
listed by ``dir``, so tab completion offers them), but each module (and TensorFlow,
matplotlib or ipywidgets) loads only when first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from lstm_teach.counting import (
    CELL_KINDS,
    CELLS,
    CONVENTIONS,
    GATES,
    CellKind,
    LayerSpec,
    ParamRow,
    ParamTable,
    count_params,
    formula,
    param_table,
)
from lstm_teach.formatting import below, signed, vector
from lstm_teach.reference import GateStep, LSTMResult, Step, lstm_forward, sigmoid
from lstm_teach.release import VERSION as _VERSION

#: The package version (lstm_teach/release.py): the first cell compares it with what its
#: notebook needs (lstm_teach/first_cell.py).
__version__ = _VERSION

_LAZY = {
    "batch_slots_figure": "diagrams",
    "bidirectional_figure": "diagrams",
    "cell_diagram_figure": "diagrams",
    "figure_png": "diagrams",
    "gates_over_time_figure": "diagrams",
    "masked_sequence_figure": "diagrams",
    "per_feature_figure": "diagrams",
    "training_curve_figure": "diagrams",
    "unrolled_figure": "diagrams",
    "weight_grid_figure": "diagrams",
    "cell_stepper": "widgets",
    "param_explorer": "widgets",
    "time_stepper": "widgets",
    "build_lstm": "keras_bridge",
    "build_rnn": "keras_bridge",
    "gate_weights": "keras_bridge",
    "keras": "keras_bridge",
    "keras_count": "keras_bridge",
    "keras_count_params": "keras_bridge",
    "keras_layer": "keras_bridge",
    "keras_lstm_forward": "keras_bridge",
    "keras_output": "keras_bridge",
    "lstm_weights": "keras_bridge",
    "set_lstm_weights": "keras_bridge",
    "summary_text": "keras_bridge",
    "explain": "explain",
}

__all__ = [
    "below",
    "CELLS",
    "CELL_KINDS",
    "CONVENTIONS",
    "GATES",
    "CellKind",
    "GateStep",
    "LSTMResult",
    "LayerSpec",
    "ParamRow",
    "ParamTable",
    "Step",
    "count_params",
    "formula",
    "lstm_forward",
    "param_table",
    "sigmoid",
    "signed",
    "vector",
    *_LAZY,
]


#: Modules reachable as attributes, e.g. lt.exercises.diagnose_count, loaded on first use.
_SUBMODULES = ("diagrams", "exercises", "keras_bridge", "versions", "widgets")


def __getattr__(name: str) -> Any:
    """Load a lazily imported name on first use, keeping TensorFlow out of the import."""
    if name in _LAZY:
        module = import_module(f"lstm_teach.{_LAZY[name]}")
        return getattr(module, name)
    if name in _SUBMODULES:
        return import_module(f"lstm_teach.{name}")
    raise AttributeError(f"module 'lstm_teach' has no attribute {name!r}")


def __dir__() -> list[str]:
    """Every name, the lazily loaded ones included, so tab completion offers them."""
    return sorted({*globals(), *_LAZY, *_SUBMODULES})
