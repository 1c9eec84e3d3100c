"""What `explain` returns: one row per layer, the totals, and two ways to show them.

A `LayerRow` holds what the course's arithmetic says about one layer (its weights, the
formula with the numbers put in, `count`) next to what the framework reports or the text
printed (`framework_count`); `agrees` compares them. Wrappers and inner models carry their
parts as `children`. `Explanation` prints as a plain table and renders as an HTML table in
a notebook, each row linking to the course cell that teaches its rule (`links.LINKS`).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field

from lstm_teach.explain.links import LINKS, link
from lstm_teach.explain.rules import Arithmetic, Weight

#: Where the repository's root is seen from a notebook in notebooks/reference/, the folder
#: of the notebook that teaches `explain`; set it for pages elsewhere (apps/: "../").
LINK_BASE = "../../"
NOT_EXPLAINED = "not explained here"


def shape_text(shape: object) -> str:
    """(None, 10, 7) as Keras prints it; several outputs as a list; unknown as "?".

    Parameters
    ----------
    shape : tuple, list of tuple or None
        A shape, several shapes, or None when unknown.

    Returns
    -------
    str
        The shape as text.
    """
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return "[" + ", ".join(shape_text(part) for part in shape) + "]"
    if isinstance(shape, tuple):
        if len(shape) == 1:
            return f"({'None' if shape[0] is None else shape[0]},)"
        return "(" + ", ".join("None" if size is None else str(size) for size in shape) + ")"
    return str(shape)


@dataclass(frozen=True)
class LayerRow:
    """One layer: what it is, what it reads and returns, its weights and counts.

    Parameters
    ----------
    name, kind : str
        The layer's name and class (or the type a summary printed).
    input_shape, output_shape : tuple, list of tuple or None
        What it reads and returns, where known.
    weights : tuple of Weight
        Its weights by the course's arithmetic.
    formula : str
        The formula with numbers; for a printed count no reading fits, why it cannot be;
        "not explained here" for a layer outside the course's rules.
    count : int or None
        The course's count (None when not explained, or when no reading fits).
    framework_count : int or None
        What Keras or PyTorch reports, or the number printed in a summary.
    rule : str or None
        The key of the rule in `links.LINKS` ("unknown" for a layer not explained here).
    children : tuple of LayerRow
        The parts of a wrapper or an inner model.
    note : str
        What the row's check found besides the formula.
    readings : tuple of str
        Every setting that fits a printed row (two or more: the count is ambiguous).
    framework_trainable : int or None
        The framework's trainable count, used where the arithmetic lists no weights.
    """

    name: str
    kind: str
    input_shape: object
    output_shape: object
    weights: tuple[Weight, ...]
    formula: str
    count: int | None
    framework_count: int | None
    rule: str | None
    children: tuple[LayerRow, ...] = ()
    note: str = ""
    readings: tuple[str, ...] = ()
    framework_trainable: int | None = field(default=None, repr=False)

    @classmethod
    def explained(cls, name: str, kind: str, arithmetic: Arithmetic, framework_count: int | None,
                  *, input_shape: object = None, output_shape: object = None,
                  children: tuple[LayerRow, ...] = (), note: str = "",
                  readings: tuple[str, ...] = ()) -> LayerRow:
        """A row counted by the course's arithmetic.

        Parameters
        ----------
        name, kind : str
            The layer's name and class.
        arithmetic : Arithmetic
            Its weights, formula and rule.
        framework_count : int or None
            The framework's (or the printed) count.
        input_shape, output_shape : tuple, list of tuple or None
            What it reads and returns.
        children : tuple of LayerRow
            Its parts.
        note : str
            A remark.
        readings : tuple of str
            The settings that fit a printed row.

        Returns
        -------
        LayerRow
            The row.
        """
        return cls(name, kind, input_shape, output_shape, arithmetic.weights, arithmetic.formula,
                   arithmetic.count, framework_count, arithmetic.rule, children, note, readings)

    @classmethod
    def unknown(cls, name: str, kind: str, framework_count: int | None, *,
                input_shape: object = None, output_shape: object = None,
                framework_trainable: int | None = None, note: str = "",
                children: tuple[LayerRow, ...] = ()) -> LayerRow:
        """A layer the course has no rule for: the framework's count, no formula.

        Parameters
        ----------
        name, kind : str
            The layer's name and class.
        framework_count : int or None
            The framework's (or the printed) count.
        input_shape, output_shape : tuple, list of tuple or None
            What it reads and returns.
        framework_trainable : int or None
            The framework's trainable count.
        note : str
            Why it is not explained.
        children : tuple of LayerRow
            Its parts, if any.

        Returns
        -------
        LayerRow
            The row, its formula "not explained here".
        """
        return cls(name, kind, input_shape, output_shape, (), NOT_EXPLAINED, None,
                   framework_count, "unknown", children, note, (), framework_trainable)

    @property
    def agrees(self) -> bool | None:
        """Whether the course's count equals the framework's (None if either is missing)."""
        if self.rule == "unknown":
            return None
        if self.count is None:  # no reading of the layer named fits the printed count
            return False
        if self.framework_count is None:
            return None
        return self.count == self.framework_count

    @property
    def explained_here(self) -> bool:
        return self.rule != "unknown"

    @property
    def total(self) -> int:
        """The layer's count: the course's where it has one, else the framework's."""
        if self.count is not None:
            return self.count
        return self.framework_count or 0

    @property
    def trainable(self) -> int:
        """Trainable parameters: from the weights where the arithmetic lists them, else the
        framework's figure (or every parameter, when nothing says otherwise)."""
        if self.count is not None and (self.weights or self.count == 0):
            return sum(weight.count for weight in self.weights if weight.trainable)
        if self.framework_trainable is not None:
            return self.framework_trainable
        return self.total

    @property
    def non_trainable(self) -> int:
        return self.total - self.trainable

    @property
    def link(self) -> str | None:
        return link(self.rule, LINK_BASE)

    def walk(self, depth: int = 0) -> Iterator[tuple[int, LayerRow]]:
        """This row and every row inside it, with its depth.

        Parameters
        ----------
        depth : int
            This row's depth.

        Returns
        -------
        Iterator of (int, LayerRow)
            Depth-first, this row first.
        """
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


def _count_text(count: int | None) -> str:
    return "?" if count is None else f"{count:,}"


def _agree_text(agrees: bool | None) -> str:
    return {True: "yes", False: "NO", None: "-"}[agrees]


@dataclass(frozen=True)
class Explanation:
    """Every layer of a model (or a printed summary) with its count worked out.

    `total`, `trainable` and `non_trainable` add the rows up (the course's counts, and the
    framework's for layers not explained here).

    Parameters
    ----------
    title : str
        What was explained ('Model "name"', "Pasted summary", …).
    source : str
        What kind of thing it was ("a Keras model", "a printed Keras 3 summary", …).
    framework : str
        What `framework_count` comes from: "Keras", "PyTorch" or "printed".
    layers : tuple of LayerRow
        The top-level rows.
    notes : tuple of str
        What the check of the whole found (a total that is not the sum, …).
    printed : dict or None
        The totals a summary printed ("total", "trainable", "non_trainable").
    """

    title: str
    source: str
    framework: str
    layers: tuple[LayerRow, ...]
    notes: tuple[str, ...] = ()
    printed: dict[str, int] | None = field(default=None, compare=False)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.layers)

    @property
    def trainable(self) -> int:
        return sum(row.trainable for row in self.layers)

    @property
    def non_trainable(self) -> int:
        return sum(row.non_trainable for row in self.layers)

    @property
    def agrees(self) -> bool:
        """True when every explained row agrees with the framework or the text."""
        return all(row.agrees is not False for _, row in self.rows())

    def rows(self) -> Iterator[tuple[int, LayerRow]]:
        """Every row, wrapped and inner ones included, with its depth.

        Returns
        -------
        Iterator of (int, LayerRow)
            Depth-first, in the model's order.
        """
        for row in self.layers:
            yield from row.walk()

    def row(self, name: str) -> LayerRow:
        """The row of the layer called `name` (inner rows included).

        Parameters
        ----------
        name : str
            The layer's name.

        Returns
        -------
        LayerRow
            The first row of that name.

        Raises
        ------
        KeyError
            No row has that name; the message lists them.
        """
        for _, row in self.rows():
            if row.name == name:
                return row
        names = ", ".join(repr(row.name) for _, row in self.rows())
        raise KeyError(f"no layer named {name!r}; the rows are {names}")

    # ------------------------------------------------------------ plain text

    def __str__(self) -> str:
        header = ("layer", "kind", "output shape", "count", self.framework, "agrees")
        lines: list[tuple[str, ...]] = [header]
        details: list[list[str]] = [[]]
        for depth, row in self.rows():
            lines.append(("  " * depth + row.name, row.kind, shape_text(row.output_shape),
                          _count_text(row.count), _count_text(row.framework_count),
                          _agree_text(row.agrees)))
            said = [f"= {row.formula}" if row.count is not None else row.formula]
            if len(row.readings) == 1:
                said.append(f"read as {row.readings[0]}")
            if row.weights and not row.children:
                said.append(", ".join(f"{weight.name} {shape_text(weight.shape)}"
                                      + ("" if weight.trainable else " non-trainable")
                                      for weight in row.weights))
            if row.note:
                said.append(row.note)
            details.append(["  " * depth + "    " + text for text in said])
        widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
        right = {3, 4}

        def render(line: tuple[str, ...]) -> str:
            return "  ".join(
                text.rjust(width) if column in right else text.ljust(width)
                for column, (text, width) in enumerate(zip(line, widths, strict=True))
            ).rstrip()

        body = [render(header), "-" * len(render(header))]
        for line, said in zip(lines[1:], details[1:], strict=True):
            body.append(render(line))
            body += said
        totals = (f"total {self.total:,} parameters: {self.trainable:,} trainable, "
                  f"{self.non_trainable:,} non-trainable")
        return "\n".join([f"{self.title} ({self.source})", *body, totals, *self.notes])

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:
        printer.text(str(self))  # type: ignore[attr-defined]

    # ------------------------------------------------------------ HTML

    def to_html(self, link_base: str | None = None) -> str:
        """An HTML table; each row's "why" links to the course cell teaching its rule.

        Every text taken from the model or the pasted summary is escaped.

        Parameters
        ----------
        link_base : str or None
            The path from the page to the repository's root (None: `LINK_BASE`).

        Returns
        -------
        str
            The table.
        """
        base = LINK_BASE if link_base is None else link_base
        cells = ["Layer", "Kind", "Input", "Output", "Weights", "Count (course)",
                 f"{self.framework.capitalize()} count", "Agrees", "How it is counted"]
        head = "".join(f'<th scope="col">{html.escape(cell)}</th>' for cell in cells)
        body = []
        for depth, row in self.rows():
            target = link(row.rule, base)
            why = html.escape(row.formula)
            if len(row.readings) == 1:
                why += f"<br><small>read as {html.escape(row.readings[0])}</small>"
            if target is not None:
                what = html.escape(LINKS[row.rule][2])  # type: ignore[index]
                why += f'<br><a href="{html.escape(target)}">why: {what}</a>'
            if row.note:
                why += f"<br><small>{html.escape(row.note)}</small>"
            weights = "<br>".join(
                html.escape(f"{weight.name} {shape_text(weight.shape)} = {weight.count:,}"
                            + ("" if weight.trainable else " (non-trainable)"))
                for weight in row.weights
            )
            agrees = {True: "✓ yes", False: "✗ no", None: "–"}[row.agrees]
            indent = f' style="padding-left:{0.4 + 1.2 * depth:.1f}em"'
            body.append(
                f'<tr class="explain-row" data-agrees="{_agree_text(row.agrees)}">'
                f'<th scope="row"{indent}>{html.escape(row.name)}</th>'
                f"<td>{html.escape(row.kind)}</td>"
                f"<td>{html.escape(shape_text(row.input_shape))}</td>"
                f"<td>{html.escape(shape_text(row.output_shape))}</td>"
                f"<td>{weights}</td>"
                f'<td style="text-align:right">{_count_text(row.count)}</td>'
                f'<td style="text-align:right">{_count_text(row.framework_count)}</td>'
                f"<td>{agrees}</td><td>{why}</td></tr>"
            )
        caption = html.escape(
            f"{self.title} ({self.source}): {self.total:,} parameters, {self.trainable:,} "
            f"trainable, {self.non_trainable:,} non-trainable"
        )
        notes = "".join(f"<p>{html.escape(note)}</p>" for note in self.notes)
        return (
            '<div class="lstm-teach-explain"><style>.lstm-teach-explain table{border-collapse:'
            "collapse}.lstm-teach-explain th,.lstm-teach-explain td{border-bottom:1px solid "
            "#999;padding:0.3em 0.5em;vertical-align:top;text-align:left}</style>"
            f'<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{notes}</div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()
