"""Read the rows of a printed summary: Keras 3 box tables, Keras 1 and 2 plain tables.

Only reading happens here (the text is never executed): each row's name, type, output
shape, printed count, "Connected to" entries and nesting depth, where the count stands
(so `hide_count` can mask it), and the "Total params" lines. Cells that Keras wrapped over
several lines (a long layer name, a list of output shapes) are joined again; a name
Keras 3 cut with "…" keeps the "…". Whether the numbers make sense is `from_text`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

Shape = tuple[int | None, ...]

_KIND = re.compile(r"^(?P<name>.*?)\s*\((?P<kind>[A-Za-z_][\w.]*)\)$")
_COUNT = re.compile(r"^(?P<count>\d{1,3}(?:,\d{3})+|\d+)(?:\.0)?(?:\s*\((?:unbuilt|unused)\))?$")
_TOTAL = re.compile(
    r"^\s*(?P<label>Total|Trainable|Non-trainable|Optimizer) params:\s*"
    r"(?P<count>\d[\d,]*)(?:\.0)?\b"
)
_MODEL = re.compile(r'^\s*Model:\s*"(?P<name>[^"]*)"')
#: One row on one line, as in a plain table whose spaces were squeezed (a web page's copy).
_LINE = re.compile(
    r"^\s*(?P<name>\S+)\s+\((?P<kind>[A-Za-z_][\w.]*)\)\s+"
    r"(?P<shape>\[[^\]]*\]|\([^)]*\)|multiple|\?)\s+"
    r"(?P<count>\d[\d,]*(?:\.0)?)(?:\s+\(unbuilt\))?(?:\s+(?P<rest>.*?))?\s*$"
)
#: "lstm[0][1]", or one Keras 3 cut short: "input_layer[0…", "sequential[0]…", "a_long_na…".
_CONNECTION = re.compile(
    r"(?P<name>[^\s\[\]',…]+…?)(?:\[(?P<node>\d+)\]\[(?P<tensor>\d+)\]|\[[\d\[\]]*…|(?<=…))"
)
_BOX_BODY = "│"
_BOX_HEAD = "┃"
_SEPARATOR = re.compile(r"^\s*[|¯_=\s]*$")


@dataclass(frozen=True)
class PrintedRow:
    """One layer's row as printed.

    Parameters
    ----------
    name : str
        The printed name (Keras 3 may cut it with "…").
    kind : str or None
        The printed type, None when the table cut it off.
    shape : tuple, list of tuple or None
        The printed output shape(s).
    count : int or None
        The printed count; None for "?" (hide_count).
    depth : int
        Nesting depth (rows of an expanded inner model are 1 deeper).
    connections : tuple of (str, int)
        "Connected to" entries: the layer read and which of its outputs.
    count_at : tuple of int or None
        (line, start, end) of the count in the text.
    text : str
        The row's lines.
    """

    name: str
    kind: str | None
    shape: Shape | list[Shape] | None
    count: int | None
    depth: int = 0
    connections: tuple[tuple[str, int], ...] = ()
    count_at: tuple[int, int, int] | None = field(default=None, compare=False)
    text: str = field(default="", compare=False)

    @property
    def cut(self) -> bool:
        """True when Keras cut the printed name short with "…"."""
        return self.name.endswith("…")

    def is_named(self, name: str) -> bool:
        """Whether this row is the layer `name` (a cut name matches its beginning).

        Parameters
        ----------
        name : str
            A layer's full name.

        Returns
        -------
        bool
            True for the same name, or a cut name the full one begins with.
        """
        return self.name == name or (self.cut and name.startswith(self.name[:-1]))


@dataclass(frozen=True)
class PrintedSummary:
    """Every row of one printed summary, its model name and totals, and its style.

    Parameters
    ----------
    style : str
        "Keras 3 summary", "Keras 1/2 summary" or "Keras summary rows".
    rows : tuple of PrintedRow
        The rows in printed order.
    model : str or None
        The model's name if printed.
    totals : dict
        Printed totals: "total", "trainable", "non_trainable", "optimizer".
    connected : bool
        Whether the table has a "Connected to" column.
    """

    style: str
    rows: tuple[PrintedRow, ...]
    model: str | None
    totals: dict[str, int]
    connected: bool


class SummaryError(ValueError):
    """Text that is no summary, or a summary cut short: says what was expected."""


def parse_shape(text: str) -> Shape | list[Shape] | None:
    """"(None, 10, 7)" → (None, 10, 7); "[(None, 3), (None, 3)]" → a list; else None.

    Parameters
    ----------
    text : str
        A printed output shape.

    Returns
    -------
    tuple, list of tuple or None
        The shape(s), or None for "?", "multiple" or text that is no shape.
    """
    text = text.strip()
    if not text or text in ("?", "multiple"):
        return None
    if text.startswith("["):
        parts = re.findall(r"\(([^()]*)\)", text)
        shapes = [_sizes(part) for part in parts]
        if not parts or any(shape is None for shape in shapes):
            return None
        return shapes  # type: ignore[return-value]
    if text.startswith("(") and text.endswith(")"):
        return _sizes(text[1:-1])
    return None


def _sizes(inner: str) -> Shape | None:
    sizes: list[int | None] = []
    for part in inner.split(","):
        part = part.strip()
        if not part:
            continue
        if part == "None":
            sizes.append(None)
        elif part.isdigit():
            sizes.append(int(part))
        else:
            return None
    return tuple(sizes)


def _count(text: str) -> int | str | None:
    """The printed count, None for "?", or the text itself when it is no count."""
    text = text.strip()
    if text == "?":
        return None
    found = _COUNT.match(text)
    if not found:
        return text
    return int(found["count"].replace(",", ""))


def _connections(text: str) -> tuple[tuple[str, int], ...]:
    """(layer name, output index) per input; a cut entry's index is taken as 0, a cut name
    keeps its "…" (matched by its beginning)."""
    return tuple((found["name"], int(found["tensor"] or 0))
                 for found in _CONNECTION.finditer(text))


def _name_and_kind(text: str) -> tuple[str, str | None, int]:
    """Name, type and nesting depth from a first cell ("   └ inner (LSTM)")."""
    depth = 0
    stripped = text.strip()
    if stripped.startswith("└"):  # Keras 3 prints "   " per level, then "└ "
        indent = len(text) - len(text.lstrip()) - 1  # less the cell's own padding
        depth = max(1, indent // 3)
        stripped = stripped[1:].strip()
    found = _KIND.match(stripped)
    if not found:
        return stripped, None, depth
    return found["name"], found["kind"], depth


def _totals(lines: list[str]) -> dict[str, int]:
    totals = {}
    keys = {"Total": "total", "Trainable": "trainable", "Non-trainable": "non_trainable",
            "Optimizer": "optimizer"}
    for line in lines:
        found = _TOTAL.match(line.replace("*", ""))
        if found:
            totals[keys[found["label"]]] = int(found["count"].replace(",", ""))
    return totals


def _model_name(lines: list[str]) -> str | None:
    for line in lines:
        found = _MODEL.match(line)
        if found:
            return found["name"]
    return None


# ---------------------------------------------------------------- Keras 3: box tables


def _cells(line: str, bar: str) -> list[str]:
    body = line.strip()
    parts = body.split(bar)
    if body.endswith(bar):
        return parts[1:-1]
    return parts[1:]  # a line cut at the terminal's width keeps its first columns


def _parse_box(lines: list[str]) -> PrintedSummary:
    header: list[str] = []
    groups: list[list[int]] = []
    current: list[int] = []
    closed = False
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(_BOX_HEAD):
            cells = _cells(line, _BOX_HEAD)
            header = [(old + " " + new.strip()).strip() for old, new in
                      zip(header or [""] * len(cells), cells, strict=False)]
        elif stripped.startswith(_BOX_BODY):
            current.append(number)
        elif stripped.startswith(("├", "└")):
            if current:
                groups.append(current)
            current = []
            closed = closed or stripped.startswith("└")
    if current:
        raise SummaryError(
            "text looks like a Keras 3 summary cut short: its last row has no line below it "
            "(├─┼─┤ or └─┴─┘); paste the whole output of model.summary()"
        )
    if not closed:
        raise SummaryError(
            "text looks like a Keras 3 summary cut short: its table has no bottom line "
            "(└─┴─┘); paste the whole output of model.summary()"
        )
    columns = {name: index for index, name in enumerate(header)}
    if "Layer (type)" not in columns or "Param #" not in columns:
        raise SummaryError(
            "text has a box table but not the columns of a model summary (Layer (type), "
            "Output Shape, Param #); paste the whole output of model.summary()"
        )
    rows = []
    for group in groups:
        split = [_cells(lines[number], _BOX_BODY) for number in group]
        joined = [
            "".join(cells[index].strip() if index < len(cells) else "" for cells in split)
            for index in range(len(header))
        ]
        _, _, depth = _name_and_kind(split[0][0] if split[0] else "")
        name, kind, _ = _name_and_kind(joined[0])  # a wrapped name joined again
        param = columns["Param #"]
        count = _count(joined[param]) if param < len(joined) else ""
        if isinstance(count, str):
            raise SummaryError(
                f"the row of {name!r} has no parameter count ({count or 'nothing'!r} stands "
                "under Param #): the summary may be cut short at the right; print it with "
                "model.summary(line_length=100)"
            )
        shape_index = columns.get("Output Shape")
        shape = parse_shape(joined[shape_index]) if shape_index is not None else None
        connected = columns.get("Connected to")
        links = _connections(joined[connected]) if connected is not None and \
            connected < len(joined) else ()
        first = lines[group[0]]
        span = _box_span(first, param)
        count_at = (group[0], *span) if span else None
        rows.append(PrintedRow(name, kind, shape, count, depth, links, count_at,
                               "\n".join(lines[number] for number in group)))
    return PrintedSummary("Keras 3 summary", tuple(rows), _model_name(lines), _totals(lines),
                          "Connected to" in columns)


def _box_span(line: str, column: int) -> tuple[int, int] | None:
    bars = [index for index, char in enumerate(line) if char == _BOX_BODY]
    if column + 1 >= len(bars):
        return None
    cell = line[bars[column] + 1:bars[column + 1]]
    digits = cell.strip()
    start = bars[column] + 1 + (cell.index(digits) if digits else 0)
    return (start, start + len(digits))


# ---------------------------------------------------------------- Keras 1 and 2: plain tables


def _plain_columns(header: str) -> list[int]:
    starts = []
    for label in ("Layer (type)", "Output Shape", "Param #", "Connected to", "Trainable"):
        index = header.find(label)
        if index >= 0:
            starts.append(index)
    return starts


def _split_plain(line: str, starts: list[int]) -> tuple[list[str], int]:
    depth = len(line) - len(line.lstrip("|"))
    line = line.rstrip().rstrip("|") if depth else line
    cells = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else None
        cells.append(line[start:end])
    if depth:
        cells[0] = line[depth:starts[1]] if len(starts) > 1 else line[depth:]
    return cells, depth


def _parse_plain(lines: list[str]) -> PrintedSummary:
    head = next(number for number, line in enumerate(lines) if "Layer (type)" in line)
    starts = _plain_columns(lines[head])
    connected_header = "Connected to" in lines[head]
    body_end = len(lines)
    for number in range(head + 1, len(lines)):
        if _TOTAL.match(lines[number]):
            body_end = number
            break
    groups: list[list[int]] = []
    current: list[int] = []
    for number in range(head + 1, body_end):
        line = lines[number]
        if _SEPARATOR.match(line) or _MODEL.match(line):
            if current:
                groups.append(current)
            current = []
            continue
        if current and _has_count(line, starts) and any(
                _has_count(lines[earlier], starts) for earlier in current):
            groups.append(current)  # rows typed without the rule between them
            current = []
        current.append(number)
    if current:
        groups.append(current)
    if not groups:
        raise SummaryError(
            "text has a summary's header (Layer (type) …) but no layer rows below it: paste "
            "the whole output of model.summary()"
        )
    rows = []
    for group in groups:
        row = _plain_row(lines, group, starts) or _squeezed_row(lines, group)
        if row is None:
            shown = lines[group[0]].strip()
            raise SummaryError(
                f"cannot read the summary row {shown!r}: expected a layer name, its type in "
                "brackets, an output shape and a parameter count (is the text cut short?)"
            )
        rows.append(row)
    return PrintedSummary("Keras 1/2 summary", tuple(rows), _model_name(lines), _totals(lines),
                          connected_header)


def _has_count(line: str, starts: list[int]) -> bool:
    """Whether this line holds a row's count (a continuation line of a wrapped row has none)."""
    if _LINE.match(line):
        return True
    if len(starts) < 3:
        return False
    end = starts[3] if len(starts) > 3 else None
    return isinstance(_count(line[starts[2]:end]), int) and bool(line[starts[2]:end].strip())


def _plain_row(lines: list[str], group: list[int], starts: list[int]) -> PrintedRow | None:
    if len(starts) < 3:
        return None
    split = [_split_plain(lines[number], starts) for number in group]
    depth = split[0][1]
    joined = ["".join(cells[index].strip() for cells, _ in split) for index in range(len(starts))]
    name, kind, _ = _name_and_kind(joined[0])
    count = _count(joined[2])
    shape = parse_shape(joined[1])
    if kind is None or isinstance(count, str) or (shape is None and joined[1] != "multiple"):
        return None
    first = lines[group[0]]
    end = starts[3] if len(starts) > 3 else len(first.rstrip())
    cell = first[starts[2]:end]
    digits = cell.strip()
    offset = starts[2] + cell.index(digits) if digits else starts[2]
    links = _connections(joined[3]) if len(starts) > 3 else ()
    return PrintedRow(name, kind, shape, count, depth, links,
                      (group[0], offset, offset + len(digits)),
                      "\n".join(lines[number] for number in group))


def _squeezed_row(lines: list[str], group: list[int]) -> PrintedRow | None:
    text = " ".join(lines[number].strip() for number in group)
    found = _LINE.match(lines[group[0]]) if len(group) == 1 else _LINE.match(text)
    if not found:
        return None
    count = _count(found["count"])
    if isinstance(count, str):
        return None
    count_at = (group[0], *found.span("count")) if len(group) == 1 else None
    return PrintedRow(found["name"], found["kind"], parse_shape(found["shape"]), count, 0,
                      _connections(found["rest"] or ""), count_at, text)


def parse_summary(text: str) -> PrintedSummary:
    """The rows and totals of a printed Keras summary (any version).

    Parameters
    ----------
    text : str
        The printed summary.

    Returns
    -------
    PrintedSummary
        Its rows and totals.

    Raises
    ------
    SummaryError
        The text holds no summary, or a summary cut short.
    """
    lines = text.replace("\r\n", "\n").replace("\t", "    ").split("\n")
    if any(line.strip().startswith((_BOX_HEAD, "┏")) for line in lines):
        return _parse_box(lines)
    if any("Layer (type)" in line for line in lines):
        return _parse_plain(lines)
    rows = [_squeezed_row(lines, [number]) for number in range(len(lines))]
    found = [row for row in rows if row is not None]
    if found:
        return PrintedSummary("Keras summary rows", tuple(found), _model_name(lines),
                              _totals(lines), any(row.connections for row in found))
    raise SummaryError(
        "text must be a printed model.summary() (a table with Layer (type), Output Shape and "
        "Param #) or a PyTorch print(model); found neither"
    )
