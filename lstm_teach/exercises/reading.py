"""Reading questions: a layer's count from a model summary, and the seed's wrong sentence.

A summary question takes the text `lt.summary_text(model)` prints and the name of one
recurrent layer in it. `hide_count` masks that layer's count (and the totals, which would
give it away), so the learner works it out from the output shapes: units from the
layer's own row, features from the row it reads. The summary is read and checked by
`lt.explain`'s parser and reasoner (one way to read a summary in the package), so it needs
no TensorFlow, works out features in constant time at any size, and when two settings of
the layer give the printed count (a first layer with or without a bias: 4u(f+u+1) =
4u(f'+u) with f' = f+1) it says the count is ambiguous and names both.
"""

from __future__ import annotations

from types import MappingProxyType

from lstm_teach.counting import LayerSpec
from lstm_teach.exercises._verdict import Feedback, Question, Slip, and_join, judge
from lstm_teach.exercises.counts import _count_slips, whole_number
from lstm_teach.explain.from_text import Reading, check_rows, recurrent_readings
from lstm_teach.explain.result import shape_text
from lstm_teach.explain.summary_text import PrintedRow, PrintedSummary, SummaryError, parse_summary

_RECURRENT = ("LSTM", "GRU", "SimpleRNN")
_TOTAL_LABELS = (" Total params: ", " Trainable params: ")
_EXPECTED = "summary must be the text lt.summary_text(model) returns"


def _summary(summary: object) -> PrintedSummary:
    if not isinstance(summary, str):
        raise TypeError(f"{_EXPECTED}; got {type(summary).__name__}")
    try:
        parsed = parse_summary(summary)
    except SummaryError as error:
        raise ValueError(f"{_EXPECTED}, with one row per layer: {error}") from None
    if not parsed.rows:
        raise ValueError(f"{_EXPECTED}, with one row per layer; no layer rows were found in it")
    return parsed


def _row(rows: tuple[PrintedRow, ...], layer: object) -> int:
    found = [index for index, row in enumerate(rows)
             if isinstance(layer, str) and row.is_named(layer)]
    exact = [index for index in found if rows[index].name == layer]
    if exact:
        return exact[0]
    if len(found) == 1:
        return found[0]
    listed = ", ".join(f"{row.name!r} ({row.kind})" for row in rows)
    if len(found) > 1:
        raise ValueError(f"layer {layer!r} fits several rows whose names Keras cut short: "
                         f"{listed}; print the summary wider (line_length=120)")
    raise ValueError(f"layer must be the name of a row of the summary: {listed}; got {layer!r}")


def hide_count(summary: str, layer: str) -> str:
    """The summary with `layer`'s parameter count and the totals replaced by "?".

    Print this for the learner and give the checker the full summary.

    Parameters
    ----------
    summary : str
        The text `lt.summary_text(model)` returns.
    layer : str
        A row's layer name (a name Keras cut with "…" is found by its full name).

    Returns
    -------
    str
        The same text with the count and the totals masked.

    Raises
    ------
    TypeError, ValueError
        summary is no summary text, or layer names no row of it.
    """
    parsed = _summary(summary)
    row = parsed.rows[_row(parsed.rows, layer)]
    lines = summary.split("\n")
    if row.count_at is not None:
        number, start, end = row.count_at
        line = lines[number]
        lines[number] = line[:start] + "?".rjust(end - start) + line[end:]
    for number, line in enumerate(lines):
        for label in _TOTAL_LABELS:
            if line.startswith(label) or line.startswith(label.lstrip()):
                lines[number] = line[:line.index(label.strip()) + len(label.strip())] + " ?"
    return "\n".join(lines)


def _reading_text(reading: Reading) -> str:
    spec = reading.spec
    assert spec is not None
    bias = "" if spec.use_bias else " without a bias"
    if spec.cell == "gru" and not spec.reset_after:
        bias = " with reset_after=False"
    return f"{spec.kind.title}({spec.units}){bias} reading {spec.features} features"


def _summary_question(parsed: PrintedSummary, index: int) -> Question:
    rows = parsed.rows
    row = rows[index]
    shape = row.shape[0] if isinstance(row.shape, list) and row.shape else row.shape
    if row.kind not in _RECURRENT or row.count is None or not isinstance(shape, tuple) \
            or len(shape) not in (2, 3):
        raise ValueError(
            f"layer must name an LSTM, GRU or SimpleRNN row with its count shown; "
            f"{row.name!r} is a {row.kind} row"
            + (" whose count is hidden: give the full summary, not hide_count's"
               if row.count is None else "")
        )
    checked = {id(item.printed): item for item in check_rows(parsed)}
    mine = checked[id(row)]
    below = mine.source
    readings = recurrent_readings(row, mine.reads)
    if not readings:
        raise ValueError(
            f"summary: the row {row.name!r} has {row.count} parameters, which no "
            f"{row.kind}({shape[-1]}) reading the row below it has: {mine.row.formula}"
        )
    specs = [reading.spec for reading in readings if reading.spec is not None]
    spec = specs[0]
    first = next(other for other in rows if other.kind in _RECURRENT)
    if rows[0].kind == "InputLayer" and isinstance(rows[0].shape, tuple):
        inputs = [rows[0].shape[-1]]
    else:  # not printed: the width the first layer reads with Keras' defaults (a bias)
        inputs = [reading.size for reading in
                  recurrent_readings(first, checked[id(first)].reads)][:1]
    below_shape = below.shape if below is not None and isinstance(below.shape, tuple) else None
    timesteps = below_shape[1] if below_shape is not None and len(below_shape) == 3 else None
    slips: list[Slip] = []  # the misreadings first: they are what this question is about
    rights = []
    for one in specs:
        right, count_slips = _count_slips(one, timesteps)
        rights.append(right)
        features = one.features

        def as_if(units: int, reads: int, key: str, what: str, why: str,
                  one: LayerSpec = one) -> Slip:
            wrong, _ = _count_slips(one.replace(units=units, features=reads))
            return Slip(key, (wrong.value,), what, why, wrong.working)

        shown_below = f"{below.name}'s {shape_text(below_shape)}" if below is not None else ""
        if timesteps is not None and timesteps != features:
            slips.append(as_if(one.units, timesteps, "timesteps_as_features",
                  "read the timesteps as features",
                  f"In {shown_below} the middle number is the timesteps; the features the next "
                  f"layer reads are the last number, {features}."))
        for input_features in inputs:
            if input_features == features or below is None or below.kind == "InputLayer":
                continue
            slips.append(as_if(
                one.units, input_features, "input_features", "used the model input's features",
                f"Only the first layer reads the input. {row.name} reads what {below.name} "
                f"returns: its {features} units, the last number of "
                f"{shape_text(below_shape)}."))
        if len(shape) == 3 and shape[1] not in (None, one.units):
            slips.append(as_if(shape[1], features, "units_from_timesteps",
                               "read the timesteps as units",
                               f"units is the last number of the layer's own output shape "
                               f"{shape_text(shape)}."))
        slips += [slip.slip() for slip in count_slips]
    for other in rows:
        if other is not row and other.count:
            slips.append(Slip("other_row", (other.count,), f"read the row of {other.name}",
                              "Each row is one layer; its Param # counts that layer alone."))
    unique: dict[tuple[str, tuple[object, ...]], Slip] = {}
    for slip in slips:
        if row.count not in slip.answers:  # a slip that gives the printed count is a reading
            unique.setdefault((slip.key, slip.answers), slip)
    right = rights[0]
    if len(specs) == 1:
        told = (f"{right.value} = {right.symbols} = {right.numbers}: {row.name} has "
                f"{spec.units} units (its output {shape_text(shape)}) and reads {spec.features} "
                "features"
                + (f", the last number of {below.name}'s output {shape_text(below.shape)}."
                   if below is not None else "."))
    else:
        told = (f"{row.count} is {row.name}'s count, and it is ambiguous: the summary does not "
                f"show what {row.name} reads, and "
                + and_join([f"{_reading_text(reading)} ({other.symbols} = {other.numbers})"
                            for reading, other in zip(readings, rights, strict=True)])
                + f" {'both' if len(specs) == 2 else 'all'} give {row.count}. Keras knows "
                "which from the layer's settings; the summary alone cannot tell.")
    return Question(
        expected=row.count,
        right=told,
        slips=tuple(unique.values()),
        hint=lambda _: (
            f"Find units in {row.name}'s own output shape (the last number) and features "
            "in the output shape of the row below it (its last number), then count with "
            "the layer's formula."
        ),
        reasoning="the formula above",
    )


def diagnose_summary(answer: int | None, summary: str, layer: str) -> Feedback:
    """Check a layer's count read or worked out from a model summary.

    Recognised slips: those of diagnose_count, timesteps_as_features, input_features,
    units_from_timesteps and other_row. When the summary does not show what the layer
    reads and two settings fit its count, the right answer says so and names both, and a
    slip that fits either reading is named.

    Parameters
    ----------
    answer : int or None
        The learner's count (None: not answered yet).
    summary : str
        The full text of `lt.summary_text(model)` (show the learner
        `hide_count(summary, layer)`).
    layer : str
        An LSTM, GRU or SimpleRNN row's name (a name Keras cut with "…" is found by its
        full name).

    Returns
    -------
    Feedback
        The verdict and its explanation.

    Raises
    ------
    TypeError, ValueError
        summary is no summary text, layer names no recurrent row with its count, or answer
        is not a whole number.
    """
    parsed = _summary(summary)
    question = _summary_question(parsed, _row(parsed.rows, layer))
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

    Each right sentence chosen is answered with the evidence that it holds (keys
    c_per_unit, four_paths, three_terms, bias_c_proxy).

    Parameters
    ----------
    answer : str or None
        A letter, "a" to "e" (None: not answered yet).

    Returns
    -------
    Feedback
        The verdict and its evidence.

    Raises
    ------
    ValueError
        answer is not one of the letters.
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
