"""Parameter arithmetic: known counts, the table's rows, and rejected input."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lstm_teach as lt

sizes = st.integers(min_value=1, max_value=64)


@pytest.mark.parametrize(
    ("units", "features", "expected"),
    [
        (1, 1, 12),  # the seed's first case
        (1, 2, 16),  # the seed's second case
        (2, 1, 4 * (2 + 4 + 2)),
        (32, 10, 4 * (320 + 1024 + 32)),
    ],
)
def test_lstm_counts_match_the_seed_and_hand_arithmetic(units, features, expected):
    assert lt.count_params(units, features) == expected


@given(units=sizes, features=sizes)
def test_every_convention_matches_its_written_formula(units, features):
    u, f = units, features
    assert lt.count_params(u, f) == 4 * (f * u + u * u + u)
    assert lt.count_params(u, f, use_bias=False) == 4 * (f * u + u * u)
    assert lt.count_params(u, f, convention="pytorch") == 4 * (f * u + u * u + 2 * u)
    assert lt.count_params(u, f, cell="gru") == 3 * (f * u + u * u + 2 * u)
    assert lt.count_params(u, f, cell="gru", reset_after=False) == 3 * (f * u + u * u + u)
    assert lt.count_params(u, f, cell="gru", convention="pytorch") == 3 * (f * u + u * u + 2 * u)
    assert lt.count_params(u, f, cell="simple_rnn") == f * u + u * u + u
    assert lt.count_params(u, f, cell="simple_rnn", convention="pytorch") == f * u + u * u + 2 * u


def test_pytorch_gives_sixteen_where_keras_gives_twelve():
    assert lt.count_params(1, 1, convention="pytorch") == 16


def test_table_rows_are_the_keras_weights_of_the_seed_case():
    table = lt.param_table(1, 2)
    assert [(row.name, row.shape, row.count) for row in table.rows] == [
        ("kernel", (2, 4), 8),
        ("recurrent_kernel", (1, 4), 4),
        ("bias", (4,), 4),
    ]
    assert table.total == 16


def test_gru_reset_after_keeps_a_two_row_bias():
    bias = lt.param_table(3, 2, cell="gru").rows[-1]
    assert (bias.name, bias.shape) == ("bias", (2, 9))
    bias = lt.param_table(3, 2, cell="gru", reset_after=False).rows[-1]
    assert bias.shape == (9,)


def test_pytorch_table_uses_torch_names_and_transposed_shapes():
    rows = lt.param_table(2, 3, convention="pytorch").rows
    assert [(row.name, row.shape) for row in rows] == [
        ("weight_ih_l0", (8, 3)),
        ("weight_hh_l0", (8, 2)),
        ("bias_ih_l0", (8,)),
        ("bias_hh_l0", (8,)),
    ]


def test_no_bias_means_no_bias_row():
    names = [row.name for row in lt.param_table(2, 2, use_bias=False).rows]
    assert names == ["kernel", "recurrent_kernel"]


def test_printed_table_shows_each_weight_and_the_filled_in_formula():
    text = str(lt.param_table(1, 1))
    assert "4·(features·units + units·units + units) = 4·(1·1 + 1·1 + 1) = 12" in text
    for name in ("kernel", "recurrent_kernel", "bias", "total"):
        assert name in text


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "4·(features·units + units·units + units) = 4·(2·3 + 3·3 + 3) = 72"),
        ({"use_bias": False}, "4·(features·units + units·units) = 4·(2·3 + 3·3) = 60"),
        ({"cell": "simple_rnn"}, "features·units + units·units + units = 2·3 + 3·3 + 3 = 18"),
        ({"convention": "pytorch"},
         "4·(features·units + units·units + 2·units) = 4·(2·3 + 3·3 + 2·3) = 84"),
    ],
)
def test_formula_fills_in_the_numbers(kwargs, expected):
    assert lt.formula(3, 2, **kwargs) == expected


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"units": 0}, ValueError, "units"),
        ({"units": -3}, ValueError, "units"),
        ({"units": 1.0}, TypeError, "units"),
        ({"units": True}, TypeError, "units"),
        ({"units": "4"}, TypeError, "units"),
        ({"features": 0}, ValueError, "features"),
        ({"features": 2.5}, TypeError, "features"),
        ({"features": False}, TypeError, "features"),
        ({"cell": "LSTM"}, ValueError, "cell must be one of 'lstm', 'gru', 'simple_rnn'"),
        ({"convention": "torch"}, ValueError, "convention must be one of 'keras', 'pytorch'"),
        ({"use_bias": 1}, TypeError, "use_bias must be True or False"),
        ({"reset_after": None}, TypeError, "reset_after must be True or False"),
        ({"reset_after": False}, ValueError, "reset_after applies to cell='gru' only"),
        ({"cell": "gru", "reset_after": False, "convention": "pytorch"}, ValueError,
         "reset_after=False exists only in Keras"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_the_argument(kwargs, error, words):
    arguments = {"units": 1, "features": 1, **kwargs}
    units, features = arguments.pop("units"), arguments.pop("features")
    for function in (lt.count_params, lt.param_table, lt.formula):
        with pytest.raises(error, match=re.escape(words)):
            function(units, features, **arguments)


# ---------------------------------------------------------------- LayerSpec


def test_layer_spec_is_checked_once_and_normalises_numpy_values():
    import numpy as np

    layer = lt.LayerSpec(np.int64(3), np.int32(2), use_bias=np.bool_(True))
    assert (type(layer.units), type(layer.features), type(layer.use_bias)) == (int, int, bool)
    assert layer == lt.LayerSpec(3, 2)
    assert hash(layer) == hash(lt.LayerSpec(3, 2))  # usable as a cache key
    with pytest.raises(dataclasses.FrozenInstanceError):
        layer.units = 4  # type: ignore[misc]
    with pytest.raises(ValueError, match="units must be a whole number >= 1"):
        layer.replace(units=0)
    with pytest.raises(ValueError, match="reset_after applies to cell='gru' only"):
        layer.replace(reset_after=False)


def test_layer_spec_answers_what_the_keyword_functions_answer():
    for settings in [{}, {"cell": "gru"}, {"cell": "gru", "reset_after": False},
                     {"convention": "pytorch"}, {"use_bias": False, "cell": "simple_rnn"}]:
        layer = lt.LayerSpec(3, 5, **settings)
        assert layer.count == lt.count_params(3, 5, **settings)
        assert layer.formula == lt.formula(3, 5, **settings)
        assert layer.rows == lt.param_table(3, 5, **settings).rows
        assert layer.shapes == {row.name: row.shape for row in layer.rows}
        assert layer.gates == lt.GATES[layer.cell]


@pytest.mark.parametrize(
    ("settings", "path_shapes", "bias_vectors"),
    [
        ({}, {"kernel": (2, 3), "recurrent_kernel": (3, 3), "bias": (3,)}, 1),
        ({"cell": "gru"}, {"kernel": (2, 3), "recurrent_kernel": (3, 3), "bias": (2, 3)}, 2),
        ({"convention": "pytorch"},
         {"weight_ih_l0": (3, 2), "weight_hh_l0": (3, 3), "bias_ih_l0": (3,),
          "bias_hh_l0": (3,)}, 2),
        ({"use_bias": False}, {"kernel": (2, 3), "recurrent_kernel": (3, 3)}, 0),
    ],
)
def test_one_path_owns_a_units_wide_slice_of_every_weight(settings, path_shapes, bias_vectors):
    layer = lt.LayerSpec(3, 2, **settings)
    assert layer.path_shapes == path_shapes
    assert layer.bias_vectors == bias_vectors
    slices = sum(math.prod(shape) for shape in path_shapes.values())
    assert slices * layer.kind.paths == layer.count  # the paths' slices tile every weight


def test_printed_numbers_have_a_sign_fixed_decimals_and_no_negative_zero():
    import numpy as np

    assert lt.signed(-1e-17) == "+0.0000"  # float noise around zero prints as zero
    assert lt.signed(np.float32(0.25), digits=2) == "+0.25"
    assert lt.vector(np.array([[0.5], [-0.125]])) == "[+0.5000, -0.1250]"
    with pytest.raises(TypeError, match="value must be a real number"):
        lt.signed("0.5")
    with pytest.raises(ValueError, match="one number"):
        lt.signed(np.ones(2))
