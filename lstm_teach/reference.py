"""The Keras LSTM cell written out in NumPy, one line per equation.

For every timestep t, with the gate blocks laid out in Keras' order i, f, c, o:

    z   = x_t · kernel + h_{t-1} · recurrent_kernel + bias      (batch, 4·units)
    i   = sigmoid(z_i)          input gate
    f   = sigmoid(z_f)          forget gate
    g   = tanh(z_c)             candidate cell state (the "c" path)
    C_t = f * C_{t-1} + i * g   cell state: one number per unit
    o   = sigmoid(z_o)          output gate
    h_t = o * tanh(C_t)         hidden state, the layer's output

Every feature of x_t meets every gate of every unit through the kernel's rows; there
is no separate path per feature.

One step by hand: with zero weights every sigmoid gate is σ(0) = 0.5, and a bias of 1
on the c path makes the candidate tanh(1) ≈ 0.7616, so C = 0.5 · 0.7616 and
h = 0.5 · tanh(C):

>>> import numpy as np
>>> run = lstm_forward(np.ones((1, 1, 1)), np.zeros((1, 4)), np.zeros((1, 4)),
...                    np.array([0.0, 0.0, 1.0, 0.0]))
>>> round(float(run.c[0, 0]), 4), round(float(run.h[0, 0]), 4)
(0.3808, 0.1817)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_teach import _checks
from lstm_teach.counting import GATES, LayerSpec

LSTM_GATES = GATES["lstm"]


@dataclass(frozen=True)
class GateStep:
    """One gate at one timestep: its pre-activation z and its activation.

    Parameters
    ----------
    pre_activation : numpy.ndarray
        z, (batch, units).
    activation : numpy.ndarray
        sigmoid(z) for i, f, o; tanh(z) for the candidate c.
    """

    pre_activation: np.ndarray
    activation: np.ndarray


@dataclass(frozen=True)
class Step:
    """Everything the cell computed at one timestep, for teaching and plotting.

    Parameters
    ----------
    x : numpy.ndarray
        The input at this step, (batch, features).
    h_prev, c_prev : numpy.ndarray
        The states before it, (batch, units) each.
    gates : dict of str to GateStep
        Each path "i", "f", "c", "o".
    c, h : numpy.ndarray
        The states after it, (batch, units) each.
    """

    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    gates: dict[str, GateStep]
    c: np.ndarray
    h: np.ndarray


@dataclass(frozen=True)
class LSTMResult:
    """Output of lstm_forward: all hidden states, the final h and c, and the trace.

    Parameters
    ----------
    sequences : numpy.ndarray
        h at every step, (batch, timesteps, units).
    h, c : numpy.ndarray
        The final states, (batch, units) each.
    trace : tuple of Step or None
        Every step's gates, with trace=True.
    """

    sequences: np.ndarray
    h: np.ndarray
    c: np.ndarray
    trace: tuple[Step, ...] | None


@dataclass(frozen=True)
class LSTMInputs:
    """Everything lstm_forward runs on, checked against each other and copied as float64.

    Made by check_inputs; the arrays are read-only copies, so neither the caller changing
    theirs nor anyone changing these can make a result disagree with its inputs.

    Parameters
    ----------
    x : numpy.ndarray
        (batch, timesteps, features).
    kernel : numpy.ndarray
        (features, 4·units).
    recurrent_kernel : numpy.ndarray
        (units, 4·units).
    bias : numpy.ndarray or None
        (4·units,), or None for a layer without bias.
    h0, c0 : numpy.ndarray
        (batch, units) each: the states before the first step.
    layer : LayerSpec
        The layer these weights belong to.
    """

    x: np.ndarray
    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray | None
    h0: np.ndarray
    c0: np.ndarray
    layer: LayerSpec


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _state(name: str, value: object, batch: int, units: int) -> np.ndarray:
    if value is None:
        return np.zeros((batch, units))
    state = _checks.real_array(name, value, 2, "(batch, units)")
    _checks.shape_is(name, state, (batch, units), "(batch, units), matching x and kernel")
    return state


def check_inputs(
    x: object,
    kernel: object,
    recurrent_kernel: object,
    bias: object,
    h0: object = None,
    c0: object = None,
) -> LSTMInputs:
    """Check lstm_forward's arguments against each other once, and copy them.

    Parameters
    ----------
    x : array_like
        (batch, timesteps, features), at least one sample and one timestep.
    kernel : array_like
        (features, 4·units), as ``layer.get_weights()[0]``.
    recurrent_kernel : array_like
        (units, 4·units).
    bias : array_like or None
        (4·units,); None for use_bias=False (it must be said: there is no default).
    h0, c0 : array_like or None
        (batch, units) each; None starts from zeros, as Keras does.

    Returns
    -------
    LSTMInputs
        Read-only float64 copies and the LayerSpec they describe.

    Raises
    ------
    TypeError
        If an argument holds no real numbers.
    ValueError
        If a shape does not fit the others, or a value is NaN or infinite.
    """
    layer = LayerSpec.from_weights(kernel, recurrent_kernel, bias)
    x = _checks.real_array("x", x, 3, "(batch, timesteps, features)")
    batch, timesteps, x_features = x.shape
    if x_features != layer.features:
        raise ValueError(
            f"x has {x_features} features (its last axis) but kernel has {layer.features} "
            "rows; kernel must have one row per feature: shape (features, 4·units)"
        )
    if batch == 0 or timesteps == 0:
        raise ValueError(f"x must hold at least one sample and one timestep, got {x.shape}")
    return LSTMInputs(
        x=_frozen(x),
        kernel=_frozen(np.array(kernel, dtype=np.float64)),
        recurrent_kernel=_frozen(np.array(recurrent_kernel, dtype=np.float64)),
        bias=None if bias is None else _frozen(np.array(bias, dtype=np.float64)),
        h0=_frozen(_state("h0", h0, batch, layer.units)),
        c0=_frozen(_state("c0", c0, batch, layer.units)),
        layer=layer,
    )


def sigmoid(z: object) -> np.ndarray:
    """Logistic function 1 / (1 + e^-z), Keras' default recurrent_activation.

    Written as exp(−log(1 + e^−z)) so that a very negative z gives 0 without an
    overflow warning (e^800 is beyond float64).

    >>> float(sigmoid(0.0)), sigmoid([-800.0, 800.0]).tolist()
    (0.5, [0.0, 1.0])

    Parameters
    ----------
    z : array_like
        Real numbers: a number, a list or an array (ints or floats).

    Returns
    -------
    numpy.ndarray
        float64 values between 0 and 1, shaped like z.

    Raises
    ------
    TypeError
        If z is not made of real numbers: True and False (which NumPy would read as 1
        and 0), None, strings, complex numbers.
    """
    if isinstance(z, bool):
        raise TypeError(f"z must be a real number or an array of them, got {z!r}")
    array = _checks.real_numbers("z", z)
    return np.exp(-np.logaddexp(0.0, -array.astype(np.float64)))


def pre_activations(
    x_t: np.ndarray,
    h_prev: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray | None,
    timestep: int = 1,
) -> np.ndarray:
    """z = x_t · kernel + h_{t−1} · recurrent_kernel + bias, refusing overflow.

    Parameters
    ----------
    x_t : numpy.ndarray
        (batch, features) or (features,): the input at one step.
    h_prev : numpy.ndarray
        (batch, units) or (units,): the previous output.
    kernel, recurrent_kernel : numpy.ndarray
        (features, 4·units) and (units, 4·units).
    bias : numpy.ndarray or None
        (4·units,), or None for no bias.
    timestep : int
        Which step this is (from 1), for the message.

    Returns
    -------
    numpy.ndarray
        The pre-activations of every path, (batch, 4·units) or (4·units,).

    Raises
    ------
    ValueError
        If they overflow: float64 cannot hold them, so no activation can be computed.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        z = x_t @ kernel + h_prev @ recurrent_kernel
        if bias is not None:
            z = z + bias
    if not np.all(np.isfinite(z)):
        raise ValueError(
            f"the pre-activations z overflowed at timestep {timestep}: x, kernel, "
            "recurrent_kernel and bias are so large that x·kernel + h·recurrent_kernel "
            "+ bias exceeds what float64 holds (about 1.8e308); scale them down"
        )
    return z


def lstm_forward(
    x: object,
    kernel: object,
    recurrent_kernel: object,
    bias: object,
    h0: object = None,
    c0: object = None,
    trace: bool = False,
) -> LSTMResult:
    """Run a Keras-style LSTM over x shaped (batch, timesteps, features).

    kernel is (features, 4·units), recurrent_kernel (units, 4·units) and bias (4·units,)
    or None for use_bias=False, as in `layer.get_weights()`. h0 and c0 default to zeros.
    Returns the hidden state at every step (batch, timesteps, units), the final h and c,
    and, with trace=True, each step's gate pre-activations and activations.

    >>> import numpy as np
    >>> x = np.zeros((2, 5, 3))                      # batch 2, 5 timesteps, 3 features
    >>> run = lstm_forward(x, np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8), trace=True)
    >>> run.sequences.shape, run.h.shape, len(run.trace)   # units = 8 columns / 4 paths
    ((2, 5, 2), (2, 2), 5)

    Parameters
    ----------
    x : array_like
        (batch, timesteps, features).
    kernel : array_like
        (features, 4·units).
    recurrent_kernel : array_like
        (units, 4·units).
    bias : array_like or None
        (4·units,), or None for a layer built with use_bias=False.
    h0, c0 : array_like or None
        (batch, units) each; None (the default) starts from zeros.
    trace : bool
        Keep every step's gates (for the diagrams and the widgets).

    Returns
    -------
    LSTMResult
        sequences (batch, timesteps, units), the final h and c (batch, units), and the
        trace (a tuple of Steps) or None.

    Raises
    ------
    TypeError
        If an argument holds no real numbers, or trace is not True or False.
    ValueError
        If a shape does not fit the others, a value is NaN or infinite, or the
        pre-activations overflow float64.
    """
    inputs = check_inputs(x, kernel, recurrent_kernel, bias, h0, c0)
    return run_checked(inputs, trace=_checks.flag("trace", trace))


def run_checked(inputs: LSTMInputs, trace: bool = False) -> LSTMResult:
    """lstm_forward on inputs that check_inputs has already checked.

    Parameters
    ----------
    inputs : LSTMInputs
        What check_inputs returned.
    trace : bool
        Keep every step's gates.

    Returns
    -------
    LSTMResult
        As lstm_forward returns it.

    Raises
    ------
    TypeError
        If inputs is not an LSTMInputs.
    ValueError
        If the pre-activations overflow float64.
    """
    if not isinstance(inputs, LSTMInputs):
        raise TypeError(
            f"inputs must be what check_inputs returns, got {type(inputs).__name__}"
        )
    x, kernel, recurrent_kernel, bias = (
        inputs.x, inputs.kernel, inputs.recurrent_kernel, inputs.bias,
    )
    h, c = inputs.h0, inputs.c0
    outputs = []
    steps = []
    for t in range(x.shape[1]):
        h_prev, c_prev = h, c
        z = pre_activations(x[:, t, :], h_prev, kernel, recurrent_kernel, bias, t + 1)
        z_i, z_f, z_c, z_o = np.split(z, 4, axis=1)
        i = sigmoid(z_i)
        f = sigmoid(z_f)
        g = np.tanh(z_c)
        c = f * c_prev + i * g  # |i·g| <= 1 and f < 1: finite whenever c0 is
        o = sigmoid(z_o)
        h = o * np.tanh(c)
        outputs.append(h)
        if trace:
            gates = {
                name: GateStep(pre, act)
                for name, pre, act in zip(
                    LSTM_GATES, (z_i, z_f, z_c, z_o), (i, f, g, o), strict=True
                )
            }
            steps.append(Step(x[:, t, :], h_prev, c_prev, gates, c, h))
    return LSTMResult(
        sequences=np.stack(outputs, axis=1),
        h=h,
        c=c,
        trace=tuple(steps) if trace else None,
    )
