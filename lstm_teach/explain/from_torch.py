"""Read a live PyTorch module through its attributes; lstm_teach never imports PyTorch.

Each module's settings (input_size, hidden_size, num_layers, bias, …) are read from the
attributes its constructor stored, and counted by `torch_text.arithmetic`; the
framework's side is `p.numel()` summed over the module's own parameters.
"""

from __future__ import annotations

import math
from typing import Any

from lstm_teach.explain.result import Explanation, LayerRow, shape_text
from lstm_teach.explain.torch_text import torch_row

_SETTINGS = (
    "input_size", "hidden_size", "num_layers", "bidirectional", "proj_size",
    "in_features", "out_features", "num_embeddings", "embedding_dim", "normalized_shape",
    "elementwise_affine", "num_features", "affine", "in_channels", "out_channels",
    "kernel_size", "groups",
)


def _settings(module: Any) -> dict[str, Any]:
    settings = {name: getattr(module, name) for name in _SETTINGS if hasattr(module, name)}
    for name, value in list(settings.items()):
        if isinstance(value, list):
            settings[name] = tuple(value)
    bias = getattr(module, "bias", True)
    settings["bias"] = bias if isinstance(bias, bool) else bias is not None
    return settings


def _own(module: Any) -> list[tuple[str, Any]]:
    return list(module.named_parameters(recurse=False))


def _row(name: str, module: Any) -> LayerRow:
    kind = type(module).__name__
    children = tuple(_row(child_name, child) for child_name, child in module.named_children())
    every = list(module.parameters())
    count = sum(int(parameter.numel()) for parameter in every)
    trainable = sum(int(parameter.numel()) for parameter in every if parameter.requires_grad)
    own = _own(module)
    note = ""
    if children and own:
        note = ("it holds parameters of its own (" + ", ".join(n for n, _ in own) +
                ") besides its modules; those are not explained here")
    frozen = bool(own) and not any(parameter.requires_grad for _, parameter in own)
    row = torch_row(name, kind, _settings(module), count, children, trainable, frozen, note)
    if row.count is not None and not children:
        theirs = sorted(tuple(int(size) for size in parameter.shape) for _, parameter in own)
        ours = sorted(weight.shape for weight in row.weights)
        if theirs != ours:
            return LayerRow(row.name, row.kind, None, None, row.weights, row.formula, row.count,
                            row.framework_count, row.rule, row.children,
                            "PyTorch's parameters have the shapes "
                            + ", ".join(map(shape_text, theirs)))
    return row


def explain_torch(module: Any) -> Explanation:
    """The Explanation of a PyTorch nn.Module (containers row by row).

    Parameters
    ----------
    module : torch.nn.Module
        Any module; read through its attributes and parameters().

    Returns
    -------
    Explanation
        One row per module, PyTorch's count beside the course's.
    """
    row = _row(type(module).__name__.lower(), module)
    if row.children:
        rows = row.children
        own = _own(module)
        if own:
            count = sum(math.prod(parameter.shape) for _, parameter in own)
            rows = (*rows, LayerRow.unknown("(own parameters)", type(module).__name__, count))
        return Explanation(f"Module {type(module).__name__}", "a PyTorch module", "PyTorch", rows)
    return Explanation(f"Module {type(module).__name__}", "a PyTorch module", "PyTorch", (row,))
