"""How the notebooks print numbers: fixed decimals, a sign, and no "-0.0000".

Printed numbers are compared by nbval digit for digit, so they are rounded to what
float32 Keras and float64 NumPy agree on (4 decimals) and a tiny negative such as
-1e-17 prints as +0.0000, the same on every machine.

>>> signed(0.123456), signed(-1e-17), signed(-0.5)
('+0.1235', '+0.0000', '-0.5000')
>>> vector([0.5, -0.25])
'[+0.5000, -0.2500]'
>>> below(2.9e-08), below(3.5e-08), below(0.002)
('below 1e-6', 'below 1e-6', '0.002 (not below 1e-6)')
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real | np.ndarray):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    array = np.asarray(value, dtype=float)
    if array.size != 1:
        raise ValueError(f"{name} must be one number, got an array of shape {array.shape}")
    number = float(array.reshape(()))
    if np.isnan(number):
        raise ValueError(f"{name} is NaN: whatever computed it went wrong before printing")
    return number


def signed(value: float, digits: int = 4) -> str:
    """value with a sign and `digits` decimals; rounding first keeps -0.0 away.

    Parameters
    ----------
    value : float
        A real number (a NumPy scalar or one-element array too).
    digits : int
        Decimals to print.

    Returns
    -------
    str
        E.g. "+0.1235"; a tiny negative prints as "+0.0000", never "-0.0000".

    Raises
    ------
    TypeError
        If value is not a real number.
    ValueError
        If it is NaN, or an array of more than one number.
    """
    number = _number("value", value)
    return f"{round(number, digits) + 0.0:+.{digits}f}"


def vector(values: Iterable[float], digits: int = 4) -> str:
    """A list of numbers as [+0.1234, -0.5678], each as signed() writes it.

    Parameters
    ----------
    values : iterable of float
        Numbers (an array of any shape is read in order).
    digits : int
        Decimals to print.

    Returns
    -------
    str
        The numbers in brackets.

    Raises
    ------
    TypeError
        If values is a string or holds something other than numbers.
    ValueError
        If a value is NaN.
    """
    if isinstance(values, str | bytes):
        raise TypeError(f"values must be numbers, got {values!r}")
    flat = np.asarray(list(values) if not isinstance(values, np.ndarray) else values,
                      dtype=float).ravel()
    return "[" + ", ".join(signed(value, digits) for value in flat) + "]"


def below(difference: float, bound: float = 1e-6) -> str:
    """How far two results differ, said so that every machine prints the same text.

    The last digits of a round-off (2.9e-08 on one CPU, 3.5e-08 on another) depend on
    the processor, so a difference under `bound` prints only as "below <bound>"; a larger
    one is a real disagreement and prints with one significant digit.

    Parameters
    ----------
    difference : float
        The size of a difference (its sign is ignored).
    bound : float
        The bound below which it is round-off (default 1e-6).

    Returns
    -------
    str
        "below 1e-6", or e.g. "0.002 (not below 1e-6)".

    Raises
    ------
    TypeError
        If difference or bound is not a real number.
    ValueError
        If either is NaN, or bound is not positive.
    """
    size = abs(_number("difference", difference))
    limit = _number("bound", bound)
    if not limit > 0:
        raise ValueError(f"bound must be a positive number, got {bound!r}")
    mantissa, exponent = f"{limit:.0e}".split("e")
    written = f"{mantissa}e{int(exponent)}"
    if size < limit:
        return f"below {written}"
    return f"{size:.1g} (not below {written})"
