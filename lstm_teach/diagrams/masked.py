"""One padded sequence through a masked LSTM: which steps run, what each step outputs.

A row of steps with the mask under each; a masked (padded) step is drawn greyed out and
the state arrow passes over it unchanged. Two rows of outputs show what Keras 3 returns
at every step: a plain LSTM repeats its last output at a masked step (0 before the first
real step), while inside Bidirectional (or with zero_output_for_mask=True) it is 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
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
    subscript,
    tint,
)

_INCHES = (8.0, 4.2)
_LEFT, _RIGHT = 150.0, 560.0
_MASK_Y = 36.0
_INPUT_Y = 62.0
_CELL = (96.0, 132.0)
_LSTM_Y = 182.0
_ZERO_Y = 214.0
GREY = "#9a9a9a"


def _mask(mask: object) -> tuple[bool, ...]:
    """The mask as a tuple of bools, one per step; refuses anything else by name."""
    if isinstance(mask, str | bytes) or not isinstance(mask, Sequence | np.ndarray):
        raise TypeError(f"mask must be a list of True/False, one per timestep, got {mask!r}")
    values = tuple(_checks.flag(f"mask[{index}]", value) for index, value in enumerate(mask))
    if not 1 <= len(values) <= TIMESTEP_LIMIT:
        raise ValueError(f"mask must hold 1 to {TIMESTEP_LIMIT} steps (more would not be "
                         f"legible), got {len(values)}")
    if not any(values):
        raise ValueError("mask must keep at least one step (True); a fully masked sequence "
                         "has nothing to show")
    return values


class MaskedSequenceView(TitledDiagram):
    """A sequence with masked steps: what the LSTM computes and outputs at each step.

    Parameters
    ----------
    mask : sequence of bool
        One entry per timestep (1 to 20), True for a real step; at least one True.
    units, features : int
        The LSTM's size, for the parameter count the picture states.

    Raises
    ------
    TypeError, ValueError
        If the mask is not a list of True/False of that length, or a size is refused.
    """

    def __init__(self, mask: Sequence[bool], units: int, features: int) -> None:
        self.mask = _mask(mask)
        self.units = _checks.positive_int("units", units)
        self.features = _checks.positive_int("features", features)
        self.count = count_params(self.units, self.features)
        super().__init__(*_INCHES)
        self._draw()
        self.figure.description = self.describe()

    def plain_outputs(self) -> list[str]:
        """What a plain LSTM returns at each step: its h, its last h again, or 0.

        Returns
        -------
        list of str
            One label per step, e.g. ["h₁", "h₂", "h₂"] for the mask True, True, False.
        """
        outputs, last = [], "0"
        for t, kept in enumerate(self.mask):
            if kept:
                last = f"h{subscript(t + 1)}"
            outputs.append(last)
        return outputs

    def zeroed_outputs(self) -> list[str]:
        """What Bidirectional (zero_output_for_mask=True) returns: h, or 0 where masked.

        Returns
        -------
        list of str
            One label per step, e.g. ["h₁", "h₂", "0"] for the mask True, True, False.
        """
        return [f"h{subscript(t + 1)}" if kept else "0" for t, kept in enumerate(self.mask)]

    def _draw(self) -> None:
        steps = len(self.mask)
        self._titles(f"A masked sequence: {sum(self.mask)} real steps of {steps}, the same "
                     f"{self.count} parameters",
                     "At a masked step the LSTM keeps h and C as they were; what it outputs "
                     "there depends on the layer.")
        pitch = (_RIGHT - _LEFT) / steps
        width = min(52.0, 0.6 * pitch)
        middle = sum(_CELL) / 2
        for name, y in (("mask", _MASK_Y), ("input", _INPUT_Y), ("LSTM output", _LSTM_Y),
                        ("in Bidirectional", _ZERO_Y)):
            self._label((10, y), name, size=8, color=MUTED, va="center")
        self._label((10, middle), "state h, C", size=8, color=MUTED, va="center")
        plain, zeroed = self.plain_outputs(), self.zeroed_outputs()
        for t, kept in enumerate(self.mask):
            centre = _LEFT + (t + 0.5) * pitch
            colour = GATE_COLOURS[0] if kept else GREY
            self._axes.add_artist(FancyBboxPatch(
                (centre - width / 2, _CELL[0]), width, _CELL[1] - _CELL[0],
                boxstyle="round,pad=0,rounding_size=4", zorder=2,
                facecolor=tint(colour, 0.12) if kept else "#f2f2f2", edgecolor=colour,
                linewidth=1.3, linestyle="-" if kept else (0, (3, 2)),
            ))
            self._label((centre, middle), f"t={t + 1}" if kept else "skip", size=8,
                        color=INK if kept else GREY, style="bold", ha="center", va="center")
            self._label((centre, _MASK_Y), "True" if kept else "False", size=8,
                        color=INK if kept else GREY, style="mono", ha="center", va="center")
            self._label((centre, _INPUT_Y), f"x{subscript(t + 1)}" if kept else "pad", size=9,
                        color=INK if kept else GREY, ha="center", va="center")
            self._arrow((centre, _INPUT_Y + 9), (centre, _CELL[0]), color=colour)
            self._arrow((centre, _CELL[1]), (centre, _LSTM_Y - 9), color=colour)
            for y, text in ((_LSTM_Y, plain[t]), (_ZERO_Y, zeroed[t])):
                self._label((centre, y), text, size=9, style="bold", ha="center",
                            va="center", color=INK if text.startswith("h") and kept
                            else GATE_COLOURS[3])
            if t < steps - 1:
                self._arrow((centre + width / 2, middle), (centre + pitch - width / 2, middle),
                            color=INK, linewidth=1.3)
        first = _LEFT + 0.5 * pitch - width / 2
        self._arrow((first - 20, middle), (first, middle), color=INK, linewidth=1.3)
        self._label((first - 22, middle), "0", size=8, ha="right", va="center")
        last_kept = max(t for t, kept in enumerate(self.mask) if kept) + 1
        self._label((self._width / 2, 14), f"final state: h{subscript(last_kept)}, "
                    f"C{subscript(last_kept)} (the last real step's); "
                    f"{self.count} parameters with or without the mask", size=8.5,
                    ha="center", va="center")

    def describe(self) -> str:
        """What the picture shows, in words and numbers, for a screen reader or alt text.

        Returns
        -------
        str
            One paragraph, also the figure's `description`.
        """
        steps = len(self.mask)
        mask = ", ".join(str(kept) for kept in self.mask)
        last_kept = max(t for t, kept in enumerate(self.mask) if kept) + 1
        return (
            f"A sequence of {steps} steps with mask {mask}: the LSTM ({self.units} units on "
            f"{self.features} features, {self.count} parameters with or without the mask) "
            f"updates h and C only at the True steps and keeps them unchanged at the False "
            f"ones. Output at each step, plain LSTM with return_sequences: "
            f"{', '.join(self.plain_outputs())}; inside Bidirectional (or with "
            f"zero_output_for_mask=True): {', '.join(self.zeroed_outputs())}. Final state: "
            f"h_{last_kept} and C_{last_kept}, those of the last real step."
        )


def masked_sequence_figure(mask: Sequence[bool], units: int = 2, features: int = 3) -> Figure:
    """Draw one sequence with this mask (True = a real step): the steps the LSTM skips,
    the state carried over them, and what a plain and a Bidirectional LSTM output.

    Parameters
    ----------
    mask : sequence of bool
        One entry per timestep (1 to 20), True for a real step; at least one True.
    units, features : int
        The LSTM's size, for the parameter count the picture states.

    Returns
    -------
    DiagramFigure
        The picture; its `description` lists each step's output under both rules.

    Raises
    ------
    TypeError, ValueError
        If the mask is not a list of True/False of that length, or a size is refused.
    """
    return MaskedSequenceView(mask, units, features).figure
