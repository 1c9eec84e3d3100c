"""Argument checks shared by every layer of the package.

Each check raises TypeError (wrong kind of value) or ValueError (right kind, wrong
value) with a message that names the argument and says what is accepted, so a learner
never meets a NumPy broadcasting error or a silently wrong number instead.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np


def positive_int(name: str, value: object) -> int:
    """Return value if it is a whole number >= 1 (bools and floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a whole number >= 1 (an int), got {value!r} "
            f"of type {type(value).__name__}"
        )
    if value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value}")
    return int(value)


def positive_number(name: str, value: object, why: str = "") -> float:
    """Return value as a float if it is a real, finite number > 0 (bools are refused).

    `why` says what needs it positive, e.g. "the axis is logarithmic", for the message.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    number = float(value)
    if not np.isfinite(number) or number <= 0:
        reason = f" ({why})" if why else ""
        raise ValueError(f"{name} must be a positive finite number{reason}, got {number!r}")
    return number


def flag(name: str, value: object) -> bool:
    """Return value if it is exactly True or False."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def choice(name: str, value: object, accepted: Iterable[str]) -> str:
    """Return value if it is one of the accepted strings."""
    accepted = tuple(accepted)
    if not isinstance(value, str) or value not in accepted:
        listed = ", ".join(repr(option) for option in accepted)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def real_numbers(name: str, value: object, what: str = "") -> np.ndarray:
    """Return value as NumPy sees it if it is made of real numbers, of any shape.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : object
        A number, a list or an array.
    what : str
        More about what is accepted, e.g. "shaped (batch, units)", for the message.

    Returns
    -------
    numpy.ndarray
        ``np.asarray(value)``, uncopied.

    Raises
    ------
    TypeError
        If value is None, a string, or holds bools (which NumPy would read as 1 and 0),
        complex numbers or objects.
    """
    described = f" {what}" if what else ""
    if value is None or isinstance(value, str | bytes):
        raise TypeError(f"{name} must hold real numbers (ints or floats){described}, "
                        f"got {value!r}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an array of real numbers{described}") from error
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(
            f"{name} must hold real numbers (ints or floats){described}, "
            f"got dtype {array.dtype}"
        )
    return array


def number_array(name: str, value: object, ndim: int, meaning: str) -> np.ndarray:
    """Check that value is an array of finite real numbers of the given rank; return it as
    NumPy sees it, without copying or converting (see real_array for a float64 copy).

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : array_like
        What the caller passed.
    ndim : int
        How many dimensions the array must have.
    meaning : str
        What the axes are, e.g. "(batch, timesteps, features)", for the message.

    Returns
    -------
    numpy.ndarray
        ``np.asarray(value)``: the caller's own array when it was one.

    Raises
    ------
    TypeError
        If value holds no real numbers (bools, strings, complex numbers, objects).
    ValueError
        If it has another number of dimensions, or holds NaN or infinity.
    """
    array = real_numbers(name, value, f"shaped {meaning}")
    if array.ndim != ndim:
        raise ValueError(
            f"{name} must have {ndim} dimension{'s' if ndim != 1 else ''} {meaning}, "
            f"got shape {array.shape}"
        )
    if array.size and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers (no NaN or infinity)")
    return array


def real_array(name: str, value: object, ndim: int, meaning: str) -> np.ndarray:
    """Return value as a float64 array of the given rank, refusing bools and non-numbers.

    The result is always a new array: changing the caller's array afterwards changes
    nothing here, and changing the result leaves the caller's array alone.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : array_like
        What the caller passed.
    ndim : int
        How many dimensions the array must have.
    meaning : str
        What the axes are, e.g. "(batch, timesteps, features)", for the message.

    Returns
    -------
    numpy.ndarray
        A float64 copy of value.

    Raises
    ------
    TypeError
        If value holds no real numbers.
    ValueError
        If it has another number of dimensions, or holds NaN or infinity.
    """
    return number_array(name, value, ndim, meaning).astype(np.float64)


def shape_is(name: str, array: np.ndarray, expected: tuple[int, ...], meaning: str) -> None:
    """Raise ValueError unless array.shape equals expected, explaining the expectation."""
    if array.shape != expected:
        raise ValueError(f"{name} must have shape {expected} {meaning}, got {array.shape}")


#: Largest magnitude each float type Keras may keep weights or compute in can hold.
FLOAT_MAX = {
    "float16": float(np.finfo(np.float16).max),
    "bfloat16": 3.3895313892515355e38,  # float32's exponent range with 8 bits of mantissa
    "float32": float(np.finfo(np.float32).max),
    "float64": float(np.finfo(np.float64).max),
}
#: Largest magnitude a float32 (what Keras computes in by default) can hold.
FLOAT32_MAX = FLOAT_MAX["float32"]


def values_fit(name: str, array: np.ndarray, dtype: str = "float32") -> np.ndarray:
    """Refuse values that become infinite when Keras casts them to `dtype`.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    array : numpy.ndarray
        Finite real numbers (checked by real_array or number_array first).
    dtype : str
        The Keras float type the values go to: "float16", "bfloat16", "float32" or
        "float64".

    Returns
    -------
    numpy.ndarray
        array itself, unchanged.

    Raises
    ------
    ValueError
        If a value's magnitude is beyond what dtype holds.
    """
    limit = FLOAT_MAX[dtype]
    largest = float(np.max(np.abs(array))) if array.size else 0.0
    if largest > limit:
        raise ValueError(
            f"{name} holds a value of magnitude {largest:.3g}, beyond what {dtype} (the "
            f"Keras number type it goes to) can hold, about {limit:.3g}; Keras would turn "
            "it into infinity"
        )
    return array


def float32_values(name: str, array: np.ndarray) -> np.ndarray:
    """Refuse values that become infinite when Keras casts them to float32.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    array : numpy.ndarray
        Finite real numbers.

    Returns
    -------
    numpy.ndarray
        array itself, unchanged.

    Raises
    ------
    ValueError
        If a value's magnitude is beyond float32's largest, about 3.4e38.
    """
    return values_fit(name, array, "float32")


def fraction(name: str, value: object) -> float:
    """A real number from 0 up to (not including) 1, such as a dropout rate."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number from 0 to below 1, got {value!r}")
    number = float(value)
    if not 0.0 <= number < 1.0:
        raise ValueError(f"{name} must be a number from 0 to below 1, got {number!r}")
    return number
