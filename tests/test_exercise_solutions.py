"""The exercises' checker, tested against real Keras layers (moved here from the exercises
notebook, where these checks used to run in front of learners).

Every question of notebooks/05_exercises.ipynb and of the shelf's extra practice: the
checker must accept what Keras reports, the usual slips must be the counts of real layers
(just not the one asked about), and no two slips may give the same answer, or the checker
could not say which slip was made.
"""

from __future__ import annotations

import numpy as np
import pytest

import lstm_teach as lt
from lstm_teach import exercises

# The weights of the gate question (question 6 of the exercises).
KERNEL = np.array([[0.5, -0.4, 0.9, 0.2], [-0.3, 0.6, 0.1, -0.5]])
RECURRENT_KERNEL = np.array([[0.2, 0.7, -0.6, 0.4]])
BIAS = np.array([0.0, 1.0, 0.0, 0.0])
X_T, H_PREV = np.array([1.0, 2.0]), np.array([0.5])


@pytest.fixture(scope="module")
def keras():
    return lt.keras()


@pytest.fixture(scope="module")
def summary(keras) -> str:
    """The summary of the model the summary question shows (its `upper` count hidden)."""
    forecaster = keras.Sequential(
        [keras.Input(shape=(10, 3), name="readings"),
         keras.layers.LSTM(7, return_sequences=True, name="lower"),
         keras.layers.LSTM(5, name="upper"), keras.layers.Dense(2, name="head")],
        name="forecaster",
    )
    return lt.summary_text(forecaster)


@pytest.fixture(scope="module")
def answered(keras, summary) -> dict:
    """Each question answered with what a real Keras layer reports."""
    stack = keras.Sequential(
        [keras.Input(shape=(None, 5)), keras.layers.LSTM(6, return_sequences=True, name="lower"),
         keras.layers.LSTM(3, name="upper")],
        name="stack",
    )
    layer = keras.layers.LSTM(3, return_sequences=True, return_state=True, name="lstm")
    returned = layer(np.zeros((2, 7, 5), dtype="float32"))
    both_ways = keras.layers.Bidirectional(keras.layers.LSTM(5, name="lstm"), name="both_ways")
    both_ways.build((None, None, 3))
    runs = [lt.keras_lstm_forward(X_T.reshape(1, 1, 2), KERNEL, RECURRENT_KERNEL, BIAS,
                                  h0=H_PREV.reshape(1, 1), c0=np.full((1, 1), c0)).c
            for c0 in (0.0, 1.0)]
    keras_f = (runs[1] - runs[0]).item()  # C_t = f·C_t-1 + i·g: the difference is f
    return {
        "without a bias": exercises.diagnose_count(
            lt.keras_count_params(7, 3, use_bias=False), units=7, features=3, use_bias=False),
        "stack": exercises.diagnose_stack(stack.count_params(), units=(6, 3), features=5),
        "units from a count": exercises.diagnose_units(
            16, count=lt.keras_count_params(16, 3), features=3),
        "recurrent kernel": exercises.diagnose_shape(
            tuple(layer.cell.recurrent_kernel.shape), "recurrent_kernel", units=3, features=5),
        "what the layer returns": exercises.diagnose_output_shape(
            tuple(tuple(tensor.shape) for tensor in returned), units=3, input_shape=(2, 7, 5),
            return_sequences=True, return_state=True),
        "summary": exercises.diagnose_summary(
            keras.Sequential([keras.Input(shape=(10, 7)), keras.layers.LSTM(5)]).count_params(),
            summary, "upper"),
        "gate": exercises.diagnose_gate(keras_f, "f", X_T, H_PREV, KERNEL, RECURRENT_KERNEL, BIAS),
        "sentence": exercises.diagnose_seed_sentence("c"),
        "realistic layer": exercises.diagnose_count(
            lt.build_lstm(32, 50, 10).count_params(), units=32, features=10, timesteps=50),
        "ported from PyTorch": exercises.diagnose_count(
            lt.keras_count_params(5, 3), units=5, features=3),
        "GRU": exercises.diagnose_count(
            lt.keras_count_params(5, 3, cell="gru"), units=5, features=3, cell="gru"),
        "both directions": exercises.diagnose_count(
            both_ways.count_params(), units=5, features=3, bidirectional=True),
    }


def test_the_checker_accepts_what_keras_reports(answered: dict) -> None:
    for question, feedback in answered.items():
        assert feedback.correct, question
        assert feedback.also == (), f"{question}: a usual slip gives the right answer too"
    gate = answered["gate"]
    assert abs(gate.answer - 0.8957) < 1e-4  # sigmoid(2.15), worked out in the solution


def test_every_gate_slip_misses_keras(answered: dict) -> None:
    """tanh, Keras 2's hard_sigmoid, a dropped term, another path's column: each rival way to
    compute the gate must miss Keras' f by more than the checker's tolerance."""
    gate = answered["gate"]
    assert len(gate.question.slips) >= 5
    for slip in gate.question.slips:
        for rival in slip.answers:
            assert abs(rival - gate.answer) > 10 * exercises.TOLERANCE, slip.key


def test_the_usual_slips_are_counts_of_real_layers(keras, summary) -> None:
    """Most typical wrong answers are the counts of real layers, just not the one asked
    about; the checker names each of them. (PyTorch is not installed: its count comes from
    the formula with two biases.)"""
    real_layers = {
        "LSTM(7) on 3 features, with its bias": (
            lt.keras_count_params(7, 3),
            exercises.diagnose_count(308, units=7, features=3, use_bias=False), "counted_bias"),
        "LSTM(6) and LSTM(3), both on 5 features": (
            lt.keras_count_params(6, 5) + lt.keras_count_params(3, 5),
            exercises.diagnose_stack(396, units=(6, 3), features=5), "input_features"),
        "LSTM(5) on the input's 3 features": (
            lt.keras_count_params(5, 3),
            exercises.diagnose_summary(180, summary, "upper"), "input_features"),
        "PyTorch nn.LSTM(input_size=3, hidden_size=5)": (
            lt.count_params(5, 3, convention="pytorch"),
            exercises.diagnose_count(200, units=5, features=3), "two_biases"),
        "GRU(5, reset_after=False) on 3 features": (
            lt.keras_count_params(5, 3, cell="gru", reset_after=False),
            exercises.diagnose_count(135, units=5, features=3, cell="gru"), "one_gru_bias"),
        "LSTM(10) on 3 features": (
            lt.keras_count_params(10, 3),
            exercises.diagnose_count(560, units=5, features=3, bidirectional=True),
            "one_wide_layer"),
    }
    for name, (count, feedback, slip) in real_layers.items():
        assert count == feedback.answer and not feedback.correct, name
        assert feedback.mistake == slip, name


def test_no_two_slips_give_the_same_answer(answered: dict) -> None:
    """For the sizes of every question, each slip the checker knows gives its own answer, so
    the checker can name it; the counter-example the sizes avoid is LSTM(4) on 3 features,
    where three paths and swapping units and features both give 96."""
    for question, feedback in answered.items():
        asked = feedback.question
        assert asked.clashes() == [] and asked.coinciding() == [], question
    blurred = exercises.diagnose_count(96, units=4, features=3)
    assert (blurred.mistake, blurred.also) == ("wrong_paths", ("swapped",))
    assert [(a.key, b.key) for a, b in blurred.question.clashes()] == [("wrong_paths", "swapped")]
