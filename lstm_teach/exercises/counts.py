"""Counting questions: one layer's parameters, and a stack's.

Every slip is a formula: the layer's own formula with one thing changed (no bias, one
path, features and units swapped, …). Its number is computed from that formula, and its
working is printed from the same terms, so the text a learner reads and the value
compared with their answer cannot disagree. The stack and the working-back questions
reuse the single-layer slips: summed over the layers, or solved for units.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

from lstm_teach import _checks
from lstm_teach.counting import LayerSpec
from lstm_teach.exercises._verdict import Feedback, Question, Slip, judge

#: One product in a formula: (symbols, numbers, value), e.g. ("features·units", "3·4", 12).
Term = tuple[str, str, int]


@dataclass(frozen=True)
class _Formula:
    """factors·(terms) + extra, kept as symbols and as numbers.

    Each factor and term is (symbols, numbers, value), so the text a learner reads and
    the value compared with their answer cannot disagree.
    """

    factors: tuple[Term, ...]
    terms: tuple[Term, ...]
    extra: tuple[Term, ...] = ()

    @property
    def value(self) -> int:
        product = math.prod(value for *_, value in self.factors)
        return product * sum(value for *_, value in self.terms) + sum(
            value for *_, value in self.extra
        )

    def _render(self, part: int) -> str:
        inner = " + ".join(term[part] for term in self.terms)
        text = inner
        if self.factors:
            text = "·".join(factor[part] for factor in self.factors) + f"·({inner})"
        return " + ".join([text, *(term[part] for term in self.extra)])

    @property
    def symbols(self) -> str:
        return self._render(0)

    @property
    def numbers(self) -> str:
        return self._render(1)

    @property
    def working(self) -> str:
        """"value = symbols = numbers. ", how a slip's number comes about."""
        return f"{self.value} = {self.symbols} = {self.numbers}. "


def _term(symbols: str, *values: int) -> Term:
    """One product, e.g. _term("features·units", 3, 4) → ("features·units", "3·4", 12)."""
    return symbols, "·".join(str(value) for value in values), math.prod(values)


def _constant(value: int) -> Term:
    """A plain number such as the 4 paths, written the same in symbols and in numbers."""
    return str(value), str(value), value


@dataclass(frozen=True)
class _CountSlip:
    key: str
    formula: _Formula
    what: str  # completes "you ..."
    why: str

    def slip(self) -> Slip:
        return Slip(self.key, (self.formula.value,), self.what, self.why, self.formula.working)


def _bias_terms(symbol: str, size: int, vectors: int) -> tuple[Term, ...]:
    """The bias part of one path: none, `size`, or 2·`size` (two bias vectors)."""
    if vectors == 0:
        return ()
    if vectors == 1:
        return (_term(symbol, size),)
    return (_term(f"{vectors}·{symbol}", vectors, size),)


def _count_slips(
    layer: LayerSpec, timesteps: int | None = None, bidirectional: bool = False,
) -> tuple[_Formula, list[_CountSlip]]:
    """The right formula, then every recognised slip; the first match is the one named.

    Which slips are listed depends on the layer's cell, bias and features (and on
    timesteps and bidirectional), never on its units, so the list for units = 1, 2, 3
    describes the same slips (diagnose_units relies on this).
    """
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
        *terms: Term,
        paths_used: int = paths,
        extra: tuple[Term, ...] = (),
        added: tuple[Term, ...] = (),
    ) -> _Formula:
        """The formula with these terms, times the paths, directions and any extra factor."""
        factors = (*extra, *twice, *((_constant(paths_used),) if paths_used > 1 else ()))
        return _Formula(factors, terms, added)

    right = count(kernel, recurrent, *bias)
    slips: list[_CountSlip] = []
    if timesteps is not None and timesteps > 1:  # times 1 changes nothing: no slip to see
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
        if paths > 1:
            default = layer.replace(use_bias=True).bias_vectors
            kept = (paths - 1) * default
            slips.append(_CountSlip(
                "one_path_bias",
                count(kernel, recurrent, added=(_term(f"{kept}·units", kept, u),)),
                "took away one path's bias only",
                f"use_bias=False removes the bias of all {paths} paths, "
                f"{paths * default}·units numbers, not only the {default}·units of one path.",
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
            "That is GRU(reset_after=False): Keras 2's GRU (the only kind up to 2.1.4, the "
            "default from 2.1.5 to 2.3.1). Keras 3's default, reset_after=True, keeps two "
            "bias rows, an input and a recurrent one: bias shape (2, 3·units).",
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


def _input_slips(
    layer: LayerSpec, right: _Formula,
    timesteps: int | None, batch: int | None, stateful: bool, bidirectional: bool,
) -> list[_CountSlip]:
    """Slips about the input rather than the cell, for diagnose_count's questions: the
    batch size or the states counted in, or the input's two axes read the wrong way
    round (notebook 12's challenges). Each keeps the right formula's factors."""
    u, f = layer.units, layer.features

    def count(*terms: Term, extra: tuple[Term, ...] = ()) -> _Formula:
        return _Formula((*extra, *right.factors), terms)

    kernel, recurrent = _term("features·units", f, u), _term("units·units", u, u)
    bias = _bias_terms("units", u, layer.bias_vectors)
    slips = []
    if batch is not None and batch > 1:
        slips.append(_CountSlip(
            "times_batch",
            count(kernel, recurrent, *bias, extra=(_term("batch", batch),)),
            "multiplied by the batch size",
            "Every sample of a batch runs through the same weights on its own, so the "
            "batch size never enters the count, stateful or not.",
        ))
    if stateful and batch is not None:
        states = (2 if layer.cell == "lstm" else 1) * (2 if bidirectional else 1)
        held = "h and C" if layer.cell == "lstm" else "h"
        slips.append(_CountSlip(
            "counted_states",
            _Formula(right.factors, right.terms,
                     (_term(f"{states}·batch·units", states, batch, u),)),
            "counted the states as parameters",
            f"A stateful layer keeps {held} in variables of shape (batch, units), but they "
            "are no weights: Keras lists them in neither layer.weights nor "
            "non_trainable_weights, and count_params leaves them out.",
        ))
    if timesteps is not None and timesteps != f:
        slips.append(_CountSlip(
            "features_as_timesteps",
            count(_term("timesteps·units", timesteps, u), recurrent, *bias),
            f"read the input's two axes the other way round, taking its timesteps "
            f"({timesteps}) for the features",
            f"The input is (timesteps, features) = ({timesteps}, {f}): its last number is "
            "the features, each with its own kernel row, and the timesteps never enter the "
            "count.",
        ))
    return slips


def whole_number(name: str, value: object, example: str, *, minimum: int = 0) -> int:
    """Return value if it is a whole number >= minimum, else explain what to type.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : object
        What the learner passed.
    example : str
        A sensible value to show, e.g. "12".
    minimum : int
        The smallest accepted.

    Returns
    -------
    int
        value as a plain int (exact at any size).

    Raises
    ------
    TypeError
        If value is not a whole number (a bool, a float, a string).
    ValueError
        If it is below minimum.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        hint = " (without quotes)" if isinstance(value, str) else ""
        raise TypeError(
            f"{name} must be a whole number such as {example}, an int{hint}; "
            f"got {value!r} of type {type(value).__name__}"
        )
    if value < minimum:
        what = "a count, 0 or more" if minimum == 0 else f"{minimum} or more"
        raise ValueError(f"{name} must be {what}; got {value}")
    return int(value)


def _too(answer: object, expected: int) -> str:
    return "high" if answer > expected else "low"  # type: ignore[operator]


def _count_question(
    layer: LayerSpec, timesteps: int | None, bidirectional: bool,
    batch: int | None = None, stateful: bool = False,
) -> Question:
    right, slips = _count_slips(layer, timesteps, bidirectional)
    slips += _input_slips(layer, right, timesteps, batch, stateful, bidirectional)
    paths = layer.kind.paths
    bias_hint = (
        "no bias (use_bias=False)" if not layer.use_bias
        else "two bias rows, 2·units" if layer.bias_vectors == 2 else "the bias, units"
    )
    times = f"then multiply by the {paths} paths" if paths > 1 else "there is one path"
    directions = ", and by 2 for the two directions" if bidirectional else ""

    def hint(answer: object) -> str:
        return (
            f"It is too {_too(answer, right.value)}. Count one path first: the kernel "
            f"block, features × units, the recurrent block, units × units, and {bias_hint}; "
            f"{times}{directions}."
        )

    return Question(
        expected=right.value,
        right=f"{right.value} = {right.symbols} = {right.numbers}.",
        slips=tuple(slip.slip() for slip in slips),
        hint=hint,
        reasoning="the formula above",
    )


def diagnose_count(
    answer: int | None,
    units: int,
    features: int,
    *,
    cell: str = "lstm",
    use_bias: bool = True,
    timesteps: int | None = None,
    bidirectional: bool = False,
    batch: int | None = None,
    stateful: bool = False,
) -> Feedback:
    """Check a parameter count for one Keras recurrent layer and name the slip behind it.

    cell is "lstm", "gru" (Keras' default reset_after=True) or "simple_rnn";
    bidirectional=True asks about Bidirectional(layer). Give timesteps when the
    question mentions them, so an answer multiplied by timesteps, or one that reads the
    input's axes the other way round, is recognised; give batch (and stateful=True) when
    the question fixes a batch size, so the batch or the states counted in are too.
    Recognised slips (Feedback.mistake): times_timesteps, times_batch, counted_states,
    features_as_timesteps, one_direction, one_wide_layer, per_feature, no_bias,
    counted_bias, one_path_bias, two_biases, one_gru_bias, one_path, wrong_paths,
    swapped, no_recurrent.

    >>> diagnose_count(112, units=4, features=3).mistake
    'no_bias'

    Parameters
    ----------
    answer : int or None
        The learner's count; None before they answer (reveals nothing).
    units, features : int
        The layer's size.
    cell : str
        "lstm", "gru" or "simple_rnn".
    use_bias : bool
        Whether the layer has a bias.
    timesteps : int or None
        The sequence length the question mentions, if any.
    bidirectional : bool
        Whether the question is about Bidirectional(layer).
    batch : int or None
        The fixed batch size the question gives (keras.Input(batch_shape=...)), if any.
    stateful : bool
        Whether the layer is stateful; needs `batch`, the number of state rows.

    Returns
    -------
    Feedback
        Right or not, the slip it matches, and the explanation.

    Raises
    ------
    TypeError
        If the answer or a size is not a whole number (a string, a float), or a flag not
        True or False.
    ValueError
        If a size is below 1, the answer negative, the cell unknown, or stateful=True comes
        without a batch.
    """
    layer = LayerSpec(units, features, cell=cell, use_bias=use_bias)
    bidirectional = _checks.flag("bidirectional", bidirectional)
    if timesteps is not None:
        timesteps = _checks.positive_int("timesteps", timesteps)
    if batch is not None:
        batch = _checks.positive_int("batch", batch)
    stateful = _checks.flag("stateful", stateful)
    if stateful and batch is None:
        raise ValueError(
            "stateful=True needs batch, the batch size the layer's states are built for, "
            "e.g. batch=4"
        )
    question = _count_question(layer, timesteps, bidirectional, batch, stateful)
    if answer is not None:
        answer = whole_number("answer", answer, "12")
    return judge(answer, question)


# ---------------------------------------------------------------- stacks


def _stack_units(units: object) -> tuple[int, ...]:
    """Each layer's units, bottom first; at least two layers make a stack."""
    if isinstance(units, str | bytes) or not isinstance(units, Sequence):
        raise TypeError(
            f"units must list each layer's units, bottom layer first, such as (6, 3); "
            f"got {units!r}"
        )
    if len(units) < 2:
        raise ValueError(
            f"units must list at least two layers for a stack, such as (6, 3); got {units!r} "
            "(for one layer use diagnose_count)"
        )
    return tuple(_checks.positive_int(f"units[{index}]", value)
                 for index, value in enumerate(units))


def _sum_working(formulas: Sequence[_Formula]) -> str:
    """"total = each layer's numbers = each layer's value. ", a bare sum in brackets."""
    total = sum(formula.value for formula in formulas)
    values = " + ".join(str(formula.value) for formula in formulas)
    numbers_ = " + ".join(
        formula.numbers if formula.factors else f"({formula.numbers})" for formula in formulas
    )
    return f"{total} = {numbers_} = {values}. "


def _stack_question(
    units: tuple[int, ...], features: int, cell: str, timesteps: int | None,
) -> Question:
    layers = [LayerSpec(units[0], features, cell=cell)]
    for below, size in itertools.pairwise(units):
        layers.append(LayerSpec(size, below, cell=cell))
    rights, per_layer = zip(*(_count_slips(layer, timesteps) for layer in layers), strict=True)
    n = len(layers)
    title = layers[0].kind.title
    reads = "; ".join(
        f"layer {index + 1} reads the {layers[index - 1].units} units of layer {index}"
        for index in range(1, n)
    )
    on_input = [_count_slips(LayerSpec(size, features, cell=cell))[0] for size in units]
    slips = [
        Slip(
            "input_features", (sum(formula.value for formula in on_input),),
            "gave every layer the input's features",
            "Only the first layer reads the input. Each layer above reads the sequence of "
            "h that the layer below returns (return_sequences=True), so its features are the "
            "units of the layer below.",
            _sum_working(on_input),
        ),
        Slip(
            "first_only", (rights[0].value,), "counted the first layer only",
            "A stack keeps every layer's weights: add the layers above it.",
            rights[0].working,
        ),
        Slip(
            "last_only", (rights[-1].value,), "counted the top layer only",
            "A stack keeps every layer's weights: add the layers below it.",
            rights[-1].working,
        ),
        Slip(
            "copies_of_first", (n * rights[0].value,),
            f"counted the first layer {'twice' if n == 2 else f'{n} times'}",
            f"The layers above are {title}s of their own sizes: count each from its own "
            "units and the features it reads.",
            f"{n * rights[0].value} = {n}·{rights[0].value}. ",
        ),
    ]
    shared = [slip.key for slip in per_layer[0]
              if all(slip.key in {other.key for other in slips_} for slips_ in per_layer)]
    for key in shared:
        found = [next(slip for slip in slips_ if slip.key == key) for slips_ in per_layer]
        formulas = [slip.formula for slip in found]
        slips.append(Slip(
            key, (sum(formula.value for formula in formulas),),
            f"{found[0].what}, in every layer", found[0].why, _sum_working(formulas),
        ))
    return Question(
        expected=sum(right.value for right in rights),
        right=f"{_sum_working(rights).rstrip('. ')}: {reads}.",
        slips=tuple(slips),
        hint=lambda answer: (
            f"It is too {_too(answer, sum(right.value for right in rights))}. Count each "
            "layer with the single-layer formula, from its own units and the features it "
            "reads (the input's for the first layer, the units of the layer below for the "
            "others), then add the counts."
        ),
        reasoning="the sum above",
    )


def diagnose_stack(
    answer: int | None,
    units: Sequence[int],
    features: int,
    *,
    cell: str = "lstm",
    timesteps: int | None = None,
) -> Feedback:
    """Check the total count of stacked recurrent layers, e.g. LSTM(6) under LSTM(3).

    units lists each layer's units, bottom layer first; features is what the model's
    input holds per timestep. Every layer but the last is meant to return its sequence,
    so each layer above reads the units of the one below as its features. Recognised
    slips: input_features, first_only, last_only, copies_of_first, and each
    single-layer slip of diagnose_count made in every layer (no_bias, two_biases, …).

    >>> diagnose_stack(288 + 108, units=(6, 3), features=5).mistake   # upper on 5: 4·(15+9+3)
    'input_features'

    Parameters
    ----------
    answer : int or None
        The learner's total; None before they answer.
    units : sequence of int
        Each layer's units, bottom layer first (at least two).
    features : int
        Numbers per timestep in the model's input.
    cell : str
        "lstm", "gru" or "simple_rnn", for every layer.
    timesteps : int or None
        The sequence length the question mentions, if any.

    Returns
    -------
    Feedback
        Right or not, the slip it matches, and the explanation.

    Raises
    ------
    TypeError
        If units is not a list of whole numbers, or the answer not a whole number.
    ValueError
        If fewer than two layers are given, a size is below 1, or the cell unknown.
    """
    units = _stack_units(units)
    features = _checks.positive_int("features", features)
    cell = _checks.choice("cell", cell, ("lstm", "gru", "simple_rnn"))
    if timesteps is not None:
        timesteps = _checks.positive_int("timesteps", timesteps)
    question = _stack_question(units, features, cell, timesteps)
    if answer is not None:
        answer = whole_number("answer", answer, "408")
    return judge(answer, question)
