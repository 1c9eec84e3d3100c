"""What every explorer shares: the picture shown at its intended size with its description,
the static picture left behind for viewers without a kernel, the refusal of values set
from code that the explorer cannot show, and names for controls screen readers announce.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Callable, Hashable
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from traitlets import TraitError

from lstm_teach import diagrams
from lstm_teach.diagrams.canvas import png_bundle
from lstm_teach.formatting import below

_WIDE = widgets.Layout(width="320px")
_LABEL_STYLE = {"description_width": "110px"}

#: Pixels per displayed pixel of every widget picture: sharp on HiDPI screens and on
#: projectors, whose browsers show an image of N pixels in N/2 CSS pixels.
DENSITY = 2


class DiagramImage(widgets.HTML):
    """A diagram as an <img> at its intended size, with the diagram's description as its
    alt text, so a screen reader hears what the picture shows. Picture and description
    change in one message, never one without the other.

    Attributes
    ----------
    png : bytes
        The picture last shown, drawn at DENSITY times its displayed pixels.
    description_text : str
        Its description, also the <img>'s alt text.
    """

    def __init__(self) -> None:
        super().__init__(layout=widgets.Layout(max_width="100%"))
        self.png = b""
        self.description_text = ""

    def show(self, figure: Figure) -> None:
        """Render the figure and put it, and its description, on screen.

        Parameters
        ----------
        figure : DiagramFigure
            A diagram's figure (it carries a `description`).
        """
        self.png = diagrams.figure_png(figure, density=DENSITY)
        self.description_text = figure.description  # type: ignore[attr-defined]
        self.value = _img_tag(self.png, self.description_text)


def _img_tag(png: bytes, description: str) -> str:
    """An <img> showing PNG bytes drawn at DENSITY at their intended size."""
    data, metadata = png_bundle(png, description, DENSITY)
    size = metadata["image/png"]
    return (
        f'<img src="data:image/png;base64,{data["image/png"]}" '
        f'alt="{html.escape(description)}" width="{size["width"]}" '  # type: ignore[index]
        f'height="{size["height"]}" style="max-width:100%;height:auto">'  # type: ignore[index]
    )


def _pre(text: str) -> str:
    return (
        "<pre style='margin:0;line-height:1.25;font-family:monospace'>"
        f"{html.escape(text)}</pre>"
    )


#: Keras computes in float32 and the reference in float64. The explorers compare the
#: output h, which an LSTM keeps between −1 and 1, so float32 round-off stays far below
#: this bound; a larger difference is a real disagreement.
FLOAT32_TOLERANCE = 1e-4


def _agreement(keras_values: np.ndarray, numpy_values: np.ndarray) -> tuple[bool, float]:
    """Whether Keras (float32) and NumPy (float64) agree within float32 round-off, and the
    largest difference found."""
    difference = np.abs(np.asarray(keras_values, dtype=float) - np.asarray(numpy_values))
    largest = float(difference.max())
    return largest < FLOAT32_TOLERANCE, largest


def agreement_text(keras_h: object, numpy_h: object, shown: str) -> str:
    """The verdict line of a Keras check of h: ✔ or ✘, what Keras gave, and the largest
    difference from NumPy said as a bound (the same on every machine).

    Parameters
    ----------
    keras_h, numpy_h : array_like
        h as Keras (float32) and the NumPy reference (float64) computed it.
    shown : str
        Keras' h as the explorer prints it (formatting.signed or formatting.vector).

    Returns
    -------
    str
        HTML such as "✔ Keras hₜ = +0.2392 agrees with NumPy (largest difference below
        1e-4)".
    """
    agrees, difference = _agreement(keras_h, numpy_h)  # type: ignore[arg-type]
    mark, verdict = ("✔", "agrees") if agrees else ("✘", "differs")
    return (
        f"{mark} Keras h<sub>t</sub> = {html.escape(shown)} {verdict} with NumPy "
        f"(largest difference {below(difference, FLOAT32_TOLERANCE)})"
    )


class KerasCheck:
    """The "Check with Keras" button of an explorer, its answers and its verdict line.

    Keras is asked only when the button is pressed (or `run` is called), once per
    setting: answers are kept by the key the explorer gives for its current state, so
    moving a slider back shows the earlier verdict at once.

    Parameters
    ----------
    tooltip : str
        What pressing the button does.
    key : callable
        () -> a hashable description of what Keras would be asked now.
    ask : callable
        (key) -> Keras' answer for that key (imports Keras on first use).
    verdict : callable
        (answer) -> the HTML line that compares the answer with the explorer's own.
    pending : str
        What the line says before Keras was asked for the current key.

    Attributes
    ----------
    button : ipywidgets.Button
        The button.
    result : ipywidgets.HTML
        The verdict line beside it.
    """

    def __init__(
        self,
        tooltip: str,
        key: Callable[[], Hashable],
        ask: Callable[[Any], Any],
        verdict: Callable[[Any], str],
        pending: str = "not yet checked with Keras",
    ) -> None:
        self.button = widgets.Button(
            description="Check with Keras", icon="check", layout=widgets.Layout(width="auto"),
            tooltip=tooltip,
        )
        self.result = widgets.HTML()
        self._key, self._ask, self._verdict, self._pending = key, ask, verdict, pending
        self._answers: dict[Hashable, Any] = {}
        self.button.on_click(lambda _: self.run())

    def run(self) -> Any:
        """Ask Keras about the current state (once per state) and show the verdict.

        Returns
        -------
        object
            Keras' answer, as `ask` returns it.
        """
        key = self._key()
        if key not in self._answers:
            self._answers[key] = self._ask(key)
        self.show()
        return self._answers[key]

    def show(self) -> None:
        """Show the verdict for the current state, or that Keras was not asked yet."""
        key = self._key()
        self.result.value = (
            self._verdict(self._answers[key]) if key in self._answers
            else f"<i>{self._pending}</i>"
        )


# ---------------------------------------------------------------- controls


def _refusal(control: widgets.Widget, value: object, accepted: str, error: type) -> Exception:
    name = getattr(control, "description", "") or type(control).__name__
    return error(f"{name} must be {accepted}; {value!r} refused")


class _Checked:
    """A control that refuses, by its name, a value set from code that it cannot hold.

    ipywidgets would clamp 20 on a slider from 1 to 8 to 8, cut 2.7 to 2, or raise a
    traitlets.TraitError that names no control. Values from the browser never pass
    through here (they arrive through set_state, already in range).
    """

    _ready = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        object.__setattr__(self, "_ready", True)  # from now on, values set are checked

    def _check(self, value: object) -> object:
        return value

    def __setattr__(self, name: str, value: object) -> None:
        if not self._ready:
            super().__setattr__(name, value)
            return
        if name == "value":
            value = self._check(value)
        try:
            super().__setattr__(name, value)
        except TraitError as error:
            label = getattr(self, "description", "") or type(self).__name__
            raise ValueError(f"{label}.{name} = {value!r} refused: {error}") from None


def _whole(control: Any, value: object) -> int:
    accepted = f"a whole number from {control.min} to {control.max}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _refusal(control, value, accepted, TypeError)
    if not control.min <= value <= control.max:
        raise _refusal(control, value, accepted, ValueError)
    return int(value)


class IntSlider(_Checked, widgets.IntSlider):
    """An IntSlider that refuses values beyond its range, or not whole, by its name."""

    def _check(self, value: object) -> int:
        return _whole(self, value)


class Play(_Checked, widgets.Play):
    """A Play widget that refuses values beyond its range, or not whole, by its name."""

    def _check(self, value: object) -> int:
        return _whole(self, value)


class FloatSlider(_Checked, widgets.FloatSlider):
    """A FloatSlider that refuses values beyond its range, or not finite, by its name."""

    def _check(self, value: object) -> float:
        accepted = f"a finite number from {self.min:g} to {self.max:g}"
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise _refusal(self, value, accepted, TypeError)
        if not (math.isfinite(value) and self.min <= value <= self.max):
            raise _refusal(self, value, accepted, ValueError)
        return float(value)


def _one_of(control: Any, value: object) -> object:
    options = [option[1] if isinstance(option, tuple) else option for option in control.options]
    if value is None or not any(value == option for option in options):
        listed = ", ".join(repr(option) for option in options)
        raise _refusal(control, value, f"one of {listed}", ValueError)
    return value


class Dropdown(_Checked, widgets.Dropdown):
    """A Dropdown that refuses a value that is none of its options, by its name."""

    def _check(self, value: object) -> object:
        return _one_of(self, value)


class ToggleButtons(_Checked, widgets.ToggleButtons):
    """ToggleButtons that refuse a value that is none of their options, by their name."""

    def _check(self, value: object) -> object:
        return _one_of(self, value)


class Checkbox(_Checked, widgets.Checkbox):
    """A Checkbox that refuses anything but True or False, by its name."""

    def _check(self, value: object) -> bool:
        if not isinstance(value, bool | np.bool_):
            raise _refusal(self, value, "True or False", TypeError)
        return bool(value)


# ---------------------------------------------------------------- explorers

def constant(array: object) -> np.ndarray:
    """A read-only float64 array: an explorer's example values, which a learner's
    `x = TIME_X; x[0] = …` must not change for every later explorer.

    Parameters
    ----------
    array : array_like
        The values.

    Returns
    -------
    numpy.ndarray
        A read-only copy.
    """
    values = np.array(array, dtype=np.float64)
    values.setflags(write=False)
    return values


#: An explorer's weight argument that was left out, told apart from None (no bias).
NOT_GIVEN: Any = object()


def given_weights(
    kernel: object, recurrent_kernel: object, bias: object,
    defaults: tuple[np.ndarray, np.ndarray, np.ndarray], default_name: str,
) -> tuple[object, object, object]:
    """The weights an explorer was given, or all of its defaults: the same rule for every
    explorer. bias=None means a layer without bias, as in lstm_forward; leaving all
    three out means the explorer's own example weights.

    Parameters
    ----------
    kernel, recurrent_kernel : array_like or None
        None (left out) for the defaults.
    bias : array_like, None or NOT_GIVEN
        None for no bias; NOT_GIVEN (left out) for the defaults.
    defaults : tuple of numpy.ndarray
        The explorer's own kernel, recurrent kernel and bias.
    default_name : str
        Where the defaults come from, for the message ("notebook 04's weights").

    Returns
    -------
    tuple
        kernel, recurrent_kernel, bias (unchecked: the explorer checks them).

    Raises
    ------
    TypeError
        If some but not all three were given.
    """
    if kernel is None and recurrent_kernel is None and bias is NOT_GIVEN:
        return defaults
    if kernel is None or recurrent_kernel is None or bias is NOT_GIVEN:
        raise TypeError(
            "pass kernel, recurrent_kernel and bias together (bias=None for a layer "
            f"without bias), or none of the three for {default_name}"
        )
    return kernel, recurrent_kernel, bias


class _Explorer(widgets.VBox):
    """A VBox that, when displayed, also carries a static picture and its description.

    Viewers without a kernel (GitHub, nbviewer, handouts) show the picture of the
    widget's current state at its intended size; its text/plain, which is also the
    handouts' alt text, says what the controls are set to and what the pictures show.

    Controls changed from code are checked before any view changes: a value a control
    cannot hold (of the wrong kind, or outside its range) is refused by the control
    itself, and a value the explorer cannot show (a slider moved past the diagrams'
    limits after its maximum was raised) is put back and refused with an error naming
    the control, so the views always show one consistent state and the explorer keeps
    working. Replacing a control (explorer.units = 3) is refused too: set its value.
    """

    _restoring = False
    _built = False

    def __setattr__(self, name: str, value: object) -> None:
        if self._built and isinstance(getattr(self, name, None), widgets.ValueWidget) \
                and not isinstance(value, widgets.Widget):
            raise TypeError(
                f"{name} is a control of this explorer: set {name}.value = {value!r} "
                "to move it"
            )
        super().__setattr__(name, value)

    def _watch(self, *controls: widgets.ValueWidget) -> None:
        for control in controls:
            control.observe(self._on_change, names="value")

    def _finish(self) -> None:
        """Draw the first state and start refusing replaced controls."""
        self.refresh()
        object.__setattr__(self, "_built", True)

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
        show; change nothing.

        Raises
        ------
        TypeError, ValueError
            Naming the control and what it accepts.
        """
        raise NotImplementedError

    def refresh(self, change: object = None) -> None:
        """Recompute every view from the controls.

        Parameters
        ----------
        change : object
            Ignored: lets refresh serve as an observe callback.
        """
        raise NotImplementedError

    def figures(self) -> tuple[Figure, ...]:
        """The diagrams this explorer shows, top to bottom.

        Returns
        -------
        tuple of Figure
            The figures, as the static picture stacks them.
        """
        raise NotImplementedError

    def state(self) -> str:
        """One line: what the controls are set to and the number they lead to.

        Returns
        -------
        str
            The line, printed through lstm_teach.formatting (the same on every machine).
        """
        raise NotImplementedError

    def static_png(self) -> bytes:
        """The explorer's diagrams stacked into one PNG, as a kernel-less viewer shows it.

        Returns
        -------
        bytes
            PNG bytes at DENSITY times the displayed pixels.
        """
        return diagrams.figure_png(*self.figures(), density=DENSITY, compress_level=9)

    def describe(self) -> str:
        """The state line, then each picture's description.

        Returns
        -------
        str
            One line per item.
        """
        return "\n".join([self.state(), *(figure.description for figure in self.figures())])

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = png_bundle(self.static_png(), self.describe(), DENSITY)
        bundle.update(data)
        return bundle, metadata


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
    and play button an accessible name; it changes nothing else.

    Returns
    -------
    IPython.display.Javascript
        The script, to pass to IPython's display().
    """
    from IPython.display import Javascript

    return Javascript(_NAME_CONTROLS)
