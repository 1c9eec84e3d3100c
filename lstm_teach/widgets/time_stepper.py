"""time_stepper: one sequence through an LSTM layer, one timestep at a time."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lstm_teach import _checks, diagrams
from lstm_teach.counting import LayerSpec
from lstm_teach.reference import Step, lstm_forward
from lstm_teach.widgets._base import (
    _LABEL_STYLE,
    _WIDE,
    _agreement,
    _Explorer,
    _Picture,
    _pre,
)

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
