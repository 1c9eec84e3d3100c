"""Read a built Keras model or layer: settings from its attributes, sizes from its input.

The course's count of each layer is worked out from what the layer was asked to be
(units, use_bias, …) and the width of what it reads, never from its weights; its weights
and `count_params()` are read only as the framework's side of the comparison. Keras is
imported through `lstm_teach.keras_bridge` (quiet, TensorFlow backend).
"""

from __future__ import annotations

import math
from typing import Any

from lstm_teach.counting import LayerSpec
from lstm_teach.explain import rules
from lstm_teach.explain.result import Explanation, LayerRow, shape_text

_CELLS = {"LSTMCell": "lstm", "GRUCell": "gru", "SimpleRNNCell": "simple_rnn"}
_LAYERS = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "simple_rnn"}


def _plain(shape: Any) -> tuple[int | None, ...]:
    return tuple(None if size is None else int(size) for size in shape)


def _shapes(tensors: Any) -> Any:
    """One tensor's shape as a tuple, several as a list of tuples."""
    import keras

    flat = keras.tree.flatten(tensors)
    shapes = [_plain(tensor.shape) for tensor in flat]
    return shapes[0] if len(shapes) == 1 else shapes


def _input_shape(layer: Any, given: Any = None) -> Any:
    """What the layer reads: from its first call in the model, else from its build."""
    if given is not None:
        return given
    nodes = getattr(layer, "_inbound_nodes", [])
    if nodes:
        arguments = nodes[0].arguments
        tensors = list(arguments.args) or list(arguments.kwargs.values())
        if tensors:
            return _shapes(tensors[0])
    built = getattr(layer, "_build_shapes_dict", None) or {}
    for value in built.values():
        if value is not None:
            return _plain(value) if not isinstance(value, list | dict) else None
    return None


def _output_shape(layer: Any) -> Any:
    nodes = getattr(layer, "_inbound_nodes", [])
    if nodes:
        return _shapes(nodes[0].output_tensors)
    try:
        return _plain(layer.compute_output_shape(_input_shape(layer)))
    except Exception:  # a layer that cannot say its output without being called
        return None


def _last(shape: Any) -> int | None:
    if isinstance(shape, list):
        shape = shape[0]
    if not shape or shape[-1] is None:
        return None
    return int(shape[-1])


def _framework(layer: Any) -> tuple[int, int]:
    trainable = sum(math.prod(weight.shape) for weight in layer.trainable_weights)
    return int(layer.count_params()), int(trainable)


def _weight_note(layer: Any, arithmetic: rules.Arithmetic) -> str:
    """Say so when Keras' weight shapes differ from the course's (counts may still agree)."""
    theirs = sorted(_plain(weight.shape) for weight in layer.weights)
    ours = sorted(weight.shape for weight in arithmetic.weights)
    if theirs == ours:
        return ""
    return ("Keras' weights have the shapes " + ", ".join(map(shape_text, theirs))
            + "; the course's arithmetic gives " + ", ".join(map(shape_text, ours)))


def _spec(cell: Any, features: int) -> LayerSpec:
    name = _CELLS[type(cell).__name__]
    return LayerSpec(int(cell.units), features, name, bool(cell.use_bias), "keras",
                     bool(getattr(cell, "reset_after", True)) if name == "gru" else True)


def _recurrent_note(layer: Any) -> str:
    said = [f"{flag}=True" for flag in ("return_sequences", "return_state", "go_backwards",
                                          "stateful") if getattr(layer, flag, False)]
    if not said:
        return ""
    return ", ".join(said) + ": changes what the layer returns or keeps, not its weights"


class _Reader:
    """Turns one Keras layer (and what it wraps) into a LayerRow."""

    def __init__(self, keras: Any) -> None:
        self.keras = keras
        self.layers = keras.layers

    def row(self, layer: Any, given_input: Any = None) -> LayerRow:
        kind = type(layer).__name__
        shape_in = _input_shape(layer, given_input)
        shape_out = _output_shape(layer) if given_input is None else None
        count, trainable = _framework(layer)
        made = self._arithmetic(layer, kind, shape_in)
        if made is None:
            return LayerRow.unknown(layer.name, kind, count, input_shape=shape_in,
                                    output_shape=shape_out, framework_trainable=trainable)
        arithmetic, children, note = made
        if not layer.trainable and arithmetic.weights:
            arithmetic = arithmetic.frozen()
        if not children:
            note = " ".join(part for part in (note, _weight_note(layer, arithmetic)) if part)
        return LayerRow.explained(layer.name, kind, arithmetic, count, input_shape=shape_in,
                                  output_shape=shape_out, children=children, note=note)

    def _arithmetic(
        self, layer: Any, kind: str, shape_in: Any
    ) -> tuple[rules.Arithmetic, tuple[LayerRow, ...], str] | None:
        layers = self.layers
        features = _last(shape_in)
        if isinstance(layer, self.keras.Model):
            children = tuple(self.row(inner) for inner in layer.layers)
            return rules.stacked([_as_arithmetic(child) for child in children], "model",
                                 f"the layers of {layer.name}"), children, ""
        if kind in rules.NO_WEIGHTS:
            return rules.no_weights(kind), (), ""
        if isinstance(layer, layers.Bidirectional):
            forward = self.row(layer.forward_layer, shape_in or ())
            backward = self.row(layer.backward_layer, shape_in or ())
            if forward.count is None or backward.count is None:
                return None
            arithmetic = rules.bidirectional(_as_arithmetic(forward), _as_arithmetic(backward))
            return arithmetic, (forward, backward), f"merge_mode={layer.merge_mode!r}"
        if isinstance(layer, layers.TimeDistributed):
            if not isinstance(shape_in, tuple) or len(shape_in) < 3:
                return None
            inner = self.row(layer.layer, (shape_in[0], *shape_in[2:]))
            if inner.count is None:
                return None
            arithmetic = rules.Arithmetic(inner.weights, f"{inner.formula}, the same weights "
                                          "at every timestep", "time_distributed")
            return arithmetic, (inner,), ""
        if features is None:
            return None
        if kind in _LAYERS and type(layer.cell).__name__ in _CELLS:
            return rules.recurrent(_spec(layer.cell, features)), (), _recurrent_note(layer)
        if kind in _CELLS:
            return rules.recurrent(_spec(layer, features)), (), ""
        if isinstance(layer, layers.RNN) and not kind.startswith("ConvLSTM"):
            return self._generic_rnn(layer, features)
        if isinstance(layer, layers.Dense):
            note = ("on a sequence: the same kernel for every timestep"
                    if isinstance(shape_in, tuple) and len(shape_in) > 2 else "")
            return rules.dense(int(layer.units), features, bool(layer.use_bias)), (), note
        if isinstance(layer, layers.Embedding):
            return rules.embedding(int(layer.input_dim), int(layer.output_dim)), (), ""
        if kind == "Conv1D" and layer.data_format == "channels_last":
            return rules.conv1d(int(layer.filters), int(layer.kernel_size[0]), features,
                                groups=int(layer.groups), use_bias=bool(layer.use_bias)), (), ""
        if kind in ("ConvLSTM1D", "ConvLSTM2D") and layer.cell.data_format == "channels_last":
            cell = layer.cell
            return rules.conv_lstm(int(cell.filters), tuple(int(k) for k in cell.kernel_size),
                                   features, use_bias=bool(cell.use_bias)), (), ""
        if kind in ("BatchNormalization", "LayerNormalization"):
            axes = layer.axis if isinstance(layer.axis, list | tuple) else [layer.axis]
            if getattr(layer, "rms_scaling", False) or not isinstance(shape_in, tuple):
                return None
            sizes = [shape_in[axis] for axis in axes]
            if any(size is None for size in sizes):
                return None
            make = (rules.batch_normalization if kind == "BatchNormalization"
                    else rules.layer_normalization)
            return make(math.prod(sizes), center=bool(layer.center),
                        scale=bool(layer.scale)), (), ""
        return None

    def _generic_rnn(self, layer: Any, features: int):
        cell = layer.cell
        cells = list(cell.cells) if type(cell).__name__ == "StackedRNNCells" else [cell]
        if not all(type(one).__name__ in _CELLS for one in cells):
            return None
        children = []
        reads = features
        for one in cells:
            spec = _spec(one, reads)
            children.append(LayerRow.explained(
                one.name, type(one).__name__, rules.recurrent(spec),
                _framework(one)[0], input_shape=(None, reads), output_shape=(None, spec.units),
            ))
            reads = spec.units
        what = "stacked cells, each reading the one before" if len(cells) > 1 else "one cell"
        arithmetic = rules.stacked([_as_arithmetic(child) for child in children],
                                   "stacked_cells", what)
        return arithmetic, tuple(children), ""


def _as_arithmetic(row: LayerRow) -> rules.Arithmetic:
    if row.count is None:  # a part not explained here: counted as the framework counts it
        weights = (rules.Weight(f"{row.name} (not explained here)", (row.total,)),)
        return rules.Arithmetic(weights, rules.NO_WEIGHTS.get(row.kind, "?"), "unknown")
    return rules.Arithmetic(row.weights, row.formula, row.rule or "unknown")


def explain_keras(obj: Any) -> Explanation:
    """The Explanation of a built Keras model or layer.

    Parameters
    ----------
    obj : keras.Layer
        A built model (Sequential, functional, subclassed) or layer.

    Returns
    -------
    Explanation
        One row per layer, Keras' count beside the course's.

    Raises
    ------
    ValueError
        The model has no layers, or no weights yet (not built).
    """
    from lstm_teach.keras_bridge import keras as load_keras

    keras = load_keras()
    if isinstance(obj, keras.Model) and not obj.layers:
        raise ValueError(f"obj must be a model with layers; {obj.name!r} has none")
    if not obj.built:
        raise ValueError(
            f"obj must be a built Keras model or layer; {obj.name!r} has no weights yet: "
            "give the model a keras.Input(shape=...) first, or call it on data, or "
            "build(input_shape) the layer"
        )
    reader = _Reader(keras)
    if isinstance(obj, keras.Model):
        rows = tuple(reader.row(layer) for layer in obj.layers)
        title = f'Model "{obj.name}"'
        source = "a Keras model"
    else:
        rows = (reader.row(obj),)
        title = f'Layer "{obj.name}"'
        source = "a Keras layer"
    return Explanation(title, source, "Keras", rows)
