"""Self-check answers: say whether a count or shape is right, and name the usual slip if not.

A learner who writes 16 for `LSTM(1)` on one feature has not just "got it wrong": 16 is
what PyTorch reports, because nn.LSTM keeps two bias vectors. These checks recognise
such typical wrong answers, each derived from the formula the slip implies, and explain
what was mixed up. Pure Python, no TensorFlow.

- ``diagnose_count(answer, units, features, ...)`` for "how many parameters?";
- ``diagnose_shape(answer, weight, units, features)`` for the shape of a Keras LSTM's
  ``kernel``, ``recurrent_kernel`` or ``bias``.

Both return a ``Feedback`` that prints as a short explanation. When several slips (or
the right reasoning and a slip) give the same number for the chosen sizes, the answer is
judged by the number and the other explanations are listed too.
"""

from __future__ import annotations

import math
import numbers
import textwrap
from dataclasses import dataclass

from lstm_teach import _checks
from lstm_teach.counting import LayerSpec

#: The weights of a Keras LSTM layer that diagnose_shape asks about.
WEIGHTS = tuple(LayerSpec(1, 1).shapes)

_WIDTH = 88
#: What a checker says before the learner has typed a prediction (answer=None), which
#: is how every question is saved: the reader predicts before seeing any feedback.
NOT_ANSWERED = (
    "Not answered yet: replace None with your prediction, then run this cell again."
)


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: right or not, the right value, and which slip it matches.

    `mistake` is a short key such as "no_bias" (None when the answer is right or matches
    no known slip); `also` lists the keys of other slips that give the same answer for
    these sizes. Printing a Feedback (or ending a cell with it) shows `message`.
    """

    correct: bool
    answer: int | tuple[int, ...] | None
    expected: int | tuple[int, ...]
    mistake: str | None
    message: str
    also: tuple[str, ...] = ()

    def __str__(self) -> str:
        return "\n".join(
            textwrap.fill(paragraph, _WIDTH, break_long_words=False, break_on_hyphens=False)
            for paragraph in self.message.split("\n")
        )

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:
        """Show the explanation itself when a notebook cell ends with a Feedback."""
        printer.text(str(self))  # type: ignore[attr-defined]


# ---------------------------------------------------------------- counts


@dataclass(frozen=True)
class _Formula:
    """A product of outer factors and a sum of terms, kept as symbols and as numbers.

    Each factor and term is (symbols, numbers, value), e.g. ("features·units", "3·4", 12),
    so the text a learner reads and the value compared with their answer cannot disagree.
    """

    factors: tuple[tuple[str, str, int], ...]
    terms: tuple[tuple[str, str, int], ...]

    @property
    def value(self) -> int:
        return math.prod(value for *_, value in self.factors) * sum(
            value for *_, value in self.terms
        )

    def _render(self, part: int) -> str:
        inner = " + ".join(term[part] for term in self.terms)
        if not self.factors:
            return inner
        return "·".join(factor[part] for factor in self.factors) + f"·({inner})"

    @property
    def symbols(self) -> str:
        return self._render(0)

    @property
    def numbers(self) -> str:
        return self._render(1)


def _term(symbols: str, *values: int) -> tuple[str, str, int]:
    """One product, e.g. _term("features·units", 3, 4) → ("features·units", "3·4", 12)."""
    return symbols, "·".join(str(value) for value in values), math.prod(values)


def _constant(value: int) -> tuple[str, str, int]:
    """A plain number such as the 4 paths, written the same in symbols and in numbers."""
    return str(value), str(value), value


@dataclass(frozen=True)
class _CountSlip:
    key: str
    formula: _Formula
    what: str  # completes "you ..."
    why: str


def _bias_terms(symbol: str, size: int, vectors: int) -> tuple[tuple[str, str, int], ...]:
    """The bias part of one path: none, `size`, or 2·`size` (two bias vectors)."""
    if vectors == 0:
        return ()
    if vectors == 1:
        return (_term(symbol, size),)
    return (_term(f"{vectors}·{symbol}", vectors, size),)


def _count_slips(
    layer: LayerSpec, timesteps: int | None, bidirectional: bool,
) -> tuple[_Formula, list[_CountSlip]]:
    """The right formula, then every recognised slip; the first match is the one named."""
    u, f, cell, use_bias = layer.units, layer.features, layer.cell, layer.use_bias
    kind = layer.kind
    paths = kind.paths
    vectors = layer.bias_vectors
    name = kind.title
    twice = (_constant(2),) if bidirectional else ()
    per_path = (_constant(paths),) if paths > 1 else ()
    kernel = _term("features·units", f, u)
    recurrent = _term("units·units", u, u)
    bias = _bias_terms("units", u, vectors)

    def count(
        *terms: tuple[str, str, int],
        paths_used: int = paths,
        extra: tuple[tuple[str, str, int], ...] = (),
    ) -> _Formula:
        """The formula with these terms, times the paths, directions and any extra factor."""
        factors = (*extra, *twice, *((_constant(paths_used),) if paths_used > 1 else ()))
        return _Formula(factors, terms)

    right = count(kernel, recurrent, *bias)
    slips: list[_CountSlip] = []
    if timesteps is not None:
        slips.append(_CountSlip(
            "times_timesteps",
            count(kernel, recurrent, *bias, extra=(_term("timesteps", timesteps),)),
            "multiplied by timesteps",
            "The layer uses the same weights at every timestep, so the length of the "
            "sequence never enters the count.",
        ))
    if bidirectional:
        slips.append(_CountSlip(
            "one_direction",
            _Formula(per_path, (kernel, recurrent, *bias)),
            "counted one direction only",
            "Bidirectional keeps two copies of the layer, one reading the sequence forwards "
            "and one backwards, each with weights of its own.",
        ))
        slips.append(_CountSlip(
            "one_wide_layer",
            _Formula(per_path, (
                _term("features·(2·units)", f, 2 * u),
                _term("(2·units)·(2·units)", 2 * u, 2 * u),
                *_bias_terms("2·units", 2 * u, vectors),
            )),
            f"counted one {name} of 2·units units",
            f"The output is 2·units wide, but it comes from two separate {name}(units) "
            "layers. Each has its own units × units recurrent blocks; no weight connects "
            "the forward layer's h to the backward one's.",
        ))
    if f > 1:
        slips.append(_CountSlip(
            "per_feature",
            count(_term("units", u), recurrent, *bias, extra=(_term("features", f),)),
            "counted a separate layer for each feature",
            "Features are not processed separately: every feature feeds every path of every "
            "unit through its own row of the kernel, and the layer keeps one recurrent kernel "
            "and one bias for all of them.",
        ))
    if use_bias:
        every = "two biases per unit" if vectors == 2 else "one bias per unit"
        slips.append(_CountSlip(
            "no_bias",
            count(kernel, recurrent),
            "left out the bias",
            f"With use_bias=True (the default) every path also adds {every}"
            + (" (reset_after=True, the default, keeps an input and a recurrent bias row)."
               if cell == "gru" else "."),
        ))
    else:
        slips.append(_CountSlip(
            "counted_bias",
            count(kernel, recurrent, _term("units", u)),
            "counted a bias",
            "This layer is built with use_bias=False, so it has no bias at all.",
        ))
    if use_bias and cell != "gru":
        slips.append(_CountSlip(
            "two_biases",
            count(kernel, recurrent, _term("2·units", 2, u)),
            "counted two bias vectors per path, as PyTorch does",
            f"That is the count of PyTorch's {kind.torch_class}, which keeps bias_ih and "
            f"bias_hh. A Keras {name} keeps a single bias: one number per unit per path.",
        ))
    if use_bias and cell == "gru":
        slips.append(_CountSlip(
            "one_gru_bias",
            count(kernel, recurrent, _term("units", u)),
            "counted one bias row",
            "That is GRU(reset_after=False). The default, reset_after=True, keeps two bias "
            "rows, an input and a recurrent one: bias shape (2, 3·units).",
        ))
    if paths > 1:
        slips.append(_CountSlip(
            "one_path",
            count(kernel, recurrent, *bias, paths_used=1),
            f"counted one path only (the factor {paths} is missing)",
            f"{kind.article} {name} has {paths} paths ({', '.join(kind.gates)}) and "
            "each has its own kernel, recurrent kernel and bias blocks.",
        ))
    if cell == "lstm":
        slips.append(_CountSlip(
            "wrong_paths",
            count(kernel, recurrent, *bias, paths_used=3),
            "counted three paths",
            "An LSTM has four paths: the gates i, f, o and the candidate c, which has "
            "weights of its own too.",
        ))
    if cell == "gru":
        slips.append(_CountSlip(
            "wrong_paths",
            count(kernel, recurrent, *_bias_terms("units", u, 1 if use_bias else 0),
                  paths_used=4),
            "used the LSTM formula",
            "A GRU has three paths, z, r and the candidate h, not an LSTM's four.",
        ))
    slips.append(_CountSlip(
        "swapped",
        count(_term("units·features", u, f), _term("features·features", f, f),
              *_bias_terms("features", f, vectors)),
        "swapped units and features",
        "The kernel has features × units weights per path, but the recurrent kernel "
        "multiplies h_{t−1}, which holds units numbers: units × units. Features appear "
        "only in the kernel.",
    ))
    slips.append(_CountSlip(
        "no_recurrent",
        count(kernel, *bias),
        "left out the recurrent kernel",
        "Each path also multiplies the previous output h_{t−1} by a units × units block, "
        "the recurrent kernel.",
    ))
    return right, slips


def _count_answer(answer: object) -> int:
    """Return answer if it is a whole number >= 0, else explain what to type."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        hint = " (without quotes)" if isinstance(answer, str) else ""
        raise TypeError(
            f"answer must be a whole number such as 12, an int{hint}; "
            f"got {answer!r} of type {type(answer).__name__}"
        )
    if answer < 0:
        raise ValueError(f"answer must be a count, 0 or more; got {answer}")
    return int(answer)


def _and_join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def diagnose_count(
    answer: int | None,
    units: int,
    features: int,
    *,
    cell: str = "lstm",
    use_bias: bool = True,
    timesteps: int | None = None,
    bidirectional: bool = False,
) -> Feedback:
    """Check a parameter count for one Keras recurrent layer and name the slip behind it.

    cell is "lstm", "gru" (Keras' default reset_after=True) or "simple_rnn";
    bidirectional=True asks about Bidirectional(layer). Give timesteps when the
    question mentions them, so an answer multiplied by timesteps is recognised.
    Recognised slips (Feedback.mistake): times_timesteps, one_direction,
    one_wide_layer, per_feature, no_bias, counted_bias, two_biases, one_gru_bias,
    one_path, wrong_paths, swapped, no_recurrent.
    """
    layer = LayerSpec(units, features, cell=cell, use_bias=use_bias)
    bidirectional = _checks.flag("bidirectional", bidirectional)
    if timesteps is not None:
        timesteps = _checks.positive_int("timesteps", timesteps)
    if answer is None:
        return Feedback(False, None, layer.count * (2 if bidirectional else 1), None,
                        NOT_ANSWERED)
    answer = _count_answer(answer)

    right, slips = _count_slips(layer, timesteps, bidirectional)
    expected = layer.count * (2 if bidirectional else 1)
    matching = [slip for slip in slips if slip.formula.value == answer]
    if answer == expected:
        message = f"Correct: {answer} = {right.symbols} = {right.numbers}."
        if matching:
            others = _and_join([f"you {slip.what}" for slip in matching])
            message += (
                f"\nBeware: with these sizes you would also get {answer} if {others}. "
                "Check that your reasoning was the formula above."
            )
        return Feedback(True, answer, expected, None, message,
                        tuple(slip.key for slip in matching))
    if matching:
        slip, *others = matching
        message = (
            f"Not quite: you {slip.what}. {answer} = {slip.formula.symbols} = "
            f"{slip.formula.numbers}. {slip.why}"
        )
        for other in others:
            message += (
                f"\n{answer} is also what you get if you {other.what}: "
                f"{other.formula.symbols} = {other.formula.numbers}. {other.why}"
            )
        return Feedback(False, answer, expected, slip.key, message,
                        tuple(other.key for other in others))
    paths = layer.kind.paths
    bias_hint = (
        "no bias (use_bias=False)" if not layer.use_bias
        else "two bias rows, 2·units" if layer.bias_vectors == 2 else "the bias, units"
    )
    times = f"then multiply by the {paths} paths" if paths > 1 else "there is one path"
    message = (
        f"Not quite, and {answer} is not one of the usual slips (it is too "
        f"{'high' if answer > expected else 'low'}). Count one path first: the kernel "
        f"block, features × units, the recurrent block, units × units, and {bias_hint}; "
        f"{times}{', and by 2 for the two directions' if bidirectional else ''}."
    )
    return Feedback(False, answer, expected, None, message)


# ---------------------------------------------------------------- shapes


@dataclass(frozen=True)
class _ShapeSlip:
    key: str
    shapes: tuple[tuple[int, ...], ...]
    what: str  # completes "you ..."
    why: str


def _shape_slips(weight: str, units: int, features: int) -> list[_ShapeSlip]:
    """Every recognised wrong shape of one Keras LSTM weight; the first match is named."""
    u, f, width = units, features, 4 * units
    if weight == "kernel":
        return [
            _ShapeSlip(
                "transposed", ((width, f),), "wrote PyTorch's layout, transposed",
                "PyTorch's weight_ih_l0 is (4·units, features). Keras stores the kernel "
                "the other way round, (features, 4·units), and computes x_t @ kernel.",
            ),
            _ShapeSlip(
                "one_gate", ((f, u), (u, f)), "gave one path's slice",
                "That is the shape Keras 2 called kernel_c (with kernel_i, kernel_f and "
                "kernel_o beside it). Keras 3 keeps the four slices side by side in one "
                "kernel, so it has 4·units columns.",
            ),
            _ShapeSlip(
                "swapped", ((u, 4 * f),), "swapped units and features",
                "The kernel multiplies x_t, which holds features numbers: one row per "
                "feature, and units columns for each of the 4 paths.",
            ),
            _ShapeSlip(
                "other_weight", ((u, width),), "gave the recurrent kernel's shape",
                "The kernel multiplies the input x_t, so it has one row per feature; the "
                "recurrent kernel multiplies h_{t−1} and has one row per unit.",
            ),
        ]
    if weight == "recurrent_kernel":
        return [
            _ShapeSlip(
                "transposed", ((width, u),), "wrote PyTorch's layout, transposed",
                "PyTorch's weight_hh_l0 is (4·units, units). Keras stores the recurrent "
                "kernel as (units, 4·units) and computes h_{t−1} @ recurrent_kernel.",
            ),
            _ShapeSlip(
                "one_gate", ((u, u),), "gave one path's slice",
                "That is the shape Keras 2 called recurrent_kernel_c. Keras 3 keeps the four "
                "slices side by side in one tensor, so it has 4·units columns.",
            ),
            _ShapeSlip(
                "swapped", ((f, 4 * f),), "swapped units and features",
                "The recurrent kernel multiplies h_{t−1}, which holds units numbers, so both "
                "of its sizes come from units: (units, 4·units).",
            ),
            _ShapeSlip(
                "other_weight", ((f, width),), "gave the kernel's shape",
                "The recurrent kernel multiplies h_{t−1}, which holds units numbers, so it "
                "has one row per unit; features enter only the kernel.",
            ),
        ]
    return [
        _ShapeSlip(
            "one_gate", ((u,),), "gave one path's slice",
            "That is the shape Keras 2 called bias_c (the seed answer's bias_c (1,) for one "
            "unit). Keras 3 keeps the four paths' biases in one vector of 4·units.",
        ),
        _ShapeSlip(
            "two_biases", ((2 * width,), (2, width)), "counted two bias vectors, as PyTorch does",
            "PyTorch's nn.LSTM keeps bias_ih_l0 and bias_hh_l0, each (4·units,). A Keras "
            "LSTM keeps one bias vector of 4·units.",
        ),
        _ShapeSlip(
            "swapped", ((4 * f,),), "swapped units and features",
            "The bias has one number per unit for each of the 4 paths; features do not "
            "enter it.",
        ),
        _ShapeSlip(
            "as_matrix", ((1, width), (width, 1)), "wrote the bias as a matrix",
            "The bias is a vector, one dimension, added to the pre-activations of every "
            "sample.",
        ),
        _ShapeSlip(
            "other_weight", ((f, width), (u, width)), "gave a weight matrix's shape",
            "The bias has no input dimension: one number per unit for each of the 4 paths.",
        ),
    ]


#: For each weight: its symbolic shape, then what that shape means (also the hint).
_RIGHT_SHAPES = {
    "kernel": (
        "(features, 4·units)",
        "the kernel multiplies x_t, so it has one row per feature, and units columns for "
        "each of the 4 paths",
    ),
    "recurrent_kernel": (
        "(units, 4·units)",
        "the recurrent kernel multiplies h_{t−1}, so it has one row per unit, and units "
        "columns for each of the 4 paths",
    ),
    "bias": (
        "(4·units,)",
        "the bias holds one number per unit for each of the 4 paths",
    ),
}


def _shape_answer(answer: object) -> tuple[int, ...]:
    """Return answer as a tuple of whole numbers >= 0, else explain how to write a shape."""
    if isinstance(answer, numbers.Integral) and not isinstance(answer, bool):
        raise TypeError(
            f"answer must be a shape, a tuple of whole numbers such as (3, 16); got the "
            f"number {answer!r}. For one dimension write a comma, ({answer},), because "
            f"({answer}) is just the number {answer}"
        )
    if not isinstance(answer, tuple | list) or not all(
        isinstance(size, numbers.Integral) and not isinstance(size, bool) for size in answer
    ):
        raise TypeError(
            f"answer must be a shape, a tuple of whole numbers such as (3, 16) or (16,); "
            f"got {answer!r} of type {type(answer).__name__}"
        )
    if any(size < 0 for size in answer):
        raise ValueError(f"answer must hold sizes of 0 or more; got {tuple(answer)}")
    return tuple(int(size) for size in answer)


def diagnose_shape(
    answer: tuple[int, ...] | None, weight: str, units: int, features: int,
) -> Feedback:
    """Check the shape of one weight of a Keras LSTM layer and name the slip behind it.

    weight is "kernel", "recurrent_kernel" or "bias"; answer is a tuple such as (3, 16)
    (a list is accepted too). Recognised slips (Feedback.mistake): transposed,
    one_gate, two_biases, swapped, as_matrix, other_weight.
    """
    weight = _checks.choice("weight", weight, WEIGHTS)
    layer = LayerSpec(units, features)
    expected = layer.shapes[weight]
    if answer is None:
        return Feedback(False, None, expected, None, NOT_ANSWERED)
    answer = _shape_answer(answer)
    matching = [slip for slip in _shape_slips(weight, layer.units, layer.features)
                if answer in slip.shapes]
    rule, reason = _RIGHT_SHAPES[weight]
    if answer == expected:
        noun = weight.replace("_", " ")
        message = f"Correct: the {noun} is {rule} = {expected}. {reason[0].upper()}{reason[1:]}."
        if matching:
            others = _and_join([f"you {slip.what}" for slip in matching])
            message += (
                f"\nBeware: with these sizes you would also get {answer} if {others}. "
                "Check that your reasoning was the rule above."
            )
        return Feedback(True, answer, expected, None, message,
                        tuple(slip.key for slip in matching))
    if matching:
        slip, *others = matching
        message = f"Not quite: you {slip.what}. {slip.why}"
        for other in others:
            message += f"\n{answer} is also what you get if you {other.what}. {other.why}"
        return Feedback(False, answer, expected, slip.key, message,
                        tuple(other.key for other in others))
    dimensions = len(expected)
    count_hint = (
        f" It has {dimensions} dimension{'s' if dimensions > 1 else ''}, not {len(answer)}."
        if len(answer) != dimensions else ""
    )
    message = (
        f"Not quite, and {answer} is not one of the usual slips. Hint: {reason}."
        f"{count_hint}"
    )
    return Feedback(False, answer, expected, None, message)
