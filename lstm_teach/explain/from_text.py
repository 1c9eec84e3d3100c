"""Check a printed summary: every count worked out again from the printed shapes.

For each row the layer named is tried in every setting that changes its count (with and
without a bias; GRU's reset_after; a Bidirectional's merge modes and cells). Each setting
makes the count a straight line in what the layer reads, count = step·features + base,
so the features it would need are one integer division away (no search, exact at any
size). What the row above prints fixes the features where the rules determine them:
- one setting fits: the row is explained, features and units worked out;
- several fit: the count is ambiguous, and every reading is named;
- none fits: the count cannot come from the layer named, and the usual explanations
  (PyTorch's two biases, a CuDNN layer's second bias, GRU's reset_after=False, a
  Bidirectional wrapper, another cell) that would give it are named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lstm_teach.counting import CELL_KINDS, LayerSpec
from lstm_teach.explain import rules
from lstm_teach.explain.result import Explanation, LayerRow
from lstm_teach.explain.summary_text import PrintedRow, PrintedSummary, Shape, parse_summary

_RECURRENT = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "simple_rnn"}
_CUDNN = {"CuDNNLSTM": "lstm", "CuDNNGRU": "gru"}
_MODELS = ("Sequential", "Functional", "Model")


@dataclass(frozen=True)
class Option:
    """One setting of a layer: its name for a reading, and its arithmetic for a size.

    Parameters
    ----------
    label : str
        The setting, e.g. "LSTM(3, use_bias=False)".
    make : callable
        The arithmetic for a size (the features read, or a kernel's area).
    reads : str
        How a reading says the size, e.g. "reading {} features".
    spec : callable or None
        The LayerSpec for a size, for recurrent settings.
    features : bool
        True when the size is the features read (the row above may fix it); False when it
        is always solved (a kernel's size).
    """

    label: str
    make: Callable[[int], rules.Arithmetic]
    reads: str = "reading {} features"
    spec: Callable[[int], LayerSpec] | None = None
    features: bool = True  # the size is the features read (False: a kernel, always solved)


@dataclass(frozen=True)
class Reading:
    """A setting that gives the printed count, with the size it needs.

    Parameters
    ----------
    label : str
        The setting and its size, e.g. "LSTM(3) reading 5 features".
    arithmetic : Arithmetic
        Its weights and formula.
    size : int
        The size it needs.
    spec : LayerSpec or None
        The recurrent layer it describes.
    """

    label: str
    arithmetic: rules.Arithmetic
    size: int
    spec: LayerSpec | None = None


def solve(option: Option, count: int, size: int | None) -> Reading | None:
    """The reading of `option` that has `count` parameters.

    Checked for a known size, else worked out as the one size with that count: counts
    grow by a fixed step per unit of size, so one integer division finds it.

    Parameters
    ----------
    option : Option
        The setting tried.
    count : int
        The printed count.
    size : int or None
        The size if the summary fixes it.

    Returns
    -------
    Reading or None
        The reading, or None when no size gives the count.
    """
    if size is None:
        one, two = option.make(1).count, option.make(2).count
        step = two - one
        base = one - step
        if step <= 0 or count < one or (count - base) % step:
            return None
        size = (count - base) // step
    elif size < 1 or option.make(size).count != count:
        return None
    spec = option.spec(size) if option.spec else None
    said = option.reads.format(size)
    if size == 1:
        said = said.replace("1 features", "1 feature")
    return Reading(f"{option.label} {said}", option.make(size), size, spec)


def _title(cell: str) -> str:
    return CELL_KINDS[cell].title


def _cell_options(cell: str, units: int, wrap: str = "{}") -> list[Option]:
    """Every Keras setting of one recurrent cell that changes its count."""
    title = _title(cell)
    settings = [(True, True, "")]
    if cell == "gru":
        settings.append((True, False, ", reset_after=False"))
    settings.append((False, True, ", use_bias=False"))
    options = []
    for bias, reset_after, said in settings:
        def spec(features: int, bias: bool = bias, reset_after: bool = reset_after) -> LayerSpec:
            return LayerSpec(units, features, cell, bias, "keras", reset_after)
        options.append(Option(wrap.format(f"{title}({units}{said})"),
                              lambda f, spec=spec: rules.recurrent(spec(f)), spec=spec))
    return options


def _twice(option: Option, label: str) -> Option:
    def make(features: int) -> rules.Arithmetic:
        one = option.make(features)
        return rules.bidirectional(one, one)
    return Option(label, make, spec=option.spec)


def _pair(forward: Option, backward: Option, merge: str) -> Option:
    """A Bidirectional whose backward_layer is set apart from its forward layer."""
    def make(features: int) -> rules.Arithmetic:
        return rules.bidirectional(forward.make(features), backward.make(features))
    return Option(f"Bidirectional({forward.label}, backward_layer={backward.label}), "
                  f"merge_mode={merge},", make, spec=forward.spec)


def _units(shape: Shape | list[Shape] | None) -> int | None:
    if isinstance(shape, list):
        shape = shape[0] if shape else None
    if not shape or shape[-1] is None:
        return None
    return shape[-1]


def _options(kind: str, shape: Shape | list[Shape] | None,
             reads: int | None) -> tuple[list[Option], list[Option]]:
    """The settings of the layer named (tried first) and the alternatives (named only when
    none of the first fits)."""
    units = _units(shape)
    if units is None:
        return [], []
    if kind in _RECURRENT:
        cell = _RECURRENT[kind]
        own = _cell_options(cell, units)
        others = [Option(f"{_title(cell)}({units}) with two bias vectors per path (PyTorch's "
                         f"{CELL_KINDS[cell].torch_class}, Keras 2's CuDNN{_title(cell)})",
                         lambda f: rules.recurrent(LayerSpec(units, f, cell, True, "pytorch")))]
        others += [_twice(option, f"a Bidirectional wrapper around {option.label}")
                   for option in own]
        others += [option for name in CELL_KINDS if name != cell
                   for option in _cell_options(name, units, "another cell, {},")]
        return own, others
    if kind in _CUDNN:
        cell = _CUDNN[kind]
        return [Option(f"{kind}({units})", lambda f: rules.cudnn(cell, units, f))], \
            _cell_options(cell, units, "a Keras {} instead")
    if kind == "Bidirectional":
        merges = [("'sum', 'ave' or 'mul'", units)]
        if isinstance(shape, list) and len(shape) == 2:
            merges = [("None", units)]
        elif units % 2 == 0:
            merges.insert(0, ("'concat'", units // 2))
        options = []
        for merge, width in merges:
            for cell in CELL_KINDS:
                settings = _cell_options(cell, width)
                options += [_twice(option, f"Bidirectional({option.label}), merge_mode={merge},")
                            for option in settings]
                options += [_pair(forward, backward, merge) for forward in settings
                            for backward in settings if backward is not forward]
        return options, []
    if kind == "RNN":
        return [Option(f"RNN({_title(cell)}Cell({units}{option.label.split(str(units), 1)[1]})",
                       option.make, spec=option.spec)
                for cell in CELL_KINDS for option in _cell_options(cell, units)], []
    if kind in ("Dense", "TimeDistributed"):
        wrap = "TimeDistributed({})" if kind == "TimeDistributed" else "{}"
        options = []
        for bias, said in ((True, ""), (False, ", use_bias=False")):
            def make(f: int, bias: bool = bias) -> rules.Arithmetic:
                arithmetic = rules.dense(units, f, bias)
                if kind == "TimeDistributed":
                    return rules.Arithmetic(arithmetic.weights, arithmetic.formula + ", the same "
                                            "weights at every timestep", "time_distributed")
                return arithmetic
            options.append(Option(wrap.format(f"Dense({units}{said})"), make))
        return options, []
    if kind == "Conv1D" and reads is not None:
        return [Option(f"Conv1D({units}{said}) on {reads} channels",
                       lambda k, bias=bias: rules.conv1d(units, k, reads, use_bias=bias),
                       "with kernel_size={}", features=False)
                for bias, said in ((True, ""), (False, ", use_bias=False"))], []
    if kind in ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D") and reads is not None:
        return [Option(f"{kind}({units}{said}) on {reads} channels",
                       lambda k, bias=bias: rules.conv_lstm(units, (k,), reads, use_bias=bias),
                       "with a kernel of {} cells (the product of kernel_size)",
                       features=False)
                for bias, said in ((True, ""), (False, ", use_bias=False"))], []
    return [], []


def _fixed_readings(
    kind: str, count: int, shape: Shape | list[Shape] | None
) -> list[Reading] | None:
    """Layers whose count the output shape fixes with no features to solve for; None if
    `kind` is not one of them."""
    units = _units(shape)
    if kind in rules.NO_WEIGHTS:
        return [Reading(kind, rules.no_weights(kind), 0)] if count == 0 else []
    if units is None:
        return None
    if kind == "Embedding":
        if count % units or count == 0:
            return []
        return [Reading(f"Embedding(input_dim={count // units}, output_dim={units})",
                        rules.embedding(count // units, units), count // units)]
    if kind in ("BatchNormalization", "LayerNormalization"):
        make = (rules.batch_normalization if kind == "BatchNormalization"
                else rules.layer_normalization)
        found = []
        for center, scale in ((True, True), (True, False), (False, True), (False, False)):
            arithmetic = make(units, center=center, scale=scale)
            if arithmetic.count == count:
                said = "" if center and scale else f", center={center}, scale={scale}"
                found.append(Reading(f"{kind}{said.replace(', ', '(', 1) + ')' if said else ''}"
                                     f" over {units} channels", arithmetic, units))
        return found
    return None


def recurrent_readings(row: PrintedRow, reads: Shape | list[Shape] | None) -> list[Reading]:
    """Every setting of a printed LSTM, GRU or SimpleRNN row that gives its count.

    Parameters
    ----------
    row : PrintedRow
        The row.
    reads : tuple, list of tuple or None
        The shape it reads, if the summary shows it.

    Returns
    -------
    list of Reading
        The readings (none for another kind of row).
    """
    if row.kind not in _RECURRENT or row.count is None:
        return []
    options, _ = _options(row.kind, row.shape, _units(reads))
    return _unique([found for option in options if option.features
                    and (found := solve(option, row.count, _units(reads))) is not None])


def _with_f(spec: LayerSpec) -> str:
    """The formula with f for the features, e.g. 4·(f·32 + 32·32 + 32)."""
    units = spec.units
    bias = {0: "", 1: f" + {units}", 2: f" + 2·{units}"}[spec.bias_vectors]
    inner = f"f·{units} + {units}·{units}{bias}"
    return f"{spec.kind.paths}·({inner})" if spec.kind.paths > 1 else inner


def _cannot(kind: str, count: int, units: int | None, reads: int | None,
            options: list[Option]) -> str:
    """Why the printed count cannot come from the layer named."""
    article = "an" if kind[0] in "AEIOLMNRSX" else "a"
    first = options[0]
    if reads is not None:
        made = first.make(reads)
        return (f"{article} {first.label} reading {reads} feature{'s' if reads != 1 else ''} "
                f"has {made.count:,} "
                f"parameters ({made.formula}), not {count:,}")
    if first.spec is not None:
        spec = first.spec(1)
        step = first.make(2).count - first.make(1).count
        return (f"{article} {kind} with {units} units cannot have {count:,} parameters: "
                f"{_with_f(spec)} is {first.make(1).count:,} for f = 1 and grows by "
                f"{step:,} per feature")
    return f"no setting of {kind} gives {count:,} parameters here"


def _reason(row: PrintedRow, reads_shape: Shape | list[Shape] | None,
            children: tuple[LayerRow, ...]) -> LayerRow:
    """The LayerRow of one printed row, its count checked."""
    kind, count = row.kind, row.count
    common = {"input_shape": reads_shape, "output_shape": row.shape}
    if kind is None:
        return LayerRow.unknown(row.name, "?", count, note="the summary cut the layer's type "
                                "off, so its count cannot be checked", **common)
    if count is None:
        return LayerRow.unknown(row.name, kind, None, note="the count is hidden (?)", **common)
    if children or kind in _MODELS:
        if not children:
            return LayerRow.unknown(row.name, kind, count, note="a model inside the model: "
                                    "print the summary with expand_nested=True to see its "
                                    "layers", **common)
        inner = [child for child in children]
        arithmetic = rules.stacked([rules.Arithmetic(child.weights, child.formula, "model")
                                    if child.count is not None else
                                    rules.Arithmetic((rules.Weight(child.name, (child.total,)),),
                                                     child.formula, "model")
                                    for child in inner], "model", f"the layers of {row.name}")
        note = "" if arithmetic.count == count else (
            f"its layers' printed counts add up to {arithmetic.count:,}, not {count:,}")
        return LayerRow(row.name, kind, reads_shape, row.shape, arithmetic.weights,
                        arithmetic.formula, count if not note else None, count, "model",
                        children, note)
    reads = _units(reads_shape)
    fixed = _fixed_readings(kind, count, row.shape)
    if fixed is not None:
        readings, others = fixed, []
        if not readings:
            return LayerRow(row.name, kind, reads_shape, row.shape, (), _fixed_cannot(kind, count,
                            row.shape), None, count, _rule(kind), (), "")
    else:
        options, others = _options(kind, row.shape, reads)
        if not options:
            note = ("the summary does not print what it reads, so its count cannot be checked"
                    if kind in ("Conv1D", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D") else "")
            return LayerRow.unknown(row.name, kind, count, note=note, **common)
        readings = _unique([found for option in options if (found := solve(
            option, count, reads if option.features else None)) is not None])
        if not readings:
            if kind == "TimeDistributed":
                return LayerRow.unknown(row.name, kind, count, note="it wraps a layer the "
                                        "summary does not name", **common)
            if kind == "RNN":
                return LayerRow.unknown(row.name, kind, count, note="no single cell gives "
                                        "this count: stacked cells, whose sizes a summary "
                                        "does not print?", **common)
            fits = _unique([found for option in others
                            if (found := solve(option, count, reads)) is not None])
            said = _cannot(kind, count, _units(row.shape), reads, options)
            if fits:
                said += ". It would fit " + "; or ".join(reading.label for reading in fits)
            else:
                said += ". No usual variant gives it either: check the number was copied whole"
            return LayerRow(row.name, kind, reads_shape, row.shape, (), said, None, count,
                            options[0].make(1).rule, (), "", tuple(r.label for r in fits))
    if len(readings) == 1:
        reading = readings[0]
        return LayerRow.explained(row.name, kind, reading.arithmetic, count,
                                  readings=(reading.label,), **common)
    labels = tuple(reading.label for reading in readings)
    why = ("the summary does not print what this layer reads" if reads is None
           else "both settings give the same count")
    formula = "ambiguous: " + "; or ".join(
        f"{reading.label}: {reading.arithmetic.formula}" for reading in readings)
    trainable = {reading.arithmetic.trainable for reading in readings}
    return LayerRow(row.name, kind, reads_shape, row.shape, (), formula, count, count,
                    readings[0].arithmetic.rule, (), f"{why}, so it cannot tell them apart",
                    labels, trainable.pop() if len(trainable) == 1 else None)


def _fixed_cannot(kind: str, count: int, shape: object) -> str:
    if kind in rules.NO_WEIGHTS:
        return f"a {kind} has no weights, yet the row prints {count:,}"
    units = _units(shape)  # type: ignore[arg-type]
    if kind == "Embedding":
        return (f"an Embedding with output_dim {units} has input_dim·{units} parameters, a "
                f"multiple of {units}; {count:,} is not one")
    return (f"a {kind} over {units} channels has 4·{units}, 3·{units} or 2·{units} "
            f"parameters (with or without center and scale), not {count:,}"
            if kind == "BatchNormalization" else
            f"a {kind} over {units} channels has 2·{units} or {units} parameters, not {count:,}")


def _rule(kind: str) -> str:
    return {"Embedding": "embedding", "BatchNormalization": "batch_normalization",
            "LayerNormalization": "layer_normalization"}.get(kind, "no_weights")


def _unique(readings: list[Reading]) -> list[Reading]:
    seen: dict[str, Reading] = {}
    for reading in readings:
        seen.setdefault(reading.label, reading)
    return list(seen.values())


# ---------------------------------------------------------------- the whole summary


@dataclass(frozen=True)
class CheckedRow:
    """A printed row, the row it reads from (if the summary shows one), and its check.

    Parameters
    ----------
    printed : PrintedRow
        The row as printed.
    source : PrintedRow or None
        The row whose output it reads.
    reads : tuple, list of tuple or None
        The shape it reads.
    row : LayerRow
        The check's result.
    """

    printed: PrintedRow
    source: PrintedRow | None
    reads: Shape | list[Shape] | None
    row: LayerRow


def _named(name: str, rows: list[PrintedRow]) -> PrintedRow | None:
    """The row called `name`; a name cut with "…" (in the row or the entry) by its start."""
    exact = [row for row in rows if row.name == name]
    if exact:
        return exact[0]
    start = name[:-1] if name.endswith("…") else name
    found = [row for row in rows if row.name.startswith(start) or row.is_named(start)
             or (row.cut and start.startswith(row.name[:-1]))]
    return found[0] if len(found) == 1 else None


def _source_shape(row: PrintedRow, rows: list[PrintedRow]) -> Shape | list[Shape] | None:
    shapes = []
    for name, tensor in row.connections:
        source = _named(name, rows)
        if source is None or source.shape is None:
            return None
        shape = source.shape
        if isinstance(shape, list):
            if tensor >= len(shape):
                return None
            shape = shape[tensor]
        shapes.append(shape)
    if not shapes:
        return None
    return shapes[0] if len(shapes) == 1 else shapes


def check_rows(summary: PrintedSummary) -> list[CheckedRow]:
    """Every printed row checked, in order, nested rows inside the model row above them.

    Parameters
    ----------
    summary : PrintedSummary
        The parsed summary.

    Returns
    -------
    list of CheckedRow
        One per printed row, in the printed order.
    """
    printed = list(summary.rows)
    sources: list[PrintedRow | None] = []
    for index, row in enumerate(printed):
        source = None
        if summary.connected and row.depth == 0:
            if row.connections:
                source = _named(row.connections[0][0], printed)
        else:
            for earlier in range(index - 1, -1, -1):
                other = printed[earlier]
                if other.depth == row.depth:
                    source = other
                    break
                if other.depth < row.depth:  # the first layer inside a model reads its input
                    source = sources[earlier]
                    break
        if row.kind == "InputLayer":
            source = None
        sources.append(source)
    checked: list[CheckedRow | None] = [None] * len(printed)
    for index in range(len(printed) - 1, -1, -1):  # children first
        row = printed[index]
        source = sources[index]
        if summary.connected and row.depth == 0:
            reads = _source_shape(row, printed)
        else:
            reads = source.shape if source is not None else None
        if isinstance(reads, list) and row.kind not in ("Concatenate", "Add"):
            reads = reads[0] if reads else None
        children = []
        for later in range(index + 1, len(printed)):
            if printed[later].depth <= row.depth:
                break
            if printed[later].depth == row.depth + 1:
                children.append(checked[later].row)  # type: ignore[union-attr]
        checked[index] = CheckedRow(row, source, reads, _reason(row, reads, tuple(children)))
    return [item for item in checked if item is not None]


def _notes(summary: PrintedSummary, rows: list[LayerRow]) -> tuple[str, ...]:
    notes = []
    printed = summary.totals
    counted = sum(row.framework_count or 0 for row in rows)
    if "total" in printed:
        expected = counted + printed.get("optimizer", 0)
        if printed["total"] != expected:
            notes.append(f"The printed total, {printed['total']:,}, is not the sum of the rows' "
                         f"counts, {counted:,}: a row may be missing or a number mistyped.")
    if "non_trainable" in printed:
        ours = sum(row.non_trainable for row in rows)
        if printed["non_trainable"] != ours:
            notes.append(
                f"The summary prints {printed['non_trainable']:,} non-trainable parameters; "
                f"the rows account for {ours:,} (BatchNormalization's moving statistics): the "
                "rest belong to frozen layers (trainable=False), which a summary does not mark."
            )
    return tuple(notes)


def explain_summary(summary: PrintedSummary) -> Explanation:
    """The Explanation of a parsed summary: every row checked, the totals compared.

    Parameters
    ----------
    summary : PrintedSummary
        The parsed summary.

    Returns
    -------
    Explanation
        Top-level rows (inner rows as children) and notes on the totals.
    """
    checked = check_rows(summary)
    top = [item.row for item in checked if item.printed.depth == 0]
    title = f'Model "{summary.model}"' if summary.model else "Pasted summary"
    return Explanation(title, f"a printed {summary.style}", "printed", tuple(top),
                       _notes(summary, top), dict(summary.totals))


def explain_text(text: str) -> Explanation:
    """The Explanation of a printed Keras summary or PyTorch print(model).

    Parameters
    ----------
    text : str
        The pasted text.

    Returns
    -------
    Explanation
        Every row checked.

    Raises
    ------
    ValueError
        The text is empty, holds no summary, or is cut short.
    """
    if not text.strip():
        raise ValueError("obj is empty text: paste the whole output of model.summary() or "
                         "of print(model)")
    from lstm_teach.explain.torch_text import looks_like_torch, parse_torch

    if looks_like_torch(text):
        return parse_torch(text)
    return explain_summary(parse_summary(text))
