"""Self-check answers: right answers accepted, each usual slip named, bad input refused,
and every challenge saved in a notebook unambiguous.

Every expected number below is worked out by hand in the comment beside it, so a slip
in the module's formulas cannot hide behind the same slip in the test.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import dataclasses
import io
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from IPython.core.inputtransformer2 import TransformerManager
from IPython.lib.pretty import pretty

import lstm_teach as lt
from lstm_teach import exercises as ex
from tools import notebooks as registry

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
        (124, 4, 3, {"use_bias": False}, "one_path_bias"),  # 112 + 3·4: one path's bias removed
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


def test_one_timestep_is_no_timesteps_slip():
    # Multiplying by one timestep changes nothing, so a right answer is not blamed on it
    # (notebook 12's series fed as (1, 30) is about the axes, not the length).
    feedback = ex.diagnose_count(720, 5, 30, timesteps=1)
    assert feedback.correct and feedback.also == ()


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


def test_every_checker_answers_none_the_same_way():
    unanswered = [
        ex.diagnose_stack(None, (6, 3), 5),
        ex.diagnose_units(None, 1280, 3),
        ex.diagnose_output_shape(None, 3, (2, 7, 5)),
        ex.diagnose_summary(None, SUMMARY, "upper"),
        ex.diagnose_gate(None, "f", *GATE_QUESTION),
        ex.diagnose_seed_sentence(None),
    ]
    for feedback in unanswered:
        assert str(feedback) == ex.NOT_ANSWERED
        assert (feedback.correct, feedback.answer, feedback.mistake) == (False, None, None)


# ---------------------------------------------------------------- more shapes


@pytest.mark.parametrize(
    ("answer", "weight", "mistake"),
    [
        # LSTM(3) on 5 features: kernel (5, 12), recurrent_kernel (3, 12), bias (12,).
        ((5, 4), "kernel", "four_columns"),            # one column per path
        ((3, 4), "recurrent_kernel", "four_columns"),
        ((4,), "bias", "four_columns"),
        ((12, 3), "recurrent_kernel", "transposed"),   # PyTorch's weight_hh_l0
        ((3, 3), "recurrent_kernel", "one_gate"),      # Keras 2's recurrent_kernel_c
        ((5, 20), "recurrent_kernel", "swapped"),      # (features, 4·features)
        ((5, 12), "recurrent_kernel", "other_weight"),  # the kernel's shape
    ],
)
def test_shape_slips_with_lopsided_sizes_are_named_alone(answer, weight, mistake):
    feedback = ex.diagnose_shape(answer, weight, units=3, features=5)
    assert (feedback.correct, feedback.mistake, feedback.also) == (False, mistake, ())


# ---------------------------------------------------------------- stacks


def test_a_stack_counts_each_layer_on_the_units_below():
    # LSTM(6) on 5 features: 4·(30 + 36 + 6) = 288; LSTM(3) on its 6 units: 4·(18 + 9 + 3) = 120.
    feedback = ex.diagnose_stack(408, units=(6, 3), features=5)
    assert feedback.correct and feedback.also == ()
    assert "288 + 120" in feedback.message
    # Three layers, 8 → 4 → 2 on 3 features: 4·(24 + 64 + 8) + 4·(32 + 16 + 4) + 4·(8 + 4 + 2).
    assert ex.diagnose_stack(384 + 208 + 56, units=[8, 4, 2], features=3).correct
    # GRU(6) then GRU(3): 3·(30 + 36 + 12) + 3·(18 + 9 + 6) = 234 + 99.
    assert ex.diagnose_stack(333, units=(6, 3), features=5, cell="gru").correct


@pytest.mark.parametrize(
    ("answer", "mistake"),
    [
        (396, "input_features"),    # 288 + 4·(5·3 + 9 + 3): the upper layer on the input
        (288, "first_only"),
        (120, "last_only"),
        (576, "copies_of_first"),   # 2 · 288
        (372, "no_bias"),           # 4·(30 + 36) + 4·(18 + 9)
        (444, "two_biases"),        # 4·(30 + 36 + 12) + 4·(18 + 9 + 6)
        (102, "one_path"),          # 72 + 30
        (306, "wrong_paths"),       # 3·72 + 3·30
        (480, "swapped"),           # 4·(30 + 25 + 5) + 4·(18 + 36 + 6)
        (228, "no_recurrent"),      # 4·(30 + 6) + 4·(18 + 3)
        (1320, "per_feature"),      # 5·4·(6 + 36 + 6) + 6·4·(3 + 9 + 3)
    ],
)
def test_each_stack_slip_is_named(answer, mistake):
    feedback = ex.diagnose_stack(answer, units=(6, 3), features=5)
    assert (feedback.correct, feedback.mistake, feedback.also) == (False, mistake, ())
    assert feedback.message.startswith("Not quite: you ")


def test_a_stack_read_over_timesteps_knows_that_slip_too():
    assert ex.diagnose_stack(4 * 408, (6, 3), 5, timesteps=4).mistake == "times_timesteps"


# ---------------------------------------------------------------- working back to units


@pytest.mark.parametrize(
    ("answer", "count", "features", "options"),
    [
        (16, 1280, 3, {}),                     # 4·(48 + 256 + 16)
        (5, 150, 3, {"cell": "gru"}),          # 3·(15 + 25 + 10)
        (7, 280, 3, {"use_bias": False}),      # 4·(21 + 49)
        (3, 96, 5, {"use_bias": False}),       # 4·(15 + 9)
        (1, 12, 1, {}),                        # the seed's first case
        (16.0, 1280, 3, {}),                   # a float that is whole is fine
    ],
)
def test_units_worked_back_from_a_count(answer, count, features, options):
    feedback = ex.diagnose_units(answer, count, features, **options)
    assert feedback.correct and feedback.expected == round(answer)
    assert feedback.message.startswith(f"Correct: {round(answer)} units, since ")


@pytest.mark.parametrize(
    ("answer", "mistake"),
    [
        # An LSTM on 3 features with 1280 parameters; each slip is its formula solved.
        (33.83, "one_path"),     # u² + 4u = 1280: u = −2 + √1284 = 33.83
        (34, "one_path"),        # ... rounded
        (16.45, "no_bias"),      # 4·(u² + 3u) = 1280: u = −1.5 + √322.25 = 16.45
        (16.4, "no_bias"),       # ... to one decimal
        (17, "no_bias"),         # ... rounded up
        (15.56, "two_biases"),   # 4·(u² + 5u) = 1280: u = −2.5 + √326.25 = 15.56
        (80, "no_recurrent"),    # 4·(3u + u) = 1280: u = 80 exactly
        (102.67, "swapped"),     # 4·(3u + 9 + 3) = 1280: u = 308 / 3
        (18.75, "wrong_paths"),  # 3·(u² + 4u) = 1280: u = −2 + √(4 + 1280/3) = 18.75
        (9.38, "per_feature"),   # 3·4·(u² + 2u) = 1280: u = −1 + √(1 + 1280/12) = 9.38
    ],
)
def test_units_slips_are_wrong_formulas_solved_for_units(answer, mistake):
    feedback = ex.diagnose_units(answer, 1280, 3)
    assert (feedback.correct, feedback.mistake) == (False, mistake)


def test_a_fraction_of_a_unit_is_explained():
    feedback = ex.diagnose_units(12.5, 1280, 3)
    assert feedback.mistake is None and "Units is a whole number" in feedback.message
    assert "4·units² + 16·units = 1280" in feedback.message
    assert "whole number" not in ex.diagnose_units(20, 1280, 3).message.split("Write")[0]


def test_near_misses_from_rounding_do_not_blur_a_right_answer():
    # Without the bias the root is 16.45, which rounds to the right 16: not a coincidence,
    # since that slip gives a fraction, not 16.
    feedback = ex.diagnose_units(16, 1280, 3)
    assert feedback.correct and feedback.also == ()


@settings(max_examples=60, deadline=None)
@given(units=st.integers(1, 60), features=st.integers(1, 30),
       cell=st.sampled_from(lt.CELLS), use_bias=st.booleans())
def test_units_round_trip_and_each_slip_root_brackets_the_count(units, features, cell, use_bias):
    count = lt.count_params(units, features, cell=cell, use_bias=use_bias)
    feedback = ex.diagnose_units(units, count, features, cell=cell, use_bias=use_bias)
    assert feedback.correct
    for slip in feedback.question.slips:
        root = slip.answers[0]
        if root < 1:
            continue
        # The same slip counted at the whole sizes around its root brackets the count.
        below, above = (
            next(other.answers[0] for other in ex.diagnose_count(
                None, size, features, cell=cell, use_bias=use_bias).question.slips
                 if other.key == slip.key)
            for size in (math.floor(root), math.ceil(root))
        )
        assert below <= count <= above


# ---------------------------------------------------------------- output shapes


@pytest.mark.parametrize(
    ("answer", "sequences", "state"),
    [
        ((2, 3), False, False),
        ((2, 7, 3), True, False),
        (((2, 3), (2, 3), (2, 3)), False, True),
        ([[2, 7, 3], [2, 3], [2, 3]], True, True),
    ],
)
def test_output_shapes_are_accepted(answer, sequences, state):
    feedback = ex.diagnose_output_shape(
        answer, 3, (2, 7, 5), return_sequences=sequences, return_state=state
    )
    assert feedback.correct and feedback.also == ()


def test_output_shapes_with_the_batch_left_open():
    assert ex.diagnose_output_shape((None, 7, 3), 3, (None, 7, 5), return_sequences=True).correct
    assert ex.diagnose_output_shape([None, 3], 3, [None, None, 5]).correct


@pytest.mark.parametrize(
    ("answer", "sequences", "state", "mistake"),
    [
        # LSTM(3) on a batch (2, 7, 5).
        ((2, 3), True, False, "last_step_only"),
        ((2, 7, 3), False, False, "every_step"),
        ((2, 7, 5), True, False, "input_width"),
        ((2, 5), False, False, "input_width"),
        ((2, 7, 12), True, False, "gates_width"),   # 4·units
        ((7, 3), True, False, "no_batch"),
        ((3,), False, False, "no_batch"),
        ((7, 2, 3), True, False, "time_major"),     # PyTorch without batch_first
        ((2, 3, 7), True, False, "swapped_axes"),
        (((2, 3), (2, 3), (2, 3)), False, False, "added_states"),
        ((2, 7, 3), True, True, "no_states"),
        (((2, 7, 3), (2, 3)), True, True, "one_state"),
        (((2, 7, 3), (1, 2, 3), (1, 2, 3)), True, True, "pytorch_states"),
        (((2, 7, 3), (2, 7, 3), (2, 7, 3)), True, True, "states_every_step"),
        (((2, 3), (2, 3), (2, 3)), True, True, "last_step_only"),
    ],
)
def test_each_output_shape_slip_is_named(answer, sequences, state, mistake):
    feedback = ex.diagnose_output_shape(
        answer, 3, (2, 7, 5), return_sequences=sequences, return_state=state
    )
    assert (feedback.correct, feedback.mistake, feedback.also) == (False, mistake, ())


# ---------------------------------------------------------------- model summaries

#: What lt.summary_text prints for notebook 06's model (test_summary_is_what_keras_prints
#: checks it against Keras): Input (10, 3), LSTM(7, return_sequences), LSTM(5), Dense(2).
SUMMARY = """\
Model: "forecaster"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓
┃ Layer (type)                  ┃ Output Shape          ┃      Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩
│ lower (LSTM)                  │ (None, 10, 7)         │          308 │
├───────────────────────────────┼───────────────────────┼──────────────┤
│ upper (LSTM)                  │ (None, 5)             │          260 │
├───────────────────────────────┼───────────────────────┼──────────────┤
│ head (Dense)                  │ (None, 2)             │           12 │
└───────────────────────────────┴───────────────────────┴──────────────┘
 Total params: 580 (2.27 KB)
 Trainable params: 580 (2.27 KB)
 Non-trainable params: 0 (0.00 B)"""


def test_a_summary_count_is_worked_out_from_the_rows():
    # upper: 5 units (its row), 7 features (lower's last number): 4·(35 + 25 + 5) = 260.
    feedback = ex.diagnose_summary(260, SUMMARY, "upper")
    assert feedback.correct and feedback.also == ()
    assert "reads 7 features" in feedback.message
    # lower: 7 units, and its 3 features worked back from 308 = 4·(3·7 + 49 + 7).
    assert ex.diagnose_summary(308, SUMMARY, "lower").correct


@pytest.mark.parametrize(
    ("answer", "layer", "mistake"),
    [
        (320, "upper", "timesteps_as_features"),  # 4·(10·5 + 25 + 5)
        (180, "upper", "input_features"),         # 4·(3·5 + 25 + 5)
        (2600, "upper", "times_timesteps"),       # 10 · 260
        (240, "upper", "no_bias"),                # 4·(35 + 25)
        (308, "upper", "other_row"),              # lower's row
        (12, "upper", "other_row"),               # head's row
        (560, "lower", "units_from_timesteps"),   # 4·(3·10 + 100 + 10)
    ],
)
def test_each_summary_slip_is_named(answer, layer, mistake):
    feedback = ex.diagnose_summary(answer, SUMMARY, layer)
    assert (feedback.correct, feedback.mistake, feedback.also) == (False, mistake, ())


def test_a_first_layer_without_its_input_row_is_ambiguous_and_both_readings_are_named():
    # lower prints 308 and the Sequential summary shows no input: 4·7·(3 + 7 + 1) with a
    # bias on 3 features, or 4·7·(4 + 7) without one on 4 (4u(f+u+1) = 4u(f'+u), f' = f+1).
    right = ex.diagnose_summary(308, SUMMARY, "lower")
    assert right.correct and "ambiguous" in right.message
    assert "LSTM(7) reading 3 features" in right.message
    assert "LSTM(7) without a bias reading 4 features" in right.message
    # 336 is PyTorch's two biases on 3 features, 4·7·(3 + 7 + 2), and also a bias counted
    # on 4 features where the layer has none, 4·7·(4 + 7 + 1): both are named.
    slip = ex.diagnose_summary(336, SUMMARY, "lower")
    assert (slip.correct, slip.mistake, slip.also) == (False, "two_biases", ("counted_bias",))


def test_hide_count_masks_the_layer_and_the_totals_only():
    hidden = ex.hide_count(SUMMARY, "upper")
    lines, original = hidden.splitlines(), SUMMARY.splitlines()
    changed = [index for index, (a, b) in enumerate(zip(lines, original, strict=True)) if a != b]
    assert changed == [6, 10, 11]
    assert lines[6] == "│ upper (LSTM)                  │ (None, 5)             │            ? │"
    assert lines[10:12] == [" Total params: ?", " Trainable params: ?"]
    assert "260" not in hidden and "580" not in hidden
    with pytest.raises(ValueError, match="hidden"):  # the checker needs the full text
        ex.diagnose_summary(260, hidden, "upper")
    with pytest.raises(ValueError, match=r"^layer must be the name of a row of the summary"):
        ex.hide_count(SUMMARY, "middle")
    with pytest.raises(TypeError, match=r"^summary must be the text lt.summary_text"):
        ex.hide_count(None, "upper")


# ---------------------------------------------------------------- a gate by hand

#: Notebook 06's question: LSTM(1) on 2 features, x_t = [1, 2], h_{t−1} = 0.5.
GATE_QUESTION = (
    [1.0, 2.0],                                             # x_t
    [0.5],                                                  # h_{t−1}
    [[0.5, -0.4, 0.9, 0.2], [-0.3, 0.6, 0.1, -0.5]],        # kernel, columns i, f, c, o
    [[0.2, 0.7, -0.6, 0.4]],                                # recurrent kernel
    [0.0, 1.0, 0.0, 0.0],                                   # bias
)


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


@pytest.mark.parametrize(
    ("gate", "z", "squash"),
    [
        ("i", 0.5 - 0.6 + 0.5 * 0.2, _sigmoid),          # 0
        ("f", -0.4 + 1.2 + 0.5 * 0.7 + 1.0, _sigmoid),   # 2.15
        ("c", 0.9 + 0.2 - 0.5 * 0.6, math.tanh),          # 0.8, the candidate uses tanh
        ("o", 0.2 - 1.0 + 0.5 * 0.4, _sigmoid),          # -0.6
    ],
)
def test_a_gate_by_hand_is_accepted_to_three_decimals(gate, z, squash):
    value = squash(z)
    for typed in (value, round(value, 4), round(value, 3)):
        assert ex.diagnose_gate(typed, gate, *GATE_QUESTION).correct
    assert not ex.diagnose_gate(value + 2.5 * ex.TOLERANCE, gate, *GATE_QUESTION).correct


@pytest.mark.parametrize(
    ("answer", "mistake"),
    [
        (2.15, "no_activation"),                   # z itself
        (math.tanh(2.15), "used_tanh"),            # 0.9732
        (0.93, "hard_sigmoid"),                    # Keras 2's clip(0.2·2.15 + 0.5, 0, 1)
        (_sigmoid(2.15 - 0.35), "no_recurrent"),   # 0.8581
        (_sigmoid(2.15 - 0.8), "no_input"),        # 0.7941
        (_sigmoid(2.15 - 1.0), "no_bias"),         # 0.7595
        (0.5, "wrong_block"),                      # i's columns: z = 0
        (_sigmoid(0.8), "keras_1_order"),          # c's columns, third as f was in Keras 1
        (_sigmoid(-0.6), "wrong_block"),           # o's columns
    ],
)
def test_each_gate_slip_is_named(answer, mistake):
    feedback = ex.diagnose_gate(round(answer, 4), "f", *GATE_QUESTION)
    assert (feedback.correct, feedback.mistake, feedback.also) == (False, mistake, ())


def test_the_candidate_slips_are_the_other_way_round():
    assert ex.diagnose_gate(_sigmoid(0.8), "c", *GATE_QUESTION).mistake == "used_sigmoid"
    # For c, Keras 1's third array was f: the f columns under tanh, tanh(2.15).
    assert ex.diagnose_gate(math.tanh(2.15), "c", *GATE_QUESTION).mistake == "keras_1_order"


def test_a_gate_of_a_wider_layer_reads_its_units_column():
    # LSTM(2) on 1 feature: unit 1 of f is column 1·2 + 1 = 3.
    kernel = np.zeros((1, 8))
    kernel[0, 3] = 2.0
    feedback = ex.diagnose_gate(_sigmoid(2.0), "f", [1.0], [0.0, 0.0], kernel, np.zeros((2, 8)),
                                None, unit=1)
    assert feedback.correct and "kernel[:, 3]" in feedback.message
    assert ex.diagnose_gate(0.5, "f", [1.0], [0.0, 0.0], kernel, np.zeros((2, 8))).correct


# ---------------------------------------------------------------- the seed's sentences


def test_the_wrong_sentence_is_features_separately():
    assert "features separately" in ex.SEED_SENTENCES["c"]
    for typed in ("c", "C", " (c) "):
        feedback = ex.diagnose_seed_sentence(typed)
        assert feedback.correct and "Notebook 02" in feedback.message
    for letter, key in zip("abde", ["c_per_unit", "four_paths", "three_terms", "bias_c_proxy"],
                           strict=True):
        feedback = ex.diagnose_seed_sentence(letter)
        assert (feedback.correct, feedback.mistake) == (False, key)
        assert "notebook 0" in feedback.message


# ---------------------------------------------------------------- history in every message


def _every_message() -> list[str]:
    """The right-answer text and every slip's explanation, over many kinds of question."""
    questions = [
        ex.diagnose_count(None, 3, 5, cell=cell, use_bias=bias, timesteps=7,
                          bidirectional=both).question
        for cell in lt.CELLS for bias in (True, False) for both in (True, False)
    ]
    questions += [ex.diagnose_shape(None, weight, 3, 5).question for weight in ex.WEIGHTS]
    questions += [ex.diagnose_gate(None, gate, *GATE_QUESTION).question for gate in "ifco"]
    questions += [
        ex.diagnose_output_shape(None, 3, (2, 7, 5), return_sequences=s, return_state=t).question
        for s in (True, False) for t in (True, False)
    ]
    questions += [
        ex.diagnose_stack(None, (6, 3), 5).question,
        ex.diagnose_units(None, 1280, 3).question,
        ex.diagnose_summary(None, SUMMARY, "upper").question,
        ex.diagnose_seed_sentence(None).question,
    ]
    return [text for question in questions
            for text in (question.right, *(slip.why for slip in question.slips))]


def test_no_message_says_keras_2_kept_gates_in_separate_tensors():
    sentences = [sentence for text in _every_message() for sentence in re.split(r"(?<=\.) ", text)]
    keras_2 = [sentence for sentence in sentences if "Keras 2" in sentence]
    assert keras_2, "the messages should explain Keras 2's slices"
    for sentence in keras_2:
        assert not re.search(r"separate|kept each|own tensor|per-gate", sentence), sentence
    slices = [text for text in _every_message() if re.search(r"\b(recurrent_)?kernel_c\b|bias_c\b",
                                                             text)]
    for text in slices:
        if "Keras 2" in text:
            assert "view" in text and "one " in text, text
    keras_1 = [sentence for sentence in sentences if "Keras 1" in sentence]
    assert keras_1 and all("per-gate arrays" in sentence for sentence in keras_1)


# ---------------------------------------------------------------- bad input to every checker


@pytest.mark.parametrize(
    ("checker", "arguments", "error", "message"),
    [
        # diagnose_stack(answer, units, features, *, cell, timesteps)
        ("diagnose_stack", {"units": "6, 3"}, TypeError, r"^units must list each layer"),
        ("diagnose_stack", {"units": (6,)}, ValueError, r"^units must list at least two"),
        ("diagnose_stack", {"units": (6, 0)}, ValueError, r"^units\[1\] must"),
        ("diagnose_stack", {"features": 0}, ValueError, r"^features must"),
        ("diagnose_stack", {"cell": "rnn"}, ValueError, r"^cell must be one of"),
        ("diagnose_stack", {"timesteps": 0}, ValueError, r"^timesteps must"),
        ("diagnose_stack", {"answer": "408"}, TypeError, r"^answer must .*without quotes"),
        ("diagnose_stack", {"answer": 408.0}, TypeError, r"^answer must be a whole number"),
        # diagnose_units(answer, count, features, *, cell, use_bias)
        ("diagnose_units", {"count": 1281}, ValueError,
         r"^count must be the parameter count of an LSTM on 3 features; 1281 is not one "
         r"\(LSTM\(16\) has 1280 and LSTM\(17\) has 1428\)"),
        ("diagnose_units", {"count": 0}, ValueError, r"^count must be 1 or more"),
        ("diagnose_units", {"count": "1280"}, TypeError, r"^count must be a whole number"),
        ("diagnose_units", {"features": 1.5}, TypeError, r"^features must"),
        ("diagnose_units", {"use_bias": "no"}, TypeError, r"^use_bias must"),
        ("diagnose_units", {"answer": "16"}, TypeError, r"^answer must .*without quotes"),
        ("diagnose_units", {"answer": 0}, ValueError, r"^answer must be a number of units"),
        ("diagnose_units", {"answer": float("nan")}, ValueError, r"^answer must be a number"),
        # diagnose_output_shape(answer, units, input_shape, *, return_sequences, return_state)
        ("diagnose_output_shape", {"input_shape": (7, 5)}, TypeError,
         r"^input_shape must be the input's shape \(batch, timesteps, features\)"),
        ("diagnose_output_shape", {"input_shape": (2, 0, 5)}, ValueError,
         r"^input_shape's timesteps must"),
        ("diagnose_output_shape", {"input_shape": (2, 7, None)}, TypeError,
         r"^input_shape's features must"),
        ("diagnose_output_shape", {"units": 0}, ValueError, r"^units must"),
        ("diagnose_output_shape", {"return_sequences": 1}, TypeError, r"^return_sequences must"),
        ("diagnose_output_shape", {"return_state": "yes"}, TypeError, r"^return_state must"),
        ("diagnose_output_shape", {"answer": 3}, TypeError, r"^answer must be a shape.*\(3,\)"),
        ("diagnose_output_shape", {"answer": "(2, 3)"}, TypeError, r"^answer must be a shape"),
        ("diagnose_output_shape", {"answer": ((2, 3), 3)}, TypeError, r"^answer must be a shape"),
        ("diagnose_output_shape", {"answer": (2, -3)}, ValueError, r"^answer must hold sizes"),
        # diagnose_summary(answer, summary, layer)
        ("diagnose_summary", {"summary": 42}, TypeError, r"^summary must be the text"),
        ("diagnose_summary", {"summary": "Model: x"}, ValueError, r"^summary must be the text"),
        ("diagnose_summary", {"layer": "middle"}, ValueError,
         r"^layer must be the name of a row of the summary: 'lower' \(LSTM\), 'upper' \(LSTM\), "
         r"'head' \(Dense\); got 'middle'"),
        ("diagnose_summary", {"layer": "head"}, ValueError,
         r"^layer must name an LSTM, GRU or SimpleRNN row"),
        ("diagnose_summary", {"answer": "260"}, TypeError, r"^answer must .*without quotes"),
        # diagnose_gate(answer, gate, x, h_prev, kernel, recurrent_kernel, bias, *, unit)
        ("diagnose_gate", {"gate": "forget"}, ValueError,
         r"^gate must be one of 'i', 'f', 'c', 'o'; got 'forget'"),
        ("diagnose_gate", {"kernel": np.zeros((2, 6))}, ValueError,
         r"^kernel must have shape \(features, 4·units\)"),
        ("diagnose_gate", {"kernel": np.zeros(8)}, ValueError, r"^kernel must have 2 dimensions"),
        ("diagnose_gate", {"recurrent_kernel": np.zeros((2, 4))}, ValueError,
         r"^recurrent_kernel must have shape \(1, 4\)"),
        ("diagnose_gate", {"bias": np.zeros(5)}, ValueError, r"^bias must have shape \(4,\)"),
        ("diagnose_gate", {"x": [1.0, 2.0, 3.0]}, ValueError, r"^x must have shape \(2,\)"),
        ("diagnose_gate", {"x": [[1.0, 2.0]]}, ValueError, r"^x must have 1 dimension"),
        ("diagnose_gate", {"h_prev": 0.5}, ValueError, r"^h_prev must have 1 dimension"),
        ("diagnose_gate", {"h_prev": ["a"]}, TypeError, r"^h_prev must hold real numbers"),
        ("diagnose_gate", {"unit": 1}, ValueError, r"^unit must be from 0 to 0"),
        ("diagnose_gate", {"unit": 0.0}, TypeError, r"^unit must be a whole number"),
        ("diagnose_gate", {"answer": "0.9"}, TypeError,
         r"^answer must be a number.*without quotes"),
        ("diagnose_gate", {"answer": float("inf")}, ValueError, r"^answer must be a finite"),
        # diagnose_seed_sentence(answer)
        ("diagnose_seed_sentence", {"answer": "f"}, ValueError,
         r"^answer must be one of the letters 'a', 'b', 'c', 'd', 'e'; got 'f'"),
        ("diagnose_seed_sentence", {"answer": 3}, ValueError,
         r"^answer must be one of the letters"),
    ],
)
def test_bad_input_names_the_argument_and_what_is_accepted(checker, arguments, error, message):
    good = {
        "diagnose_stack": {"answer": 408, "units": (6, 3), "features": 5},
        "diagnose_units": {"answer": 16, "count": 1280, "features": 3},
        "diagnose_output_shape": {"answer": (2, 3), "units": 3, "input_shape": (2, 7, 5)},
        "diagnose_summary": {"answer": 260, "summary": SUMMARY, "layer": "upper"},
        "diagnose_gate": dict(zip(
            ("answer", "gate", "x", "h_prev", "kernel", "recurrent_kernel", "bias"),
            (0.8957, "f", *GATE_QUESTION), strict=True,
        )),
        "diagnose_seed_sentence": {"answer": "c"},
    }[checker]
    assert getattr(ex, checker)(**good).correct  # the question is fine as it stands
    with pytest.raises(error, match=message):
        getattr(ex, checker)(**{**good, **arguments})


def test_every_checker_takes_the_answer_first_and_has_bad_input_tests():
    import inspect

    tested = {"diagnose_count", "diagnose_shape", "diagnose_stack", "diagnose_units",
              "diagnose_output_shape", "diagnose_summary", "diagnose_gate",
              "diagnose_seed_sentence"}
    assert {checker.__name__ for checker in ex.CHECKERS} == tested
    for checker in ex.CHECKERS:
        assert next(iter(inspect.signature(checker).parameters)) == "answer"


# ---------------------------------------------------------------- against Keras


def test_summary_is_what_keras_prints_and_every_recurrent_row_is_read_right():
    keras = lt.keras()
    forecaster = keras.Sequential(
        [
            keras.Input(shape=(10, 3), name="readings"),
            keras.layers.LSTM(7, return_sequences=True, name="lower"),
            keras.layers.LSTM(5, name="upper"),
            keras.layers.Dense(2, name="head"),
        ],
        name="forecaster",
    )
    assert lt.summary_text(forecaster) == SUMMARY
    for name in ("lower", "upper"):
        assert ex.diagnose_summary(None, SUMMARY, name).expected == forecaster.get_layer(
            name).count_params()
    # A functional model lists its input as a row; GRU and use_bias=False rows are read too.
    inputs = keras.Input(shape=(6, 4), name="sequence")
    hidden = keras.layers.GRU(3, return_sequences=True, name="first")(inputs)
    output = keras.layers.LSTM(2, use_bias=False, name="second")(hidden)
    model = keras.Model(inputs, output, name="functional_stack")
    text = lt.summary_text(model)
    for name in ("first", "second"):
        feedback = ex.diagnose_summary(model.get_layer(name).count_params(), text, name)
        assert feedback.correct, name
    # The second layer's input-features slip is a real layer: LSTM(2) without bias on 4.
    slip = ex.diagnose_summary(lt.keras_count_params(2, 4, use_bias=False), text, "second")
    assert slip.mistake == "input_features"


@pytest.mark.parametrize(("sequences", "state"), [(False, False), (True, False), (False, True),
                                                   (True, True)])
def test_output_shapes_match_a_real_layer(sequences, state):
    keras = lt.keras()
    layer = keras.layers.LSTM(3, return_sequences=sequences, return_state=state, name="lstm")
    returned = layer(np.zeros((2, 7, 5), dtype="float32"))
    shapes = (tuple(tuple(tensor.shape) for tensor in returned) if state
              else tuple(returned.shape))
    feedback = ex.diagnose_output_shape(shapes, 3, (2, 7, 5), return_sequences=sequences,
                                        return_state=state)
    assert feedback.correct


def test_a_gate_by_hand_matches_keras():
    # C_t = f·C_{t−1} + i·g: two runs from C_{t−1} = 0 and 1 differ by exactly f.
    rng = np.random.default_rng(3)
    kernel, recurrent, bias = rng.normal(size=(3, 8)), rng.normal(size=(2, 8)), rng.normal(size=8)
    x, h0 = rng.normal(size=3), rng.normal(size=2)
    runs = [lt.keras_lstm_forward(x.reshape(1, 1, 3), kernel, recurrent, bias, h0=h0[None],
                                  c0=np.full((1, 2), c0)).c[0] for c0 in (0.0, 1.0)]
    for unit in (0, 1):
        forget = runs[1][unit] - runs[0][unit]
        assert ex.diagnose_gate(forget, "f", x, h0, kernel, recurrent, bias, unit=unit).correct
    # Every gate agrees with the NumPy reference, itself checked against Keras elsewhere.
    step = lt.lstm_forward(x.reshape(1, 1, 3), kernel, recurrent, bias, h0=h0[None],
                           trace=True).trace[0]
    for gate in "ifco":
        value = step.gates[gate].activation[0, 1]
        assert ex.diagnose_gate(value, gate, x, h0, kernel, recurrent, bias, unit=1).correct


def test_stack_and_units_match_real_keras_layers():
    keras = lt.keras()
    stack = keras.Sequential([
        keras.Input(shape=(None, 5)),
        keras.layers.LSTM(6, return_sequences=True, name="lower"),
        keras.layers.LSTM(3, name="upper"),
    ], name="stack")
    assert ex.diagnose_stack(None, (6, 3), 5).expected == stack.count_params()
    assert ex.diagnose_units(None, lt.keras_count_params(16, 3), 3).expected == 16


# ---------------------------------------------------------------- challenges in the notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = registry.paths(ROOT)
CHECKER_NAMES = {checker.__name__ for checker in ex.CHECKERS}
_to_python = TransformerManager().transform_cell  # IPython's %magics become plain calls


@dataclasses.dataclass(frozen=True)
class Challenge:
    """A checker call saved unanswered in a notebook, and the code that sets up its question."""

    notebook: str
    cell: int
    checker: str
    call: ast.Call
    answer: tuple[str, int | str]  # ("args", 0) or ("keywords", index)
    before: tuple[ast.stmt, ...]   # every statement of the notebook before the call's own

    @property
    def name(self) -> str:
        return f"{self.notebook}:cell{self.cell}:{self.checker}"


def _statements(notebook: Path) -> list[tuple[int, ast.stmt]]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            tree = ast.parse(_to_python("".join(cell["source"])), f"{notebook.name} cell {index}")
            found += [(index, statement) for statement in tree.body]
    return found


def _checker_name(call: ast.Call, aliases: dict[str, str]) -> str | None:
    """exercises.diagnose_count, lt.exercises.diagnose_count, diagnose_count or an alias."""
    if isinstance(call.func, ast.Attribute):
        name = call.func.attr
    elif isinstance(call.func, ast.Name):
        name = aliases.get(call.func.id, call.func.id)
    else:
        return None
    return name if name in CHECKER_NAMES else None


def _answer(call: ast.Call) -> tuple[tuple[str, int | str], ast.expr] | None:
    if call.args and not isinstance(call.args[0], ast.Starred):
        return ("args", 0), call.args[0]
    for index, keyword in enumerate(call.keywords):
        if keyword.arg == "answer":
            return ("keywords", index), keyword.value
    return None


def _last_value(name: str, statements: list[ast.stmt]) -> ast.expr | bool | None:
    """What `name` was last set to, False if it was never set before."""
    for statement in reversed(statements):
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in statement.targets
        ):
            return statement.value
        if (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
                and statement.target.id == name):
            return statement.value
    return False


def _is_none(node: ast.expr | bool | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _challenges(notebook: Path) -> list[Challenge]:
    statements = _statements(notebook)
    aliases = {
        alias.asname or alias.name: alias.name
        for _, statement in statements if isinstance(statement, ast.ImportFrom)
        and (statement.module or "").endswith("exercises") for alias in statement.names
    }
    found = []
    for position, (cell, statement) in enumerate(statements):
        earlier = [earlier for _, earlier in statements[:position]]
        if isinstance(statement, ast.Assert):
            continue  # an evidence cell asking a checker for .expected is no question
        read = {id(node.value) for node in ast.walk(statement) if isinstance(node, ast.Attribute)}
        for node in ast.walk(statement):
            if not isinstance(node, ast.Call) or not (name := _checker_name(node, aliases)):
                continue
            if id(node) in read:  # diagnose_count(None, …).expected: a lookup, not a question
                continue
            answer = _answer(node)
            if answer is None:
                continue
            where, value = answer
            unanswered = _is_none(value) or (
                isinstance(value, ast.Name) and _is_none(_last_value(value.id, earlier))
            )
            if unanswered:
                found.append(Challenge(notebook.name, cell, name, node, where, tuple(earlier)))
    return found


CHALLENGES = [challenge for notebook in NOTEBOOKS for challenge in _challenges(notebook)]


def _loads(node: ast.AST) -> set[str]:
    return {name.id for name in ast.walk(node)
            if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Load)}


def _binds(statement: ast.stmt) -> set[str]:
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    if isinstance(statement, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
        return {statement.name}
    return {name.id for name in ast.walk(statement)
            if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store)}


def _setup(challenge: Challenge) -> list[ast.stmt]:
    """The statements the call's arguments depend on: a backward slice of the notebook.

    A statement is kept if it binds a name still needed, or if it is a bare expression
    (a call such as lt.set_lstm_weights(layer, …)) that uses a needed variable, which
    may change it; the names it uses are then needed in turn.
    """
    call = copy.deepcopy(challenge.call)
    _replace_answer(call, challenge.answer, ast.Constant(None))
    needed = _loads(call)
    modules = {name for statement in challenge.before
               if isinstance(statement, ast.Import | ast.ImportFrom)
               for name in _binds(statement)}
    kept = []
    for statement in reversed(challenge.before):
        changes = isinstance(statement, ast.Expr) and bool(_loads(statement) & (needed - modules))
        if _binds(statement) & needed or changes:
            kept.append(statement)
            needed |= _loads(statement)
    return kept[::-1]


def _replace_answer(call: ast.Call, where: tuple[str, int | str], value: ast.expr) -> None:
    kind, index = where
    if kind == "args":
        call.args[index] = value  # type: ignore[index]
    else:
        call.keywords[index].value = value  # type: ignore[index]


def _evaluate(challenge: Challenge) -> tuple[object, ex.Feedback, ex.Feedback]:
    """Run the setup, then the call unanswered and with the expected answer."""
    namespace: dict[str, object] = {"__name__": "__notebook__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for statement in _setup(challenge):
            code = compile(ast.Module([statement], []), challenge.name, "exec")
            exec(code, namespace)  # the notebook's own code, as a kernel would run it

    def call_with(answer: ast.expr) -> ex.Feedback:
        call = copy.deepcopy(challenge.call)
        _replace_answer(call, challenge.answer, answer)
        expression = ast.fix_missing_locations(ast.Expression(call))
        return eval(compile(expression, challenge.name, "eval"), namespace)

    function = eval(compile(ast.Expression(challenge.call.func), challenge.name, "eval"),
                    namespace)
    unanswered = call_with(ast.Constant(None))
    namespace["__right_answer__"] = unanswered.expected
    return function, unanswered, call_with(ast.Name("__right_answer__", ast.Load()))


def test_the_scanner_reads_the_ways_a_challenge_is_written(tmp_path):
    cells = [
        "import lstm_teach as lt\nfrom lstm_teach import exercises\n"
        "from lstm_teach.exercises import diagnose_shape as shape_of",
        "units, features = 4, 3",
        "answer = None  # your prediction\n"
        "print(exercises.diagnose_count(answer, units=units, features=features))",
        "answer: int | None = None\nlt.exercises.diagnose_count(answer, 5, features)",
        'shape_of(None, "kernel", 3, 3)  # units = features: the kernel looks recurrent',
        "%time exercises.diagnose_units(answer=None, count=1280, features=features)",
        "answer = 128\nexercises.diagnose_count(answer, units=units, features=features)",
        "assert exercises.diagnose_count(None, 1, 1).expected == 12\n"
        "expected = exercises.diagnose_count(None, units, features).expected",
    ]
    notebook = tmp_path / "07_scanner.ipynb"
    notebook.write_text(json.dumps({"cells": [
        {"cell_type": "code", "source": source, "metadata": {}, "outputs": []}
        for source in cells
    ]}), encoding="utf-8")
    found = _challenges(notebook)
    assert [(c.cell, c.checker) for c in found] == [
        (2, "diagnose_count"), (3, "diagnose_count"), (4, "diagnose_shape"),
    ]  # %time hides its code in a string; answered calls and lookups are no challenges
    results = [_evaluate(challenge) for challenge in found]
    assert [function for function, _, _ in results] == [
        ex.diagnose_count, ex.diagnose_count, ex.diagnose_shape,
    ]
    assert [unanswered.message for _, unanswered, _ in results] == [ex.NOT_ANSWERED] * 3
    # LSTM(4) on 3 features, 128, and LSTM(5) on 3, 180, are unambiguous; a (3, 12) kernel
    # for 3 units and 3 features is also the recurrent kernel's shape, and the swapped one.
    assert [(right.expected, right.correct, right.also) for _, _, right in results] == [
        (128, True, ()), (180, True, ()), ((3, 12), True, ("swapped", "other_weight")),
    ]


@pytest.mark.parametrize("challenge", CHALLENGES, ids=lambda challenge: challenge.name)
def test_each_saved_challenge_has_one_right_answer(challenge):
    function, unanswered, right = _evaluate(challenge)
    assert function in ex.CHECKERS
    assert unanswered.message == ex.NOT_ANSWERED
    assert right.correct, right.message
    assert right.also == (), (
        f"{challenge.name}: the right answer {right.expected!r} is also what a learner gets "
        f"who {', '.join(right.also)}; choose other sizes (avoid 1 and 4 units)"
    )
    if challenge.notebook.startswith("05_"):  # the exercises keep every slip apart as well
        clashes = [(a.key, b.key) for a, b in right.question.clashes()]
        assert clashes == [], f"{challenge.name}: these slips give the same answer: {clashes}"


def _cells(name: str) -> list[dict]:
    path = registry.find(name).file(ROOT)  # core or reference shelf, by its file name
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("challenge", CHALLENGES, ids=lambda challenge: challenge.name)
def test_each_challenge_is_saved_unanswered_with_its_solution_folded_after_it(challenge):
    cells = _cells(challenge.notebook)
    saved = "".join(
        "".join(output.get("text", "")) + "".join(output.get("data", {}).get("text/plain", ""))
        for output in cells[challenge.cell]["outputs"]
    )
    assert ex.NOT_ANSWERED in saved, f"{challenge.name} was not saved unanswered"
    after = next(cell for cell in cells[challenge.cell + 1:] if cell["cell_type"] == "markdown")
    text = "".join(after["source"]).strip()
    assert text.startswith("<details><summary>Solution</summary>"), challenge.name
    assert text.endswith("</details>"), challenge.name


def test_the_exercises_ask_every_kind_of_question():
    """The core's exercises (05) and the shelf's extra practice (13) use every checker."""
    core = [challenge for challenge in CHALLENGES if challenge.notebook.startswith("05_")]
    shelf = [challenge for challenge in CHALLENGES if challenge.notebook.startswith("13_")]
    assert len(core) >= 7
    assert {challenge.checker for challenge in core + shelf} == CHECKER_NAMES


@pytest.mark.parametrize("module", ["counts", "units", "shapes", "gates"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    found = importlib.import_module(f"lstm_teach.exercises.{module}")
    failures, attempted = doctest.testmod(found, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert attempted >= 1 and failures == 0
