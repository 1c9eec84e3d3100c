"""The reference card: one sheet (two printed pages at most) a learner keeps.

`card_content()` gathers everything the card says as plain values: every count, shape and
slip is computed here by lstm_teach (counting and exercises), never typed, and each one
travels with a `Claim`, the question it answers in words a test can recompute on its own
(tests/test_handouts.py asks real Keras layers). `card_html()` renders that content with
the template tools/handout_template/card.html.j2; each checked number is printed inside an
element whose `data-claim` holds its claim as JSON, so the test reads back the very
numbers printed. Only the gate orders of other libraries are facts typed here; each row
names the source it was read from (GATE_ORDERS).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from latex2mathml.converter import convert as latex_to_mathml

import lstm_teach as lt
from lstm_teach.counting import GATES, LayerSpec

TEMPLATES = Path(__file__).resolve().parent / "handout_template"
#: (units, features) of the two layers the course starts from (12 and 16 parameters) and
#: of one wider layer for the rest of the card.
FIRST, SECOND, WIDER = (1, 1), (1, 2), (3, 7)
WIDER_TIMESTEPS = 10
STACK_UNITS, STACK_FEATURES = (6, 3), 5
ABOVE_BIDIRECTIONAL = 2  # units of an LSTM reading a Bidirectional(LSTM(3)) output


@dataclass(frozen=True)
class Claim:
    """A printed number and what it claims, e.g. text "132" for
    {"what": "count", "cell": "lstm", "units": 3, "features": 7}."""

    text: str
    claim: Mapping[str, object]

    @property
    def json(self) -> str:
        return json.dumps(dict(self.claim), sort_keys=True)


@dataclass(frozen=True)
class Worked:
    """The formula with one layer's numbers filled in: "4·(7·3 + 3·3 + 3)" = 132."""

    units: int
    features: int
    numbers: str
    total: Claim


@dataclass(frozen=True)
class Picture:
    """A weight grid drawn by lstm_teach.diagrams; description is its alt text. Its
    caption names the layer, the number of squares (its count) and any squares added
    since the layer before (outlined in the picture)."""

    png_base64: str
    width: int
    description: str
    units: int
    features: int
    squares: Claim
    added: Claim | None = None


@dataclass(frozen=True)
class TensorRow:
    name: str
    symbolic: str
    shapes: tuple[Claim, ...]  # one per layer in Card.tensor_layers
    block: str  # where one gate's slice sits


@dataclass(frozen=True)
class GateOrder:
    """How one library orders an LSTM's four paths, and where that was read."""

    library: str
    order: tuple[str, ...]
    layout: str
    source: str


@dataclass(frozen=True)
class CellRow:
    layer: str
    symbolic: str
    counts: tuple[Claim, ...]  # one per size in Card.cell_sizes


@dataclass(frozen=True)
class SlipRow:
    what: str
    answer: Claim


@dataclass(frozen=True)
class Card:
    formula_latex: str
    worked: tuple[Worked, ...]
    pictures: tuple[Picture, ...]
    tensor_layers: tuple[tuple[int, int], ...]
    tensors: tuple[TensorRow, ...]
    keras_gates: tuple[str, ...]
    gate_orders: tuple[GateOrder, ...]
    cell_sizes: tuple[tuple[int, int], ...]
    cells: tuple[CellRow, ...]
    stack: tuple[Claim, ...]  # each layer's count, then the total
    bidirectional: tuple[Claim, ...]  # wrapped layer, wrapper, its output width, layer above
    slip_layer: Claim  # the right count the slips are compared with
    slip_timesteps: int
    slips: tuple[SlipRow, ...]
    stack_slip: SlipRow
    bidirectional_slips: tuple[SlipRow, ...]
    sources: tuple[str, ...] = field(default=())


#: Gate orders of an LSTM's four paths, each read from the named source (the search
#: tool's code corpus: old Keras at its release tags, PyTorch, TensorFlow, ONNX).
GATE_ORDERS = (
    GateOrder(
        "Keras 1 (1.0.0 to 1.2.2)", ("i", "c", "f", "o"),
        "twelve arrays W_i, U_i, b_i, W_c, U_c, b_c, … in this order (get_weights, saved files)",
        "Keras 1.2.2 keras/layers/recurrent.py, LSTM.build (trainable_weights); Keras 2.0.8 "
        "keras/engine/topology.py converts them (\u201cold: i, c, f, o / new: i, f, c, o\u201d)",
    ),
    GateOrder(
        "Keras 2 and 3", GATES["lstm"],
        "column blocks of kernel, recurrent_kernel and bias",
        "Keras 2.2.4 keras/layers/recurrent.py (kernel_i … kernel_o slices); Keras 3.15.1 "
        "keras/src/layers/rnn/lstm.py (z0 … z3 are i, f, c, o)",
    ),
    GateOrder(
        "PyTorch nn.LSTM", ("i", "f", "g", "o"),
        "row blocks of weight_ih_l0, weight_hh_l0 and both biases (g is the candidate)",
        "torch/nn/modules/rnn.py, LSTM: weight_ih_l[k] is (W_ii|W_if|W_ig|W_io)",
    ),
    GateOrder(
        "cuDNN (Keras 2's CuDNNLSTM)", ("i", "f", "c", "o"),
        "one matrix per gate, input blocks in cuDNN's own transposed layout",
        "Keras 2.2.4 keras/layers/cudnn_recurrent.py (CuDNNLSTM passes kernel_i, _f, _c, _o); "
        "TensorFlow contrib/cudnn_rnn/python/ops/cudnn_rnn_ops.py (\u201cCudnn LSTM weights "
        "are in ifco order\u201d)",
    ),
    GateOrder(
        "ONNX LSTM operator", ("i", "o", "f", "c"),
        "row blocks of W, R and B",
        "onnx/defs/rnn/defs.cc, LSTM: W is the concatenation of W[iofc]",
    ),
)


def _count(layer: LayerSpec) -> Claim:
    claim: dict[str, object] = {"what": "count", "cell": layer.cell, "units": layer.units,
                                "features": layer.features}
    if layer.cell == "gru":
        claim["reset_after"] = layer.reset_after
    if not layer.keras:
        claim["convention"] = layer.convention
    return Claim(str(layer.count), claim)


def _formula_parts(layer: LayerSpec) -> tuple[str, str]:
    """(symbols, numbers) of the layer's formula, e.g. ("4·(features·units + …)", "4·(7·3 …)")."""
    symbols, numbers, _ = layer.formula.split(" = ")
    return symbols, numbers


def _latex(symbols: str) -> str:
    """The package's formula in LaTeX: words as text, · as a centred dot."""
    body = re.sub(r"[a-z_]+", lambda word: rf"\text{{{word.group(0)}}}", symbols)
    return r"\text{parameters} = " + body.replace("·", r" \cdot ")


def _picture(layer: LayerSpec, since: LayerSpec | None = None) -> Picture:
    from lstm_teach.diagrams import figure_png, weight_grid_figure

    new_since = None if since is None else (since.units, since.features)
    figure = weight_grid_figure(layer.units, layer.features, new_since=new_since)
    density = 2
    png = figure_png(figure, dpi=100, density=density, compress_level=9)
    width = int.from_bytes(png[16:20], "big") // density
    added = None if since is None else Claim(str(layer.count - since.count), {
        "what": "added", "units": [since.units, layer.units],
        "features": [since.features, layer.features]})
    return Picture(base64.b64encode(png).decode("ascii"), width, repr(figure), layer.units,
                   layer.features, _count(layer), added)


def _slip_row(slip: lt.exercises.Slip, claim: Mapping[str, object]) -> SlipRow:
    (answer,) = slip.answers
    return SlipRow(slip.what, Claim(str(answer), {**claim, "slip": slip.key}))


def card_content(pictures: bool = True) -> Card:
    """Everything the card prints, computed now by lstm_teach. pictures=False leaves the
    weight grids out (they need matplotlib; the numbers do not)."""
    first, second, wider = LayerSpec(*FIRST), LayerSpec(*SECOND), LayerSpec(*WIDER)
    symbols, _ = _formula_parts(first)
    worked = tuple(
        Worked(layer.units, layer.features, _formula_parts(layer)[1], _count(layer))
        for layer in (first, second, wider)
    )
    drawn = (_picture(first), _picture(second, since=first)) if pictures else ()
    tensor_layers = (SECOND, WIDER)
    symbolic = {"kernel": "(features, 4·units)", "recurrent_kernel": "(units, 4·units)",
                "bias": "(4·units,)"}
    block = {"kernel": "[:, k·units:(k+1)·units]",
             "recurrent_kernel": "[:, k·units:(k+1)·units]", "bias": "[k·units:(k+1)·units]"}
    tensors = tuple(
        TensorRow(
            row.name, symbolic[row.name],
            tuple(Claim(str(LayerSpec(units, features).shapes[row.name]),
                        {"what": "shape", "tensor": row.name, "units": units,
                         "features": features})
                  for units, features in tensor_layers),
            block[row.name],
        )
        for row in first.rows
    )
    cell_sizes = (FIRST, WIDER)
    cell_layers = (
        ("LSTM", {"cell": "lstm"}),
        ("GRU (reset_after=True, Keras 3's default)", {"cell": "gru"}),
        ("GRU (reset_after=False, Keras 2's GRU to 2.3.1)", {"cell": "gru", "reset_after": False}),
        ("SimpleRNN", {"cell": "simple_rnn"}),
        ("PyTorch nn.LSTM (two bias vectors)", {"convention": "pytorch"}),
    )
    cells = tuple(
        CellRow(
            title, _formula_parts(LayerSpec(1, 1, **options))[0],
            tuple(_count(LayerSpec(units, features, **options))
                  for units, features in cell_sizes),
        )
        for title, options in cell_layers
    )
    lower = LayerSpec(STACK_UNITS[0], STACK_FEATURES)
    upper = LayerSpec(STACK_UNITS[1], STACK_UNITS[0])
    stack_claim = {"what": "stack", "units": list(STACK_UNITS), "features": STACK_FEATURES}
    stack = (
        _count(lower), _count(upper),
        Claim(str(lower.count + upper.count), stack_claim),
    )
    above = LayerSpec(ABOVE_BIDIRECTIONAL, 2 * wider.units)
    bidirectional = (
        _count(wider),
        Claim(str(2 * wider.count), {"what": "bidirectional", "units": wider.units,
                                     "features": wider.features}),
        Claim(str(above.features), {"what": "bidirectional_width", "units": wider.units,
                                    "features": wider.features}),
        Claim(str(above.count), {"what": "above_bidirectional", "units": above.units,
                                 "below_units": wider.units, "features": wider.features}),
    )
    size = {"units": wider.units, "features": wider.features}
    question = lt.exercises.diagnose_count(
        None, wider.units, wider.features, timesteps=WIDER_TIMESTEPS).question
    slips = tuple(_slip_row(slip, {"what": "slip", **size, "timesteps": WIDER_TIMESTEPS})
                  for slip in question.slips)
    stack_question = lt.exercises.diagnose_stack(None, STACK_UNITS, STACK_FEATURES).question
    (stack_slip,) = (slip for slip in stack_question.slips if slip.key == "input_features")
    both = lt.exercises.diagnose_count(None, wider.units, wider.features,
                                       bidirectional=True).question
    bidirectional_slips = tuple(
        _slip_row(slip, {"what": "bidirectional_slip", **size})
        for slip in both.slips if slip.key in ("one_direction", "one_wide_layer")
    )
    return Card(
        formula_latex=_latex(symbols),
        worked=worked,
        pictures=drawn,
        tensor_layers=tensor_layers,
        tensors=tensors,
        keras_gates=GATES["lstm"],
        gate_orders=GATE_ORDERS,
        cell_sizes=cell_sizes,
        cells=cells,
        stack=stack,
        bidirectional=bidirectional,
        slip_layer=_count(wider),
        slip_timesteps=WIDER_TIMESTEPS,
        slips=slips,
        stack_slip=_slip_row(stack_slip, {"what": "stack_slip", "units": list(STACK_UNITS),
                                          "features": STACK_FEATURES}),
        bidirectional_slips=bidirectional_slips,
        sources=tuple(order.source for order in GATE_ORDERS),
    )


def card_html(card: Card, footer_html: str = "", title: str = "LSTM parameters: reference card",
              extra_css: str = "") -> str:
    """The card as one self-contained HTML page (pictures inline, math as MathML)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    formula = latex_to_mathml(card.formula_latex, display="block").replace("\n", "")
    return environment.get_template("card.html.j2").render(
        card=card, title=title, formula=jinja2.utils.markupsafe.Markup(formula),
        footer=jinja2.utils.markupsafe.Markup(footer_html),
        extra_css=jinja2.utils.markupsafe.Markup(extra_css),
    )
