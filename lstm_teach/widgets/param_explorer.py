"""param_explorer: a recurrent layer's settings, its count, its weights and its unrolled view."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

from lstm_teach import _checks, diagrams
from lstm_teach.counting import CELL_KINDS, LayerSpec
from lstm_teach.widgets._base import (
    _LABEL_STYLE,
    _WIDE,
    Checkbox,
    DiagramImage,
    Dropdown,
    IntSlider,
    KerasCheck,
    ToggleButtons,
    _Explorer,
    _pre,
)

_CELL_OPTIONS = [(kind.title, name) for name, kind in CELL_KINDS.items()]

#: Control bounds of param_explorer (the diagrams are sized for them).
MAX_UNITS = 8
MAX_FEATURES = 8
MAX_TIMESTEPS = 10


class ParamExplorer(_Explorer):
    """Controls for a recurrent layer's settings; shows its formula, table and diagrams.

    Controls set from code are checked by name: units and features from 1 to 8,
    timesteps from 1 to 10, cell one of CELLS, convention "keras" or "pytorch", the
    check boxes True or False.
    """

    def __init__(self) -> None:
        self.units = IntSlider(
            1, min=1, max=MAX_UNITS, description="units", style=_LABEL_STYLE, layout=_WIDE
        )
        self.features = IntSlider(
            1, min=1, max=MAX_FEATURES, description="features", style=_LABEL_STYLE,
            layout=_WIDE,
        )
        self.timesteps = IntSlider(
            1, min=1, max=MAX_TIMESTEPS, description="timesteps", style=_LABEL_STYLE,
            layout=_WIDE,
        )
        self.cell = Dropdown(
            options=_CELL_OPTIONS, value="lstm", description="cell", style=_LABEL_STYLE,
            layout=_WIDE,
        )
        self.convention = ToggleButtons(
            options=[("Keras", "keras"), ("PyTorch", "pytorch")], value="keras",
            description="convention", style={**_LABEL_STYLE, "button_width": "90px"},
        )
        self.use_bias = Checkbox(True, description="use_bias", indent=False)
        self.reset_after = Checkbox(
            True, description="reset_after (GRU)", indent=False, disabled=True
        )
        self.return_sequences = Checkbox(
            False, description="return_sequences", indent=False
        )
        self.formula = widgets.HTML()
        self.table = widgets.HTML()
        self.shapes = widgets.HTML()
        self.grid_image = DiagramImage()
        self.unrolled_image = DiagramImage()
        self._keras = KerasCheck(
            "Build this layer in Keras and compare its count_params()",
            key=self._keras_key, ask=_keras_count, verdict=self._verdict,
            pending="not yet checked with Keras for these settings",
        )
        self.check_button, self.check_result = self._keras.button, self._keras.result

        self._grid = diagrams.WeightGrid(MAX_UNITS, MAX_FEATURES)
        self._unrolled = diagrams.UnrolledView(MAX_TIMESTEPS)
        self._drawn: dict[str, tuple[Any, ...]] = {}

        controls = [
            self.units, self.features, self.timesteps, self.cell, self.convention,
            self.use_bias, self.reset_after, self.return_sequences,
        ]
        self._watch(*controls)
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
        self._finish()

    def settings(self) -> LayerSpec:
        """The layer the controls describe.

        Returns
        -------
        LayerSpec
            reset_after is True wherever it does not apply (PyTorch, LSTM, SimpleRNN).
        """
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
        """Raise if the controls hold sizes the diagrams cannot show.

        Raises
        ------
        TypeError, ValueError
            Naming the sizes refused.
        """
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
        """Recompute every view from the controls; diagrams redraw only if their input changed.

        Parameters
        ----------
        change : object
            Ignored (an observe callback's argument).
        """
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
        self._keras.show()

    def check_with_keras(self) -> int:
        """Build a real Keras layer for these settings (once) and show its count.

        Returns
        -------
        int
            The Keras layer's count_params() (for the PyTorch convention, the Keras
            layer of the same settings).
        """
        return self._keras.run()

    def _verdict(self, keras_count: int) -> str:
        ours = self.settings().count
        if self.convention.value == "pytorch":
            return f"Keras layer: {keras_count}; PyTorch keeps a second bias: {ours}"
        if keras_count == ours:
            return f"✔ Keras layer.count_params() = {keras_count}"
        return f"✘ Keras says {keras_count}, formula says {ours}"

    def figures(self) -> tuple[Figure, ...]:
        """The weight grid and the unrolled view.

        Returns
        -------
        tuple of Figure
            Two figures.
        """
        return self._grid.figure, self._unrolled.figure

    def state(self) -> str:
        """One line: the layer's settings and its count.

        Returns
        -------
        str
            E.g. "param_explorer: lstm (keras), units=1, features=1, timesteps=1 → 12
            parameters".
        """
        layer = self.settings()
        return (
            f"param_explorer: {layer.cell} ({layer.convention}), "
            f"units={layer.units}, features={layer.features}, "
            f"timesteps={self.timesteps.value} → {layer.count} parameters"
        )


def _keras_count(layer: LayerSpec) -> int:
    from lstm_teach.keras_bridge import keras_count

    return keras_count(layer)


def param_explorer() -> ParamExplorer:
    """Sliders for units, features and timesteps, cell type, bias, convention and
    return_sequences; shows the formula, the weight table, the weight grid, the unrolled
    view and the output shape, and checks the count against a real Keras layer.

    Returns
    -------
    ParamExplorer
        The widget; display it (end a cell with it).
    """
    return ParamExplorer()
