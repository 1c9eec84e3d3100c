"""Gate activations, cell state and output of one unit across a traced sequence.

The moving marker and its readout are animated artists: stepping through time redraws
only them over a kept picture of the rest (figure_png does that by itself), which keeps
the time slider well under its latency target.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch
from matplotlib.patheffects import Normal, Stroke

from lstm_teach.diagrams.canvas import (
    GATE_COLOURS,
    INK,
    MUTED,
    TIMESTEP_LIMIT,
    Diagram,
    bounded_int,
    value_text,
)
from lstm_teach.diagrams.cell_step import check_step
from lstm_teach.diagrams.lettering import Label
from lstm_teach.reference import LSTM_GATES, Step

_WHY_LIMIT = "more ticks would not be legible"

_TIME_INCHES = (8.0, 4.5)
_PLOT_LEFT = 52.0
_PLOT_RIGHT = 392.0
_GATES_PANEL = (164.0, 252.0)  # bottom and top of the gate panel, in points
_STATE_PANEL = (50.0, 126.0)  # bottom and top of the cell-state panel
_LEGEND_X = 414.0
_LEGEND_SAMPLE = 22.0  # length of the line sample in front of each legend entry
#: How each series is drawn besides its colour, so the lines differ in greyscale too:
#: letter, name, colour, line style, marker and line width.
_SERIES_STYLES = MappingProxyType({
    "i": ("i", "input gate", GATE_COLOURS[0], "-", "o", 1.8),
    "f": ("f", "forget gate", GATE_COLOURS[1], (0, (5, 2)), "s", 1.8),
    "c": ("c", "candidate g", GATE_COLOURS[2], (0, (6, 2, 1.5, 2)), "^", 1.8),
    "o": ("o", "output gate", GATE_COLOURS[3], (0, (1.2, 1.6)), "D", 1.8),
    "C": ("C", "cell state", INK, "-", "P", 2.2),
    "h": ("h", "output h", MUTED, (0, (4, 2)), "v", 1.6),
})
_STATES = ("C", "h")
#: Each series as a description names it.
_SPOKEN = MappingProxyType({
    "i": "input gate i", "f": "forget gate f", "c": "candidate g (the c path)",
    "o": "output gate o", "C": "cell state C", "h": "output h",
})
_MARK_ZORDER = 8.0


def _trace_steps(steps: object) -> tuple[Step, ...]:
    """steps as a tuple of Steps: an LSTMResult with a trace, or a sequence of Steps."""
    trace = getattr(steps, "trace", steps)
    if trace is None:
        raise ValueError(
            "steps has no trace: run lstm_forward(..., trace=True) and pass its result "
            "or its .trace"
        )
    if isinstance(trace, Step) or not isinstance(trace, tuple | list) or not trace:
        raise TypeError(
            "steps must be lstm_forward(..., trace=True) or its non-empty .trace "
            f"(a tuple of Steps); got {type(steps).__name__}"
        )
    first = trace[0]
    if not isinstance(first, Step):
        raise TypeError(f"steps must hold lstm_teach.reference.Step objects, got "
                        f"{type(first).__name__}")
    units, features = _width(first.h), _width(first.x)
    for step in trace:
        check_step(step, units, features)
    return tuple(trace)


def _width(value: object) -> int:
    """The last axis of a (batch, n) array: how many units or features a Step holds."""
    shape = np.shape(value)
    return int(shape[-1]) if len(shape) == 2 and shape[-1] > 0 else 1


def _nice_limit(largest: float) -> float:
    """A round upper limit for |values| up to `largest`: 0.5, 1, 1.5, 2, 3, 4, 5, 10, 15, ..."""
    if largest <= 0.5:
        return 0.5
    scale = 10.0 ** np.floor(np.log10(largest))
    for step in (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 10.0):
        if largest <= step * scale:
            return float(step * scale)
    return float(10.0 * scale)


class GatesOverTime(Diagram):
    """Gate activations and the cell state of one unit across the steps of a sequence.

    The top panel holds the four paths i, f, c (the candidate g) and o, the bottom panel
    the cell state C and the output h. Each line has its own colour, line style and
    marker, and the legend names it by letter. `update` draws a trace; `mark` moves the
    marker that highlights one timestep and fills the legend's readout with its values.

    Only the marker changes while stepping through time; it is drawn as animated
    artists, so figure_png redraws just the marker over a kept picture of the rest.

    Parameters
    ----------
    max_timesteps : int
        The longest trace it will draw, 1 to 20.

    Raises
    ------
    TypeError, ValueError
        If max_timesteps is not a whole number from 1 to 20.
    """

    def __init__(self, max_timesteps: int = TIMESTEP_LIMIT) -> None:
        self.max_timesteps = bounded_int("max_timesteps", max_timesteps, TIMESTEP_LIMIT,
                                         _WHY_LIMIT)
        super().__init__(*_TIME_INCHES)
        self._title, self._subtitle = self._headings(title_size=11)
        self._lines: dict[str, Line2D] = {}
        self._readouts: dict[str, Label] = {}
        self._draw_panels()
        self._draw_legend()
        self._ticks = [self._label((0.0, _STATE_PANEL[0] - 6), size=8, ha="center",
                                   va="top") for _ in range(self.max_timesteps)]
        self._label(((_PLOT_LEFT + _PLOT_RIGHT) / 2, 26.0), "timestep t", size=8.5,
                    color=MUTED, ha="center", va="center")
        self._band = FancyBboxPatch((0.0, _STATE_PANEL[0]), 1.0, 1.0,
                                    boxstyle="round,pad=0,rounding_size=3",
                                    facecolor=(0.13, 0.13, 0.13, 0.09), edgecolor="none",
                                    zorder=_MARK_ZORDER, gid="time-mark")
        self._axes.add_artist(self._band)
        self._rings = self._line((), (), linestyle="none", marker="o", markersize=12,
                                 markerfacecolor="none", markeredgecolor=INK,
                                 markeredgewidth=1.3, zorder=_MARK_ZORDER)
        self._heading = self._label((_LEGEND_X, _GATES_PANEL[1] + 4), size=8.5,
                                    style="bold", va="bottom", zorder=_MARK_ZORDER)
        self._marked = (self._band, self._rings, self._heading, *self._readouts.values())
        for artist in self._marked:
            artist.set_animated(True)
        self.steps: tuple[Step, ...] = ()
        self.unit = 0
        self.units = 1
        self.at: int | None = None
        self.values: dict[str, np.ndarray] = {}
        self._scale: dict[str, tuple[float, float]] = {}
        self.mark(None)

    def _draw_panels(self) -> None:
        """The two panels' grid lines, tick labels and headings, and one line per series."""
        grey = "#c8c8c8"
        self._state_ticks = []
        for bottom, top in (_GATES_PANEL, _STATE_PANEL):
            middle = (bottom + top) / 2
            for y, width in ((bottom, 0.6), (middle, 0.9), (top, 0.6)):
                self._line((_PLOT_LEFT - 4, _PLOT_RIGHT + 4), (y, y), color=grey,
                           linewidth=width, zorder=1)
            self._line((_PLOT_LEFT - 4, _PLOT_LEFT - 4), (bottom, top), color=MUTED,
                       linewidth=0.8, zorder=1)
            ticks = [self._label((_PLOT_LEFT - 8, y), size=8, ha="right", va="center")
                     for y in (top, middle, bottom)]
            if bottom == _GATES_PANEL[0]:
                for label, text in zip(ticks, ("1", "0", "−1"), strict=True):
                    label.set_text(text)
            else:
                self._state_ticks = ticks
        self._label((_PLOT_LEFT - 4, _GATES_PANEL[1] + 6),
                    "gate activations: σ(z) for i, f, o in 0…1; tanh(z) for g in −1…1",
                    size=8, style="bold", va="bottom")
        self._label((_PLOT_LEFT - 4, _STATE_PANEL[1] + 6),
                    "cell state Cₜ = f·Cₜ₋₁ + i·g and output hₜ = o·tanh(Cₜ)",
                    size=8, style="bold", va="bottom")
        for name in _SERIES_STYLES:
            self._lines[name] = self._series_line(name, (), (), zorder=4,
                                                  gid=f"over-time:{name}")

    def _series_line(self, name: str, xs: tuple[float, ...], ys: tuple[float, ...],
                     **style: object) -> Line2D:
        """A line in the style of one series (a gate, C or h)."""
        _, _, colour, linestyle, marker, width = _SERIES_STYLES[name]
        line = self._line(xs, ys, color=colour, linewidth=width, linestyle=linestyle,
                          marker=marker, markersize=5.5, markerfacecolor=colour,
                          markeredgecolor=INK, markeredgewidth=0.7, **style)
        if name == "c":  # the yellow line gets a dark rim to stand out on white
            line.set_path_effects([Stroke(linewidth=width + 1.4, foreground=INK), Normal()])
        return line

    def _draw_legend(self) -> None:
        """One row per series: a line sample, its letter, its name and its value at t."""
        rows = [(gate, _GATES_PANEL[1] - 14 - 22 * k) for k, gate in enumerate(LSTM_GATES)]
        rows += [(name, _STATE_PANEL[1] - 18 - 24 * k) for k, name in enumerate(_STATES)]
        for name, y in rows:
            start = _LEGEND_X
            self._series_line(name, (start, start + _LEGEND_SAMPLE / 2, start + _LEGEND_SAMPLE),
                              (y, y, y), markevery=[1])
            letter, words = _SERIES_STYLES[name][:2]
            self._label((start + _LEGEND_SAMPLE + 6, y), letter, size=10, style="bold",
                        va="center")
            self._label((start + _LEGEND_SAMPLE + 18, y), words, size=8, va="center")
            self._readouts[name] = self._label((self._width - 8, y), size=8.5, style="mono",
                                               ha="right", va="center",
                                               zorder=_MARK_ZORDER)

    def update(self, steps: object, unit: int = 0, *, at: int | None = None) -> None:
        """Draw the trace of lstm_forward(..., trace=True) for one unit of sample 0.

        steps is that result or its .trace; at (1 … timesteps, or None) marks one step.

        Parameters
        ----------
        steps : LSTMResult or tuple of Step
            lstm_forward(..., trace=True) or its .trace, at most max_timesteps steps.
        unit : int
            Which unit to draw, from 0.
        at : int or None
            The step to mark, from 1, or None.

        Raises
        ------
        TypeError
            If steps holds no trace of Steps, or unit or at is not a whole number.
        ValueError
            If the trace is empty or too long, its arrays do not match, or unit or at is out
            of range.
        """
        steps = _trace_steps(steps)
        if len(steps) > self.max_timesteps:
            raise ValueError(
                f"steps must hold at most max_timesteps={self.max_timesteps} steps of this "
                f"GatesOverTime, got {len(steps)}"
            )
        units = np.shape(steps[0].h)[1]
        if isinstance(unit, bool) or not isinstance(unit, int | np.integer):
            raise TypeError(f"unit must be a whole number from 0 to {units - 1}, got {unit!r}")
        if not 0 <= unit < units:
            raise ValueError(f"unit must be from 0 to {units - 1} (the layer has {units} "
                             f"unit{'s' if units > 1 else ''}), got {unit}")
        self.steps, self.unit, self.units = steps, int(unit), units
        timesteps = len(steps)
        self.values = {gate: np.array([s.gates[gate].activation[0, unit] for s in steps])
                       for gate in LSTM_GATES}
        self.values["C"] = np.array([s.c[0, unit] for s in steps])
        self.values["h"] = np.array([s.h[0, unit] for s in steps])
        largest = float(max(np.abs(self.values["C"]).max(), np.abs(self.values["h"]).max()))
        limit = _nice_limit(largest)
        self._scale = {name: (1.0, _GATES_PANEL) for name in LSTM_GATES}
        self._scale.update({name: (limit, _STATE_PANEL) for name in _STATES})
        for label, value in zip(self._state_ticks, (limit, 0.0, -limit), strict=True):
            label.set_text(f"{value:g}".replace("-", "−") if value else "0")
        xs = self._xs(timesteps)
        for name, line in self._lines.items():
            line.set_data(xs, self._ys(name, self.values[name]))
        for t, tick in enumerate(self._ticks):
            tick.set_visible(t < timesteps)
            if t < timesteps:
                tick.set_position((xs[t], _STATE_PANEL[0] - 6))
                tick.set_text(str(t + 1))
        units_text = f"unit {unit} of {units}" if units > 1 else "the only unit"
        plural = "s" if timesteps > 1 else ""
        self._title.set_text(f"One LSTM layer over {timesteps} timestep{plural}: "
                             f"{units_text}, sample 0")
        self._subtitle.set_text("The same weights at every step; each step hands its "
                                "C and h on to the next.")
        self.mark(at)

    def _xs(self, timesteps: int) -> np.ndarray:
        if timesteps == 1:
            return np.array([(_PLOT_LEFT + _PLOT_RIGHT) / 2])
        return np.linspace(_PLOT_LEFT + 8, _PLOT_RIGHT - 8, timesteps)

    def _ys(self, name: str, values: np.ndarray) -> np.ndarray:
        limit, (bottom, top) = self._scale[name]
        return bottom + (np.asarray(values) + limit) / (2 * limit) * (top - bottom)

    def mark(self, at: int | None) -> None:
        """Highlight timestep `at` (1 … timesteps) and show its values; None clears it.

        Parameters
        ----------
        at : int or None
            From 1 to the number of steps drawn, or None.

        Raises
        ------
        TypeError
            If at is not a whole number or None.
        ValueError
            If it is out of range.
        """
        timesteps = len(self.steps)
        if at is not None:
            if isinstance(at, bool) or not isinstance(at, int | np.integer):
                raise TypeError(f"at must be a whole number from 1 to {timesteps} or None, "
                                f"got {at!r}")
            if not 1 <= at <= timesteps:
                raise ValueError(f"at must be from 1 to {timesteps} (the timesteps drawn), "
                                 f"got {at}")
            at = int(at)
        self.at = at
        for artist in self._marked:
            artist.set_visible(at is not None)
        self.figure.description = self.describe()
        if at is None:
            return
        x = self._xs(timesteps)[at - 1]
        self._band.set_bounds(x - 9, _STATE_PANEL[0] - 2, 18,
                              _GATES_PANEL[1] - _STATE_PANEL[0] + 4)
        names = list(self._lines)
        self._rings.set_data([x] * len(names),
                             [self._ys(name, self.values[name][at - 1])[()] for name in names])
        self._heading.set_text(f"at t = {at}")
        for name, label in self._readouts.items():
            label.set_text(value_text(float(self.values[name][at - 1]), signed_=True))


    def describe(self) -> str:
        """What the picture shows, in words and numbers, for a screen reader or alt text.

        Returns
        -------
        str
            One paragraph, also the figure's `description`.
        """
        if not self.steps:
            return "Line chart of an LSTM's gates over time: nothing drawn yet."
        timesteps = len(self.steps)
        units = self.units
        which = f"unit {self.unit} of {units}" if units > 1 else "the only unit"
        series = "; ".join(
            f"{_SPOKEN[name]}: " + ", ".join(value_text(value) for value in self.values[name])
            for name in self._lines
        )
        text = (
            f"Line chart of one LSTM layer over {timesteps} timestep"
            f"{'s' * (timesteps > 1)}, {which}, sample 0. Values at t = 1 to {timesteps}: "
            f"{series}."
        )
        if self.at is not None:
            text += f" Marked: t = {self.at}."
        return text


def gates_over_time_figure(steps: object, unit: int = 0, *, at: int | None = None) -> Figure:
    """Plot each gate and the cell state of one unit at every step of a traced sequence.

    steps is lstm_forward(x, ..., trace=True) or its .trace (sample 0 is drawn); unit
    picks the unit; at (1 … timesteps) highlights one step and lists its values.

    Parameters
    ----------
    steps : LSTMResult or tuple of Step
        lstm_forward(..., trace=True) or its .trace, 1 to 20 steps.
    unit : int
        Which unit to draw, from 0.
    at : int or None
        The step to mark, from 1, or None.

    Returns
    -------
    DiagramFigure
        The two panels; its `description` lists every value.

    Raises
    ------
    TypeError, ValueError
        As GatesOverTime.update raises them.
    """
    timesteps = len(_trace_steps(steps))
    limit = bounded_int("timesteps", timesteps, TIMESTEP_LIMIT, _WHY_LIMIT)
    picture = GatesOverTime(max_timesteps=limit)
    picture.update(steps, unit, at=at)
    return picture.figure


