"""Working back: from a parameter count to the units that give it.

The count is a polynomial in units of degree two (units·units, features·units, units),
and so is every slip's formula. Each slip's answer is its formula solved for units,
often not a whole number: a fraction is how a learner can tell a formula is wrong.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

from lstm_teach.counting import CELLS, LayerSpec
from lstm_teach.exercises._verdict import Feedback, Question, Slip, and_join, judge
from lstm_teach.exercises.counts import _count_slips, whole_number

#: (a, b, c) of a·u² + b·u + c: exact, so a count of any size is solved exactly.
Quadratic = tuple[Fraction, Fraction, Fraction]
#: A slip's units: an int when the formula reaches the count at a whole number of units,
#: else the real root to many more digits than the count has (never a whole number).
Root = int | Decimal
#: Largest whole number a float holds exactly: beyond it a float answer has lost digits.
_EXACT_FLOAT = 2**53


def _quadratic(values: Sequence[int]) -> Quadratic:
    """(a, b, c) of a·u² + b·u + c through the values at u = 1, 2, 3.

    Every count formula is such a polynomial in units (units·units, features·units,
    units and constants), so three values fix it exactly.
    """
    v1, v2, v3 = (Fraction(value) for value in values)
    a = (v3 - 2 * v2 + v1) / 2
    b = (v2 - v1) - 3 * a
    return a, b, v1 - a - b


def _value(coefficients: Quadratic, units: int) -> Fraction:
    a, b, c = coefficients
    return (a * units + b) * units + c


def _floor_root(coefficients: Quadratic, count: int) -> int:
    """The largest whole units >= 0 at which the polynomial is at most count (exact).

    Every formula here grows with units (its coefficients are sums of products of
    positive sizes), so a search by halving finds it in about 2·log2(units) steps.
    """
    if _value(coefficients, 0) > count:
        return -1
    high = 1
    while _value(coefficients, high) <= count:
        high *= 2
    low = high // 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if _value(coefficients, middle) <= count else (low, middle)
    return low


def _root(coefficients: Quadratic, count: int) -> Root | None:
    """The positive units at which the polynomial reaches count, or None.

    A whole root is returned as an int, found by exact integer arithmetic at any size;
    any other root as a Decimal with twice as many digits as the count and twenty more,
    enough that it is never mistaken for a whole number.
    """
    a, b, c = coefficients
    if a == 0 and b <= 0:
        return None
    floor = _floor_root(coefficients, count)
    if floor >= 1 and _value(coefficients, floor) == count:
        return floor
    with localcontext() as context:
        context.prec = 2 * len(str(count)) + 20

        def decimal(value: Fraction) -> Decimal:
            return Decimal(value.numerator) / Decimal(value.denominator)

        if a == 0:
            root = decimal((count - c) / b)
        else:
            discriminant = b * b - 4 * a * (c - count)
            if discriminant < 0:
                return None
            root = (-decimal(b) + decimal(discriminant).sqrt()) / (2 * decimal(a))
    return root if root > 0 else None


def _units_number(answer: object) -> int | float:
    """The learner's units: an int kept exact at any size, or a decimal such as 16.45."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        hint = " (without quotes)" if isinstance(answer, str) else ""
        raise TypeError(
            f"answer must be a number of units such as 16, an int{hint} (a decimal such as "
            f"16.45 is accepted too, to show your working); got {answer!r} of type "
            f"{type(answer).__name__}"
        )
    if isinstance(answer, numbers.Integral):
        number: int | float = int(answer)
    elif isinstance(answer, Fraction) and answer.denominator == 1:
        number = answer.numerator
    else:
        number = float(answer)
        if not math.isfinite(number) or number <= 0:
            raise ValueError(f"answer must be a number of units, more than 0; got {answer!r}")
        if number.is_integer():
            if number > _EXACT_FLOAT:
                raise ValueError(
                    f"answer {answer!r} is a float, which keeps only about 16 digits, so "
                    "its last digits may be lost: type the units as a whole number (an int), "
                    "e.g. 10**16 + 1"
                )
            number = int(number)
    if number <= 0:
        raise ValueError(f"answer must be a number of units, more than 0; got {answer!r}")
    return number


def _shown_units(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else f"{number:.2f}"


def _units_match(answer: object, root: object) -> bool:
    """Whether an answer is what a root gives: a whole root exactly; any other root typed
    as is (to 0.1) or rounded to a whole neighbour. Exact at any size."""
    if isinstance(root, int):
        return isinstance(answer, int) and answer == root
    root = Decimal(root) if not isinstance(root, Decimal) else root  # type: ignore[arg-type]
    if isinstance(answer, int):
        return math.floor(root) <= answer <= math.ceil(root)
    return abs(Decimal(answer) - root) < Decimal("0.1")  # type: ignore[arg-type]


def _coefficient(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def _name(layer: LayerSpec) -> str:
    return f"{layer.kind.title}({layer.units}){'' if layer.use_bias else ' without bias'}"


def _other_readings(count: int, layer: LayerSpec) -> list[LayerSpec]:
    """Layers on the same features, of another cell or bias setting, that have exactly
    `count` parameters: what a count that does not fit the question may have meant."""
    found = []
    for cell in CELLS:
        for use_bias in (True, False):
            if (cell, use_bias) == (layer.cell, layer.use_bias):
                continue
            other = layer.replace(cell=cell, use_bias=use_bias)
            fitted = [_count_slips(other.replace(units=size))[0].value for size in (1, 2, 3)]
            units = _root(_quadratic(fitted), count)
            if isinstance(units, int):
                found.append(other.replace(units=units))
    return found


def _units_question(count: int, layer: LayerSpec) -> Question:
    """The right units for `count` (the sizes are checked to allow one), and the slips."""
    fitted = [_count_slips(layer.replace(units=size)) for size in (1, 2, 3)]
    right = _quadratic([rights.value for rights, _ in fitted])
    units = _root(right, count)
    if not isinstance(units, int):
        below = max(1, _floor_root(right, count))
        near = [layer.replace(units=size) for size in (below, below + 1)]
        listed = " and ".join(f"{layer.kind.title}({spec.units}) has {spec.count}" for spec in near)
        message = (
            f"count must be the parameter count of {layer.kind.article.lower()} "
            f"{layer.kind.title} on "
            f"{layer.features} features{'' if layer.use_bias else ' without bias'}; "
            f"{count} is not one ({listed})"
        )
        others = _other_readings(count, layer)
        if others:
            message += (
                f". It is the count of {and_join([_name(other) for other in others])} on "
                f"{layer.features} features: check the cell and use_bias you passed"
            )
        raise ValueError(message)
    answer = units
    formula, _ = _count_slips(layer.replace(units=answer))
    slips = []
    for index, template in enumerate(fitted[0][1]):
        root = _root(_quadratic([slips_[index].formula.value for _, slips_ in fitted]), count)
        if root is None:
            continue
        symbols = template.formula.symbols
        whole = "" if isinstance(root, int) else ", not a whole number"
        slips.append(Slip(
            template.key, (root,), template.what, template.why,
            f"Solving {symbols} = {count} with features = {layer.features} gives units = "
            f"{_shown_units(root)}{whole}. ",
        ))
    a, b, c = right
    quadratic = f"{_coefficient(a)}·units² + {_coefficient(b)}·units" + (
        f" + {_coefficient(c)}" if c else ""
    )

    def hint(given: object) -> str:
        fraction = (
            "Units is a whole number: a fraction means the formula you solved is not the "
            "layer's. " if not isinstance(given, int) else ""
        )
        return (
            f"{fraction}Write the count with units unknown: {formula.symbols}, with "
            f"features = {layer.features}, is {quadratic} = {count}. Solve it, or try "
            "sizes and narrow down."
        )

    return Question(
        expected=answer,
        right=f"{answer} units, since {formula.symbols} = {formula.numbers} = {count}.",
        slips=tuple(slips),
        hint=hint,
        matches=_units_match,
        coincides=lambda expected, root: isinstance(root, int) and root == expected,
        shown=_shown_units,
        reasoning="the formula above",
    )


def diagnose_units(
    answer: float | None,
    count: int,
    features: int,
    *,
    cell: str = "lstm",
    use_bias: bool = True,
) -> Feedback:
    """Check units worked back from a count: "an LSTM on 3 features has 1280 parameters".

    Each slip is a wrong formula solved for units, so its answer is often not a whole
    number: a decimal answer such as 16.45 is accepted and matched to the formula that
    gives it (to 0.1), and a whole answer next to a slip's fraction is taken as rounded.
    Recognised slips are those of diagnose_count (no_bias, one_path, two_biases, …).

    >>> diagnose_units(16, count=1280, features=3).correct
    True

    Parameters
    ----------
    answer : int, float or None
        The learner's units (an int is exact at any size; a decimal shows working);
        None before they answer.
    count : int
        The layer's parameter count.
    features : int
        Numbers per timestep in its input.
    cell : str
        "lstm", "gru" or "simple_rnn".
    use_bias : bool
        Whether the layer has a bias.

    Returns
    -------
    Feedback
        Right or not, the slip (wrong formula) it matches, and the explanation.

    Raises
    ------
    TypeError
        If the answer or count is not a number of the right kind.
    ValueError
        If count is no such layer's count (the message names the cell and bias setting
        it does fit, if any), or the answer is not positive, or a float too large to
        hold a whole number exactly.
    """
    count = whole_number("count", count, "1280", minimum=1)
    layer = LayerSpec(1, features, cell=cell, use_bias=use_bias)
    question = _units_question(count, layer)
    if answer is not None:
        answer = _units_number(answer)
    return judge(answer, question)
