"""lstm_teach against real Keras layers: counts, weight layout, forward pass, errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lstm_teach as lt
from lstm_teach.keras_bridge import keras

keras_settings = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
small = st.integers(min_value=1, max_value=6)


@keras_settings
@given(units=small, features=small, use_bias=st.booleans())
def test_lstm_count_equals_a_real_keras_layer(units, features, use_bias):
    expected = lt.keras_count_params(units, features, cell="lstm", use_bias=use_bias)
    assert lt.count_params(units, features, use_bias=use_bias) == expected


@keras_settings
@given(units=small, features=small, use_bias=st.booleans(), reset_after=st.booleans())
def test_gru_count_equals_a_real_keras_layer(units, features, use_bias, reset_after):
    expected = lt.keras_count_params(
        units, features, cell="gru", use_bias=use_bias, reset_after=reset_after
    )
    counted = lt.count_params(
        units, features, cell="gru", use_bias=use_bias, reset_after=reset_after
    )
    assert counted == expected


@keras_settings
@given(units=small, features=small, use_bias=st.booleans())
def test_simple_rnn_count_equals_a_real_keras_layer(units, features, use_bias):
    expected = lt.keras_count_params(units, features, cell="simple_rnn", use_bias=use_bias)
    assert lt.count_params(units, features, cell="simple_rnn", use_bias=use_bias) == expected


@keras_settings
@given(
    units=st.integers(1, 4),
    features=st.integers(1, 4),
    timesteps=st.integers(2, 5),
    batch=st.integers(2, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_numpy_reference_matches_keras(units, features, timesteps, batch, seed):
    rng = np.random.default_rng(seed)
    model = lt.build_lstm(units, timesteps, features, return_sequences=True)
    layer = model.get_layer("lstm")
    kernel = rng.uniform(-1, 1, size=(features, 4 * units))
    recurrent = rng.uniform(-1, 1, size=(units, 4 * units))
    bias = rng.uniform(-1, 1, size=4 * units)
    lt.set_lstm_weights(layer, kernel, recurrent, bias)
    x = rng.uniform(-2, 2, size=(batch, timesteps, features))

    ours = lt.lstm_forward(x, *lt.lstm_weights(layer))
    theirs = lt.keras_output(model, x)

    assert theirs.shape == (batch, timesteps, units)
    np.testing.assert_allclose(ours.sequences, theirs, atol=1e-5, rtol=0)


def test_keras_state_outputs_match_final_h_and_c():
    rng = np.random.default_rng(11)
    model = lt.build_lstm(2, 4, 3, return_state=True)
    x = rng.normal(size=(2, 4, 3))
    output, h, c = (keras().ops.convert_to_numpy(t) for t in model(x.astype("float32")))
    ours = lt.lstm_forward(x, *lt.lstm_weights(model.get_layer("lstm")))
    np.testing.assert_allclose(ours.h, h, atol=1e-5, rtol=0)
    np.testing.assert_allclose(ours.c, c, atol=1e-5, rtol=0)
    np.testing.assert_allclose(ours.h, output, atol=1e-5, rtol=0)


@pytest.mark.parametrize(("features", "kernel_shape"), [(1, (1, 1)), (2, (2, 1))])
def test_gate_c_holds_what_keras_2_called_kernel_c_and_bias_c(features, kernel_shape):
    layer = lt.build_lstm(1, 1, features).get_layer("lstm")
    c = lt.gate_weights(layer)["c"]
    assert c["kernel"].shape == kernel_shape
    assert c["recurrent_kernel"].shape == (1, 1)
    assert c["bias"].shape == (1,)


def test_gate_weights_are_the_column_blocks_in_order_i_f_c_o():
    units = 3
    layer = lt.build_lstm(units, 2, 2).get_layer("lstm")
    kernel = np.arange(2 * 4 * units, dtype=float).reshape(2, 4 * units)
    recurrent = -np.arange(units * 4 * units, dtype=float).reshape(units, 4 * units)
    bias = np.arange(4 * units, dtype=float) / 10
    lt.set_lstm_weights(layer, kernel, recurrent, bias)
    gates = lt.gate_weights(layer)
    assert list(gates) == ["i", "f", "c", "o"]
    for block, name in enumerate("ifco"):
        columns = slice(block * units, (block + 1) * units)
        np.testing.assert_array_equal(gates[name]["kernel"], kernel[:, columns])
        np.testing.assert_array_equal(gates[name]["recurrent_kernel"], recurrent[:, columns])
        np.testing.assert_allclose(gates[name]["bias"], bias[columns], rtol=1e-6)


def test_default_forget_bias_starts_at_one():
    gates = lt.gate_weights(lt.build_lstm(2, 1, 1).get_layer("lstm"))
    np.testing.assert_array_equal(gates["f"]["bias"], [1.0, 1.0])
    np.testing.assert_array_equal(gates["i"]["bias"], [0.0, 0.0])


def test_no_bias_layer_reports_none():
    layer = lt.build_lstm(1, 1, 1, use_bias=False).get_layer("lstm")
    assert lt.gate_weights(layer)["i"]["bias"] is None
    assert lt.lstm_weights(layer)[2] is None


def test_layer_names_are_fixed_and_summary_is_plain_text():
    model = lt.build_lstm(1, 1, 1)
    assert [layer.name for layer in model.layers] == ["lstm"]
    text = lt.summary_text(model)
    assert "lstm (LSTM)" in text
    assert "Total params: 12" in text
    assert "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) <= 72


def test_timesteps_do_not_change_the_count():
    counts = {lt.build_lstm(4, t, 3).count_params() for t in (None, 1, 7, 50)}
    assert counts == {lt.count_params(4, 3)}


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: lt.build_lstm(0, 1, 1), ValueError, "units must be a whole number >= 1"),
        (lambda: lt.build_lstm(1, 0, 1), ValueError, "timesteps must be a whole number >= 1"),
        (lambda: lt.build_lstm(1, 1, 1.5), TypeError, "features must be a whole number"),
        (lambda: lt.build_lstm(True, 1, 1), TypeError, "units must be a whole number"),
        (lambda: lt.build_lstm(1, 1, 1, name="x"), TypeError, "name is fixed"),
        (lambda: lt.build_lstm(1, 1, 1, input_shape=(1, 1)), TypeError, "input_shape is Keras 1/2"),
        (lambda: lt.build_rnn(1, 1, 1, cell="rnn"), ValueError, "cell must be one of"),
        (lambda: lt.gate_weights(lt.build_lstm(1, 1, 1)), TypeError, "not a whole model"),
        (lambda: lt.gate_weights("lstm"), TypeError, "layer must be a keras.layers.LSTM"),
        (lambda: lt.gate_weights(keras().layers.LSTM(2)), ValueError, "no weights yet"),
        (lambda: lt.keras_count_params(1, 1, reset_after=False), ValueError, "reset_after"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_the_argument(call, error, words):
    with pytest.raises(error, match=re.escape(words)):
        call()


@pytest.mark.parametrize(
    ("weights", "words"),
    [
        ((np.zeros((2, 4)), np.zeros((1, 4)), np.zeros(4)), "kernel must have shape (1, 4)"),
        ((np.zeros((1, 4)), np.zeros((1, 8)), np.zeros(4)), "recurrent_kernel must have shape"),
        ((np.zeros((1, 4)), np.zeros((1, 4)), np.zeros(3)), "bias must have shape (4,)"),
        ((np.zeros((1, 4)), np.zeros((1, 4)), None), "bias is required"),
    ],
)
def test_set_lstm_weights_checks_shapes(weights, words):
    layer = lt.build_lstm(1, 1, 1).get_layer("lstm")
    with pytest.raises(ValueError, match=re.escape(words)):
        lt.set_lstm_weights(layer, *weights)


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")
    }
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )


@pytest.mark.slow  # a fresh Python that imports TensorFlow
def test_the_bridge_starts_tensorflow_silently():
    result = run_python("import lstm_teach as lt; print(lt.build_lstm(1, 1, 1).count_params())")
    assert result.stdout.strip() == "12"
    assert result.stderr == ""


@pytest.mark.slow  # a fresh Python that imports TensorFlow
def test_keras_import_pauses_garbage_collection_and_restores_it():
    probe = (
        "import gc, lstm_teach as lt\n"
        "thresholds = gc.get_threshold()\n"
        "{before}\n"
        "lt.keras()\n"
        "print(gc.isenabled(), gc.get_threshold() == thresholds, gc.get_freeze_count() > 100_000)"
    )
    assert run_python(probe.format(before="")).stdout.split() == ["True", "True", "True"]
    # A caller who switched collection off keeps it off.
    assert run_python(probe.format(before="gc.disable()")).stdout.split()[0] == "False"


@pytest.mark.slow  # a fresh Python that imports TensorFlow
def test_keras_imported_first_by_the_learner_is_returned_untouched():
    result = run_python(
        "import gc, keras, lstm_teach as lt\n"
        "print(lt.keras() is keras, gc.get_freeze_count())"
    )
    assert result.stdout.split() == ["True", "0"]
