"""cell_stepper: one LSTM step for one unit and one or two features, gate by gate."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lstm_teach import _checks, diagrams
from lstm_teach.counting import LayerSpec
from lstm_teach.reference import lstm_forward
from lstm_teach.widgets._base import _LABEL_STYLE, _WIDE, _agreement, _Explorer, _Picture

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
