"""Text drawn as filled glyph outlines: fast to change, identical on every machine.

A matplotlib Text renders through FreeType on every draw, a few milliseconds per
label; a slider that changes sixty labels would lag. Here each character's outline is
read once from the font file and kept; a label is one filled path assembled from those
outlines, laid out only when it is next drawn. The glyphs are the ones matplotlib's own
TextPath produces (same font, same advances and kerning), so the words look the same.

`Label` follows matplotlib's artist contract: `set_text` and friends only store the new
value and mark the artist stale, layout happens at draw time (or when the outline is
asked for), and `get_text` reads the words back.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font, Kerning, LoadFlags
from matplotlib.patches import PathPatch
from matplotlib.path import Path

#: Font family and weight of each lettering style.
FONT_STYLES = MappingProxyType({
    "sans": ("DejaVu Sans", "normal"),
    "bold": ("DejaVu Sans", "bold"),
    "mono": ("DejaVu Sans Mono", "normal"),
})
_GLYPH_SCALE = 100.0  # outlines are read at 100 pt and stored per 1 pt of font size
_KEPT_LINES = 512
_EMPTY_PATH = Path(np.zeros((1, 2)), [Path.MOVETO], readonly=True)
_ALIGN_X = MappingProxyType({"left": 0.0, "center": 0.5, "right": 1.0})
_ALIGN_Y = ("top", "center", "bottom", "baseline")


@dataclass(frozen=True)
class FontMetrics:
    """Vertical measures of a font in units of its size, read from the font file.

    ascent and descent are the font's own (both positive); cap_height is the height of
    a capital H; line_height the distance between baselines at line spacing 1.

    Parameters
    ----------
    ascent, descent : float
        The font's own, both positive, per 1 pt of size.
    cap_height : float
        Height of a capital H.
    line_height : float
        Distance between baselines at line spacing 1.
    """

    ascent: float
    descent: float
    cap_height: float
    line_height: float


class Lettering:
    """Glyph outlines, advances and kerning read once from the fonts, shared by labels."""

    def __init__(self) -> None:
        self._fonts: dict[str, FT2Font] = {}
        self._metrics: dict[str, FontMetrics] = {}
        self._glyphs: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, float, str, int]] = {}
        self._kerning: dict[tuple[str, int, int], float] = {}
        self._lines: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, float]] = {}

    def _font(self, style: str) -> FT2Font:
        if style not in self._fonts:
            if style not in FONT_STYLES:
                listed = ", ".join(repr(name) for name in FONT_STYLES)
                raise ValueError(f"style must be one of {listed}; got {style!r}")
            family, weight = FONT_STYLES[style]
            font = FT2Font(findfont(FontProperties(family=family, weight=weight)))
            font.set_size(_GLYPH_SCALE, 72)
            self._fonts[style] = font
        return self._fonts[style]

    def metrics(self, style: str) -> FontMetrics:
        """The font's ascent, descent, capital height and line height per 1 pt of size.

        Parameters
        ----------
        style : str
            A Lettering style.

        Returns
        -------
        FontMetrics
            Per 1 pt of size.
        """
        if style not in self._metrics:
            font = self._font(style)
            em = font.units_per_EM
            font.load_char(ord("H"), flags=LoadFlags.NO_HINTING)
            vertices, _ = font.get_path()
            self._metrics[style] = FontMetrics(
                ascent=font.ascender / em,
                descent=-font.descender / em,
                cap_height=float(np.max(vertices[:, 1])) / _GLYPH_SCALE,
                line_height=(font.ascender - font.descender) / em,
            )
        return self._metrics[style]

    def glyph(self, style: str, char: str) -> tuple[np.ndarray, np.ndarray, float, str, int]:
        """Outline vertices and codes of one character at size 1, its advance, and the
        style and glyph index it was found in (a character missing from a font is
        taken from the sans style).

        Parameters
        ----------
        style : str
            A Lettering style.
        char : str
            One character.

        Returns
        -------
        tuple
            Vertices, path codes, advance, style and glyph index.
        """
        key = (style, char)
        if key not in self._glyphs:
            font, found_in = self._font(style), style
            if font.get_char_index(ord(char)) == 0:
                font, found_in = self._font("sans"), "sans"
            glyph = font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
            vertices, codes = font.get_path()
            self._glyphs[key] = (
                np.asarray(vertices, dtype=float) / _GLYPH_SCALE,
                np.asarray(codes, dtype=np.uint8),
                glyph.linearHoriAdvance / 65536 / _GLYPH_SCALE,
                found_in,
                font.get_char_index(ord(char)),
            )
        return self._glyphs[key]

    def _kern(self, style: str, left: int, right: int) -> float:
        key = (style, left, right)
        if key not in self._kerning:
            kerning = self._font(style).get_kerning(left, right, Kerning.UNFITTED)
            self._kerning[key] = kerning / 64 / _GLYPH_SCALE
        return self._kerning[key]

    def line(self, text: str, style: str) -> tuple[np.ndarray, np.ndarray, float]:
        """Outline of one line of text at size 1 with its baseline at y=0, and its width.

        The last few hundred lines are kept: a slider moving back and forth shows the
        same words again.

        Parameters
        ----------
        text : str
            One line (no newline).
        style : str
            A Lettering style.

        Returns
        -------
        tuple
            Vertices, path codes and width, at size 1.
        """
        key = (text, style)
        found = self._lines.get(key)
        if found is None:
            found = self._assemble(text, style)
            if len(self._lines) >= _KEPT_LINES:
                self._lines.pop(next(iter(self._lines)))
            self._lines[key] = found
        return found

    def _assemble(self, text: str, style: str) -> tuple[np.ndarray, np.ndarray, float]:
        vertices, codes, x = [], [], 0.0
        previous: tuple[str, int] | None = None
        for char in text:
            glyph_vertices, glyph_codes, advance, found_in, index = self.glyph(style, char)
            if previous is not None and previous[0] == found_in:
                x += self._kern(found_in, previous[1], index)
            if len(glyph_codes):
                vertices.append(glyph_vertices + np.array([x, 0.0]))
                codes.append(glyph_codes)
            x += advance
            previous = (found_in, index)
        if not codes:
            outline, kinds = np.zeros((0, 2)), np.zeros(0, dtype=np.uint8)
        else:
            outline, kinds = np.concatenate(vertices), np.concatenate(codes)
        outline.flags.writeable = kinds.flags.writeable = False  # shared by every label
        return outline, kinds, x

    def width(self, text: str, style: str, size: float) -> float:
        """Width in points of the longest line of text at this font size.

        Parameters
        ----------
        text : str
            Lines separated by newlines.
        style : str
            A Lettering style.
        size : float
            Font size in points.

        Returns
        -------
        float
            Points.
        """
        return size * max(self.line(line, style)[2] for line in text.split("\n"))


class Label(PathPatch):
    """A text label drawn as one filled path, in the data coordinates of its Axes.

    Alignment follows matplotlib's Text: ha is left, center or right (per line), va is
    top, center, bottom or baseline. Setters store the value and mark the label stale;
    the outline is laid out when the label is drawn or its path is asked for.

    Parameters
    ----------
    lettering : Lettering
        The fonts and glyph cache the label draws with.
    xy : tuple of float
        Anchor point in data coordinates.
    text : str
        Lines separated by newlines.
    size : float
        Font size in points.
    style : str
        "sans", "bold" or "mono" (FONT_STYLES).
    color : str or tuple
        Fill colour.
    ha : str
        "left", "center" or "right".
    va : str
        "top", "center", "bottom" or "baseline".
    linespacing : float
        Distance between baselines, in line heights.
    rotation : float
        Degrees counter-clockwise.
    zorder : float
        Drawing order.

    Raises
    ------
    ValueError
        If ha or va is unknown (an unknown style, when the label is laid out).
    """

    def __init__(
        self,
        lettering: Lettering,
        xy: tuple[float, float],
        text: str = "",
        *,
        size: float = 8.0,
        style: str = "sans",
        color: str | tuple[float, ...] = "#222222",
        ha: str = "left",
        va: str = "baseline",
        linespacing: float = 1.25,
        rotation: float = 0.0,
        zorder: float = 5.0,
    ) -> None:
        super().__init__(_EMPTY_PATH, facecolor=color, edgecolor="none", linewidth=0.0,
                         zorder=zorder)
        lettering.metrics(style)  # refuses an unknown style now, not at draw time
        self._lettering = lettering
        self._xy = (float(xy[0]), float(xy[1]))
        self._text = str(text)
        self._size = float(size)
        self._style = style
        self._ha, self._va = _alignment(ha, va)
        self._linespacing = float(linespacing)
        self._rotation = float(np.deg2rad(rotation))
        self._laid_out = False

    def _changed(self) -> None:
        self._laid_out = False
        self.stale = True

    def get_text(self) -> str:
        """The words shown, lines separated by newlines.

        Returns
        -------
        str
            The text.
        """
        return self._text

    def set_text(self, text: object) -> None:
        """Show this text (lines separated by newlines).

        Parameters
        ----------
        text : object
            Shown as str(text).
        """
        text = str(text)
        if text != self._text:
            self._text = text
            self._changed()

    def get_position(self) -> tuple[float, float]:
        """The label's anchor point.

        Returns
        -------
        tuple of float
            In data coordinates.
        """
        return self._xy

    def set_position(self, xy: tuple[float, float]) -> None:
        """Move the label's anchor point.

        Parameters
        ----------
        xy : tuple of float
            The new anchor point, in data coordinates.
        """
        xy = (float(xy[0]), float(xy[1]))
        if xy != self._xy:
            self._xy = xy
            self._changed()

    def get_size(self) -> float:
        """The font size.

        Returns
        -------
        float
            Points.
        """
        return self._size

    def set_alignment(self, ha: str, va: str, size: float | None = None) -> None:
        """Change the alignment (and optionally the font size) without changing the text.

        Parameters
        ----------
        ha : str
            "left", "center" or "right".
        va : str
            "top", "center", "bottom" or "baseline".
        size : float or None
            A new font size, or None to keep it.

        Raises
        ------
        ValueError
            If ha or va is unknown.
        """
        ha, va = _alignment(ha, va)
        size = self._size if size is None else float(size)
        if (ha, va, size) != (self._ha, self._va, self._size):
            self._ha, self._va, self._size = ha, va, size
            self._changed()

    def set_linespacing(self, linespacing: float) -> None:
        """Distance between baselines, in multiples of the font's line height.

        Parameters
        ----------
        linespacing : float
            Multiples of the font's line height.
        """
        linespacing = float(linespacing)
        if linespacing != self._linespacing:
            self._linespacing = linespacing
            self._changed()

    def set_rotation(self, degrees: float) -> None:
        """Turn the text counter-clockwise about its anchor point.

        Parameters
        ----------
        degrees : float
            Counter-clockwise.
        """
        radians = float(np.deg2rad(degrees))
        if radians != self._rotation:
            self._rotation = radians
            self._changed()

    def width_at(self, size: float) -> float:
        """Width in points of this label's longest line at the given font size.

        Parameters
        ----------
        size : float
            Font size in points.

        Returns
        -------
        float
            Points.
        """
        if not self._text:
            return 0.0
        return self._lettering.width(self._text, self._style, size)

    def get_path(self) -> Path:
        """The outline of the text, laid out now if anything changed since last time.

        Returns
        -------
        matplotlib.path.Path
            In data coordinates.
        """
        if not self._laid_out:
            self._path = self._lay_out()
            self._laid_out = True
        return self._path

    def draw(self, renderer: object) -> None:
        self.get_path()
        super().draw(renderer)

    def _lay_out(self) -> Path:
        if not self._text:
            return _EMPTY_PATH
        lines = [self._lettering.line(line, self._style) for line in self._text.split("\n")]
        metrics = self._lettering.metrics(self._style)
        size = self._size
        pitch = metrics.line_height * self._linespacing * size
        below = (len(lines) - 1) * pitch
        first_baseline = {
            "top": -metrics.ascent * size,
            "center": (below - metrics.cap_height * size) / 2,
            "bottom": below + metrics.descent * size,
            "baseline": 0.0,
        }[self._va]
        shift = _ALIGN_X[self._ha]
        vertices, codes = [], []
        for number, (line_vertices, line_codes, width) in enumerate(lines):
            if len(line_codes):
                offset = (-shift * width * size, first_baseline - number * pitch)
                vertices.append(line_vertices * size + offset)
                codes.append(line_codes)
        if not codes:
            return _EMPTY_PATH
        points = np.concatenate(vertices)
        if self._rotation:
            cos, sin = np.cos(self._rotation), np.sin(self._rotation)
            points = points @ np.array([[cos, sin], [-sin, cos]])
        return Path(points + self._xy, np.concatenate(codes))


def _alignment(ha: str, va: str) -> tuple[str, str]:
    if ha not in _ALIGN_X:
        raise ValueError(f"ha must be one of 'left', 'center', 'right'; got {ha!r}")
    if va not in _ALIGN_Y:
        raise ValueError(f"va must be one of 'top', 'center', 'bottom', 'baseline'; got {va!r}")
    return ha, va


def figure_text(fig: Figure) -> str:
    """Every visible label of a figure drawn with this lettering, one per line.

    The labels are outlines, not matplotlib Text artists; this recovers their words,
    for tests, descriptions or a screen reader.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A diagram's figure.

    Returns
    -------
    str
        One visible label per line, in drawing order.

    Raises
    ------
    TypeError
        If fig is not a Figure.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure, got {type(fig).__name__}")
    return "\n".join(
        label.get_text() for label in fig.findobj(Label)
        if label.get_visible() and label.get_text()
    )
