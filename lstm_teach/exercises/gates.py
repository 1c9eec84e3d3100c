"""One gate worked out by hand: its pre-activation z, then the activation.

For unit j of a Keras LSTM, the gate g (i, f, c or o, in Keras' column order) at one step:

    z = x_t · kernel[:, col] + h_{t−1} · recurrent_kernel[:, col] + bias[col]
    col = (position of g in i, f, c, o) · units + j
    g = sigmoid(z) for the gates i, f, o;  tanh(z) for the candidate c

Each slip is this computation with one step changed (no activation, the other
activation, a missing term, another gate's columns), so its number comes from the same
arithmetic. Answers are compared to 0.001: three decimals are enough.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from lstm_teach import _checks
from lstm_teach.counting import GATES, LayerSpec
from lstm_teach.exercises._verdict import Feedback, Question, Slip, judge
from lstm_teach.reference import pre_activations, sigmoid

LSTM_GATES = GATES["lstm"]
#: How close a hand-computed value must be: rounding to 3 decimals, or float32 Keras,
#: stays well inside it.
TOLERANCE = 1e-3
_NAMES = {"i": "input gate", "f": "forget gate", "c": "candidate", "o": "output gate"}
#: The order in which Keras 1 listed an LSTM's per-gate arrays (trainable_weights of
#: keras/layers/recurrent.py at the 1.0.0 and 1.2.2 tags: W_i, U_i, b_i, W_c, …, W_f, …, W_o).
KERAS_1_ORDER = ("i", "c", "f", "o")


def _hard_sigmoid(z: float) -> float:
    """Keras 2's hard_sigmoid (keras/backend/tensorflow_backend.py at 2.2.4)."""
    return min(1.0, max(0.0, 0.2 * z + 0.5))


def _number(value: float) -> str:
    text = f"{value:g}"
    return f"({text})" if value < 0 else text


def _dot(left: np.ndarray, right: np.ndarray) -> str:
    return " + ".join(f"{_number(a)}·{_number(b)}" for a, b in zip(left, right, strict=True))


def _gate_arrays(
    x: object, h_prev: object, kernel: object, recurrent_kernel: object, bias: object,
) -> tuple[LayerSpec, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Check every array against the others; return the layer and the arrays as float64."""
    layer = LayerSpec.from_weights(kernel, recurrent_kernel, bias)
    x = _checks.real_array("x", x, 1, "(features,): the input at this one step")
    _checks.shape_is("x", x, (layer.features,), "(features,), one number per kernel row")
    h_prev = _checks.real_array("h_prev", h_prev, 1, "(units,): the previous output h_{t−1}")
    _checks.shape_is("h_prev", h_prev, (layer.units,), "(units,), one number per unit")
    kernel, recurrent_kernel = (np.array(array, dtype=np.float64)
                                for array in (kernel, recurrent_kernel))
    bias = None if bias is None else np.array(bias, dtype=np.float64)
    # The reference refuses inputs whose pre-activations overflow; so does the checker.
    pre_activations(x, h_prev, kernel, recurrent_kernel, bias)
    return layer, x, h_prev, kernel, recurrent_kernel, bias


def _z_text(value: float) -> str:
    """A pre-activation as the working prints it: 4 decimals, or 4 significant digits
    when it is too large for that to stay one short word."""
    return f"{value:.4f}" if abs(value) < 1e6 else f"{value:.4g}"


def _gate_question(
    gate: str, unit: int, layer: LayerSpec, x: np.ndarray, h_prev: np.ndarray,
    kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray | None,
) -> Question:
    units = layer.units

    def parts(block: str) -> tuple[float, float, float, int]:
        column = LSTM_GATES.index(block) * units + unit
        from_x = float(x @ kernel[:, column])
        from_h = float(h_prev @ recurrent_kernel[:, column])
        return from_x, from_h, 0.0 if bias is None else float(bias[column]), column

    from_x, from_h, from_b, column = parts(gate)
    z = from_x + from_h + from_b
    squash, squash_name, other, other_name = (
        (np.tanh, "tanh", sigmoid, "sigmoid") if gate == "c"
        else (sigmoid, "sigmoid", np.tanh, "tanh")
    )

    def value(pre: float, function: object = squash) -> float:
        return float(function(pre))  # type: ignore[operator]

    name = _NAMES[gate]
    sums = [f"({_dot(x, kernel[:, column])})", f"({_dot(h_prev, recurrent_kernel[:, column])})"]
    symbols = f"x·kernel[:, {column}] + h_{{t−1}}·recurrent_kernel[:, {column}]"
    if bias is not None:
        sums.append(_number(from_b))
        symbols += f" + bias[{column}]"
    right = (
        f"{gate} = {squash_name}(z) = {squash_name}({_z_text(z)}) = {value(z):.4f}, the {name} of "
        f"unit {unit}, with z = {symbols} = {' + '.join(sums)} = {_z_text(z)}."
    )
    slips = [
        Slip("no_activation", (z,), f"left out the {squash_name}",
             f"z = {_z_text(z)} is the pre-activation; the {name} is {squash_name}(z)."),
        Slip(f"used_{other_name}", (value(z, other),), f"used {other_name}",
             f"{other_name}({_z_text(z)}) = {value(z, other):.4f}. "
             + ("The candidate c uses tanh (the layer's activation), so it can be negative."
                if gate == "c" else
                "The gates i, f and o use the sigmoid (Keras' recurrent_activation), "
                "which keeps them between 0 and 1; tanh is for the candidate c.")),
    ]
    if gate != "c":
        slips.append(Slip(
            "hard_sigmoid", (_hard_sigmoid(z),), "used hard_sigmoid, Keras 2's default",
            f"hard_sigmoid({_z_text(z)}) = clip(0.2·z + 0.5, 0, 1) = {_z_text(_hard_sigmoid(z))}. "
            "Keras 2.0.0 to 2.2.5 set recurrent_activation='hard_sigmoid' by default; "
            "2.3.0 and Keras 3 use the sigmoid, 1 / (1 + e^−z).",
        ))
    slips.append(Slip(
        "no_recurrent", (value(from_x + from_b),), "left out h_{t−1}·recurrent_kernel",
        f"Without it z would be {_z_text(from_x + from_b)}. Every gate also reads the previous "
        f"output: its recurrent term here is {_z_text(from_h)}.",
    ))
    slips.append(Slip(
        "no_input", (value(from_h + from_b),), "left out x·kernel",
        f"Without it z would be {_z_text(from_h + from_b)}. Every gate reads the input too: its "
        f"kernel term here is {_z_text(from_x)}.",
    ))
    if bias is not None:
        slips.append(Slip(
            "no_bias", (value(from_x + from_h),), "left out the bias",
            f"Without it z would be {_z_text(from_x + from_h)}; the bias adds {_z_text(from_b)}.",
        ))
    for block in LSTM_GATES:
        if block == gate:
            continue
        other_x, other_h, other_b, other_column = parts(block)
        keras_1 = KERAS_1_ORDER.index(gate) == LSTM_GATES.index(block)
        why = (
            f"Column {other_column} belongs to {block}, the {_NAMES[block]}: Keras lays the "
            f"blocks out i, f, c, o (Keras 2 and 3 alike), {units} column"
            f"{'s' if units > 1 else ''} each, so unit {unit} of {gate} is column {column}."
        )
        if keras_1:
            why += (" The order i, c, f, o is how Keras 1 listed its separate per-gate arrays "
                    "(W_i, W_c, W_f, W_o).")
        slips.append(Slip(
            "keras_1_order" if keras_1 else "wrong_block",
            (value(other_x + other_h + other_b),),
            f"used the columns of {block}, not {gate}", why,
        ))

    def hint(_: object) -> str:
        return (
            f"Take column {column} of each weight (the blocks run i, f, c, o, {units} "
            f"column{'s' if units > 1 else ''} each), add x·kernel, h_{{t−1}}·recurrent_kernel "
            f"and the bias to get z, then apply {squash_name}."
        )

    return Question(
        expected=value(z),
        right=right,
        slips=tuple(slips),
        hint=hint,
        matches=lambda answer, given: abs(float(answer) - float(given)) <= TOLERANCE,  # type: ignore[arg-type]
        shown=lambda answer: f"{float(answer):.4g}",  # type: ignore[arg-type]
        reasoning="the computation above",
    )


def diagnose_gate(
    answer: float | None,
    gate: str,
    x: object,
    h_prev: object,
    kernel: object,
    recurrent_kernel: object,
    bias: object = None,
    *,
    unit: int = 0,
) -> Feedback:
    """Check one gate's activation worked out by hand, for one unit at one step.

    gate is "i", "f", "c" (the candidate) or "o"; x is the input at this step
    (features,), h_prev the previous output (units,), and kernel (features, 4·units),
    recurrent_kernel (units, 4·units) and bias (4·units,) the layer's weights as Keras
    keeps them (bias None for use_bias=False). Answers within 0.001 count. Recognised
    slips: no_activation, used_tanh / used_sigmoid, hard_sigmoid, no_recurrent,
    no_input, no_bias, keras_1_order, wrong_block.

    >>> diagnose_gate(0.5, "f", [0.0], [0.0], np.zeros((1, 4)), np.zeros((1, 4))).correct
    True

    Parameters
    ----------
    answer : float or None
        The learner's value; None before they answer.
    gate : str
        "i", "f", "c" (the candidate) or "o".
    x : array_like
        The input at this step, (features,).
    h_prev : array_like
        The previous output, (units,).
    kernel, recurrent_kernel : array_like
        (features, 4·units) and (units, 4·units), as Keras keeps them.
    bias : array_like or None
        (4·units,), or None for use_bias=False.
    unit : int
        Which unit, from 0.

    Returns
    -------
    Feedback
        Right or not (within TOLERANCE), the slip it matches, and the working.

    Raises
    ------
    TypeError
        If the answer is not a number, or an array holds no real numbers.
    ValueError
        If a shape does not fit the others, a value is NaN or infinite, the unit is out
        of range, or the pre-activations overflow float64 (as lstm_forward refuses them).
    """
    gate = _checks.choice("gate", gate, LSTM_GATES)
    layer, *arrays = _gate_arrays(x, h_prev, kernel, recurrent_kernel, bias)
    unit = _gate_unit(unit, layer.units)
    question = _gate_question(gate, unit, layer, *arrays)
    if answer is not None:
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            hint = " (without quotes)" if isinstance(answer, str) else ""
            raise TypeError(
                f"answer must be a number such as 0.8022{hint}; got {answer!r} of type "
                f"{type(answer).__name__}"
            )
        if not math.isfinite(float(answer)):
            raise ValueError(f"answer must be a finite number; got {answer!r}")
        answer = float(answer)
    return judge(answer, question)


def _gate_unit(unit: object, units: int) -> int:
    if isinstance(unit, bool) or not isinstance(unit, numbers.Integral):
        raise TypeError(f"unit must be a whole number from 0 to {units - 1}; got {unit!r}")
    if not 0 <= unit < units:
        raise ValueError(
            f"unit must be from 0 to {units - 1} (the layer has {units} "
            f"unit{'s' if units > 1 else ''}); got {unit}"
        )
    return int(unit)
