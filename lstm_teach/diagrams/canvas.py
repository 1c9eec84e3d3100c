"""What every diagram shares: colours, a blank figure measured in points, a base class
with drawing helpers, and the one function that turns figures into PNG bytes.

Every diagram's figure has a single Axes filling it whose data coordinates are points
from the lower-left corner, with fixed limits: artists are placed where the layout says,
and nothing recomputes data limits. Text is drawn with `lettering.Label`.
"""

from __future__ import annotations

import base64
import numbers
import weakref
import zlib
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch

from lstm_teach import _checks
from lstm_teach.counting import CELL_KINDS
from lstm_teach.diagrams.lettering import Label, Lettering, figure_text

#: Okabe-Ito colours by gate position (blue, orange, yellow, reddish purple): their grey
#: levels differ too, and the letter on or above each block names the gate anyway.
GATE_COLOURS = ("#0072B2", "#E69F00", "#F0E442", "#CC79A7")
#: Letter colour that stays readable on each gate colour.
LETTER_COLOURS = ("white", "black", "black", "black")
#: What each gate letter stands for, per cell.
GATE_NAMES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {name: kind.gate_names for name, kind in CELL_KINDS.items()}
)
INK = "#222222"
MUTED = "#5a5a5a"
#: Pixels per inch of a diagram at its intended on-screen size (widgets show it so).
SCREEN_DPI = 80
#: Pixels per inch of a diagram a notebook cell displays.
NOTEBOOK_DPI = 100
#: Pixels per displayed pixel of a notebook's pictures: 2 stays sharp on HiDPI screens.
NOTEBOOK_DENSITY = 2
#: Largest weight-grid size at which one square per parameter stays visible.
GRID_LIMIT = 32
#: Most timesteps a diagram draws legibly.
TIMESTEP_LIMIT = 20


def bounded_int(name: str, value: object, limit: int, why: str) -> int:
    """A whole number in 1..limit; `why` explains the upper limit in the message.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : object
        What the caller passed.
    limit : int
        The largest accepted.
    why : str
        Why there is a limit, for the message.

    Returns
    -------
    int
        value as a plain int.

    Raises
    ------
    TypeError
        If value is not a whole number.
    ValueError
        If it is below 1 or above limit.
    """
    number = _checks.positive_int(name, value)
    if number > limit:
        raise ValueError(f"{name} must be a whole number from 1 to {limit} ({why}), got {number}")
    return number


def tint(colour: str, amount: float) -> tuple[float, float, float]:
    """The colour mixed with white: amount 0 gives white, 1 gives the colour.

    Parameters
    ----------
    colour : str
        "#rrggbb".
    amount : float
        From 0 (white) to 1 (the colour).

    Returns
    -------
    tuple of float
        RGB from 0 to 1.
    """
    rgb = np.array([int(colour[k:k + 2], 16) / 255.0 for k in (1, 3, 5)])
    mixed = 1.0 - amount * (1.0 - rgb)
    return (float(mixed[0]), float(mixed[1]), float(mixed[2]))


def compact(number: int) -> str:
    """A size as a learner reads it: exact up to 99,999, then 123k, 1.2M, 3.4G.

    Parameters
    ----------
    number : int
        A size, 0 or more.

    Returns
    -------
    str
        E.g. "12", "99999", "123k", "1.2M".
    """
    if number < 100_000:
        return str(number)
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if number >= scale:
            shown = number / scale
            return f"{shown:.3g}{suffix}" if shown < 1000 else f"{shown:,.0f}{suffix}"
    return str(number)


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape written as Python prints it, with compact sizes beyond 99,999.

    Parameters
    ----------
    shape : tuple of int
        A weight's shape.

    Returns
    -------
    str
        E.g. "(3, 16)", "(16,)", "(1.2M, 16)".
    """
    inner = ", ".join(compact(size) for size in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def value_text(value: float, signed_: bool = False) -> str:
    """A number as the pictures show it: two decimals, or 3 significant digits with an
    exponent when it is too large for that (a cell state of 1e300 stays one short word).
    A true minus sign, so the number reads as one word.

    Parameters
    ----------
    value : float
        The number.
    signed_ : bool
        Write a plus sign on positive numbers too.

    Returns
    -------
    str
        E.g. "0.24", "−0.50", "+1.00", "1e+300".
    """
    value = float(value) + 0.0
    sign = "+" if signed_ else ""
    text = f"{value:{sign}.2f}" if abs(value) < 1e5 else f"{value:{sign}.3g}"
    return text.replace("-", "−")


def subscript(number: int) -> str:
    """A whole number written with Unicode subscript digits, e.g. 10 -> ₁₀.

    Parameters
    ----------
    number : int
        0 or more.

    Returns
    -------
    str
        The digits as subscripts.
    """
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


# ---------------------------------------------------------------- figures


class DiagramFigure(Figure):
    """A Figure that shows itself in a notebook as a sharp PNG with a text description.

    Notebooks never import pyplot, so without this a Figure would display only as
    "<Figure size ...>". In a notebook it is a PNG at twice the pixels of its display
    size (sharp on HiDPI screens and projectors), shown at NOTEBOOK_DPI; its text form
    is `description`, which the picture that draws the figure keeps up to date: what
    it shows, with its numbers, for screen readers, handouts' alt text and nbval.
    """

    description: str = ""

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> tuple[
        dict[str, object], dict[str, object]
    ]:
        png = figure_png(self, dpi=NOTEBOOK_DPI, density=NOTEBOOK_DENSITY, compress_level=9)
        return png_bundle(png, repr(self), NOTEBOOK_DENSITY)

    def __repr__(self) -> str:
        if self.description:
            return self.description
        lines = figure_text(self).splitlines()
        title = lines[0] if lines else self.get_label() or "empty"
        return f"<diagram: {title}>"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels of PNG bytes, read from the header.

    Parameters
    ----------
    png : bytes
        PNG bytes.

    Returns
    -------
    tuple of int
        (width, height).

    Raises
    ------
    ValueError
        If png does not start with the PNG signature.
    """
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("png must be PNG bytes (they start with the PNG signature)")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def png_bundle(png: bytes, text: str, density: float) -> tuple[
    dict[str, object], dict[str, object]
]:
    """A notebook display bundle of a PNG: the picture, its text form, and the size to
    show it at. The one place a PNG becomes base64.

    Parameters
    ----------
    png : bytes
        The picture, drawn at `density` times the pixels it is shown at.
    text : str
        Its text/plain form: what viewers without images (and nbval) show.
    density : float
        Pixels per displayed pixel (2 for HiDPI screens and projectors).

    Returns
    -------
    tuple of dict
        The data ({"image/png": base64 text, "text/plain": text}) and the metadata
        ({"image/png": {"width": …, "height": …}}) of IPython's _repr_mimebundle_.

    Raises
    ------
    ValueError
        If png is not PNG bytes.
    """
    width, height = png_size(png)
    size = {"width": round(width / density), "height": round(height / density)}
    return ({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": text},
            {"image/png": size})


def new_figure(width: float, height: float, **options: object) -> DiagramFigure:
    """A white DiagramFigure of this size in inches on its own Agg canvas.

    Parameters
    ----------
    width, height : float
        Size in inches.
    **options
        Further arguments of matplotlib's Figure.

    Returns
    -------
    DiagramFigure
        Drawn at SCREEN_DPI on an Agg canvas (no pyplot).
    """
    figure = DiagramFigure(figsize=(width, height), dpi=SCREEN_DPI, facecolor="white",
                           **options)  # type: ignore[arg-type]
    FigureCanvasAgg(figure)
    return figure


def blank_figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure whose one Axes measures positions in points from the lower-left corner.

    The limits are fixed, so artists are placed with add_artist: add_patch would also
    grow the data limits, measuring every curve of every glyph (about 1 ms a label).

    Parameters
    ----------
    width, height : float
        Size in inches.

    Returns
    -------
    tuple
        The DiagramFigure and its Axes, whose data coordinates are points.
    """
    figure = new_figure(width, height)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_xlim(0.0, width * 72.0)
    axes.set_ylim(0.0, height * 72.0)
    axes.set_autoscale_on(False)
    axes.set_axis_off()
    return figure, axes


class Diagram:
    """Base class of every diagram: a blank figure in points, the lettering its labels
    share, and drawing helpers. Each subclass draws once and changes its artists in
    `update`.

    Parameters
    ----------
    width, height : float
        The figure's size in inches.
    """

    def __init__(self, width: float, height: float) -> None:
        self.figure, self._axes = blank_figure(width, height)
        self._lettering = Lettering()
        self._width = width * 72.0
        self._height = height * 72.0

    def _label(self, xy: tuple[float, float], text: str = "", **style: object) -> Label:
        label = Label(self._lettering, xy, text, **style)  # type: ignore[arg-type]
        self._axes.add_artist(label)
        return label

    def _arrow(self, start: tuple[float, float] = (0.0, 0.0),
               end: tuple[float, float] = (1.0, 1.0), **style: object) -> FancyArrowPatch:
        style = {
            "arrowstyle": "-|>", "mutation_scale": 9, "shrinkA": 0, "shrinkB": 0,
            "color": INK, "linewidth": 1.0, **style,
        }
        arrow = FancyArrowPatch(start, end, **style)
        self._axes.add_artist(arrow)
        return arrow

    def _line(self, xs: tuple[float, ...], ys: tuple[float, ...], **style: object) -> Line2D:
        style = {"color": INK, "linewidth": 1.0, "solid_capstyle": "butt", **style}
        line = Line2D(xs, ys, **style)
        self._axes.add_artist(line)
        return line

    def _node(self, x: float, y: float, symbol: str) -> None:
        """A small circle with an operator (× or +) on it."""
        self._axes.add_artist(Circle((x, y), 7.0, facecolor="white", edgecolor=INK,
                                     linewidth=1.0, zorder=3))
        self._label((x, y), symbol, size=10, style="bold", ha="center", va="center")

    def _headings(self, title_size: float = 12.0) -> tuple[Label, Label]:
        """Title and subtitle labels centred at the top."""
        middle = self._width / 2
        title = self._label((middle, self._height - 8), size=title_size, style="bold",
                            ha="center", va="top")
        subtitle = self._label((middle, self._height - 27), size=8.5, color=MUTED,
                               ha="center", va="top")
        return title, subtitle

    def _fitted_size(self, label: Label, size: float, room: float) -> float:
        """The font size, at most `size`, at which the label's longest line fits `room`."""
        natural = label.width_at(size)
        return size if natural <= room else size * room / natural


# ---------------------------------------------------------------- PNG


class _Drawn:
    """What a figure's canvas holds after its last full draw: at which resolution, the
    picture without its animated artists, and those artists."""

    def __init__(self, pixels_per_inch: float, background: object,
                 animated: tuple[Artist, ...]) -> None:
        self.pixels_per_inch = pixels_per_inch
        self.background = background
        self.animated = animated


_DRAWN: weakref.WeakKeyDictionary[Figure, _Drawn] = weakref.WeakKeyDictionary()


def _resolution(name: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number from {low:g} to {high:g}, got {value!r}")
    number = float(value)
    if not low <= number <= high:
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}, got {value!r}")
    return number


def _draw(figure: Figure, pixels_per_inch: float) -> np.ndarray:
    """Draw the figure on its Agg canvas at this resolution; return the RGBA pixels.

    A figure that has not changed since its last draw at the same resolution is not
    drawn again: its picture is restored and only its animated artists (a moving marker,
    say) are drawn over it. That is what makes a slider that moves a marker cheap.
    """
    canvas = figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(figure)
    display_dpi = figure.dpi
    drawn = _DRAWN.get(figure)
    unchanged = (not figure.stale and drawn is not None
                 and drawn.pixels_per_inch == pixels_per_inch)
    if pixels_per_inch != display_dpi:
        figure.dpi = pixels_per_inch
    try:
        if unchanged:
            canvas.restore_region(drawn.background)
        else:
            canvas.draw()
            animated = tuple(artist for axes in figure.axes for artist in axes.get_children()
                             if artist.get_animated())
            drawn = _Drawn(pixels_per_inch, canvas.copy_from_bbox(figure.bbox), animated)
            _DRAWN[figure] = drawn
        renderer = canvas.get_renderer()
        for artist in drawn.animated:
            if artist.get_visible():
                artist.draw(renderer)
        pixels = np.asarray(canvas.buffer_rgba())
    finally:
        if figure.dpi != display_dpi:
            figure.dpi = display_dpi
        figure.stale = False  # only the resolution moved, and it is back
    return pixels


def _trim(pixels: np.ndarray, margin: int) -> np.ndarray:
    """Cut the blank rows below a picture (a diagram sized for its largest settings)."""
    inked = np.flatnonzero((pixels[..., :3] < 252).any(axis=(1, 2)))
    if inked.size == 0:
        return pixels
    return pixels[: min(pixels.shape[0], inked[-1] + 1 + margin)]


def figure_png(
    *figures: Figure, dpi: float | None = None, density: float = 1.0, compress_level: int = 1,
) -> bytes:
    """Render figures to PNG bytes: one figure, or several stacked top to bottom.

    dpi sets the size the picture is meant to be seen at, in pixels per inch of the
    figure (default: the figure's own); density multiplies the pixels for sharp
    HiDPI screens and projectors (2 gives twice as many in each direction). Stacked
    figures lose the blank rows below each and are padded to one width on white.
    Used by every diagram and widget. compress_level (0-9) trades time for bytes: the
    default 1 encodes in a few ms for a slider; 9 suits pictures saved in a notebook.

    Parameters
    ----------
    *figures : matplotlib.figure.Figure
        One figure or more, stacked top to bottom.
    dpi : float or None
        Pixels per inch of the figure at its intended size (20 to 400), or None for the
        figure's own.
    density : float
        Pixels per displayed pixel (0.25 to 4).
    compress_level : int
        zlib level, 0 to 9.

    Returns
    -------
    bytes
        The PNG.

    Raises
    ------
    TypeError
        If no figure is given, or something else than a Figure.
    ValueError
        If dpi, density or compress_level is out of range.
    """
    if not figures:
        raise TypeError("figure_png needs at least one figure")
    for figure in figures:
        if not isinstance(figure, Figure):
            raise TypeError(
                f"fig must be a matplotlib.figure.Figure, got {type(figure).__name__}"
            )
    if dpi is not None:
        dpi = _resolution("dpi", dpi, 20, 400)
    density = _resolution("density", density, 0.25, 4)
    if (isinstance(compress_level, bool) or not isinstance(compress_level, numbers.Integral)
            or not 0 <= compress_level <= 9):
        raise ValueError(f"compress_level must be a whole number from 0 to 9, "
                         f"got {compress_level!r}")
    pictures = []
    for figure in figures:
        pixels_per_inch = (figure.dpi if dpi is None else dpi) * density
        _resolution("dpi × density", pixels_per_inch, 20, 800)
        pixels = _draw(figure, pixels_per_inch)
        pictures.append(pixels if len(figures) == 1 else _trim(pixels, round(8 * density)))
    if len(pictures) == 1:
        return encode_png(pictures[0], int(compress_level))
    width = max(picture.shape[1] for picture in pictures)
    stacked = np.concatenate([
        np.pad(picture, ((0, 0), (0, width - picture.shape[1]), (0, 0)), constant_values=255)
        for picture in pictures
    ])
    return encode_png(stacked, int(compress_level))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (len(data).to_bytes(4, "big") + kind + data
            + zlib.crc32(kind + data).to_bytes(4, "big"))


def encode_png(rgba: np.ndarray, compress_level: int = 1) -> bytes:
    """PNG bytes of an (height, width, 4) uint8 RGBA picture.

    Written here rather than by Pillow, whose encoder tries five filters on every row:
    for a diagram at twice the screen's pixels that is 20 ms of a slider's budget, where
    rows stored unfiltered and compressed by zlib take about 4 ms, with similar sizes.

    Parameters
    ----------
    rgba : numpy.ndarray
        (height, width, 4) uint8 pixels.
    compress_level : int
        zlib level, 0 to 9.

    Returns
    -------
    bytes
        The PNG.

    Raises
    ------
    ValueError
        If rgba is not (height, width, 4) uint8.
    """
    height, width, channels = rgba.shape
    if channels != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"rgba must be a (height, width, 4) uint8 array, got {rgba.shape} "
                         f"{rgba.dtype}")
    rows = np.empty((height, 1 + 4 * width), dtype=np.uint8)
    rows[:, 0] = 0  # filter type 0: each row as it is
    rows[:, 1:] = rgba.reshape(height, 4 * width)
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 6, 0, 0, 0))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.data, compress_level)) + _chunk(b"IEND", b""))
