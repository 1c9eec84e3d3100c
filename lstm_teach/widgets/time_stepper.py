"""time_stepper: one sequence through an LSTM layer, one timestep at a time."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lstm_teach import _checks, diagrams
from lstm_teach.formatting import vector
from lstm_teach.reference import Step, check_inputs, run_checked
from lstm_teach.widgets._base import (
    _LABEL_STYLE,
    _WIDE,
    NOT_GIVEN,
    DiagramImage,
    IntSlider,
    KerasCheck,
    Play,
    _Explorer,
    _pre,
    agreement_text,
    constant,
    given_weights,
)

#: Notebook 04's sequence: one sample, six timesteps, two features. Feature 0 falls
#: from +1 to −1; feature 1 switches on at every other step.
TIME_X = constant([[[1.0, 0.0], [0.6, 1.0], [0.2, 0.0], [-0.2, 1.0], [-0.6, 0.0],
                    [-1.0, 1.0]]])
#: Notebook 04's weights for units=2, features=2 (np.random.default_rng(2), rounded),
#: gate blocks i, f, c, o of two columns each; the f block of the bias is 1, as Keras
#: starts it.
TIME_KERNEL = constant([[0.2, -0.4, -0.3, -2.0, 1.4, 0.9, -0.3, 0.6],
                        [0.2, -0.4, 0.8, -0.2, -0.3, -0.6, 0.4, -0.1]])
TIME_RECURRENT_KERNEL = constant([[0.4, -0.5, 0.1, -0.7, 0.7, 0.2, 0.3, 0.3],
                                  [-0.8, 0.6, 1.6, -1.3, -1.4, -1.2, 0.7, 0.1]])
TIME_BIAS = constant([0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0])
#: Longest sequence time_stepper draws (one tick and one slider stop per step).
MAX_STEPPED_TIMESTEPS = 20


class TimeStepper(_Explorer):
    """One sequence through an LSTM layer, one timestep at a time.

    The whole sequence is run once (lstm_forward with trace=True); the slider only picks
    which step to show: the cell diagram with that step's numbers (unit 0), the gates and
    cell state of unit 0 over time with the step marked, and h, C of every unit. The
    arrays are copied when the stepper is made (and kept read-only), so the pictures, the
    printed values and the Keras check always describe the same numbers, whatever
    happens to the caller's arrays afterwards.

    Parameters
    ----------
    x : array_like or None
        One sequence (1, timesteps, features), 1 to 20 timesteps; None for notebook 04's.
    kernel, recurrent_kernel : array_like or None
        (features, 4·units) and (units, 4·units).
    bias : array_like, None or NOT_GIVEN
        (4·units,), or None for a layer without bias; leave out all three weights for
        notebook 04's.

    Raises
    ------
    TypeError
        If an array holds no real numbers, or some but not all weights are given.
    ValueError
        If x is not one sequence of 1 to 20 steps, or a shape does not fit the others.
    """

    def __init__(
        self,
        x: object = None,
        kernel: object = None,
        recurrent_kernel: object = None,
        bias: object = NOT_GIVEN,
    ) -> None:
        try:
            shape = np.shape(TIME_X if x is None else x)
        except ValueError:  # a ragged list: check_inputs below says what x must be
            shape = ()
        if len(shape) == 3 and shape[0] != 1:
            raise ValueError(
                "x must hold one sequence, shape (1, timesteps, features); "
                f"got a batch of {shape[0]}: pass x[:1] to step through the first"
            )
        if len(shape) == 3 and not 1 <= shape[1] <= MAX_STEPPED_TIMESTEPS:
            raise ValueError(
                f"x must have 1 to {MAX_STEPPED_TIMESTEPS} timesteps (its axis 1) so each "
                f"step stays legible, got {shape[1]}"
            )
        defaults = kernel is None and recurrent_kernel is None and bias is NOT_GIVEN
        kernel, recurrent_kernel, bias = given_weights(
            kernel, recurrent_kernel, bias,
            (TIME_KERNEL, TIME_RECURRENT_KERNEL, TIME_BIAS), "notebook 04's weights",
        )
        if defaults and len(shape) == 3 and shape[2] != TIME_KERNEL.shape[0]:
            raise ValueError(
                f"x has {shape[2]} features but the default weights are for "
                f"{TIME_KERNEL.shape[0]}: pass kernel and recurrent_kernel (and bias) too"
            )
        inputs = check_inputs(TIME_X if x is None else x, kernel, recurrent_kernel, bias)
        self.lstm_inputs = inputs
        self.run = run_checked(inputs, trace=True)
        self.x, self.kernel = inputs.x, inputs.kernel
        self.recurrent_kernel, self.bias = inputs.recurrent_kernel, inputs.bias
        self._layer = inputs.layer
        self.units, self.features = self._layer.units, self._layer.features
        self.timesteps = self.x.shape[1]

        self.t = IntSlider(1, min=1, max=self.timesteps, description="timestep t",
                           style=_LABEL_STYLE, layout=_WIDE)
        self.play = Play(value=1, min=1, max=self.timesteps, interval=1200,
                         description="play", tooltip="step through the sequence")
        self._link = widgets.jslink((self.play, "value"), (self.t, "value"))
        self.values = widgets.HTML()
        self.cell_image = DiagramImage()
        self.time_image = DiagramImage()
        self._keras = KerasCheck(
            "Run a real Keras LSTM on the whole sequence with these weights",
            key=lambda: "the whole sequence", ask=self._ask_keras, verdict=self._verdict,
        )
        self.check_button, self.check_result = self._keras.button, self._keras.result
        self._diagram = diagrams.CellDiagram()
        self._over_time = diagrams.GatesOverTime(max_timesteps=self.timesteps)
        self._over_time.update(self.run.trace, 0)

        self._watch(self.t)
        super().__init__([
            widgets.HBox([self.play, self.t, self.check_button, self.check_result]),
            self.values,
            self.cell_image,
            self.time_image,
        ])
        self._finish()

    def check_controls(self) -> None:
        """Raise if the slider points past the sequence.

        Raises
        ------
        TypeError, ValueError
            Naming the timestep refused.
        """
        t = _checks.positive_int("timestep t", self.t.value)
        if t > self.timesteps:
            raise ValueError(f"timestep t must be from 1 to {self.timesteps}, got {t}")

    def step(self) -> Step:
        """What the cell computed at the timestep the slider shows.

        Returns
        -------
        Step
            That step of the trace.
        """
        return self.run.trace[self.t.value - 1]

    def refresh(self, change: object = None) -> None:
        """Show the chosen step: redraw the cell's numbers and move the time marker.

        Parameters
        ----------
        change : object
            Ignored (an observe callback's argument).
        """
        step = self.step()
        self._diagram.update(self._layer, step)
        self.cell_image.show(self._diagram.figure)
        self._over_time.mark(self.t.value)
        self.time_image.show(self._over_time.figure)
        self.values.value = _pre(self._values_text(step))
        self._keras.show()

    def _values_text(self, step: Step) -> str:
        t = self.t.value
        return (
            f"t = {t} of {self.timesteps}   xₜ = {vector(step.x[0])}\n"
            f"Cₜ₋₁ = {vector(step.c_prev[0])}  →  Cₜ = {vector(step.c[0])}\n"
            f"hₜ₋₁ = {vector(step.h_prev[0])}  →  hₜ = {vector(step.h[0])}"
        )

    def _ask_keras(self, _: object) -> np.ndarray:
        """Keras' h at every step: one run answers every position of the slider."""
        from lstm_teach.keras_bridge import keras_lstm_forward

        inputs = self.lstm_inputs
        return keras_lstm_forward(
            inputs.x, inputs.kernel, inputs.recurrent_kernel, inputs.bias
        ).sequences

    def _verdict(self, sequences: np.ndarray) -> str:
        keras_h = sequences[:, self.t.value - 1]
        return agreement_text(keras_h, self.step().h, vector(keras_h[0]))

    def check_with_keras(self) -> np.ndarray:
        """Run a real Keras LSTM on the whole sequence (once); return its h at every step.

        Returns
        -------
        numpy.ndarray
            (1, timesteps, units): Keras' output sequence.
        """
        return self._keras.run()

    def figures(self) -> tuple[Figure, ...]:
        """The cell diagram and the gates over time.

        Returns
        -------
        tuple of Figure
            Two figures.
        """
        return self._diagram.figure, self._over_time.figure

    def state(self) -> str:
        """One line: the layer, the step shown, and its C_t and h_t.

        Returns
        -------
        str
            E.g. "time_stepper: units=2, features=2, timesteps=6, t=4 → C_t=[…], h_t=[…]".
        """
        step = self.step()
        return (
            f"time_stepper: units={self.units}, features={self.features}, "
            f"timesteps={self.timesteps}, t={self.t.value} → "
            f"C_t={vector(step.c[0])}, h_t={vector(step.h[0])}"
        )


def time_stepper(
    x: object = None,
    kernel: object = None,
    recurrent_kernel: object = None,
    bias: Any = NOT_GIVEN,
) -> TimeStepper:
    """Step one sequence through an LSTM layer with a timestep slider (and a play button).

    x is one sequence shaped (1, timesteps, features) with up to 20 timesteps; kernel
    (features, 4·units), recurrent_kernel (units, 4·units) and bias (4·units,) are the
    layer's weights, as from lstm_weights(layer). Without arguments it shows notebook
    04's example (units=2, features=2, six timesteps). Pass bias=None with your own
    kernel for a layer without bias.

    Parameters
    ----------
    x : array_like or None
        (1, timesteps, features); None for notebook 04's sequence.
    kernel, recurrent_kernel : array_like or None
        The layer's kernel and recurrent kernel.
    bias : array_like or None
        The layer's bias, or None for no bias; leave out all three weights for notebook
        04's.

    Returns
    -------
    TimeStepper
        The widget; display it (end a cell with it).

    Raises
    ------
    TypeError, ValueError
        As TimeStepper raises them.
    """
    return TimeStepper(x, kernel, recurrent_kernel, bias)
