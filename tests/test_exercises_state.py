"""diagnose_count names the slips of notebook 12's challenges: the batch counted in, the
states counted in, and a series fed as (1, T) read as T timesteps of one feature.

Each slip's number is worked out here by hand and, where a real layer can show it, from a
real Keras layer: the states' sizes and the same layer on the other reading of the shape.
"""

from __future__ import annotations

import numpy as np
import pytest

import lstm_teach as lt
from lstm_teach import exercises as ex


def stateful_layer(cell: str, batch: int, timesteps: int, features: int, units: int):
    keras = lt.keras()
    layer_class = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell]
    sequence = keras.Input(batch_shape=(batch, timesteps, features), name="sequence")
    layer = layer_class(units, stateful=True, name="stateful")
    model = keras.Model(sequence, layer(sequence), name="stateful_model")
    return model, layer


@pytest.mark.parametrize("cell, states", [("lstm", 2), ("gru", 1)])
def test_batch_and_states_counted_in_are_named_and_are_what_keras_shows(cell, states):
    model, layer = stateful_layer(cell, batch=4, timesteps=10, features=2, units=3)
    count = model.count_params()
    state_numbers = sum(int(np.prod(state.shape)) for state in layer.states)
    assert len(layer.states) == states and state_numbers == states * 4 * 3

    right = ex.diagnose_count(count, 3, 2, cell=cell, timesteps=10, batch=4, stateful=True)
    assert right.correct and right.also == ()
    times_batch = ex.diagnose_count(4 * count, 3, 2, cell=cell, timesteps=10, batch=4,
                                    stateful=True)
    assert times_batch.mistake == "times_batch"
    assert "batch size never enters the count" in times_batch.message
    with_states = ex.diagnose_count(count + state_numbers, 3, 2, cell=cell, timesteps=10,
                                    batch=4, stateful=True)
    assert with_states.mistake == "counted_states"
    assert "no weights" in with_states.message


def test_notebook_12s_stateful_challenge_names_288_and_96():
    # LSTM(3) on keras.Input(batch_shape=(4, 10, 2)): 4·(2·3 + 3·3 + 3) = 72.
    assert ex.diagnose_count(288, 3, 2, timesteps=10, batch=4, stateful=True).mistake == (
        "times_batch"  # 4 · 72
    )
    assert ex.diagnose_count(96, 3, 2, timesteps=10, batch=4, stateful=True).mistake == (
        "counted_states"  # 72 + 2 states · 4 slots · 3 units
    )


def test_without_a_batch_in_the_question_those_slips_are_not_guessed():
    assert ex.diagnose_count(288, 3, 2, timesteps=10).mistake is None
    assert ex.diagnose_count(96, 3, 2, timesteps=10, batch=4).mistake is None  # not stateful


def test_a_series_fed_as_features_read_as_timesteps_is_named():
    # LSTM(5) reading a series of 30 values as (1, 30): 30 features, 4·(30·5 + 25 + 5) = 720.
    feedback = ex.diagnose_count(140, 5, 30, timesteps=1)
    assert feedback.mistake == "features_as_timesteps"
    assert "(timesteps, features) = (1, 30)" in feedback.message
    assert lt.keras_count_params(5, 1) == 140  # the same layer on (30, 1): one feature
    assert ex.diagnose_count(720, 5, 30, timesteps=1).correct


def test_the_axes_slip_needs_two_different_axes():
    assert "features_as_timesteps" not in {
        slip.key for slip in ex.diagnose_count(None, 3, 4, timesteps=4).question.slips
    }


@pytest.mark.parametrize(
    "options, error, named",
    [
        ({"stateful": True}, ValueError, "batch"),
        ({"batch": 0}, ValueError, "batch"),
        ({"batch": True}, TypeError, "batch"),
        ({"batch": 4, "stateful": "yes"}, TypeError, "stateful"),
    ],
)
def test_bad_batch_or_stateful_arguments_are_named(options, error, named):
    with pytest.raises(error, match=named):
        ex.diagnose_count(72, 3, 2, **options)
