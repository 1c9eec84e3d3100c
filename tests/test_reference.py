"""The NumPy LSTM against hand-worked numbers, and its argument checks.

Agreement with a real Keras layer is tested in test_keras_bridge.py.
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest

import lstm_teach as lt


def sig(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_one_step_one_unit_by_hand():
    # gate order i, f, c, o: one column each for units=1
    kernel = [[0.5, -1.0, 2.0, 0.25]]
    recurrent = [[0.1, 0.2, -0.3, 0.4]]
    bias = [0.0, 1.0, 0.5, -0.5]
    x, h0, c0 = 2.0, 0.5, -1.0
    z = [kernel[0][k] * x + recurrent[0][k] * h0 + bias[k] for k in range(4)]
    i, f, g, o = sig(z[0]), sig(z[1]), math.tanh(z[2]), sig(z[3])
    c = f * c0 + i * g
    h = o * math.tanh(c)

    result = lt.lstm_forward([[[x]]], kernel, recurrent, bias, h0=[[h0]], c0=[[c0]], trace=True)

    assert result.h.item() == pytest.approx(h)
    assert result.c.item() == pytest.approx(c)
    step = result.trace[0]
    assert [step.gates[name].pre_activation.item() for name in "ifco"] == pytest.approx(z)
    assert [step.gates[name].activation.item() for name in "ifco"] == pytest.approx([i, f, g, o])
    assert step.h_prev.item() == h0 and step.c_prev.item() == c0


def test_zero_weights_open_every_gate_halfway():
    units, features = 3, 2
    result = lt.lstm_forward(
        np.ones((1, 1, features)),
        np.zeros((features, 4 * units)),
        np.zeros((units, 4 * units)),
        np.zeros(4 * units),
        c0=np.full((1, units), 2.0),
        trace=True,
    )
    gates = result.trace[0].gates
    for name in "ifo":
        np.testing.assert_allclose(gates[name].activation, 0.5)
    np.testing.assert_allclose(gates["c"].activation, 0.0)
    np.testing.assert_allclose(result.c, 1.0)  # f · c0 = 0.5 · 2
    np.testing.assert_allclose(result.h, 0.5 * np.tanh(1.0))


def test_every_feature_reaches_every_gate():
    rng = np.random.default_rng(7)
    kernel, recurrent = rng.normal(size=(2, 4)), rng.normal(size=(1, 4))
    bias = rng.normal(size=4)
    base = lt.lstm_forward([[[0.3, 0.3]]], kernel, recurrent, bias, trace=True).trace[0]
    moved = lt.lstm_forward([[[0.3, 0.9]]], kernel, recurrent, bias, trace=True).trace[0]
    for name in "ifco":
        assert moved.gates[name].activation != pytest.approx(base.gates[name].activation)


def test_shapes_and_sequence_over_several_steps():
    rng = np.random.default_rng(0)
    batch, timesteps, features, units = 4, 5, 3, 2
    result = lt.lstm_forward(
        rng.normal(size=(batch, timesteps, features)),
        rng.normal(size=(features, 4 * units)),
        rng.normal(size=(units, 4 * units)),
        rng.normal(size=4 * units),
    )
    assert result.sequences.shape == (batch, timesteps, units)
    assert result.h.shape == result.c.shape == (batch, units)
    np.testing.assert_array_equal(result.sequences[:, -1, :], result.h)
    assert result.trace is None


def test_each_step_starts_from_the_previous_state():
    rng = np.random.default_rng(3)
    weights = rng.normal(size=(1, 4)), rng.normal(size=(1, 4)), rng.normal(size=4)
    x = rng.normal(size=(1, 3, 1))
    trace = lt.lstm_forward(x, *weights, trace=True).trace
    assert len(trace) == 3
    for before, after in itertools.pairwise(trace):
        np.testing.assert_array_equal(after.h_prev, before.h)
        np.testing.assert_array_equal(after.c_prev, before.c)


def test_no_bias_equals_zero_bias():
    rng = np.random.default_rng(1)
    x, kernel, recurrent = (
        rng.normal(size=(2, 2, 2)), rng.normal(size=(2, 8)), rng.normal(size=(2, 8))
    )
    without = lt.lstm_forward(x, kernel, recurrent, None)
    zero = lt.lstm_forward(x, kernel, recurrent, np.zeros(8))
    np.testing.assert_array_equal(without.sequences, zero.sequences)


GOOD = {
    "x": np.zeros((2, 3, 2)),
    "kernel": np.zeros((2, 4)),
    "recurrent_kernel": np.zeros((1, 4)),
    "bias": np.zeros(4),
}


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"x": np.zeros((3, 2))}, ValueError, "x must have 3 dimensions"),
        ({"x": np.zeros((2, 3, 5))}, ValueError, "x has 5 features"),
        ({"x": np.zeros((0, 3, 2))}, ValueError, "x must hold at least one sample"),
        ({"x": np.full((2, 3, 2), True)}, TypeError, "x must hold real numbers"),
        ({"x": [["a"]]}, TypeError, "x must hold real numbers"),
        ({"x": np.full((2, 3, 2), np.nan)}, ValueError, "x must hold finite numbers"),
        ({"kernel": np.zeros((2, 6))}, ValueError, "kernel must have shape (features, 4·units)"),
        ({"kernel": np.zeros(4)}, ValueError, "kernel must have 2 dimensions"),
        ({"recurrent_kernel": np.zeros((2, 4))}, ValueError, "recurrent_kernel must have shape"),
        ({"bias": np.zeros(5)}, ValueError, "bias must have shape (4,)"),
        ({"bias": np.zeros((1, 4))}, ValueError, "bias must have 1 dimension"),
        ({"h0": np.zeros((1, 1))}, ValueError, "h0 must have shape (2, 1)"),
        ({"c0": np.zeros((2, 2))}, ValueError, "c0 must have shape (2, 1)"),
        ({"trace": "yes"}, TypeError, "trace must be True or False"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_the_argument(change, error, words):
    with pytest.raises(error, match=re.escape(words)):
        lt.lstm_forward(**{**GOOD, **change})
