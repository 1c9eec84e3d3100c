"""Parameter arithmetic for recurrent layers: plain integers, no TensorFlow.

An LSTM layer has four gate paths (i, f, c, o). Each path owns one column block of
the kernel (features × units), of the recurrent kernel (units × units) and of the
bias (units), so the layer has 4·(features·units + units·units + units) parameters.
GRU has three paths, SimpleRNN one. PyTorch keeps a second bias vector per layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_teach import _checks

CELLS = ("lstm", "gru", "simple_rnn")
CONVENTIONS = ("keras", "pytorch")

#: Paths through each cell, in the order Keras lays out their column blocks.
GATES: dict[str, tuple[str, ...]] = {
    "lstm": ("i", "f", "c", "o"),
    "gru": ("z", "r", "h"),
    "simple_rnn": ("h",),
}


@dataclass(frozen=True)
class ParamRow:
    """One weight tensor of a layer: its name, shape, size and where the size comes from."""

    name: str
    shape: tuple[int, ...]
    count: int
    arithmetic: str


@dataclass(frozen=True)
class ParamTable:
    """Every weight tensor of one layer, then the total; prints as a table."""

    cell: str
    convention: str
    units: int
    features: int
    rows: tuple[ParamRow, ...]
    total: int
    formula: str

    def __str__(self) -> str:
        header = ("weight", "shape", "count", "where the count comes from")
        body = [(row.name, str(row.shape), str(row.count), row.arithmetic) for row in self.rows]
        footer = ("total", "", str(self.total), self.formula)
        lines = [header, *body, footer]
        widths = [max(len(line[column]) for line in lines) for column in range(3)]
        title = (
            f"{_CELL_TITLES[self.cell]} ({self.convention} convention), "
            f"units={self.units}, features={self.features}"
        )

        def render(line: tuple[str, ...]) -> str:
            name, shape, count, why = line
            return (
                f"{name:<{widths[0]}}  {shape:<{widths[1]}}  {count:>{widths[2]}}  {why}"
            ).rstrip()

        rule = "-" * max(len(render(line)) for line in [header, *body])
        return "\n".join([title, render(header), rule, *map(render, body), rule, render(footer)])

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:
        """Show the table itself when a notebook cell ends with it."""
        printer.text(str(self))  # type: ignore[attr-defined]


_CELL_TITLES = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}


def _check(
    units: object,
    features: object,
    cell: object,
    use_bias: object,
    convention: object,
    reset_after: object,
) -> tuple[int, int, str, bool, str, bool]:
    units = _checks.positive_int("units", units)
    features = _checks.positive_int("features", features)
    cell = _checks.choice("cell", cell, CELLS)
    use_bias = _checks.flag("use_bias", use_bias)
    convention = _checks.choice("convention", convention, CONVENTIONS)
    reset_after = _checks.flag("reset_after", reset_after)
    if not reset_after and cell != "gru":
        raise ValueError(
            f"reset_after applies to cell='gru' only; leave it True for cell={cell!r}"
        )
    if not reset_after and convention == "pytorch":
        raise ValueError(
            "reset_after=False exists only in Keras; PyTorch's GRU always resets after "
            "the matrix product, so use reset_after=True with convention='pytorch'"
        )
    return units, features, cell, use_bias, convention, reset_after


def _rows(
    units: int, features: int, cell: str, use_bias: bool, convention: str, reset_after: bool
) -> tuple[ParamRow, ...]:
    gates = len(GATES[cell])
    width = gates * units
    blocks = f"{gates}·units" if gates > 1 else "units"
    if convention == "keras":
        rows = [
            ParamRow(
                "kernel", (features, width), features * width,
                f"features × {blocks} = {features} × {width}",
            ),
            ParamRow(
                "recurrent_kernel", (units, width), units * width,
                f"units × {blocks} = {units} × {width}",
            ),
        ]
        if use_bias and cell == "gru" and reset_after:
            rows.append(ParamRow(
                "bias", (2, width), 2 * width,
                f"2 × {blocks} = 2 × {width} (input and recurrent bias)",
            ))
        elif use_bias:
            rows.append(ParamRow("bias", (width,), width, f"{blocks} = {width}"))
    else:
        rows = [
            ParamRow(
                "weight_ih_l0", (width, features), width * features,
                f"{blocks} × features = {width} × {features}",
            ),
            ParamRow(
                "weight_hh_l0", (width, units), width * units,
                f"{blocks} × units = {width} × {units}",
            ),
        ]
        if use_bias:
            rows.append(ParamRow("bias_ih_l0", (width,), width, f"{blocks} = {width}"))
            rows.append(ParamRow("bias_hh_l0", (width,), width, f"{blocks} = {width}"))
    return tuple(rows)


def _formula(
    units: int, features: int, cell: str, use_bias: bool, convention: str, reset_after: bool,
    total: int,
) -> str:
    gates = len(GATES[cell])
    two_biases = use_bias and (convention == "pytorch" or (cell == "gru" and reset_after))
    if not use_bias:
        symbols, numbers = "", ""
    elif two_biases:
        symbols, numbers = " + 2·units", f" + 2·{units}"
    else:
        symbols, numbers = " + units", f" + {units}"
    symbolic = f"features·units + units·units{symbols}"
    numeric = f"{features}·{units} + {units}·{units}{numbers}"
    if gates > 1:
        symbolic, numeric = f"{gates}·({symbolic})", f"{gates}·({numeric})"
    return f"{symbolic} = {numeric} = {total}"


def param_table(
    units: int,
    features: int,
    *,
    cell: str = "lstm",
    use_bias: bool = True,
    convention: str = "keras",
    reset_after: bool = True,
) -> ParamTable:
    """List every weight of one recurrent layer with its shape, size and arithmetic.

    Keras names and shapes are used by default; convention="pytorch" gives the names
    and (transposed) shapes of torch.nn.LSTM / GRU / RNN, including the second bias.
    """
    checked = _check(units, features, cell, use_bias, convention, reset_after)
    rows = _rows(*checked)
    total = sum(row.count for row in rows)
    return ParamTable(
        cell=checked[2],
        convention=checked[4],
        units=checked[0],
        features=checked[1],
        rows=rows,
        total=total,
        formula=_formula(*checked, total=total),
    )


def count_params(
    units: int,
    features: int,
    *,
    cell: str = "lstm",
    use_bias: bool = True,
    convention: str = "keras",
    reset_after: bool = True,
) -> int:
    """Number of trainable parameters of one recurrent layer.

    For the default LSTM in Keras: 4·(features·units + units·units + units).
    Timesteps never appear: the same weights are reused at every step.
    reset_after applies to cell="gru" only (Keras keeps a (2, 3·units) bias when True).
    """
    return param_table(
        units, features, cell=cell, use_bias=use_bias,
        convention=convention, reset_after=reset_after,
    ).total


def formula(
    units: int,
    features: int,
    *,
    cell: str = "lstm",
    use_bias: bool = True,
    convention: str = "keras",
    reset_after: bool = True,
) -> str:
    """The parameter formula in symbols, then with these numbers filled in, then its value."""
    return param_table(
        units, features, cell=cell, use_bias=use_bias,
        convention=convention, reset_after=reset_after,
    ).formula
