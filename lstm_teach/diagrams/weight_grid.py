"""The weight grid: every parameter of one recurrent layer as a square.

Squares are grouped by weight (kernel, recurrent kernel, bias) and, inside each weight,
by gate path, one colour and letter per path. Keras stores each weight as (inputs,
paths·units), so each gate owns a block of columns and each row belongs to one input:
kernel rows to the features x[0], x[1], …, recurrent rows to the units h[0], h[1], ….
PyTorch stores the transpose, so each gate owns a block of rows and each column one
input. The number of squares equals the parameter count. Squares that a change of
size adds can be outlined, e.g. the four kernel squares a second feature brings.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from lstm_teach.counting import LayerSpec, ParamRow
from lstm_teach.diagrams.canvas import (
    GATE_COLOURS,
    GATE_NAMES,
    GRID_LIMIT,
    INK,
    LETTER_COLOURS,
    MUTED,
    Diagram,
    bounded_int,
)
from lstm_teach.diagrams.lettering import Lettering

_SQUARE_GID = "param"
_BLOCK_GID = "block"  # a gate's whole block as one rectangle, for very large layers
_NEW_GID = "new"
_NO_PATH = Path(np.zeros((1, 2)), [Path.MOVETO], readonly=True)
_WHY_LIMIT = "one square per parameter must stay visible"
_GRID_INCHES = (7.5, 4.5)
_GRID_TOP = 258.0  # points: top of the first block (Keras) or of the block labels (PyTorch)
_GRID_BOTTOM = 48.0  # lowest point the squares may reach, above the caption
_GRID_RIGHT = 530.0
_LABEL_SIZE = 8.5
_LABEL_HEIGHT = 24.0  # two lines of block label
_INPUT_ROOM = 26.0  # points beside (Keras) or below (PyTorch) a block for x[0], h[0], …
_INPUT_SIZE = 7.0
_BLOCK_GAP = 8.0
_GATE_GAP = 4.0
_LARGEST_SQUARE = 22.0
_LETTERED_SQUARE = 11.0  # squares at least this big carry their gate letter
_OUTLINED_SQUARE = 5.0  # smaller squares lose their outline, which would only blur them
#: Below this size (points) single squares would blur into moiré on a screen: each gate's
#: block of a weight is drawn as one rectangle instead, and the caption says so.
_SUMMARY_SQUARE = 4.0
#: The input each row (Keras) or column (PyTorch) of a weight belongs to.
_INPUT_SYMBOL = {"kernel": "x", "recurrent_kernel": "h", "weight_ih_l0": "x",
                 "weight_hh_l0": "h"}


def count_squares(fig: Figure, block: str | None = None, *, new: bool = False) -> int:
    """Number of parameter squares visible in a weight-grid figure.

    Each (weight, gate) pair of the grid is one PolyCollection with gid
    "param:<weight name>:<gate letter>" holding one square per parameter; block="kernel"
    (or another weight name) counts that weight's squares only; new=True counts only
    the squares outlined as added by a change (gid "new:<weight name>").

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A weight-grid figure.
    block : str or None
        A weight name such as "kernel", or None for all.
    new : bool
        Count only the squares outlined as new.

    Returns
    -------
    int
        The number of squares.

    Raises
    ------
    TypeError
        If fig is not a Figure, block not a string or None, or new not True or False.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
    if block is not None and not isinstance(block, str):
        raise TypeError(f"block must be a weight name such as 'kernel' or None, got {block!r}")
    if not isinstance(new, bool):
        raise TypeError(f"new must be True or False, got {new!r}")
    wanted = _NEW_GID if new else _SQUARE_GID
    total = 0
    for collection in fig.findobj(PolyCollection):
        parts = (collection.get_gid() or "").split(":")
        if parts[0] != wanted or not collection.get_visible():
            continue
        if block is None or parts[1] == block:
            total += len(collection.get_paths())
    return total


def _gate_squares(
    left: float, top: float, rows: int, columns: int, size: float,
    units: int, gate: int, keras: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Corners (n, 4, 2) of one gate's squares in a weight block drawn at (left, top),
    and for each square the index of its input (row for Keras, column for PyTorch) and
    of its unit.

    In Keras the gate owns columns gate·units …; in PyTorch it owns those rows. Gate
    blocks are separated by a small gap so each gate's squares form one rectangle.
    """
    row_index = np.arange(rows)
    column_index = np.arange(columns)
    if keras:
        column_index = column_index[gate * units:(gate + 1) * units]
        xs = left + column_index * size + (column_index // units) * _GATE_GAP
        ys = top - (row_index + 1) * size
    else:
        row_index = row_index[gate * units:(gate + 1) * units]
        xs = left + column_index * size
        ys = top - (row_index + 1) * size - (row_index // units) * _GATE_GAP
    x, y = np.meshgrid(xs, ys)
    column_grid, row_grid = np.meshgrid(column_index, row_index)
    row, column = row_grid.ravel(), column_grid.ravel()
    inset = 0.08 * size
    x0 = x.ravel() + inset
    y0 = y.ravel() + inset
    x1 = x0 + size - 2 * inset
    y1 = y0 + size - 2 * inset
    corners = np.stack([np.stack([x0, y0]), np.stack([x1, y0]),
                        np.stack([x1, y1]), np.stack([x0, y1])]).transpose(2, 0, 1)
    if keras:
        return corners, row, column % units
    return corners, column, row % units


def _outline(corners: np.ndarray) -> np.ndarray:
    """One rectangle covering all the given squares' corners."""
    low, high = corners.min(axis=(0, 1)), corners.max(axis=(0, 1))
    return np.array([low, (high[0], low[1]), high, (low[0], high[1])])


def _block_label(row: ParamRow) -> str:
    return f"{row.name}\n{row.shape} = {row.count}"


def _block_extent(row: ParamRow, keras: bool) -> tuple[int, int]:
    """(rows, columns) of the squares drawn for one weight; a vector is one row/column."""
    if keras:
        return (row.shape[0] if len(row.shape) == 2 else 1), row.shape[-1]
    return row.shape[0], (row.shape[1] if len(row.shape) == 2 else 1)


def _layout(
    layer: LayerSpec, size: float, left: float, lettering: Lettering,
) -> tuple[list[tuple[float, float]], float, float]:
    """Top-left corner of each weight block, and the width and height they use.

    Keras: blocks stacked downwards, labels on their left. PyTorch: blocks side by side,
    each under its label and at least as wide as it, inputs named below.
    """
    paths = layer.kind.paths
    gates_extent = paths * layer.units * size + (paths - 1) * _GATE_GAP
    corners = []
    if layer.keras:
        top = _GRID_TOP
        for row in layer.rows:
            rows, _ = _block_extent(row, keras=True)
            corners.append((left, top))
            top -= max(rows * size, _LABEL_HEIGHT) + _BLOCK_GAP
        return corners, gates_extent, _GRID_TOP - top - _BLOCK_GAP
    x = left
    for row in layer.rows:
        _, columns = _block_extent(row, keras=False)
        corners.append((x, _GRID_TOP - _LABEL_HEIGHT - 4.0))
        label_width = lettering.width(_block_label(row), "sans", _LABEL_SIZE)
        x += max(columns * size, label_width) + 2 * _BLOCK_GAP
    height = _LABEL_HEIGHT + 4.0 + gates_extent + _INPUT_ROOM
    return corners, x - left - 2 * _BLOCK_GAP, height


def _input_names(symbol: str, count: int, size: float) -> tuple[str, float]:
    """The names x[0], x[1], … one per line, and a font size that fits one row of squares.

    When the squares are too small for every name, only every k-th row is named (blank
    lines keep the others' places).
    """
    font = min(_INPUT_SIZE, 0.8 * size)
    every = max(1, math.ceil(4.5 / font)) if font < 4.5 else 1
    font = max(font, 4.5)
    named = set(range(0, count, every))
    if count - 1 - max(named) >= every:  # the last one too, when it has room
        named.add(count - 1)
    names = [f"{symbol}[{index}]" if index in named else "" for index in range(count)]
    return "\n".join(names), font


class WeightGrid(Diagram):
    """Every parameter of one recurrent layer as a square, grouped by weight and gate.

    Built once for settings up to max_units and max_features; `update` redraws in place.
    The square size depends only on the maxima, the cell and the convention, so growing
    features by one visibly adds squares instead of rescaling the picture.

    Parameters
    ----------
    max_units, max_features : int
        The largest layer it will draw, 1 to 32 each.

    Raises
    ------
    TypeError, ValueError
        If a maximum is not a whole number from 1 to 32.
    """

    def __init__(self, max_units: int = 8, max_features: int = 8) -> None:
        self.max_units = bounded_int("max_units", max_units, GRID_LIMIT, _WHY_LIMIT)
        self.max_features = bounded_int("max_features", max_features, GRID_LIMIT, _WHY_LIMIT)
        super().__init__(*_GRID_INCHES)
        self._title, self._subtitle = self._headings()
        self._caption = self._label((self._width / 2, 0.0), size=8, color=MUTED,
                                    ha="center", va="top", linespacing=1.4)
        self._squares: list[list[PolyCollection]] = []
        for _ in range(4):
            per_gate = []
            for gate in range(4):
                squares = PolyCollection([], facecolors=GATE_COLOURS[gate], edgecolors=INK,
                                         linewidths=0.4, snap=True)
                self._axes.add_collection(squares, autolim=False)
                per_gate.append(squares)
            self._squares.append(per_gate)
        self._new = [PolyCollection([], facecolors="none", edgecolors="black",
                                    linewidths=1.8, zorder=4) for _ in range(4)]
        for outlines in self._new:
            self._axes.add_collection(outlines, autolim=False)
        self._letters = [
            PathPatch(_NO_PATH, facecolor=colour, edgecolor="none", linewidth=0.0,
                      zorder=3)
            for colour in LETTER_COLOURS
        ]
        for letters in self._letters:
            self._axes.add_artist(letters)
        self._block_labels = [self._label((0.0, 0.0), size=_LABEL_SIZE) for _ in range(4)]
        self._input_labels = [self._label((0.0, 0.0), size=_INPUT_SIZE, style="mono",
                                          color=MUTED) for _ in range(4)]
        self._gate_labels = [self._label((0.0, 0.0), size=10, style="bold") for _ in range(4)]
        self._geometry_cache: dict[tuple[str, str, bool], tuple[float, float]] = {}
        self.layer = LayerSpec(1, 1)
        self.new_since: LayerSpec | None = None
        self.visible_squares = 0
        self.new_squares = 0
        self.summarised = False
        self.update(self.layer)

    def _geometry(self, layer: LayerSpec) -> tuple[float, float]:
        """Square size and left edge that fit the largest settings, centred in the figure.

        They depend on the cell, convention and reset_after only, not on the sizes shown.
        """
        largest = layer.replace(units=self.max_units, features=self.max_features,
                                use_bias=True)
        key = (layer.cell, layer.convention, layer.reset_after)
        if key not in self._geometry_cache:
            label_room = 112.0 + _INPUT_ROOM if layer.keras else 24.0
            size = _LARGEST_SQUARE
            while size > 0.5:
                _, used_width, used_height = _layout(largest, size, label_room,
                                                     self._lettering)
                if (used_width + label_room <= _GRID_RIGHT
                        and used_height <= _GRID_TOP - _GRID_BOTTOM):
                    break
                size -= 0.25
            _, used_width, _ = _layout(largest, size, 0.0, self._lettering)
            spare = max(0.0, (_GRID_RIGHT - label_room - used_width) / 2)
            self._geometry_cache[key] = (size, label_room + min(spare, 60.0))
        return self._geometry_cache[key]

    def update(self, layer: LayerSpec, *, new_since: LayerSpec | None = None) -> int:
        """Redraw for this layer; returns the number of squares now visible.

        new_since, an earlier layer of the same cell and convention, outlines the squares
        this layer has and that one did not (more features, more units, a bias).

        Parameters
        ----------
        layer : LayerSpec
            Up to max_units and max_features.
        new_since : LayerSpec or None
            An earlier, smaller layer of the same cell and convention, or None.

        Returns
        -------
        int
            The squares now visible: the layer's count.

        Raises
        ------
        TypeError
            If layer or new_since is not a LayerSpec.
        ValueError
            If layer is larger than the grid, or new_since of another cell or convention.
        """
        if not isinstance(layer, LayerSpec):
            raise TypeError(f"layer must be a lstm_teach.LayerSpec, got {type(layer).__name__}")
        if layer.units > self.max_units:
            raise ValueError(
                f"units must be from 1 to max_units={self.max_units} of this WeightGrid, "
                f"got {layer.units}"
            )
        if layer.features > self.max_features:
            raise ValueError(
                f"features must be from 1 to max_features={self.max_features} of this "
                f"WeightGrid, got {layer.features}"
            )
        _check_earlier(new_since, layer)
        keras = layer.keras
        gates = layer.gates
        size, left = self._geometry(layer)
        corners, _, _ = _layout(layer, size, left, self._lettering)

        visible = added = 0
        lowest = _GRID_TOP
        letter_centres: list[list[np.ndarray]] = [[] for _ in range(4)]
        for slot, per_gate in enumerate(self._squares):
            shown = slot < len(layer.rows)
            for artist in (self._block_labels[slot], self._input_labels[slot],
                           self._new[slot]):
                artist.set_visible(shown)
            for gate, squares in enumerate(per_gate):
                squares.set_visible(shown and gate < len(gates))
            if not shown:
                continue
            row = layer.rows[slot]
            block_left, block_top = corners[slot]
            rows, columns = _block_extent(row, keras)
            new_corners = []
            for gate, squares in enumerate(per_gate[:len(gates)]):
                verts, inputs, units = _gate_squares(block_left, block_top, rows, columns,
                                                     size, layer.units, gate, keras)
                if size >= _SUMMARY_SQUARE:
                    squares.set_verts(verts)
                    squares.set_gid(f"{_SQUARE_GID}:{row.name}:{gates[gate]}")
                    visible += len(verts)
                else:
                    squares.set_verts([_outline(verts)])
                    squares.set_gid(f"{_BLOCK_GID}:{row.name}:{gates[gate]}")
                squares.set_linewidth(0.4 if size >= _OUTLINED_SQUARE else 0.0)
                lowest = min(lowest, float(verts[:, :, 1].min()))
                letter_centres[gate].append(verts.mean(axis=1))
                if new_since is not None:
                    new_corners.append(verts[_added(row.name, inputs, units, new_since)])
            outlined = np.concatenate(new_corners) if new_corners else np.zeros((0, 4, 2))
            self._new[slot].set_verts(outlined)
            self._new[slot].set_gid(f"{_NEW_GID}:{row.name}")
            added += len(outlined)
            self._place_block_labels(slot, row, (block_left, block_top), rows, columns, size,
                                     keras)
            if keras:
                lowest = min(lowest, block_top - _LABEL_HEIGHT)
            elif row.name in _INPUT_SYMBOL:
                lowest = min(lowest, block_top - rows * size - (len(gates) - 1) * _GATE_GAP
                             - _INPUT_ROOM)

        self._place_letters(gates, letter_centres, size)
        self._place_gate_labels(gates, corners[0], size, layer.units, keras)
        self._title.set_text(f"{layer.kind.title}: {layer.count} parameters")
        self._subtitle.set_text(
            f"{layer.formula}    ({'Keras' if keras else 'PyTorch'} weights, "
            f"units={layer.units}, features={layer.features})"
        )
        self.layer, self.new_since = layer, new_since
        self.visible_squares, self.new_squares = visible, added
        self.summarised = size < _SUMMARY_SQUARE
        self._caption.set_text(self._caption_text())
        self._caption.set_alignment("center", "top",
                                    self._fitted_size(self._caption, 8.0, self._width - 16))
        self._caption.set_position((self._width / 2, lowest - 10))
        self.figure.description = self.describe()
        return visible

    def _place_block_labels(
        self, slot: int, row: ParamRow, corner: tuple[float, float], rows: int, columns: int,
        size: float, keras: bool,
    ) -> None:
        """The weight's name and shape, and the input each row (or column) belongs to."""
        block_left, block_top = corner
        label, inputs = self._block_labels[slot], self._input_labels[slot]
        label.set_text(_block_label(row))
        symbol = _INPUT_SYMBOL.get(row.name)
        inputs.set_visible(symbol is not None)
        if keras:
            label.set_alignment("right", "top")
            label.set_position((block_left - 8 - _INPUT_ROOM, block_top))
        else:
            label.set_alignment("left", "bottom")
            label.set_position((block_left, block_top + 4))
        if symbol is None:
            return
        names, font = _input_names(symbol, rows if keras else columns, size)
        inputs.set_text(names)
        metrics = self._lettering.metrics("mono")
        inputs.set_linespacing(size / (metrics.line_height * font))
        if keras:  # one name per row, right of the block label, centred on its row
            inputs.set_rotation(0.0)
            inputs.set_alignment("right", "baseline", font)
            inputs.set_position((block_left - 4,
                                 block_top - size / 2 - metrics.cap_height * font / 2))
        else:  # one name per column, read upwards, under the block
            bottom = block_top - rows * size - (self.layer.kind.paths - 1) * _GATE_GAP
            inputs.set_rotation(90.0)
            inputs.set_alignment("right", "baseline", font)
            inputs.set_position((block_left + size / 2 + metrics.cap_height * font / 2,
                                 bottom - 3))

    @property
    def content_bottom(self) -> float:
        """Lowest point, in points, of anything drawn: the bottom of the caption."""
        return float(self._caption.get_path().get_extents().y0)

    def _place_letters(
        self, gates: tuple[str, ...], centres: list[list[np.ndarray]], size: float,
    ) -> None:
        """Write each gate's letter on its squares when they are big enough to read."""
        for gate, letters in enumerate(self._letters):
            if size < _LETTERED_SQUARE or gate >= len(gates):
                letters.set_visible(False)
                continue
            vertices, codes, width = self._lettering.line(gates[gate], "bold")
            letter_size = 0.6 * size
            cap_height = self._lettering.metrics("bold").cap_height
            glyph = (vertices - (width / 2, cap_height / 2)) * letter_size
            points = np.concatenate(centres[gate])
            tiled = (glyph[None, :, :] + points[:, None, :]).reshape(-1, 2)
            letters.set_path(Path(tiled, np.tile(codes, len(points))))
            letters.set_visible(True)

    def _place_gate_labels(
        self, gates: tuple[str, ...], first: tuple[float, float], size: float, units: int,
        keras: bool,
    ) -> None:
        """Gate letters above the column blocks (Keras) or left of the row blocks."""
        first_left, first_top = first
        for gate, label in enumerate(self._gate_labels):
            label.set_visible(gate < len(gates))
            if gate >= len(gates):
                continue
            middle = (gate + 0.5) * units * size + gate * _GATE_GAP
            if keras:
                label.set_alignment("center", "bottom")
                label.set_position((first_left + middle, first_top + 3))
            else:
                label.set_alignment("right", "center", min(10.0, units * size + _GATE_GAP - 1))
                label.set_position((first_left - 6, first_top - middle))
            label.set_text(gates[gate])

    def _caption_text(self) -> str:
        """What one column (Keras) or row (PyTorch) holds, the outlined squares, and the
        gate letters."""
        layer = self.layer
        gates = layer.gates
        count = len(gates) * layer.units
        bias = layer.bias_vectors
        line = "column" if layer.keras else "row"
        lines = f"{count} {line}{'s' if count > 1 else ''}"
        per = (f"one {line} per gate and unit ({len(gates)}·{layer.units} = {lines})"
               if len(gates) > 1 else f"one {line} per unit ({lines})")
        holds = f"{layer.features} kernel + {layer.units} recurrent"
        if bias:
            holds += f" + {bias} bias"
        first = (f"{per[0].upper()}{per[1:]}, each holding {holds} = "
                 f"{layer.features + layer.units + bias} numbers.")
        if self.summarised:
            first += ("\nToo many to draw one square per parameter: each gate's block of a "
                      "weight is drawn as one rectangle.")
        if self.new_since is not None:
            first += f"\nOutlined: the {self._added_text()}."
        legend = "    ".join(
            f"{letter} = {name}"
            for letter, name in zip(gates, GATE_NAMES[layer.cell], strict=True)
        )
        return f"{first}\n{legend}"

    def _added_text(self) -> str:
        earlier = self.new_since
        assert earlier is not None
        changes = [f"{name}={getattr(earlier, name)}→{getattr(self.layer, name)}"
                   for name in ("units", "features", "use_bias")
                   if getattr(earlier, name) != getattr(self.layer, name)]
        plural = "s" if self.new_squares != 1 else ""
        return (f"{self.new_squares} square{plural} added by "
                f"{', '.join(changes) if changes else 'no change'}")

    def describe(self) -> str:
        """What the picture shows, in words and numbers, for a screen reader or alt text.

        Returns
        -------
        str
            One paragraph, also the figure's `description`.
        """
        layer = self.layer
        weights = ", ".join(
            f"{row.name} {_rows_by_columns(row, layer.keras)} = {row.count}"
            for row in layer.rows
        )
        gates = ", ".join(layer.gates)
        drawn = "one rectangle per gate block" if self.summarised else "one square per parameter"
        text = (
            f"Weight grid of {layer.kind.article.lower()} {layer.kind.title} with "
            f"{layer.units} unit{'s' * (layer.units > 1)} and {layer.features} "
            f"feature{'s' * (layer.features > 1)} in {'Keras' if layer.keras else 'PyTorch'}'s "
            f"layout, {drawn}: {weights}; total {layer.count}. "
            f"Each weight is split into {len(layer.gates)} gate block"
            f"{'s' * (len(layer.gates) > 1)} ({gates})."
        )
        if self.new_since is not None:
            text += f" Outlined: the {self._added_text()}."
        return text


def _rows_by_columns(row: ParamRow, keras: bool) -> str:
    if len(row.shape) == 1:
        return f"{row.shape[0]} values"
    rows, columns = _block_extent(row, keras)
    return f"{rows} row{'s' * (rows > 1)} × {columns} column{'s' * (columns > 1)}"


def _check_earlier(earlier: object, layer: LayerSpec) -> None:
    """new_since must be None or a LayerSpec of the same cell and convention."""
    if earlier is None:
        return
    if not isinstance(earlier, LayerSpec):
        raise TypeError(
            f"new_since must be a LayerSpec or None, got {type(earlier).__name__}")
    for name in ("cell", "convention", "reset_after"):
        if getattr(earlier, name) != getattr(layer, name):
            raise ValueError(
                f"new_since must describe the same kind of layer: its {name} is "
                f"{getattr(earlier, name)!r}, this layer's {getattr(layer, name)!r}"
            )


def _added(name: str, inputs: np.ndarray, units: np.ndarray, earlier: LayerSpec) -> np.ndarray:
    """Which squares of weight `name` (their input and unit indices) the earlier layer
    did not have."""
    rows = {row.name: row for row in earlier.rows}
    if name not in rows:
        return np.ones(len(inputs), dtype=bool)
    rows_before, columns_before = _block_extent(rows[name], earlier.keras)
    earlier_inputs = rows_before if earlier.keras else columns_before
    return (inputs >= earlier_inputs) | (units >= earlier.units)


def weight_grid_figure(
    units: int,
    features: int,
    *,
    cell: str = "lstm",
    use_bias: bool = True,
    convention: str = "keras",
    reset_after: bool = True,
    new_since: tuple[int, int] | None = None,
) -> Figure:
    """Draw every parameter of one layer as a square, grouped by weight and gate.

    The number of squares equals count_params(...) for the same settings; the figure is
    cropped to its content. new_since=(units, features) of an earlier, smaller layer
    outlines the squares the change added, e.g. new_since=(1, 1) for units=1, features=2.

    Parameters
    ----------
    units, features : int
        The layer's size, 1 to 32 each.
    cell : str
        "lstm", "gru" or "simple_rnn".
    use_bias : bool
        Whether the layer has a bias.
    convention : str
        "keras" or "pytorch".
    reset_after : bool
        GRU in Keras only.
    new_since : tuple of int or None
        (units, features) of an earlier, smaller layer, or None.

    Returns
    -------
    DiagramFigure
        The grid, cropped to its content; its `description` gives every count.

    Raises
    ------
    TypeError
        If a size is not a whole number or new_since not a pair of them.
    ValueError
        If a size is out of range or new_since larger than the layer.
    """
    layer = LayerSpec(units, features, cell, use_bias, convention, reset_after)
    bounded_int("units", layer.units, GRID_LIMIT, _WHY_LIMIT)
    bounded_int("features", layer.features, GRID_LIMIT, _WHY_LIMIT)
    earlier = None
    if new_since is not None:
        if not isinstance(new_since, tuple) or len(new_since) != 2:
            raise TypeError(
                f"new_since must be (units, features) of the earlier layer, e.g. (1, 1); "
                f"got {new_since!r}")
        earlier = layer.replace(units=new_since[0], features=new_since[1])
    grid = WeightGrid(max_units=layer.units, max_features=layer.features)
    grid.update(layer, new_since=earlier)
    bottom = max(0.0, grid.content_bottom - 8.0)
    width, height = grid.figure.get_size_inches()
    grid.figure.set_size_inches(width, height - bottom / 72.0)
    grid._axes.set_ylim(bottom, height * 72.0)
    return grid.figure
