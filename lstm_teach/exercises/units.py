"""Working back: from a parameter count to the units that give it.

The count is a polynomial in units of degree two (units·units, features·units, units),
and so is every slip's formula. Each slip's answer is its formula solved for units,
often not a whole number: a fraction is how a learner can tell a formula is wrong.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from lstm_teach.counting import LayerSpec
from lstm_teach.exercises._verdict import Feedback, Question, Slip, judge
from lstm_teach.exercises.counts import _count_slips, whole_number


def _quadratic(values: Sequence[int]) -> tuple[float, float, float]:
    """(a, b, c) of a·u² + b·u + c through the values at u = 1, 2, 3.

    Every count formula is such a polynomial in units (units·units, features·units,
    units and constants), so three values fix it exactly.
    """
    v1, v2, v3 = values
    a = (v3 - 2 * v2 + v1) / 2
    b = (v2 - v1) - 3 * a
    return a, b, v1 - a - b


def _root(coefficients: tuple[float, float, float], count: int) -> float | None:
    """The positive units at which the polynomial reaches count, or None."""
    a, b, c = coefficients
    c -= count
    if a == 0:
        return -c / b if b > 0 and -c / b > 0 else None
    root = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a) if b * b - 4 * a * c >= 0 else None
    return root if root is not None and root > 0 else None


def _units_number(answer: object) -> float:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        hint = " (without quotes)" if isinstance(answer, str) else ""
        raise TypeError(
            f"answer must be a number of units such as 16, an int{hint} (a decimal such as "
            f"16.45 is accepted too, to show your working); got {answer!r} of type "
            f"{type(answer).__name__}"
        )
    number = float(answer)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"answer must be a number of units, more than 0; got {answer!r}")
    return number


def _shown_units(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else f"{number:.2f}"


def _units_match(answer: object, root: object) -> bool:
    """A slip's root is a real number: typed as is (to 0.1) or rounded to a neighbour."""
    answer, root = float(answer), float(root)  # type: ignore[arg-type]
    if abs(answer - root) < 1e-9:
        return True
    if root.is_integer():
        return False
    return abs(answer - root) < (1 if answer.is_integer() else 0.1)


def _units_question(count: int, layer: LayerSpec) -> Question:
    """The right units for `count` (the sizes are checked to allow one), and the slips."""
    fitted = [_count_slips(layer.replace(units=size)) for size in (1, 2, 3)]
    right = _quadratic([rights.value for rights, _ in fitted])
    units = _root(right, count)
    answer = round(units) if units is not None else 0
    if units is None or answer < 1 or layer.replace(units=answer).count != count:
        below = max(1, math.floor(units or 1))
        near = [layer.replace(units=size) for size in (below, below + 1)]
        listed = " and ".join(f"{layer.kind.title}({spec.units}) has {spec.count}" for spec in near)
        raise ValueError(
            f"count must be the parameter count of {layer.kind.article.lower()} "
            f"{layer.kind.title} on "
            f"{layer.features} features{'' if layer.use_bias else ' without bias'}; "
            f"{count} is not one ({listed})"
        )
    formula, _ = _count_slips(layer.replace(units=answer))
    slips = []
    for index, template in enumerate(fitted[0][1]):
        root = _root(_quadratic([slips_[index].formula.value for _, slips_ in fitted]), count)
        if root is None:
            continue
        symbols = template.formula.symbols
        whole = "" if root.is_integer() else ", not a whole number"
        slips.append(Slip(
            template.key, (root,), template.what, template.why,
            f"Solving {symbols} = {count} with features = {layer.features} gives units = "
            f"{_shown_units(root)}{whole}. ",
        ))
    a, b, c = right
    quadratic = f"{a:g}·units² + {b:g}·units" + (f" + {c:g}" if c else "")

    def hint(given: object) -> str:
        fraction = (
            "Units is a whole number: a fraction means the formula you solved is not the "
            "layer's. " if not float(given).is_integer() else ""  # type: ignore[arg-type]
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
        coincides=lambda expected, root: abs(float(expected) - float(root)) < 1e-9,  # type: ignore[arg-type]
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
    """
    count = whole_number("count", count, "1280", minimum=1)
    layer = LayerSpec(1, features, cell=cell, use_bias=use_bias)
    question = _units_question(count, layer)
    if answer is not None:
        answer = _units_number(answer)
        if answer.is_integer():
            answer = int(answer)
    return judge(answer, question)
