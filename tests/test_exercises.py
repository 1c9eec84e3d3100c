"""Self-check answers: right answers accepted, each usual slip named, bad input refused.

Every expected number below is worked out by hand in the comment beside it, so a slip
in the module's formulas cannot hide behind the same slip in the test.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from IPython.lib.pretty import pretty

import lstm_teach as lt
from lstm_teach import exercises as ex

sizes = st.integers(min_value=1, max_value=40)


# ---------------------------------------------------------------- counts: right answers


@pytest.mark.parametrize(
    ("answer", "units", "features", "options"),
    [
        (12, 1, 1, {}),                                  # 4·(1 + 1 + 1), the seed's first case
        (16, 1, 2, {}),                                  # 4·(2 + 1 + 1), the seed's second case
        (5504, 32, 10, {}),                              # 4·(320 + 1024 + 32)
        (5504, 32, 10, {"timesteps": 50}),               # timesteps change nothing
        (108, 4, 3, {"cell": "gru"}),                    # 3·(12 + 16 + 2·4)
        (84, 4, 3, {"cell": "gru", "use_bias": False}),  # 3·(12 + 16)
        (32, 4, 3, {"cell": "simple_rnn"}),              # 12 + 16 + 4
        (96, 3, 5, {"use_bias": False}),                 # 4·(15 + 9)
        (256, 4, 3, {"bidirectional": True}),            # 2·4·(12 + 16 + 4)
    ],
)
def test_right_counts_are_accepted(answer, units, features, options):
    feedback = ex.diagnose_count(answer, units, features, **options)
    assert feedback.correct
    assert feedback.expected == answer
    assert feedback.mistake is None
    assert str(feedback).startswith(f"Correct: {answer} = ")


def test_a_numpy_integer_is_an_answer_too():
    assert ex.diagnose_count(np.int64(12), 1, 1).correct


@given(units=sizes, features=sizes, cell=st.sampled_from(lt.CELLS), use_bias=st.booleans())
def test_the_expected_count_is_the_course_formula(units, features, cell, use_bias):
    u, f = units, features
    by_hand = {
        "lstm": 4 * (f * u + u * u + (u if use_bias else 0)),
        "gru": 3 * (f * u + u * u + (2 * u if use_bias else 0)),
        "simple_rnn": f * u + u * u + (u if use_bias else 0),
    }[cell]
    feedback = ex.diagnose_count(by_hand, u, f, cell=cell, use_bias=use_bias)
    assert feedback.correct and feedback.expected == by_hand
    assert by_hand == lt.count_params(u, f, cell=cell, use_bias=use_bias)


# ---------------------------------------------------------------- counts: the usual slips


@pytest.mark.parametrize(
    ("answer", "units", "features", "options", "mistake"),
    [
        # LSTM(4) on 3 features has 4·(12 + 16 + 4) = 128.
        (112, 4, 3, {}, "no_bias"),                      # 4·(12 + 16)
        (144, 4, 3, {}, "two_biases"),                   # 4·(12 + 16 + 8), PyTorch
        (32, 4, 3, {}, "one_path"),                      # 12 + 16 + 4
        (64, 4, 3, {}, "no_recurrent"),                  # 4·(12 + 4)
        (288, 4, 3, {}, "per_feature"),                  # 3 · 4·(4 + 16 + 4)
        (896, 4, 3, {"timesteps": 7}, "times_timesteps"),  # 7 · 128
        (128, 4, 3, {"use_bias": False}, "counted_bias"),  # 4·(12 + 16 + 4) where 112 is right
        # LSTM(3) on 5 features has 4·(15 + 9 + 3) = 108.
        (180, 3, 5, {}, "swapped"),                      # 4·(15 + 25 + 5)
        (81, 3, 5, {}, "wrong_paths"),                   # 3·(15 + 9 + 3)
        # The seed's second case, LSTM(1) on 2 features, has 16.
        (24, 1, 2, {}, "per_feature"),                   # 2 · 12
        (20, 1, 2, {}, "two_biases"),                    # 4·(2 + 1 + 2)
        (4, 1, 2, {}, "one_path"),                       # 2 + 1 + 1
        # GRU(4) on 3 features has 3·(12 + 16 + 8) = 108.
        (84, 4, 3, {"cell": "gru"}, "no_bias"),          # 3·(12 + 16)
        (96, 4, 3, {"cell": "gru"}, "one_gru_bias"),     # 3·(12 + 16 + 4), reset_after=False
        (36, 4, 3, {"cell": "gru"}, "one_path"),         # 12 + 16 + 8
        (128, 4, 3, {"cell": "gru"}, "wrong_paths"),     # 4·(12 + 16 + 4), the LSTM's count
        (81, 4, 3, {"cell": "gru"}, "swapped"),          # 3·(12 + 9 + 2·3)
        (60, 4, 3, {"cell": "gru"}, "no_recurrent"),     # 3·(12 + 2·4)
        # SimpleRNN(4) on 3 features has 12 + 16 + 4 = 32.
        (36, 4, 3, {"cell": "simple_rnn"}, "two_biases"),  # 12 + 16 + 8, PyTorch's nn.RNN
        (28, 4, 3, {"cell": "simple_rnn"}, "no_bias"),     # 12 + 16
        # Bidirectional(LSTM(4)) on 3 features has 2·128 = 256.
        (384, 4, 3, {"bidirectional": True}, "one_wide_layer"),  # 4·(3·8 + 8·8 + 8)
        (224, 4, 3, {"bidirectional": True}, "no_bias"),          # 2·4·(12 + 16)
    ],
)
def test_each_usual_slip_is_named(answer, units, features, options, mistake):
    feedback = ex.diagnose_count(answer, units, features, **options)
    assert not feedback.correct
    assert feedback.mistake == mistake
    assert feedback.expected == lt.count_params(
        units, features, cell=options.get("cell", "lstm"), use_bias=options.get("use_bias", True)
    ) * (2 if options.get("bidirectional") else 1)
    assert str(feedback).startswith("Not quite: you ")
    assert f"{answer} = " in feedback.message


def test_each_slip_explains_itself_in_the_courses_terms():
    def said(answer, *args, **options):
        return ex.diagnose_count(answer, *args, **options).message

    assert "PyTorch's nn.LSTM" in said(144, 4, 3)
    assert "same weights at every timestep" in said(275200, 32, 10, timesteps=50)
    assert "50·4·(10·32 + 32·32 + 32)" in said(275200, 32, 10, timesteps=50)
    assert "not processed separately" in said(24, 1, 2)
    assert "reset_after=False" in said(96, 4, 3, cell="gru")
    assert "the factor 4 is missing" in said(1376, 32, 10)       # 320 + 1024 + 32
    assert "two separate LSTM(units)" in said(384, 4, 3, bidirectional=True)
    assert "use_bias=False" in said(128, 4, 3, use_bias=False)


def test_printed_feedback_fits_a_notebook_output():
    text = str(ex.diagnose_count(384, 4, 3, bidirectional=True))
    assert all(len(line) <= 88 for line in text.splitlines())
    assert text.replace("\n", " ") == ex.diagnose_count(384, 4, 3, bidirectional=True).message


# ---------------------------------------------------------------- counts: ambiguity


def test_a_right_answer_wins_over_a_slip_that_gives_the_same_number():
    # units == features == 3: swapping them changes nothing, 4·(9 + 9 + 3) = 84 either way.
    feedback = ex.diagnose_count(84, 3, 3)
    assert feedback.correct and feedback.mistake is None
    assert feedback.also == ("swapped",)
    assert "Beware" in feedback.message and "swapped units and features" in feedback.message


def test_one_timestep_cannot_tell_a_timesteps_slip_from_the_right_answer():
    feedback = ex.diagnose_count(12, 1, 1, timesteps=1)
    assert feedback.correct and "times_timesteps" in feedback.also


def test_a_wrong_answer_that_fits_two_slips_names_both():
    # LSTM(1) on 1 feature: no bias gives 4·(1 + 1) = 8, no recurrent kernel 4·(1 + 1) = 8.
    feedback = ex.diagnose_count(8, 1, 1)
    assert not feedback.correct
    assert (feedback.mistake, feedback.also) == ("no_bias", ("no_recurrent",))
    assert "8 is also what you get if you left out the recurrent kernel" in feedback.message
    # LSTM(4) on 3 features: three paths 3·32 = 96, swapped sizes 4·(12 + 9 + 3) = 96.
    feedback = ex.diagnose_count(96, 4, 3)
    assert (feedback.mistake, feedback.also) == ("wrong_paths", ("swapped",))


def test_an_unknown_answer_gets_a_hint_not_a_guess():
    feedback = ex.diagnose_count(30, 1, 1)
    assert (feedback.correct, feedback.mistake, feedback.also) == (False, None, ())
    assert "not one of the usual slips" in feedback.message and "too high" in feedback.message
    assert "too low" in ex.diagnose_count(5, 1, 1).message
    # Without timesteps in the question, 50 · 5504 is not blamed on timesteps.
    assert ex.diagnose_count(50 * 5504, 32, 10).mistake is None


# ---------------------------------------------------------------- shapes


@pytest.mark.parametrize(
    ("answer", "weight", "expected"),
    [
        ((3, 16), "kernel", (3, 16)),               # (features, 4·units) for units=4, features=3
        ([3, 16], "kernel", (3, 16)),               # a list is a fine way to write it
        ((4, 16), "recurrent_kernel", (4, 16)),     # (units, 4·units)
        ((16,), "bias", (16,)),                     # (4·units,)
    ],
)
def test_right_shapes_are_accepted(answer, weight, expected):
    feedback = ex.diagnose_shape(answer, weight, units=4, features=3)
    assert feedback.correct and feedback.expected == expected and feedback.answer == expected
    assert feedback.message.startswith(f"Correct: the {weight.replace('_', ' ')} is ")


@pytest.mark.parametrize(
    ("answer", "weight", "mistake"),
    [
        # LSTM(4) on 3 features: kernel (3, 16), recurrent_kernel (4, 16), bias (16,).
        ((16, 3), "kernel", "transposed"),            # PyTorch's weight_ih_l0
        ((3, 4), "kernel", "one_gate"),               # Keras 2's kernel_c
        ((4, 3), "kernel", "one_gate"),               # ... transposed
        ((4, 12), "kernel", "swapped"),               # (units, 4·features)
        ((4, 16), "kernel", "other_weight"),          # the recurrent kernel's shape
        ((16, 4), "recurrent_kernel", "transposed"),  # PyTorch's weight_hh_l0
        ((4, 4), "recurrent_kernel", "one_gate"),     # Keras 2's recurrent_kernel_c
        ((3, 12), "recurrent_kernel", "swapped"),     # (features, 4·features)
        ((3, 16), "recurrent_kernel", "other_weight"),  # the kernel's shape
        ((4,), "bias", "one_gate"),                   # Keras 2's bias_c
        ((32,), "bias", "two_biases"),                # PyTorch's two (16,) vectors, end to end
        ((2, 16), "bias", "two_biases"),              # ... or stacked
        ((12,), "bias", "swapped"),                   # (4·features,)
        ((1, 16), "bias", "as_matrix"),
        ((16, 1), "bias", "as_matrix"),
        ((3, 16), "bias", "other_weight"),
    ],
)
def test_each_usual_shape_slip_is_named(answer, weight, mistake):
    feedback = ex.diagnose_shape(answer, weight, units=4, features=3)
    assert (feedback.correct, feedback.mistake) == (False, mistake)
    assert feedback.message.startswith("Not quite: you ")


def test_shape_slips_point_to_keras_2_and_pytorch():
    assert "kernel_c" in ex.diagnose_shape((3, 4), "kernel", 4, 3).message
    assert "bias_c" in ex.diagnose_shape((1,), "bias", 1, 1).message
    assert "weight_ih_l0" in ex.diagnose_shape((16, 3), "kernel", 4, 3).message
    assert "bias_hh_l0" in ex.diagnose_shape((2, 16), "bias", 4, 3).message


def test_shape_ambiguity_prefers_the_right_answer_then_lists_the_rest():
    # units == features == 3: kernel and recurrent kernel are both (3, 12).
    feedback = ex.diagnose_shape((3, 12), "kernel", units=3, features=3)
    assert feedback.correct and set(feedback.also) == {"swapped", "other_weight"}
    # One unit: a (1, 4) bias is a matrix, and also the recurrent kernel's shape.
    feedback = ex.diagnose_shape((1, 4), "bias", units=1, features=3)
    assert (feedback.mistake, feedback.also) == ("as_matrix", ("other_weight",))


def test_an_unknown_shape_gets_a_hint():
    feedback = ex.diagnose_shape((5, 5), "bias", units=4, features=3)
    assert (feedback.correct, feedback.mistake) == (False, None)
    assert "1 dimension, not 2" in feedback.message
    assert "dimension" not in ex.diagnose_shape((5,), "bias", 4, 3).message


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("answer", "error"),
    [(True, TypeError), (12.5, TypeError), (16.0, TypeError), ("16", TypeError),
     (-1, ValueError)],
)
def test_a_count_answer_must_be_a_whole_number(answer, error):
    with pytest.raises(error, match=r"^answer must be"):
        ex.diagnose_count(answer, 1, 1)


def test_a_quoted_number_gets_told_to_drop_the_quotes():
    with pytest.raises(TypeError, match="without quotes"):
        ex.diagnose_count("12", 1, 1)


@pytest.mark.parametrize(
    ("options", "error", "named"),
    [
        ({"units": 0}, ValueError, "units"),
        ({"features": 1.5}, TypeError, "features"),
        ({"cell": "rnn"}, ValueError, "cell"),
        ({"use_bias": 1}, TypeError, "use_bias"),
        ({"timesteps": 0}, ValueError, "timesteps"),
        ({"timesteps": 2.0}, TypeError, "timesteps"),
        ({"bidirectional": "yes"}, TypeError, "bidirectional"),
    ],
)
def test_bad_sizes_for_a_count_are_named(options, error, named):
    arguments = {"answer": 12, "units": 1, "features": 1, **options}
    with pytest.raises(error, match=rf"^{named} must"):
        ex.diagnose_count(**arguments)


@pytest.mark.parametrize(
    ("answer", "error"),
    [("16", TypeError), ((3.0, 16), TypeError), ((True,), TypeError),
     ((-1, 2), ValueError)],
)
def test_a_shape_answer_must_be_a_tuple_of_whole_numbers(answer, error):
    with pytest.raises(error, match=r"^answer must"):
        ex.diagnose_shape(answer, "bias", 1, 1)


def test_a_shape_without_its_comma_is_explained():
    # (16) is the int 16 in Python, the most common way to miss a one-dimensional shape.
    with pytest.raises(TypeError, match=r"^answer must be a shape.*\(16,\)"):
        ex.diagnose_shape((16), "bias", 4, 3)


@pytest.mark.parametrize(
    ("options", "error", "named"),
    [
        ({"weight": "weights"}, ValueError, "weight"),
        ({"units": -2}, ValueError, "units"),
        ({"features": "3"}, TypeError, "features"),
    ],
)
def test_bad_arguments_for_a_shape_are_named(options, error, named):
    arguments = {"answer": (16,), "weight": "bias", "units": 4, "features": 3, **options}
    with pytest.raises(error, match=rf"^{named} must"):
        ex.diagnose_shape(**arguments)


# ---------------------------------------------------------------- the Feedback object


def test_feedback_is_frozen_and_shows_its_message_in_a_notebook():
    feedback = ex.diagnose_count(16, 1, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        feedback.correct = True
    assert pretty(feedback) == str(feedback)
    assert "PyTorch" in pretty(feedback)


# ---------------------------------------------------------------- against Keras


def test_expected_counts_and_shapes_match_real_keras_layers():
    keras = lt.keras()
    assert ex.diagnose_count(0, 4, 3, cell="gru").expected == lt.keras_count_params(
        4, 3, cell="gru"
    )
    layer = lt.build_lstm(4, None, 3).get_layer("lstm")
    assert ex.diagnose_count(0, 4, 3).expected == layer.count_params()
    for weight in layer.cell.weights:
        assert ex.diagnose_shape((), weight.name, 4, 3).expected == tuple(weight.shape)
    both_ways = keras.layers.Bidirectional(keras.layers.LSTM(4, name="lstm"), name="both_ways")
    keras.Sequential([keras.Input(shape=(None, 3)), both_ways], name="bidirectional")
    assert ex.diagnose_count(0, 4, 3, bidirectional=True).expected == both_ways.count_params()


def test_an_unanswered_question_says_so_and_reveals_nothing():
    for feedback in (ex.diagnose_count(None, 3, 5), ex.diagnose_shape(None, "kernel", 3, 5)):
        assert not feedback.correct and feedback.answer is None
        assert str(feedback) == ex.NOT_ANSWERED
        assert str(feedback.expected) not in str(feedback)
    with pytest.raises(ValueError, match="units"):
        ex.diagnose_count(None, 0, 5)  # the question itself is still checked
