"""Tests that look at the pictures: each diagram against a baseline image, and the
lettering against matplotlib's own text outlines.

The baselines are small PNGs in tests/baseline/, drawn at the diagrams' screen
resolution. After a deliberate change to a picture, look at the new images and
regenerate them with one line:

    .venv/bin/python tests/test_pictures.py

A test fails when the RMS difference of a picture from its baseline exceeds TOLERANCE
(on the 0-255 scale of each channel): enough for anti-aliasing that differs between
machines, far less than a moved label or a changed digit (a one-digit change in a
title measures about 3 here).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.testing.compare import compare_images
from matplotlib.textpath import TextPath
from PIL import Image

from lstm_teach import LayerSpec, lstm_forward
from lstm_teach.diagrams import (
    UnrolledView,
    WeightGrid,
    cell_diagram_figure,
    figure_png,
    gates_over_time_figure,
    training_curve_figure,
    unrolled_figure,
    weight_grid_figure,
)
from lstm_teach.diagrams.lettering import FONT_STYLES, Lettering
from lstm_teach.widgets import (
    STEPPER_BIAS,
    STEPPER_KERNEL,
    STEPPER_RECURRENT_KERNEL,
    TIME_BIAS,
    TIME_KERNEL,
    TIME_RECURRENT_KERNEL,
    TIME_X,
)

BASELINES = Path(__file__).parent / "baseline"
TOLERANCE = 1.5


def _stepper_step(features: int) -> object:
    """Notebook 01's (features=1) and 02's (features=2) step, from the stepper's weights."""
    x = np.array([0.8, 0.4][:features]).reshape(1, 1, features)
    run = lstm_forward(x, STEPPER_KERNEL[:features], STEPPER_RECURRENT_KERNEL, STEPPER_BIAS,
                       trace=True)
    return run.trace[0]


def _over_time(at: int) -> Figure:
    run = lstm_forward(TIME_X, TIME_KERNEL, TIME_RECURRENT_KERNEL, TIME_BIAS, trace=True)
    return gates_over_time_figure(run, unit=0, at=at)


def _stacked() -> bytes:
    """Two pictures stacked as a widget's static picture stacks them."""
    grid, view = WeightGrid(max_units=4, max_features=4), UnrolledView(max_timesteps=5)
    grid.update(LayerSpec(2, 3))
    view.update(LayerSpec(2, 3), 5, return_sequences=True)
    return figure_png(grid.figure, view.figure)


#: Baseline name → what draws it (a Figure, or PNG bytes for a stacked picture).
CASES: dict[str, Callable[[], Figure | bytes]] = {
    "weight_grid-lstm-1x1": lambda: weight_grid_figure(1, 1),
    "weight_grid-lstm-1x2": lambda: weight_grid_figure(1, 2),
    "weight_grid-lstm-2x3-no-bias": lambda: weight_grid_figure(2, 3, use_bias=False),
    "weight_grid-gru-pytorch-3x5": lambda: weight_grid_figure(3, 5, cell="gru",
                                                               convention="pytorch"),
    "weight_grid-lstm-1x2-new-since-1x1": lambda: weight_grid_figure(1, 2, new_since=(1, 1)),
    "weight_grid-lstm-32x32-summarised": lambda: weight_grid_figure(32, 32),
    "cell_step-1x1-shapes": lambda: cell_diagram_figure(1, 1),
    "cell_step-1x2-step": lambda: cell_diagram_figure(1, 2, step=_stepper_step(2)),
    "cell_step-3x6-shapes": lambda: cell_diagram_figure(3, 6),
    "cell_step-1024x1024-shapes": lambda: cell_diagram_figure(1024, 1024),
    "unrolled-lstm-1x1x1": lambda: unrolled_figure(1, 1, 1),
    "unrolled-lstm-2x3x4-sequences": lambda: unrolled_figure(2, 3, 4, return_sequences=True),
    "unrolled-gru-pytorch-3x2x10": lambda: unrolled_figure(3, 2, 10, cell="gru",
                                                           convention="pytorch"),
    "over_time-notebook04-t3": lambda: _over_time(3),
    "training_curve": lambda: training_curve_figure(
        [0.3, 0.08, 0.02, 0.009, 0.004, 0.003], {"one feature hidden": 0.05}),
    "training_curve-two-models": lambda: training_curve_figure(
        {"joint LSTM": [0.3, 0.1, 0.02, 0.008], "one LSTM per feature": [0.3, 0.2, 0.19, 0.19]},
        {"predict the mean": 0.2}),
    "stacked-grid-and-unrolled": _stacked,
}


def render(name: str) -> bytes:
    picture = CASES[name]()
    return picture if isinstance(picture, bytes) else figure_png(picture)


@pytest.mark.parametrize("name", sorted(CASES))
def test_picture_matches_its_baseline(name: str, tmp_path: Path) -> None:
    expected = BASELINES / f"{name}.png"
    assert expected.exists(), f"no baseline for {name}: run python {Path(__file__).name}"
    actual = tmp_path / f"{name}.png"
    actual.write_bytes(render(name))
    problem = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert problem is None, problem


def test_a_changed_digit_exceeds_the_tolerance(tmp_path: Path) -> None:
    """The tolerance is tight enough to see one digit of a title change."""
    twelve, thirteen = tmp_path / "twelve.png", tmp_path / "thirteen.png"
    grid = WeightGrid(max_units=2, max_features=2)
    grid.update(LayerSpec(1, 1))
    twelve.write_bytes(figure_png(grid.figure))
    grid._title.set_text("LSTM: 13 parameters")
    thirteen.write_bytes(figure_png(grid.figure))
    assert compare_images(str(twelve), str(thirteen), tol=TOLERANCE) is not None


# ---------------------------------------------------------------- lettering

#: Largest distance, in units of the font size, between a vertex of our outline and
#: the same vertex of matplotlib's TextPath: rounding of advances to 1/64 of a point.
OUTLINE_TOLERANCE = 1e-3
ORDINARY_TEXT = [
    "kernel (2, 4) = 8",
    "One LSTM step: units=1, features=2, 16 parameters",
    "AVATAR, Tea, Wave, Yo",  # kerned pairs: without kerning these drift by 0.06
    "recurrent_kernel (1, 4) = 4",
    "xₜ[0] = −0.50",
]


@pytest.mark.parametrize("style", sorted(FONT_STYLES))
@pytest.mark.parametrize("text", ORDINARY_TEXT)
def test_lettering_outlines_match_matplotlib_textpath(style: str, text: str) -> None:
    family, weight = FONT_STYLES[style]
    vertices, codes, _ = Lettering().line(text, style)
    reference = TextPath((0, 0), text, size=1, prop=FontProperties(family=family,
                                                                    weight=weight))
    assert codes.tolist() == reference.codes.tolist()
    assert np.abs(vertices - reference.vertices).max() < OUTLINE_TOLERANCE


def test_lettering_metrics_come_from_the_font() -> None:
    sans = Lettering().metrics("sans")
    capital = TextPath((0, 0), "H", size=1, prop=FontProperties(family="DejaVu Sans"))
    assert sans.cap_height == pytest.approx(capital.get_extents().y1, abs=1e-3)
    descender = TextPath((0, 0), "p", size=1, prop=FontProperties(family="DejaVu Sans"))
    assert sans.descent >= -descender.get_extents().y0
    assert sans.line_height == pytest.approx(sans.ascent + sans.descent)


def regenerate() -> None:
    """Write every baseline from the current code (look at them before committing)."""
    BASELINES.mkdir(exist_ok=True)
    for name in sorted(CASES):
        image = Image.open(io.BytesIO(render(name)))
        image.save(BASELINES / f"{name}.png", optimize=True)  # same pixels, fewer bytes
        print(f"wrote {BASELINES.name}/{name}.png")


if __name__ == "__main__":
    sys.exit(regenerate())
