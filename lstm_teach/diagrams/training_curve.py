"""A training loss per epoch on a log scale, with reference levels to compare against."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from lstm_teach import _checks
from lstm_teach.diagrams.canvas import new_figure

_LIMIT_STYLES = ("--", ":", "-.")
_LOG_AXIS = "the axis is logarithmic"


def training_curve_figure(
    losses: Sequence[float],
    limits: Mapping[str, float] | None = None,
    *,
    title: str = "Training loss",
    label: str = "training loss",
) -> Figure:
    """Loss per epoch on a log scale, with labelled horizontal lines to compare against.

    losses is one value per epoch, e.g. history.history["loss"]; limits maps a legend
    text to a level, such as the best error a simpler model can reach. Tick labels are
    plain decimals (0.01 rather than a power of ten): easier to read, and they keep
    matplotlib's math-text parser, 0.2 s to load, out of the notebook.
    """
    if isinstance(losses, str | bytes) or not isinstance(losses, Sequence | np.ndarray):
        raise TypeError(f"losses must be a list of numbers, one per epoch, got {losses!r}")
    values = [_checks.positive_number(f"losses[{index}]", value, _LOG_AXIS)
              for index, value in enumerate(losses)]
    if not values:
        raise ValueError("losses must hold at least one epoch's loss, got an empty list")
    limits = {} if limits is None else limits
    if not isinstance(limits, Mapping):
        raise TypeError(f"limits must map a legend text to a level, got {limits!r}")
    if len(limits) > len(_LIMIT_STYLES):
        raise ValueError(f"limits holds at most {len(_LIMIT_STYLES)} lines, got {len(limits)}")
    levels = {str(name): _checks.positive_number(f"limits[{name!r}]", level, _LOG_AXIS)
              for name, level in limits.items()}

    figure = new_figure(6.4, 3.4, layout="constrained")
    figure.set_label(title)
    axes = figure.add_subplot()
    epochs = np.arange(1, len(values) + 1)
    axes.plot(epochs, values, color="black", marker="o", label=label)
    for (name, level), style in zip(levels.items(), _LIMIT_STYLES, strict=False):
        axes.axhline(level, color="dimgray", linestyle=style, label=name)
    axes.set_yscale("log")
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.yaxis.set_minor_formatter(NullFormatter())
    axes.set_xticks(epochs)
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss (log scale)")
    axes.set_title(title)
    axes.legend(loc="lower left", fontsize=8)
    return figure
