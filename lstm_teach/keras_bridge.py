"""The bridge to real Keras layers: the only module that imports TensorFlow.

Keras is imported on first use, after TensorFlow's C++ and oneDNN start-up messages
are switched off, so `import lstm_teach` stays fast and quiet. Every function returns
plain NumPy arrays, integers or strings, never tensors.

Layers that will receive chosen weights at once (keras_lstm_forward's) are built with
zeros rather than Keras' random initialisers, and layers built for a count get no
weight values at all: only the learner's own models (build_lstm, build_rnn,
keras_layer) pay for Keras' initialisation, and a size cap keeps that to a few seconds.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import sys
from types import ModuleType
from typing import Any

import numpy as np

from lstm_teach import _checks
from lstm_teach.counting import CELL_KINDS, CELLS, GATES, LayerSpec
from lstm_teach.reference import LSTMResult, check_inputs

SUMMARY_WIDTH = 72
#: Layer arguments that must be exactly True or False: Keras would take any non-empty
#: string, "False" included, as True.
FLAG_ARGUMENTS = (
    "use_bias", "return_sequences", "return_state", "go_backwards", "stateful", "unroll",
    "unit_forget_bias", "reset_after", "use_cudnn",
)
#: Flags that also take one word, Keras' own default: use_cudnn="auto".
FLAG_WORDS = {"use_cudnn": "auto"}
#: Layer arguments that are rates from 0 to below 1: Keras would clip 2.0 to 1.0.
RATE_ARGUMENTS = ("dropout", "recurrent_dropout")
#: Most parameters a layer built here may hold. Keras initialises a new layer's weights
#: (random numbers for the kernel, an orthogonal matrix for the recurrent kernel), which
#: for 10 million parameters takes a few seconds and a few hundred MB on a 2-core laptop
#: (benchmarks/build_cap.py measures it); beyond that a Binder kernel (2 GB) is at risk.
#: Counting needs no built weights: lt.count_params and lt.keras_count go to any size.
MAX_PARAMETERS = 10_000_000
#: Number types a recurrent layer may compute in (dtype=...): its weights must be floats.
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64", "mixed_float16",
                "mixed_bfloat16")
#: The only Keras backend the course runs on: the one its install brings.
BACKEND = "tensorflow"


def _tensorflow_backend() -> None:
    """Refuse another Keras backend before Keras is imported, saying why and what to do."""
    chosen = os.environ.get("KERAS_BACKEND", "")
    if chosen not in ("", BACKEND):
        raise ValueError(
            f"KERAS_BACKEND is {chosen!r} in this environment, but lstm-teach runs Keras "
            f"on {BACKEND!r}: the course installs TensorFlow and no other backend, and its "
            "notebooks check their numbers against it. Remove KERAS_BACKEND from the "
            f"environment (or set it to {BACKEND!r}) and restart the kernel"
        )
    os.environ["KERAS_BACKEND"] = BACKEND  # an empty value would let ~/.keras/keras.json choose


def keras() -> ModuleType:
    """Import Keras (TensorFlow backend) with TensorFlow's start-up logs silenced.

    The first import is the slowest line of every notebook. It creates some 300,000
    Python objects, and Python's cyclic garbage collector re-scans all of them several
    times while they are created (0.4 to 0.8 s of a 2.5 s import on a 2-core laptop).
    So collection pauses during the import, and the objects the import leaves are then
    frozen (gc.freeze), keeping later collections in the notebook from scanning
    TensorFlow's modules again. Objects are still freed as soon as nothing refers to them.

    Returns
    -------
    module
        The ``keras`` package, imported with the TensorFlow backend.

    Raises
    ------
    ValueError
        If KERAS_BACKEND names another backend (jax, torch, numpy, …), or Keras was
        already imported with one: the course runs on TensorFlow only.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    if "keras" in sys.modules:
        keras_module = sys.modules["keras"]
        running = keras_module.backend.backend()
        if running != BACKEND:
            raise ValueError(
                f"Keras was imported with the {running!r} backend (KERAS_BACKEND), but "
                f"lstm-teach runs Keras on {BACKEND!r}, the backend the course installs. "
                f"Set KERAS_BACKEND to {BACKEND!r} (or remove it) and restart the kernel"
            )
        return keras_module
    _tensorflow_backend()
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
        if name in checked and not (isinstance(checked[name], str)
                                    and checked[name] == FLAG_WORDS.get(name)):
            checked[name] = _checks.flag(name, checked[name])
    for name in RATE_ARGUMENTS:
        if name in checked:
            checked[name] = _checks.fraction(name, checked[name])
    if "reset_after" in checked and cell != "gru":
        raise ValueError(f"reset_after applies to cell='gru' only, not cell={cell!r}")
    if isinstance(checked.get("dtype"), str):
        checked["dtype"] = _checks.choice("dtype", checked["dtype"], FLOAT_DTYPES)
    return checked


def _fits_in_memory(layer: LayerSpec) -> None:
    """Refuse a layer whose weights would take a learner's kernel too long to build."""
    if layer.count > MAX_PARAMETERS:
        size = layer.count * 4
        written = f"{size / 1e9:,.0f} GB" if size >= 1e10 else f"{size / 1e6:,.0f} MB"
        raise ValueError(
            f"units={layer.units}, features={layer.features} gives {layer.count:,} "
            f"parameters, {written} as float32; layers built here "
            f"hold at most {MAX_PARAMETERS:,}, which Keras initialises in a few seconds. "
            "lt.count_params and lt.keras_count count any size without building weights"
        )


def keras_layer(layer: LayerSpec) -> Any:
    """The Keras layer a LayerSpec describes, built for its features (any batch, any length).

    Parameters
    ----------
    layer : LayerSpec
        The layer to build; only Keras' own convention has a Keras layer.

    Returns
    -------
    keras.layers.Layer
        An LSTM, GRU or SimpleRNN named after its cell, with Keras' initial weights.

    Raises
    ------
    TypeError
        If layer is not a LayerSpec.
    ValueError
        If it uses the PyTorch convention, or holds more than MAX_PARAMETERS.
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


def keras_count(layer: LayerSpec) -> int:
    """The count a real Keras layer reports, from a layer built without weight values.

    Inside a StatelessScope Keras creates each variable with its shape but without
    computing an initial value, so counting LSTM(5000) takes milliseconds and no memory.
    The variables Keras notes for later initialisation are dropped again.

    >>> keras_count(LayerSpec(units=1, features=2))
    16

    Parameters
    ----------
    layer : LayerSpec
        The layer to ask Keras about (Keras convention: a PyTorch-convention spec is
        counted as the Keras layer of the same settings).

    Returns
    -------
    int
        ``layer.count_params()`` of the Keras layer.

    Raises
    ------
    TypeError
        If layer is not a LayerSpec.
    """
    if not isinstance(layer, LayerSpec):
        raise TypeError(f"layer must be a lstm_teach.LayerSpec, got {type(layer).__name__}")
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
    batch_size: int | None = None,
    **layer_kwargs: Any,
) -> Any:
    """A Sequential model: Input (timesteps, features) then one recurrent layer.

    The layer is named after its cell ("lstm", "gru" or "simple_rnn") so the name
    printed by model.summary() is the same in every run. timesteps=None accepts any
    sequence length, which changes no parameter count.

    Parameters
    ----------
    units : int
        Units of the layer (the width of h).
    timesteps : int or None
        Length of the sequences, or None for any length.
    features : int
        Numbers per timestep.
    cell : str
        "lstm", "gru" or "simple_rnn".
    batch_size : int or None
        A fixed batch size; required by stateful=True, which keeps h and C per sample.
    **layer_kwargs
        Further arguments of the Keras layer (return_sequences, use_bias, dropout, …),
        checked: flags must be True or False, rates from 0 to below 1.

    Returns
    -------
    keras.Sequential
        Named "<cell>_model", its input named "sequence", its layer named after the cell.

    Raises
    ------
    TypeError
        If a size is not a whole number, a flag not True or False, or a Keras 1/2
        argument (input_shape, input_dim, …) or a name is given.
    ValueError
        If a size is below 1, a rate out of range, stateful=True has no batch_size,
        or the layer holds more than MAX_PARAMETERS.
    """
    units = _checks.positive_int("units", units)
    timesteps = _timesteps(timesteps)
    features = _checks.positive_int("features", features)
    cell = _checks.choice("cell", cell, CELLS)
    if batch_size is not None:
        batch_size = _checks.positive_int("batch_size", batch_size)
    layer_kwargs = _checked_layer_kwargs(cell, layer_kwargs)
    if layer_kwargs.get("stateful") and batch_size is None:
        raise ValueError(
            "stateful=True needs a fixed batch: pass batch_size too, e.g. "
            f"build_{'lstm' if cell == 'lstm' else 'rnn'}(..., stateful=True, batch_size=4). "
            "A stateful layer keeps h and C for each sample of the batch, in variables of "
            "shape (batch_size, units), so the batch size must be known when it is built"
        )
    _fits_in_memory(LayerSpec(units, features, cell,
                              use_bias=layer_kwargs.get("use_bias", True),
                              reset_after=layer_kwargs.get("reset_after", True)))
    k = keras()
    return k.Sequential(
        [
            k.Input(shape=(timesteps, features), batch_size=batch_size, name="sequence"),
            _recurrent_layer(cell, units, **layer_kwargs),
        ],
        name=f"{cell}_model",
    )


def build_lstm(
    units: int,
    timesteps: int | None,
    features: int,
    *,
    batch_size: int | None = None,
    **layer_kwargs: Any,
) -> Any:
    """A Sequential model whose only layer is an LSTM named "lstm"; see build_rnn.

    Parameters
    ----------
    units : int
        Units of the LSTM.
    timesteps : int or None
        Length of the sequences, or None for any length.
    features : int
        Numbers per timestep.
    batch_size : int or None
        A fixed batch size; required by stateful=True.
    **layer_kwargs
        Further arguments of keras.layers.LSTM, checked as build_rnn checks them.

    Returns
    -------
    keras.Sequential
        The model "lstm_model".

    Raises
    ------
    TypeError, ValueError
        As build_rnn raises them.
    """
    return build_rnn(units, timesteps, features, cell="lstm", batch_size=batch_size,
                     **layer_kwargs)


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
    keras_count does the same for a LayerSpec.

    Parameters
    ----------
    units, features : int
        The layer's size.
    cell : str
        "lstm", "gru" or "simple_rnn".
    use_bias : bool
        Whether the layer has a bias.
    reset_after : bool
        GRU only: Keras' default True keeps a (2, 3·units) bias.

    Returns
    -------
    int
        What Keras' ``count_params()`` says.

    Raises
    ------
    TypeError, ValueError
        If a setting is refused, as LayerSpec refuses it.
    """
    return keras_count(LayerSpec(units, features, cell, use_bias, "keras", reset_after))


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

    gate_weights(layer)["c"] holds what Keras 2 called kernel_c, recurrent_kernel_c and
    bias_c.

    Parameters
    ----------
    layer : keras.layers.LSTM or keras.layers.LSTMCell
        A built layer, e.g. ``model.get_layer("lstm")``.

    Returns
    -------
    dict
        For each gate "i", "f", "c", "o": "kernel" (features, units),
        "recurrent_kernel" (units, units) and "bias" (units,) or None without a bias.

    Raises
    ------
    TypeError
        If layer is not an LSTM layer (a whole model, say).
    ValueError
        If the layer is not built yet.
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
    """The layer's (kernel, recurrent_kernel, bias) as NumPy arrays, bias None if unused.

    Parameters
    ----------
    layer : keras.layers.LSTM or keras.layers.LSTMCell
        A built layer.

    Returns
    -------
    tuple
        kernel (features, 4·units), recurrent_kernel (units, 4·units), bias (4·units,)
        or None, in the layer's own number type.

    Raises
    ------
    TypeError
        If layer is not an LSTM layer.
    ValueError
        If the layer is not built yet.
    """
    cell = _lstm_cell(layer)
    bias = cell.bias.numpy() if cell.use_bias else None
    return cell.kernel.numpy(), cell.recurrent_kernel.numpy(), bias


def _float_type(dtype: object) -> str:
    """Keras' name of a float type ("float32", "float64", …); float32 for anything else."""
    name = keras().backend.standardize_dtype(dtype)
    return name if name in _checks.FLOAT_MAX else "float32"


def _assign_lstm_weights(
    cell: Any, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray | None,
) -> None:
    """Write checked float64 weights into the cell in its own number type: a float64
    layer keeps every digit, a float32 one gets them rounded, and values its type cannot
    hold are refused before anything is written."""
    dtype = _float_type(cell.kernel.dtype)
    weights = {"kernel": kernel, "recurrent_kernel": recurrent_kernel}
    if bias is not None:
        weights["bias"] = bias
    for name, values in weights.items():
        _checks.values_fit(name, values, dtype)
    numpy_type = np.float64 if dtype == "float64" else np.float32
    cell.set_weights([values.astype(numpy_type) for values in weights.values()])


def set_lstm_weights(
    layer: object, kernel: object, recurrent_kernel: object, bias: object = None
) -> None:
    """Give an LSTM layer chosen weights, checking each shape against the layer.

    The values keep the layer's number type: a float64 layer (dtype="float64") gets
    them unrounded; a float32 layer gets them rounded to float32, as Keras computes.

    Parameters
    ----------
    layer : keras.layers.LSTM or keras.layers.LSTMCell
        A built layer.
    kernel : array_like
        (features, 4·units) for the layer's features and units.
    recurrent_kernel : array_like
        (units, 4·units).
    bias : array_like or None
        (4·units,); required when the layer has use_bias=True, None when it has not.

    Raises
    ------
    TypeError
        If layer is not an LSTM layer, or a weight holds no real numbers.
    ValueError
        If a shape does not fit the layer, bias is missing or extra, or a value is
        NaN, infinite or beyond what the layer's number type holds (nothing is
        written then).
    """
    cell = _lstm_cell(layer)
    units = cell.units
    features = int(cell.kernel.shape[0])
    kernel = _checks.real_array("kernel", kernel, 2, "(features, 4·units)")
    _checks.shape_is("kernel", kernel, (features, 4 * units), "(features, 4·units)")
    recurrent_kernel = _checks.real_array(
        "recurrent_kernel", recurrent_kernel, 2, "(units, 4·units)"
    )
    _checks.shape_is("recurrent_kernel", recurrent_kernel, (units, 4 * units), "(units, 4·units)")
    if cell.use_bias:
        if bias is None:
            raise ValueError("bias is required: this layer has use_bias=True")
        bias = _checks.real_array("bias", bias, 1, "(4·units,)")
        _checks.shape_is("bias", bias, (4 * units,), "(4·units,)")
    elif bias is not None:
        raise ValueError("bias must be None: this layer has use_bias=False")
    _assign_lstm_weights(cell, kernel, recurrent_kernel, bias)


def _expected_input(model: Any) -> tuple[int | None, ...] | None:
    """The (batch, timesteps, features) a model or built recurrent layer takes, if known."""
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):  # a layer, or a model never called
        inputs = None
    if inputs and len(inputs) == 1 and len(inputs[0].shape) == 3:
        return tuple(inputs[0].shape)
    cell = getattr(model, "cell", None)
    kernel = getattr(cell, "kernel", None)
    if kernel is not None:
        return (None, None, int(kernel.shape[0]))
    return None


def keras_output(model: Any, x: object) -> np.ndarray:
    """Run the model on x in inference mode and return a NumPy array (no progress bar).

    Parameters
    ----------
    model : keras.Model or keras.layers.Layer
        A model such as build_lstm returns, or a layer.
    x : array_like
        (batch, timesteps, features) with at least one sample and one timestep, the
        features (and any fixed sizes) the model was built for.

    Returns
    -------
    numpy.ndarray or tuple of numpy.ndarray
        The model's output, or one array per output for a model with several (an
        LSTM with return_state=True returns the output, h and C); x goes in as the
        model's number type (float32 unless the model was built with dtype="float64").

    Raises
    ------
    TypeError
        If model is not a Keras model or layer, or x holds no real numbers.
    ValueError
        If x is empty, does not fit the model's input, or holds values the model's
        number type cannot hold.
    """
    k = keras()
    if not isinstance(model, k.Layer):
        raise TypeError(f"model must be a Keras model or layer, got {type(model).__name__}")
    x = _checks.real_array("x", x, 3, "(batch, timesteps, features)")
    if 0 in x.shape:
        raise ValueError(f"x must hold at least one sample, one timestep and one feature, "
                         f"got shape {x.shape}")
    expected = _expected_input(model)
    if expected is not None:
        for axis, (size, wanted) in enumerate(zip(x.shape, expected, strict=True)):
            # A recurrent layer runs any number of timesteps, whatever Input declared.
            if wanted is not None and size != wanted and axis != 1:
                axis_name = ("batch", "timesteps", "features")[axis]
                shown = tuple("any" if size is None else size for size in expected)
                raise ValueError(
                    f"x has {size} as its {axis_name} (axis {axis}), but the model takes "
                    f"input shaped {shown} (batch, timesteps, features); got x of shape "
                    f"{x.shape}"
                )
    dtype = _float_type(getattr(model, "compute_dtype", "float32"))
    _checks.values_fit("x", x, dtype)
    import tensorflow as tf

    try:
        output = model(x.astype(np.float64 if dtype == "float64" else np.float32),
                       training=False)
    except (tf.errors.InvalidArgumentError, ValueError) as error:
        raise ValueError(
            f"x of shape {x.shape} does not fit the model (which takes "
            f"{expected or 'an input it did not declare'}): {_first_words(error)}"
        ) from None
    if isinstance(output, list | tuple):
        return tuple(k.ops.convert_to_numpy(part) for part in output)
    return k.ops.convert_to_numpy(output)


def _first_words(error: Exception) -> str:
    """The gist of a Keras or TensorFlow error: its first line with words, no colours."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.startswith(("Exception encountered", "{{"))]
    return lines[0] if lines else type(error).__name__


@functools.lru_cache(maxsize=4)
def _weights_only_lstm(layer: LayerSpec) -> Any:
    """An LSTM layer for `layer`'s sizes that returns its sequence and final states, built
    with zeros (its weights are written before every use), for any batch and length, in
    float32 whatever keras.config.floatx() says (Keras' default number type)."""
    built = keras().layers.LSTM(
        layer.units, use_bias=layer.use_bias, return_sequences=True, return_state=True,
        kernel_initializer="zeros", recurrent_initializer="zeros", bias_initializer="zeros",
        unit_forget_bias=False, dtype="float32", name="lstm",
    )
    built.build((None, None, layer.features))
    return built


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
    compared line for line. Layers are kept per size (units, features, bias), not per
    sequence length, and built without random initial weights, so repeated calls are
    quick and cost no memory beyond one layer per size.

    Parameters
    ----------
    x : array_like
        (batch, timesteps, features).
    kernel, recurrent_kernel : array_like
        (features, 4·units) and (units, 4·units).
    bias : array_like or None
        (4·units,), or None for a layer without bias.
    h0, c0 : array_like or None
        (batch, units) each; None starts from zeros.

    Returns
    -------
    LSTMResult
        sequences, h and c as float64 arrays (computed in float32 by Keras); no trace.

    Raises
    ------
    TypeError
        If an argument holds no real numbers.
    ValueError
        If a shape does not fit the others, a value is NaN, infinite or beyond float32,
        or the layer holds more than MAX_PARAMETERS.
    """
    inputs = check_inputs(x, kernel, recurrent_kernel, bias, h0, c0)
    for name in ("x", "h0", "c0"):
        _checks.float32_values(name, getattr(inputs, name))
    _fits_in_memory(inputs.layer)
    layer = _weights_only_lstm(inputs.layer)
    _assign_lstm_weights(layer.cell, inputs.kernel, inputs.recurrent_kernel, inputs.bias)
    k = keras()
    sequences, h, c = layer(
        inputs.x.astype(np.float32),
        initial_state=[inputs.h0.astype(np.float32), inputs.c0.astype(np.float32)],
    )
    return LSTMResult(
        sequences=k.ops.convert_to_numpy(sequences).astype(float),
        h=k.ops.convert_to_numpy(h).astype(float),
        c=k.ops.convert_to_numpy(c).astype(float),
        trace=None,
    )


def summary_text(model: Any) -> str:
    """model.summary() as plain text of a fixed width, the same in every terminal.

    Parameters
    ----------
    model : keras.Model
        A built model (a single layer has no summary).

    Returns
    -------
    str
        The summary, SUMMARY_WIDTH columns wide, without colour codes.

    Raises
    ------
    TypeError
        If model is not a Keras model.
    """
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
