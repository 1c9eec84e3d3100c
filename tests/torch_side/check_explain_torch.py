"""lt.explain against real PyTorch modules: run in .venv-torch (tools/torch_env.py) by
tests/test_explain_torch.py, never collected by the course's own test run (no PyTorch there).

Every module's count by the course's arithmetic must equal sum(p.numel() for p in
m.parameters()), row by row and in total, and the printed form (print(model)) must give
the same rows as the live module.
"""

from __future__ import annotations

import sys

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from lstm_teach.explain import explain

sizes = st.integers(min_value=1, max_value=9)


def numel(module: nn.Module) -> int:
    return sum(parameter.numel() for parameter in module.parameters())


def test_lstm_teach_reads_pytorch_without_importing_tensorflow():
    explain(nn.LSTM(2, 3))
    assert "tensorflow" not in sys.modules and "keras" not in sys.modules


@st.composite
def recurrent(draw):
    kind = draw(st.sampled_from(["LSTM", "GRU", "RNN"]))
    hidden = draw(sizes)
    options = {
        "num_layers": draw(st.integers(1, 3)),
        "bias": draw(st.booleans()),
        "bidirectional": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
    }
    if kind == "LSTM" and draw(st.booleans()) and hidden > 1:
        options["proj_size"] = draw(st.integers(1, hidden - 1))
    return getattr(nn, kind)(draw(sizes), hidden, **options)


@st.composite
def modules(draw, depth: int = 0):
    leaves = [
        recurrent(),
        st.builds(nn.Linear, sizes, sizes, bias=st.booleans()),
        st.builds(nn.Embedding, st.integers(1, 50), sizes),
        st.builds(nn.Dropout, st.sampled_from([0.0, 0.5])),
        st.just(nn.ReLU()),
        st.builds(nn.LayerNorm, sizes),
    ]
    if depth < 2:
        leaves.append(st.lists(modules(depth=depth + 1), min_size=1, max_size=4)
                      .map(lambda parts: nn.Sequential(*parts)))
        leaves.append(st.lists(modules(depth=depth + 1), min_size=1, max_size=3)
                      .map(nn.ModuleList))
    return draw(st.one_of(leaves))


@settings(max_examples=60)
@given(module=modules(), frozen=st.booleans())
def test_every_row_and_the_total_equal_pytorchs_numel(module, frozen):
    if frozen:
        for parameter in module.parameters():
            parameter.requires_grad_(False)
    explained = explain(module)
    assert explained.total == numel(module)
    trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
    assert (explained.trainable, explained.non_trainable) == (trainable, numel(module) - trainable)
    for _, row in explained.rows():
        assert row.count is not None, row
        assert row.agrees, (row.name, row.formula, row.note)


@settings(max_examples=40)
@given(module=modules())
def test_the_printed_form_gives_the_same_rows(module):
    live = explain(module)
    printed = explain(str(module))
    assert [(row.name, row.kind, row.count) for _, row in printed.rows()] == [
        (row.name, row.kind, row.count) for _, row in live.rows()]


class Classifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Embedding(1000, 64, padding_idx=0)
        self.lstm = nn.LSTM(64, 32, num_layers=2, batch_first=True, bidirectional=True,
                            proj_size=16)
        self.head = nn.Linear(32, 2)


def test_a_custom_module_with_a_projected_bidirectional_lstm():
    model = Classifier()
    explained = explain(model)
    assert explained.total == numel(model) == 64_000 + 35_840 + 66
    lstm = explained.row("lstm")
    # layer 0 reads 64, layer 1 reads 2 directions · 16 (proj_size): weight_hh is (128, 16)
    # and weight_hr (16, 32) per direction.
    assert dict((w.name, w.shape) for w in lstm.weights)["weight_hr_l1_reverse"] == (16, 32)
    assert [r.count for _, r in explain(str(model)).rows()] == [r.count for _, r in
                                                                explained.rows()]


def test_a_parameter_outside_any_layer_is_listed_not_explained():
    class Scaled(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = nn.Linear(3, 2)
            self.scale = nn.Parameter(torch.ones(2))

    explained = explain(Scaled())
    assert explained.total == numel(Scaled()) == 8 + 2
    assert explained.layers[-1].count is None and explained.layers[-1].framework_count == 2


@pytest.mark.parametrize("module", [nn.LSTM(3, 4, bias=False), nn.GRU(3, 4), nn.RNN(3, 4)])
def test_pytorch_keeps_two_biases_where_keras_keeps_one(module):
    explained = explain(module)
    hidden, paths = 4, {"LSTM": 4, "GRU": 3, "RNN": 1}[type(module).__name__]
    biases = 2 * hidden if module.bias else 0
    assert explained.total == paths * (3 * hidden + hidden * hidden + biases) == numel(module)
