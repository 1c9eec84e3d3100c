"""A stateful layer's batch slots: what carries the state from one batch to the next.

A grid of calls (columns) by batch slots (rows). Each box is the sample a call puts in
that slot; an arrow carries the slot's h and C to the same slot of the next call. Where a
series changes slot between calls, its arrow still runs along the slot, so the picture
shows the state landing in another series (drawn in the warning colour).
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from lstm_teach import _checks
from lstm_teach.counting import count_params
from lstm_teach.diagrams._titled import TitledDiagram
from lstm_teach.diagrams.canvas import GATE_COLOURS, INK, MUTED, tint

_INCHES = (8.0, 4.2)
_LEFT, _RIGHT = 90.0, 540.0
_TOP, _BOTTOM = 232.0, 64.0
_MOST_SLOTS = 6
_MOST_CALLS = 5
SERIES_COLOURS = (GATE_COLOURS[0], GATE_COLOURS[1], GATE_COLOURS[2], "#009E73", "#56B4E9",
                  "#D55E00")
WARNING = GATE_COLOURS[3]


def _calls(calls: object) -> tuple[tuple[str, ...], ...]:
    """The series name in each slot of each call, checked: same slots in every call."""
    if isinstance(calls, str | bytes) or not isinstance(calls, Sequence) or not calls:
        raise TypeError("calls must be a list of calls, each a list of series names, "
                        f"one per batch slot; got {calls!r}")
    checked = []
    for index, call in enumerate(calls):
        if isinstance(call, str | bytes) or not isinstance(call, Sequence) or not call:
            raise TypeError(f"calls[{index}] must be a list of series names, one per batch "
                            f"slot; got {call!r}")
        checked.append(tuple(str(name) for name in call))
    slots = len(checked[0])
    if any(len(call) != slots for call in checked):
        raise ValueError("every call must fill the same number of batch slots (a stateful "
                         f"layer's batch size is fixed); got {[len(c) for c in checked]}")
    if not 1 <= slots <= _MOST_SLOTS or not 1 <= len(checked) <= _MOST_CALLS:
        raise ValueError(f"calls must hold 1 to {_MOST_CALLS} calls of 1 to {_MOST_SLOTS} "
                         "slots (more would not be legible)")
    return tuple(checked)


class BatchSlotsView(TitledDiagram):
    """Calls of a stateful LSTM, slot by slot, with the state each slot carries on.

    Parameters
    ----------
    calls : sequence of sequences of str
        calls[k][i] names the series in batch slot i at call k: 1 to 5 calls of the same
        1 to 6 slots.
    units, features : int
        The LSTM's size, for the state shapes and the count the picture states.

    Raises
    ------
    TypeError, ValueError
        If calls is not such a list, or a size is refused.
    """

    def __init__(self, calls: Sequence[Sequence[str]], units: int, features: int) -> None:
        self.calls = _calls(calls)
        self.units = _checks.positive_int("units", units)
        self.features = _checks.positive_int("features", features)
        names = sorted({name for call in self.calls for name in call})
        self._colours = {name: SERIES_COLOURS[i % len(SERIES_COLOURS)]
                         for i, name in enumerate(names)}
        super().__init__(*_INCHES)
        self._draw()
        self.figure.description = self.describe()

    def crossings(self) -> list[tuple[int, int, str, str]]:
        """Where a slot's state passes to another series at the next call.

        Returns
        -------
        list of tuple
            (call, slot, from series, to series), call and slot counted from 1.
        """
        found = []
        for k in range(len(self.calls) - 1):
            for slot, (before, after) in enumerate(zip(self.calls[k], self.calls[k + 1],
                                                       strict=True)):
                if before != after:
                    found.append((k + 1, slot + 1, before, after))
        return found

    def _draw(self) -> None:
        calls, slots = len(self.calls), len(self.calls[0])
        self._titles(f"A stateful LSTM: {slots} batch slots, {calls} calls",
                     "Row i of the state (h and C, each (batch, units)) starts row i of the "
                     "next call, whichever sample is there.")
        pitch_x = (_RIGHT - _LEFT) / calls
        pitch_y = (_TOP - _BOTTOM) / slots
        width, height = min(96.0, 0.62 * pitch_x), min(30.0, 0.66 * pitch_y)
        crossed = {(k, slot) for k, slot, _, _ in self.crossings()}
        for k, call in enumerate(self.calls):
            centre_x = _LEFT + (k + 0.5) * pitch_x
            self._label((centre_x, _TOP + 6), f"call {k + 1}", size=8.5, style="bold",
                        ha="center", va="bottom")
            for slot, name in enumerate(call):
                centre_y = _TOP - (slot + 0.5) * pitch_y
                colour = self._colours[name]
                self._axes.add_artist(FancyBboxPatch(
                    (centre_x - width / 2, centre_y - height / 2), width, height,
                    boxstyle="round,pad=0,rounding_size=4", facecolor=tint(colour, 0.3),
                    edgecolor=colour, linewidth=1.3, zorder=2,
                ))
                part = sum(1 for earlier in self.calls[:k] if name in earlier) + 1
                self._label((centre_x, centre_y), f"{name}, part {part}", size=8,
                            ha="center", va="center")
                if k == 0:
                    self._label((10, centre_y), f"slot {slot + 1}", size=8, color=MUTED,
                                va="center")
                if k < calls - 1:
                    bad = (k + 1, slot + 1) in crossed
                    self._arrow((centre_x + width / 2, centre_y),
                                (centre_x + pitch_x - width / 2, centre_y),
                                color=WARNING if bad else INK, linewidth=2.0 if bad else 1.2)
                    if bad:
                        self._label((centre_x + pitch_x / 2, centre_y + 4), "wrong series",
                                    size=7, color=WARNING, style="bold", ha="center",
                                    va="bottom")
        count = count_params(self.units, self.features)
        self._label((self._width / 2, 28),
                    f"state variables: 2 of shape ({slots}, {self.units}), not parameters; "
                    f"LSTM({self.units}) on {self.features} features: {count} parameters",
                    size=8.5, ha="center", va="center")
        self._label((self._width / 2, 12), "reset_state() sets every row back to zeros",
                    size=8, color=MUTED, ha="center", va="center")

    def describe(self) -> str:
        """What the picture shows, in words and numbers, for a screen reader or alt text.

        Returns
        -------
        str
            One paragraph, also the figure's `description`.
        """
        slots = len(self.calls[0])
        lines = [f"call {k + 1}: " + ", ".join(f"slot {s + 1} {name}" for s, name in
                                               enumerate(call))
                 for k, call in enumerate(self.calls)]
        text = (f"A stateful LSTM with {self.units} units on {self.features} features and "
                f"{slots} batch slots, over {len(self.calls)} calls ({'; '.join(lines)}). "
                f"Each slot's final h and C start the same slot at the next call; the state "
                f"variables have shape ({slots}, {self.units}) and are not parameters.")
        crossings = self.crossings()
        if crossings:
            text += " The state passes to another series at " + "; ".join(
                f"slot {slot} after call {k} ({before} into {after})"
                for k, slot, before, after in crossings) + "."
        else:
            text += " Every series stays in its slot, so each continues its own state."
        return text


def batch_slots_figure(calls: Sequence[Sequence[str]], units: int = 3,
                       features: int = 2) -> Figure:
    """Draw the batch slots of a stateful LSTM over several calls: a series that changes
    slot between calls gets another series' state.

    Parameters
    ----------
    calls : sequence of sequences of str
        calls[k][i] names the series in batch slot i at call k: 1 to 5 calls of the same
        1 to 6 slots.
    units, features : int
        The LSTM's size, for the state shapes and the count the picture states.

    Returns
    -------
    DiagramFigure
        The picture; its `description` names every slot and every crossing.

    Raises
    ------
    TypeError, ValueError
        If calls is not such a list, or a size is refused.
    """
    return BatchSlotsView(calls, units, features).figure
