"""The explorers' callbacks, driven without a kernel by setting control values."""

from __future__ import annotations

import base64
import html
import io
import re

import numpy as np
import pytest
from matplotlib.image import imread
from PIL import Image

import lstm_teach as lt
from lstm_teach import diagrams, widgets
from lstm_teach.widgets._base import DiagramImage


@pytest.fixture(scope="module")
def explorer() -> widgets.ParamExplorer:
    return lt.param_explorer()


@pytest.fixture(autouse=True)
def back_to_defaults(request):
    yield
    if "explorer" in request.fixturenames:
        explorer = request.getfixturevalue("explorer")
        with explorer.hold_trait_notifications():
            explorer.units.value, explorer.features.value, explorer.timesteps.value = 1, 1, 1
            explorer.cell.value, explorer.convention.value = "lstm", "keras"
            explorer.use_bias.value = explorer.reset_after.value = True
            explorer.return_sequences.value = False
        explorer.refresh()


def shown_total(explorer: widgets.ParamExplorer) -> int:
    return int(re.search(r"(\d+) parameters", explorer.formula.value).group(1))


def test_explorer_starts_on_the_seed_case(explorer):
    assert shown_total(explorer) == 12
    assert "4·(1·1 + 1·1 + 1) = 12" in explorer.formula.value
    assert "recurrent_kernel" in explorer.table.value
    assert explorer.grid_image.png[:8] == b"\x89PNG\r\n\x1a\n"


def test_second_feature_gives_sixteen_and_a_new_grid(explorer):
    before = explorer.grid_image.png
    explorer.features.value = 2
    assert shown_total(explorer) == 16
    assert "(2, 4)" in explorer.table.value
    assert explorer.grid_image.png != before


@pytest.mark.parametrize(
    ("control", "value", "expected"),
    [
        ("units", 3, 4 * (1 * 3 + 9 + 3)),
        ("cell", "gru", 3 * (1 + 1 + 2)),
        ("cell", "simple_rnn", 1 + 1 + 1),
        ("use_bias", False, 4 * (1 + 1)),
        ("convention", "pytorch", 4 * (1 + 1 + 2)),
    ],
)
def test_each_layer_control_changes_the_count(explorer, control, value, expected):
    grid_before = explorer.grid_image.png
    getattr(explorer, control).value = value
    assert shown_total(explorer) == expected
    assert explorer.grid_image.png != grid_before


def test_reset_after_only_counts_for_keras_gru(explorer):
    assert explorer.reset_after.disabled
    explorer.cell.value = "gru"
    assert not explorer.reset_after.disabled
    explorer.reset_after.value = False
    assert shown_total(explorer) == 3 * (1 + 1 + 1)
    explorer.convention.value = "pytorch"
    assert explorer.reset_after.disabled
    assert shown_total(explorer) == 3 * (1 + 1 + 2)


def test_timesteps_change_shapes_and_picture_not_the_count(explorer):
    unrolled_before, grid_before = explorer.unrolled_image.png, explorer.grid_image.png
    explorer.timesteps.value = 5
    assert shown_total(explorer) == 12
    assert "(batch, 5, 1)" in explorer.shapes.value
    assert explorer.unrolled_image.png != unrolled_before
    assert explorer.grid_image.png == grid_before


def test_return_sequences_changes_the_output_shape(explorer):
    explorer.timesteps.value, explorer.units.value = 4, 2
    assert "output <code>(batch, 2)</code>" in explorer.shapes.value
    before = explorer.unrolled_image.png
    explorer.return_sequences.value = True
    assert "output <code>(batch, 4, 2)</code>" in explorer.shapes.value
    assert explorer.unrolled_image.png != before


def test_keras_check_runs_on_demand_and_is_remembered(explorer):
    explorer.units.value, explorer.features.value = 2, 3
    assert "not yet checked" in explorer.check_result.value
    assert explorer.check_with_keras() == 4 * (3 * 2 + 4 + 2)
    assert "✔" in explorer.check_result.value
    explorer.units.value = 1
    assert "not yet checked" in explorer.check_result.value
    explorer.units.value = 2
    assert "✔" in explorer.check_result.value


def test_keras_check_explains_the_pytorch_difference(explorer):
    explorer.convention.value = "pytorch"
    explorer.check_with_keras()
    assert "Keras layer: 12; PyTorch keeps a second bias: 16" in explorer.check_result.value


def png_size(picture: bytes) -> tuple[int, int]:
    return imread(io.BytesIO(picture), format="png").shape[:2]


def test_static_bundle_has_a_picture_of_both_diagrams_and_stable_text(explorer):
    bundle, metadata = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    state, grid, unrolled = bundle["text/plain"].split("\n")
    assert state == "param_explorer: lstm (keras), units=1, features=1, timesteps=1 → 12 parameters"
    assert grid.startswith("Weight grid of an LSTM with 1 unit and 1 feature")
    assert "total 12" in grid
    assert unrolled.startswith("An LSTM unrolled over 1 timestep")
    height, width = png_size(base64.b64decode(bundle["image/png"]))
    # shown at half its pixels: sharp on HiDPI screens, the size of the live widget
    assert metadata["image/png"] == {"width": width // 2, "height": height // 2}
    grid_height, _ = png_size(explorer.grid_image.png)
    unrolled_height, _ = png_size(explorer.unrolled_image.png)
    # both pictures, one above the other (blank space below each may be trimmed)
    assert max(grid_height, unrolled_height) < height <= grid_height + unrolled_height


@pytest.fixture()
def stepper() -> widgets.CellStepper:
    return lt.cell_stepper()


def test_stepper_default_is_notebook_01s_step(stepper):
    # notebook 01 by hand: x=0.8, h=C=0 → h_t = 0.2392
    assert "h<sub>t</sub> = +0.2392" in stepper.result.value
    assert stepper.x1.disabled


def test_stepper_sliders_move_every_gate_and_the_picture(stepper):
    before_picture = stepper.image.png
    before = {gate: stepper.step.gates[gate].activation.item() for gate in "ifco"}
    stepper.h_prev.value = 1.0
    after = {gate: stepper.step.gates[gate].activation.item() for gate in "ifco"}
    assert all(after[gate] != pytest.approx(before[gate]) for gate in "ifco")
    assert stepper.image.png != before_picture


def test_stepper_second_feature_feeds_every_gate(stepper):
    stepper.features.value = 2
    assert not stepper.x1.disabled
    before = {gate: stepper.step.gates[gate].pre_activation.item() for gate in "ifco"}
    stepper.x1.value = -1.0
    for gate, column in zip("ifco", range(4), strict=True):
        moved = stepper.step.gates[gate].pre_activation.item() - before[gate]
        assert moved == pytest.approx(widgets.STEPPER_KERNEL[1, column] * (-1.0 - 0.4))


def test_stepper_cell_state_follows_the_equation(stepper):
    stepper.c_prev.value = 1.5
    gates = stepper.step.gates
    expected = gates["f"].activation.item() * 1.5 + (
        gates["i"].activation.item() * gates["c"].activation.item()
    )
    assert stepper.step.c.item() == pytest.approx(expected)
    assert f"{expected:+.4f}" in stepper.result.value


def test_stepper_agrees_with_keras(stepper):
    stepper.features.value = 2
    stepper.x0.value, stepper.h_prev.value, stepper.c_prev.value = -1.2, 0.7, -0.4
    keras_h = stepper.check_with_keras()
    assert keras_h == pytest.approx(stepper.step.h.item(), abs=1e-5)
    assert "✔" in stepper.check_result.value


def test_stepper_static_bundle(stepper):
    bundle, _ = stepper._repr_mimebundle_()
    static = np.asarray(Image.open(io.BytesIO(base64.b64decode(bundle["image/png"]))))
    live = np.asarray(Image.open(io.BytesIO(stepper.image.png)))
    np.testing.assert_array_equal(static, live)  # the same picture, only compressed harder
    state, picture = bundle["text/plain"].split("\n")
    assert state == (
        "cell_stepper: units=1, features=1, x_t=[+0.8], h_t-1=+0.0, C_t-1=+0.0 → h_t=+0.2392"
    )
    assert picture == stepper.image.description_text
    # by hand: i = σ(0.8), g = tanh(1.6), C = i·g = 0.64; o = σ(−0.3), h = o·tanh(C) = 0.24
    assert "C_t = 0.64, h_t = 0.24." in picture


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"features": 3}, ValueError, "features must be 1 or 2"),
        ({"features": 0}, ValueError, "features must be a whole number >= 1"),
        ({"features": 1.0}, TypeError, "features must be a whole number"),
        ({"kernel": np.zeros((1, 4))}, ValueError, "kernel must have shape (2, 4)"),
        ({"recurrent_kernel": np.zeros((2, 4))}, ValueError, "recurrent_kernel must have shape"),
        ({"bias": np.zeros(3)}, ValueError, "bias must have shape (4,)"),
        ({"bias": "zeros"}, TypeError, "bias must hold real numbers"),
    ],
)
def test_stepper_rejects_bad_arguments(kwargs, error, words):
    weights = {"kernel": widgets.STEPPER_KERNEL, "bias": widgets.STEPPER_BIAS,
               "recurrent_kernel": widgets.STEPPER_RECURRENT_KERNEL}
    with pytest.raises(error, match=re.escape(words)):
        lt.cell_stepper(**{**weights, **kwargs})


# ---------------------------------------------------------------- time stepper


def hand_states(x: np.ndarray, kernel: np.ndarray, recurrent: np.ndarray,
                bias: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """C and h of sample 0 at every step, (timesteps, units), from the equations."""
    units = recurrent.shape[0]
    bias = np.zeros(4 * units) if bias is None else bias
    h, c, cs, hs = np.zeros(units), np.zeros(units), [], []
    for x_t in x[0]:
        z = x_t @ kernel + h @ recurrent + bias
        i, f, g, o = (z[k * units:(k + 1) * units] for k in range(4))
        c = c / (1 + np.exp(-f)) + np.tanh(g) / (1 + np.exp(-i))
        h = np.tanh(c) / (1 + np.exp(-o))
        cs.append(c)
        hs.append(h)
    return np.array(cs), np.array(hs)


@pytest.fixture()
def time_stepper() -> widgets.TimeStepper:
    return widgets.time_stepper()


def shown_vectors(stepper: widgets.TimeStepper) -> dict[str, np.ndarray]:
    """The vectors printed under the slider: x_t, C_t-1, C_t, h_t-1, h_t."""
    text = html.unescape(stepper.values.value)
    found = {}
    for name, values in re.findall(r"(xₜ|Cₜ₋₁|Cₜ|hₜ₋₁|hₜ) = \[([^\]]*)\]", text):
        found[name] = np.array([float(v) for v in values.split(",")])
    return found


def test_time_stepper_default_is_notebook_04s_sequence(time_stepper):
    assert (time_stepper.units, time_stepper.features, time_stepper.timesteps) == (2, 2, 6)
    assert time_stepper.t.min == 1 and time_stepper.t.max == 6 and time_stepper.t.value == 1
    assert time_stepper.play.max == 6
    cs, hs = hand_states(widgets.TIME_X, widgets.TIME_KERNEL, widgets.TIME_RECURRENT_KERNEL,
                         widgets.TIME_BIAS)
    np.testing.assert_allclose(time_stepper.run.sequences[0], hs, atol=1e-12)
    np.testing.assert_allclose(time_stepper.run.c[0], cs[-1], atol=1e-12)
    assert widgets.TIME_BIAS[2:4].tolist() == [1.0, 1.0]  # the f block, as Keras starts it


def test_moving_t_changes_the_pictures_and_shows_that_steps_values(time_stepper):
    cs, hs = hand_states(widgets.TIME_X, widgets.TIME_KERNEL, widgets.TIME_RECURRENT_KERNEL,
                         widgets.TIME_BIAS)
    cells, plots = set(), set()
    for t in [1, 2, 3, 4, 5, 6, 3]:
        before = (time_stepper.cell_image.png, time_stepper.time_image.png)
        time_stepper.t.value = t
        if t != 1:
            assert time_stepper.cell_image.png != before[0]
            assert time_stepper.time_image.png != before[1]
        cells.add(time_stepper.cell_image.png)
        plots.add(time_stepper.time_image.png)
        shown = shown_vectors(time_stepper)
        np.testing.assert_allclose(shown["xₜ"], widgets.TIME_X[0, t - 1], atol=5e-5)
        np.testing.assert_allclose(shown["Cₜ"], cs[t - 1], atol=5e-5)
        np.testing.assert_allclose(shown["hₜ"], hs[t - 1], atol=5e-5)
        previous_c = cs[t - 2] if t > 1 else np.zeros(2)
        previous_h = hs[t - 2] if t > 1 else np.zeros(2)
        np.testing.assert_allclose(shown["Cₜ₋₁"], previous_c, atol=5e-5)
        np.testing.assert_allclose(shown["hₜ₋₁"], previous_h, atol=5e-5)
        step = time_stepper.step()
        assert step is time_stepper.run.trace[t - 1]
        diagram_words = diagrams.figure_text(time_stepper._diagram.figure).split("\n")
        assert f"i = {step.gates['i'].activation[0, 0]:.2f}" in diagram_words
        assert f"{cs[t - 1, 0]:.2f}".replace("-", "−") in diagram_words
        plot_words = diagrams.figure_text(time_stepper._over_time.figure).split("\n")
        assert f"at t = {t}" in plot_words
        assert f"{cs[t - 1, 0]:+.2f}".replace("-", "−") in plot_words
    assert len(cells) == len(plots) == 6


def test_time_stepper_static_bundle(time_stepper):
    time_stepper.t.value = 4
    bundle, _ = time_stepper._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    height, width = png_size(base64.b64decode(bundle["image/png"]))
    cell_height, cell_width = png_size(time_stepper.cell_image.png)
    plot_height, plot_width = png_size(time_stepper.time_image.png)
    assert max(cell_height, plot_height) < height <= cell_height + plot_height
    assert width == max(cell_width, plot_width)
    cs, hs = hand_states(widgets.TIME_X, widgets.TIME_KERNEL, widgets.TIME_RECURRENT_KERNEL,
                         widgets.TIME_BIAS)
    c4 = ", ".join(f"{v:+.4f}" for v in cs[3])
    h4 = ", ".join(f"{v:+.4f}" for v in hs[3])
    assert bundle["text/plain"].split("\n")[0] == (
        f"time_stepper: units=2, features=2, timesteps=6, t=4 → C_t=[{c4}], h_t=[{h4}]"
    )


def test_time_stepper_agrees_with_keras_at_every_step(time_stepper):
    assert "not yet checked" in time_stepper.check_result.value
    keras_h = time_stepper.check_with_keras()
    np.testing.assert_allclose(keras_h, time_stepper.run.sequences, atol=1e-5)
    assert "✔" in time_stepper.check_result.value
    time_stepper.t.value = 6
    assert "✔" in time_stepper.check_result.value
    assert f"{time_stepper.run.sequences[0, 5, 1]:+.4f}" in time_stepper.check_result.value


def test_time_stepper_takes_other_weights_and_no_bias():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(1, 9, 3))
    kernel, recurrent = rng.normal(size=(3, 4)), rng.normal(size=(1, 4))
    stepper = widgets.time_stepper(x, kernel, recurrent, None)
    _, hs = hand_states(x, kernel, recurrent, None)
    np.testing.assert_allclose(stepper.run.sequences[0], hs, atol=1e-12)
    assert (stepper.units, stepper.features, stepper.t.max) == (1, 3, 9)
    stepper.t.value = 9
    assert "t=9" in stepper.describe()


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        ((np.zeros((2, 6, 2)),), ValueError, "x must hold one sequence"),
        ((np.zeros((1, 21, 2)),), ValueError, "x must have 1 to 20 timesteps"),
        ((np.zeros((1, 0, 2)),), ValueError, "x must have 1 to 20 timesteps"),
        ((np.zeros((6, 2)),), ValueError, "x must have 3 dimensions"),
        (("abc",), TypeError, "x must hold real numbers"),
        ((np.zeros((1, 6, 3)),), ValueError, "default weights are for 2"),
        ((None, np.zeros((2, 8))), TypeError, "pass kernel, recurrent_kernel and bias together"),
        ((None, None, None, np.zeros(8)), TypeError, "pass kernel, recurrent_kernel and bias"),
        ((None, np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8)), ValueError,
         "x has 2 features"),
        ((None, np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(5)), ValueError,
         "bias must have shape (8,)"),
    ],
)
def test_time_stepper_rejects_bad_arguments(args, error, words):
    with pytest.raises(error, match=re.escape(words)):
        widgets.time_stepper(*args)


def test_every_picture_carries_its_description_as_alt_text_and_updates_with_it(explorer):
    def alt(picture: DiagramImage) -> str:
        return html.unescape(re.search(r'alt="([^"]*)"', picture.value).group(1))

    assert alt(explorer.grid_image) == explorer._grid.figure.description
    assert "total 12" in alt(explorer.grid_image)
    explorer.features.value = 2
    assert "total 16" in alt(explorer.grid_image)
    assert "Input (batch, 1, 2)" in alt(explorer.unrolled_image)


def test_pictures_are_drawn_at_twice_the_pixels_they_are_shown_at(explorer):
    picture = explorer.grid_image
    width, height = Image.open(io.BytesIO(picture.png)).size
    shown = re.search(r'width="(\d+)" height="(\d+)"', picture.value)
    assert (int(shown.group(1)), int(shown.group(2))) == (width // 2, height // 2)
    assert width // 2 == round(explorer._grid.figure.get_figwidth() * diagrams.canvas.SCREEN_DPI)
