"""A Bidirectional LSTM drawn as its two directions, aligned in time.

Two rows of the same-sized cells over the same inputs: the forward layer reads x₁ to x_T
(arrows to the right), the backward layer x_T to x₁ (arrows to the left). Each column is
one input step; above it stand the two outputs Keras joins for that step, because the
backward layer's outputs are flipped back into input order. The final states are marked
where they sit: the forward one at the last step, the backward one at the first.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from lstm_teach import _checks
from lstm_teach.counting import count_params
from lstm_teach.diagrams._titled import TitledDiagram
from lstm_teach.diagrams.canvas import (
    GATE_COLOURS,
    INK,
    MUTED,
    TIMESTEP_LIMIT,
    bounded_int,
    subscript,
    tint,
)

_WHY_LIMIT = "more columns would not be legible"
FORWARD = GATE_COLOURS[0]
BACKWARD = GATE_COLOURS[3]
_INCHES = (8.0, 4.6)
_LEFT, _RIGHT = 76.0, 516.0
_INPUT_Y = 40.0
_FORWARD = (80.0, 112.0)  # bottom and top of the forward row's boxes, in points
_BACKWARD = (160.0, 192.0)
_OUTPUT_Y = 236.0


class BidirectionalView(TitledDiagram):
    """The forward and backward directions of Bidirectional(LSTM(units)) over a sequence.

    Parameters
    ----------
    units, features : int
        The size of each direction's LSTM and of the input.
    timesteps : int
        The sequence length, 1 to 20.
    return_sequences : bool
        Whether every step's output leaves the layer, or each direction's final h only.

    Raises
    ------
    TypeError, ValueError
        If a size is not a whole number in range, or return_sequences is not a bool.
    """

    def __init__(self, units: int, features: int, timesteps: int, *,
                 return_sequences: bool = True) -> None:
        self.units = _checks.positive_int("units", units)
        self.features = _checks.positive_int("features", features)
        self.timesteps = bounded_int("timesteps", timesteps, TIMESTEP_LIMIT, _WHY_LIMIT)
        self.return_sequences = _checks.flag("return_sequences", return_sequences)
        self.direction_count = count_params(self.units, self.features)
        super().__init__(*_INCHES)
        self._draw()
        self.figure.description = self.describe()

    def _box(self, left: float, rows: tuple[float, float], width: float, colour: str,
             final: bool) -> None:
        self._axes.add_artist(FancyBboxPatch(
            (left, rows[0]), width, rows[1] - rows[0], boxstyle="round,pad=0,rounding_size=4",
            facecolor=tint(colour, 0.25 if final else 0.08), edgecolor=colour,
            linewidth=2.4 if final else 1.2, zorder=2,
        ))

    def _draw(self) -> None:
        steps = self.timesteps
        self._titles(f"Bidirectional(LSTM({self.units})) over {steps} steps: two directions, "
                     "aligned in time",
                     "The backward layer reads the steps from the last to the first; Keras "
                     "flips its outputs back, so each column is one input step.")
        pitch = (_RIGHT - _LEFT) / steps
        width = min(56.0, 0.62 * pitch)
        for t in range(steps):
            centre = _LEFT + (t + 0.5) * pitch
            left = centre - width / 2
            self._box(left, _FORWARD, width, FORWARD, final=t == steps - 1)
            self._box(left, _BACKWARD, width, BACKWARD, final=t == 0)
            small = width < 34
            self._label((centre, sum(_FORWARD) / 2), "→" if small else f"→ t={t + 1}",
                        size=8, color=FORWARD, style="bold", ha="center", va="center")
            self._label((centre, sum(_BACKWARD) / 2), "←" if small else f"← t={t + 1}",
                        size=8, color=BACKWARD, style="bold", ha="center", va="center")
            # x_t feeds both rows: a dashed line passes behind the forward box
            self._line((centre, centre), (_INPUT_Y + 8, _BACKWARD[0]), color=MUTED,
                       linewidth=0.9, linestyle=(0, (3, 2)), zorder=1)
            self._arrow((centre, _FORWARD[0] - 10), (centre, _FORWARD[0]), color=MUTED)
            self._arrow((centre, _BACKWARD[0] - 10), (centre, _BACKWARD[0]), color=MUTED)
            self._label((centre, _INPUT_Y), f"x{subscript(t + 1)}", size=9, ha="center",
                        va="top")
            if self.return_sequences:
                self._outputs(t, centre, width, forward=True, backward=True)
            elif t in (0, steps - 1):  # only each direction's final h leaves the layer
                self._outputs(t, centre, width, forward=t == steps - 1, backward=t == 0)
            if t < steps - 1:
                gap = (left + width, left + pitch)
                y_f, y_b = sum(_FORWARD) / 2, sum(_BACKWARD) / 2
                self._arrow((gap[0], y_f), (gap[1], y_f), color=FORWARD, linewidth=1.3)
                self._arrow((gap[1], y_b), (gap[0], y_b), color=BACKWARD, linewidth=1.3)
        first_left = _LEFT + 0.5 * pitch - width / 2
        last_right = _LEFT + (steps - 0.5) * pitch + width / 2
        self._label((first_left - 6, sum(_FORWARD) / 2), "0 →", size=8, color=FORWARD,
                    ha="right", va="center")
        self._label((last_right + 6, sum(_BACKWARD) / 2), "← 0", size=8, color=BACKWARD,
                    ha="left", va="center")
        self._label((last_right + 6, _FORWARD[1] + 4), f"final state\nh→{subscript(steps)}, "
                    f"C→{subscript(steps)}", size=7.5, color=FORWARD, style="bold",
                    ha="left", va="bottom", linespacing=1.1)
        self._label((first_left - 6, _BACKWARD[1] + 4), "final state\nh←₁, C←₁", size=7.5,
                    color=BACKWARD, style="bold", ha="right", va="bottom", linespacing=1.1)
        self._label((10, 20), self._output_line(), size=8.5, color=INK, va="center")
        self._label((self._width - 10, _OUTPUT_Y + 8), "dashed: each x goes\nto both "
                    "directions", size=7, color=MUTED, ha="right", va="bottom",
                    linespacing=1.1)

    def _outputs(self, t: int, centre: float, width: float, *, forward: bool,
                 backward: bool) -> None:
        """The halves Keras returns for step t, each on the arrow of its direction."""
        offset = min(12.0, width / 3)
        step = subscript(t + 1)
        size = 8.0 if width >= 34 else 7.0
        if forward:
            self._arrow((centre - offset, _FORWARD[1]), (centre - offset, _OUTPUT_Y - 12),
                        color=FORWARD, linewidth=1.0, zorder=0)
            self._label((centre - 1, _OUTPUT_Y - 8), f"h→{step}", size=size, color=FORWARD,
                        style="bold", ha="right", va="bottom")
        if backward:
            self._arrow((centre + offset, _BACKWARD[1]), (centre + offset, _OUTPUT_Y - 12),
                        color=BACKWARD, linewidth=1.0)
            self._label((centre + 1, _OUTPUT_Y - 8), f"h←{step}", size=size, color=BACKWARD,
                        style="bold", ha="left", va="bottom")

    def _output_line(self) -> str:
        steps, both = self.timesteps, 2 * self.units
        if self.return_sequences:
            return (f"output (batch, {steps}, {both}): [h→ₜ, h←ₜ] at every step t "
                    f"(merge_mode=\"concat\");  {self.direction_count} + "
                    f"{self.direction_count} parameters")
        return (f"output (batch, {both}): [h→{subscript(steps)}, h←₁], "
                "each direction's final h;  "
                f"{self.direction_count} + {self.direction_count} parameters")

    def describe(self) -> str:
        """What the picture shows, in words and numbers, for a screen reader or alt text.

        Returns
        -------
        str
            One paragraph, also the figure's `description`.
        """
        steps, units = self.timesteps, self.units
        total = 2 * self.direction_count
        if self.return_sequences:
            output = (f"The backward outputs are flipped back in time, so the output at step t "
                      f"is [forward h_t, backward h_t], shape (batch, {steps}, {2 * units}).")
        else:
            output = (f"Without return_sequences the output is [forward h_{steps}, backward "
                      f"h_1], shape (batch, {2 * units}).")
        return (
            f"Bidirectional LSTM with {units} units over {steps} timesteps on "
            f"{self.features} features: a forward layer reads x_1 to x_{steps} and a backward "
            f"layer reads x_{steps} to x_1, each from a zero state and each with its own "
            f"{self.direction_count} parameters ({total} in all). {output} The forward final "
            f"state sits at step {steps}, the backward final state at step 1."
        )


def bidirectional_figure(units: int, features: int, timesteps: int, *,
                         return_sequences: bool = True) -> Figure:
    """Draw Bidirectional(LSTM(units)) on (timesteps, features): both directions per step,
    the backward one's arrows reversed, its outputs aligned with the input steps.

    Parameters
    ----------
    units, features : int
        The size of each direction's LSTM and of the input.
    timesteps : int
        The sequence length, 1 to 20.
    return_sequences : bool
        Whether every step's output leaves the layer, or each direction's final h only.

    Returns
    -------
    DiagramFigure
        The picture; its `description` says what it shows, with the counts.

    Raises
    ------
    TypeError, ValueError
        If a size is not a whole number in range, or return_sequences is not a bool.
    """
    view = BidirectionalView(units, features, timesteps, return_sequences=return_sequences)
    return view.figure
