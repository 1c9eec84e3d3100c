"""PyTorch modules, from their settings: the arithmetic, and the text of print(model).

`arithmetic(kind, settings)` counts one module from the settings its constructor took
(read from a live module's attributes in `from_torch`, or from its printed form here).
`parse_torch` reads `print(model)`: a line per module, "(name): Kind(arguments)",
containers opening "(" and closing ")", and PyTorch's "(0-2): 3 x Linear(...)" for
repeated modules. The arguments are read with `ast.literal_eval` (numbers, strings,
tuples, True/False): nothing in the text is executed.
"""

from __future__ import annotations

import ast
import math
import re
from typing import Any

from lstm_teach.explain import rules
from lstm_teach.explain.result import Explanation, LayerRow

_RECURRENT = {"LSTM": "lstm", "GRU": "gru", "RNN": "simple_rnn"}
#: Modules without parameters, and what they do instead.
NO_PARAMETERS = {
    "Dropout": "no weights: it zeroes a random share of the numbers while training",
    "Flatten": "no weights: it lays the axes out in one row",
    "Identity": "no weights: it returns its input",
    "ReLU": "no weights: an activation function",
    "Tanh": "no weights: an activation function",
    "Sigmoid": "no weights: an activation function",
    "GELU": "no weights: an activation function",
    "Softmax": "no weights: an activation function",
    "LogSoftmax": "no weights: an activation function",
    "LeakyReLU": "no weights: an activation function",
}
#: Constructor arguments in the order PyTorch's repr prints them without names.
_POSITIONAL = {
    "LSTM": ("input_size", "hidden_size"),
    "GRU": ("input_size", "hidden_size"),
    "RNN": ("input_size", "hidden_size"),
    "Embedding": ("num_embeddings", "embedding_dim"),
    "Linear": ("in_features", "out_features"),
    "LayerNorm": ("normalized_shape",),
    "BatchNorm1d": ("num_features",),
    "BatchNorm2d": ("num_features",),
    "Conv1d": ("in_channels", "out_channels", "kernel_size"),
}
_CONTAINERS = ("Sequential", "ModuleList", "ModuleDict")


def _int(settings: dict[str, Any], name: str, default: int | None = None) -> int:
    value = settings.get(name, default)
    if isinstance(value, tuple) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name}={value!r}")
    return value


def arithmetic(kind: str, settings: dict[str, Any]) -> rules.Arithmetic | None:
    """The course's count of one PyTorch module from its constructor's settings.

    Parameters
    ----------
    kind : str
        The module's class name ("LSTM", "Linear", …).
    settings : dict
        Its settings by argument name (input_size, hidden_size, bias, …).

    Returns
    -------
    Arithmetic or None
        None when the module is not explained here, or its settings are not what the
        arithmetic needs.
    """
    try:
        return _arithmetic(kind, settings)
    except (ValueError, KeyError, TypeError):
        return None


def _arithmetic(kind: str, settings: dict[str, Any]) -> rules.Arithmetic | None:
    if kind in NO_PARAMETERS:
        return rules.Arithmetic((), f"0: {NO_PARAMETERS[kind]}", "no_weights")
    if kind in _RECURRENT:
        return rules.torch_recurrent(
            _RECURRENT[kind], _int(settings, "input_size"), _int(settings, "hidden_size"),
            num_layers=_int(settings, "num_layers", 1), bias=bool(settings.get("bias", True)),
            bidirectional=bool(settings.get("bidirectional", False)),
            proj_size=_int(settings, "proj_size", 0) if kind == "LSTM" else 0,
        )
    if kind == "Linear":
        return rules.torch_linear(_int(settings, "in_features"), _int(settings, "out_features"),
                                  bool(settings.get("bias", True)))
    if kind == "Embedding":
        return rules.torch_embedding(_int(settings, "num_embeddings"),
                                     _int(settings, "embedding_dim"))
    if kind == "LayerNorm":
        shape = settings["normalized_shape"]
        size = math.prod(shape) if isinstance(shape, tuple) else int(shape)
        if not settings.get("elementwise_affine", True):
            return rules.Arithmetic((), "0: elementwise_affine=False, no weights", "no_weights")
        weights = [rules.Weight("weight", (size,))]
        if settings.get("bias", True):
            weights.append(rules.Weight("bias", (size,)))
        return rules.Arithmetic(tuple(weights), f"{len(weights)}·{size} = "
                                f"{len(weights) * size}", "layer_normalization")
    if kind in ("BatchNorm1d", "BatchNorm2d"):
        channels = _int(settings, "num_features")
        if not settings.get("affine", True):
            return rules.Arithmetic((), "0: affine=False; running statistics are buffers, "
                                    "not parameters", "batch_normalization")
        return rules.Arithmetic(
            (rules.Weight("weight", (channels,)), rules.Weight("bias", (channels,))),
            f"2·channels = 2·{channels} = {2 * channels} (the running mean and variance are "
            "buffers, which parameters() does not list)", "batch_normalization")
    if kind == "Conv1d":
        made = rules.conv1d(_int(settings, "out_channels"), _int(settings, "kernel_size"),
                            _int(settings, "in_channels"), groups=_int(settings, "groups", 1),
                            use_bias=bool(settings.get("bias", True)))
        out, k = _int(settings, "out_channels"), _int(settings, "kernel_size")
        per_group = _int(settings, "in_channels") // _int(settings, "groups", 1)
        weights = tuple(rules.Weight("weight", (out, per_group, k)) if weight.name == "kernel"
                        else weight for weight in made.weights)
        return rules.Arithmetic(weights, made.formula, made.rule)
    return None


def torch_row(name: str, kind: str, settings: dict[str, Any], framework_count: int | None,
              children: tuple[LayerRow, ...] = (), framework_trainable: int | None = None,
              frozen: bool = False, note: str = "") -> LayerRow:
    """One module's row: its own arithmetic, or its children's sum for a container.

    Parameters
    ----------
    name, kind : str
        The module's attribute name and class name.
    settings : dict
        Its settings by argument name.
    framework_count : int or None
        PyTorch's count (None for printed text, which shows none).
    children : tuple of LayerRow
        The rows of the modules inside it.
    framework_trainable : int or None
        PyTorch's trainable count.
    frozen : bool
        Whether its own parameters have requires_grad=False.
    note : str
        A remark.

    Returns
    -------
    LayerRow
        The row.
    """
    if children or kind in _CONTAINERS:
        parts = [rules.Arithmetic(child.weights, child.formula, child.rule or "unknown")
                 if child.count is not None else None for child in children]
        if any(part is None for part in parts) or note:
            return LayerRow.unknown(name, kind, framework_count, children=children,
                                    framework_trainable=framework_trainable, note=note or
                                    "holds modules not explained here")
        made = rules.stacked(parts, "model", f"the modules inside {name}")  # type: ignore[arg-type]
        return LayerRow.explained(name, kind, made, framework_count, children=children)
    made = arithmetic(kind, settings)
    if made is None:
        return LayerRow.unknown(name, kind, framework_count,
                                framework_trainable=framework_trainable, note=note)
    if frozen and made.weights:
        made = made.frozen()
    return LayerRow.explained(name, kind, made, framework_count, note=note)


# ---------------------------------------------------------------- print(model)

_LINE = re.compile(r"^(?P<indent>\s*)(?:\((?P<name>[^()]*)\):\s*)?"
                   r"(?:(?P<times>\d+) x )?(?P<kind>[A-Za-z_]\w*)\((?P<rest>.*)$")


def looks_like_torch(text: str) -> bool:
    """Whether text is PyTorch's print(model): its first line is Kind( or Kind(...).

    Parameters
    ----------
    text : str
        Pasted text.

    Returns
    -------
    bool
        True for PyTorch's printed form.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "Layer (type)" in text or "┃" in text:
        return False
    found = _LINE.match(first)
    return bool(found) and found["name"] is None


def _split(arguments: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in arguments:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def _settings(kind: str, arguments: str) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    positional = _POSITIONAL.get(kind, ())
    index = 0
    for part in _split(arguments):
        key, equals, value = part.partition("=")
        if not equals or not key.isidentifier():
            key, value = (positional[index] if index < len(positional) else f"_{index}"), part
            index += 1
        try:
            settings[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            settings[key.strip()] = value.strip()
    return settings


def _names(name: str | None, times: str | None) -> list[str]:
    if name is None:
        return [""]
    if times and re.fullmatch(r"\d+-\d+", name):
        first, last = map(int, name.split("-"))
        return [str(number) for number in range(first, last + 1)]
    return [name]


def parse_torch(text: str) -> Explanation:
    """The Explanation of PyTorch's print(model) (counts from the arithmetic alone).

    Parameters
    ----------
    text : str
        The printed module.

    Returns
    -------
    Explanation
        One row per module; no framework count (the text shows none).

    Raises
    ------
    ValueError
        A line cannot be read, or the text is cut short.
    """
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    stack: list[tuple[list[str], str, list[LayerRow]]] = [([""], "", [])]
    for line in lines:
        if line.strip() == ")":
            if len(stack) == 1:
                raise ValueError("text has a ')' with no module open before it: paste the "
                                 "whole output of print(model)")
            names, kind, children = stack.pop()
            for name in names:
                stack[-1][2].append(torch_row(name, kind, {}, None, tuple(children)))
            continue
        found = _LINE.match(line)
        if not found:
            raise ValueError(f"cannot read the line {line.strip()!r} of print(model): expected "
                             "'(name): Kind(arguments)' or ')'")
        names = _names(found["name"], found["times"])
        kind, rest = found["kind"], found["rest"].rstrip()
        if rest == "":  # a container opens: its modules follow
            stack.append((names, kind, []))
            continue
        if not rest.endswith(")"):
            raise ValueError(f"the line {line.strip()!r} of print(model) is cut short: its "
                             "arguments have no closing ')'")
        settings = _settings(kind, rest[:-1])
        for name in names:
            stack[-1][2].append(torch_row(name or kind.lower(), kind, settings, None))
    if len(stack) != 1:
        raise ValueError(f"text is cut short: {stack[-1][1]}( is never closed with ')'; paste "
                         "the whole output of print(model)")
    rows = stack[0][2]
    if len(rows) == 1 and rows[0].children:
        top = rows[0]
        return Explanation(f"Module {top.kind}", "a printed PyTorch print(model)", "printed",
                           top.children)
    return Explanation("PyTorch module", "a printed PyTorch print(model)", "printed",
                       tuple(rows))
