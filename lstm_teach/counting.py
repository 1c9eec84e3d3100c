"""Parameter arithmetic for recurrent layers: plain integers, no TensorFlow.

An LSTM layer has four gate paths (i, f, c, o). Each path owns one column block of
the kernel (features × units), of the recurrent kernel (units × units) and of the
bias (units), so the layer has 4·(features·units + units·units + units) parameters.
GRU has three paths, SimpleRNN one. PyTorch keeps a second bias vector per layer.

`LayerSpec` describes one layer (cell, units, features, use_bias, convention,
reset_after), checks itself once, and answers everything else in the package asks:
its weights, count, formula and gate names. The keyword functions `count_params`,
`param_table` and `formula` are the same answers for learners typing in a notebook.

>>> count_params(1, 1)          # the seed's first case
12
>>> count_params(1, 2)          # one more feature adds one kernel row of 4
16
>>> LayerSpec(units=1, features=2).shapes["kernel"]
(2, 4)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

import numpy as np

from lstm_teach import _checks


@dataclass(frozen=True)
class CellKind:
    """What the package knows about one kind of recurrent cell, defined once.

    Parameters
    ----------
    name : str
        The name used in arguments: "lstm", "gru", "simple_rnn".
    title : str
        The Keras class name: "LSTM", "GRU", "SimpleRNN".
    gates : tuple of str
        The paths' letters, in the order Keras lays out their column blocks.
    gate_names : tuple of str
        What each letter stands for.
    torch_class : str
        PyTorch's class of the same cell, e.g. "nn.LSTM".
    article : str
        "A" or "An", for sentences about the cell.
    """

    name: str
    title: str
    gates: tuple[str, ...]
    gate_names: tuple[str, ...]
    torch_class: str
    article: str

    @property
    def paths(self) -> int:
        """How many gate paths, each with its own weight blocks."""
        return len(self.gates)


#: Every cell the package counts, by the name used in its arguments.
CELL_KINDS: Mapping[str, CellKind] = MappingProxyType({
    "lstm": CellKind(
        "lstm", "LSTM", ("i", "f", "c", "o"),
        ("input gate", "forget gate", "candidate (tanh)", "output gate"), "nn.LSTM", "An",
    ),
    "gru": CellKind(
        "gru", "GRU", ("z", "r", "h"),
        ("update gate", "reset gate", "candidate (tanh)"), "nn.GRU", "A",
    ),
    "simple_rnn": CellKind(
        "simple_rnn", "SimpleRNN", ("h",), ("new state (tanh)",), "nn.RNN", "A",
    ),
})
CELLS = tuple(CELL_KINDS)
CONVENTIONS = ("keras", "pytorch")
#: Paths through each cell, in the order Keras lays out their column blocks.
GATES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {name: kind.gates for name, kind in CELL_KINDS.items()}
)


@dataclass(frozen=True)
class ParamRow:
    """One weight tensor of a layer: its name, shape, size and where the size comes from.

    Parameters
    ----------
    name : str
        The weight's name in its framework, e.g. "kernel" or "weight_ih_l0".
    shape : tuple of int
        Its shape.
    count : int
        How many numbers it holds.
    arithmetic : str
        Where the count comes from, e.g. "features × 4·units = 2 × 4".
    """

    name: str
    shape: tuple[int, ...]
    count: int
    arithmetic: str


@dataclass(frozen=True)
class LayerSpec:
    """One recurrent layer's description: checked on creation, then asked for its numbers.

    >>> layer = LayerSpec(units=2, features=3)
    >>> layer.count, layer.gates
    (48, ('i', 'f', 'c', 'o'))
    >>> [row.shape for row in layer.rows]
    [(3, 8), (2, 8), (8,)]
    >>> layer.replace(convention="pytorch").count   # a second bias vector: 4·2 more
    56

    Parameters
    ----------
    units : int
        Units of the layer (the width of h), 1 or more.
    features : int
        Numbers per timestep in its input, 1 or more.
    cell : str
        "lstm", "gru" or "simple_rnn".
    use_bias : bool
        Whether the layer has a bias (Keras' default True).
    convention : str
        "keras" (Keras' names and layout) or "pytorch" (torch.nn's, two bias vectors).
    reset_after : bool
        GRU in Keras only: True (the default) keeps a (2, 3·units) bias.

    Raises
    ------
    TypeError
        If a size is not a whole number or a flag not True or False.
    ValueError
        If a size is below 1, cell or convention unknown, or reset_after=False given
        where it does not apply.
    """

    units: int
    features: int
    cell: str = "lstm"
    use_bias: bool = True
    convention: str = "keras"
    reset_after: bool = True

    def __post_init__(self) -> None:
        checked = {
            "units": _checks.positive_int("units", self.units),
            "features": _checks.positive_int("features", self.features),
            "cell": _checks.choice("cell", self.cell, CELLS),
            "use_bias": _checks.flag("use_bias", self.use_bias),
            "convention": _checks.choice("convention", self.convention, CONVENTIONS),
            "reset_after": _checks.flag("reset_after", self.reset_after),
        }
        if not checked["reset_after"] and checked["cell"] != "gru":
            raise ValueError(
                f"reset_after applies to cell='gru' only; leave it True for "
                f"cell={checked['cell']!r}"
            )
        if not checked["reset_after"] and checked["convention"] == "pytorch":
            raise ValueError(
                "reset_after=False exists only in Keras; PyTorch's GRU always resets after "
                "the matrix product, so use reset_after=True with convention='pytorch'"
            )
        for name, value in checked.items():  # NumPy ints and bools become plain ones
            object.__setattr__(self, name, value)

    @classmethod
    def from_weights(
        cls, kernel: object, recurrent_kernel: object, bias: object, *, cell: str = "lstm",
    ) -> LayerSpec:
        """The layer whose weights these are, in Keras' layout, each shape checked against
        the others: the one place the package reads units and features off arrays.

        >>> layer = LayerSpec.from_weights([[0.0] * 8] * 3, [[0.0] * 8] * 2, None)
        >>> layer.units, layer.features, layer.use_bias
        (2, 3, False)

        Parameters
        ----------
        kernel : array_like
            (features, paths·units), as ``layer.get_weights()[0]``.
        recurrent_kernel : array_like
            (units, paths·units).
        bias : array_like or None
            (paths·units,), or (2, 3·units) for a GRU with reset_after=True; None for a
            layer built with use_bias=False.
        cell : str
            "lstm" (4 paths), "gru" (3) or "simple_rnn" (1).

        Returns
        -------
        LayerSpec
            units, features and use_bias read from the shapes (reset_after from the
            bias's shape for a GRU).

        Raises
        ------
        TypeError
            If an array holds no real numbers.
        ValueError
            If a shape does not fit the others, or an array holds NaN or infinity.
        """
        cell = _checks.choice("cell", cell, CELLS)
        paths = CELL_KINDS[cell].paths
        blocks = f"{paths}·units" if paths > 1 else "units"
        kernel = _checks.number_array("kernel", kernel, 2, f"(features, {blocks})")
        features, width = kernel.shape
        if features == 0 or width == 0 or width % paths:
            raise ValueError(
                f"kernel must have shape (features, {blocks}) with features >= 1 and "
                f"units >= 1, got {kernel.shape}"
            )
        units = width // paths
        recurrent_kernel = _checks.number_array(
            "recurrent_kernel", recurrent_kernel, 2, f"(units, {blocks})"
        )
        _checks.shape_is("recurrent_kernel", recurrent_kernel, (units, width),
                         f"(units, {blocks}), matching kernel")
        # A GRU's bias is (2, 3·units) with reset_after=True, (3·units,) without.
        two_rows = cell == "gru" and bias is not None and np.ndim(bias) == 2
        if bias is not None:
            expected = (2, width) if two_rows else (width,)
            meaning = f"(2, {blocks})" if two_rows else f"({blocks},)"
            bias = _checks.number_array("bias", bias, len(expected), meaning)
            _checks.shape_is("bias", bias, expected, f"{meaning}, matching kernel")
        reset_after = cell != "gru" or bias is None or two_rows
        return cls(units, features, cell, use_bias=bias is not None, reset_after=reset_after)

    def replace(self, **changes: object) -> LayerSpec:
        """The same layer with some settings changed (checked again).

        Parameters
        ----------
        **changes
            New values for any of units, features, cell, use_bias, convention,
            reset_after.

        Returns
        -------
        LayerSpec
            A new spec; this one is unchanged (specs are frozen).

        Raises
        ------
        TypeError, ValueError
            If a new value is refused, as when creating a LayerSpec.
        """
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def kind(self) -> CellKind:
        return CELL_KINDS[self.cell]

    @property
    def gates(self) -> tuple[str, ...]:
        return self.kind.gates

    @property
    def keras(self) -> bool:
        """True for Keras' names and layout, False for PyTorch's."""
        return self.convention == "keras"

    @property
    def bias_vectors(self) -> int:
        """Bias vectors per path: 0, 1, or 2 (PyTorch, and Keras' GRU with reset_after)."""
        if not self.use_bias:
            return 0
        return 2 if not self.keras or (self.cell == "gru" and self.reset_after) else 1

    @cached_property
    def rows(self) -> tuple[ParamRow, ...]:
        """Every weight tensor, in the order the framework lists them."""
        units, features = self.units, self.features
        paths = self.kind.paths
        width = paths * units
        blocks = f"{paths}·units" if paths > 1 else "units"
        if self.keras:
            rows = [
                ParamRow("kernel", (features, width), features * width,
                         f"features × {blocks} = {features} × {width}"),
                ParamRow("recurrent_kernel", (units, width), units * width,
                         f"units × {blocks} = {units} × {width}"),
            ]
            if self.bias_vectors == 2:
                rows.append(ParamRow("bias", (2, width), 2 * width,
                                     f"2 × {blocks} = 2 × {width} (input and recurrent bias)"))
            elif self.bias_vectors == 1:
                rows.append(ParamRow("bias", (width,), width, f"{blocks} = {width}"))
            return tuple(rows)
        rows = [
            ParamRow("weight_ih_l0", (width, features), width * features,
                     f"{blocks} × features = {width} × {features}"),
            ParamRow("weight_hh_l0", (width, units), width * units,
                     f"{blocks} × units = {width} × {units}"),
        ]
        if self.use_bias:
            rows.append(ParamRow("bias_ih_l0", (width,), width, f"{blocks} = {width}"))
            rows.append(ParamRow("bias_hh_l0", (width,), width, f"{blocks} = {width}"))
        return tuple(rows)

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Each weight's shape by its name."""
        return {row.name: row.shape for row in self.rows}

    @property
    def path_shapes(self) -> dict[str, tuple[int, ...]]:
        """Each weight's slice that belongs to one gate path, by weight name.

        Keras keeps the paths side by side along the last axis, PyTorch along the first,
        so a path's slice is the weight's shape with that axis cut to units.

        >>> LayerSpec(units=1, features=2).path_shapes   # Keras 2 called these *_c, *_i, …
        {'kernel': (2, 1), 'recurrent_kernel': (1, 1), 'bias': (1,)}
        """
        if self.keras:
            return {row.name: (*row.shape[:-1], self.units) for row in self.rows}
        return {row.name: (self.units, *row.shape[1:]) for row in self.rows}

    @property
    def count(self) -> int:
        """Number of trainable parameters."""
        return sum(row.count for row in self.rows)

    @property
    def formula(self) -> str:
        """The formula in symbols, then with these numbers filled in, then its value."""
        units, features, paths = self.units, self.features, self.kind.paths
        if self.bias_vectors == 0:
            symbols, numbers = "", ""
        elif self.bias_vectors == 2:
            symbols, numbers = " + 2·units", f" + 2·{units}"
        else:
            symbols, numbers = " + units", f" + {units}"
        symbolic = f"features·units + units·units{symbols}"
        numeric = f"{features}·{units} + {units}·{units}{numbers}"
        if paths > 1:
            symbolic, numeric = f"{paths}·({symbolic})", f"{paths}·({numeric})"
        return f"{symbolic} = {numeric} = {self.count}"

    @property
    def table(self) -> ParamTable:
        return ParamTable(self)


@dataclass(frozen=True)
class ParamTable:
    """Every weight tensor of one layer, then the total; prints as a table.

    Parameters
    ----------
    layer : LayerSpec
        The layer to list.
    """

    layer: LayerSpec

    @property
    def cell(self) -> str:
        return self.layer.cell

    @property
    def convention(self) -> str:
        return self.layer.convention

    @property
    def units(self) -> int:
        return self.layer.units

    @property
    def features(self) -> int:
        return self.layer.features

    @property
    def rows(self) -> tuple[ParamRow, ...]:
        return self.layer.rows

    @property
    def total(self) -> int:
        return self.layer.count

    @property
    def formula(self) -> str:
        return self.layer.formula

    def __str__(self) -> str:
        header = ("weight", "shape", "count", "where the count comes from")
        body = [(row.name, str(row.shape), str(row.count), row.arithmetic) for row in self.rows]
        footer = ("total", "", str(self.total), self.formula)
        lines = [header, *body, footer]
        widths = [max(len(line[column]) for line in lines) for column in range(3)]
        title = (
            f"{self.layer.kind.title} ({self.convention} convention), "
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

    >>> table = param_table(1, 1)
    >>> [(row.name, row.shape, row.count) for row in table.rows], table.total
    ([('kernel', (1, 4), 4), ('recurrent_kernel', (1, 4), 4), ('bias', (4,), 4)], 12)

    Parameters
    ----------
    units : int
        Units of the layer, 1 or more.
    features : int
        Numbers per timestep in its input, 1 or more.
    cell : str
        "lstm", "gru" or "simple_rnn".
    use_bias : bool
        Whether the layer has a bias.
    convention : str
        "keras" or "pytorch" (which keeps a second bias vector).
    reset_after : bool
        GRU in Keras only: True (the default) keeps a (2, 3·units) bias.

    Returns
    -------
    ParamTable
        The rows and total; printing it (or ending a cell with it) shows the table.

    Raises
    ------
    TypeError, ValueError
        If a setting is refused, as LayerSpec refuses it.
    """
    return LayerSpec(units, features, cell, use_bias, convention, reset_after).table


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

    >>> count_params(1, 1), count_params(1, 1, use_bias=False)
    (12, 8)
    >>> count_params(1, 1, cell="gru", reset_after=False)     # three paths of 1 + 1 + 1
    9
    >>> count_params(1, 1, convention="pytorch")   # PyTorch keeps two bias vectors
    16

    Parameters
    ----------
    units : int
        Units of the layer, 1 or more.
    features : int
        Numbers per timestep in its input, 1 or more.
    cell : str
        "lstm", "gru" or "simple_rnn".
    use_bias : bool
        Whether the layer has a bias.
    convention : str
        "keras" or "pytorch" (which keeps a second bias vector).
    reset_after : bool
        GRU in Keras only: True (the default) keeps a (2, 3·units) bias.

    Returns
    -------
    int
        The number of trainable parameters, exact at any size.

    Raises
    ------
    TypeError, ValueError
        If a setting is refused, as LayerSpec refuses it.
    """
    return LayerSpec(units, features, cell, use_bias, convention, reset_after).count


def formula(
    units: int,
    features: int,
    *,
    cell: str = "lstm",
    use_bias: bool = True,
    convention: str = "keras",
    reset_after: bool = True,
) -> str:
    """The parameter formula in symbols, then with these numbers filled in, then its value.

    >>> formula(1, 2)
    '4·(features·units + units·units + units) = 4·(2·1 + 1·1 + 1) = 16'

    Parameters
    ----------
    units : int
        Units of the layer, 1 or more.
    features : int
        Numbers per timestep in its input, 1 or more.
    cell : str
        "lstm", "gru" or "simple_rnn".
    use_bias : bool
        Whether the layer has a bias.
    convention : str
        "keras" or "pytorch" (which keeps a second bias vector).
    reset_after : bool
        GRU in Keras only: True (the default) keeps a (2, 3·units) bias.

    Returns
    -------
    str
        Symbols, then numbers, then the count.

    Raises
    ------
    TypeError, ValueError
        If a setting is refused, as LayerSpec refuses it.
    """
    return LayerSpec(units, features, cell, use_bias, convention, reset_after).formula
