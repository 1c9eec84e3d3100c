"""One LSTM step drawn as the classic cell picture, with weight shapes and numbers.

The gate boxes stand left to right in Keras' order i, f, c, o, the order of their column
blocks in every weight. x_t (one line per feature) and h_{t-1} (one line per unit) reach
every box; each box shows its slice of the kernel, the recurrent kernel and the bias,
and, given a traced step, its pre-activation z and value for unit 0. The cell-state line
runs from C_{t-1} through × (the forget gate) and + (adding i·g) to C_t.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch
from matplotlib.patheffects import Normal, Stroke

from lstm_teach.counting import LayerSpec
from lstm_teach.diagrams.canvas import (
    GATE_COLOURS,
    GATE_NAMES,
    INK,
    MUTED,
    Diagram,
    shape_text,
    tint,
    value_text,
)
from lstm_teach.diagrams.lettering import Label
from lstm_teach.reference import LSTM_GATES, Step

_CELL_INCHES = (8.0, 4.5)
_CELL_LINE_Y = 262.0
_BOX_BOTTOM = 104.0
_BOX_TOP = 194.0
_BOX_WIDTH = 92.0
_BODY_ROOM = _BOX_WIDTH - 10.0  # points of a box the text inside may fill
_BODY_SIZE = 8.0
_BUS_Y = 80.0
_BUS_START = 110.0
_FAN_START = 86.0  # where the input lines leave their labels
_MIX_Y = 228.0  # height of the i·g multiply node
_OUTPUT_MIX_Y = 208.0  # height of the o·tanh(C_t) multiply node
#: Gate boxes left to right in Keras' block order, and their centres.
_BOX_CENTRES = MappingProxyType({"i": 160.0, "f": 260.0, "c": 360.0, "o": 460.0})
_ADD_X = 310.0  # the + node on the cell-state line, where i·g joins
_FEATURE_YS = (150.0, 136.0, 122.0, 108.0)  # up to 4 input lines, the last may say "more"
_UNIT_YS = (62.0, 48.0, 34.0)  # up to 3 lines of h_{t-1}, the last may say "more"
_LEFT_ROOM = _FAN_START - 12.0  # points for the labels of the input lines
_ACTIVATION = MappingProxyType({"i": "σ", "f": "σ", "c": "tanh", "o": "σ"})
_OUT_X = 524.0


def check_step(step: object, units: int, features: int) -> Step | None:
    """step must be None or a reference.Step whose arrays match units and features.

    Parameters
    ----------
    step : object
        None, or a Step such as lstm_forward(..., trace=True).trace[0].
    units, features : int
        The layer's size the step must match.

    Returns
    -------
    Step or None
        step itself.

    Raises
    ------
    TypeError
        If step is neither None nor a Step.
    ValueError
        If its gates or array shapes do not match an LSTM of this size.
    """
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


class _InputLines:
    """Labelled lines from the left edge into the bus: one per entry of a vector, the
    last slot saying how many more there are when they do not all fit."""

    def __init__(self, picture: CellDiagram, ys: tuple[float, ...], symbol: str) -> None:
        self.symbol = symbol
        self.labels: list[Label] = []
        self.lines = []
        for y in ys:
            self.labels.append(picture._label((8.0, y), size=8, style="mono", va="center"))
            self.lines.append(picture._line((_FAN_START, _BUS_START), (y, _BUS_Y),
                                            linewidth=0.9))
        self._fit = picture._fitted_size

    def update(self, count: int, values: np.ndarray | None) -> None:
        slots = len(self.labels)
        shown = count if count <= slots else slots - 1
        for index, (label, line) in enumerate(zip(self.labels, self.lines, strict=True)):
            label.set_visible(index < count)
            line.set_visible(index < count)
            line.set_linestyle("-" if index < shown else (0, (1.5, 2)))
            if index < shown:
                value = "" if values is None else f" = {value_text(values[index])}"
                label.set_text(f"{self.symbol}[{index}]{value}")
                label.set_color(INK)
            elif index == shown and count > shown:
                label.set_text(f"… {count - shown} more")
                label.set_color(MUTED)
            label.set_alignment("left", "center", self._fit(label, 8.0, _LEFT_ROOM))


class CellDiagram(Diagram):
    """One LSTM step as the classic cell picture, with shapes and optional numbers.

    x_t (one line per feature) and h_{t-1} (one line per unit) reach every gate box; the
    boxes i, f, c, o show their slices of kernel, recurrent_kernel and bias; the
    cell-state line runs from C_{t-1} through × (forget) and + (add i·g) to C_t;
    h_t = o·tanh(C_t) leaves on the right. `update` changes only labels and visibility.
    """

    def __init__(self) -> None:
        super().__init__(*_CELL_INCHES)
        self._title, self._subtitle = self._headings()
        self._draw_cell_state()
        self._draw_boxes()
        self._draw_inputs()
        self._draw_output()
        self.layer = LayerSpec(1, 1)
        self.step: Step | None = None
        self.update(self.layer)

    def _draw_cell_state(self) -> None:
        forget_x = _BOX_CENTRES["f"]
        self._arrow((62.0, _CELL_LINE_Y), (_OUT_X + 12, _CELL_LINE_Y), linewidth=2.2,
                    mutation_scale=12)
        self._node(forget_x, _CELL_LINE_Y, "×")
        self._node(_ADD_X, _CELL_LINE_Y, "+")
        self._node(_ADD_X, _MIX_Y, "×")
        self._arrow((_ADD_X, _MIX_Y + 7), (_ADD_X, _CELL_LINE_Y - 7))
        self._label((56.0, _CELL_LINE_Y), "Cₜ₋₁", size=10, style="bold", ha="right",
                    va="center")
        self._label((_OUT_X + 16, _CELL_LINE_Y), "Cₜ", size=10, style="bold", va="center")
        self._c_prev = self._label((56.0, _CELL_LINE_Y - 10), size=8.5, style="mono",
                                   ha="right", va="top")
        self._c_now = self._label((_OUT_X + 14, _CELL_LINE_Y - 8), size=8.5, style="mono",
                                  va="top")
        self._forgotten = self._label((forget_x - 12, _CELL_LINE_Y + 5), size=8,
                                      color=MUTED, ha="right", va="bottom")
        self._added = self._label((_ADD_X + 11, _MIX_Y + 9), size=8, color=MUTED,
                                  va="bottom")

    def _draw_boxes(self) -> None:
        self._box_body: dict[str, Label] = {}
        for position, gate in enumerate(LSTM_GATES):
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
            self._box_body[gate] = self._label((left + 6, _BOX_TOP - 30), size=_BODY_SIZE,
                                               style="mono", va="top", linespacing=1.2)
            self._arrow((centre, _BUS_Y), (centre, _BOX_BOTTOM))
        for gate, towards in (("i", 1.0), ("c", -1.0)):
            centre = _BOX_CENTRES[gate]
            self._line((centre, centre), (_BOX_TOP, _MIX_Y))
            self._arrow((centre, _MIX_Y), (_ADD_X - towards * 7, _MIX_Y))
            self._label((centre + 4, _BOX_TOP + 12), "i" if gate == "i" else "g", size=8,
                        color=MUTED, va="center")
        # f rises to the forget node across i's line to the i·g node: a white rim lets
        # i's line pass under it, as a wire crossing without joining.
        forget_x = _BOX_CENTRES["f"]
        rising = self._arrow((forget_x, _BOX_TOP), (forget_x, _CELL_LINE_Y - 7), zorder=3)
        rising.set_path_effects([Stroke(linewidth=5, foreground="white"), Normal()])
        self._label((forget_x + 4, _MIX_Y + 14), "f", size=8, color=MUTED, va="center")

    def _draw_inputs(self) -> None:
        self._line((_BUS_START, _BOX_CENTRES["o"]), (_BUS_Y, _BUS_Y), linewidth=1.8)
        self._axes.add_artist(Circle((_BUS_START, _BUS_Y), 3.0, color=INK))
        self._label((_BUS_START + 8, _BUS_Y - 6),
                    "[xₜ, hₜ₋₁] reaches every gate box: every feature meets every gate",
                    size=8, color=MUTED, va="top")
        self._numbers = self._label((_BUS_START + 8, 44.0), size=8, color=MUTED,
                                    va="center")
        self._label((8.0, 174.0), "xₜ: one line\nper feature", size=8, style="bold",
                    va="center", linespacing=1.1)
        self._label((8.0, 86.0), "hₜ₋₁: one line\nper unit", size=8, style="bold",
                    va="center", linespacing=1.1)
        self._features = _InputLines(self, _FEATURE_YS, "xₜ")
        self._units = _InputLines(self, _UNIT_YS, "hₜ₋₁")

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
        """Redraw for this LSTM layer; with a Step, show its numbers for sample 0, unit 0.

        Parameters
        ----------
        layer : LayerSpec
            A Keras LSTM (its shapes and count are shown).
        step : Step or None
            One step of lstm_forward(..., trace=True) for this layer, or None for shapes only.

        Raises
        ------
        TypeError
            If layer is not a LayerSpec or step not a Step.
        ValueError
            If layer is not a Keras LSTM, or step does not match its size.
        """
        if not isinstance(layer, LayerSpec):
            raise TypeError(f"layer must be a lstm_teach.LayerSpec, got {type(layer).__name__}")
        if layer.cell != "lstm" or not layer.keras:
            raise ValueError(
                "layer must be a Keras LSTM (cell='lstm', convention='keras'), got "
                f"cell={layer.cell!r}, convention={layer.convention!r}"
            )
        units, features, total = layer.units, layer.features, layer.count
        step = check_step(step, units, features)
        self.layer, self.step = layer, step
        self._title.set_text(f"One LSTM step: units={units}, features={features}, "
                             f"{total} parameters")
        if step is None:
            numbers = ""
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
        self._subtitle.set_alignment(
            "center", "top", self._fitted_size(self._subtitle, 8.5, self._width - 16))
        self._update_boxes(layer, step)
        self._features.update(features, None if step is None else np.asarray(step.x)[0])
        self._units.update(units, None if step is None else np.asarray(step.h_prev)[0])
        value_labels = (self._c_prev, self._c_now, self._h_now, self._forgotten, self._added)
        for label in value_labels:
            label.set_visible(step is not None)
        if step is not None:
            forget = _first(step.gates["f"].activation)
            mixed = _first(step.gates["i"].activation) * _first(step.gates["c"].activation)
            self._c_prev.set_text(value_text(_first(step.c_prev)))
            self._c_now.set_text(value_text(_first(step.c)))
            self._h_now.set_text(value_text(_first(step.h)))
            self._forgotten.set_text(f"f·Cₜ₋₁ = {value_text(forget * _first(step.c_prev))}")
            self._added.set_text(f"i·g = {value_text(mixed)}")
        self.figure.description = self.describe()

    def _update_boxes(self, layer: LayerSpec, step: Step | None) -> None:
        shapes = layer.path_shapes
        bias = shape_text(shapes["bias"]) if "bias" in shapes else "none"
        for gate, body in self._box_body.items():
            output = "g" if gate == "c" else gate
            lines = [
                f"kernel    {shape_text(shapes['kernel'])}",
                f"recurrent {shape_text(shapes['recurrent_kernel'])}",
                f"bias      {bias}",
            ]
            if step is None:
                lines += ["z = x·W+h·U+b", f"{output} = {_ACTIVATION[gate]}(z)"]
            else:
                gate_step = step.gates[gate]
                lines += [f"z = {value_text(_first(gate_step.pre_activation))}",
                          f"{output} = {value_text(_first(gate_step.activation))}"]
            body.set_text("\n".join(lines))
            body.set_alignment("left", "top", self._fitted_size(body, _BODY_SIZE, _BODY_ROOM))

    def describe(self) -> str:
        """What the picture shows, in words and numbers, for a screen reader or alt text.

        Returns
        -------
        str
            One paragraph, also the figure's `description`.
        """
        layer, step = self.layer, self.step
        shapes = layer.path_shapes
        slices = (f"kernel {shape_text(shapes['kernel'])}, recurrent kernel "
                  f"{shape_text(shapes['recurrent_kernel'])}"
                  + (f", bias {shape_text(shapes['bias'])}" if "bias" in shapes else
                     ", no bias"))
        text = (
            f"Diagram of one LSTM step with {layer.units} unit{'s' * (layer.units > 1)} and "
            f"{layer.features} feature{'s' * (layer.features > 1)}, {layer.count} parameters. "
            f"Every feature of x_t and every unit of h_t-1 reaches the four gate boxes "
            f"i, f, c, o; each box owns a slice of the weights: {slices}."
        )
        if step is None:
            return text
        gates = "; ".join(
            f"{gate}: z {value_text(_first(step.gates[gate].pre_activation))}, "
            f"{'g' if gate == 'c' else gate} "
            f"{value_text(_first(step.gates[gate].activation))}"
            for gate in LSTM_GATES
        )
        x = ", ".join(value_text(value) for value in np.asarray(step.x)[0][:8])
        more = ", …" if layer.features > 8 else ""
        return (
            f"{text} Numbers for sample 0, unit 0: x_t = [{x}{more}], "
            f"h_t-1[0] = {value_text(_first(step.h_prev))}, "
            f"C_t-1 = {value_text(_first(step.c_prev))}; {gates}; "
            f"C_t = {value_text(_first(step.c))}, h_t = {value_text(_first(step.h))}."
        )


def cell_diagram_figure(units: int, features: int, *, step: Step | None = None) -> Figure:
    """Draw one LSTM step with each gate's weight shapes, and its numbers when step is given.

    Parameters
    ----------
    units, features : int
        The LSTM's size.
    step : Step or None
        One step of lstm_forward(..., trace=True), or None for shapes only.

    Returns
    -------
    DiagramFigure
        The cell with its four gate boxes; its `description` says what it shows.

    Raises
    ------
    TypeError, ValueError
        If a size is refused, or step does not match it.
    """
    diagram = CellDiagram()
    diagram.update(LayerSpec(units, features), step)
    return diagram.figure
