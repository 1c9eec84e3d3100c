"""Reading questions: a layer's count from a model summary, and the seed's wrong sentence.

A summary question takes the text `lt.summary_text(model)` prints and the name of one
recurrent layer in it. `hide_count` masks that layer's count (and the totals, which would
give it away), so the learner works it out from the output shapes: units from the
layer's own row, features from the row below it. The checker reads the same text, so
it needs no TensorFlow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

from lstm_teach.counting import CELL_KINDS, LayerSpec
from lstm_teach.exercises._verdict import Feedback, Question, Slip, judge
from lstm_teach.exercises.counts import _count_slips, whole_number

_ROW = re.compile(r"^│\s*(?P<name>\S+) \((?P<kind>\w+)\)\s*│\s*(?P<shape>[^│]*?)\s*│"
                  r"\s*(?P<count>[\d,]+|\?)\s*│$")
_TOTAL = re.compile(r"^(?P<label> (?:Total|Trainable) params: )(?P<rest>.*)$")
#: Keras class names of the recurrent layers the course counts, mapped to cell names.
_CELLS = {kind.title: name for name, kind in CELL_KINDS.items()}


@dataclass(frozen=True)
class _Row:
    name: str
    kind: str
    shape: tuple[int | None, ...]
    count: int | None


def _shape(text: str) -> tuple[int | None, ...]:
    sizes = [size.strip() for size in text.strip("()").split(",") if size.strip()]
    return tuple(None if size == "None" else int(size) for size in sizes)


def _rows(summary: str) -> list[_Row]:
    rows = []
    for line in summary.splitlines():
        found = _ROW.match(line.strip())
        if found:
            count = found["count"]
            rows.append(_Row(found["name"], found["kind"], _shape(found["shape"]),
                             None if count == "?" else int(count.replace(",", ""))))
    return rows


def _summary(summary: object) -> list[_Row]:
    if not isinstance(summary, str):
        raise TypeError(
            "summary must be the text lt.summary_text(model) returns; "
            f"got {type(summary).__name__}"
        )
    rows = _rows(summary)
    if not rows:
        raise ValueError(
            "summary must be the text lt.summary_text(model) returns, with one row per "
            "layer; no layer rows were found in it"
        )
    return rows


def _row(rows: list[_Row], layer: object) -> int:
    names = [row.name for row in rows]
    if not isinstance(layer, str) or layer not in names:
        listed = ", ".join(f"{row.name!r} ({row.kind})" for row in rows)
        raise ValueError(f"layer must be the name of a row of the summary: {listed}; got {layer!r}")
    return names.index(layer)


def hide_count(summary: str, layer: str) -> str:
    """The summary with `layer`'s parameter count and the totals replaced by "?".

    Print this for the learner and give the checker the full summary.
    """
    rows = _summary(summary)
    _row(rows, layer)
    lines = []
    for line in summary.splitlines():
        found = _ROW.match(line.strip())
        if found and found["name"] == layer:
            start, end = found.span("count")
            offset = line.index(line.strip())
            width = end - start
            line = line[:offset + start] + "?".rjust(width) + line[offset + end:]
        total = _TOTAL.match(line)
        if total:
            line = total["label"] + "?"
        lines.append(line)
    return "\n".join(lines)


def _layer_spec(row: _Row, features: int) -> LayerSpec | None:
    """The layer a row describes, if some setting of use_bias (and reset_after) fits its count."""
    cell = _CELLS[row.kind]
    for use_bias in (True, False):
        for reset_after in ((True, False) if cell == "gru" else (True,)):
            spec = LayerSpec(row.shape[-1], features, cell, use_bias, "keras", reset_after)  # type: ignore[arg-type]
            if spec.count == row.count:
                return spec
    return None


def _features_from_count(row: _Row) -> int | None:
    """A first layer's features, worked back from its count (the input is not a row)."""
    units = row.shape[-1]
    for features in range(1, (row.count or 0) + 1):
        spec = _layer_spec(row, features)
        if spec is not None:
            return features
        if LayerSpec(units, features, _CELLS[row.kind], False).count > (row.count or 0):  # type: ignore[arg-type]
            return None
    return None


def _summary_question(rows: list[_Row], index: int) -> Question:
    row = rows[index]
    if row.kind not in _CELLS or row.count is None or len(row.shape) not in (2, 3):
        raise ValueError(
            f"layer must name an LSTM, GRU or SimpleRNN row with its count shown; "
            f"{row.name!r} is a {row.kind} row"
            + (" whose count is hidden: give the full summary, not hide_count's"
               if row.count is None else "")
        )
    below = rows[index - 1] if index > 0 else None
    features = below.shape[-1] if below is not None else _features_from_count(row)
    spec = _layer_spec(row, features) if features else None  # type: ignore[arg-type]
    if spec is None:
        raise ValueError(
            f"summary: the row {row.name!r} has {row.count} parameters, which no "
            f"{row.kind}({row.shape[-1]}) reading the row below it has"
        )
    first = next(other for other in rows if other.kind in _CELLS)
    input_features = (
        rows[0].shape[-1] if rows[0].kind == "InputLayer" else _features_from_count(first)
    )
    timesteps = below.shape[1] if below is not None and len(below.shape) == 3 else None
    right, count_slips = _count_slips(spec, timesteps)
    slips: list[Slip] = []  # the misreadings first: they are what this question is about

    def as_if(units: int, features: int, key: str, what: str, why: str) -> None:
        wrong, _ = _count_slips(spec.replace(units=units, features=features))
        slips.append(Slip(key, (wrong.value,), what, why, wrong.working))

    shown_below = f"{below.name}'s {below.shape}" if below is not None else ""
    if timesteps is not None and timesteps != features:
        as_if(spec.units, timesteps, "timesteps_as_features", "read the timesteps as features",
              f"In {shown_below} the middle number is the timesteps; the features the next "
              f"layer reads are the last number, {features}.")
    if input_features and input_features != features and index > 0:
        as_if(spec.units, input_features, "input_features", "used the model input's features",
              f"Only the first layer reads the input. {row.name} reads what {below.name} "  # type: ignore[union-attr]
              f"returns: its {features} units, the last number of {below.shape}.")  # type: ignore[union-attr]
    if len(row.shape) == 3 and row.shape[1] not in (None, spec.units):
        as_if(row.shape[1], features, "units_from_timesteps", "read the timesteps as units",
              f"units is the last number of the layer's own output shape {row.shape}.")
    slips += [slip.slip() for slip in count_slips]
    for other in rows:
        if other is not row and other.count:
            slips.append(Slip("other_row", (other.count,), f"read the row of {other.name}",
                              "Each row is one layer; its Param # counts that layer alone."))
    return Question(
        expected=row.count,
        right=f"{right.value} = {right.symbols} = {right.numbers}: {row.name} has "
              f"{spec.units} units (its output {row.shape}) and reads {features} features"
              + (f", the last number of {below.name}'s output {below.shape}."
                 if below is not None else "."),
        slips=tuple(slips),
        hint=lambda _: (
            f"Find units in {row.name}'s own output shape (the last number) and features "
            "in the output shape of the row below it (its last number), then count with "
            "the layer's formula."
        ),
        reasoning="the formula above",
    )


def diagnose_summary(answer: int | None, summary: str, layer: str) -> Feedback:
    """Check a layer's count read or worked out from a model summary.

    summary is the full text of `lt.summary_text(model)` (show the learner
    `hide_count(summary, layer)`); layer names an LSTM, GRU or SimpleRNN row. Recognised
    slips: those of diagnose_count, timesteps_as_features, input_features,
    units_from_timesteps and other_row.
    """
    rows = _summary(summary)
    question = _summary_question(rows, _row(rows, layer))
    if answer is not None:
        answer = whole_number("answer", answer, "120")
    return judge(answer, question)


# ---------------------------------------------------------------- the seed's sentences


#: Five sentences of the seed answer, word for word (its line breaks joined), by letter.
SEED_SENTENCES = MappingProxyType({
    "a": "That means the state value C is always a scalar, one per unit.",
    "b": "where 4 represents one for each of the f, i, c, and o internal paths in your "
         "bottom picture.",
    "c": "It does not process features at once, it processes units at once, and features "
         "separately.",
    "d": "The first term is the number of weights for the kernel, the second term for the "
         "recurrent kernel, and the last one for the bias, if applied.",
    "e": "where bias_c is a proxy for the output shape of the state C.",
})
_WRONG_SENTENCE = "c"
_HOLDS = "picked a sentence that holds"
_SEED_SLIPS = (
    Slip("c_per_unit", ("a",), _HOLDS,
         "C has shape (batch, units): one number per unit for each sample, however many "
         "features come in (notebook 02 asks the layer with return_state=True: 3 units "
         "give c of shape (3, 3) for 1, 2 or 5 features). \"A scalar\" means one number per "
         "unit, not one for the whole layer."),
    Slip("four_paths", ("b",), _HOLDS,
         "An LSTM has four paths, each with its own column block of the kernel, the "
         "recurrent kernel and the bias: that is the 4 (notebook 01). The seed lists them "
         "f, i, c, o and Keras lays them out i, f, c, o: another order, the same count."),
    Slip("three_terms", ("d",), _HOLDS,
         "Per path the kernel holds features·units weights, the recurrent kernel "
         "units·units and the bias units; use_bias=False drops the last (\"if applied\"). "
         "lt.param_table shows the three tensors (notebook 01). Only the seed's code has a "
         "slip: it writes num_units for units."),
    Slip("bias_c_proxy", ("e",), _HOLDS,
         "bias_c, one path's bias, has shape (units,), one number per unit: the size of C "
         "for one sample (notebook 02)."),
)


def _letter(answer: object) -> str:
    letters = ", ".join(repr(letter) for letter in SEED_SENTENCES)
    if not isinstance(answer, str) or answer.strip().strip("()").lower() not in SEED_SENTENCES:
        raise ValueError(f"answer must be one of the letters {letters}; got {answer!r}")
    return answer.strip().strip("()").lower()


def diagnose_seed_sentence(answer: str | None) -> Feedback:
    """Check which sentence of SEED_SENTENCES is wrong, and say what shows it.

    answer is a letter, "a" to "e". Each right sentence chosen is answered with the
    evidence that it holds (keys c_per_unit, four_paths, three_terms, bias_c_proxy).
    """
    question = Question(
        expected=_WRONG_SENTENCE,
        right=(
            f"({_WRONG_SENTENCE}) is wrong. Every feature feeds every gate of every unit: "
            "the kernel has one row per feature, and each gate's column sums over all of "
            "them, z = x_t·kernel + …, before any sigmoid or tanh. Notebook 02 shows it: "
            "changing only feature 2 moves all four gates' z, each by its kernel entry "
            "times the change, and the same change to feature 2 moves h by a different "
            "amount when feature 1 differs, which no sum of one run per feature can do."
        ),
        slips=_SEED_SLIPS,
        shown=lambda letter: f"({letter})",
        reasoning="the evidence above",
    )
    return judge(None if answer is None else _letter(answer), question)
