"""One LSTM step drawn as the classic cell picture, with weight shapes and numbers.

x_t and h_{t-1} reach every gate box; each box shows its slice of the kernel, the
recurrent kernel and the bias, and, given a traced step, its pre-activation and value.
The cell-state line runs from C_{t-1} through × (forget) and + (add i·g) to C_t.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch

from lstm_teach.counting import LayerSpec
from lstm_teach.diagrams.canvas import (
    GATE_COLOURS,
    GATE_NAMES,
    INK,
    MUTED,
    Picture,
    tint,
    two_decimals,
)
from lstm_teach.diagrams.lettering import Label
from lstm_teach.reference import LSTM_GATES, Step

_CELL_INCHES = (8.0, 4.5)
_CELL_LINE_Y = 262.0
_BOX_BOTTOM = 104.0
_BOX_TOP = 194.0
_BOX_WIDTH = 92.0
_BUS_Y = 80.0
_BUS_START = 110.0
_FAN_START = 86.0  # where the input lines leave their labels
_MIX_Y = 228.0  # height of the i·g multiply node
_OUTPUT_MIX_Y = 208.0  # height of the o·tanh(C_t) multiply node
#: Left-to-right order of the gate boxes: f first, because it acts first on C_{t-1}.
_BOX_ORDER = ("f", "i", "c", "o")
_BOX_CENTRES = MappingProxyType({"f": 160.0, "i": 260.0, "c": 360.0, "o": 460.0})
_SHOWN_FEATURES = 4
_FEATURE_YS = (146.0, 130.0, 114.0, 98.0)
_ACTIVATION = MappingProxyType({"i": "σ", "f": "σ", "c": "tanh", "o": "σ"})
_OUT_X = 524.0


def check_step(step: object, units: int, features: int) -> Step | None:
    """step must be None or a reference.Step whose arrays match units and features."""
    if step is None:
        return None
    if not isinstance(step, Step):
        raise TypeError(
            "step must be None or one lstm_teach.reference.Step, e.g. "
            f"lstm_forward(..., trace=True).trace[0]; got {type(step).__name__}"
        )
    if tuple(step.gates) != LSTM_GATES:
        raise ValueError(f"step must hold the LSTM gates {LSTM_GATES}, got {tuple(step.gates)}")
    arrays = {"x": step.x, "h_prev": step.h_prev, "c_prev": step.c_prev, "c": step.c,
              "h": step.h}
    for gate, gate_step in step.gates.items():
        arrays[f"gates[{gate!r}].pre_activation"] = gate_step.pre_activation
        arrays[f"gates[{gate!r}].activation"] = gate_step.activation
    for name, value in arrays.items():
        width, size = (features, "features") if name == "x" else (units, "units")
        shape = np.shape(value)
        if len(shape) != 2 or shape[0] < 1 or shape[1] != width:
            raise ValueError(
                f"step.{name} must have shape (batch, {width}) to match {size}={width}, "
                f"got {shape}"
            )
    return step


def _first(value: np.ndarray) -> float:
    """Sample 0, unit (or feature) 0 of a (batch, n) array."""
    return float(np.asarray(value)[0, 0])


class CellDiagram(Picture):
    """One LSTM step as the classic cell picture, with shapes and optional numbers.

    x_t (one line per feature) and h_{t-1} reach every gate box; the boxes f, i, c, o
    show their slices of kernel, recurrent_kernel and bias; the cell-state line runs
    from C_{t-1} through × (forget) and + (add i·g) to C_t; h_t = o·tanh(C_t) leaves
    on the right. `update` changes only labels and visibility.
    """

    def __init__(self) -> None:
        super().__init__(*_CELL_INCHES)
        self._title, self._subtitle = self._headings()
        self._draw_cell_state()
        self._draw_boxes()
        self._draw_inputs()
        self._draw_output()
        self.layer = LayerSpec(1, 1)
        self.update(self.layer)

    def _draw_cell_state(self) -> None:
        forget_x = _BOX_CENTRES["f"]
        add_x = (_BOX_CENTRES["i"] + _BOX_CENTRES["c"]) / 2
        self._arrow((62.0, _CELL_LINE_Y), (_OUT_X + 12, _CELL_LINE_Y), linewidth=2.2,
                    mutation_scale=12)
        self._node(forget_x, _CELL_LINE_Y, "×")
        self._node(add_x, _CELL_LINE_Y, "+")
        self._node(add_x, _MIX_Y, "×")
        self._arrow((add_x, _MIX_Y + 7), (add_x, _CELL_LINE_Y - 7))
        self._label((56.0, _CELL_LINE_Y), "Cₜ₋₁", size=10, style="bold", ha="right",
                    va="center")
        self._label((_OUT_X + 16, _CELL_LINE_Y), "Cₜ", size=10, style="bold", va="center")
        self._c_prev = self._label((56.0, _CELL_LINE_Y - 10), size=8.5, style="mono",
                                   ha="right", va="top")
        self._c_now = self._label((_OUT_X + 14, _CELL_LINE_Y - 8), size=8.5, style="mono",
                                  va="top")
        self._forgotten = self._label((forget_x + 12, _CELL_LINE_Y + 5), size=8,
                                      color=MUTED, va="bottom")
        self._added = self._label((add_x + 11, _MIX_Y + 9), size=8, color=MUTED,
                                  va="bottom")

    def _draw_boxes(self) -> None:
        add_x = (_BOX_CENTRES["i"] + _BOX_CENTRES["c"]) / 2
        self._box_body: dict[str, Label] = {}
        for gate in _BOX_ORDER:
            position = LSTM_GATES.index(gate)
            centre = _BOX_CENTRES[gate]
            left = centre - _BOX_WIDTH / 2
            self._axes.add_artist(FancyBboxPatch(
                (left, _BOX_BOTTOM), _BOX_WIDTH, _BOX_TOP - _BOX_BOTTOM,
                boxstyle="round,pad=0,rounding_size=5",
                facecolor=tint(GATE_COLOURS[position], 0.3),
                edgecolor=GATE_COLOURS[position], linewidth=2.2, gid=f"gate-box:{gate}",
            ))
            self._label((left + 6, _BOX_TOP - 5), gate, size=16, style="bold", va="top")
            name = GATE_NAMES["lstm"][position].replace(" (tanh)", "")
            self._label((left + 22, _BOX_TOP - 5), f"{name}\n{_ACTIVATION[gate]}(z)",
                        size=8, va="top", linespacing=1.1)
            self._box_body[gate] = self._label((left + 6, _BOX_TOP - 30), size=8,
                                               style="mono", va="top", linespacing=1.2)
            self._arrow((centre, _BUS_Y), (centre, _BOX_BOTTOM))
        forget_x = _BOX_CENTRES["f"]
        self._arrow((forget_x, _BOX_TOP), (forget_x, _CELL_LINE_Y - 7))
        self._label((forget_x + 4, _MIX_Y), "f", size=8, color=MUTED, va="center")
        for gate, towards in (("i", 1.0), ("c", -1.0)):
            centre = _BOX_CENTRES[gate]
            self._line((centre, centre), (_BOX_TOP, _MIX_Y))
            self._arrow((centre, _MIX_Y), (add_x - towards * 7, _MIX_Y))
            self._label((centre + 4, _BOX_TOP + 12), "i" if gate == "i" else "g", size=8,
                        color=MUTED, va="center")

    def _draw_inputs(self) -> None:
        last_box = _BOX_CENTRES[_BOX_ORDER[-1]]
        self._line((_BUS_START, last_box), (_BUS_Y, _BUS_Y), linewidth=1.8)
        self._axes.add_artist(Circle((_BUS_START, _BUS_Y), 3.0, color=INK))
        self._label((_BUS_START + 8, _BUS_Y - 6),
                    "[xₜ, hₜ₋₁] reaches every gate box: every feature meets every gate",
                    size=8, color=MUTED, va="top")
        self._numbers = self._label((_BUS_START + 8, 44.0), size=8, color=MUTED,
                                    va="center")
        self._label((8.0, 172.0), "xₜ: one line\nper feature", size=8, style="bold",
                    va="center", linespacing=1.1)
        self._feature_labels = []
        self._feature_lines = []
        for y in _FEATURE_YS:
            self._feature_labels.append(self._label((8.0, y), size=8, style="mono",
                                                    va="center"))
            self._feature_lines.append(self._line((_FAN_START, _BUS_START), (y, _BUS_Y),
                                                  linewidth=0.9))
        self._more_features = self._label((8.0, _FEATURE_YS[-1]), size=8, color=MUTED,
                                          va="center")
        self._more_line = self._line((_FAN_START, _BUS_START), (_FEATURE_YS[-1], _BUS_Y),
                                     linewidth=0.9, linestyle=(0, (1.5, 2)))
        self._h_prev = self._label((8.0, 44.0), size=8, style="mono", va="center")
        self._line((_FAN_START, _BUS_START), (44.0, _BUS_Y), linewidth=1.4)

    def _draw_output(self) -> None:
        output_gate_x = _BOX_CENTRES["o"]
        self._line((_OUT_X, _OUT_X), (_CELL_LINE_Y, 240.0))
        self._axes.add_artist(FancyBboxPatch(
            (_OUT_X - 13, 226.0), 26, 14, boxstyle="round,pad=0,rounding_size=3",
            facecolor="white", edgecolor=INK, linewidth=0.8, zorder=3,
        ))
        self._label((_OUT_X, 233.0), "tanh", size=8, ha="center", va="center")
        self._arrow((_OUT_X, 226.0), (_OUT_X, _OUTPUT_MIX_Y + 7))
        self._node(_OUT_X, _OUTPUT_MIX_Y, "×")
        self._line((output_gate_x, output_gate_x), (_BOX_TOP, _OUTPUT_MIX_Y))
        self._arrow((output_gate_x, _OUTPUT_MIX_Y), (_OUT_X - 7, _OUTPUT_MIX_Y))
        self._arrow((_OUT_X, _OUTPUT_MIX_Y - 7), (_OUT_X, 96.0), linewidth=1.8,
                    mutation_scale=11)
        self._label((_OUT_X + 9, 150.0), "hₜ = o·tanh(Cₜ)", size=8, color=MUTED,
                    ha="center", va="center", rotation=90)
        self._label((_OUT_X, 90.0), "hₜ", size=10, style="bold", ha="center", va="top")
        self._h_now = self._label((_OUT_X, 74.0), size=8.5, style="mono", ha="center",
                                  va="top")

    def update(self, layer: LayerSpec, step: Step | None = None) -> None:
        """Redraw for this LSTM layer; with a Step, show its numbers for sample 0, unit 0."""
        if not isinstance(layer, LayerSpec):
            raise TypeError(f"layer must be a lstm_teach.LayerSpec, got {type(layer).__name__}")
        if layer.cell != "lstm" or not layer.keras:
            raise ValueError(
                "layer must be a Keras LSTM (cell='lstm', convention='keras'), got "
                f"cell={layer.cell!r}, convention={layer.convention!r}"
            )
        units, features, total = layer.units, layer.features, layer.count
        step = check_step(step, units, features)
        self.layer = layer
        self._title.set_text(f"One LSTM step: units={units}, features={features}, "
                             f"{total} parameters")
        if step is None:
            numbers = "Pass step=lstm_forward(..., trace=True).trace[t] to see the numbers."
        elif units > 1:
            numbers = f"Numbers: sample 0, unit 0 of {units}; the shapes cover all units."
        else:
            numbers = "Numbers: sample 0 of the batch."
        self._numbers.set_text(numbers)
        bias = f" + {units}" if layer.use_bias else ""
        self._subtitle.set_text(
            f"Each gate box owns a column block of {', '.join(layer.shapes)}: "
            f"4 × ({features}·{units} + {units}·{units}{bias}) = {total}"
        )
        self._update_boxes(layer, step)
        self._update_inputs(features, step)
        value_labels = (self._c_prev, self._c_now, self._h_now, self._forgotten, self._added)
        for label in value_labels:
            label.set_visible(step is not None)
        if step is None:
            return
        forget = _first(step.gates["f"].activation)
        mixed = _first(step.gates["i"].activation) * _first(step.gates["c"].activation)
        self._c_prev.set_text(two_decimals(_first(step.c_prev)))
        self._c_now.set_text(two_decimals(_first(step.c)))
        self._h_now.set_text(two_decimals(_first(step.h)))
        self._forgotten.set_text(f"f·Cₜ₋₁ = {two_decimals(forget * _first(step.c_prev))}")
        self._added.set_text(f"i·g = {two_decimals(mixed)}")

    def _update_boxes(self, layer: LayerSpec, step: Step | None) -> None:
        shapes = layer.path_shapes
        for gate, body in self._box_body.items():
            output = "g" if gate == "c" else gate
            lines = [
                f"kernel    {shapes['kernel']}",
                f"recurrent {shapes['recurrent_kernel']}",
                f"bias      {shapes.get('bias', 'none')}",
            ]
            if step is None:
                lines += ["z = x·W+h·U+b", f"{output} = {_ACTIVATION[gate]}(z)"]
            else:
                gate_step = step.gates[gate]
                lines += [f"z = {two_decimals(_first(gate_step.pre_activation))}",
                          f"{output} = {two_decimals(_first(gate_step.activation))}"]
            body.set_text("\n".join(lines))

    def _update_inputs(self, features: int, step: Step | None) -> None:
        shown = features if features <= _SHOWN_FEATURES else _SHOWN_FEATURES - 1
        x = None if step is None else np.asarray(step.x)[0]
        for index, (label, line) in enumerate(
            zip(self._feature_labels, self._feature_lines, strict=True)
        ):
            visible = index < shown
            label.set_visible(visible)
            line.set_visible(visible)
            if visible:
                value = "" if x is None else f" = {two_decimals(float(x[index]))}"
                label.set_text(f"xₜ[{index}]{value}")
        hidden = features - shown
        self._more_features.set_visible(hidden > 0)
        self._more_line.set_visible(hidden > 0)
        self._more_features.set_text(f"… {hidden} more" if hidden else "")
        value = "" if step is None else f"[0] = {two_decimals(_first(step.h_prev))}"
        self._h_prev.set_text(f"hₜ₋₁{value}")


def cell_diagram_figure(units: int, features: int, *, step: Step | None = None) -> Figure:
    """Draw one LSTM step with each gate's weight shapes, and its numbers when step is given."""
    diagram = CellDiagram()
    diagram.update(LayerSpec(units, features), step)
    return diagram.figure


