"""Interactive explorers: thin ipywidgets glue around counting, reference and diagrams.

Each explorer is one widget. Moving a control calls a plain method that recomputes
numbers with the pure functions below it and redraws a diagram in place; Keras is only
asked when the learner presses the check button, and its answers are cached, so a
slider drag never waits for TensorFlow.

Displayed in a notebook, an explorer also carries a PNG of its current state and a
stable one-line text, so the saved notebook shows the diagram without a kernel
(GitHub, nbviewer, an HTML or printed handout).
"""

from __future__ import annotations

import base64
import html
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lstm_teach import _checks, diagrams
from lstm_teach.counting import CELL_KINDS, LayerSpec
from lstm_teach.diagrams.canvas import png_size
from lstm_teach.reference import Step, lstm_forward

#: Control bounds of param_explorer (the diagrams are sized for them).
MAX_UNITS = 8
MAX_FEATURES = 8
MAX_TIMESTEPS = 10

_CELL_OPTIONS = [(kind.title, name) for name, kind in CELL_KINDS.items()]
_WIDE = widgets.Layout(width="320px")
_LABEL_STYLE = {"description_width": "110px"}


#: Pixels per displayed pixel of every widget picture: sharp on HiDPI screens and on
#: projectors, whose browsers show an image of N pixels in N/2 CSS pixels.
DENSITY = 2


class _Picture(widgets.HTML):
    """A diagram as an <img> at its intended size, with the diagram's description as its
    alt text, so a screen reader hears what the picture shows. Picture and description
    change in one message, never one without the other."""

    def __init__(self) -> None:
        super().__init__(layout=widgets.Layout(max_width="100%"))
        self.png = b""
        self.description_text = ""

    def show(self, figure: Figure) -> None:
        """Render the figure and put it, and its description, on screen."""
        self.png = diagrams.figure_png(figure, density=DENSITY)
        self.description_text = figure.description  # type: ignore[attr-defined]
        self.value = _img_tag(self.png, self.description_text)


def _img_tag(png: bytes, description: str) -> str:
    """An <img> showing PNG bytes drawn at DENSITY at their intended size."""
    width, height = png_size(png)
    return (
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
        f'alt="{html.escape(description)}" width="{round(width / DENSITY)}" '
        f'height="{round(height / DENSITY)}" style="max-width:100%;height:auto">'
    )


def _pre(text: str) -> str:
    return (
        "<pre style='margin:0;line-height:1.25;font-family:monospace'>"
        f"{html.escape(text)}</pre>"
    )


#: Keras computes in float32 and the reference in float64: they agree to about 1e-7 of
#: the numbers involved, so a difference below this (relative to 1 + |value|) is round-off.
FLOAT32_TOLERANCE = 1e-4


def _agreement(keras_values: np.ndarray, numpy_values: np.ndarray) -> tuple[bool, float]:
    """Whether Keras (float32) and NumPy (float64) agree within float32 round-off, and the
    largest difference found."""
    difference = np.abs(np.asarray(keras_values, dtype=float) - np.asarray(numpy_values))
    scale = 1.0 + np.abs(np.asarray(numpy_values, dtype=float))
    return bool(np.all(difference <= FLOAT32_TOLERANCE * scale)), float(difference.max())


class _Explorer(widgets.VBox):
    """A VBox that, when displayed, also carries a static picture and its description.

    Viewers without a kernel (GitHub, nbviewer, handouts) show the picture of the
    widget's current state at its intended size; its text/plain, which is also the
    handouts' alt text, says what the controls are set to and what the pictures show.

    Controls changed from code are checked before any view changes: a value the
    explorer cannot show (a slider moved past the diagrams' limits, a selection set to
    None, NaN) is put back and refused with an error naming the control, so the views
    always show one consistent state and the explorer keeps working.
    """

    _restoring = False

    def _watch(self, *controls: widgets.ValueWidget) -> None:
        for control in controls:
            control.observe(self._on_change, names="value")

    def _on_change(self, change: dict[str, Any]) -> None:
        if self._restoring:
            return
        try:
            self.check_controls()
        except (TypeError, ValueError) as refusal:
            self._restoring = True
            try:
                change["owner"].value = change["old"]
            finally:
                self._restoring = False
            name = getattr(change["owner"], "description", "") or "a control"
            raise type(refusal)(f"{name} = {change['new']!r} refused: {refusal}") from None
        self.refresh()

    def check_controls(self) -> None:
        """Raise TypeError or ValueError if the controls hold values this explorer cannot
        show; change nothing."""
        raise NotImplementedError

    def refresh(self, change: object = None) -> None:
        raise NotImplementedError

    def figures(self) -> tuple[Figure, ...]:
        """The diagrams this explorer shows, top to bottom."""
        raise NotImplementedError

    def state(self) -> str:
        """One line: what the controls are set to and the number they lead to."""
        raise NotImplementedError

    def static_png(self) -> bytes:
        """The explorer's diagrams stacked into one PNG, as a kernel-less viewer shows it."""
        return diagrams.figure_png(*self.figures(), density=DENSITY, compress_level=9)

    def describe(self) -> str:
        """The state line, then each picture's description."""
        return "\n".join([self.state(), *(figure.description for figure in self.figures())])

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        bundle = super()._repr_mimebundle_(**kwargs)
        png = self.static_png()
        width, height = png_size(png)
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        bundle["text/plain"] = self.describe()
        size = {"width": round(width / DENSITY), "height": round(height / DENSITY)}
        return bundle, {"image/png": size}


class ParamExplorer(_Explorer):
    """Controls for a recurrent layer's settings; shows its formula, table and diagrams."""

    def __init__(self) -> None:
        self.units = widgets.IntSlider(
            1, min=1, max=MAX_UNITS, description="units", style=_LABEL_STYLE, layout=_WIDE
        )
        self.features = widgets.IntSlider(
            1, min=1, max=MAX_FEATURES, description="features", style=_LABEL_STYLE,
            layout=_WIDE,
        )
        self.timesteps = widgets.IntSlider(
            1, min=1, max=MAX_TIMESTEPS, description="timesteps", style=_LABEL_STYLE,
            layout=_WIDE,
        )
        self.cell = widgets.Dropdown(
            options=_CELL_OPTIONS, value="lstm", description="cell", style=_LABEL_STYLE,
            layout=_WIDE,
        )
        self.convention = widgets.ToggleButtons(
            options=[("Keras", "keras"), ("PyTorch", "pytorch")], value="keras",
            description="convention", style={**_LABEL_STYLE, "button_width": "90px"},
        )
        self.use_bias = widgets.Checkbox(True, description="use_bias", indent=False)
        self.reset_after = widgets.Checkbox(
            True, description="reset_after (GRU)", indent=False, disabled=True
        )
        self.return_sequences = widgets.Checkbox(
            False, description="return_sequences", indent=False
        )
        self.formula = widgets.HTML()
        self.table = widgets.HTML()
        self.shapes = widgets.HTML()
        self.grid_image = _Picture()
        self.unrolled_image = _Picture()
        self.check_button = widgets.Button(
            description="Check with Keras", icon="check", layout=widgets.Layout(width="auto"),
            tooltip="Build this layer in Keras and compare its count_params()",
        )
        self.check_result = widgets.HTML()

        self._grid = diagrams.WeightGrid(MAX_UNITS, MAX_FEATURES)
        self._unrolled = diagrams.UnrolledView(MAX_TIMESTEPS)
        self._keras_counts: dict[LayerSpec, int] = {}
        self._drawn: dict[str, tuple[Any, ...]] = {}

        controls = [
            self.units, self.features, self.timesteps, self.cell, self.convention,
            self.use_bias, self.reset_after, self.return_sequences,
        ]
        self._watch(*controls)
        self.check_button.on_click(lambda _: self.check_with_keras())
        super().__init__([
            widgets.HBox([
                widgets.VBox([self.units, self.features, self.timesteps, self.cell]),
                widgets.VBox([
                    self.convention,
                    widgets.HBox([self.use_bias, self.reset_after, self.return_sequences]),
                    widgets.HBox([self.check_button, self.check_result]),
                ]),
            ]),
            self.formula,
            self.shapes,
            self.table,
            self.grid_image,
            self.unrolled_image,
        ])
        self.refresh()

    def settings(self) -> LayerSpec:
        """The layer the controls describe."""
        return LayerSpec(
            units=self.units.value,
            features=self.features.value,
            cell=self.cell.value,
            use_bias=self.use_bias.value,
            convention=self.convention.value,
            reset_after=self.reset_after.value if self._reset_after_applies() else True,
        )

    def _reset_after_applies(self) -> bool:
        return self.cell.value == "gru" and self.convention.value == "keras"

    def check_controls(self) -> None:
        layer = self.settings()
        if layer.units > self._grid.max_units or layer.features > self._grid.max_features:
            raise ValueError(
                f"units and features must be from 1 to {self._grid.max_units} and "
                f"{self._grid.max_features} here (the diagrams are sized for them); "
                f"got units={layer.units}, features={layer.features}"
            )
        _checks.positive_int("timesteps", self.timesteps.value)
        if self.timesteps.value > self._unrolled.max_timesteps:
            raise ValueError(f"timesteps must be from 1 to {self._unrolled.max_timesteps} "
                             f"here, got {self.timesteps.value}")
        _checks.flag("return_sequences", self.return_sequences.value)

    def _keras_key(self) -> LayerSpec:
        """The Keras layer these settings build: PyTorch's convention changes no Keras layer."""
        return self.settings().replace(convention="keras")

    def refresh(self, change: object = None) -> None:
        """Recompute every view from the controls; diagrams redraw only if their input changed."""
        self.reset_after.disabled = not self._reset_after_applies()
        layer = self.settings()
        units, features, timesteps = layer.units, layer.features, self.timesteps.value
        self.formula.value = (
            f"<b style='font-size:120%'>{layer.count} parameters</b>"
            f"&nbsp;&nbsp;<code>{html.escape(layer.formula)}</code>"
        )
        output = f"{timesteps}, {units}" if self.return_sequences.value else f"{units}"
        self.shapes.value = (
            f"input <code>(batch, {timesteps}, {features})</code> → output "
            f"<code>(batch, {output})</code>"
            f"&nbsp;&nbsp;(timesteps change the shapes, never the count)"
        )
        self.table.value = _pre(str(layer.table))
        if self._drawn.get("grid") != (layer,):
            self._grid.update(layer)
            self.grid_image.show(self._grid.figure)
            self._drawn["grid"] = (layer,)
        unrolled_key = (layer, timesteps, self.return_sequences.value)
        if self._drawn.get("unrolled") != unrolled_key:
            self._unrolled.update(layer, timesteps, return_sequences=self.return_sequences.value)
            self.unrolled_image.show(self._unrolled.figure)
            self._drawn["unrolled"] = unrolled_key
        self._show_check()

    def check_with_keras(self) -> int:
        """Build a real Keras layer for these settings (once) and show its count."""
        from lstm_teach.keras_bridge import keras_count_params

        layer = self._keras_key()
        if layer not in self._keras_counts:
            self._keras_counts[layer] = keras_count_params(
                layer.units, layer.features, cell=layer.cell, use_bias=layer.use_bias,
                reset_after=layer.reset_after,
            )
        self._show_check()
        return self._keras_counts[layer]

    def _show_check(self) -> None:
        keras_count = self._keras_counts.get(self._keras_key())
        if keras_count is None:
            self.check_result.value = "<i>not yet checked with Keras for these settings</i>"
            return
        ours = self.settings().count
        if self.convention.value == "pytorch":
            self.check_result.value = (
                f"Keras layer: {keras_count}; PyTorch keeps a second bias: {ours}"
            )
        elif keras_count == ours:
            self.check_result.value = f"✔ Keras layer.count_params() = {keras_count}"
        else:
            self.check_result.value = f"✘ Keras says {keras_count}, formula says {ours}"

    def figures(self) -> tuple[Figure, ...]:
        return self._grid.figure, self._unrolled.figure

    def state(self) -> str:
        layer = self.settings()
        return (
            f"param_explorer: {layer.cell} ({layer.convention}), "
            f"units={layer.units}, features={layer.features}, "
            f"timesteps={self.timesteps.value} → {layer.count} parameters"
        )


#: Weights of cell_stepper's layer (units=1), one column per path i, f, c, o. Row 0 is
#: notebook 01's kernel; row 1 is used when a second feature is switched on.
STEPPER_KERNEL = np.array([[1.0, 0.5, 2.0, -1.0], [-0.5, 1.0, 0.5, 0.75]])
STEPPER_RECURRENT_KERNEL = np.array([[0.5, -0.5, 1.0, 0.25]])
STEPPER_BIAS = np.array([0.0, 1.0, 0.0, 0.5])


class CellStepper(_Explorer):
    """One LSTM step for one unit and one or two features, gate by gate."""

    def __init__(
        self,
        features: int = 1,
        kernel: object = None,
        recurrent_kernel: object = None,
        bias: object = None,
    ) -> None:
        features = _checks.positive_int("features", features)
        if features > 2:
            raise ValueError(f"features must be 1 or 2 (the seed's two cases), got {features}")
        self.kernel = _checks.real_array(
            "kernel", STEPPER_KERNEL if kernel is None else kernel, 2, "(2, 4)"
        )
        _checks.shape_is("kernel", self.kernel, (2, 4), "(one row per feature for features=2)")
        self.recurrent_kernel = _checks.real_array(
            "recurrent_kernel",
            STEPPER_RECURRENT_KERNEL if recurrent_kernel is None else recurrent_kernel,
            2, "(1, 4)",
        )
        _checks.shape_is("recurrent_kernel", self.recurrent_kernel, (1, 4), "for units=1")
        self.bias = _checks.real_array(
            "bias", STEPPER_BIAS if bias is None else bias, 1, "(4,)"
        )
        _checks.shape_is("bias", self.bias, (4,), "for units=1")

        slider = {"min": -2.0, "max": 2.0, "step": 0.1, "readout_format": "+.1f",
                  "style": _LABEL_STYLE, "layout": _WIDE}
        self.features = widgets.ToggleButtons(
            options=[("1 feature", 1), ("2 features", 2)], value=features,
            description="features", style={**_LABEL_STYLE, "button_width": "90px"},
        )
        self.x0 = widgets.FloatSlider(0.8, description="x_t[0]", **slider)
        self.x1 = widgets.FloatSlider(0.4, description="x_t[1]", **slider)
        self.h_prev = widgets.FloatSlider(0.0, description="h_t-1", **slider)
        self.c_prev = widgets.FloatSlider(0.0, description="C_t-1", **slider)
        self.image = _Picture()
        self.result = widgets.HTML()
        self.check_button = widgets.Button(
            description="Check with Keras", icon="check", layout=widgets.Layout(width="auto"),
            tooltip="Run a real Keras LSTM with these weights and states",
        )
        self.check_result = widgets.HTML()
        self._diagram = diagrams.CellDiagram()
        self._keras_h: dict[tuple[float, ...], float] = {}

        self._watch(self.features, self.x0, self.x1, self.h_prev, self.c_prev)
        self.check_button.on_click(lambda _: self.check_with_keras())
        super().__init__([
            widgets.HBox([
                widgets.VBox([self.features, self.x0, self.x1]),
                widgets.VBox([self.h_prev, self.c_prev,
                              widgets.HBox([self.check_button, self.check_result])]),
            ]),
            self.image,
            self.result,
        ])
        self.refresh()

    def check_controls(self) -> None:
        _checks.choice("features", str(self.features.value), ("1", "2"))
        x, kernel, h0, c0 = self.inputs()
        lstm_forward(x, kernel, self.recurrent_kernel, self.bias, h0, c0)

    def inputs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """x (1, 1, features), kernel (features, 4), h0 (1, 1) and c0 (1, 1) from the controls."""
        features = self.features.value
        x = np.array([self.x0.value, self.x1.value][:features]).reshape(1, 1, features)
        return x, self.kernel[:features], np.array([[self.h_prev.value]]), np.array(
            [[self.c_prev.value]]
        )

    def refresh(self, change: object = None) -> None:
        """Run the step in NumPy and redraw the cell with every gate's value."""
        self.x1.disabled = self.features.value == 1
        x, kernel, h0, c0 = self.inputs()
        run = lstm_forward(x, kernel, self.recurrent_kernel, self.bias, h0, c0, trace=True)
        self.step = run.trace[0]
        self._diagram.update(LayerSpec(1, self.features.value), self.step)
        self.image.show(self._diagram.figure)
        self.result.value = (
            f"NumPy reference: C<sub>t</sub> = {run.c.item():+.4f}, "
            f"h<sub>t</sub> = {run.h.item():+.4f}"
        )
        self._show_check()

    def _key(self) -> tuple[float, ...]:
        x, _, h0, c0 = self.inputs()
        return (*x.ravel().tolist(), h0.item(), c0.item())

    def check_with_keras(self) -> float:
        """Run a real Keras LSTM with the same weights and states; show and return its h_t."""
        from lstm_teach.keras_bridge import keras_lstm_forward

        key = self._key()
        if key not in self._keras_h:
            x, kernel, h0, c0 = self.inputs()
            run = keras_lstm_forward(x, kernel, self.recurrent_kernel, self.bias, h0, c0)
            self._keras_h[key] = run.h.item()
        self._show_check()
        return self._keras_h[key]

    def _show_check(self) -> None:
        keras_h = self._keras_h.get(self._key())
        if keras_h is None:
            self.check_result.value = "<i>not yet checked with Keras</i>"
        else:
            agrees, difference = _agreement(keras_h, self.step.h.item())
            mark, verdict = ("✔", "agrees") if agrees else ("✘", "differs")
            self.check_result.value = (
                f"{mark} Keras h<sub>t</sub> = {keras_h:+.4f} {verdict} with NumPy "
                f"(difference {difference:.1e})"
            )

    def figures(self) -> tuple[Figure, ...]:
        return (self._diagram.figure,)

    def state(self) -> str:
        x, _, h0, c0 = self.inputs()
        values = ", ".join(f"{value:+.1f}" for value in x.ravel())
        return (
            f"cell_stepper: units=1, features={self.features.value}, x_t=[{values}], "
            f"h_t-1={h0.item():+.1f}, C_t-1={c0.item():+.1f} → "
            f"h_t={self.step.h.item():+.4f}"
        )


#: Gives every control an accessible name. ipywidgets draws a slider's handle as a div
#: with role="slider" and no name, and the play widget's buttons as bare icons, so a screen
#: reader announces unnamed controls (axe-core: "ARIA input fields must have an accessible
#: name"); the labels of text boxes, drop-downs and checkboxes are already tied to them.
_NAME_CONTROLS = """
const ICONS = {'fa-play': 'play', 'fa-pause': 'pause', 'fa-stop': 'stop', 'fa-retweet': 'repeat'};
const nameControls = () => {
  document.querySelectorAll('.widget-slider').forEach(slider => {
    const label = slider.querySelector('.widget-label');
    slider.querySelectorAll('.noUi-handle').forEach(handle => {
      if (label && label.textContent && !handle.getAttribute('aria-label')) {
        handle.setAttribute('aria-label', label.textContent);
      }
    });
  });
  document.querySelectorAll('.widget-play button').forEach(button => {
    const icon = button.querySelector('i');
    const name = icon && Object.keys(ICONS).find(name => icon.classList.contains(name));
    if (name && !button.getAttribute('aria-label')) button.setAttribute('aria-label', ICONS[name]);
  });
};
new MutationObserver(nameControls).observe(document.body, {childList: true, subtree: true});
nameControls();
"""


def name_controls() -> object:
    """Display this once on a page (the projector app does) to give every slider handle
    and play button an accessible name; it changes nothing else."""
    from IPython.display import Javascript

    return Javascript(_NAME_CONTROLS)


def param_explorer() -> ParamExplorer:
    """Sliders for units, features and timesteps, cell type, bias, convention and
    return_sequences; shows the formula, the weight table, the weight grid, the unrolled
    view and the output shape, and checks the count against a real Keras layer."""
    return ParamExplorer()


def cell_stepper(
    features: int = 1,
    kernel: object = None,
    recurrent_kernel: object = None,
    bias: object = None,
) -> CellStepper:
    """Walk one LSTM step (units=1, one or two features) gate by gate.

    Sliders set each feature's input, h_{t-1} and C_{t-1}; the cell diagram shows every
    gate's value. The default weights are notebook 01's; pass kernel (2, 4),
    recurrent_kernel (1, 4) and bias (4,) to use others.
    """
    return CellStepper(features, kernel, recurrent_kernel, bias)


#: Notebook 04's sequence: one sample, six timesteps, two features. Feature 0 falls
#: from +1 to −1; feature 1 switches on at every other step.
TIME_X = np.array([[[1.0, 0.0], [0.6, 1.0], [0.2, 0.0], [-0.2, 1.0], [-0.6, 0.0],
                    [-1.0, 1.0]]])
#: Notebook 04's weights for units=2, features=2 (np.random.default_rng(2), rounded),
#: gate blocks i, f, c, o of two columns each; the f block of the bias is 1, as Keras
#: starts it.
TIME_KERNEL = np.array([[0.2, -0.4, -0.3, -2.0, 1.4, 0.9, -0.3, 0.6],
                        [0.2, -0.4, 0.8, -0.2, -0.3, -0.6, 0.4, -0.1]])
TIME_RECURRENT_KERNEL = np.array([[0.4, -0.5, 0.1, -0.7, 0.7, 0.2, 0.3, 0.3],
                                  [-0.8, 0.6, 1.6, -1.3, -1.4, -1.2, 0.7, 0.1]])
TIME_BIAS = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0])
#: time_stepper's bias when it was left out, told apart from bias=None (no bias).
NOT_GIVEN = object()
#: Longest sequence time_stepper draws (one tick and one slider stop per step).
MAX_STEPPED_TIMESTEPS = 20


def _vector(values: np.ndarray) -> str:
    """Sample 0 of a (batch, n) array as [+0.1234, −0.5678]."""
    return "[" + ", ".join(f"{value + 0.0:+.4f}" for value in np.asarray(values)[0]) + "]"


class TimeStepper(_Explorer):
    """One sequence through an LSTM layer, one timestep at a time.

    The whole sequence is run once (lstm_forward with trace=True); the slider only picks
    which step to show: the cell diagram with that step's numbers (unit 0), the gates and
    cell state of unit 0 over time with the step marked, and h, C of every unit.
    """

    def __init__(
        self,
        x: object = None,
        kernel: object = None,
        recurrent_kernel: object = None,
        bias: object = NOT_GIVEN,
    ) -> None:
        x = _checks.real_array("x", TIME_X if x is None else x, 3,
                               "(1, timesteps, features)")
        if x.shape[0] != 1:
            raise ValueError(
                "x must hold one sequence, shape (1, timesteps, features); "
                f"got a batch of {x.shape[0]}: pass x[:1] to step through the first"
            )
        if not 1 <= x.shape[1] <= MAX_STEPPED_TIMESTEPS:
            raise ValueError(
                f"x must have 1 to {MAX_STEPPED_TIMESTEPS} timesteps (its axis 1) so each "
                f"step stays legible, got {x.shape[1]}"
            )
        if kernel is None and recurrent_kernel is None and bias is NOT_GIVEN:
            kernel, recurrent_kernel, bias = TIME_KERNEL, TIME_RECURRENT_KERNEL, TIME_BIAS
            if x.shape[2] != TIME_KERNEL.shape[0]:
                raise ValueError(
                    f"x has {x.shape[2]} features but the default weights are for "
                    f"{TIME_KERNEL.shape[0]}: pass kernel and recurrent_kernel (and bias) too"
                )
        elif kernel is None or recurrent_kernel is None or bias is NOT_GIVEN:
            raise TypeError(
                "pass kernel, recurrent_kernel and bias together (bias=None for a layer "
                "without bias), or none of the three for notebook 04's weights"
            )
        self.run = lstm_forward(x, kernel, recurrent_kernel, bias, trace=True)
        self.x = x
        self.kernel = np.asarray(kernel, dtype=float)
        self.recurrent_kernel = np.asarray(recurrent_kernel, dtype=float)
        self.bias = None if bias is None else np.asarray(bias, dtype=float)
        self.timesteps, self.features = x.shape[1], x.shape[2]
        self.units = self.run.h.shape[1]
        self._layer = LayerSpec(self.units, self.features, use_bias=bias is not None)

        self.t = widgets.IntSlider(1, min=1, max=self.timesteps, description="timestep t",
                                   style=_LABEL_STYLE, layout=_WIDE)
        self.play = widgets.Play(value=1, min=1, max=self.timesteps, interval=1200,
                                 description="play", tooltip="step through the sequence")
        self._link = widgets.jslink((self.play, "value"), (self.t, "value"))
        self.values = widgets.HTML()
        self.cell_image = _Picture()
        self.time_image = _Picture()
        self.check_button = widgets.Button(
            description="Check with Keras", icon="check", layout=widgets.Layout(width="auto"),
            tooltip="Run a real Keras LSTM on the whole sequence with these weights",
        )
        self.check_result = widgets.HTML()
        self._diagram = diagrams.CellDiagram()
        self._over_time = diagrams.GatesOverTime(max_timesteps=self.timesteps)
        self._over_time.update(self.run.trace, 0)
        self._keras_sequences: np.ndarray | None = None

        self._watch(self.t)
        self.check_button.on_click(lambda _: self.check_with_keras())
        super().__init__([
            widgets.HBox([self.play, self.t, self.check_button, self.check_result]),
            self.values,
            self.cell_image,
            self.time_image,
        ])
        self.refresh()

    def check_controls(self) -> None:
        t = _checks.positive_int("timestep t", self.t.value)
        if t > self.timesteps:
            raise ValueError(f"timestep t must be from 1 to {self.timesteps}, got {t}")

    def step(self) -> Step:
        """What the cell computed at the timestep the slider shows."""
        return self.run.trace[self.t.value - 1]

    def refresh(self, change: object = None) -> None:
        """Show the chosen step: redraw the cell's numbers and move the time marker."""
        step = self.step()
        self._diagram.update(self._layer, step)
        self.cell_image.show(self._diagram.figure)
        self._over_time.mark(self.t.value)
        self.time_image.show(self._over_time.figure)
        self.values.value = _pre(self._values_text(step))
        self._show_check()

    def _values_text(self, step: Step) -> str:
        t = self.t.value
        return (
            f"t = {t} of {self.timesteps}   xₜ = {_vector(step.x)}\n"
            f"Cₜ₋₁ = {_vector(step.c_prev)}  →  Cₜ = {_vector(step.c)}\n"
            f"hₜ₋₁ = {_vector(step.h_prev)}  →  hₜ = {_vector(step.h)}"
        )

    def check_with_keras(self) -> np.ndarray:
        """Run a real Keras LSTM on the whole sequence (once); return its h at every step."""
        from lstm_teach.keras_bridge import keras_lstm_forward

        if self._keras_sequences is None:
            run = keras_lstm_forward(self.x, self.kernel, self.recurrent_kernel, self.bias)
            self._keras_sequences = run.sequences
        self._show_check()
        return self._keras_sequences

    def _show_check(self) -> None:
        if self._keras_sequences is None:
            self.check_result.value = "<i>not yet checked with Keras</i>"
            return
        t = self.t.value
        keras_h = self._keras_sequences[:, t - 1]
        agrees, difference = _agreement(keras_h, self.step().h)
        mark, verdict = ("✔", "agrees") if agrees else ("✘", "differs")
        self.check_result.value = (
            f"{mark} Keras h<sub>t</sub> = {html.escape(_vector(keras_h))} {verdict} with "
            f"NumPy (largest difference {difference:.1e})"
        )

    def figures(self) -> tuple[Figure, ...]:
        return self._diagram.figure, self._over_time.figure

    def state(self) -> str:
        step = self.step()
        return (
            f"time_stepper: units={self.units}, features={self.features}, "
            f"timesteps={self.timesteps}, t={self.t.value} → "
            f"C_t={_vector(step.c)}, h_t={_vector(step.h)}"
        )


def time_stepper(
    x: object = None,
    kernel: object = None,
    recurrent_kernel: object = None,
    bias: object = NOT_GIVEN,
) -> TimeStepper:
    """Step one sequence through an LSTM layer with a timestep slider (and a play button).

    x is one sequence shaped (1, timesteps, features) with up to 20 timesteps; kernel
    (features, 4·units), recurrent_kernel (units, 4·units) and bias (4·units,) are the
    layer's weights, as from lstm_weights(layer). Without arguments it shows notebook
    04's example (units=2, features=2, six timesteps). Pass bias=None with your own
    kernel for a layer without bias.
    """
    return TimeStepper(x, kernel, recurrent_kernel, bias)
