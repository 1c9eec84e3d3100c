"""Where the course teaches each rule: ONE table from a rule's key to a notebook cell.

`explain` tags every row with the key of the rule that counts it (`rules.Arithmetic.rule`);
its HTML links the row to the cell below. Paths are relative to the repository's root;
anchors are the `<a id="ev-…">` marks in the notebooks. When notebooks move or anchors
change, edit this table only: tests/test_explain.py checks that every target exists.
"""

from __future__ import annotations

from types import MappingProxyType

_ANY_SHAPE = "notebooks/03_any_shape.ipynb"
_EXERCISES = "notebooks/05_exercises.ipynb"
_OTHER_CELLS = "notebooks/reference/11_other_cells.ipynb"
_HISTORY = "notebooks/reference/10_history_and_porting.ipynb"
_MORE = "notebooks/reference/13_more_exercises.ipynb"
_YOUR_MODEL = "notebooks/reference/18_your_own_model.ipynb"

#: rule key -> (notebook path from the repository root, anchor, what the cell teaches)
LINKS = MappingProxyType({
    "lstm": (_ANY_SHAPE, "ev-formula", "the LSTM formula for any shape"),
    "lstm_no_bias": (_EXERCISES, "ev-keras-counts",
                     "use_bias=False removes one number per unit on each path"),
    "gru_no_bias": (_EXERCISES, "ev-keras-counts",
                    "use_bias=False removes the bias"),
    "simple_rnn_no_bias": (_EXERCISES, "ev-keras-counts",
                           "use_bias=False removes the bias"),
    "gru": (_OTHER_CELLS, "ev-all-cells", "GRU: three paths, two bias rows (reset_after)"),
    "gru_reset_before": (_HISTORY, "ev-gru-count", "GRU with reset_after=False: one bias"),
    "simple_rnn": (_OTHER_CELLS, "ev-simple-rnn", "SimpleRNN: one path"),
    "two_biases": (_HISTORY, "ev-two-biases", "PyTorch keeps two bias vectors"),
    "cudnn": (_HISTORY, "ev-cudnn-count", "Keras 2's CuDNN layers kept a second bias"),
    "bidirectional": (_ANY_SHAPE, "ev-bidirectional", "Bidirectional: two copies"),
    "dense": (_MORE, "ev-dense-on-sequences", "Dense reads the last axis only"),
    "embedding": (_YOUR_MODEL, "ev-explain-embedding", "Embedding: one row per token"),
    "conv1d": (_YOUR_MODEL, "ev-explain-conv", "Conv1D and ConvLSTM: kernels over a window"),
    "conv_lstm": (_YOUR_MODEL, "ev-explain-conv", "ConvLSTM: an LSTM of convolutions"),
    "batch_normalization": (_YOUR_MODEL, "ev-explain-normalization",
                            "BatchNormalization: moving statistics are not trained"),
    "layer_normalization": (_YOUR_MODEL, "ev-explain-normalization",
                            "LayerNormalization: a scale and a shift per channel"),
    "no_weights": (_YOUR_MODEL, "ev-explain-no-weights", "layers without weights"),
    "time_distributed": (_YOUR_MODEL, "ev-explain-wrappers",
                         "TimeDistributed: one layer for every timestep"),
    "stacked_cells": (_YOUR_MODEL, "ev-explain-wrappers", "RNN(cell) and stacked cells"),
    "model": (_YOUR_MODEL, "ev-explain-nested", "a model inside a model"),
    "torch_projection": (_YOUR_MODEL, "ev-explain-pytorch", "PyTorch's proj_size"),
    "unknown": (_YOUR_MODEL, "ev-explain-unknown", "what explain does not know"),
})


def link(rule: str | None, base: str = "") -> str | None:
    """The address of the cell teaching `rule`, seen from a page at `base`.

    Parameters
    ----------
    rule : str or None
        A key of `LINKS`.
    base : str
        The path from that page's folder to the repository's root, e.g. "../../" for
        notebooks/reference/.

    Returns
    -------
    str or None
        "path#anchor", or None for a rule with no cell.
    """
    if rule is None or rule not in LINKS:
        return None
    path, anchor, _ = LINKS[rule]
    return f"{base}{path}#{anchor}"
