"""A recurrent layer unrolled over its timesteps: one cell, one set of weights, reused.

Each box is the same cell at another step; the arrows between boxes carry the state
(h, and C for an LSTM). The band above lists the one set of weights all boxes share,
so the parameter count visibly does not depend on the number of timesteps.
"""

from __future__ import annotations

from types import MappingProxyType

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from lstm_teach import _checks
from lstm_teach.counting import LayerSpec
from lstm_teach.diagrams.canvas import (
    GATE_COLOURS,
    INK,
    MUTED,
    TIMESTEP_LIMIT,
    Diagram,
    bounded_int,
    subscript,
    tint,
)
from lstm_teach.diagrams.lettering import Label

_WHY_LIMIT = "more boxes would not be legible"

_UNROLLED_INCHES = (8.0, 4.0)
_ROW_LEFT = 74.0
_ROW_RIGHT = 562.0
_CELL_BOTTOM = 112.0
_CELL_TOP = 156.0
_OUTPUT_TOP = 186.0
_WEIGHTS_BOTTOM = 206.0
_WEIGHTS_TOP = 236.0
_WEIGHTS_SIZE = 8.0
_BAND_PADDING = 12.0  # points between the weight names and the band's edge
_MARGIN = 8.0  # points kept clear at the figure's left and right edges
#: Label of the state the first step starts from: only an LSTM also carries C.
_START_STATE = MappingProxyType({
    "lstm": "h₀, C₀\n= 0", "gru": "h₀\n= 0", "simple_rnn": "h₀\n= 0",
})


class UnrolledView(Diagram):
    """The same recurrent cell drawn once per timestep, all sharing one set of weights.

    Shows the state passed from step to step (h and C for an LSTM, h alone for a GRU or
    SimpleRNN), the weight names and shapes of the chosen cell and convention, the input
    shape (batch, timesteps, features) and the output shape, which depends on
    return_sequences.

    Parameters
    ----------
    max_timesteps : int
        The longest sequence it will draw, 1 to 20.

    Raises
    ------
    TypeError, ValueError
        If max_timesteps is not a whole number from 1 to 20.
    """

    def __init__(self, max_timesteps: int = 10) -> None:
        self.max_timesteps = bounded_int("max_timesteps", max_timesteps, TIMESTEP_LIMIT,
                                         _WHY_LIMIT)
        super().__init__(*_UNROLLED_INCHES)
        self._title, self._subtitle = self._headings(title_size=11)
        self._weights_box = FancyBboxPatch(
            (0, _WEIGHTS_BOTTOM), 1, _WEIGHTS_TOP - _WEIGHTS_BOTTOM,
            boxstyle="round,pad=0,rounding_size=4", facecolor=tint(GATE_COLOURS[0], 0.15),
            edgecolor=GATE_COLOURS[0], linewidth=1.5,
        )
        self._axes.add_artist(self._weights_box)
        self._weights_text = self._label(
            (self._width / 2, (_WEIGHTS_BOTTOM + _WEIGHTS_TOP) / 2), size=_WEIGHTS_SIZE,
            ha="center", va="center", linespacing=1.15,
        )
        middle = (_CELL_BOTTOM + _CELL_TOP) / 2
        self._start = self._label((0.0, middle), _START_STATE["lstm"], size=8, color=MUTED,
                                  ha="right", va="center", linespacing=1.1)
        self._start_arrow = self._arrow()
        self._boxes: list[FancyBboxPatch] = []
        self._box_labels: list[Label] = []
        self._weight_links: list[Line2D] = []
        self._carries: list[FancyArrowPatch] = []  # h from each step to the next
        self._cell_carries: list[FancyArrowPatch] = []  # C, for an LSTM
        self._carry_labels: list[tuple[Label, Label]] = []
        self._inputs: list[FancyArrowPatch] = []
        self._input_labels: list[Label] = []
        self._outputs: list[FancyArrowPatch] = []
        self._output_labels: list[Label] = []
        for _ in range(self.max_timesteps):
            box = FancyBboxPatch(
                (0, _CELL_BOTTOM), 1, _CELL_TOP - _CELL_BOTTOM,
                boxstyle="round,pad=0,rounding_size=4", facecolor="white",
                edgecolor=INK, linewidth=1.3, gid="cell-box", zorder=2,
            )
            self._axes.add_artist(box)
            self._boxes.append(box)
            self._box_labels.append(self._label((0.0, middle), size=8, ha="center",
                                                va="center", linespacing=1.3))
            self._weight_links.append(self._line((0, 0), (_WEIGHTS_BOTTOM, _CELL_TOP),
                                                 color=GATE_COLOURS[0],
                                                 linestyle=(0, (3, 2)), linewidth=1.0))
            self._carries.append(self._arrow())
            self._cell_carries.append(self._arrow(linewidth=1.6))
            self._carry_labels.append((
                self._label((0.0, 0.0), "h", size=7.5, style="bold", ha="center", va="top"),
                self._label((0.0, 0.0), "C", size=7.5, style="bold", ha="center",
                            va="bottom"),
            ))
            self._inputs.append(self._arrow())
            self._input_labels.append(self._label((0.0, 86.0), size=8, ha="center",
                                                  va="top"))
            self._outputs.append(self._arrow(color=GATE_COLOURS[3], linewidth=1.4))
            self._output_labels.append(self._label((0.0, _OUTPUT_TOP + 3), size=8,
                                                   style="bold", ha="center",
                                                   va="bottom"))
        self._input_shape = self._label((16.0, 46.0), size=8.5, va="center")
        self._output_shape = self._label((16.0, 26.0), size=8.5, va="center")
        self.layer = LayerSpec(1, 1)
        self.update(self.layer, 1)

    def update(self, layer: LayerSpec, timesteps: int, *, return_sequences: bool = False) -> None:
        """Redraw for this layer and sequence length, reusing the boxes and arrows.

        The layer chooses the weight names, shapes and count shown; return_sequences
        whether every step's h leaves the layer or only the last.

        Parameters
        ----------
        layer : LayerSpec
            The layer to draw.
        timesteps : int
            From 1 to max_timesteps.
        return_sequences : bool
            Whether every step's h leaves the layer.

        Raises
        ------
        TypeError
            If layer is not a LayerSpec, timesteps not a whole number or return_sequences not
            True or False.
        ValueError
            If timesteps is out of range.
        """
        if not isinstance(layer, LayerSpec):
            raise TypeError(f"layer must be a lstm_teach.LayerSpec, got {type(layer).__name__}")
        timesteps = _checks.positive_int("timesteps", timesteps)
        if timesteps > self.max_timesteps:
            raise ValueError(
                f"timesteps must be from 1 to max_timesteps={self.max_timesteps} of this "
                f"UnrolledView, got {timesteps}"
            )
        return_sequences = _checks.flag("return_sequences", return_sequences)
        self.layer, self.timesteps, self.return_sequences = layer, timesteps, return_sequences
        row_width = self._place_boxes(timesteps, return_sequences, layer.cell == "lstm")
        self._describe(layer, timesteps, return_sequences)
        self._place_weights(row_width)
        self.figure.description = self.describe()

    def _place_boxes(self, timesteps: int, return_sequences: bool, carries_c: bool) -> float:
        """Lay out the row of cells and the state arrows between them (h, and C for an
        LSTM, each named when the gap leaves room); returns the row's width in points."""
        pitch = min(100.0, (_ROW_RIGHT - _ROW_LEFT) / timesteps)
        box_width = min(64.0, 0.68 * pitch)
        row_width = pitch * (timesteps - 1) + box_width
        row_left = (_ROW_LEFT + _ROW_RIGHT - row_width) / 2
        middle = (_CELL_BOTTOM + _CELL_TOP) / 2
        for t in range(self.max_timesteps):
            shown = t < timesteps
            emitted = shown and (return_sequences or t == timesteps - 1)
            for artist in (self._boxes[t], self._box_labels[t], self._weight_links[t],
                           self._inputs[t], self._input_labels[t]):
                artist.set_visible(shown)
            carried = shown and t < timesteps - 1
            self._carries[t].set_visible(carried)
            self._cell_carries[t].set_visible(carried and carries_c)
            h_label, c_label = self._carry_labels[t]
            named = carried and pitch - box_width >= 7.0
            h_label.set_visible(named)
            c_label.set_visible(named and carries_c)
            self._outputs[t].set_visible(emitted)
            self._output_labels[t].set_visible(emitted)
            if not shown:
                continue
            left = row_left + t * pitch
            centre = left + box_width / 2
            self._boxes[t].set_x(left)
            self._boxes[t].set_width(box_width)
            self._box_labels[t].set_position((centre, middle))
            self._box_labels[t].set_text(f"W\nt={t + 1}" if box_width >= 28 else f"W\n{t + 1}")
            link_x = left + 0.3 * box_width
            self._weight_links[t].set_data((link_x, link_x), (_WEIGHTS_BOTTOM, _CELL_TOP))
            self._inputs[t].set_positions((centre, 92.0), (centre, _CELL_BOTTOM))
            self._input_labels[t].set_position((centre, 88.0))
            self._input_labels[t].set_text(f"x{subscript(t + 1)}")
            out_x = left + 0.7 * box_width
            self._outputs[t].set_positions((out_x, _CELL_TOP), (out_x, _OUTPUT_TOP))
            self._output_labels[t].set_position((out_x, _OUTPUT_TOP + 3))
            self._output_labels[t].set_text(f"h{subscript(t + 1)}")
            if carried:
                h_y, c_y = (middle - 8, middle + 8) if carries_c else (middle, middle)
                gap_middle = left + (box_width + pitch) / 2
                self._carries[t].set_positions((left + box_width, h_y), (left + pitch, h_y))
                self._cell_carries[t].set_positions((left + box_width, c_y),
                                                    (left + pitch, c_y))
                h_label.set_position((gap_middle, h_y - 3))
                c_label.set_position((gap_middle, c_y + 3))
        self._start.set_position((row_left - 24, middle))
        self._start_arrow.set_positions((row_left - 22, middle), (row_left, middle))
        return row_width

    def _place_weights(self, row_width: float) -> None:
        """Size the shared-weights band to the row and to its text, within the figure."""
        widest = self._width - 2 * _MARGIN
        size = self._fitted_size(self._weights_text, _WEIGHTS_SIZE, widest - 2 * _BAND_PADDING)
        self._weights_text.set_alignment("center", "center", size)
        text_width = self._weights_text.width_at(size) + 2 * _BAND_PADDING
        band_width = min(widest, max(row_width, 400.0, text_width))
        band_left = (_ROW_LEFT + _ROW_RIGHT - band_width) / 2
        band_left = min(max(band_left, _MARGIN), self._width - _MARGIN - band_width)
        self._weights_box.set_x(band_left)
        self._weights_box.set_width(band_width)
        self._weights_text.set_position((band_left + band_width / 2,
                                         (_WEIGHTS_BOTTOM + _WEIGHTS_TOP) / 2))

    def describe(self) -> str:
        """What the picture shows, in words and numbers, for a screen reader or alt text.

        Returns
        -------
        str
            One paragraph, also the figure's `description`.
        """
        layer, timesteps = self.layer, self.timesteps
        weights = ", ".join(f"{name} {shape}" for name, shape in layer.shapes.items())
        carried = "h and C" if layer.cell == "lstm" else "h"
        start = "h₀ = 0 and C₀ = 0" if layer.cell == "lstm" else "h₀ = 0"
        if self.return_sequences:
            output = (f"output (batch, {timesteps}, {layer.units}): every step's h "
                      "(return_sequences=True)")
        else:
            output = (f"output (batch, {layer.units}): only the last h{subscript(timesteps)} "
                      "(return_sequences=False)")
        plural = "s" if timesteps > 1 else ""
        return (
            f"{layer.kind.article} {layer.kind.title} unrolled over {timesteps} "
            f"timestep{plural}: the same cell with one set of {layer.count} weights "
            f"({weights}) at every step. Arrows carry {carried} from each step to the next, "
            f"starting from {start}. Input (batch, {timesteps}, {layer.features}): one x "
            f"per step; {output}."
        )

    def _describe(self, layer: LayerSpec, timesteps: int, return_sequences: bool) -> None:
        weights = "    ".join(f"{name} {shape}" for name, shape in layer.shapes.items())
        self._weights_text.set_text(
            f"W: one set of weights, reused at every step ({layer.count} numbers)\n{weights}"
        )
        plural = "s" if timesteps > 1 else ""
        self._title.set_text(
            f"{layer.kind.title} unrolled over {timesteps} timestep{plural}: "
            f"{layer.count} parameters, whatever the number of timesteps"
        )
        room = self._width - 2 * _MARGIN
        self._title.set_alignment("center", "top", self._fitted_size(self._title, 11.0, room))
        carried = "h and C" if layer.cell == "lstm" else "only h"
        self._subtitle.set_text(
            "Every box is the same cell with the same weights W; "
            f"the arrows between boxes carry {carried} to the next step."
        )
        self._start.set_text(_START_STATE[layer.cell])
        self._input_shape.set_text(
            "input x:  (batch, timesteps, features) = "
            f"(batch, {timesteps}, {layer.features})"
        )
        if return_sequences:
            self._output_shape.set_text(
                f"output:  (batch, timesteps, units) = (batch, {timesteps}, {layer.units})"
                "    every h is returned (return_sequences=True)"
            )
        else:
            self._output_shape.set_text(
                f"output:  (batch, units) = (batch, {layer.units})    only the last "
                f"h{subscript(timesteps)} is returned (return_sequences=False)"
            )


def unrolled_figure(
    units: int,
    features: int,
    timesteps: int,
    *,
    return_sequences: bool = False,
    cell: str = "lstm",
    use_bias: bool = True,
    convention: str = "keras",
    reset_after: bool = True,
) -> Figure:
    """Draw the layer unrolled over timesteps with one shared set of weights.

    cell, use_bias, convention and reset_after mean what they mean for count_params and
    choose the weights listed and counted.

    Parameters
    ----------
    units, features : int
        The layer's size.
    timesteps : int
        From 1 to 20.
    return_sequences : bool
        Whether every step's h leaves the layer.
    cell : str
        "lstm", "gru" or "simple_rnn".
    use_bias : bool
        Whether the layer has a bias.
    convention : str
        "keras" or "pytorch".
    reset_after : bool
        GRU in Keras only.

    Returns
    -------
    DiagramFigure
        The unrolled layer; its `description` says what it shows.

    Raises
    ------
    TypeError, ValueError
        If a setting is refused, as LayerSpec refuses it, or timesteps is out of range.
    """
    layer = LayerSpec(units, features, cell, use_bias, convention, reset_after)
    limit = bounded_int("timesteps", timesteps, TIMESTEP_LIMIT, _WHY_LIMIT)
    view = UnrolledView(max_timesteps=limit)
    view.update(layer, timesteps, return_sequences=return_sequences)
    return view.figure


