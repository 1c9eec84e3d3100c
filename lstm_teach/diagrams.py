"""Pictures of a recurrent layer's weights, one LSTM step, the unrolled layer, a loss curve.

Pure matplotlib with the object-oriented API (``Figure`` on an Agg canvas): no pyplot,
no TensorFlow, no widgets. Each picture is a small class that builds its Figure once;
its ``update`` method changes the existing artists in place, so a slider can redraw it
and ``figure_png`` can encode it within a few tens of milliseconds. The ``*_figure``
functions draw one picture in a single call.

Gates are told apart by their letter and position first, then by an Okabe-Ito colour
whose grey levels also differ, so the pictures read in greyscale and for colour-blind
eyes.

Two choices keep redraws fast. Every figure is laid out in points: its single Axes
fills the figure and its data coordinates are points from the lower-left corner. And
text is drawn as filled glyph outlines (`_Label`), cached per picture, because
rendering a matplotlib Text through FreeType costs milliseconds per label.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font, LoadFlags
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, PathPatch
from matplotlib.path import Path
from matplotlib.patheffects import Normal, Stroke
from matplotlib.ticker import FuncFormatter, NullFormatter
from PIL import Image as PILImage

from lstm_teach import _checks, counting
from lstm_teach.reference import LSTM_GATES, Step

__all__ = [
    "GATE_COLOURS",
    "GATE_NAMES",
    "CellDiagram",
    "DiagramFigure",
    "GatesOverTime",
    "UnrolledView",
    "WeightGrid",
    "cell_diagram_figure",
    "count_squares",
    "figure_png",
    "figure_text",
    "gates_over_time_figure",
    "quick_png",
    "training_curve_figure",
    "unrolled_figure",
    "weight_grid_figure",
]

#: Okabe-Ito colours by gate position (blue, orange, yellow, reddish purple): their grey
#: levels differ too, and the letter on or above each block names the gate anyway.
GATE_COLOURS = ("#0072B2", "#E69F00", "#F0E442", "#CC79A7")
#: Letter colour that stays readable on each gate colour.
_LETTER_COLOURS = ("white", "black", "black", "black")
#: What each gate letter stands for, per cell.
GATE_NAMES = MappingProxyType({
    "lstm": ("input gate", "forget gate", "candidate (tanh)", "output gate"),
    "gru": ("update gate", "reset gate", "candidate (tanh)"),
    "simple_rnn": ("new state (tanh)",),
})

_CELL_TITLES = MappingProxyType({"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"})
_INK = "#222222"
_MUTED = "#5a5a5a"
_DPI = 80
_NOTEBOOK_DPI = 100
_SQUARE_GID = "param"
_GRID_LIMIT = 32
_TIMESTEP_LIMIT = 20

_FONT_STYLES = MappingProxyType({
    "sans": ("DejaVu Sans", "normal"),
    "bold": ("DejaVu Sans", "bold"),
    "mono": ("DejaVu Sans Mono", "normal"),
})
_GLYPH_SCALE = 100.0  # glyph outlines are read at 100 pt and stored per 1 pt of size
_CAP_HEIGHT = 0.73  # of DejaVu, in units of the font size
_ASCENT = 0.76
_DESCENT = 0.24
_EMPTY_PATH = Path(np.zeros((1, 2)), [Path.MOVETO], readonly=True)


# ---------------------------------------------------------------- text as outlines


class _Lettering:
    """Glyph outlines and advances read once from the font files and kept per picture."""

    def __init__(self) -> None:
        self._fonts: dict[str, FT2Font] = {}
        self._glyphs: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, float]] = {}

    def _font(self, style: str) -> FT2Font:
        if style not in self._fonts:
            family, weight = _FONT_STYLES[style]
            font = FT2Font(findfont(FontProperties(family=family, weight=weight)))
            font.set_size(_GLYPH_SCALE, 72)
            self._fonts[style] = font
        return self._fonts[style]

    def glyph(self, style: str, char: str) -> tuple[np.ndarray, np.ndarray, float]:
        """Outline vertices and codes of one character at size 1, and its advance."""
        key = (style, char)
        if key not in self._glyphs:
            font = self._font(style)
            if font.get_char_index(ord(char)) == 0:
                font = self._font("sans")
            glyph = font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
            vertices, codes = font.get_path()
            self._glyphs[key] = (
                np.asarray(vertices, dtype=float) / _GLYPH_SCALE,
                np.asarray(codes, dtype=np.uint8),
                glyph.linearHoriAdvance / 65536 / _GLYPH_SCALE,
            )
        return self._glyphs[key]

    def line(self, text: str, style: str) -> tuple[np.ndarray, np.ndarray, float]:
        """Outline of one line of text at size 1 with its baseline at y=0, and its width."""
        vertices, codes, x = [], [], 0.0
        for char in text:
            glyph_vertices, glyph_codes, advance = self.glyph(style, char)
            if len(glyph_codes):
                vertices.append(glyph_vertices + np.array([x, 0.0]))
                codes.append(glyph_codes)
            x += advance
        if not codes:
            return np.zeros((0, 2)), np.zeros(0, dtype=np.uint8), x
        return np.concatenate(vertices), np.concatenate(codes), x


class _Label(PathPatch):
    """A text label drawn as one filled path; set_text and set_position redraw it.

    Alignment follows matplotlib's: ha is left, center or right (per line), va is top,
    center, bottom or baseline. Position is in points (the data coordinates here).
    """

    def __init__(
        self,
        lettering: _Lettering,
        xy: tuple[float, float],
        text: str = "",
        *,
        size: float = 8.0,
        style: str = "sans",
        color: str | tuple[float, ...] = _INK,
        ha: str = "left",
        va: str = "baseline",
        linespacing: float = 1.25,
        rotation: float = 0.0,
        zorder: float = 5.0,
    ) -> None:
        super().__init__(_EMPTY_PATH, facecolor=color, edgecolor="none", linewidth=0.0,
                         zorder=zorder)
        self._lettering = lettering
        self._xy = (float(xy[0]), float(xy[1]))
        self._size = size
        self._style = style
        self._ha = ha
        self._va = va
        self._linespacing = linespacing
        self._rotation = np.deg2rad(rotation)
        self.text = ""
        self.set_text(text)

    def set_text(self, text: str) -> None:
        """Show this text (lines separated by newlines)."""
        if text != self.text:
            self.text = text
            self._lay_out()

    def set_position(self, xy: tuple[float, float]) -> None:
        """Move the label's anchor point."""
        xy = (float(xy[0]), float(xy[1]))
        if xy != self._xy:
            self._xy = xy
            self._lay_out()

    def set_alignment(self, ha: str, va: str, size: float | None = None) -> None:
        """Change the alignment (and optionally the size) without changing the text."""
        size = self._size if size is None else size
        if (ha, va, size) != (self._ha, self._va, self._size):
            self._ha, self._va, self._size = ha, va, size
            self._lay_out()

    def width_at(self, size: float) -> float:
        """Width in points of this label's longest line at the given font size."""
        if not self.text:
            return 0.0
        return size * max(self._lettering.line(line, self._style)[2]
                          for line in self.text.split("\n"))

    def _lay_out(self) -> None:
        if not self.text:
            self.set_path(_EMPTY_PATH)
            return
        lines = [self._lettering.line(line, self._style) for line in self.text.split("\n")]
        size = self._size
        pitch = 1.17 * self._linespacing * size
        below = (len(lines) - 1) * pitch
        first_baseline = {
            "top": -_ASCENT * size,
            "center": (below - _CAP_HEIGHT * size) / 2,
            "bottom": below + _DESCENT * size,
            "baseline": 0.0,
        }[self._va]
        shift = {"left": 0.0, "center": 0.5, "right": 1.0}[self._ha]
        vertices, codes = [], []
        for number, (line_vertices, line_codes, width) in enumerate(lines):
            if len(line_codes):
                offset = (-shift * width * size, first_baseline - number * pitch)
                vertices.append(line_vertices * size + offset)
                codes.append(line_codes)
        if not codes:
            self.set_path(_EMPTY_PATH)
            return
        points = np.concatenate(vertices)
        if self._rotation:
            cos, sin = np.cos(self._rotation), np.sin(self._rotation)
            points = points @ np.array([[cos, sin], [-sin, cos]])
        self.set_path(Path(points + self._xy, np.concatenate(codes)))


def figure_text(fig: Figure) -> str:
    """Every visible label of a figure drawn by this module, one per line.

    The labels are outlines, not matplotlib Text artists; this recovers their words,
    for tests, alt text or a screen reader.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
    return "\n".join(
        label.text for label in fig.findobj(_Label) if label.get_visible() and label.text
    )


# ---------------------------------------------------------------- shared helpers


def _bounded_int(name: str, value: object, limit: int, why: str) -> int:
    """A whole number in 1..limit; `why` explains the upper limit in the message."""
    number = _checks.positive_int(name, value)
    if number > limit:
        raise ValueError(f"{name} must be a whole number from 1 to {limit} ({why}), got {number}")
    return number


class DiagramFigure(Figure):
    """A Figure that shows itself in a notebook as a PNG, with a stable text form.

    Notebooks never import pyplot, so without this a Figure would display only as
    "<Figure size ...>". The text form is the diagram's title, the same in every run.
    """

    def _repr_png_(self) -> bytes:
        return figure_png(self, dpi=_NOTEBOOK_DPI)

    def __repr__(self) -> str:
        lines = figure_text(self).splitlines()
        title = lines[0] if lines else self.get_label() or "empty"
        return f"<diagram: {title}>"


def _blank_figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A Figure on an Agg canvas whose one Axes measures positions in points.

    The limits are fixed, so artists are placed with add_artist: add_patch would also
    grow the data limits, measuring every curve of every glyph (about 1 ms a label).
    """
    figure = DiagramFigure(figsize=(width, height), dpi=_DPI, facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_xlim(0.0, width * 72.0)
    axes.set_ylim(0.0, height * 72.0)
    axes.set_autoscale_on(False)
    axes.set_axis_off()
    return figure, axes


class _Picture:
    """A blank figure in points plus the glyph cache its labels share."""

    def __init__(self, width: float, height: float) -> None:
        self.figure, self._axes = _blank_figure(width, height)
        self._lettering = _Lettering()
        self._width = width * 72.0
        self._height = height * 72.0

    def _label(self, xy: tuple[float, float], text: str = "", **style: object) -> _Label:
        label = _Label(self._lettering, xy, text, **style)  # type: ignore[arg-type]
        self._axes.add_artist(label)
        return label

    def _arrow(self, start: tuple[float, float] = (0.0, 0.0),
               end: tuple[float, float] = (1.0, 1.0), **style: object) -> FancyArrowPatch:
        style = {
            "arrowstyle": "-|>", "mutation_scale": 9, "shrinkA": 0, "shrinkB": 0,
            "color": _INK, "linewidth": 1.0, **style,
        }
        arrow = FancyArrowPatch(start, end, **style)
        self._axes.add_artist(arrow)
        return arrow

    def _line(self, xs: tuple[float, ...], ys: tuple[float, ...], **style: object) -> Line2D:
        style = {"color": _INK, "linewidth": 1.0, "solid_capstyle": "butt", **style}
        line = Line2D(xs, ys, **style)
        self._axes.add_artist(line)
        return line

    def _node(self, x: float, y: float, symbol: str) -> None:
        """A small circle with an operator (× or +) on it."""
        self._axes.add_artist(Circle((x, y), 7.0, facecolor="white", edgecolor=_INK,
                                    linewidth=1.0, zorder=3))
        self._label((x, y), symbol, size=10, style="bold", ha="center", va="center")

    def _headings(self, title_size: float = 12.0) -> tuple[_Label, _Label]:
        """Title and subtitle labels centred at the top."""
        middle = self._width / 2
        title = self._label((middle, self._height - 8), size=title_size, style="bold",
                            ha="center", va="top")
        subtitle = self._label((middle, self._height - 27), size=8.5, color=_MUTED,
                               ha="center", va="top")
        return title, subtitle


def _tint(colour: str, amount: float) -> tuple[float, float, float]:
    """The colour mixed with white: amount 0 gives white, 1 gives the colour."""
    rgb = np.array([int(colour[k:k + 2], 16) / 255.0 for k in (1, 3, 5)])
    mixed = 1.0 - amount * (1.0 - rgb)
    return (float(mixed[0]), float(mixed[1]), float(mixed[2]))


def _number(value: float) -> str:
    """A value as shown in the pictures: two decimals."""
    return f"{value:.2f}"


def _subscript(number: int) -> str:
    """A whole number written with Unicode subscript digits, e.g. 10 -> ₁₀."""
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def figure_png(fig: Figure, *, dpi: float = _DPI) -> bytes:
    """Render a figure to PNG bytes, e.g. for ipywidgets.Image(value=..., format="png").

    Renders with Agg and compresses lightly, which keeps it to a few milliseconds.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
    if isinstance(dpi, bool) or not isinstance(dpi, int | float) or not 20 <= dpi <= 400:
        raise ValueError(f"dpi must be a number from 20 to 400, got {dpi!r}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white",
                pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def count_squares(fig: Figure, block: str | None = None) -> int:
    """Number of parameter squares visible in a weight-grid figure.

    Each (weight, gate) pair of the grid is one PolyCollection with gid
    "param:<weight name>:<gate letter>" holding one square per parameter; block="kernel"
    (or another weight name) counts that weight's squares only.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
    if block is not None and not isinstance(block, str):
        raise TypeError(f"block must be a weight name such as 'kernel' or None, got {block!r}")
    total = 0
    for collection in fig.findobj(PolyCollection):
        parts = (collection.get_gid() or "").split(":")
        if parts[0] != _SQUARE_GID or not collection.get_visible():
            continue
        if block is None or parts[1] == block:
            total += len(collection.get_paths())
    return total


# ---------------------------------------------------------------- weight grid

_GRID_INCHES = (7.5, 4.5)
_GRID_TOP = 258.0  # points: top of the first block (Keras) or of the block labels (PyTorch)
_GRID_BOTTOM = 40.0  # lowest point the squares may reach, above the caption
_GRID_RIGHT = 530.0
_LABEL_SIZE = 8.5
_LABEL_HEIGHT = 24.0  # two lines of block label
_BLOCK_GAP = 8.0
_GATE_GAP = 4.0
_LARGEST_SQUARE = 22.0
_LETTERED_SQUARE = 11.0  # squares at least this big carry their gate letter
_OUTLINED_SQUARE = 5.0  # smaller squares lose their outline, which would only blur them


def _gate_squares(
    left: float, top: float, rows: int, columns: int, size: float,
    units: int, gate: int, gate_axis: int,
) -> np.ndarray:
    """Corners (n, 4, 2) of one gate's squares in a weight block drawn at (left, top).

    gate_axis 1: the gate owns columns gate·units ... (Keras); 0: it owns rows (PyTorch).
    Gate blocks are separated by a small gap so each gate's squares form one rectangle.
    """
    row_index = np.arange(rows)
    column_index = np.arange(columns)
    if gate_axis == 1:
        column_index = column_index[gate * units:(gate + 1) * units]
        xs = left + column_index * size + (column_index // units) * _GATE_GAP
        ys = top - (row_index + 1) * size
    else:
        row_index = row_index[gate * units:(gate + 1) * units]
        xs = left + column_index * size
        ys = top - (row_index + 1) * size - (row_index // units) * _GATE_GAP
    x, y = np.meshgrid(xs, ys)
    inset = 0.08 * size
    x0 = x.ravel() + inset
    y0 = y.ravel() + inset
    x1 = x0 + size - 2 * inset
    y1 = y0 + size - 2 * inset
    corners = np.stack([np.stack([x0, y0]), np.stack([x1, y0]),
                        np.stack([x1, y1]), np.stack([x0, y1])])
    return corners.transpose(2, 0, 1)


def _block_label(row: counting.ParamRow) -> str:
    return f"{row.name}\n{row.shape} = {row.count}"


def _block_extent(row: counting.ParamRow, keras: bool) -> tuple[int, int]:
    """(rows, columns) of the squares drawn for one weight; a vector is one row/column."""
    if keras:
        return (row.shape[0] if len(row.shape) == 2 else 1), row.shape[-1]
    return row.shape[0], (row.shape[1] if len(row.shape) == 2 else 1)


def _label_width(text: str, size: float) -> float:
    """Generous width estimate of a DejaVu Sans label, for spacing blocks."""
    return 0.62 * size * max(len(line) for line in text.split("\n"))


def _keras_layout(
    table: counting.ParamTable, size: float, left: float,
) -> tuple[list[tuple[float, float]], float, float]:
    """Top-left corner of each block stacked downwards, and the width and height used."""
    gates = len(counting.GATES[table.cell])
    corners = []
    top = _GRID_TOP
    for row in table.rows:
        rows, _ = _block_extent(row, keras=True)
        corners.append((left, top))
        top -= max(rows * size, _LABEL_HEIGHT) + _BLOCK_GAP
    width = gates * table.units * size + (gates - 1) * _GATE_GAP
    return corners, width, _GRID_TOP - top - _BLOCK_GAP


def _pytorch_layout(
    table: counting.ParamTable, size: float, left: float,
) -> tuple[list[tuple[float, float]], float, float]:
    """Top-left corner of each block placed side by side under its label."""
    gates = len(counting.GATES[table.cell])
    corners = []
    x = left
    for row in table.rows:
        _, columns = _block_extent(row, keras=False)
        corners.append((x, _GRID_TOP - _LABEL_HEIGHT - 4.0))
        x += max(columns * size, _label_width(_block_label(row), _LABEL_SIZE)) + 2 * _BLOCK_GAP
    height = _LABEL_HEIGHT + 4.0 + gates * table.units * size + (gates - 1) * _GATE_GAP
    return corners, x - left - 2 * _BLOCK_GAP, height


class WeightGrid(_Picture):
    """Every parameter of one recurrent layer as a square, grouped by weight and gate.

    Built once for settings up to max_units and max_features; `update` redraws in place.
    The square size depends only on the maxima, the cell and the convention, so growing
    features by one visibly adds squares instead of rescaling the picture.
    """

    def __init__(self, max_units: int = 8, max_features: int = 8) -> None:
        why = "one square per parameter must stay visible"
        self.max_units = _bounded_int("max_units", max_units, _GRID_LIMIT, why)
        self.max_features = _bounded_int("max_features", max_features, _GRID_LIMIT, why)
        super().__init__(*_GRID_INCHES)
        self._title, self._subtitle = self._headings()
        self._caption = self._label((self._width / 2, 0.0), size=8, color=_MUTED,
                                    ha="center", va="top", linespacing=1.4)
        self._squares: list[list[PolyCollection]] = []
        for _ in range(4):
            per_gate = []
            for gate in range(4):
                squares = PolyCollection([], facecolors=GATE_COLOURS[gate], edgecolors=_INK,
                                         linewidths=0.4)
                self._axes.add_collection(squares, autolim=False)
                per_gate.append(squares)
            self._squares.append(per_gate)
        self._letters = [
            PathPatch(_EMPTY_PATH, facecolor=colour, edgecolor="none", linewidth=0.0,
                      zorder=3)
            for colour in _LETTER_COLOURS
        ]
        for letters in self._letters:
            self._axes.add_artist(letters)
        self._block_labels = [self._label((0.0, 0.0), size=_LABEL_SIZE) for _ in range(4)]
        self._gate_labels = [self._label((0.0, 0.0), size=10, style="bold") for _ in range(4)]
        self._geometry_cache: dict[tuple[str, str, bool], tuple[float, float]] = {}
        self.content_bottom = 0.0
        self.visible_squares = 0
        self.update(1, 1)

    def _geometry(self, cell: str, convention: str, reset_after: bool) -> tuple[float, float]:
        """Square size and left edge that fit the largest settings, centred in the figure."""
        key = (cell, convention, reset_after)
        if key not in self._geometry_cache:
            largest = counting.param_table(
                self.max_units, self.max_features, cell=cell, convention=convention,
                reset_after=reset_after,
            )
            keras = convention == "keras"
            label_room = 112.0 if keras else 24.0
            layout = _keras_layout if keras else _pytorch_layout
            size = _LARGEST_SQUARE
            while size > 0.5:
                _, used_width, used_height = layout(largest, size, label_room)
                if (used_width + label_room <= _GRID_RIGHT
                        and used_height <= _GRID_TOP - _GRID_BOTTOM):
                    break
                size -= 0.25
            _, used_width, _ = layout(largest, size, 0.0)
            spare = max(0.0, (_GRID_RIGHT - label_room - used_width) / 2)
            self._geometry_cache[key] = (size, label_room + min(spare, 60.0))
        return self._geometry_cache[key]

    def update(
        self,
        units: int,
        features: int,
        *,
        cell: str = "lstm",
        use_bias: bool = True,
        convention: str = "keras",
        reset_after: bool = True,
    ) -> int:
        """Redraw for these settings; returns the number of squares now visible."""
        table = counting.param_table(
            units, features, cell=cell, use_bias=use_bias, convention=convention,
            reset_after=reset_after,
        )
        if table.units > self.max_units:
            raise ValueError(
                f"units must be from 1 to max_units={self.max_units} of this WeightGrid, "
                f"got {table.units}"
            )
        if table.features > self.max_features:
            raise ValueError(
                f"features must be from 1 to max_features={self.max_features} of this "
                f"WeightGrid, got {table.features}"
            )
        keras = table.convention == "keras"
        gates = counting.GATES[table.cell]
        size, left = self._geometry(table.cell, table.convention, reset_after)
        corners, _, _ = (_keras_layout if keras else _pytorch_layout)(table, size, left)

        visible = 0
        lowest = _GRID_TOP
        letter_centres: list[list[np.ndarray]] = [[] for _ in range(4)]
        for slot, per_gate in enumerate(self._squares):
            label = self._block_labels[slot]
            shown = slot < len(table.rows)
            label.set_visible(shown)
            for gate, squares in enumerate(per_gate):
                squares.set_visible(shown and gate < len(gates))
            if not shown:
                continue
            row = table.rows[slot]
            block_left, block_top = corners[slot]
            rows, columns = _block_extent(row, keras)
            for gate, squares in enumerate(per_gate[:len(gates)]):
                verts = _gate_squares(block_left, block_top, rows, columns, size,
                                      table.units, gate, 1 if keras else 0)
                squares.set_verts(verts)
                squares.set_linewidth(0.4 if size >= _OUTLINED_SQUARE else 0.0)
                squares.set_gid(f"{_SQUARE_GID}:{row.name}:{gates[gate]}")
                visible += len(verts)
                lowest = min(lowest, float(verts[:, :, 1].min()))
                letter_centres[gate].append(verts.mean(axis=1))
            label.set_text(_block_label(row))
            if keras:
                label.set_alignment("right", "top")
                label.set_position((block_left - 8, block_top))
                lowest = min(lowest, block_top - _LABEL_HEIGHT)
            else:
                label.set_alignment("left", "bottom")
                label.set_position((block_left, block_top + 4))

        self._place_letters(gates, letter_centres, size)
        self._place_gate_labels(gates, corners[0], size, table.units, keras)
        self._title.set_text(f"{_CELL_TITLES[table.cell]}: {table.total} parameters")
        self._subtitle.set_text(
            f"{table.formula}    ({'Keras' if keras else 'PyTorch'} weights, "
            f"units={table.units}, features={table.features})"
        )
        self._caption.set_text(self._caption_text(table))
        self._caption.set_position((self._width / 2, lowest - 10))
        self.content_bottom = lowest - 10 - 2 * 1.17 * 1.4 * 8
        self.visible_squares = visible
        return visible

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
            glyph = (vertices - (width / 2, _CAP_HEIGHT / 2 * 0.75)) * letter_size
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

    @staticmethod
    def _caption_text(table: counting.ParamTable) -> str:
        """What one column (Keras) or row (PyTorch) holds, and the gate letters."""
        gates = counting.GATES[table.cell]
        keras = table.convention == "keras"
        count = len(gates) * table.units
        bias = sum(row.count for row in table.rows[2:]) // count
        line = "column" if keras else "row"
        lines = f"{count} {line}{'s' if count > 1 else ''}"
        per = (f"one {line} per gate and unit ({len(gates)}·{table.units} = {lines})"
               if len(gates) > 1 else f"one {line} per unit ({lines})")
        holds = f"{table.features} kernel + {table.units} recurrent"
        if bias:
            holds += f" + {bias} bias"
        first = (f"{per[0].upper()}{per[1:]}, each holding {holds} = "
                 f"{table.features + table.units + bias} numbers.")
        legend = "    ".join(
            f"{letter} = {name}"
            for letter, name in zip(gates, GATE_NAMES[table.cell], strict=True)
        )
        return f"{first}\n{legend}"


def weight_grid_figure(
    units: int,
    features: int,
    *,
    cell: str = "lstm",
    use_bias: bool = True,
    convention: str = "keras",
    reset_after: bool = True,
) -> Figure:
    """Draw every parameter of one layer as a square, grouped by weight and gate.

    The number of squares equals count_params(...) for the same settings; the figure is
    cropped to its content.
    """
    why = "one square per parameter must stay visible"
    units = _bounded_int("units", units, _GRID_LIMIT, why)
    features = _bounded_int("features", features, _GRID_LIMIT, why)
    grid = WeightGrid(max_units=units, max_features=features)
    grid.update(units, features, cell=cell, use_bias=use_bias, convention=convention,
                reset_after=reset_after)
    bottom = max(0.0, grid.content_bottom - 8.0)
    width, height = grid.figure.get_size_inches()
    grid.figure.set_size_inches(width, height - bottom / 72.0)
    grid._axes.set_ylim(bottom, height * 72.0)
    return grid.figure


# ---------------------------------------------------------------- one LSTM step

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


def _check_step(step: object, units: int, features: int) -> Step | None:
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


class CellDiagram(_Picture):
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
        self.update(1, 1)

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
                                      color=_MUTED, va="bottom")
        self._added = self._label((add_x + 11, _MIX_Y + 9), size=8, color=_MUTED,
                                  va="bottom")

    def _draw_boxes(self) -> None:
        add_x = (_BOX_CENTRES["i"] + _BOX_CENTRES["c"]) / 2
        self._box_body: dict[str, _Label] = {}
        for gate in _BOX_ORDER:
            position = LSTM_GATES.index(gate)
            centre = _BOX_CENTRES[gate]
            left = centre - _BOX_WIDTH / 2
            self._axes.add_artist(FancyBboxPatch(
                (left, _BOX_BOTTOM), _BOX_WIDTH, _BOX_TOP - _BOX_BOTTOM,
                boxstyle="round,pad=0,rounding_size=5",
                facecolor=_tint(GATE_COLOURS[position], 0.3),
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
        self._label((forget_x + 4, _MIX_Y), "f", size=8, color=_MUTED, va="center")
        for gate, towards in (("i", 1.0), ("c", -1.0)):
            centre = _BOX_CENTRES[gate]
            self._line((centre, centre), (_BOX_TOP, _MIX_Y))
            self._arrow((centre, _MIX_Y), (add_x - towards * 7, _MIX_Y))
            self._label((centre + 4, _BOX_TOP + 12), "i" if gate == "i" else "g", size=8,
                        color=_MUTED, va="center")

    def _draw_inputs(self) -> None:
        last_box = _BOX_CENTRES[_BOX_ORDER[-1]]
        self._line((_BUS_START, last_box), (_BUS_Y, _BUS_Y), linewidth=1.8)
        self._axes.add_artist(Circle((_BUS_START, _BUS_Y), 3.0, color=_INK))
        self._label((_BUS_START + 8, _BUS_Y - 6),
                    "[xₜ, hₜ₋₁] reaches every gate box: every feature meets every gate",
                    size=8, color=_MUTED, va="top")
        self._numbers = self._label((_BUS_START + 8, 44.0), size=8, color=_MUTED,
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
        self._more_features = self._label((8.0, _FEATURE_YS[-1]), size=8, color=_MUTED,
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
            facecolor="white", edgecolor=_INK, linewidth=0.8, zorder=3,
        ))
        self._label((_OUT_X, 233.0), "tanh", size=8, ha="center", va="center")
        self._arrow((_OUT_X, 226.0), (_OUT_X, _OUTPUT_MIX_Y + 7))
        self._node(_OUT_X, _OUTPUT_MIX_Y, "×")
        self._line((output_gate_x, output_gate_x), (_BOX_TOP, _OUTPUT_MIX_Y))
        self._arrow((output_gate_x, _OUTPUT_MIX_Y), (_OUT_X - 7, _OUTPUT_MIX_Y))
        self._arrow((_OUT_X, _OUTPUT_MIX_Y - 7), (_OUT_X, 96.0), linewidth=1.8,
                    mutation_scale=11)
        self._label((_OUT_X + 9, 150.0), "hₜ = o·tanh(Cₜ)", size=8, color=_MUTED,
                    ha="center", va="center", rotation=90)
        self._label((_OUT_X, 90.0), "hₜ", size=10, style="bold", ha="center", va="top")
        self._h_now = self._label((_OUT_X, 74.0), size=8.5, style="mono", ha="center",
                                  va="top")

    def update(self, units: int, features: int, step: Step | None = None) -> None:
        """Redraw for these sizes; with a Step, show its numbers for sample 0, unit 0."""
        units = _checks.positive_int("units", units)
        features = _checks.positive_int("features", features)
        step = _check_step(step, units, features)
        total = counting.count_params(units, features)
        self._title.set_text(f"One LSTM step: units={units}, features={features}, "
                             f"{total} parameters")
        if step is None:
            numbers = "Pass step=lstm_forward(..., trace=True).trace[t] to see the numbers."
        elif units > 1:
            numbers = f"Numbers: sample 0, unit 0 of {units}; the shapes cover all units."
        else:
            numbers = "Numbers: sample 0 of the batch."
        self._numbers.set_text(numbers)
        self._subtitle.set_text(
            "Each gate box owns a column block of kernel, recurrent_kernel and bias: "
            f"4 × ({features}·{units} + {units}·{units} + {units}) = {total}"
        )
        self._update_boxes(units, features, step)
        self._update_inputs(features, step)
        value_labels = (self._c_prev, self._c_now, self._h_now, self._forgotten, self._added)
        for label in value_labels:
            label.set_visible(step is not None)
        if step is None:
            return
        forget = _first(step.gates["f"].activation)
        mixed = _first(step.gates["i"].activation) * _first(step.gates["c"].activation)
        self._c_prev.set_text(_number(_first(step.c_prev)))
        self._c_now.set_text(_number(_first(step.c)))
        self._h_now.set_text(_number(_first(step.h)))
        self._forgotten.set_text(f"f·Cₜ₋₁ = {_number(forget * _first(step.c_prev))}")
        self._added.set_text(f"i·g = {_number(mixed)}")

    def _update_boxes(self, units: int, features: int, step: Step | None) -> None:
        for gate, body in self._box_body.items():
            output = "g" if gate == "c" else gate
            lines = [
                f"kernel    {(features, units)}",
                f"recurrent {(units, units)}",
                f"bias      {(units,)}",
            ]
            if step is None:
                lines += ["z = x·W+h·U+b", f"{output} = {_ACTIVATION[gate]}(z)"]
            else:
                gate_step = step.gates[gate]
                lines += [f"z = {_number(_first(gate_step.pre_activation))}",
                          f"{output} = {_number(_first(gate_step.activation))}"]
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
                value = "" if x is None else f" = {_number(float(x[index]))}"
                label.set_text(f"xₜ[{index}]{value}")
        hidden = features - shown
        self._more_features.set_visible(hidden > 0)
        self._more_line.set_visible(hidden > 0)
        self._more_features.set_text(f"… {hidden} more" if hidden else "")
        value = "" if step is None else f"[0] = {_number(_first(step.h_prev))}"
        self._h_prev.set_text(f"hₜ₋₁{value}")


def cell_diagram_figure(units: int, features: int, *, step: Step | None = None) -> Figure:
    """Draw one LSTM step with each gate's weight shapes, and its numbers when step is given."""
    diagram = CellDiagram()
    diagram.update(units, features, step)
    return diagram.figure


# ---------------------------------------------------------------- unrolled layer

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


def _fitted_size(label: _Label, size: float, room: float) -> float:
    """The font size, at most `size`, at which the label's longest line fits in `room`."""
    natural = label.width_at(size)
    return size if natural <= room else size * room / natural


class UnrolledView(_Picture):
    """The same recurrent cell drawn once per timestep, all sharing one set of weights.

    Shows the state passed from step to step (h and C for an LSTM, h alone for a GRU or
    SimpleRNN), the weight names and shapes of the chosen cell and convention, the input
    shape (batch, timesteps, features) and the output shape, which depends on
    return_sequences.
    """

    def __init__(self, max_timesteps: int = 10) -> None:
        self.max_timesteps = _bounded_int("max_timesteps", max_timesteps, _TIMESTEP_LIMIT,
                                          "more boxes would not be legible")
        super().__init__(*_UNROLLED_INCHES)
        self._title, self._subtitle = self._headings(title_size=11)
        self._weights_box = FancyBboxPatch(
            (0, _WEIGHTS_BOTTOM), 1, _WEIGHTS_TOP - _WEIGHTS_BOTTOM,
            boxstyle="round,pad=0,rounding_size=4", facecolor=_tint(GATE_COLOURS[0], 0.15),
            edgecolor=GATE_COLOURS[0], linewidth=1.5,
        )
        self._axes.add_artist(self._weights_box)
        self._weights_text = self._label(
            (self._width / 2, (_WEIGHTS_BOTTOM + _WEIGHTS_TOP) / 2), size=_WEIGHTS_SIZE,
            ha="center", va="center", linespacing=1.15,
        )
        middle = (_CELL_BOTTOM + _CELL_TOP) / 2
        self._start = self._label((0.0, middle), _START_STATE["lstm"], size=8, color=_MUTED,
                                  ha="right", va="center", linespacing=1.1)
        self._start_arrow = self._arrow()
        self._boxes: list[FancyBboxPatch] = []
        self._box_labels: list[_Label] = []
        self._weight_links: list[Line2D] = []
        self._carries: list[FancyArrowPatch] = []
        self._inputs: list[FancyArrowPatch] = []
        self._input_labels: list[_Label] = []
        self._outputs: list[FancyArrowPatch] = []
        self._output_labels: list[_Label] = []
        for _ in range(self.max_timesteps):
            box = FancyBboxPatch(
                (0, _CELL_BOTTOM), 1, _CELL_TOP - _CELL_BOTTOM,
                boxstyle="round,pad=0,rounding_size=4", facecolor="white",
                edgecolor=_INK, linewidth=1.3, gid="cell-box", zorder=2,
            )
            self._axes.add_artist(box)
            self._boxes.append(box)
            self._box_labels.append(self._label((0.0, middle), size=8, ha="center",
                                                va="center", linespacing=1.3))
            self._weight_links.append(self._line((0, 0), (_WEIGHTS_BOTTOM, _CELL_TOP),
                                                 color=GATE_COLOURS[0],
                                                 linestyle=(0, (3, 2)), linewidth=1.0))
            self._carries.append(self._arrow())
            self._inputs.append(self._arrow())
            self._input_labels.append(self._label((0.0, 86.0), size=8, ha="center",
                                                  va="top"))
            self._outputs.append(self._arrow(color=GATE_COLOURS[3], linewidth=1.4))
            self._output_labels.append(self._label((0.0, _OUTPUT_TOP + 3), size=8,
                                                   style="bold", ha="center",
                                                   va="bottom"))
        self._input_shape = self._label((16.0, 46.0), size=8.5, va="center")
        self._output_shape = self._label((16.0, 26.0), size=8.5, va="center")
        self.update(1, 1, 1)

    def update(
        self,
        units: int,
        features: int,
        timesteps: int,
        *,
        return_sequences: bool = False,
        cell: str = "lstm",
        use_bias: bool = True,
        convention: str = "keras",
        reset_after: bool = True,
    ) -> None:
        """Redraw for these settings, reusing the pre-allocated boxes and arrows.

        cell, use_bias, convention and reset_after mean what they mean for
        counting.param_table: they choose the weight names, shapes and count shown.
        """
        table = counting.param_table(
            units, features, cell=cell, use_bias=use_bias, convention=convention,
            reset_after=reset_after,
        )
        timesteps = _checks.positive_int("timesteps", timesteps)
        if timesteps > self.max_timesteps:
            raise ValueError(
                f"timesteps must be from 1 to max_timesteps={self.max_timesteps} of this "
                f"UnrolledView, got {timesteps}"
            )
        return_sequences = _checks.flag("return_sequences", return_sequences)
        row_width = self._place_boxes(timesteps, return_sequences)
        self._describe(table, timesteps, return_sequences)
        self._place_weights(row_width)

    def _place_boxes(self, timesteps: int, return_sequences: bool) -> float:
        """Lay out the row of cells; returns the row's width in points."""
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
            self._carries[t].set_visible(shown and t < timesteps - 1)
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
            self._input_labels[t].set_text(f"x{_subscript(t + 1)}")
            out_x = left + 0.7 * box_width
            self._outputs[t].set_positions((out_x, _CELL_TOP), (out_x, _OUTPUT_TOP))
            self._output_labels[t].set_position((out_x, _OUTPUT_TOP + 3))
            self._output_labels[t].set_text(f"h{_subscript(t + 1)}")
            if t < timesteps - 1:
                self._carries[t].set_positions((left + box_width, middle),
                                               (left + pitch, middle))
        self._start.set_position((row_left - 24, middle))
        self._start_arrow.set_positions((row_left - 22, middle), (row_left, middle))
        return row_width

    def _place_weights(self, row_width: float) -> None:
        """Size the shared-weights band to the row and to its text, within the figure."""
        widest = self._width - 2 * _MARGIN
        size = _fitted_size(self._weights_text, _WEIGHTS_SIZE, widest - 2 * _BAND_PADDING)
        self._weights_text.set_alignment("center", "center", size)
        text_width = self._weights_text.width_at(size) + 2 * _BAND_PADDING
        band_width = min(widest, max(row_width, 400.0, text_width))
        band_left = (_ROW_LEFT + _ROW_RIGHT - band_width) / 2
        band_left = min(max(band_left, _MARGIN), self._width - _MARGIN - band_width)
        self._weights_box.set_x(band_left)
        self._weights_box.set_width(band_width)
        self._weights_text.set_position((band_left + band_width / 2,
                                         (_WEIGHTS_BOTTOM + _WEIGHTS_TOP) / 2))

    def _describe(
        self, table: counting.ParamTable, timesteps: int, return_sequences: bool,
    ) -> None:
        weights = "    ".join(f"{row.name} {row.shape}" for row in table.rows)
        self._weights_text.set_text(
            f"W: one set of weights, reused at every step ({table.total} numbers)\n{weights}"
        )
        plural = "s" if timesteps > 1 else ""
        self._title.set_text(
            f"{_CELL_TITLES[table.cell]} unrolled over {timesteps} timestep{plural}: "
            f"{table.total} parameters, whatever the number of timesteps"
        )
        room = self._width - 2 * _MARGIN
        self._title.set_alignment("center", "top", _fitted_size(self._title, 11.0, room))
        carried = "h and C" if table.cell == "lstm" else "only h"
        self._subtitle.set_text(
            "Every box is the same cell with the same weights W; "
            f"the arrows between boxes carry {carried} to the next step."
        )
        self._start.set_text(_START_STATE[table.cell])
        self._input_shape.set_text(
            "input x:  (batch, timesteps, features) = "
            f"(batch, {timesteps}, {table.features})"
        )
        if return_sequences:
            self._output_shape.set_text(
                f"output:  (batch, timesteps, units) = (batch, {timesteps}, {table.units})"
                "    every h is returned (return_sequences=True)"
            )
        else:
            self._output_shape.set_text(
                f"output:  (batch, units) = (batch, {table.units})    only the last "
                f"h{_subscript(timesteps)} is returned (return_sequences=False)"
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

    cell, use_bias, convention and reset_after mean what they mean for
    counting.param_table and choose the weights listed and counted.
    """
    limit = _bounded_int("timesteps", timesteps, _TIMESTEP_LIMIT,
                         "more boxes would not be legible")
    view = UnrolledView(max_timesteps=limit)
    view.update(units, features, timesteps, return_sequences=return_sequences, cell=cell,
                use_bias=use_bias, convention=convention, reset_after=reset_after)
    return view.figure


# ---------------------------------------------------------------- gates over time

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
    "C": ("C", "cell state", _INK, "-", "P", 2.2),
    "h": ("h", "output h", _MUTED, (0, (4, 2)), "v", 1.6),
})
_STATES = ("C", "h")
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
        _check_step(step, units, features)
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


def _signed(value: float) -> str:
    """A value as shown in the readout: always signed, two decimals, a true minus sign."""
    return f"{value + 0.0:+.2f}".replace("-", "−")


def quick_png(fig: Figure) -> bytes:
    """Draw a figure on its Agg canvas at its own dpi and encode it as PNG.

    The same pixels as figure_png(fig, dpi=fig.dpi), a few milliseconds sooner because
    savefig's bookkeeping is skipped; for widgets that redraw on every slider move.
    Animated artists are left out, as on a screen canvas.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    return _canvas_png(fig)


def _canvas_png(figure: Figure) -> bytes:
    """PNG of what the figure's Agg canvas holds now, without drawing it again."""
    canvas = figure.canvas
    image = PILImage.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(),
                                "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


class GatesOverTime(_Picture):
    """Gate activations and the cell state of one unit across the steps of a sequence.

    The top panel holds the four paths i, f, c (the candidate g) and o, the bottom panel
    the cell state C and the output h. Each line has its own colour, line style and
    marker, and the legend names it by letter. `update` draws a trace; `mark` moves the
    marker that highlights one timestep and fills the legend's readout with its values.

    Only the marker changes while stepping through time, so `png` redraws just the
    marker over a saved picture of the rest (blitting) before encoding.
    """

    def __init__(self, max_timesteps: int = _TIMESTEP_LIMIT) -> None:
        self.max_timesteps = _bounded_int("max_timesteps", max_timesteps, _TIMESTEP_LIMIT,
                                          "more ticks would not be legible")
        super().__init__(*_TIME_INCHES)
        self._title, self._subtitle = self._headings(title_size=11)
        self._lines: dict[str, Line2D] = {}
        self._readouts: dict[str, _Label] = {}
        self._background: object | None = None
        self._draw_panels()
        self._draw_legend()
        self._ticks = [self._label((0.0, _STATE_PANEL[0] - 6), size=8, ha="center",
                                   va="top") for _ in range(self.max_timesteps)]
        self._label(((_PLOT_LEFT + _PLOT_RIGHT) / 2, 26.0), "timestep t", size=8.5,
                    color=_MUTED, ha="center", va="center")
        self._band = FancyBboxPatch((0.0, _STATE_PANEL[0]), 1.0, 1.0,
                                    boxstyle="round,pad=0,rounding_size=3",
                                    facecolor=(0.13, 0.13, 0.13, 0.09), edgecolor="none",
                                    zorder=_MARK_ZORDER, gid="time-mark")
        self._axes.add_artist(self._band)
        self._rings = self._line((), (), linestyle="none", marker="o", markersize=12,
                                 markerfacecolor="none", markeredgecolor=_INK,
                                 markeredgewidth=1.3, zorder=_MARK_ZORDER)
        self._heading = self._label((_LEGEND_X, _GATES_PANEL[1] + 4), size=8.5,
                                    style="bold", va="bottom", zorder=_MARK_ZORDER)
        self._marked = (self._band, self._rings, self._heading, *self._readouts.values())
        for artist in self._marked:
            artist.set_animated(True)
        self.steps: tuple[Step, ...] = ()
        self.unit = 0
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
            self._line((_PLOT_LEFT - 4, _PLOT_LEFT - 4), (bottom, top), color=_MUTED,
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
                          markeredgecolor=_INK, markeredgewidth=0.7, **style)
        if name == "c":  # the yellow line gets a dark rim to stand out on white
            line.set_path_effects([Stroke(linewidth=width + 1.4, foreground=_INK), Normal()])
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
        self.steps, self.unit = steps, int(unit)
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
        self._background = None
        self.mark(at)

    def _xs(self, timesteps: int) -> np.ndarray:
        if timesteps == 1:
            return np.array([(_PLOT_LEFT + _PLOT_RIGHT) / 2])
        return np.linspace(_PLOT_LEFT + 8, _PLOT_RIGHT - 8, timesteps)

    def _ys(self, name: str, values: np.ndarray) -> np.ndarray:
        limit, (bottom, top) = self._scale[name]
        return bottom + (np.asarray(values) + limit) / (2 * limit) * (top - bottom)

    def mark(self, at: int | None) -> None:
        """Highlight timestep `at` (1 … timesteps) and show its values; None clears it."""
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
            label.set_text(_signed(float(self.values[name][at - 1])))

    def png(self) -> bytes:
        """The picture as PNG at the figure's own resolution, drawn quickly.

        The first call after `update` draws everything but the marker and keeps that
        picture; later calls restore it and draw only the marker, then encode.
        """
        canvas = self.figure.canvas
        if self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._marked:
            if artist.get_visible():
                self._axes.draw_artist(artist)
        return _canvas_png(self.figure)


def gates_over_time_figure(steps: object, unit: int = 0, *, at: int | None = None) -> Figure:
    """Plot each gate and the cell state of one unit at every step of a traced sequence.

    steps is lstm_forward(x, ..., trace=True) or its .trace (sample 0 is drawn); unit
    picks the unit; at (1 … timesteps) highlights one step and lists its values.
    """
    timesteps = len(_trace_steps(steps))
    limit = _bounded_int("timesteps", timesteps, _TIMESTEP_LIMIT,
                         "more ticks would not be legible")
    picture = GatesOverTime(max_timesteps=limit)
    picture.update(steps, unit, at=at)
    return picture.figure


# ---------------------------------------------------------------- training curve

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

    figure = DiagramFigure(figsize=(6.4, 3.4), dpi=_DPI, layout="constrained")
    figure.set_label(title)
    FigureCanvasAgg(figure)
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
