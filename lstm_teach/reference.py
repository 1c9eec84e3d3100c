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
from lstm_teach.counting import GATES

LSTM_GATES = GATES["lstm"]


@dataclass(frozen=True)
class GateStep:
    """One gate at one timestep: its pre-activation z and its activation."""

    pre_activation: np.ndarray
    activation: np.ndarray


@dataclass(frozen=True)
class Step:
    """Everything the cell computed at one timestep, for teaching and plotting."""

    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    gates: dict[str, GateStep]
    c: np.ndarray
    h: np.ndarray


@dataclass(frozen=True)
class LSTMResult:
    """Output of lstm_forward: all hidden states, the final h and c, and the trace."""

    sequences: np.ndarray
    h: np.ndarray
    c: np.ndarray
    trace: tuple[Step, ...] | None


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + e^-z), Keras' default recurrent_activation.

    Written as exp(−log(1 + e^−z)) so that a very negative z gives 0 without an
    overflow warning (e^800 is beyond float64).
    """
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


def _state(name: str, value: object, batch: int, units: int) -> np.ndarray:
    if value is None:
        return np.zeros((batch, units))
    state = _checks.real_array(name, value, 2, "(batch, units)")
    _checks.shape_is(name, state, (batch, units), "(batch, units), matching x and kernel")
    return state


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
    """
    x = _checks.real_array("x", x, 3, "(batch, timesteps, features)")
    kernel = _checks.real_array("kernel", kernel, 2, "(features, 4·units)")
    recurrent_kernel = _checks.real_array(
        "recurrent_kernel", recurrent_kernel, 2, "(units, 4·units)"
    )
    trace = _checks.flag("trace", trace)
    features, width = kernel.shape
    if features == 0 or width == 0 or width % 4:
        raise ValueError(
            "kernel must have shape (features, 4·units) with features >= 1 and units >= 1, "
            f"got {kernel.shape}"
        )
    units = width // 4
    batch, timesteps, x_features = x.shape
    if x_features != features:
        raise ValueError(
            f"x has {x_features} features (its last axis) but kernel has {features} rows; "
            "kernel must have one row per feature: shape (features, 4·units)"
        )
    if batch == 0 or timesteps == 0:
        raise ValueError(f"x must hold at least one sample and one timestep, got {x.shape}")
    _checks.shape_is(
        "recurrent_kernel", recurrent_kernel, (units, width), "(units, 4·units), matching kernel"
    )
    if bias is None:
        bias = np.zeros(width)
    else:
        bias = _checks.real_array("bias", bias, 1, "(4·units,)")
        _checks.shape_is("bias", bias, (width,), "(4·units,), matching kernel")
    h = _state("h0", h0, batch, units)
    c = _state("c0", c0, batch, units)

    outputs = []
    steps = []
    for t in range(timesteps):
        h_prev, c_prev = h, c
        with np.errstate(over="ignore", invalid="ignore"):
            z = x[:, t, :] @ kernel + h_prev @ recurrent_kernel + bias
        if not np.all(np.isfinite(z)):
            raise ValueError(
                f"the pre-activations z overflowed at timestep {t + 1}: x, kernel, "
                "recurrent_kernel and bias are so large that x·kernel + h·recurrent_kernel "
                "+ bias exceeds what float64 holds (about 1.8e308); scale them down"
            )
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
