"""What every explorer shares: the picture shown at its intended size with its description,
the static picture left behind for viewers without a kernel, the refusal of values set
from code that the explorer cannot show, and names for controls screen readers announce.
"""

from __future__ import annotations

import base64
import html
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lstm_teach import diagrams
from lstm_teach.diagrams.canvas import png_size

_WIDE = widgets.Layout(width="320px")
_LABEL_STYLE = {"description_width": "110px"}

#: Pixels per displayed pixel of every widget picture: sharp on HiDPI screens and on
#: projectors, whose browsers show an image of N pixels in N/2 CSS pixels.
DENSITY = 2


class _Picture(widgets.HTML):
    """A diagram as an <img> at its intended size, with the diagram's description as its
    alt text, so a screen reader hears what the picture shows. Picture and description
    change in one message, never one without the other."""

    def __init__(self) -> None:
        super().__init__(layout=widgets.Layout(max_width="100%"))
        self.png = b""
        self.description_text = ""

    def show(self, figure: Figure) -> None:
        """Render the figure and put it, and its description, on screen."""
        self.png = diagrams.figure_png(figure, density=DENSITY)
        self.description_text = figure.description  # type: ignore[attr-defined]
        self.value = _img_tag(self.png, self.description_text)


def _img_tag(png: bytes, description: str) -> str:
    """An <img> showing PNG bytes drawn at DENSITY at their intended size."""
    width, height = png_size(png)
    return (
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
        f'alt="{html.escape(description)}" width="{round(width / DENSITY)}" '
        f'height="{round(height / DENSITY)}" style="max-width:100%;height:auto">'
    )


def _pre(text: str) -> str:
    return (
        "<pre style='margin:0;line-height:1.25;font-family:monospace'>"
        f"{html.escape(text)}</pre>"
    )


#: Keras computes in float32 and the reference in float64: they agree to about 1e-7 of
#: the numbers involved, so a difference below this (relative to 1 + |value|) is round-off.
FLOAT32_TOLERANCE = 1e-4


def _agreement(keras_values: np.ndarray, numpy_values: np.ndarray) -> tuple[bool, float]:
    """Whether Keras (float32) and NumPy (float64) agree within float32 round-off, and the
    largest difference found."""
    difference = np.abs(np.asarray(keras_values, dtype=float) - np.asarray(numpy_values))
    scale = 1.0 + np.abs(np.asarray(numpy_values, dtype=float))
    return bool(np.all(difference <= FLOAT32_TOLERANCE * scale)), float(difference.max())


class _Explorer(widgets.VBox):
    """A VBox that, when displayed, also carries a static picture and its description.

    Viewers without a kernel (GitHub, nbviewer, handouts) show the picture of the
    widget's current state at its intended size; its text/plain, which is also the
    handouts' alt text, says what the controls are set to and what the pictures show.

    Controls changed from code are checked before any view changes: a value the
    explorer cannot show (a slider moved past the diagrams' limits, a selection set to
    None, NaN) is put back and refused with an error naming the control, so the views
    always show one consistent state and the explorer keeps working.
    """

    _restoring = False

    def _watch(self, *controls: widgets.ValueWidget) -> None:
        for control in controls:
            control.observe(self._on_change, names="value")

    def _on_change(self, change: dict[str, Any]) -> None:
        if self._restoring:
            return
        try:
            self.check_controls()
        except (TypeError, ValueError) as refusal:
            self._restoring = True
            try:
                change["owner"].value = change["old"]
            finally:
                self._restoring = False
            name = getattr(change["owner"], "description", "") or "a control"
            raise type(refusal)(f"{name} = {change['new']!r} refused: {refusal}") from None
        self.refresh()

    def check_controls(self) -> None:
        """Raise TypeError or ValueError if the controls hold values this explorer cannot
        show; change nothing."""
        raise NotImplementedError

    def refresh(self, change: object = None) -> None:
        raise NotImplementedError

    def figures(self) -> tuple[Figure, ...]:
        """The diagrams this explorer shows, top to bottom."""
        raise NotImplementedError

    def state(self) -> str:
        """One line: what the controls are set to and the number they lead to."""
        raise NotImplementedError

    def static_png(self) -> bytes:
        """The explorer's diagrams stacked into one PNG, as a kernel-less viewer shows it."""
        return diagrams.figure_png(*self.figures(), density=DENSITY, compress_level=9)

    def describe(self) -> str:
        """The state line, then each picture's description."""
        return "\n".join([self.state(), *(figure.description for figure in self.figures())])

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        bundle = super()._repr_mimebundle_(**kwargs)
        png = self.static_png()
        width, height = png_size(png)
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        bundle["text/plain"] = self.describe()
        size = {"width": round(width / DENSITY), "height": round(height / DENSITY)}
        return bundle, {"image/png": size}


#: Gives every control an accessible name. ipywidgets draws a slider's handle as a div
#: with role="slider" and no name, and the play widget's buttons as bare icons, so a screen
#: reader announces unnamed controls (axe-core: "ARIA input fields must have an accessible
#: name"); the labels of text boxes, drop-downs and checkboxes are already tied to them.
_NAME_CONTROLS = """
const ICONS = {'fa-play': 'play', 'fa-pause': 'pause', 'fa-stop': 'stop', 'fa-retweet': 'repeat'};
const nameControls = () => {
  document.querySelectorAll('.widget-slider').forEach(slider => {
    const label = slider.querySelector('.widget-label');
    slider.querySelectorAll('.noUi-handle').forEach(handle => {
      if (label && label.textContent && !handle.getAttribute('aria-label')) {
        handle.setAttribute('aria-label', label.textContent);
      }
    });
  });
  document.querySelectorAll('.widget-play button').forEach(button => {
    const icon = button.querySelector('i');
    const name = icon && Object.keys(ICONS).find(name => icon.classList.contains(name));
    if (name && !button.getAttribute('aria-label')) button.setAttribute('aria-label', ICONS[name]);
  });
};
new MutationObserver(nameControls).observe(document.body, {childList: true, subtree: true});
nameControls();
"""


def name_controls() -> object:
    """Display this once on a page (the projector app does) to give every slider handle
    and play button an accessible name; it changes nothing else."""
    from IPython.display import Javascript

    return Javascript(_NAME_CONTROLS)
