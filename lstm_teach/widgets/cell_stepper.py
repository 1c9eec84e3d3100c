"""cell_stepper: one LSTM step for one unit and one or two features, gate by gate."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lstm_teach import _checks, diagrams
from lstm_teach.counting import LayerSpec
from lstm_teach.formatting import signed
from lstm_teach.reference import lstm_forward
from lstm_teach.widgets._base import (
    _LABEL_STYLE,
    _WIDE,
    NOT_GIVEN,
    DiagramImage,
    FloatSlider,
    KerasCheck,
    ToggleButtons,
    _Explorer,
    agreement_text,
    constant,
    given_weights,
)

#: Weights of cell_stepper's layer (units=1), one column per path i, f, c, o. Row 0 is
#: notebook 01's kernel; row 1 is used when a second feature is switched on.
STEPPER_KERNEL = constant([[1.0, 0.5, 2.0, -1.0], [-0.5, 1.0, 0.5, 0.75]])
STEPPER_RECURRENT_KERNEL = constant([[0.5, -0.5, 1.0, 0.25]])
STEPPER_BIAS = constant([0.0, 1.0, 0.0, 0.5])


class CellStepper(_Explorer):
    """One LSTM step for one unit and one or two features, gate by gate.

    Parameters
    ----------
    features : int
        1 or 2: the seed's two cases (a toggle switches between them).
    kernel : array_like or None
        (2, 4): one row per feature (row 1 is used when the second feature is on).
    recurrent_kernel : array_like or None
        (1, 4).
    bias : array_like, None or NOT_GIVEN
        (4,); None for a layer without bias. Leave out all three weights for notebook
        01's.

    Raises
    ------
    TypeError
        If a weight holds no real numbers, features is not a whole number, or some but
        not all weights are given.
    ValueError
        If features is not 1 or 2, or a weight has the wrong shape or a NaN.
    """

    def __init__(
        self,
        features: int = 1,
        kernel: object = None,
        recurrent_kernel: object = None,
        bias: object = NOT_GIVEN,
    ) -> None:
        features = _checks.positive_int("features", features)
        if features > 2:
            raise ValueError(f"features must be 1 or 2 (the seed's two cases), got {features}")
        kernel, recurrent_kernel, bias = given_weights(
            kernel, recurrent_kernel, bias,
            (STEPPER_KERNEL, STEPPER_RECURRENT_KERNEL, STEPPER_BIAS), "notebook 01's weights",
        )
        layer = LayerSpec.from_weights(kernel, recurrent_kernel, bias)
        if (layer.features, layer.units) != (2, 1):
            raise ValueError(
                f"kernel must have shape (2, 4): one row per feature for features=2 and "
                f"units=1; got weights for units={layer.units}, features={layer.features}"
            )
        # Read-only copies: changing the caller's arrays, or these, cannot make the
        # picture and the Keras check disagree.
        self.kernel, self.recurrent_kernel, self.bias = (
            None if array is None else constant(array)
            for array in (kernel, recurrent_kernel, bias)
        )

        slider = {"min": -2.0, "max": 2.0, "step": 0.1, "readout_format": "+.1f",
                  "style": _LABEL_STYLE, "layout": _WIDE}
        self.features = ToggleButtons(
            options=[("1 feature", 1), ("2 features", 2)], value=features,
            description="features", style={**_LABEL_STYLE, "button_width": "90px"},
        )
        self.x0 = FloatSlider(0.8, description="x_t[0]", **slider)
        self.x1 = FloatSlider(0.4, description="x_t[1]", **slider)
        self.h_prev = FloatSlider(0.0, description="h_t-1", **slider)
        self.c_prev = FloatSlider(0.0, description="C_t-1", **slider)
        self.image = DiagramImage()
        self.result = widgets.HTML()
        self._keras = KerasCheck(
            "Run a real Keras LSTM with these weights and states",
            key=self._key, ask=self._ask_keras,
            verdict=lambda keras_h: agreement_text(keras_h, self.step.h.item(),
                                                   signed(keras_h)),
            pending="not yet checked with Keras",
        )
        self.check_button, self.check_result = self._keras.button, self._keras.result
        self._diagram = diagrams.CellDiagram()

        self._watch(self.features, self.x0, self.x1, self.h_prev, self.c_prev)
        super().__init__([
            widgets.HBox([
                widgets.VBox([self.features, self.x0, self.x1]),
                widgets.VBox([self.h_prev, self.c_prev,
                              widgets.HBox([self.check_button, self.check_result])]),
            ]),
            self.image,
            self.result,
        ])
        self._finish()

    def check_controls(self) -> None:
        """Raise if the controls hold values this step cannot be computed for.

        Raises
        ------
        TypeError, ValueError
            Naming the value refused.
        """
        _checks.choice("features", str(self.features.value), ("1", "2"))
        x, kernel, h0, c0 = self.inputs()
        lstm_forward(x, kernel, self.recurrent_kernel, self.bias, h0, c0)

    def inputs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The step's input and states from the controls, and the kernel rows in use.

        Returns
        -------
        tuple of numpy.ndarray
            x (1, 1, features), kernel (features, 4), h0 (1, 1) and c0 (1, 1).
        """
        features = self.features.value
        x = np.array([self.x0.value, self.x1.value][:features]).reshape(1, 1, features)
        return x, self.kernel[:features], np.array([[self.h_prev.value]]), np.array(
            [[self.c_prev.value]]
        )

    def layer(self) -> LayerSpec:
        """The layer the controls describe: one unit, one or two features.

        Returns
        -------
        LayerSpec
            units=1, the features the toggle shows, a bias unless bias=None was given.
        """
        return LayerSpec(1, self.features.value, use_bias=self.bias is not None)

    def refresh(self, change: object = None) -> None:
        """Run the step in NumPy and redraw the cell with every gate's value.

        Parameters
        ----------
        change : object
            Ignored (an observe callback's argument).
        """
        self.x1.disabled = self.features.value == 1
        x, kernel, h0, c0 = self.inputs()
        run = lstm_forward(x, kernel, self.recurrent_kernel, self.bias, h0, c0, trace=True)
        self.step = run.trace[0]
        self._diagram.update(self.layer(), self.step)
        self.image.show(self._diagram.figure)
        self.result.value = (
            f"NumPy reference: C<sub>t</sub> = {signed(run.c.item())}, "
            f"h<sub>t</sub> = {signed(run.h.item())}"
        )
        self._keras.show()

    def _key(self) -> tuple[float, ...]:
        x, _, h0, c0 = self.inputs()
        return (*x.ravel().tolist(), h0.item(), c0.item())

    def _ask_keras(self, _: object) -> float:
        from lstm_teach.keras_bridge import keras_lstm_forward

        x, kernel, h0, c0 = self.inputs()
        return keras_lstm_forward(x, kernel, self.recurrent_kernel, self.bias, h0, c0).h.item()

    def check_with_keras(self) -> float:
        """Run a real Keras LSTM with the same weights and states; show and return its h_t.

        Returns
        -------
        float
            h_t as Keras computed it (float32 round-off included).
        """
        return self._keras.run()

    def figures(self) -> tuple[Figure, ...]:
        """The cell diagram.

        Returns
        -------
        tuple of Figure
            One figure.
        """
        return (self._diagram.figure,)

    def state(self) -> str:
        """One line: the step's inputs and its output h_t.

        Returns
        -------
        str
            E.g. "cell_stepper: units=1, features=1, x_t=[+0.8], … → h_t=+0.2392".
        """
        x, _, h0, c0 = self.inputs()
        values = ", ".join(signed(value, 1) for value in x.ravel())
        return (
            f"cell_stepper: units=1, features={self.features.value}, x_t=[{values}], "
            f"h_t-1={signed(h0.item(), 1)}, C_t-1={signed(c0.item(), 1)} → "
            f"h_t={signed(self.step.h.item())}"
        )


def cell_stepper(
    features: int = 1,
    kernel: object = None,
    recurrent_kernel: object = None,
    bias: Any = NOT_GIVEN,
) -> CellStepper:
    """Walk one LSTM step (units=1, one or two features) gate by gate.

    Sliders set each feature's input, h_{t-1} and C_{t-1}; the cell diagram shows every
    gate's value. The default weights are notebook 01's; pass kernel (2, 4),
    recurrent_kernel (1, 4) and bias (4,) together to use others (bias=None for a layer
    without bias), as time_stepper takes them.

    Parameters
    ----------
    features : int
        1 or 2.
    kernel : array_like or None
        (2, 4), one row per feature.
    recurrent_kernel : array_like or None
        (1, 4).
    bias : array_like or None
        (4,), or None for no bias; leave out all three weights for notebook 01's.

    Returns
    -------
    CellStepper
        The widget; display it (end a cell with it).

    Raises
    ------
    TypeError, ValueError
        As CellStepper raises them.
    """
    return CellStepper(features, kernel, recurrent_kernel, bias)
