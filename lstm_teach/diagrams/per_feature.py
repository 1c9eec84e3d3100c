"""The joint LSTM next to the rival that reads each feature "separately".

Left: one LSTM layer; every feature feeds every gate of every unit through the kernel's
rows. Right: the rival, one LSTM per feature, each seeing only its own feature, their
outputs joined and read out by one Dense layer. Each side states its count, computed by
`lstm_teach.count_params`, so the rival's larger count is visible too.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from lstm_teach import _checks
from lstm_teach.counting import count_params
from lstm_teach.diagrams._titled import TitledDiagram
from lstm_teach.diagrams.canvas import (
    GATE_COLOURS,
    GATE_NAMES,
    INK,
    MUTED,
    bounded_int,
    subscript,
    tint,
)

_INCHES = (8.0, 4.4)
_MOST_FEATURES = 4
_FEATURE_Y = 44.0
_LAYER = (112.0, 170.0)
_READOUT_Y = (206.0, 226.0)
JOINT = GATE_COLOURS[0]
RIVAL = GATE_COLOURS[3]


class PerFeatureView(TitledDiagram):
    """A joint LSTM beside one LSTM per feature, with the same units per LSTM.

    Parameters
    ----------
    features : int
        The number of input features, 1 to 4.
    units : int
        The units of every LSTM, the joint one and each of the rival's.
    outputs : int
        The units of the Dense layer that reads each model out.

    Raises
    ------
    TypeError, ValueError
        If a size is not a whole number in range.
    """

    def __init__(self, features: int, units: int, outputs: int) -> None:
        self.features = bounded_int("features", features, _MOST_FEATURES,
                                    "more inputs would not be legible")
        self.units = _checks.positive_int("units", units)
        self.outputs = _checks.positive_int("outputs", outputs)
        self.joint_lstm = count_params(self.units, self.features)
        self.rival_lstm = self.features * count_params(self.units, 1)
        self.joint_dense = (self.units + 1) * self.outputs
        self.rival_dense = (self.features * self.units + 1) * self.outputs
        super().__init__(*_INCHES)
        self._draw()
        self.figure.description = self.describe()

    def _box(self, left: float, width: float, colour: str, text: str) -> None:
        self._axes.add_artist(FancyBboxPatch(
            (left, _LAYER[0]), width, _LAYER[1] - _LAYER[0],
            boxstyle="round,pad=0,rounding_size=5", facecolor=tint(colour, 0.12),
            edgecolor=colour, linewidth=1.5, zorder=2,
        ))
        label = self._label((left + width / 2, _LAYER[1] - 8), text, size=8, style="bold",
                            ha="center", va="top", color=colour)
        label.set_alignment("center", "top", self._fitted_size(label, 8.0, width - 8))

    def _gates(self, left: float, width: float) -> list[float]:
        """Four gate letters along the bottom of a box; returns their x positions."""
        xs = [left + width * (k + 0.5) / 4 for k in range(4)]
        for x, letter in zip(xs, GATE_NAMES["lstm"], strict=True):
            self._label((x, _LAYER[0] + 14), letter[0], size=8.5, style="bold", ha="center",
                        va="center", color=INK)
        return xs

    def _readout(self, centre: float, colour: str, count: int, inputs: int) -> None:
        self._axes.add_artist(FancyBboxPatch(
            (centre - 40, _READOUT_Y[0]), 80, _READOUT_Y[1] - _READOUT_Y[0],
            boxstyle="round,pad=0,rounding_size=4", facecolor="white", edgecolor=colour,
            linewidth=1.2, zorder=2,
        ))
        self._label((centre, sum(_READOUT_Y) / 2), f"Dense({self.outputs})", size=8,
                    ha="center", va="center")
        self._label((centre + 44, sum(_READOUT_Y) / 2), f"{inputs} inputs: {count}", size=7.5,
                    color=MUTED, va="center")

    def _draw(self) -> None:
        self._titles(f"{self.features} features: one joint LSTM, or one LSTM per feature?",
                     "Left, every feature reaches every gate of every unit; right, each LSTM "
                     "sees one feature and only the Dense layer combines them.")
        half = self._width / 2
        self._line((half, half), (20, 250), color="#cccccc", linewidth=1.0)
        # joint model
        joint_left, joint_width = 40.0, half - 80.0
        self._box(joint_left, joint_width, JOINT, f"LSTM({self.units}): kernel "
                  f"({self.features}, {4 * self.units}), {self.joint_lstm} parameters")
        gate_xs = self._gates(joint_left, joint_width)
        feature_xs = [joint_left + joint_width * (j + 0.5) / self.features
                      for j in range(self.features)]
        for j, x in enumerate(feature_xs):
            self._label((x, _FEATURE_Y - 4), f"x{subscript(j + 1)}", size=9, ha="center",
                        va="top")
            for gx in gate_xs:
                self._arrow((x, _FEATURE_Y + 2), (gx, _LAYER[0]), color=JOINT,
                            linewidth=0.7, mutation_scale=6)
        self._arrow((half / 2, _LAYER[1]), (half / 2, _READOUT_Y[0]), color=JOINT)
        self._readout(half / 2, JOINT, self.joint_dense, self.units)
        self._label((half / 2, 248), f"joint: {self.joint_lstm + self.joint_dense} parameters",
                    size=9, style="bold", ha="center", va="center", color=JOINT)
        # rival
        rival_left, rival_right = half + 30.0, self._width - 30.0
        pitch = (rival_right - rival_left) / self.features
        width = 0.82 * pitch
        for j in range(self.features):
            left = rival_left + j * pitch + (pitch - width) / 2
            self._box(left, width, RIVAL, f"LSTM({self.units})")
            xs = self._gates(left, width)
            centre = left + width / 2
            name = f"x{subscript(j + 1)}"
            self._label((centre, _FEATURE_Y - 4), f"{name} only" if width > 60 else name,
                        size=9, ha="center", va="top")
            for gx in xs:
                self._arrow((centre, _FEATURE_Y + 2), (gx, _LAYER[0]), color=RIVAL,
                            linewidth=0.7, mutation_scale=6)
            self._arrow((centre, _LAYER[1]), ((rival_left + rival_right) / 2, _READOUT_Y[0]),
                        color=RIVAL)
        centre = (rival_left + rival_right) / 2
        self._readout(centre, RIVAL, self.rival_dense, self.features * self.units)
        self._label((centre, 248), f"one per feature: {self.rival_lstm + self.rival_dense} "
                    "parameters", size=9, style="bold", ha="center", va="center", color=RIVAL)
        plural = "unit" if self.units == 1 else "units"
        self._label((half, 14), f"each LSTM: {self.units} {plural}; the rival's LSTMs hold "
                    f"{self.features} × {count_params(self.units, 1)} = {self.rival_lstm} "
                    "parameters", size=8, color=MUTED, ha="center", va="center")

    def describe(self) -> str:
        """What the picture shows, in words and numbers, for a screen reader or alt text.

        Returns
        -------
        str
            One paragraph, also the figure's `description`.
        """
        return (
            f"Two models on {self.features} features. Joint: one LSTM of {self.units} units "
            f"whose kernel ({self.features}, {4 * self.units}) sends every feature to every "
            f"gate (i, f, c, o) of every unit, {self.joint_lstm} parameters, then "
            f"Dense({self.outputs}) with {self.joint_dense}: "
            f"{self.joint_lstm + self.joint_dense} in all. Rival: {self.features} LSTMs of "
            f"{self.units} units, each fed one feature only, {self.rival_lstm} parameters "
            f"together, their {self.features * self.units} outputs joined and read by "
            f"Dense({self.outputs}) with {self.rival_dense}: "
            f"{self.rival_lstm + self.rival_dense} in all. Only the joint model lets a unit "
            f"combine features inside the recurrence."
        )


def per_feature_figure(features: int = 2, units: int = 4, outputs: int = 1) -> Figure:
    """Draw the joint LSTM next to one LSTM per feature (the "processed separately"
    reading), each read out by Dense(outputs), with both parameter counts.

    Parameters
    ----------
    features : int
        The number of input features, 1 to 4.
    units : int
        The units of every LSTM, the joint one and each of the rival's.
    outputs : int
        The units of the Dense layer that reads each model out.

    Returns
    -------
    DiagramFigure
        The picture; its `description` gives both models' counts.

    Raises
    ------
    TypeError, ValueError
        If a size is not a whole number in range.
    """
    return PerFeatureView(features, units, outputs).figure
