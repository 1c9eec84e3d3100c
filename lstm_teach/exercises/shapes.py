"""Shape questions: a Keras LSTM's weight tensors, and what the layer returns.

Shapes are answered as tuples, (3, 16) or (16,); a list is accepted too. Each slip is
the shape a typical wrong picture gives: PyTorch's transposed layout, one path's slice,
units and features swapped, the gates' width instead of h's, timesteps first.
"""

from __future__ import annotations

import numbers

from lstm_teach import _checks
from lstm_teach.counting import LayerSpec
from lstm_teach.exercises._verdict import Feedback, Question, Slip, judge

#: The weights of a Keras LSTM layer that diagnose_shape asks about.
WEIGHTS = tuple(LayerSpec(1, 1).shapes)

Shape = tuple[int | None, ...]

#: What Keras 2 called one path's slice, checked against keras/layers/recurrent.py at the
#: tags 2.0.0, 2.0.8, 2.1.6, 2.2.4 and 2.3.1: build() made one kernel (input_dim,
#: units * 4) and then set kernel_c = kernel[:, units * 2: units * 3] (likewise _i, _f, _o,
#: recurrent_kernel_* and bias_*), on the layer up to 2.0.8 and on LSTMCell from 2.0.9
#: (lstm_teach.history: kernel_c_on_layer, kernel_c_on_cell).
_KERAS_2_SLICE = (
    "Keras 2 (2.0.0 to 2.3.1) showed that slice as {name}, but it was never a tensor of its "
    "own: build() made one {weight} and set {name} = {weight}[{index}units*2:units*3], a "
    "view of its c columns. The layer's weight is the whole {weight}, the four paths' "
    "slices side by side (i, f, c, o), in Keras 2 as in Keras 3."
)


def _slice_note(weight: str) -> str:
    name = {"kernel": "kernel_c", "recurrent_kernel": "recurrent_kernel_c", "bias": "bias_c"}
    return _KERAS_2_SLICE.format(
        name=name[weight], weight=weight, index="" if weight == "bias" else ":, ",
    )


def _shape_slips(weight: str, units: int, features: int) -> list[Slip]:
    """Every recognised wrong shape of one Keras LSTM weight; the first match is named."""
    u, f, width = units, features, 4 * units
    if weight == "kernel":
        return [
            Slip("transposed", ((width, f),), "wrote PyTorch's layout, transposed",
                 "PyTorch's weight_ih_l0 is (4·units, features). Keras stores the kernel "
                 "the other way round, (features, 4·units), and computes x_t @ kernel."),
            Slip("one_gate", ((f, u), (u, f)), "gave one path's slice",
                 "(features, units) is the slice of one path. " + _slice_note("kernel")),
            Slip("four_columns", ((f, 4), (4, f)), "gave one column per path",
                 "Each path has one column per unit, not one in all: units columns for "
                 "each of the 4 paths, 4·units."),
            Slip("swapped", ((u, 4 * f),), "swapped units and features",
                 "The kernel multiplies x_t, which holds features numbers: one row per "
                 "feature, and units columns for each of the 4 paths."),
            Slip("other_weight", ((u, width),), "gave the recurrent kernel's shape",
                 "The kernel multiplies the input x_t, so it has one row per feature; the "
                 "recurrent kernel multiplies h_{t−1} and has one row per unit."),
        ]
    if weight == "recurrent_kernel":
        return [
            Slip("transposed", ((width, u),), "wrote PyTorch's layout, transposed",
                 "PyTorch's weight_hh_l0 is (4·units, units). Keras stores the recurrent "
                 "kernel as (units, 4·units) and computes h_{t−1} @ recurrent_kernel."),
            Slip("one_gate", ((u, u),), "gave one path's slice",
                 "(units, units) is the slice of one path. " + _slice_note("recurrent_kernel")),
            Slip("four_columns", ((u, 4), (4, u)), "gave one column per path",
                 "Each path has one column per unit, not one in all: units columns for "
                 "each of the 4 paths, 4·units."),
            Slip("swapped", ((f, 4 * f),), "swapped units and features",
                 "The recurrent kernel multiplies h_{t−1}, which holds units numbers, so both "
                 "of its sizes come from units: (units, 4·units)."),
            Slip("other_weight", ((f, width),), "gave the kernel's shape",
                 "The recurrent kernel multiplies h_{t−1}, which holds units numbers, so it "
                 "has one row per unit; features enter only the kernel."),
        ]
    return [
        Slip("one_gate", ((u,),), "gave one path's slice",
             "(units,) is the bias of one path (the seed answer's bias_c (1,) for one "
             "unit). " + _slice_note("bias")),
        Slip("two_biases", ((2 * width,), (2, width)), "counted two bias vectors, as PyTorch does",
             "PyTorch's nn.LSTM keeps bias_ih_l0 and bias_hh_l0, each (4·units,). A Keras "
             "LSTM keeps one bias vector of 4·units."),
        Slip("four_columns", ((4,),), "gave one bias per path",
             "Each path has one bias per unit, not one in all: 4·units numbers."),
        Slip("swapped", ((4 * f,),), "swapped units and features",
             "The bias has one number per unit for each of the 4 paths; features do not "
             "enter it."),
        Slip("as_matrix", ((1, width), (width, 1)), "wrote the bias as a matrix",
             "The bias is a vector, one dimension, added to the pre-activations of every "
             "sample."),
        Slip("other_weight", ((f, width), (u, width)), "gave a weight matrix's shape",
             "The bias has no input dimension: one number per unit for each of the 4 paths."),
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

_EXAMPLE = "(3, 16) or (16,)"


def _size(value: object, none: bool) -> bool:
    return (value is None and none) or (
        isinstance(value, numbers.Integral) and not isinstance(value, bool)
    )


def shape_answer(answer: object, *, none: bool = False, example: str = _EXAMPLE) -> Shape:
    """Return answer as a tuple of whole numbers >= 0 (and None where `none`), else explain.

    Parameters
    ----------
    answer : object
        What the learner typed.
    none : bool
        Whether None is accepted as a size (the batch in a summary).
    example : str
        A sensible shape to show in the message.

    Returns
    -------
    tuple
        The sizes as plain ints (and None).

    Raises
    ------
    TypeError
        If answer is a bare number (the missing comma of (16,)) or not a tuple or list
        of whole numbers.
    ValueError
        If a size is negative.
    """
    if isinstance(answer, numbers.Integral) and not isinstance(answer, bool):
        raise TypeError(
            f"answer must be a shape, a tuple of whole numbers such as {example}; got the "
            f"number {answer!r}. For one dimension write a comma, ({answer},), because "
            f"({answer}) is just the number {answer}"
        )
    if not isinstance(answer, tuple | list) or not all(_size(size, none) for size in answer):
        sizes = "whole numbers (or None for the batch)" if none else "whole numbers"
        raise TypeError(
            f"answer must be a shape, a tuple of {sizes} such as {example}; "
            f"got {answer!r} of type {type(answer).__name__}"
        )
    if any(size is not None and size < 0 for size in answer):
        raise ValueError(f"answer must hold sizes of 0 or more; got {tuple(answer)}")
    return tuple(None if size is None else int(size) for size in answer)


def _weight_question(weight: str, layer: LayerSpec) -> Question:
    expected = layer.shapes[weight]
    rule, reason = _RIGHT_SHAPES[weight]
    dimensions = len(expected)

    def hint(answer: object) -> str:
        count_hint = (
            f" It has {dimensions} dimension{'s' if dimensions > 1 else ''}, "
            f"not {len(answer)}." if len(answer) != dimensions else ""  # type: ignore[arg-type]
        )
        return f"Hint: {reason}.{count_hint}"

    return Question(
        expected=expected,
        right=f"the {weight.replace('_', ' ')} is {rule} = {expected}. "
              f"{reason[0].upper()}{reason[1:]}.",
        slips=tuple(_shape_slips(weight, layer.units, layer.features)),
        hint=hint,
        reasoning="the rule above",
    )


def diagnose_shape(
    answer: tuple[int, ...] | None, weight: str, units: int, features: int,
) -> Feedback:
    """Check the shape of one weight of a Keras LSTM layer and name the slip behind it.

    weight is "kernel", "recurrent_kernel" or "bias"; answer is a tuple such as (3, 16)
    (a list is accepted too). Recognised slips (Feedback.mistake): transposed,
    one_gate, four_columns, two_biases, swapped, as_matrix, other_weight.

    >>> diagnose_shape((12, 3), "recurrent_kernel", units=3, features=5).mistake
    'transposed'

    Parameters
    ----------
    answer : tuple of int or None
        The learner's shape; None before they answer.
    weight : str
        "kernel", "recurrent_kernel" or "bias".
    units, features : int
        The layer's size.

    Returns
    -------
    Feedback
        Right or not, the slip it matches, and the explanation.

    Raises
    ------
    TypeError
        If the answer is not a tuple of whole numbers (a bare number, a string).
    ValueError
        If the weight is unknown or a size below 1 (0 or negative in the answer).
    """
    weight = _checks.choice("weight", weight, WEIGHTS)
    question = _weight_question(weight, LayerSpec(units, features))
    if answer is not None:
        answer = shape_answer(answer)
    return judge(answer, question)


# ---------------------------------------------------------------- what the layer returns


def _input_shape(value: object) -> tuple[int | None, int | None, int]:
    """(batch, timesteps, features); batch and timesteps may be None, as in a summary."""
    if not isinstance(value, tuple | list) or len(value) != 3:
        raise TypeError(
            "input_shape must be the input's shape (batch, timesteps, features), such as "
            f"(2, 7, 5) or (None, 7, 5); got {value!r}"
        )
    batch, timesteps, features = value
    checked = [
        None if size is None else _checks.positive_int(f"input_shape's {name}", size)
        for name, size in (("batch", batch), ("timesteps", timesteps))
    ]
    return checked[0], checked[1], _checks.positive_int("input_shape's features", features)


def _output_slips(
    batch: int | None, timesteps: int | None, features: int, units: int, sequences: bool,
) -> list[Slip]:
    b, t, f, u = batch, timesteps, features, units
    width = (
        "The layer hands on h, one number per unit, whatever the number of features: "
        "the last axis is units."
    )
    gates = (
        "The 4·units columns are the pre-activations of the four paths inside the cell; "
        "the layer hands on h, units wide."
    )
    batch_axis = (
        f"Keras layers work on a batch of sequences: the first axis is the batch ({b})."
    )
    if sequences:
        return [
            Slip("last_step_only", ((b, u),), "gave the output without return_sequences",
                 "return_sequences=True returns h at every timestep, (batch, timesteps, "
                 "units); without it you get only the last h, (batch, units)."),
            Slip("input_width", ((b, t, f),), "kept the input's width", width),
            Slip("gates_width", ((b, t, 4 * u),), "gave the width of the four gates", gates),
            Slip("no_batch", ((t, u),), "left out the batch axis", batch_axis),
            Slip("time_major", ((t, b, u),), "put timesteps first, as PyTorch does",
                 "PyTorch's nn.LSTM is time-major unless batch_first=True: (timesteps, "
                 "batch, units). Keras keeps the batch first: (batch, timesteps, units)."),
            Slip("swapped_axes", ((b, u, t),), "swapped timesteps and units",
                 "The time axis stays where it was in the input, second; units take the "
                 "place of features on the last axis."),
        ]
    return [
        Slip("every_step", ((b, t, u),), "gave every step's output",
             "Without return_sequences=True an LSTM returns only its last h: (batch, units)."),
        Slip("input_width", ((b, f),), "kept the input's width", width),
        Slip("gates_width", ((b, 4 * u),), "gave the width of the four gates", gates),
        Slip("no_batch", ((u,),), "left out the batch axis", batch_axis),
    ]


def _returned_question(
    units: int, shape: tuple[int | None, int | None, int], sequences: bool, state: bool,
) -> Question:
    batch, timesteps, features = shape
    output: Shape = (batch, timesteps, units) if sequences else (batch, units)
    final: Shape = (batch, units)
    outputs = _output_slips(batch, timesteps, features, units, sequences)
    what_output = (
        "h at every timestep, (batch, timesteps, units)" if sequences
        else "the last h of each sequence, (batch, units)"
    )
    if not state:
        slips = [
            *outputs,
            Slip("added_states", ((output, final, final),), "gave the states too",
                 "Without return_state=True the layer returns its output alone."),
        ]
        return Question(
            expected=output,
            right=f"{output}: the output is {what_output}.",
            slips=tuple(slips),
            hint=lambda _: f"The output is {what_output}.",
            reasoning="the rule above",
        )
    slips = [
        Slip(slip.key, tuple((given, final, final) for given in slip.answers), slip.what,
             slip.why)
        for slip in outputs
    ]
    slips += [
        Slip("no_states", (output,), "gave the output only",
             "return_state=True makes the layer return three tensors: the output, then the "
             "final h and the final C, (batch, units) each."),
        Slip("one_state", ((output, final),), "gave one state",
             "An LSTM has two states, h and C; with return_state=True it returns the "
             "output, the final h and the final C."),
        Slip("pytorch_states", ((output, (1, *final), (1, *final)),),
             "gave PyTorch's h_n and c_n",
             "PyTorch's nn.LSTM returns its states as (layers·directions, batch, units). "
             "Keras returns each state as (batch, units)."),
    ]
    if sequences:
        slips.append(Slip(
            "states_every_step", ((output, output, output),), "gave the states at every step",
            "return_state returns the final states only, (batch, units) each; "
            "return_sequences changes the output alone.",
        ))
    expected = (output, final, final)
    return Question(
        expected=expected,
        right=f"{expected}: the output, {what_output}, then the final h and the final C, "
              "(batch, units) each.",
        slips=tuple(slips),
        hint=lambda _: (
            f"With return_state=True the layer returns three tensors: the output, "
            f"{what_output}, then the final h and the final C."
        ),
        reasoning="the rule above",
    )


def _returned_answer(answer: object) -> object:
    """One shape, or several (output, h, c) written as a tuple of shapes."""
    if isinstance(answer, tuple | list) and answer and all(
        isinstance(part, tuple | list) for part in answer
    ):
        example = "((2, 7, 3), (2, 3), (2, 3))"
        return tuple(shape_answer(part, none=True, example=example) for part in answer)
    return shape_answer(answer, none=True, example="(2, 7, 3) or (None, 3)")


def diagnose_output_shape(
    answer: object,
    units: int,
    input_shape: tuple[int | None, int | None, int],
    *,
    return_sequences: bool = False,
    return_state: bool = False,
) -> Feedback:
    """Check what an LSTM(units) returns for an input of input_shape.

    input_shape is (batch, timesteps, features), e.g. (2, 7, 5), or with None for the
    batch as a summary shows it. The answer is a shape such as (2, 7, 3); with
    return_state=True, three shapes (output, h, c). Recognised slips: last_step_only,
    every_step, input_width, gates_width, no_batch, time_major, swapped_axes,
    added_states, no_states, one_state, pytorch_states, states_every_step.

    >>> diagnose_output_shape((2, 5), 3, (2, 7, 5)).mistake
    'input_width'

    Parameters
    ----------
    answer : tuple or None
        A shape, or with return_state=True three shapes; None before they answer.
    units : int
        Units of the LSTM.
    input_shape : tuple
        (batch, timesteps, features); batch and timesteps may be None.
    return_sequences, return_state : bool
        The layer's settings.

    Returns
    -------
    Feedback
        Right or not, the slip it matches, and the explanation.

    Raises
    ------
    TypeError
        If the answer or input_shape is not a shape, or a flag not True or False.
    ValueError
        If a size is below 1.
    """
    units = _checks.positive_int("units", units)
    shape = _input_shape(input_shape)
    sequences = _checks.flag("return_sequences", return_sequences)
    state = _checks.flag("return_state", return_state)
    question = _returned_question(units, shape, sequences, state)
    if answer is not None:
        answer = _returned_answer(answer)
    return judge(answer, question)
