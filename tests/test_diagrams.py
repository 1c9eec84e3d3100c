"""The diagrams draw what the arithmetic says, update in place and refuse bad settings."""

from __future__ import annotations

import base64
import io
import math
import re
import struct

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, PathPatch
from PIL import Image

from lstm_teach import LayerSpec, count_params, lstm_forward
from lstm_teach.diagrams import (
    GATE_COLOURS,
    CellDiagram,
    GatesOverTime,
    UnrolledView,
    WeightGrid,
    cell_diagram_figure,
    count_squares,
    figure_png,
    figure_text,
    gates_over_time_figure,
    training_curve_figure,
    unrolled_figure,
    weight_grid_figure,
)

GATE_LETTERS = {"lstm": "ifco", "gru": "zrh", "simple_rnn": "h"}

# (cell, convention, reset_after) combinations that exist, with the number of bias
# vectors each keeps per gate and unit when use_bias=True.
SETTINGS = [
    ("lstm", "keras", True, 1),
    ("lstm", "pytorch", True, 2),
    ("gru", "keras", True, 2),
    ("gru", "keras", False, 1),
    ("gru", "pytorch", True, 2),
    ("simple_rnn", "keras", True, 1),
    ("simple_rnn", "pytorch", True, 2),
]


def hand_count(units: int, features: int, gates: int, biases: int) -> int:
    """gates · (features·units + units·units + biases·units), written out by hand."""
    return gates * (features * units + units * units + biases * units)


@pytest.fixture(scope="module")
def grid() -> WeightGrid:
    return WeightGrid(max_units=8, max_features=8)


def square_rectangles(fig: Figure) -> np.ndarray:
    """(n, 4) array of x0, y0, x1, y1 of every visible parameter square."""
    boxes = []
    for collection in fig.findobj(PolyCollection):
        if collection.get_visible() and (collection.get_gid() or "").startswith("param:"):
            for path in collection.get_paths():
                corners = path.vertices
                boxes.append([*corners.min(axis=0), *corners.max(axis=0)])
    return np.array(boxes)


def label_extents(fig: Figure) -> list[tuple[str, np.ndarray]]:
    """Each visible label's words and its (x0, y0, x1, y1) in points.

    Labels and the letters on the squares are PathPatches drawn in point coordinates.
    """
    found = []
    for patch in fig.findobj(PathPatch):
        if patch.get_visible() and len(patch.get_path().vertices) > 1:
            box = patch.get_path().get_extents()
            found.append((patch.get_text() if hasattr(patch, "get_text") else "letters",
                          np.array([box.x0, box.y0, box.x1, box.y1])))
    return found


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# ---------------------------------------------------------------- weight grid


@pytest.mark.parametrize(("cell", "convention", "reset_after", "biases"), SETTINGS)
@pytest.mark.parametrize("use_bias", [True, False])
def test_one_square_per_parameter(
    grid: WeightGrid, cell: str, convention: str, reset_after: bool, biases: int,
    use_bias: bool,
) -> None:
    gates = len(GATE_LETTERS[cell])
    for units, features in [(1, 1), (1, 2), (2, 3), (3, 1), (5, 8), (8, 8)]:
        visible = grid.update(LayerSpec(units, features, cell=cell, use_bias=use_bias,
                              convention=convention, reset_after=reset_after))
        expected = hand_count(units, features, gates, biases if use_bias else 0)
        assert visible == expected
        assert count_squares(grid.figure) == expected
        assert expected == count_params(units, features, cell=cell, use_bias=use_bias,
                                        convention=convention, reset_after=reset_after)


def test_one_off_figure_counts_the_same() -> None:
    fig = weight_grid_figure(3, 5, cell="gru", convention="pytorch")
    assert count_squares(fig) == hand_count(3, 5, 3, 2) == 90


def test_second_feature_adds_one_kernel_row_of_four(grid: WeightGrid) -> None:
    assert grid.update(LayerSpec(1, 1)) == 12
    before = {block: count_squares(grid.figure, block)
              for block in ("kernel", "recurrent_kernel", "bias")}
    assert before == {"kernel": 4, "recurrent_kernel": 4, "bias": 4}
    kernel_rows_before = {tuple(box[[1, 3]]) for box in square_rectangles(grid.figure)}
    assert grid.update(LayerSpec(1, 2)) == 16
    assert count_squares(grid.figure, "kernel") == 8
    assert count_squares(grid.figure, "recurrent_kernel") == 4
    assert count_squares(grid.figure, "bias") == 4
    rows_after = {tuple(box[[1, 3]]) for box in square_rectangles(grid.figure)}
    assert len(rows_after) == len(kernel_rows_before) + 1


@pytest.mark.parametrize(
    ("convention", "expected"),
    [
        ("keras", {"kernel": 24, "recurrent_kernel": 16, "bias": 8}),
        ("pytorch", {"weight_ih_l0": 24, "weight_hh_l0": 16, "bias_ih_l0": 8, "bias_hh_l0": 8}),
    ],
)
def test_blocks_follow_the_weight_shapes(
    grid: WeightGrid, convention: str, expected: dict[str, int],
) -> None:
    grid.update(LayerSpec(2, 3, convention=convention))
    assert {block: count_squares(grid.figure, block) for block in expected} == expected
    assert count_squares(grid.figure) == sum(expected.values())


def test_kernel_rows_and_columns_follow_the_convention(grid: WeightGrid) -> None:
    """Keras kernel (features, 4·units): 3 rows of 8 squares; PyTorch transposes it."""
    grid.update(LayerSpec(2, 3))
    kernel = [c for c in grid.figure.findobj(PolyCollection)
              if c.get_visible() and (c.get_gid() or "").startswith("param:kernel:")]
    boxes = np.array([[*p.vertices.min(0), *p.vertices.max(0)]
                      for c in kernel for p in c.get_paths()])
    assert len(np.unique(boxes[:, 1].round(3))) == 3
    assert len(np.unique(boxes[:, 0].round(3))) == 8
    grid.update(LayerSpec(2, 3, convention="pytorch"))
    weight_ih = [c for c in grid.figure.findobj(PolyCollection)
                 if c.get_visible() and (c.get_gid() or "").startswith("param:weight_ih_l0:")]
    boxes = np.array([[*p.vertices.min(0), *p.vertices.max(0)]
                      for c in weight_ih for p in c.get_paths()])
    assert len(np.unique(boxes[:, 1].round(3))) == 8
    assert len(np.unique(boxes[:, 0].round(3))) == 3


@pytest.mark.parametrize(("cell", "convention", "reset_after", "biases"), SETTINGS)
def test_each_gate_owns_an_equal_share_with_its_own_colour(
    grid: WeightGrid, cell: str, convention: str, reset_after: bool, biases: int,
) -> None:
    grid.update(LayerSpec(2, 3, cell=cell, convention=convention, reset_after=reset_after))
    per_gate: dict[str, int] = {}
    colours: dict[str, tuple[float, ...]] = {}
    for collection in grid.figure.findobj(PolyCollection):
        gid = collection.get_gid() or ""
        if collection.get_visible() and gid.startswith("param:"):
            letter = gid.split(":")[2]
            per_gate[letter] = per_gate.get(letter, 0) + len(collection.get_paths())
            colours.setdefault(letter, tuple(collection.get_facecolor()[0]))
    letters = GATE_LETTERS[cell]
    assert set(per_gate) == set(letters)
    assert set(per_gate.values()) == {hand_count(2, 3, 1, biases)}
    assert len(set(colours.values())) == len(letters)
    words = figure_text(grid.figure).split("\n")
    assert all(letter in words for letter in letters)


def test_gate_colours_differ_in_greyscale() -> None:
    def luminance(colour: str) -> float:
        rgb = np.array(to_rgb(colour))
        linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(linear @ [0.2126, 0.7152, 0.0722])

    levels = sorted(luminance(colour) for colour in GATE_COLOURS)
    assert min(np.diff(levels)) >= 0.1


@pytest.mark.parametrize("convention", ["keras", "pytorch"])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_squares_never_overlap_and_stay_inside(
    grid: WeightGrid, cell: str, convention: str,
) -> None:
    grid.update(LayerSpec(8, 8, cell=cell, convention=convention))
    boxes = square_rectangles(grid.figure)
    width, height = grid.figure.get_size_inches() * 72
    assert boxes[:, :2].min() >= 0 and boxes[:, 2].max() <= width
    assert boxes[:, 3].max() <= height
    x0, y0, x1, y1 = (boxes[:, k] for k in range(4))
    overlap = ((x0[:, None] < x1[None, :]) & (x0[None, :] < x1[:, None])
               & (y0[:, None] < y1[None, :]) & (y0[None, :] < y1[:, None]))
    np.fill_diagonal(overlap, False)
    assert not overlap.any()


def test_title_and_block_labels(grid: WeightGrid) -> None:
    grid.update(LayerSpec(1, 1))
    text = figure_text(grid.figure)
    assert "LSTM: 12 parameters" in text
    assert "kernel\n(1, 4) = 4" in text
    assert "recurrent_kernel\n(1, 4) = 4" in text
    assert "bias\n(4,) = 4" in text
    grid.update(LayerSpec(3, 2, cell="gru", reset_after=True))
    text = figure_text(grid.figure)
    assert "GRU: 63 parameters" in text
    assert "bias\n(2, 9) = 18" in text
    grid.update(LayerSpec(2, 5, convention="pytorch", use_bias=False))
    text = figure_text(grid.figure)
    assert "LSTM: 56 parameters" in text
    assert "weight_ih_l0\n(8, 5) = 40" in text
    assert "bias_ih_l0" not in text


def test_update_in_place_changes_pixels_and_reverts_exactly(grid: WeightGrid) -> None:
    fig = grid.figure
    grid.update(LayerSpec(1, 1))
    artists = len(fig.findobj())
    first = figure_png(fig)
    grid.update(LayerSpec(1, 2))
    second = figure_png(fig)
    assert grid.figure is fig
    assert second != first
    for units, features in [(8, 8), (3, 5)]:
        grid.update(LayerSpec(units, features, convention="pytorch"))
    grid.update(LayerSpec(1, 1))
    assert len(fig.findobj()) == artists
    assert figure_png(fig) == first


def test_grid_limits() -> None:
    small = WeightGrid(max_units=2, max_features=3)
    with pytest.raises(ValueError, match="max_units=2"):
        small.update(LayerSpec(3, 1))
    with pytest.raises(ValueError, match="max_features=3"):
        small.update(LayerSpec(1, 4))
    with pytest.raises(ValueError, match="max_units"):
        WeightGrid(max_units=0)
    with pytest.raises(ValueError, match="units"):
        weight_grid_figure(33, 1)


# ---------------------------------------------------------------- one LSTM step


def test_cell_diagram_shows_each_gate_slice_shape() -> None:
    text = figure_text(cell_diagram_figure(1, 2))
    assert text.count("kernel    (2, 1)") == 4
    assert text.count("recurrent (1, 1)") == 4
    assert text.count("bias      (1,)") == 4
    assert "xₜ[0]" in text and "xₜ[1]" in text and "xₜ[2]" not in text
    assert "hₜ₋₁" in text and "Cₜ₋₁" in text and "hₜ" in text
    words = text.split("\n")
    assert all(letter in words for letter in "ifco")


def test_cell_diagram_shortens_many_features() -> None:
    diagram = CellDiagram()
    diagram.update(LayerSpec(8, 8))
    text = figure_text(diagram.figure)
    assert "kernel    (8, 8)" in text
    shown = [f"xₜ[{k}]" for k in range(8) if f"xₜ[{k}]" in text]
    assert shown == ["xₜ[0]", "xₜ[1]", "xₜ[2]"]
    assert "… 5 more" in text
    diagram.update(LayerSpec(3, 4))
    text = figure_text(diagram.figure)
    assert [f"xₜ[{k}]" in text for k in range(5)] == [True, True, True, True, False]
    assert "more" not in text


def test_cell_diagram_shows_the_numbers_of_a_step() -> None:
    kernel = np.array([[1.0, -1.0, 0.5, 2.0]])
    zeros = np.zeros((1, 4))
    result = lstm_forward(np.ones((1, 1, 1)), kernel, zeros, np.zeros(4), trace=True)
    text = figure_text(cell_diagram_figure(1, 1, step=result.trace[0]))

    def sigmoid(z: float) -> float:
        return 1 / (1 + math.exp(-z))

    i, f, g, o = sigmoid(1.0), sigmoid(-1.0), math.tanh(0.5), sigmoid(2.0)
    c = f * 0.0 + i * g
    h = o * math.tanh(c)
    for line in ("z = 1.00", "z = −1.00", "z = 0.50", "z = 2.00",
                 f"i = {i:.2f}", f"f = {f:.2f}", f"g = {g:.2f}", f"o = {o:.2f}",
                 f"i·g = {i * g:.2f}", "xₜ[0] = 1.00", "hₜ₋₁[0] = 0.00"):
        assert line in text.split("\n"), line
    assert f"{c:.2f}" in text.split("\n")
    assert f"{h:.2f}" in text.split("\n")


def test_cell_diagram_update_changes_numbers_in_place() -> None:
    rng = np.random.default_rng(3)
    result = lstm_forward(rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 12)),
                          rng.normal(size=(3, 12)), rng.normal(size=12), trace=True)
    diagram = CellDiagram()
    fig = diagram.figure
    diagram.update(LayerSpec(3, 2))
    plain = figure_png(fig)
    assert "z = x·W+h·U+b" in figure_text(fig)
    diagram.update(LayerSpec(3, 2), result.trace[0])
    first_step = figure_png(fig)
    diagram.update(LayerSpec(3, 2), result.trace[2])
    assert diagram.figure is fig
    assert len({plain, first_step, figure_png(fig)}) == 3
    expected = f"i = {result.trace[2].gates['i'].activation[0, 0]:.2f}"
    assert expected in figure_text(fig).split("\n")
    diagram.update(LayerSpec(3, 2))
    assert figure_png(fig) == plain


def test_cell_diagram_refuses_a_step_of_other_sizes() -> None:
    result = lstm_forward(np.ones((1, 1, 2)), np.ones((2, 4)), np.ones((1, 4)), np.ones(4),
                          trace=True)
    with pytest.raises(ValueError, match="units=2"):
        cell_diagram_figure(2, 2, step=result.trace[0])
    with pytest.raises(ValueError, match="features=3"):
        cell_diagram_figure(1, 3, step=result.trace[0])
    with pytest.raises(TypeError, match="step"):
        cell_diagram_figure(1, 2, step=result)


# ---------------------------------------------------------------- unrolled layer


def visible_cells(fig: Figure) -> int:
    return len(fig.findobj(lambda a: a.get_gid() == "cell-box" and a.get_visible()))


def test_one_box_per_timestep_sharing_one_weight_count() -> None:
    view = UnrolledView(max_timesteps=10)
    titles = set()
    for timesteps in range(1, 11):
        view.update(LayerSpec(8, 8), timesteps)
        assert visible_cells(view.figure) == timesteps
        text = figure_text(view.figure)
        assert f"over {timesteps} timestep" in text
        titles.add(re.search(r"over \d+ timesteps?: (.*)", text).group(1))
        assert "kernel (8, 32)" in text and "recurrent_kernel (8, 32)" in text
        assert "bias (32,)" in text
    assert titles == {"544 parameters, whatever the number of timesteps"}


def test_output_shape_follows_return_sequences() -> None:
    last_only = figure_text(unrolled_figure(8, 3, 10, return_sequences=False))
    every = figure_text(unrolled_figure(8, 3, 10, return_sequences=True))
    for text in (last_only, every):
        assert "(batch, timesteps, features) = (batch, 10, 3)" in text
    assert "(batch, units) = (batch, 8)" in last_only
    assert "(batch, timesteps, units)" not in last_only
    assert "(batch, timesteps, units) = (batch, 10, 8)" in every
    outputs = [f"h{s}" for s in ("₁", "₂", "₉", "₁₀")]
    assert [name in last_only.split("\n") for name in outputs] == [False, False, False, True]
    assert all(name in every.split("\n") for name in outputs)


def test_unrolled_update_in_place() -> None:
    view = UnrolledView()
    fig = view.figure
    view.update(LayerSpec(2, 3), 4)
    artists = len(fig.findobj())
    before = figure_png(fig)
    view.update(LayerSpec(2, 3), 4, return_sequences=True)
    assert figure_png(fig) != before
    view.update(LayerSpec(8, 8), 10, return_sequences=True)
    view.update(LayerSpec(2, 3), 4)
    assert view.figure is fig
    assert len(fig.findobj()) == artists
    assert figure_png(fig) == before


def shared_weights(text: str) -> dict[str, str]:
    """Weight name -> shape as listed on the line under the shared-weights heading."""
    lines = text.split("\n")
    heading = next(k for k, line in enumerate(lines) if line.startswith("W: one set"))
    return dict(re.findall(r"(\w+) (\([^)]*\))", lines[heading + 1]))


# units=2, features=3, written out by hand: Keras keeps (features, gates·units) and
# (units, gates·units) kernels; PyTorch transposes them and keeps two bias vectors.
UNROLLED_WEIGHTS = [
    ("lstm", "keras", True, True,
     {"kernel": "(3, 8)", "recurrent_kernel": "(2, 8)", "bias": "(8,)"}, 4 * (6 + 4 + 2)),
    ("gru", "keras", True, True,
     {"kernel": "(3, 6)", "recurrent_kernel": "(2, 6)", "bias": "(2, 6)"}, 3 * (6 + 4 + 4)),
    ("gru", "keras", False, True,
     {"kernel": "(3, 6)", "recurrent_kernel": "(2, 6)", "bias": "(6,)"}, 3 * (6 + 4 + 2)),
    ("gru", "keras", True, False,
     {"kernel": "(3, 6)", "recurrent_kernel": "(2, 6)"}, 3 * (6 + 4)),
    ("simple_rnn", "keras", True, True,
     {"kernel": "(3, 2)", "recurrent_kernel": "(2, 2)", "bias": "(2,)"}, 6 + 4 + 2),
    ("lstm", "pytorch", True, True,
     {"weight_ih_l0": "(8, 3)", "weight_hh_l0": "(8, 2)", "bias_ih_l0": "(8,)",
      "bias_hh_l0": "(8,)"}, 4 * (6 + 4 + 4)),
    ("gru", "pytorch", True, True,
     {"weight_ih_l0": "(6, 3)", "weight_hh_l0": "(6, 2)", "bias_ih_l0": "(6,)",
      "bias_hh_l0": "(6,)"}, 3 * (6 + 4 + 4)),
    ("simple_rnn", "pytorch", True, True,
     {"weight_ih_l0": "(2, 3)", "weight_hh_l0": "(2, 2)", "bias_ih_l0": "(2,)",
      "bias_hh_l0": "(2,)"}, 6 + 4 + 4),
    ("simple_rnn", "pytorch", True, False,
     {"weight_ih_l0": "(2, 3)", "weight_hh_l0": "(2, 2)"}, 6 + 4),
]
CELL_TITLES = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}


@pytest.mark.parametrize(
    ("cell", "convention", "reset_after", "use_bias", "weights", "total"), UNROLLED_WEIGHTS,
)
def test_unrolled_lists_the_weights_of_each_cell_and_convention(
    cell: str, convention: str, reset_after: bool, use_bias: bool,
    weights: dict[str, str], total: int,
) -> None:
    settings = {"cell": cell, "convention": convention, "reset_after": reset_after,
                "use_bias": use_bias}
    view = UnrolledView(max_timesteps=5)
    view.update(LayerSpec(2, 3, **settings), 4)
    for text in (figure_text(view.figure), figure_text(unrolled_figure(2, 3, 4, **settings))):
        assert shared_weights(text) == weights
        assert f"reused at every step ({total} numbers)" in text
        assert (f"{CELL_TITLES[cell]} unrolled over 4 timesteps: {total} parameters, "
                "whatever the number of timesteps") in text.split("\n")
        assert "(batch, timesteps, features) = (batch, 4, 3)" in text
        assert "(batch, units) = (batch, 2)" in text


@pytest.mark.parametrize(("cell", "convention", "reset_after", "biases"), SETTINGS)
def test_unrolled_title_count_matches_count_params(
    cell: str, convention: str, reset_after: bool, biases: int,
) -> None:
    view = UnrolledView(max_timesteps=10)
    gates = len(GATE_LETTERS[cell])
    for units, features, timesteps in [(1, 1, 1), (3, 5, 2), (8, 8, 10), (64, 100, 7)]:
        for use_bias in (True, False):
            layer = LayerSpec(units, features, cell=cell, use_bias=use_bias,
                              convention=convention, reset_after=reset_after)
            view.update(layer, timesteps)
            shown = int(re.search(r"unrolled over \d+ timesteps?: (\d+) parameters",
                                  figure_text(view.figure)).group(1))
            expected = hand_count(units, features, gates, biases if use_bias else 0)
            assert shown == expected == count_params(
                units, features, cell=cell, use_bias=use_bias, convention=convention,
                reset_after=reset_after,
            )


@pytest.mark.parametrize(("cell", "carries_c"), [("lstm", True), ("gru", False),
                                                  ("simple_rnn", False)])
@pytest.mark.parametrize("convention", ["keras", "pytorch"])
def test_only_the_lstm_carries_c_between_steps(
    cell: str, carries_c: bool, convention: str,
) -> None:
    text = figure_text(unrolled_figure(4, 2, 3, cell=cell, convention=convention))
    assert ("carry h and C to the next step" in text) is carries_c
    assert ("carry only h to the next step" in text) is not carries_c
    assert ("C₀" in text) is carries_c
    assert "h₀" in text


def test_unrolled_switches_cells_in_place_and_reverts_exactly() -> None:
    view = UnrolledView()
    fig = view.figure
    view.update(LayerSpec(8, 8), 10)
    artists = len(fig.findobj())
    lstm = figure_png(fig)
    pictures = {lstm}
    for settings in ({"cell": "gru"}, {"cell": "gru", "reset_after": False},
                     {"cell": "simple_rnn", "convention": "pytorch"},
                     {"convention": "pytorch", "use_bias": False}):
        view.update(LayerSpec(8, 8, **settings), 10)
        assert view.figure is fig
        pictures.add(figure_png(fig))
    assert len(pictures) == 5
    view.update(LayerSpec(8, 8), 10)
    assert len(fig.findobj()) == artists
    assert figure_png(fig) == lstm


# ---------------------------------------------------------------- all pictures


@pytest.mark.parametrize(
    "fig_maker",
    [
        lambda: weight_grid_figure(8, 8),
        lambda: weight_grid_figure(8, 8, cell="gru", convention="pytorch"),
        lambda: weight_grid_figure(1, 1),
        lambda: cell_diagram_figure(8, 8),
        lambda: unrolled_figure(8, 8, 10, return_sequences=True),
        lambda: unrolled_figure(1, 1, 20, return_sequences=True),
        lambda: unrolled_figure(8, 8, 10, cell="gru", convention="pytorch"),
        lambda: unrolled_figure(123, 4567, 20, cell="simple_rnn", convention="pytorch",
                                return_sequences=True),
        lambda: unrolled_figure(100_000, 100_000, 3, convention="pytorch"),
    ],
)
def test_every_label_stays_inside_the_figure(fig_maker) -> None:
    fig = fig_maker()
    left, right = fig.axes[0].get_xlim()
    bottom, top = fig.axes[0].get_ylim()
    extents = label_extents(fig)
    assert extents
    for words, (x0, y0, x1, y1) in extents:
        assert left <= x0 and x1 <= right and bottom <= y0 and y1 <= top, words


def test_figure_png_is_a_png_of_the_requested_size() -> None:
    fig = cell_diagram_figure(2, 2)
    assert tuple(fig.get_size_inches()) == (8.0, 4.5)
    assert png_size(figure_png(fig, dpi=50)) == (400, 225)
    assert png_size(figure_png(fig)) == (640, 360)


@pytest.mark.parametrize(
    ("call", "error", "names"),
    [
        (lambda: weight_grid_figure(0, 1), ValueError, "units"),
        (lambda: weight_grid_figure(1, 1.5), TypeError, "features"),
        (lambda: weight_grid_figure(True, 1), TypeError, "units"),
        (lambda: weight_grid_figure(1, 1, cell="lstmx"), ValueError, "cell"),
        (lambda: weight_grid_figure(1, 1, convention="tf"), ValueError, "convention"),
        (lambda: weight_grid_figure(1, 1, use_bias=1), TypeError, "use_bias"),
        (lambda: weight_grid_figure(1, 1, reset_after=False), ValueError, "reset_after"),
        (lambda: WeightGrid().update(LayerSpec(2, 0)), ValueError, "features"),
        (lambda: WeightGrid(max_features="8"), TypeError, "max_features"),
        (lambda: cell_diagram_figure(0, 1), ValueError, "units"),
        (lambda: cell_diagram_figure(1, 1.5), TypeError, "features"),
        (lambda: cell_diagram_figure(True, 1), TypeError, "units"),
        (lambda: unrolled_figure(1, 1, 0), ValueError, "timesteps"),
        (lambda: unrolled_figure(1, 1, 2.0), TypeError, "timesteps"),
        (lambda: unrolled_figure(1, 1, 21), ValueError, "timesteps"),
        (lambda: unrolled_figure(0, 1, 3), ValueError, "units"),
        (lambda: unrolled_figure(1, 1, 3, return_sequences="yes"), TypeError,
         "return_sequences"),
        (lambda: UnrolledView(max_timesteps=4).update(LayerSpec(1, 1), 5), ValueError,
         "max_timesteps"),
        (lambda: unrolled_figure(1, 1, 3, cell="gru2"), ValueError, "cell must be one of"),
        (lambda: unrolled_figure(1, 1, 3, cell=None), ValueError, "cell must be one of"),
        (lambda: unrolled_figure(1, 1, 3, convention="tf"), ValueError,
         "convention must be one of"),
        (lambda: unrolled_figure(1, 1, 3, use_bias=1), TypeError,
         "use_bias must be True or False"),
        (lambda: unrolled_figure(1, 1, 3, reset_after="no"), TypeError,
         "reset_after must be True or False"),
        (lambda: unrolled_figure(1, 1, 3, reset_after=False), ValueError,
         "reset_after applies to cell='gru' only"),
        (lambda: unrolled_figure(1, 1, 3, cell="gru", convention="pytorch",
                                 reset_after=False), ValueError,
         "reset_after=False exists only in Keras"),
        (lambda: UnrolledView().update(LayerSpec(1, 1, cell="LSTM"), 3), ValueError,
         "cell must be one of"),
        (lambda: UnrolledView().update(LayerSpec(1, 1, convention="torch"), 3), ValueError,
         "convention must be one of"),
        (lambda: UnrolledView().update(LayerSpec(1, 1, use_bias=None), 3), TypeError,
         "use_bias must be True or False"),
        (lambda: UnrolledView().update(LayerSpec(1, 1, cell="simple_rnn", reset_after=False),
                                       3),
         ValueError, "reset_after applies to cell='gru' only"),
        (lambda: figure_png("figure"), TypeError, "fig"),
        (lambda: figure_png(Figure(), dpi=0), ValueError, "dpi"),
        (lambda: count_squares(Figure(), block=3), TypeError, "block"),
    ],
)
def test_bad_settings_are_refused_by_name(call, error: type[Exception], names: str) -> None:
    with pytest.raises(error, match=names):
        call()


def test_figures_show_themselves_in_a_notebook_as_sharp_png_with_a_description():
    figures = {
        "Weight grid of an LSTM with 1 unit and 2 features": weight_grid_figure(1, 2),
        "Diagram of one LSTM step with 1 unit and 1 feature, 12 parameters":
            cell_diagram_figure(1, 1),
    }
    for start, figure in figures.items():
        assert repr(figure).startswith(start)
        data, metadata = figure._repr_mimebundle_()
        assert data["text/plain"] == repr(figure) == figure.description
        width, height = png_size(base64.b64decode(data["image/png"]))
        # twice the pixels, shown at the notebook's 100 pixels per inch of figure
        assert width == round(figure.get_figwidth() * 200)
        assert abs(height - figure.get_figheight() * 200) <= 1  # Agg rounds the height
        assert metadata["image/png"] == {"width": width // 2, "height": height // 2}


# ---------------------------------------------------------------- gates over time


def hand_lstm(x: np.ndarray, kernel: np.ndarray, recurrent: np.ndarray,
              bias: np.ndarray, c0: float = 0.0) -> dict[str, np.ndarray]:
    """Sample 0's gate activations, C and h at every step, (timesteps, units) each,
    written out with math.exp and math.tanh one number at a time."""
    units = recurrent.shape[0]
    h = [0.0] * units
    c = [c0] * units
    series: dict[str, list[list[float]]] = {name: [] for name in ("i", "f", "c", "o", "C", "h")}
    for t in range(x.shape[1]):
        z = [sum(x[0, t, k] * kernel[k, j] for k in range(x.shape[2]))
             + sum(h[k] * recurrent[k, j] for k in range(units)) + bias[j]
             for j in range(4 * units)]
        gate = {name: z[block * units:(block + 1) * units]
                for block, name in enumerate("ifco")}
        i = [1 / (1 + math.exp(-v)) for v in gate["i"]]
        f = [1 / (1 + math.exp(-v)) for v in gate["f"]]
        g = [math.tanh(v) for v in gate["c"]]
        o = [1 / (1 + math.exp(-v)) for v in gate["o"]]
        c = [f[u] * c[u] + i[u] * g[u] for u in range(units)]
        h = [o[u] * math.tanh(c[u]) for u in range(units)]
        for name, values in zip("ifcoCh", (i, f, g, o, c, h), strict=True):
            series[name].append(values)
    return {name: np.array(values) for name, values in series.items()}


def random_run(seed: int, timesteps: int = 5, units: int = 3, features: int = 2,
               c0: float = 0.0):
    rng = np.random.default_rng(seed)
    arrays = (rng.normal(size=(1, timesteps, features)), rng.normal(size=(features, 4 * units)),
              rng.normal(size=(units, 4 * units)), rng.normal(size=4 * units))
    result = lstm_forward(*arrays, c0=np.full((1, units), c0), trace=True)
    return result, hand_lstm(*arrays, c0=c0)


def series_lines(fig: Figure) -> dict[str, Line2D]:
    return {line.get_gid().split(":")[1]: line for line in fig.findobj(Line2D)
            if (line.get_gid() or "").startswith("over-time:")}


def shown(value: float) -> str:
    return f"{value + 0.0:+.2f}".replace("-", "−")


def test_over_time_lines_follow_each_gate_and_the_cell_state() -> None:
    result, expected = random_run(seed=5)
    picture = GatesOverTime()
    picture.update(result, unit=1)
    lines = series_lines(picture.figure)
    assert set(lines) == {"i", "f", "c", "o", "C", "h"}
    for name, line in lines.items():
        values = expected[name][:, 1]
        np.testing.assert_allclose(picture.values[name], values, atol=1e-12)
        xs, ys = (np.asarray(data, dtype=float) for data in line.get_data())
        assert np.all(np.diff(xs) > 0) and len(xs) == 5
        slope, offset = np.polyfit(values, ys, 1)  # drawn height is a rising line of value
        assert slope > 0
        np.testing.assert_allclose(ys, slope * values + offset, atol=1e-6)
    gate_heights = np.concatenate([lines[g].get_ydata() for g in "ifco"])
    state_heights = np.concatenate([lines[s].get_ydata() for s in "Ch"])
    assert gate_heights.min() > state_heights.max()  # two panels, gates on top


def test_over_time_axis_grows_with_a_large_cell_state() -> None:
    result, expected = random_run(seed=1, c0=20.0)
    assert np.abs(expected["C"][:, 0]).max() > 2.0
    picture = GatesOverTime()
    picture.update(result, unit=0)
    lines = series_lines(picture.figure)
    gate_heights = np.concatenate([lines[g].get_ydata() for g in "ifco"])
    assert np.concatenate([lines[s].get_ydata() for s in "Ch"]).max() < gate_heights.min()
    words = figure_text(picture.figure).split("\n")
    largest = np.abs(expected["C"][:, 0]).max()
    assert any(word.replace(".", "", 1).isdigit() and largest <= float(word) < 3 * largest
               for word in words)


def test_over_time_marker_shows_the_values_of_its_step() -> None:
    result, expected = random_run(seed=2, timesteps=6, units=2)
    picture = GatesOverTime(max_timesteps=6)
    picture.update(result, unit=0, at=2)
    fig = picture.figure
    band = next(p for p in fig.findobj(FancyBboxPatch) if p.get_gid() == "time-mark")
    pictures, positions = set(), []
    for at in range(1, 7):
        picture.mark(at)
        words = figure_text(fig).split("\n")
        assert f"at t = {at}" in words
        for name in "ifcoCh":
            assert shown(expected[name][at - 1, 0]) in words, (at, name)
        positions.append(band.get_x())
        pictures.add(figure_png(picture.figure))
    assert np.all(np.diff(positions) > 0)
    assert len(pictures) == 6
    picture.mark(None)
    assert not band.get_visible()
    assert not any(word.startswith("at t =") for word in figure_text(fig).split("\n"))


def test_over_time_styles_differ_beyond_colour() -> None:
    result, _ = random_run(seed=0)
    lines = series_lines(gates_over_time_figure(result))
    styles = {(line.get_marker(), tuple(line._unscaled_dash_pattern[1] or ()))
              for line in lines.values()}
    assert len(styles) == 6  # marker and dash pattern tell the six lines apart
    assert len({marker for marker, _ in styles}) == 6
    assert [to_rgb(lines[g].get_color()) for g in "ifco"] == [to_rgb(c) for c in GATE_COLOURS]
    words = figure_text(gates_over_time_figure(result)).split("\n")
    assert all(letter in words for letter in "ifcoCh")
    assert {"input gate", "forget gate", "candidate g", "output gate"} <= set(words)


def test_over_time_marker_redraw_matches_a_full_render() -> None:
    result, _ = random_run(seed=3, timesteps=4)
    picture = GatesOverTime(max_timesteps=4)
    picture.update(result, unit=2, at=3)

    def pixels(data: bytes) -> np.ndarray:
        return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))

    first = figure_png(picture.figure)
    picture.figure._repr_mimebundle_()  # a notebook render at another resolution in between
    picture.mark(1)
    picture.mark(3)
    assert not picture.figure.stale  # moving the marker leaves the rest as drawn
    assert figure_png(picture.figure) == first
    fresh = GatesOverTime(max_timesteps=4)
    fresh.update(result, unit=2, at=3)
    np.testing.assert_array_equal(pixels(first), pixels(figure_png(fresh.figure)))


def test_over_time_update_in_place_and_reverts_exactly() -> None:
    first_run, _ = random_run(seed=4)
    other_run, _ = random_run(seed=6, timesteps=8, units=1, features=3)
    picture = GatesOverTime(max_timesteps=8)
    fig = picture.figure
    picture.update(first_run, unit=0, at=2)
    artists = len(fig.findobj())
    before = figure_png(picture.figure)
    picture.update(other_run, unit=0, at=8)
    assert figure_png(picture.figure) != before
    assert "the only unit" in figure_text(fig)
    picture.update(first_run.trace, unit=0, at=2)
    assert picture.figure is fig
    assert len(fig.findobj()) == artists
    assert figure_png(picture.figure) == before


@pytest.mark.parametrize("timesteps", [1, 2, 20])
def test_over_time_labels_stay_inside_the_figure(timesteps: int) -> None:
    result, _ = random_run(seed=timesteps, timesteps=timesteps, c0=30.0)
    fig = gates_over_time_figure(result, at=timesteps)
    left, right = fig.axes[0].get_xlim()
    bottom, top = fig.axes[0].get_ylim()
    ticks = [w for w in figure_text(fig).split("\n") if w.isdigit() and int(w) <= timesteps]
    assert len(ticks) >= timesteps
    for words, (x0, y0, x1, y1) in label_extents(fig):
        assert left <= x0 and x1 <= right and bottom <= y0 and y1 <= top, words
    assert repr(fig).startswith(f"Line chart of one LSTM layer over {timesteps} timestep")


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: gates_over_time_figure(lstm_forward(np.ones((1, 2, 1)), np.ones((1, 4)),
                                                     np.ones((1, 4)), np.ones(4))),
         ValueError, "steps has no trace"),
        (lambda: gates_over_time_figure("trace"), TypeError, "steps must be lstm_forward"),
        (lambda: gates_over_time_figure(()), TypeError, "non-empty"),
        (lambda: gates_over_time_figure([1, 2]), TypeError, "Step objects"),
        (lambda: gates_over_time_figure(random_run(0)[0], unit=3), ValueError,
         "unit must be from 0 to 2"),
        (lambda: gates_over_time_figure(random_run(0)[0], unit=True), TypeError, "unit"),
        (lambda: gates_over_time_figure(random_run(0)[0], at=0), ValueError,
         "at must be from 1 to 5"),
        (lambda: gates_over_time_figure(random_run(0)[0], at=6), ValueError, "at must be"),
        (lambda: gates_over_time_figure(random_run(0)[0], at=2.0), TypeError, "at must be"),
        (lambda: gates_over_time_figure(random_run(0, timesteps=21)[0]), ValueError,
         "timesteps must be a whole number from 1 to 20"),
        (lambda: GatesOverTime(max_timesteps=3).update(random_run(0)[0]), ValueError,
         "max_timesteps=3"),
        (lambda: GatesOverTime(max_timesteps=0), ValueError, "max_timesteps"),
        (lambda: figure_png("figure"), TypeError, "fig must be"),
    ],
)
def test_over_time_refuses_bad_arguments(call, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=re.escape(words)):
        call()


# ---------------------------------------------------------------- training curve


def test_training_curve_draws_one_point_per_epoch_and_each_limit() -> None:
    losses = [0.07, 0.007, 0.004, 0.001]
    limits = {"best from feature 0 alone": 0.06, "best from feature 1 alone": 0.056}
    fig = training_curve_figure(losses, limits, title="Loss", label="LSTM")
    axes = fig.axes[0]
    curve, *levels = axes.get_lines()
    assert list(curve.get_xdata()) == [1, 2, 3, 4]
    assert list(curve.get_ydata()) == losses
    assert [line.get_ydata()[0] for line in levels] == [0.06, 0.056]
    assert len({line.get_linestyle() for line in levels}) == 2  # told apart without colour
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert legend == ["LSTM", *limits]
    assert axes.get_yscale() == "log"
    assert repr(fig) == (
        "Loss, loss per epoch on a log scale. LSTM: 0.07 at epoch 1, 0.001 at epoch 4, "
        "lowest 0.001 at epoch 4. Reference lines: best from feature 0 alone 0.06; "
        "best from feature 1 alone 0.056."
    )
    assert figure_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "losses",
    [[0.5, 0.05, 0.002], [0.30, 0.29, 0.28], [4.2, 4.1], [3e-6, 1e-6], [120.0, 90.0, 80.0]],
)
def test_training_curve_ticks_are_plain_decimals_at_least_three(losses) -> None:
    fig = training_curve_figure(losses)
    fig.canvas.draw()
    labels = [tick.get_text() for tick in fig.axes[0].get_yticklabels() if tick.get_text()]
    assert len(labels) >= 3  # even when the loss stays within one decade
    assert not any("$" in label for label in labels)
    low, high = fig.axes[0].get_ylim()
    assert low < min(losses) and max(losses) < high


@pytest.mark.parametrize("epochs", [1, 7, 30, 400])
def test_training_curve_has_a_handful_of_whole_epoch_ticks(epochs: int) -> None:
    fig = training_curve_figure([1.0 / (k + 1) for k in range(epochs)])
    fig.canvas.draw()
    ticks = [tick for tick in fig.axes[0].get_xticks() if 1 <= tick <= epochs]
    assert 1 <= len(ticks) <= 10
    assert all(float(tick).is_integer() for tick in ticks)


def test_training_curve_draws_two_models_and_writes_each_level_beside_its_line() -> None:
    fig = training_curve_figure({"joint": [0.3, 0.01], "per feature": [0.3, 0.2]},
                                {"mean": 0.21, "other": 0.2})
    axes = fig.axes[0]
    joint, per_feature, *_ = axes.get_lines()
    assert joint.get_linestyle() != per_feature.get_linestyle()
    assert joint.get_marker() != per_feature.get_marker()
    written = [text for text in axes.texts if text.get_text() in ("0.21", "0.2")]
    assert len(written) == 2
    gap = abs(written[0].get_position()[1] - written[1].get_position()[1])
    assert gap >= 0.06  # close levels are spread so their values do not overlap


@pytest.mark.parametrize(
    ("losses", "limits", "error", "words"),
    [
        ([], None, ValueError, "at least one epoch"),
        ("0.1", None, TypeError, "losses must be a list of numbers"),
        ([0.1, 0.0], None, ValueError, "losses[1] must be a positive finite number"),
        ([0.1, float("nan")], None, ValueError, "losses[1] must be a positive finite"),
        ([0.1, True], None, TypeError, "losses[1] must be a positive number"),
        ([0.1], {"floor": -1.0}, ValueError, "limits['floor'] must be a positive finite"),
        ([0.1], [0.5], TypeError, "limits must map a legend text to a level"),
        ([0.1], dict.fromkeys("abcd", 1.0), ValueError, "at most 3 lines"),
        ({}, None, ValueError, "at least one model"),
        ({"a": [0.1], "b": "x"}, None, TypeError, "losses['b'] must be a list of numbers"),
        ({"a": [0.1, -2]}, None, ValueError, "losses['a'][1] must be a positive finite"),
    ],
)
def test_training_curve_refuses_bad_arguments(losses, limits, error, words) -> None:
    with pytest.raises(error, match=re.escape(words)):
        training_curve_figure(losses, limits)


# ---------------------------------------------------------------- pictures that match the text


def box_centres(fig: Figure) -> dict[str, float]:
    return {patch.get_gid().split(":")[1]: patch.get_x() + patch.get_width() / 2
            for patch in fig.findobj(FancyBboxPatch)
            if (patch.get_gid() or "").startswith("gate-box:")}


def test_cell_diagram_boxes_stand_in_keras_order() -> None:
    centres = box_centres(cell_diagram_figure(2, 3))
    assert sorted(centres, key=centres.get) == ["i", "f", "c", "o"]


@pytest.mark.parametrize(("units", "shown", "more"), [(1, 1, None), (3, 3, None), (5, 2, 3)])
def test_cell_diagram_shows_every_h_entry_the_numbers_use(units, shown, more) -> None:
    rng = np.random.default_rng(units)
    run = lstm_forward(rng.normal(size=(1, 2, 2)), rng.normal(size=(2, 4 * units)),
                       rng.normal(size=(units, 4 * units)), rng.normal(size=4 * units),
                       trace=True)
    step = run.trace[1]
    words = figure_text(cell_diagram_figure(units, 2, step=step)).split("\n")
    for index in range(shown):
        value = f"{step.h_prev[0, index]:.2f}".replace("-", "−")
        assert f"hₜ₋₁[{index}] = {value}" in words
    assert (f"… {more} more" in words) is (more is not None)


def test_a_learners_figure_holds_no_api_hints() -> None:
    for fig in (cell_diagram_figure(1, 1), weight_grid_figure(2, 2), unrolled_figure(1, 1, 3)):
        text = figure_text(fig)
        for hint in ("lstm_forward", "trace=", "step=", "()"):
            assert hint not in text


def test_weight_grid_names_the_input_of_every_row() -> None:
    keras = figure_text(weight_grid_figure(2, 3)).split("\n")
    assert "x[0]\nx[1]\nx[2]" in figure_text(weight_grid_figure(2, 3))
    assert "h[0]" in keras and "h[1]" in keras
    pytorch = figure_text(weight_grid_figure(2, 3, convention="pytorch"))
    assert "x[0]\nx[1]\nx[2]" in pytorch and "h[0]\nh[1]" in pytorch


@pytest.mark.parametrize(
    ("now", "before", "settings"),
    [((1, 2), (1, 1), {}), ((2, 1), (1, 1), {}), ((3, 5), (2, 4), {"cell": "gru"}),
     ((2, 3), (2, 3), {}), ((4, 2), (1, 2), {"convention": "pytorch"})],
)
def test_outlined_squares_are_exactly_what_the_change_adds(now, before, settings) -> None:
    fig = weight_grid_figure(*now, new_since=before, **settings)
    added = count_params(*now, **settings) - count_params(*before, **settings)
    assert count_squares(fig, new=True) == added
    assert f"Outlined: the {added} square" in repr(fig)


def test_a_second_feature_outlines_one_kernel_row_of_four() -> None:
    fig = weight_grid_figure(1, 2, new_since=(1, 1))
    assert count_squares(fig, "kernel", new=True) == 4
    assert count_squares(fig, "recurrent_kernel", new=True) == 0
    assert count_squares(fig, "bias", new=True) == 0
    with pytest.raises(TypeError, match="new_since must be"):
        weight_grid_figure(1, 2, new_since=1)
    with pytest.raises(ValueError, match="cell"):
        WeightGrid().update(LayerSpec(1, 2), new_since=LayerSpec(1, 1, cell="gru"))


def test_a_grid_too_fine_to_see_summarises_and_says_so() -> None:
    fig = weight_grid_figure(32, 32)
    assert count_squares(fig) == 0
    assert "one rectangle per gate block" in repr(fig)
    assert "Too many to draw one square per parameter" in figure_text(fig)
    assert count_squares(weight_grid_figure(8, 8)) == count_params(8, 8)


@pytest.mark.parametrize(("cell", "letters"), [("lstm", {"h", "C"}), ("gru", {"h"})])
def test_unrolled_names_the_state_each_arrow_carries(cell: str, letters: set[str]) -> None:
    words = figure_text(unrolled_figure(2, 2, 3, cell=cell)).split("\n")
    assert {word for word in words if word in ("h", "C")} == letters
    assert words.count("h") == 2  # one name under each of the two arrows between 3 steps


@pytest.mark.parametrize("size", [1024, 65_536, 10**6])
def test_cell_diagram_text_fits_its_gate_boxes_at_any_size(size: int) -> None:
    fig = cell_diagram_figure(size, size)
    boxes = {patch.get_gid().split(":")[1]: patch.get_extents()
             for patch in fig.findobj(FancyBboxPatch)
             if (patch.get_gid() or "").startswith("gate-box:")}
    for words, (x0, _, x1, _) in label_extents(fig):
        if words.startswith("kernel"):
            inside = [gate for gate, box in boxes.items()
                      if box.x0 <= fig.axes[0].transData.transform((x0, 0))[0]
                      <= box.x1]
            assert len(inside) == 1, words
            right = fig.axes[0].transData.transform((x1, 0))[0]
            assert right <= boxes[inside[0]].x1, (words, size)
    if size >= 100_000:
        assert "(1M, 1M)" in figure_text(fig)


def test_large_values_stay_short() -> None:
    run = lstm_forward(np.ones((1, 1, 1)), np.ones((1, 4)), np.ones((1, 4)), np.ones(4),
                       h0=np.ones((1, 1)), c0=np.full((1, 1), 1e300), trace=True)
    words = figure_text(cell_diagram_figure(1, 1, step=run.trace[0])).split("\n")
    assert max(len(word) for word in words) < 120
    assert any("e+300" in word for word in words)


def test_every_diagram_describes_itself_with_its_numbers() -> None:
    result, _ = random_run(seed=7, timesteps=3, units=1)
    grid = repr(weight_grid_figure(2, 3))
    assert "kernel 3 rows × 8 columns = 24" in grid and "total 48" in grid
    unrolled = repr(unrolled_figure(2, 3, 4, return_sequences=True))
    assert "48 weights" in unrolled and "output (batch, 4, 2)" in unrolled
    over_time = repr(gates_over_time_figure(result, at=2))
    assert "Marked: t = 2." in over_time
    c = ", ".join(f"{value:.2f}".replace("-", "−") for value in result.trace[-1].c[:, 0][:1])
    assert c in over_time
