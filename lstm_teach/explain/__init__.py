"""`explain(obj)`: the course's rules applied to the learner's own model, layer by layer.

`obj` may be
- a built Keras model or layer (Sequential, functional, nested models, wrappers);
- a PyTorch module (nn.LSTM/GRU/RNN, nn.Linear, nn.Embedding, containers), read through
  its attributes: lstm_teach never imports PyTorch;
- text: a printed `model.summary()` (Keras 1 and 2 plain tables, Keras 3 box tables) or
  a PyTorch `print(model)`. A summary is checked, not trusted: each printed count is
  worked out again from the printed shapes, and a count that no setting of the layer
  named can have is said to be impossible, with the explanations that would fit.

The result is an `Explanation`: `.layers` (one `LayerRow` each, wrapped layers as
children), `.total`, `.trainable`, `.non_trainable`; it prints as a table and shows as an
HTML table in a notebook, each row linking to the course cell that teaches its rule.

Only the Keras path imports Keras (through lstm_teach.keras_bridge); the text parser and
the arithmetic are plain Python.

>>> checked = explain('''
... Layer (type)                 Output Shape              Param #
... =================================================================
... lstm_1 (LSTM)                (None, 5, 1)              16
... _________________________________________________________________
... lstm_2 (LSTM)                (None, 3)                 60
... =================================================================
... ''')
>>> checked.row("lstm_2").formula    # reads lstm_1's 1 unit
'4·(features·units + units·units + units) = 4·(1·3 + 3·3 + 3) = 60'
>>> checked.row("lstm_1").readings   # nothing printed says what the first layer reads
('LSTM(1) reading 2 features', 'LSTM(1, use_bias=False) reading 3 features')
"""

from __future__ import annotations

import sys
import types
from typing import Any

from lstm_teach.explain.links import LINKS
from lstm_teach.explain.result import NOT_EXPLAINED, Explanation, LayerRow
from lstm_teach.explain.rules import Arithmetic, Weight

ACCEPTED = (
    "a built Keras model or layer, a PyTorch module, or the text of a printed "
    "model.summary() or PyTorch print(model)"
)

__all__ = [
    "ACCEPTED",
    "LINKS",
    "NOT_EXPLAINED",
    "Arithmetic",
    "Explanation",
    "LayerRow",
    "Weight",
    "explain",
]


def _is_keras(obj: object) -> bool:
    module = type(obj).__module__
    if not module.startswith(("keras", "tf_keras")) or "keras" not in sys.modules:
        return False
    from lstm_teach.keras_bridge import keras

    return isinstance(obj, keras().Layer)


def _is_torch(obj: object) -> bool:
    torch_nn = sys.modules.get("torch.nn")
    return torch_nn is not None and isinstance(obj, torch_nn.Module)


def explain(obj: Any) -> Explanation:
    """Every layer of `obj` with its parameter count worked out by the course's rules.

    Parameters
    ----------
    obj : keras.Layer, torch.nn.Module or str
        A built Keras model or layer, a PyTorch module, or the text of a printed
        model.summary() (Keras 1, 2 or 3) or PyTorch print(model).

    Returns
    -------
    Explanation
        The rows, totals and notes; prints as a table, shows as HTML in a notebook.

    Raises
    ------
    TypeError
        obj is none of those (None, bytes, another object).
    ValueError
        The model is not built, or the text holds no summary or is cut short.
    """
    if isinstance(obj, str):
        from lstm_teach.explain.from_text import explain_text

        return explain_text(obj)
    if isinstance(obj, bytes):
        raise TypeError(f"obj must be {ACCEPTED}; got bytes: decode the file's text first "
                        "(e.g. open(path, encoding='utf-8').read())")
    if _is_keras(obj):
        from lstm_teach.explain.from_keras import explain_keras

        return explain_keras(obj)
    if _is_torch(obj):
        from lstm_teach.explain.from_torch import explain_torch

        return explain_torch(obj)
    if obj is None:
        raise TypeError(f"obj must be {ACCEPTED}; got None")
    raise TypeError(f"obj must be {ACCEPTED}; got {type(obj).__module__}."
                    f"{type(obj).__qualname__}")


class _CallableModule(types.ModuleType):
    """This module, callable: importing lstm_teach.explain makes Python set the package's
    attribute `explain` to the module, so `lt.explain(obj)` must work on the module too."""

    def __call__(self, obj: Any) -> Explanation:
        return explain(obj)


sys.modules[__name__].__class__ = _CallableModule
