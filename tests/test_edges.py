"""An adversarial suite: what a careless learner or a script could pass to each public
function and widget, and what must happen then.

The rule: either the right thing happens, or a ValueError or TypeError says which
argument was wrong and what is accepted. Never a silent wrong number, NaN out of finite
input, a foreign exception (a NumPy broadcasting error, a TensorFlow error), a hang or
an allocation far beyond what the answer needs. The command line's own suite is in
tests/test_tasks.py; the exercise checkers' in tests/test_exercises.py.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import lstm_teach as lt
from lstm_teach import diagrams
from lstm_teach.widgets._base import _agreement

BIG = 1e39  # finite in float64, infinite in float32
RNG = np.random.default_rng(0)


def refused(call, error: type[Exception], words: str) -> None:
    with pytest.raises(error) as caught:
        call()
    assert re.search(words, str(caught.value)), str(caught.value)


# ---------------------------------------------------------------- arithmetic

ARITHMETIC = [
    ({"units": 0}, ValueError, "units must be a whole number >= 1"),
    ({"units": -2}, ValueError, "units"),
    ({"units": 2.0}, TypeError, "units must be a whole number"),
    ({"units": np.float64(2)}, TypeError, "units"),
    ({"units": "2"}, TypeError, "units"),
    ({"units": None}, TypeError, "units"),
    ({"units": True}, TypeError, "units"),
    ({"units": 2 + 0j}, TypeError, "units"),
    ({"features": [2]}, TypeError, "features"),
    ({"features": 0}, ValueError, "features"),
    ({"cell": "LSTM"}, ValueError, "cell must be one of"),
    ({"cell": None}, ValueError, "cell must be one of"),
    ({"cell": "peephole_lstm"}, ValueError, "cell must be one of"),
    ({"convention": "tensorflow"}, ValueError, "convention must be one of"),
    ({"use_bias": "False"}, TypeError, "use_bias must be True or False"),
    ({"use_bias": 0}, TypeError, "use_bias"),
    ({"use_bias": None}, TypeError, "use_bias"),
    ({"reset_after": "no"}, TypeError, "reset_after"),
    ({"reset_after": False}, ValueError, "reset_after applies to cell='gru' only"),
]


@pytest.mark.parametrize(("kwargs", "error", "words"), ARITHMETIC)
@pytest.mark.parametrize("function", [lt.count_params, lt.param_table, lt.formula, lt.LayerSpec])
def test_arithmetic_refuses_by_name(function, kwargs, error, words) -> None:
    arguments = {"units": 2, "features": 3, **kwargs}
    refused(lambda: function(**arguments), error, words)


def test_arithmetic_takes_numpy_scalars_and_any_size() -> None:
    assert lt.count_params(np.int64(2), np.int32(3), use_bias=np.bool_(True)) == 48
    huge = 10**9
    assert lt.count_params(huge, huge) == 4 * (huge * huge + huge * huge + huge)
    assert isinstance(lt.count_params(huge, 1), int)  # exact, no float rounding


# ---------------------------------------------------------------- the NumPy reference


def weights(features: int = 2, units: int = 3, scale: float = 1.0):
    return (scale * RNG.normal(size=(features, 4 * units)),
            scale * RNG.normal(size=(units, 4 * units)), scale * RNG.normal(size=4 * units))


REFERENCE = [
    (lambda k, r, b: lt.lstm_forward(np.zeros((2, 3)), k, r, b), ValueError,
     "x must have 3 dimensions"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((1, 2, 2, 1)), k, r, b), ValueError, "x must have 3"),
    (lambda k, r, b: lt.lstm_forward([[["a", "b"]]], k, r, b), TypeError, "x must hold real"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((1, 1, 2), dtype=complex), k, r, b), TypeError,
     "x must hold real"),
    (lambda k, r, b: lt.lstm_forward(np.ones((1, 1, 2), dtype=bool), k, r, b), TypeError, "x"),
    (lambda k, r, b: lt.lstm_forward(np.full((1, 1, 2), np.nan), k, r, b), ValueError,
     "x must hold finite numbers"),
    (lambda k, r, b: lt.lstm_forward(np.full((1, 1, 2), np.inf), k, r, b), ValueError, "finite"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((0, 1, 2)), k, r, b), ValueError,
     "at least one sample"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((1, 0, 2)), k, r, b), ValueError,
     "one timestep"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((1, 1, 3)), k, r, b), ValueError,
     "x has 3 features"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((1, 1, 0)), np.zeros((0, 12)), r, b), ValueError,
     "features >= 1"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((1, 1, 2)), np.zeros((2, 10)), r, b), ValueError,
     "kernel must have shape"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((1, 1, 2)), k, r.T, b), ValueError,
     "recurrent_kernel must have shape"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((1, 1, 2)), k, r, b[:-1]), ValueError,
     "bias must have shape"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((1, 1, 2)), k, r, b[None]), ValueError,
     "bias must have 1 dimension"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((1, 1, 2)), k, r, b, h0=np.zeros((2, 3))),
     ValueError, "h0 must have shape"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((1, 1, 2)), k, r, b, c0=np.zeros(3)),
     ValueError, "c0 must have 2 dimensions"),
    (lambda k, r, b: lt.lstm_forward(np.zeros((1, 1, 2)), k, r, b, trace="yes"), TypeError,
     "trace must be True or False"),
    (lambda k, r, b: lt.lstm_forward(np.full((1, 1, 2), 1e200), 1e200 * k, r, b), ValueError,
     "overflowed at timestep 1"),
]


@pytest.mark.parametrize(("call", "error", "words"), REFERENCE)
def test_reference_refuses_by_name(call, error, words) -> None:
    refused(lambda: call(*weights()), error, words)


def test_reference_leaves_out_the_bias_only_when_asked() -> None:
    kernel, recurrent, _ = weights()
    x = RNG.normal(size=(2, 4, 2))
    with pytest.raises(TypeError, match="bias"):
        lt.lstm_forward(x, kernel, recurrent)  # forgotten: an error, not a layer without bias
    without = lt.lstm_forward(x, kernel, recurrent, None)
    np.testing.assert_array_equal(without.h, lt.lstm_forward(x, kernel, recurrent,
                                                             np.zeros(12)).h)


def test_reference_saturates_without_warnings_or_nan_for_large_finite_values() -> None:
    kernel, recurrent, bias = weights(scale=1e3)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # warnings would raise
        run = lt.lstm_forward(RNG.normal(size=(1, 5, 2)), kernel, recurrent, bias)
    assert np.all(np.isfinite(run.sequences)) and np.all(np.abs(run.h) <= 1)


# ---------------------------------------------------------------- the Keras bridge

BRIDGE = [
    (lambda: lt.build_lstm(3, 5, 2, use_bias="False"), TypeError, "use_bias must be True"),
    (lambda: lt.build_lstm(3, 5, 2, return_sequences="no"), TypeError, "return_sequences"),
    (lambda: lt.build_lstm(3, 5, 2, return_state=1), TypeError, "return_state"),
    (lambda: lt.build_lstm(3, 5, 2, go_backwards="yes"), TypeError, "go_backwards"),
    (lambda: lt.build_lstm(3, 5, 2, stateful=None), TypeError, "stateful"),
    (lambda: lt.build_lstm(3, 5, 2, unroll="True"), TypeError, "unroll"),
    (lambda: lt.build_lstm(3, 5, 2, dropout=2.0), ValueError, "dropout must be a number from 0"),
    (lambda: lt.build_lstm(3, 5, 2, recurrent_dropout=-0.1), ValueError, "recurrent_dropout"),
    (lambda: lt.build_lstm(3, 5, 2, dropout="0.5"), TypeError, "dropout"),
    (lambda: lt.build_lstm(3, 5, 2, reset_after=False), ValueError, "reset_after applies"),
    (lambda: lt.build_lstm(3, 5, 2, input_dim=2), TypeError, "input_dim is Keras 1/2 style"),
    (lambda: lt.build_lstm(3, 5, 2, input_length=5), TypeError, "input_length"),
    (lambda: lt.build_lstm(3, 5, 2, name="mine"), TypeError, "name is fixed"),
    (lambda: lt.build_lstm(10**6, 1, 1), ValueError, r"4,000,008,000,000 parameters, 16,000"),
    (lambda: lt.build_rnn(2, 3, 2, cell="lstmx"), ValueError, "cell must be one of"),
    (lambda: lt.build_lstm(2, 0, 2), ValueError, "timesteps"),
    (lambda: lt.keras_count_params(2, 3, use_bias="False"), TypeError, "use_bias"),
    (lambda: lt.summary_text(None), TypeError, "model must be a Keras model"),
    (lambda: lt.summary_text(lt.build_lstm(1, 1, 1).get_layer("lstm")), TypeError,
     "wrap it in a model"),
    (lambda: lt.keras_output(None, np.zeros((1, 1, 1))), TypeError, "model must be a Keras"),
    (lambda: lt.keras_output(lt.build_lstm(1, 1, 1), np.full((1, 1, 1), BIG)), ValueError,
     "x holds a value of magnitude 1e\\+39, beyond what float32"),
    (lambda: lt.gate_weights(None), TypeError, "layer must be a keras.layers.LSTM"),
    (lambda: lt.gate_weights(lt.build_lstm(1, 1, 1)), TypeError, "not a whole model"),
    (lambda: lt.gate_weights(lt.keras().layers.LSTM(2)), ValueError, "build it first"),
    (lambda: lt.keras_lstm_forward(np.full((1, 1, 1), BIG), np.ones((1, 4)), np.ones((1, 4)),
                                   np.ones(4)), ValueError, "beyond what float32"),
]


@pytest.mark.parametrize(("call", "error", "words"), BRIDGE)
def test_bridge_refuses_by_name(call, error, words) -> None:
    refused(call, error, words)


@pytest.mark.parametrize("name", ["kernel", "recurrent_kernel", "bias"])
def test_weights_that_float32_cannot_hold_are_refused_before_the_cast(name: str) -> None:
    layer = lt.build_lstm(2, 1, 3).get_layer("lstm")
    before = [array.copy() for array in lt.lstm_weights(layer)]
    chosen = {"kernel": np.zeros((3, 8)), "recurrent_kernel": np.zeros((2, 8)),
              "bias": np.zeros(8)}
    chosen[name][0] = BIG
    refused(lambda: lt.set_lstm_weights(layer, **chosen), ValueError,
            f"{name} holds a value of magnitude")
    for kept, now in zip(before, lt.lstm_weights(layer), strict=True):
        np.testing.assert_array_equal(kept, now)  # nothing was written


def test_flags_given_properly_build_the_layer_they_say() -> None:
    model = lt.build_lstm(3, 5, 2, use_bias=np.bool_(False), return_sequences=True)
    assert model.count_params() == lt.count_params(3, 2, use_bias=False) == 60
    assert model.output_shape == (None, 5, 3)


def test_counting_through_keras_builds_no_weight_values() -> None:
    from keras.src.backend.common import global_state

    assert lt.keras_count_params(5000, 1) == lt.count_params(5000, 1)
    assert lt.keras_count_params(10**6, 1, cell="gru") == lt.count_params(10**6, 1, cell="gru")
    pending = global_state.get_global_attribute("uninitialized_variables") or []
    assert not pending  # nothing left for Keras to initialise later


# ---------------------------------------------------------------- pictures

PICTURES = [
    (lambda: diagrams.figure_png(), TypeError, "at least one figure"),
    (lambda: diagrams.figure_png(None), TypeError, "fig must be a matplotlib"),
    (lambda: diagrams.figure_png(lt.weight_grid_figure(1, 1), dpi="100"), TypeError, "dpi"),
    (lambda: diagrams.figure_png(lt.weight_grid_figure(1, 1), dpi=0), ValueError, "dpi"),
    (lambda: diagrams.figure_png(lt.weight_grid_figure(1, 1), density=0), ValueError,
     "density"),
    (lambda: diagrams.figure_png(lt.weight_grid_figure(1, 1), density=math.nan), ValueError,
     "density"),
    (lambda: diagrams.figure_png(lt.weight_grid_figure(1, 1), compress_level=10), ValueError,
     "compress_level"),
    (lambda: lt.weight_grid_figure(33, 1), ValueError, "units must be a whole number from 1 to 32"),
    (lambda: lt.weight_grid_figure(2, 2, new_since=(0, 2)), ValueError, "units"),
    (lambda: lt.unrolled_figure(1, 1, 21), ValueError, "timesteps must be a whole number from 1"),
    (lambda: lt.cell_diagram_figure(1, 1, step="step"), TypeError, "step must be None or one"),
    (lambda: lt.training_curve_figure([0.1] * 3, title=3), TypeError, "title must be a string"),
    (lambda: diagrams.count_squares(None), TypeError, "fig must be"),
    (lambda: diagrams.count_squares(lt.weight_grid_figure(1, 1), new="yes"), TypeError, "new"),
    (lambda: diagrams.figure_text("figure"), TypeError, "fig must be"),
    (lambda: lt.signed("0.5"), TypeError, "value must be a real number"),
    (lambda: lt.vector("abc"), TypeError, "values must be numbers"),
]


@pytest.mark.parametrize(("call", "error", "words"), PICTURES)
def test_pictures_refuse_by_name(call, error, words) -> None:
    refused(call, error, words)


def test_pictures_take_numpy_numbers() -> None:
    figure = lt.weight_grid_figure(np.int64(2), np.int64(3))
    assert diagrams.figure_png(figure, dpi=np.int64(100), density=np.float32(1.5))[:4] == \
        b"\x89PNG"


def test_a_training_curve_of_hundreds_of_epochs_stays_legible() -> None:
    figure = lt.training_curve_figure([1.0 / (epoch + 1) for epoch in range(400)])
    figure.canvas.draw()
    assert len([tick for tick in figure.axes[0].get_xticklabels() if tick.get_text()]) <= 10


# ---------------------------------------------------------------- widgets changed from code


def test_explorer_refuses_a_slider_moved_past_its_diagrams_and_keeps_working() -> None:
    explorer = lt.param_explorer()
    explorer.units.value = 3
    formula, picture = explorer.formula.value, explorer.grid_image.png
    explorer.units.max = 20
    refused(lambda: setattr(explorer.units, "value", 20), ValueError, "units = 20 refused")
    assert explorer.units.value == 3  # put back, and every view still shows units=3
    assert explorer.formula.value == formula and explorer.grid_image.png == picture
    explorer.units.value = 4
    assert "64" in explorer.formula.value or "4·(1·4" in explorer.formula.value


def test_explorer_refuses_a_selection_set_to_none() -> None:
    explorer = lt.param_explorer()
    refused(lambda: setattr(explorer.cell, "value", None), ValueError, "cell must be one of")
    assert explorer.cell.value == "lstm" and "12 parameters" in explorer.formula.value


def test_stepper_refuses_nan_and_keeps_working() -> None:
    stepper = lt.cell_stepper()
    refused(lambda: setattr(stepper.x0, "value", math.nan), ValueError, "finite")
    assert stepper.x0.value == pytest.approx(0.8)
    stepper.x0.value = -1.0
    assert stepper.step.x.item() == -1.0


def test_time_stepper_refuses_a_step_past_its_sequence() -> None:
    stepper = lt.time_stepper()
    stepper.t.max = 50
    refused(lambda: setattr(stepper.t, "value", 40), ValueError, "timestep t must be from 1 to 6")
    assert stepper.t.value == 1
    stepper.t.value = 6
    assert stepper.step() is stepper.run.trace[5]


def test_time_stepper_needs_the_bias_said_out_loud() -> None:
    x, (kernel, recurrent, _) = RNG.normal(size=(1, 4, 2)), weights()
    refused(lambda: lt.time_stepper(x, kernel, recurrent), TypeError,
            "pass kernel, recurrent_kernel and bias together")
    assert lt.time_stepper(x, kernel, recurrent, None).bias is None


def test_keras_check_of_a_wide_layer_agrees_within_float32_round_off() -> None:
    rng = np.random.default_rng(64)
    x = rng.normal(size=(1, 6, 8))
    kernel, recurrent = rng.normal(size=(8, 256)), rng.normal(size=(64, 256))
    stepper = lt.time_stepper(x, kernel, recurrent, rng.normal(size=256))
    keras_h = stepper.check_with_keras()
    assert np.abs(keras_h - stepper.run.sequences).max() > 1e-7  # float32 really differs
    assert "✔" in stepper.check_result.value and "agrees" in stepper.check_result.value
    assert "difference" in stepper.check_result.value
    assert not _agreement(keras_h + 0.01, stepper.run.sequences)[0]  # a real miss
