"""The projector's summary page: paste a printed model.summary(), see every row explained.

Thin glue over `lt.explain`: the pasted text is only parsed (never executed), so no
Keras and no PyTorch are needed; the table is `Explanation.to_html`, which escapes
everything taken from the text. A summary that cannot be read shows the reason instead.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from lstm_teach.explain import explain

PLACEHOLDER = (
    "Paste the output of model.summary() (Keras 1, 2 or 3) or of PyTorch's print(model) "
    "here, then press Explain."
)


class SummaryExplainer(widgets.VBox):
    """A text area, an Explain button and the explanation below them.

    Parameters
    ----------
    text : str
        A summary to show explained from the start ("" for an empty box).
    link_base : str
        The path from the page to the repository's root, for the rows' links.
    """

    def __init__(self, text: str = "", link_base: str = "../") -> None:
        self.link_base = link_base
        self.text = widgets.Textarea(
            value=text, placeholder=PLACEHOLDER, description="Summary",
            layout=widgets.Layout(width="100%", height="16em"),
        )
        self.button = widgets.Button(description="Explain", button_style="primary",
                                     tooltip="Check every row of the pasted summary")
        self.result = widgets.HTML()
        self.button.on_click(lambda _: self.update())
        super().__init__([self.text, self.button, self.result])
        if text:
            self.update()

    def update(self) -> str:
        """Explain the text now in the box and show it; unreadable text shows the reason.

        Returns
        -------
        str
            The HTML now shown below the button.
        """
        try:
            shown = explain(self.text.value).to_html(self.link_base)
        except (TypeError, ValueError) as error:
            shown = f'<p role="alert">Cannot read this: {html.escape(str(error))}</p>'
        self.result.value = shown
        return shown


def summary_explainer(text: str = "", link_base: str = "../") -> SummaryExplainer:
    """The summary page's widget: paste a printed summary, press Explain.

    Parameters
    ----------
    text : str
        A summary to show explained from the start ("" for an empty box).
    link_base : str
        The path from the page to the repository's root, for the rows' links.

    Returns
    -------
    SummaryExplainer
        The widget; display it (end a cell with it).
    """
    return SummaryExplainer(text, link_base)
