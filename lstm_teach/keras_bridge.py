"""The bridge to real Keras layers: the only module that imports TensorFlow.

Keras is imported on first use, after TensorFlow's C++ and oneDNN start-up messages
are switched off, so `import lstm_teach` stays fast and quiet. Every function returns
plain NumPy arrays, integers or strings, never tensors.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
from types import ModuleType
from typing import Any

import numpy as np

from lstm_teach import _checks
from lstm_teach.counting import CELL_KINDS, CELLS, GATES, LayerSpec
from lstm_teach.reference import LSTMResult, lstm_forward

SUMMARY_WIDTH = 72
#: Layer arguments that must be exactly True or False: Keras would take any non-empty
#: string, "False" included, as True.
FLAG_ARGUMENTS = (
    "use_bias", "return_sequences", "return_state", "go_backwards", "stateful", "unroll",
    "unit_forget_bias", "reset_after", "use_cudnn",
)
#: Layer arguments that are rates from 0 to below 1: Keras would clip 2.0 to 1.0.
RATE_ARGUMENTS = ("dropout", "recurrent_dropout")
#: Most parameters a layer built here may hold: 250 million float32 numbers take 1 GB,
#: already more than a laptop kernel should spend on one teaching layer.
MAX_PARAMETERS = 250_000_000


def keras() -> ModuleType:
    """Import Keras (TensorFlow backend) with TensorFlow's start-up logs silenced.

    The first import is the slowest line of every notebook. It creates some 300,000
    Python objects, and Python's cyclic garbage collector re-scans all of them several
    times while they are created (0.4 to 0.8 s of a 2.5 s import on a 2-core laptop).
    So collection pauses during the import, and the objects the import leaves are then
    frozen (gc.freeze), keeping later collections in the notebook from scanning
    TensorFlow's modules again. Objects are still freed as soon as nothing refers to them.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if "keras" in sys.modules:
        return sys.modules["keras"]
    collecting = gc.isenabled()
    gc.disable()
    try:
        import keras as keras_module
    finally:
        if collecting:
            gc.enable()
        gc.freeze()
    return keras_module


def _timesteps(value: object) -> int | None:
    if value is None:
        return None
    return _checks.positive_int("timesteps", value)


def _recurrent_layer(cell: str, units: int, **layer_kwargs: Any) -> Any:
    """A fresh, unbuilt Keras layer of this cell, named after it (stable in summaries)."""
    return getattr(keras().layers, CELL_KINDS[cell].title)(units, name=cell, **layer_kwargs)


def _checked_layer_kwargs(cell: str, layer_kwargs: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments for a Keras layer, with flags and rates checked as the
    arithmetic checks them, so a typo cannot build a different layer silently."""
    checked = dict(layer_kwargs)
    if "name" in checked:
        raise TypeError(f"name is fixed to {cell!r} so outputs stay stable; do not pass name")
    for old in ("input_shape", "input_dim", "input_length", "batch_input_shape"):
        if old in checked:
            raise TypeError(
                f"{old} is Keras 1/2 style; give timesteps and features instead "
                "(they become keras.Input(shape=(timesteps, features)))"
            )
    for name in FLAG_ARGUMENTS:
        if name in checked:
            checked[name] = _checks.flag(name, checked[name])
    for name in RATE_ARGUMENTS:
        if name in checked:
            checked[name] = _checks.fraction(name, checked[name])
    if "reset_after" in checked and cell != "gru":
        raise ValueError(f"reset_after applies to cell='gru' only, not cell={cell!r}")
    return checked


def _fits_in_memory(layer: LayerSpec) -> None:
    """Refuse a layer whose weights alone would not fit in a learner's memory."""
    if layer.count > MAX_PARAMETERS:
        raise ValueError(
            f"units={layer.units}, features={layer.features} gives {layer.count:,} parameters, "
            f"{layer.count * 4 / 1e9:,.1f} GB as float32; layers built here hold at most "
            f"{MAX_PARAMETERS:,} (1 GB). lt.count_params counts any size without building"
        )


def keras_layer(layer: LayerSpec) -> Any:
    """The Keras layer a LayerSpec describes, built for its features (any batch, any length).

    Only Keras' own convention has a Keras layer: a PyTorch-convention spec is refused.
    """
    if not isinstance(layer, LayerSpec):
        raise TypeError(f"layer must be a lstm_teach.LayerSpec, got {type(layer).__name__}")
    if not layer.keras:
        raise ValueError(
            "layer must use convention='keras' to be built in Keras; PyTorch's layout "
            "(two bias vectors, transposed weights) has no Keras layer"
        )
    _fits_in_memory(layer)
    built = _recurrent_layer(layer.cell, layer.units, **_spec_kwargs(layer))
    built.build((None, None, layer.features))
    return built


def _spec_kwargs(layer: LayerSpec) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"use_bias": layer.use_bias}
    if layer.cell == "gru":
        kwargs["reset_after"] = layer.reset_after
    return kwargs


def _count_without_weights(layer: LayerSpec) -> int:
    """The count a real Keras layer reports, from a layer built without weight values.

    Inside a StatelessScope Keras creates each variable with its shape but without
    computing an initial value, so counting LSTM(5000) takes milliseconds and no memory.
    The variables Keras notes for later initialisation are dropped again.
    """
    k = keras()
    from keras.src.backend.common import global_state

    with k.StatelessScope(initialize_variables=False):
        built = _recurrent_layer(layer.cell, layer.units, **_spec_kwargs(layer))
        built.build((None, None, layer.features))
        count = int(built.count_params())
    ours = {id(variable) for variable in built.variables}
    pending = global_state.get_global_attribute("uninitialized_variables") or []
    global_state.set_global_attribute(
        "uninitialized_variables", [v for v in pending if id(v) not in ours]
    )
    return count


def build_rnn(
    units: int,
    timesteps: int | None,
    features: int,
    *,
    cell: str = "lstm",
    **layer_kwargs: Any,
) -> Any:
    """A Sequential model: Input (timesteps, features) then one recurrent layer.

    The layer is named after its cell ("lstm", "gru" or "simple_rnn") so the name
    printed by model.summary() is the same in every run. timesteps=None accepts any
    sequence length, which changes no parameter count.
    """
    units = _checks.positive_int("units", units)
    timesteps = _timesteps(timesteps)
    features = _checks.positive_int("features", features)
    cell = _checks.choice("cell", cell, CELLS)
    layer_kwargs = _checked_layer_kwargs(cell, layer_kwargs)
    _fits_in_memory(LayerSpec(units, features, cell,
                              use_bias=layer_kwargs.get("use_bias", True),
                              reset_after=layer_kwargs.get("reset_after", True)))
    k = keras()
    return k.Sequential(
        [
            k.Input(shape=(timesteps, features), name="sequence"),
            _recurrent_layer(cell, units, **layer_kwargs),
        ],
        name=f"{cell}_model",
    )


def build_lstm(units: int, timesteps: int | None, features: int, **layer_kwargs: Any) -> Any:
    """A Sequential model whose only layer is an LSTM named "lstm"; see build_rnn."""
    return build_rnn(units, timesteps, features, cell="lstm", **layer_kwargs)


def keras_count_params(
    units: int,
    features: int,
    *,
    cell: str = "lstm",
    use_bias: bool = True,
    reset_after: bool = True,
) -> int:
    """Ask a freshly built Keras layer how many parameters it has.

    The layer is built for inputs of `features` features (any batch, any length), outside
    any model and without computing its weights' values: Keras creates every weight with
    its shape, which is all count_params() reads, so any size is counted in milliseconds.
    """
    return _count_without_weights(LayerSpec(units, features, cell, use_bias, "keras",
                                            reset_after))


def _lstm_cell(layer: object) -> Any:
    k = keras()
    if isinstance(layer, k.Model):
        raise TypeError(
            "layer must be an LSTM layer, not a whole model; "
            'pass model.get_layer("lstm")'
        )
    cell = getattr(layer, "cell", layer)
    if not isinstance(cell, k.layers.LSTMCell):
        raise TypeError(
            f"layer must be a keras.layers.LSTM (or LSTMCell), got {type(layer).__name__}"
        )
    if not cell.built:
        raise ValueError("layer has no weights yet: build it first (build_lstm does this)")
    return cell


def gate_weights(layer: object) -> dict[str, dict[str, np.ndarray | None]]:
    """Split an LSTM layer's weights into its four gate paths i, f, c, o.

    For each gate: "kernel" (features, units), "recurrent_kernel" (units, units) and
    "bias" (units,) or None without a bias. gate_weights(layer)["c"] holds what Keras 2
    called kernel_c, recurrent_kernel_c and bias_c.
    """
    kernel, recurrent, bias = lstm_weights(layer)
    kernels = np.split(kernel, 4, axis=1)
    recurrents = np.split(recurrent, 4, axis=1)
    biases = np.split(bias, 4) if bias is not None else [None] * 4
    return {
        gate: {"kernel": kern, "recurrent_kernel": rec, "bias": b}
        for gate, kern, rec, b in zip(GATES["lstm"], kernels, recurrents, biases, strict=True)
    }


def lstm_weights(layer: object) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The layer's (kernel, recurrent_kernel, bias) as NumPy arrays, bias None if unused."""
    cell = _lstm_cell(layer)
    bias = cell.bias.numpy() if cell.use_bias else None
    return cell.kernel.numpy(), cell.recurrent_kernel.numpy(), bias


def set_lstm_weights(
    layer: object, kernel: object, recurrent_kernel: object, bias: object = None
) -> None:
    """Give an LSTM layer chosen weights, checking each shape against the layer."""
    cell = _lstm_cell(layer)
    units = cell.units
    features = int(cell.kernel.shape[0])
    kernel = _checks.real_array("kernel", kernel, 2, "(features, 4·units)")
    _checks.shape_is("kernel", kernel, (features, 4 * units), "(features, 4·units)")
    recurrent_kernel = _checks.real_array(
        "recurrent_kernel", recurrent_kernel, 2, "(units, 4·units)"
    )
    _checks.shape_is("recurrent_kernel", recurrent_kernel, (units, 4 * units), "(units, 4·units)")
    weights = {"kernel": kernel, "recurrent_kernel": recurrent_kernel}
    if cell.use_bias:
        if bias is None:
            raise ValueError("bias is required: this layer has use_bias=True")
        bias = _checks.real_array("bias", bias, 1, "(4·units,)")
        _checks.shape_is("bias", bias, (4 * units,), "(4·units,)")
        weights["bias"] = bias
    elif bias is not None:
        raise ValueError("bias must be None: this layer has use_bias=False")
    for name, values in weights.items():
        _checks.float32_values(name, values)
    cell.set_weights([values.astype(np.float32) for values in weights.values()])


def keras_output(model: Any, x: object) -> np.ndarray:
    """Run the model on x in inference mode and return a NumPy array (no progress bar)."""
    k = keras()
    if not isinstance(model, k.Layer):
        raise TypeError(f"model must be a Keras model or layer, got {type(model).__name__}")
    x = _checks.float32_values("x", _checks.real_array("x", x, 3,
                                                       "(batch, timesteps, features)"))
    return k.ops.convert_to_numpy(model(x.astype(np.float32), training=False))


@functools.lru_cache(maxsize=16)
def _stateful_lstm(units: int, timesteps: int, features: int, use_bias: bool) -> Any:
    """A layer that returns its sequence and final states; built once per shape."""
    model = build_lstm(
        units, timesteps, features,
        use_bias=use_bias, return_sequences=True, return_state=True,
    )
    return model.get_layer("lstm")


def keras_lstm_forward(
    x: object,
    kernel: object,
    recurrent_kernel: object,
    bias: object,
    h0: object = None,
    c0: object = None,
) -> LSTMResult:
    """lstm_forward's twin computed by a real Keras LSTM layer with these weights.

    Same arguments and result as lstm_forward (without a trace), so the two can be
    compared line for line. Layers are cached per shape, so repeated calls are quick.
    """
    checked = lstm_forward(x, kernel, recurrent_kernel, bias, h0, c0)  # validates every shape
    for name, values in (("x", x), ("h0", h0), ("c0", c0)):
        if values is not None:
            _checks.float32_values(name, np.asarray(values, dtype=float))
    batch, timesteps, features = np.shape(x)
    units = checked.h.shape[1]
    layer = _stateful_lstm(units, timesteps, features, bias is not None)
    set_lstm_weights(layer, kernel, recurrent_kernel, bias)
    k = keras()
    h0 = np.zeros((batch, units)) if h0 is None else np.asarray(h0, dtype=float)
    c0 = np.zeros((batch, units)) if c0 is None else np.asarray(c0, dtype=float)
    sequences, h, c = layer(
        np.asarray(x, dtype=np.float32),
        initial_state=[h0.astype(np.float32), c0.astype(np.float32)],
    )
    return LSTMResult(
        sequences=k.ops.convert_to_numpy(sequences).astype(float),
        h=k.ops.convert_to_numpy(h).astype(float),
        c=k.ops.convert_to_numpy(c).astype(float),
        trace=None,
    )


def summary_text(model: Any) -> str:
    """model.summary() as plain text of a fixed width, the same in every terminal."""
    if not isinstance(model, keras().Model):
        raise TypeError(
            f"model must be a Keras model (keras.Sequential or keras.Model), got "
            f"{type(model).__name__}; a single layer has no summary: wrap it in a model"
        )
    lines: list[str] = []
    with contextlib.ExitStack() as stack:
        if "IPython" in sys.modules:
            # In a notebook, rich (which Keras prints through) also emits an empty HTML
            # display after capturing; swallow it so only the text is shown.
            from IPython.utils.capture import capture_output

            stack.enter_context(capture_output(stdout=False, stderr=False, display=True))
        model.summary(
            line_length=SUMMARY_WIDTH, print_fn=lambda text, **_: lines.append(text)
        )
    return "\n".join(line.rstrip() for text in lines for line in text.splitlines()).strip("\n")
