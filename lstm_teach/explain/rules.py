"""The course's arithmetic for every layer `explain` knows: plain integers, no TensorFlow.

Each function takes a layer's settings and the size of what it reads and returns an
`Arithmetic`: the weights the layer must have (name, shape, trainable or not), the formula
with the numbers put in, and the key of the rule in `links.LINKS`, the course cell that
teaches it. The recurrent cells come from `lstm_teach.counting.LayerSpec`, so the course
has one formula for them; the rest are the few lines each layer needs.

>>> lstm = recurrent(LayerSpec(units=1, features=2))
>>> lstm.count, [weight.shape for weight in lstm.weights]
(16, [(2, 4), (1, 4), (4,)])
>>> dense(units=2, features=5).formula
'features·units + units = 5·2 + 2 = 12'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from lstm_teach.counting import CELL_KINDS, LayerSpec


@dataclass(frozen=True)
class Weight:
    """One weight tensor the arithmetic says a layer holds.

    Parameters
    ----------
    name : str
        The weight's name, as the framework calls it ("kernel", "weight_ih_l0", …).
    shape : tuple of int
        Its shape.
    trainable : bool
        False for numbers training does not fit (moving statistics, frozen layers).
    """

    name: str
    shape: tuple[int, ...]
    trainable: bool = True

    @property
    def count(self) -> int:
        return math.prod(self.shape)


@dataclass(frozen=True)
class Arithmetic:
    """A layer's weights by the course's rules, the formula with numbers, the rule's key.

    Parameters
    ----------
    weights : tuple of Weight
        Every weight tensor, in the framework's order.
    formula : str
        The formula in symbols, then with the numbers put in, then its value.
    rule : str
        The key of the rule in `links.LINKS`: the course cell that teaches it.
    """

    weights: tuple[Weight, ...]
    formula: str
    rule: str

    @property
    def count(self) -> int:
        return sum(weight.count for weight in self.weights)

    @property
    def trainable(self) -> int:
        return sum(weight.count for weight in self.weights if weight.trainable)

    @property
    def non_trainable(self) -> int:
        return self.count - self.trainable

    def frozen(self) -> Arithmetic:
        """The same weights with trainable=False (a layer frozen with layer.trainable = False).

        Returns
        -------
        Arithmetic
            The frozen copy; its formula says so.
        """
        weights = tuple(replace(weight, trainable=False) for weight in self.weights)
        return Arithmetic(weights, f"{self.formula}, all frozen (trainable=False)", self.rule)


def _n(value: int) -> str:
    return f"{value:,}" if value >= 10_000 else str(value)


def recurrent(spec: LayerSpec) -> Arithmetic:
    """An LSTM, GRU or SimpleRNN layer (or its cell), Keras' or PyTorch's convention.

    Parameters
    ----------
    spec : LayerSpec
        The layer, as `lstm_teach.counting` describes it.

    Returns
    -------
    Arithmetic
        Its weights and formula, from `spec.rows` and `spec.formula`.
    """
    weights = tuple(Weight(row.name, row.shape) for row in spec.rows)
    if not spec.use_bias:
        rule = f"{spec.cell}_no_bias"
    elif spec.cell == "gru" and not spec.reset_after:
        rule = "gru_reset_before"
    elif not spec.keras:
        rule = "two_biases"
    else:
        rule = spec.cell
    return Arithmetic(weights, spec.formula, rule)


def bidirectional(forward: Arithmetic, backward: Arithmetic) -> Arithmetic:
    """Two recurrent layers side by side, one reading the sequence backwards.

    Parameters
    ----------
    forward, backward : Arithmetic
        The two directions (equal unless a backward_layer was set apart).

    Returns
    -------
    Arithmetic
        Both directions' weights, named forward/… and backward/….
    """
    weights = tuple(
        replace(weight, name=f"{side}/{weight.name}")
        for side, arithmetic in (("forward", forward), ("backward", backward))
        for weight in arithmetic.weights
    )
    if forward.formula == backward.formula:
        formula = (f"2 × {_n(forward.count)} = {_n(forward.count * 2)} (a forward and a "
                   "backward copy)")
    else:
        formula = (f"forward {_n(forward.count)} + backward {_n(backward.count)} = "
                   f"{_n(forward.count + backward.count)}")
    return Arithmetic(weights, formula, "bidirectional")


def dense(units: int, features: int, use_bias: bool = True) -> Arithmetic:
    """Dense reads the last axis only: the same kernel for every timestep of a sequence.

    Parameters
    ----------
    units : int
        The layer's units (its output width).
    features : int
        The width of the last axis it reads.
    use_bias : bool
        Whether it has a bias.

    Returns
    -------
    Arithmetic
        kernel (features, units) and bias (units,).
    """
    weights = [Weight("kernel", (features, units))]
    if use_bias:
        weights.append(Weight("bias", (units,)))
        formula = f"features·units + units = {features}·{units} + {units}"
    else:
        formula = f"features·units = {features}·{units}"
    total = features * units + (units if use_bias else 0)
    return Arithmetic(tuple(weights), f"{formula} = {_n(total)}", "dense")


def embedding(input_dim: int, output_dim: int) -> Arithmetic:
    """One row of output_dim numbers per token of the vocabulary.

    Parameters
    ----------
    input_dim : int
        The vocabulary's size.
    output_dim : int
        The numbers per token.

    Returns
    -------
    Arithmetic
        embeddings (input_dim, output_dim).
    """
    return Arithmetic(
        (Weight("embeddings", (input_dim, output_dim)),),
        f"input_dim·output_dim = {input_dim}·{output_dim} = {_n(input_dim * output_dim)}",
        "embedding",
    )


def conv1d(filters: int, kernel_size: int, channels: int, *, groups: int = 1,
           use_bias: bool = True) -> Arithmetic:
    """A kernel of kernel_size × channels/groups per filter, one bias per filter.

    Parameters
    ----------
    filters : int
        Output channels.
    kernel_size : int
        The window's length.
    channels : int
        Input channels.
    groups : int
        Channel groups (each filter reads channels/groups of them).
    use_bias : bool
        Whether it has a bias.

    Returns
    -------
    Arithmetic
        kernel (kernel_size, channels/groups, filters) and bias (filters,).
    """
    per_group = channels // groups
    weights = [Weight("kernel", (kernel_size, per_group, filters))]
    symbols = "kernel_size·channels·filters"
    numbers = f"{kernel_size}·{per_group}·{filters}"
    if groups != 1:
        symbols = "kernel_size·(channels/groups)·filters"
    if use_bias:
        weights.append(Weight("bias", (filters,)))
        symbols, numbers = f"{symbols} + filters", f"{numbers} + {filters}"
    total = sum(weight.count for weight in weights)
    return Arithmetic(tuple(weights), f"{symbols} = {numbers} = {_n(total)}", "conv1d")


def conv_lstm(filters: int, kernel_size: tuple[int, ...], channels: int, *,
              use_bias: bool = True) -> Arithmetic:
    """ConvLSTM: an LSTM whose products are convolutions.

    Each weight is a kernel area k times what a Dense-style LSTM holds:
    4·(k·channels·filters + k·filters·filters + filters).

    Parameters
    ----------
    filters : int
        The layer's filters (its units).
    kernel_size : tuple of int
        The kernel's size along each spatial axis.
    channels : int
        Input channels.
    use_bias : bool
        Whether it has a bias.

    Returns
    -------
    Arithmetic
        kernel, recurrent_kernel and bias.
    """
    area = math.prod(kernel_size)
    paths = CELL_KINDS["lstm"].paths
    weights = [
        Weight("kernel", (*kernel_size, channels, paths * filters)),
        Weight("recurrent_kernel", (*kernel_size, filters, paths * filters)),
    ]
    bias_symbols = bias_numbers = ""
    if use_bias:
        weights.append(Weight("bias", (paths * filters,)))
        bias_symbols, bias_numbers = " + filters", f" + {filters}"
    total = sum(weight.count for weight in weights)
    area_text = (str(area) if len(kernel_size) == 1
                 else f"{'·'.join(map(str, kernel_size))} = {area}")
    formula = (
        f"4·(k·channels·filters + k·filters·filters{bias_symbols}) with k = {area_text}: "
        f"4·({area}·{channels}·{filters} + {area}·{filters}·{filters}{bias_numbers}) = {_n(total)}"
    )
    return Arithmetic(tuple(weights), formula, "conv_lstm")


def _scale_and_shift(channels: int, center: bool, scale: bool) -> list[Weight]:
    """gamma (a scale) and beta (a shift) per channel, each switched off by its flag."""
    return ([Weight("gamma", (channels,))] if scale else []) + (
        [Weight("beta", (channels,))] if center else [])


def batch_normalization(channels: int, *, center: bool = True, scale: bool = True) -> Arithmetic:
    """gamma and beta are learned; the moving mean and variance are updated, not trained.

    Parameters
    ----------
    channels : int
        The normalised axis' size.
    center, scale : bool
        Whether beta (center) and gamma (scale) exist.

    Returns
    -------
    Arithmetic
        gamma, beta (trainable), moving_mean and moving_variance (non-trainable).
    """
    weights = _scale_and_shift(channels, center, scale)
    learned = len(weights)
    names = " (" + ", ".join(weight.name for weight in weights) + ")" if weights else ""
    weights += [Weight("moving_mean", (channels,), False),
                Weight("moving_variance", (channels,), False)]
    formula = (
        f"{learned}·channels trainable{names} + 2·channels non-trainable (moving mean and "
        f"variance) = {learned}·{channels} + 2·{channels} = {_n((learned + 2) * channels)}"
    )
    return Arithmetic(tuple(weights), formula, "batch_normalization")


def layer_normalization(channels: int, *, center: bool = True, scale: bool = True) -> Arithmetic:
    """One scale (gamma) and one shift (beta) per normalised channel.

    Parameters
    ----------
    channels : int
        The number of normalised numbers.
    center, scale : bool
        Whether beta (center) and gamma (scale) exist.

    Returns
    -------
    Arithmetic
        gamma and beta.
    """
    weights = _scale_and_shift(channels, center, scale)
    count = len(weights)
    return Arithmetic(
        tuple(weights),
        f"{count}·channels = {count}·{channels} = {_n(count * channels)}",
        "layer_normalization",
    )


#: Layers without weights and what they do instead, for the row's explanation.
NO_WEIGHTS = {
    "InputLayer": "no weights: it only declares the shape of what comes in",
    "Dropout": "no weights: it zeroes a random share of the numbers while training",
    "SpatialDropout1D": "no weights: it drops whole feature channels while training",
    "Masking": "no weights: it marks timesteps equal to mask_value as padding",
    "Flatten": "no weights: it lays the axes after the batch out in one row",
    "RepeatVector": "no weights: it repeats its input n times along a new time axis",
    "Reshape": "no weights: it rearranges the same numbers into another shape",
    "Permute": "no weights: it reorders the axes",
    "Concatenate": "no weights: it puts its inputs side by side along one axis",
    "Add": "no weights: it adds its inputs number by number",
    "Activation": "no weights: it applies a function to each number",
}


def no_weights(kind: str) -> Arithmetic:
    """A layer that transforms its input without weights of its own.

    Parameters
    ----------
    kind : str
        Its class name, a key of `NO_WEIGHTS`.

    Returns
    -------
    Arithmetic
        No weights, and what the layer does instead.
    """
    return Arithmetic((), f"0: {NO_WEIGHTS[kind]}", "no_weights")


def stacked(parts: list[Arithmetic], rule: str, what: str) -> Arithmetic:
    """Several parts counted one after the other (stacked cells, a container's layers).

    Parameters
    ----------
    parts : list of Arithmetic
        Each part's arithmetic.
    rule : str
        The rule's key for the whole.
    what : str
        What the parts are, for the formula.

    Returns
    -------
    Arithmetic
        Every part's weights; the formula adds their counts.
    """
    weights = tuple(weight for part in parts for weight in part.weights)
    total = sum(part.count for part in parts)
    if not parts:
        return Arithmetic((), f"0: {what} holds no weights", rule)
    formula = f"{' + '.join(_n(part.count) for part in parts)} = {_n(total)} ({what})"
    return Arithmetic(weights, formula, rule)


# ---------------------------------------------------------------- PyTorch's layouts


def torch_recurrent(cell: str, input_size: int, hidden_size: int, *, num_layers: int = 1,
                    bias: bool = True, bidirectional: bool = False,
                    proj_size: int = 0) -> Arithmetic:
    """nn.LSTM / nn.GRU / nn.RNN, in PyTorch's layout.

    Per layer and direction: weight_ih, weight_hh, two biases (bias_ih, bias_hh) and, for an
    LSTM with proj_size, weight_hr (proj_size, hidden_size). Layer l > 0 reads what layer
    l − 1 returns: directions · (proj_size or hidden_size).

    Parameters
    ----------
    cell : str
        "lstm", "gru" or "simple_rnn".
    input_size, hidden_size : int
        What the first layer reads; each layer's hidden size.
    num_layers : int
        Stacked layers.
    bias : bool
        Whether the two biases exist.
    bidirectional : bool
        Whether each layer runs both ways.
    proj_size : int
        The LSTM's projected output size (0: none).

    Returns
    -------
    Arithmetic
        Every parameter PyTorch creates, in its order.
    """
    paths = CELL_KINDS[cell].paths
    width = paths * hidden_size
    out = proj_size or hidden_size
    directions = 2 if bidirectional else 1
    weights: list[Weight] = []
    parts: list[str] = []
    for layer in range(num_layers):
        reads = input_size if layer == 0 else directions * out
        for direction in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if direction else "")
            weights += [Weight(f"weight_ih{suffix}", (width, reads)),
                        Weight(f"weight_hh{suffix}", (width, out))]
            if bias:
                weights += [Weight(f"bias_ih{suffix}", (width,)),
                            Weight(f"bias_hh{suffix}", (width,))]
            if proj_size:
                weights.append(Weight(f"weight_hr{suffix}", (proj_size, hidden_size)))
        term = f"{reads}·{hidden_size} + {out}·{hidden_size}" + (f" + 2·{hidden_size}"
                                                                  if bias else "")
        term = f"{paths}·({term})" if paths > 1 else f"({term})"
        if proj_size:
            term += f" + {proj_size}·{hidden_size}"
        parts.append(f"{directions}·[{term}]" if directions > 1 else term)
    total = sum(weight.count for weight in weights)
    formula = f"{' + '.join(parts)} = {_n(total)}"
    if proj_size:
        rule = "torch_projection"
    elif bias:
        rule = "two_biases"
    else:
        rule = f"{cell}_no_bias"
    return Arithmetic(tuple(weights), formula, rule)


def torch_linear(in_features: int, out_features: int, bias: bool = True) -> Arithmetic:
    """nn.Linear: weight (out, in), the transpose of Keras' kernel, and bias (out,).

    Parameters
    ----------
    in_features, out_features : int
        What it reads and returns.
    bias : bool
        Whether it has a bias.

    Returns
    -------
    Arithmetic
        weight and bias.
    """
    weights = [Weight("weight", (out_features, in_features))]
    formula = f"in·out = {in_features}·{out_features}"
    if bias:
        weights.append(Weight("bias", (out_features,)))
        formula = f"in·out + out = {in_features}·{out_features} + {out_features}"
    total = sum(weight.count for weight in weights)
    return Arithmetic(tuple(weights), f"{formula} = {_n(total)}", "dense")


def torch_embedding(num_embeddings: int, embedding_dim: int) -> Arithmetic:
    """nn.Embedding: one row of embedding_dim numbers per token.

    Parameters
    ----------
    num_embeddings, embedding_dim : int
        The vocabulary's size and the numbers per token.

    Returns
    -------
    Arithmetic
        weight (num_embeddings, embedding_dim).
    """
    total = num_embeddings * embedding_dim
    return Arithmetic(
        (Weight("weight", (num_embeddings, embedding_dim)),),
        f"num_embeddings·embedding_dim = {num_embeddings}·{embedding_dim} = {_n(total)}",
        "embedding",
    )


def cudnn(cell: str, units: int, features: int) -> Arithmetic:
    """Keras 2's CuDNNLSTM / CuDNNGRU: PyTorch's count under Keras' names.

    Keras' kernel shapes and one bias of twice the width: cuDNN's input and recurrent biases
    end to end.

    Parameters
    ----------
    cell : str
        "lstm" or "gru".
    units, features : int
        The layer's units and what it reads.

    Returns
    -------
    Arithmetic
        kernel, recurrent_kernel and bias (2·paths·units,).
    """
    spec = LayerSpec(units, features, cell, True, "pytorch")
    width = spec.kind.paths * units
    weights = (Weight("kernel", (features, width)), Weight("recurrent_kernel", (units, width)),
               Weight("bias", (2 * width,)))
    return Arithmetic(weights, spec.formula, "cudnn")
