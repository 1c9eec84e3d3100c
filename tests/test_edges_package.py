"""Issue 23's adversarial cases for the helper package, and a wider sweep in their spirit.

The first part holds one test per example of issue 23's "Why" that lives in lstm_teach/
(the summary checker's are explain's, the tools' and handouts' are elsewhere). The sweep
after it tries the same kinds of trouble elsewhere: arrays the learner changes after
handing them over, sizes where floats stop being exact, widget controls set from code,
and environment variables a learner's machine may carry. Each test asserts the rule:
the right result, or a ValueError or TypeError naming the argument and what is accepted.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from test_widgets import hand_states

import lstm_teach as lt
from lstm_teach import exercises as ex
from lstm_teach import keras_bridge
from lstm_teach.widgets import TIME_BIAS, TIME_KERNEL, TIME_RECURRENT_KERNEL, TIME_X

RNG = np.random.default_rng(23)


def refused(call, error: type[Exception], words: str) -> str:
    with pytest.raises(error) as caught:
        call()
    assert re.search(words, str(caught.value)), str(caught.value)
    return str(caught.value)


def hand_lstm(x, kernel, recurrent, bias):
    """h at every step of sample 0, straight from the equations (independent of lstm_teach)."""
    return hand_states(np.asarray(x), np.asarray(kernel), np.asarray(recurrent),
                       None if bias is None else np.asarray(bias))[1]


# ---------------------------------------------------------------- issue 23, "Why"


def test_time_stepper_keeps_what_it_was_given_when_the_learner_changes_their_array():
    x, kernel = TIME_X.copy(), TIME_KERNEL.copy()
    recurrent, bias = TIME_RECURRENT_KERNEL.copy(), TIME_BIAS.copy()
    stepper = lt.time_stepper(x, kernel, recurrent, bias)
    before = stepper.describe()
    kernel *= 3.0  # the learner edits their own array in place
    x[0, 0, 0] = -5.0
    bias[:] = 0.0
    keras_h = stepper.check_with_keras()
    assert "✔" in stepper.check_result.value and "agrees" in stepper.check_result.value
    np.testing.assert_allclose(keras_h[0], hand_lstm(TIME_X, TIME_KERNEL, TIME_RECURRENT_KERNEL,
                                                      TIME_BIAS), atol=1e-5)
    assert stepper.describe() == before
    with pytest.raises(ValueError, match="read-only"):
        stepper.kernel[0, 0] = 1.0  # its own copy cannot be changed behind its back either


def test_cell_stepper_keeps_what_it_was_given_too():
    kernel, recurrent = lt.widgets.STEPPER_KERNEL.copy(), lt.widgets.STEPPER_RECURRENT_KERNEL.copy()
    bias = lt.widgets.STEPPER_BIAS.copy()
    stepper = lt.cell_stepper(2, kernel, recurrent, bias)
    kernel[:] = 0.0
    stepper.check_with_keras()
    assert "✔" in stepper.check_result.value
    x = np.array([[[0.8, 0.4]]])
    expected = hand_lstm(x, lt.widgets.STEPPER_KERNEL, lt.widgets.STEPPER_RECURRENT_KERNEL,
                         lt.widgets.STEPPER_BIAS)[-1]
    assert stepper.step.h.item() == pytest.approx(expected.item(), abs=1e-12)


@pytest.mark.parametrize("units", [10**16, 10**16 + 1, 3 * 10**17 + 7, 10**40])
@pytest.mark.parametrize(("cell", "use_bias"), [("lstm", True), ("gru", True),
                                                 ("simple_rnn", False)])
def test_diagnose_units_is_exact_at_any_size(units, cell, use_bias):
    features = 7
    count = lt.count_params(units, features, cell=cell, use_bias=use_bias)
    assert ex.diagnose_units(units, count, features, cell=cell, use_bias=use_bias).correct
    for wrong in (units - 1, units + 1):
        feedback = ex.diagnose_units(wrong, count, features, cell=cell, use_bias=use_bias)
        assert not feedback.correct and feedback.expected == units


def test_a_float_answer_too_large_to_be_exact_is_refused_not_misjudged():
    count = lt.count_params(10**16, 3)
    refused(lambda: ex.diagnose_units(1e16 + 2, count, 3), ValueError,
            "float, which keeps only about 16 digits")


def test_diagnose_gate_refuses_overflow_as_the_reference_refuses_it():
    big = np.full((1, 4), 1e300)
    reference = refused(lambda: lt.lstm_forward(np.full((1, 1, 1), 1e300), big,
                                                np.zeros((1, 4)), None),
                        ValueError, "overflowed")
    checker = refused(lambda: ex.diagnose_gate(0.5, "f", [1e300], [0.0], big, np.zeros((1, 4))),
                      ValueError, "overflowed")
    assert checker == reference


@pytest.mark.parametrize("value", [True, False, None, "0.5", b"1", 1 + 2j, [True, False]])
def test_sigmoid_refuses_what_is_not_a_real_number(value):
    refused(lambda: lt.sigmoid(value), TypeError, "z must")


def test_sigmoid_still_takes_numbers_lists_and_arrays():
    assert float(lt.sigmoid(0)) == 0.5
    np.testing.assert_allclose(lt.sigmoid([-1.0, 1.0]), 1 / (1 + np.exp([1.0, -1.0])))


def test_a_float64_layer_keeps_float64_weights():
    layer = lt.build_lstm(1, None, 1, dtype="float64").get_layer("lstm")
    kernel = np.array([[1 + 1e-12, 2.0, 3.0, 1e39]])  # 1e39 is beyond float32, not float64
    lt.set_lstm_weights(layer, kernel, np.zeros((1, 4)), np.zeros(4))
    stored = lt.lstm_weights(layer)[0]
    assert stored.dtype == np.float64
    np.testing.assert_array_equal(stored, kernel)
    float32_layer = lt.build_lstm(1, None, 1).get_layer("lstm")
    refused(lambda: lt.set_lstm_weights(float32_layer, kernel, np.zeros((1, 4)), np.zeros(4)),
            ValueError, "beyond what float32")


def test_the_size_cap_refuses_layers_a_laptop_cannot_build_quickly():
    refused(lambda: lt.build_lstm(7900, 1, 1), ValueError, "layers built here hold at most")
    refused(lambda: lt.build_lstm(4000, 1, 1), ValueError, "10,000,000")
    refused(lambda: lt.keras_layer(lt.LayerSpec(4000, 1)), ValueError, "at most")
    # The count does not need built weights, so it has no cap.
    assert lt.keras_count(lt.LayerSpec(7900, 1)) == lt.count_params(7900, 1)


def test_keras_lstm_forward_keeps_one_layer_per_size_not_per_length():
    keras_bridge._weights_only_lstm.cache_clear()
    kernel, recurrent, bias = RNG.normal(size=(2, 12)), RNG.normal(size=(3, 12)), RNG.normal(
        size=12)
    for timesteps in range(1, 17):
        x = RNG.normal(size=(1, timesteps, 2))
        run = lt.keras_lstm_forward(x, kernel, recurrent, bias)
        np.testing.assert_allclose(run.sequences[0], hand_lstm(x, kernel, recurrent, bias),
                                   atol=1e-5)
    assert keras_bridge._weights_only_lstm.cache_info().currsize == 1


def test_the_layer_that_receives_weights_is_built_without_random_initialisers():
    layer = keras_bridge._weights_only_lstm(lt.LayerSpec(3, 2))
    keras = lt.keras()
    for initializer in (layer.cell.kernel_initializer, layer.cell.recurrent_initializer,
                        layer.cell.bias_initializer):
        assert isinstance(initializer, keras.initializers.Zeros)


@pytest.mark.parametrize(
    ("x", "words"),
    [
        (np.zeros((0, 3, 2)), r"at least one sample, one timestep and one feature"),
        (np.zeros((1, 0, 2)), r"at least one sample"),
        (np.zeros((1, 3, 5)), r"x has 5 as its features \(axis 2\), but the model takes"),
        (np.zeros((1, 3)), r"x must have 3 dimensions"),
    ],
)
def test_keras_output_refuses_empty_or_misshaped_input_by_name(x, words):
    refused(lambda: lt.keras_output(lt.build_lstm(2, 3, 2), x), ValueError, words)


def test_keras_output_turns_a_keras_shape_error_into_one_naming_x():
    keras = lt.keras()
    model = keras.Sequential([keras.Input((3, 2)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    message = refused(lambda: lt.keras_output(model, np.zeros((1, 4, 2))), ValueError,
                      r"^x of shape \(1, 4, 2\) does not fit the model")
    assert "\x1b" not in message


@pytest.mark.parametrize(
    ("control", "value", "error", "words"),
    [
        ("units", "3", TypeError, "units must be a whole number from 1 to 8; '3' refused"),
        ("units", 2.5, TypeError, "units must be a whole number"),
        ("units", None, TypeError, "units must be a whole number"),
        ("units", 20, ValueError, "units must be a whole number from 1 to 8; 20 refused"),
        ("features", 0, ValueError, "features must be a whole number from 1 to 8"),
        ("timesteps", 11, ValueError, "timesteps must be a whole number from 1 to 10"),
        ("use_bias", "yes", TypeError, "use_bias must be True or False"),
        ("use_bias", 1, TypeError, "use_bias must be True or False"),
        ("cell", "LSTM", ValueError, "cell must be one of 'lstm', 'gru', 'simple_rnn'"),
        ("convention", "tensorflow", ValueError, "convention must be one of"),
    ],
)
def test_explorer_controls_set_from_code_refuse_by_name(control, value, error, words):
    explorer = lt.param_explorer()
    before = getattr(explorer, control).value, explorer.formula.value
    refused(lambda: setattr(getattr(explorer, control), "value", value), error, re.escape(words))
    assert (getattr(explorer, control).value, explorer.formula.value) == before


@pytest.mark.parametrize(
    ("control", "value", "error", "words"),
    [
        ("x0", 5.0, ValueError, r"x_t\[0\] must be a finite number from -2 to 2; 5.0 refused"),
        ("h_prev", "0.5", TypeError, "h_t-1 must be a finite number"),
        ("c_prev", float("inf"), ValueError, "C_t-1 must be a finite number"),
        ("features", 3, ValueError, "features must be one of 1, 2; 3 refused"),
    ],
)
def test_stepper_controls_set_from_code_refuse_by_name(control, value, error, words):
    stepper = lt.cell_stepper()
    before = getattr(stepper, control).value, stepper.result.value
    refused(lambda: setattr(getattr(stepper, control), "value", value), error, words)
    assert (getattr(stepper, control).value, stepper.result.value) == before


@pytest.mark.parametrize("control", ["t", "play"])
def test_time_stepper_refuses_a_step_beyond_its_range_instead_of_clamping(control):
    stepper = lt.time_stepper()
    refused(lambda: setattr(getattr(stepper, control), "value", 99), ValueError,
            "must be a whole number from 1 to 6; 99 refused")
    assert stepper.t.value == 1 and getattr(stepper, control).value == 1


def run_python(code: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **environment}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=300, check=False)


def test_another_keras_backend_is_refused_up_front_with_the_reason():
    done = run_python(
        "import lstm_teach as lt\n"
        "try:\n    lt.build_lstm(1, 1, 1)\n"
        "except ValueError as error:\n    print(error)\n",
        KERAS_BACKEND="jax",
    )
    assert done.returncode == 0, done.stderr
    assert "KERAS_BACKEND is 'jax'" in done.stdout and "'tensorflow'" in done.stdout
    assert "ModuleNotFoundError" not in done.stderr


@pytest.mark.slow  # a fresh Python that imports TensorFlow
def test_keras_already_imported_with_another_backend_is_refused_too():
    done = run_python(
        "import keras\n"
        "keras.backend.backend = lambda: 'torch'  # as if KERAS_BACKEND=torch had been set\n"
        "import lstm_teach as lt\n"
        "try:\n    lt.keras_count_params(1, 1)\n"
        "except ValueError as error:\n    print(error)\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Keras was imported with the 'torch' backend" in done.stdout


def test_stateful_needs_a_batch_size_and_works_with_one():
    refused(lambda: lt.build_lstm(3, 4, 2, stateful=True), ValueError,
            "stateful=True needs a fixed batch: pass batch_size")
    model = lt.build_lstm(3, None, 2, stateful=True, batch_size=2)
    x = RNG.normal(size=(2, 6, 2))
    lt.keras_output(model, x[:, :3])
    second_half = lt.keras_output(model, x[:, 3:])
    kernel, recurrent, bias = lt.lstm_weights(model.get_layer("lstm"))
    whole = lt.lstm_forward(x, kernel, recurrent, bias)  # the state carried over
    np.testing.assert_allclose(second_half, whole.h, atol=1e-5)
    refused(lambda: lt.build_lstm(3, 4, 2, batch_size=0), ValueError, "batch_size")


# ---------------------------------------------------------------- the wider sweep: aliasing


def test_lstm_forward_results_do_not_follow_later_changes_to_the_inputs():
    x, (kernel, recurrent, bias) = RNG.normal(size=(1, 3, 2)), (
        RNG.normal(size=(2, 8)), RNG.normal(size=(2, 8)), RNG.normal(size=8))
    run = lt.lstm_forward(x, kernel, recurrent, bias, trace=True)
    first_x = run.trace[0].x.copy()
    x[:] = 9.0
    np.testing.assert_array_equal(run.trace[0].x, first_x)
    inputs = lt.reference.check_inputs(x, kernel, recurrent, bias)
    for array in (inputs.x, inputs.kernel, inputs.recurrent_kernel, inputs.bias, inputs.h0):
        assert not array.flags.writeable


def test_weights_read_from_a_layer_are_copies():
    layer = lt.build_lstm(2, None, 3).get_layer("lstm")
    kernel, _, _ = lt.lstm_weights(layer)
    kernel[:] = 7.0
    gates = lt.gate_weights(layer)
    gates["c"]["kernel"][:] = 7.0
    assert not np.any(lt.lstm_weights(layer)[0] == 7.0)


def test_keras_lstm_forward_leaves_the_callers_arrays_alone():
    x, kernel = RNG.normal(size=(1, 2, 1)), RNG.normal(size=(1, 4))
    recurrent, bias = RNG.normal(size=(1, 4)), RNG.normal(size=4)
    copies = [array.copy() for array in (x, kernel, recurrent, bias)]
    lt.keras_lstm_forward(x, kernel, recurrent, bias)
    for given, kept in zip((x, kernel, recurrent, bias), copies, strict=True):
        np.testing.assert_array_equal(given, kept)


@pytest.mark.parametrize("name", ["TIME_X", "TIME_KERNEL", "TIME_RECURRENT_KERNEL", "TIME_BIAS",
                                  "STEPPER_KERNEL", "STEPPER_RECURRENT_KERNEL", "STEPPER_BIAS"])
def test_the_explorers_example_values_cannot_be_changed_for_everyone(name):
    values = getattr(lt.widgets, name)
    with pytest.raises(ValueError, match="read-only"):
        values[(0,) * values.ndim] = 42.0


def test_replacing_an_explorer_control_is_refused():
    explorer = lt.param_explorer()
    refused(lambda: setattr(explorer, "units", 3), TypeError, r"set units.value = 3")
    assert explorer.units.value == 1


def test_a_control_bound_set_from_code_is_refused_by_name():
    explorer = lt.param_explorer()
    refused(lambda: setattr(explorer.units, "min", 10), ValueError, "units.min = 10 refused")


# ---------------------------------------------------------------- exactness at large sizes


def test_counts_and_checkers_stay_exact_far_beyond_floats():
    units = 10**20 + 3
    count = lt.count_params(units, 5)
    assert count == 4 * (5 * units + units * units + units)
    assert ex.diagnose_count(count, units, 5).correct
    assert not ex.diagnose_count(count + 1, units, 5).correct
    stack = ex.diagnose_stack(None, (units, 7), 5).expected
    assert stack == count + lt.count_params(7, units)
    assert str(count) in lt.formula(units, 5)


def test_a_count_that_fits_another_layer_says_which():
    gru_count = lt.count_params(5, 3, cell="gru")  # 150: no LSTM on 3 features has it
    refused(lambda: ex.diagnose_units(None, gru_count, 3), ValueError,
            r"150 is not one .* It is the count of GRU\(5\) on 3 features")


def test_layer_spec_reads_any_cells_weights():
    gru = lt.LayerSpec.from_weights(np.zeros((3, 6)), np.zeros((2, 6)), np.zeros((2, 6)),
                                    cell="gru")
    assert (gru.units, gru.features, gru.reset_after) == (2, 3, True)
    assert gru.count == 3 * (3 * 2 + 2 * 2 + 2 * 2)
    old_gru = lt.LayerSpec.from_weights(np.zeros((3, 6)), np.zeros((2, 6)), np.zeros(6),
                                        cell="gru")
    assert old_gru.reset_after is False and old_gru.count == 3 * (3 * 2 + 2 * 2 + 2)
    refused(lambda: lt.LayerSpec.from_weights(np.zeros((3, 8)), np.zeros((3, 8)), None),
            ValueError, r"recurrent_kernel must have shape \(2, 8\)")


@pytest.mark.parametrize("call", [lambda: lt.below(float("nan")),
                                  lambda: lt.signed(float("nan")),
                                  lambda: lt.vector([0.5, float("nan")])])
def test_printing_refuses_nan(call):
    refused(call, ValueError, "is NaN")


def test_keras_output_returns_each_output_of_a_layer_with_states():
    model = lt.build_lstm(2, 3, 2, return_state=True)
    x = RNG.normal(size=(4, 3, 2))
    output, h, c = lt.keras_output(model, x)
    ours = lt.lstm_forward(x, *lt.lstm_weights(model.get_layer("lstm")))
    np.testing.assert_allclose(output, ours.h, atol=1e-5)
    np.testing.assert_allclose(h, ours.h, atol=1e-5)
    np.testing.assert_allclose(c, ours.c, atol=1e-5)


def test_use_cudnn_takes_keras_own_default_word_and_flags_only():
    assert lt.build_lstm(2, 3, 2, use_cudnn="auto").count_params() == lt.count_params(2, 2)
    assert lt.build_lstm(2, 3, 2, use_cudnn=False).count_params() == lt.count_params(2, 2)
    refused(lambda: lt.build_lstm(2, 3, 2, use_cudnn="yes"), TypeError, "use_cudnn must be")


def test_a_layer_dtype_that_is_not_a_float_is_refused_by_name():
    refused(lambda: lt.build_lstm(2, 3, 2, dtype="int32"), ValueError,
            "dtype must be one of 'float16'")


# ---------------------------------------------------------------- environment variables


@pytest.mark.slow  # a fresh Python that imports TensorFlow
def test_an_empty_keras_backend_does_not_let_keras_json_choose_another(tmp_path):
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "jax", "floatx": "float64"}))
    done = run_python(
        "import numpy as np, lstm_teach as lt\n"
        "model = lt.build_lstm(1, 2, 1)\n"
        "layer = model.get_layer('lstm')\n"
        "kernel = np.array([[1 + 1e-12, 0.5, 0.25, 0.125]])\n"
        "lt.set_lstm_weights(layer, kernel, np.zeros((1, 4)), np.zeros(4))\n"
        "print(lt.keras().backend.backend(), lt.lstm_weights(layer)[0].dtype,\n"
        "      bool(lt.lstm_weights(layer)[0][0, 0] == 1 + 1e-12),\n"
        "      lt.keras_output(model, np.ones((1, 2, 1))).dtype)\n",
        KERAS_BACKEND="", KERAS_HOME=str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    # TensorFlow, whatever keras.json says; its floatx still applies, and is kept whole.
    assert done.stdout.split() == ["tensorflow", "float64", "True", "float64"]


@pytest.mark.slow  # a fresh Python that imports TensorFlow
def test_a_learners_tensorflow_log_level_is_respected():
    done = run_python("import os, lstm_teach as lt\nlt.keras()\n"
                      "print(os.environ['TF_CPP_MIN_LOG_LEVEL'])", TF_CPP_MIN_LOG_LEVEL="1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


def test_diagrams_do_not_depend_on_the_matplotlib_backend_setting():
    done = run_python(
        "import lstm_teach as lt\n"
        "from lstm_teach import diagrams\n"
        "print(diagrams.figure_png(lt.weight_grid_figure(2, 3))[:4] == b'\\x89PNG')\n",
        MPLBACKEND="module://no_such_backend",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
