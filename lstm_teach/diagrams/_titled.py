"""A diagram with a title and a subtitle fitted to its width, shared by the pictures of
the reference notebooks (Bidirectional, masks, batch slots, the per-feature rival)."""

from __future__ import annotations

from lstm_teach.diagrams.canvas import Diagram

_MARGIN = 8.0  # points kept clear at the figure's left and right edges


class TitledDiagram(Diagram):
    """A Diagram whose headings are written once and shrunk, if need be, to fit."""

    def _titles(self, title: str, subtitle: str) -> None:
        """Write the title (11 pt) and subtitle (8.5 pt), each at most the figure's width."""
        room = self._width - 2 * _MARGIN
        for label, text, size in zip(self._headings(title_size=11), (title, subtitle),
                                     (11.0, 8.5), strict=True):
            label.set_text(text)
            label.set_alignment("center", "top", self._fitted_size(label, size, room))
