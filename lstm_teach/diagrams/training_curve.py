"""Training losses per epoch on a log scale, with reference levels to compare against.

One line per model (so a rival and the real thing train side by side), each with its
own colour, marker and dash; each reference level is a grey line whose value is written
at its right end, so a loss can be read against it without hunting for a tick.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullFormatter

from lstm_teach import _checks
from lstm_teach.diagrams.canvas import GATE_COLOURS, INK, new_figure

_LIMIT_STYLES = ("--", ":", "-.")
_SERIES_STYLES = (  # colour, marker, dash: told apart in greyscale too
    (INK, "o", "-"),
    (GATE_COLOURS[0], "s", (0, (5, 2))),
    (GATE_COLOURS[3], "^", (0, (1.5, 1.5))),
)
_LOG_AXIS = "the axis is logarithmic"
_MIN_LABEL_GAP = 0.07  # of the axis height: reference labels closer than this are spread


def _nice(value: float) -> str:
    """A loss as a tick or label shows it: up to 3 significant digits, plain decimals."""
    return f"{value:.3g}" if 1e-4 <= value < 1e4 else f"{value:.2g}"


def _log_ticks(low: float, high: float) -> list[float]:
    """At least three readable ticks between low and high on a log axis: powers of ten,
    then 2 and 5 times them, then 1.5, 3 and 7, whichever first gives three."""
    for multiples in ((1.0,), (1.0, 2.0, 5.0), (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)):
        ticks = [m * 10.0 ** k for k in range(math.floor(math.log10(low)) - 1,
                                              math.ceil(math.log10(high)) + 1)
                 for m in multiples]
        inside = [tick for tick in ticks if low <= tick <= high]
        if len(inside) >= 3:
            return inside
    return [low, math.sqrt(low * high), high]


def _series(losses: object) -> dict[str, list[float]]:
    if isinstance(losses, Mapping):
        named = {str(name): values for name, values in losses.items()}
        if not named:
            raise ValueError("losses must hold at least one model's losses, got an empty mapping")
        if len(named) > len(_SERIES_STYLES):
            raise ValueError(f"losses holds at most {len(_SERIES_STYLES)} models, "
                             f"got {len(named)}")
    else:
        named = {"": losses}
    checked = {}
    for name, values in named.items():
        where = f"losses[{name!r}]" if name else "losses"
        if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
            raise TypeError(f"{where} must be a list of numbers, one per epoch, got {values!r}")
        checked[name] = [_checks.positive_number(f"{where}[{index}]", value, _LOG_AXIS)
                         for index, value in enumerate(values)]
        if not checked[name]:
            raise ValueError(f"{where} must hold at least one epoch's loss, got an empty list")
    return checked


def training_curve_figure(
    losses: Sequence[float] | Mapping[str, Sequence[float]],
    limits: Mapping[str, float] | None = None,
    *,
    title: str = "Training loss",
    label: str = "training loss",
) -> Figure:
    """Loss per epoch on a log scale, with labelled horizontal lines to compare against.

    losses is one value per epoch, e.g. history.history["loss"], or a mapping from a
    model's name to its losses (up to 3 models, drawn in one picture); limits maps a
    legend text to a level, such as the error of always predicting the mean. Ticks are
    plain decimals (0.01 rather than a power of ten), at least three on the loss axis
    and a handful of whole epochs; each level's value is written beside its line.

    Parameters
    ----------
    losses : sequence of float, or mapping of str to sequence of float
        One positive loss per epoch, or up to 3 models' losses by name.
    limits : mapping of str to float, or None
        Up to 3 reference levels by legend text.
    title : str
        The title.
    label : str
        The legend text of a single series.

    Returns
    -------
    DiagramFigure
        The curve on a log axis; its `description` gives the first and last losses.

    Raises
    ------
    TypeError
        If losses or limits are not numbers of the right shape, or title or label not a
        string.
    ValueError
        If a loss or level is not a positive finite number (the axis is logarithmic), or
        there are no epochs or too many series.
    """
    series = _series(losses)
    limits = {} if limits is None else limits
    if not isinstance(limits, Mapping):
        raise TypeError(f"limits must map a legend text to a level, got {limits!r}")
    if len(limits) > len(_LIMIT_STYLES):
        raise ValueError(f"limits holds at most {len(_LIMIT_STYLES)} lines, got {len(limits)}")
    levels = {str(name): _checks.positive_number(f"limits[{name!r}]", level, _LOG_AXIS)
              for name, level in limits.items()}
    for name, text in (("title", title), ("label", label)):
        if not isinstance(text, str):
            raise TypeError(f"{name} must be a string, got {text!r}")

    figure = new_figure(6.4, 3.4, layout="constrained")
    figure.set_label(title)
    axes = figure.add_subplot()
    for (name, values), (colour, marker, dash) in zip(series.items(), _SERIES_STYLES,
                                                      strict=False):
        epochs = np.arange(1, len(values) + 1)
        axes.plot(epochs, values, color=colour, marker=marker, linestyle=dash,
                  markersize=4 if len(values) <= 40 else 0, label=name or label)
    for (name, level), style in zip(levels.items(), _LIMIT_STYLES, strict=False):
        axes.axhline(level, color="dimgray", linestyle=style, linewidth=1.2, label=name)
    every = [value for values in series.values() for value in values] + list(levels.values())
    low, high = min(every) / 1.6, max(every) * 1.6
    axes.set_yscale("log")
    axes.set_ylim(low, high)
    axes.yaxis.set_major_locator(FixedLocator(_log_ticks(low, high)))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: _nice(value)))
    axes.yaxis.set_minor_formatter(NullFormatter())
    longest = max(len(values) for values in series.values())
    axes.set_xlim(0.5, longest + 0.5)
    axes.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True, min_n_ticks=1))
    _label_levels(axes, levels, low, high)
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss (log scale)")
    axes.set_title(title)
    axes.legend(loc="lower left", fontsize=8)
    figure.description = _describe(title, series, levels, label)
    return figure


def _label_levels(axes: object, levels: dict[str, float], low: float, high: float) -> None:
    """Write each level's value at the right end of its line, spread apart if close."""
    span = math.log10(high) - math.log10(low)
    placed: list[float] = []
    for level in sorted(levels.values()):
        position = (math.log10(level) - math.log10(low)) / span
        if placed and position - placed[-1] < _MIN_LABEL_GAP:
            position = placed[-1] + _MIN_LABEL_GAP
        placed.append(position)
        axes.text(1.01, position, _nice(level), transform=axes.transAxes,  # type: ignore[attr-defined]
                  va="center", ha="left", fontsize=8, color="dimgray")


def _describe(title: str, series: dict[str, list[float]], levels: dict[str, float],
              label: str) -> str:
    parts = []
    for name, values in series.items():
        best = int(np.argmin(values))
        parts.append(
            f"{name or label}: {_nice(values[0])} at epoch 1, {_nice(values[-1])} at epoch "
            f"{len(values)}, lowest {_nice(values[best])} at epoch {best + 1}"
        )
    text = f"{title}, loss per epoch on a log scale. " + "; ".join(parts) + "."
    if levels:
        text += " Reference lines: " + "; ".join(
            f"{name} {_nice(level)}" for name, level in levels.items()) + "."
    return text
