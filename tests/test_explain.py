"""lt.explain: every count equal to Keras' own, a summary read back row by row, checked
summaries that say what cannot be, bad input refused, and every row linked to a real cell.

Expected numbers in the examples are worked out by hand in the comments beside them; the
property tests compare with Keras itself (count_params, trainable_weights), never with
the module's own output.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_teach as lt
from lstm_teach.explain import LINKS, explain
from lstm_teach.explain.summary_text import parse_summary

ROOT = Path(__file__).resolve().parent.parent
SEED = (Path("/work/shared/seed/000_7d43dcc9900c91df.txt"))


def keras():
    return lt.keras()


# ---------------------------------------------------------------- generated Keras models

small = st.integers(min_value=1, max_value=6)
CELLS = ("LSTM", "GRU", "SimpleRNN")


@st.composite
def recurrent_layer(draw, sequences: bool | None = None):
    layers = keras().layers
    kind = draw(st.sampled_from(CELLS))
    options = {"use_bias": draw(st.booleans()), "go_backwards": draw(st.booleans()),
               "return_sequences": draw(st.booleans()) if sequences is None else sequences}
    if kind == "GRU":
        options["reset_after"] = draw(st.booleans())
    return getattr(layers, kind)(draw(small), **options)


@st.composite
def sequence_layer(draw):
    """A layer that takes (batch, timesteps, features) and returns the same rank."""
    layers = keras().layers
    choice = draw(st.sampled_from([
        "recurrent", "bidirectional", "time_distributed", "dense", "masking", "dropout",
        "spatial_dropout", "layer_norm", "batch_norm", "conv1d", "stacked_cells",
    ]))
    if choice == "recurrent":
        return draw(recurrent_layer(sequences=True))
    if choice == "bidirectional":
        drawn = draw(recurrent_layer(sequences=True))
        # Keras refuses a Bidirectional around a layer with go_backwards=True.
        forward = type(drawn)(drawn.units, return_sequences=True, use_bias=drawn.use_bias)
        merge = draw(st.sampled_from(["concat", "sum", "ave", "mul"]))
        backward = None
        if draw(st.booleans()):
            backward = type(forward)(forward.units, return_sequences=True, go_backwards=True,
                                     use_bias=draw(st.booleans()))
        return layers.Bidirectional(forward, merge_mode=merge, backward_layer=backward)
    if choice == "time_distributed":
        return layers.TimeDistributed(layers.Dense(draw(small), use_bias=draw(st.booleans())))
    if choice == "dense":
        return layers.Dense(draw(small), use_bias=draw(st.booleans()))
    if choice == "masking":
        return layers.Masking()
    if choice == "dropout":
        return layers.Dropout(0.5)
    if choice == "spatial_dropout":
        return layers.SpatialDropout1D(0.5)
    if choice == "layer_norm":
        return layers.LayerNormalization(center=draw(st.booleans()), scale=draw(st.booleans()))
    if choice == "batch_norm":
        return layers.BatchNormalization(center=draw(st.booleans()), scale=draw(st.booleans()),
                                         trainable=draw(st.booleans()))
    if choice == "conv1d":
        return layers.Conv1D(draw(small), draw(st.integers(1, 3)), padding="same",
                             use_bias=draw(st.booleans()))
    cells = [getattr(layers, f"{kind}Cell")(draw(small))
             for kind in draw(st.lists(st.sampled_from(CELLS), min_size=1, max_size=3))]
    return layers.RNN(layers.StackedRNNCells(cells) if len(cells) > 1 else cells[0],
                      return_sequences=True)


@st.composite
def sequential_models(draw):
    k = keras()
    layers = k.layers
    timesteps, features = draw(st.integers(2, 5)), draw(small)
    start = draw(st.sampled_from(["sequence", "tokens", "conv_lstm1d", "conv_lstm2d"]))
    stack: list = []
    if start == "tokens":
        stack += [k.Input((timesteps,)), layers.Embedding(draw(st.integers(2, 30)), features,
                                                          trainable=draw(st.booleans()))]
    elif start == "conv_lstm1d":
        filters = draw(small)
        stack += [k.Input((timesteps, 4, features)),
                  layers.ConvLSTM1D(filters, draw(st.integers(1, 3)), padding="same",
                                    return_sequences=True, use_bias=draw(st.booleans())),
                  layers.Reshape((timesteps, 4 * filters))]
    elif start == "conv_lstm2d":
        filters = draw(small)
        stack += [k.Input((timesteps, 3, 3, features)),
                  layers.ConvLSTM2D(filters, (draw(st.integers(1, 2)), draw(st.integers(1, 3))),
                                    padding="same", return_sequences=True),
                  layers.Reshape((timesteps, 9 * filters))]
    else:
        stack.append(k.Input((timesteps, features)))
    stack += draw(st.lists(sequence_layer(), max_size=4))
    end = draw(st.sampled_from(["sequence", "last_state", "flatten", "repeat"]))
    if end == "sequence" and len(stack) == 1:
        stack.append(layers.Dense(draw(small)))
    if end == "last_state":
        stack.append(draw(recurrent_layer(sequences=False)))
    elif end == "flatten":
        stack += [layers.Flatten(), layers.Dense(draw(small))]
    elif end == "repeat":
        stack += [draw(recurrent_layer(sequences=False)), layers.RepeatVector(2),
                  draw(recurrent_layer(sequences=True))]
    return k.Sequential(stack)


@st.composite
def functional_models(draw):
    """Two branches joined by Concatenate or Add, a nested Sequential, an encoder's states."""
    k = keras()
    layers = k.layers
    inputs = k.Input((draw(st.integers(2, 4)), draw(small)))
    units = draw(small)
    left = layers.LSTM(units, return_sequences=True, use_bias=draw(st.booleans()))(inputs)
    right = layers.GRU(units, return_sequences=True,
                       reset_after=draw(st.booleans()))(inputs)
    joined = (layers.Add() if draw(st.booleans()) else layers.Concatenate())([left, right])
    inner = k.Sequential([layers.SimpleRNN(draw(small), return_sequences=True),
                          layers.Dense(draw(small))])
    hidden = inner(joined)
    _, state_h, state_c = layers.LSTM(units, return_state=True)(hidden)
    decoded = layers.LSTM(units)(hidden, initial_state=[state_h, state_c])
    return k.Model(inputs, layers.Dense(1)(decoded))


def trainable_split(model) -> tuple[int, int]:
    trainable = sum(math.prod(weight.shape) for weight in model.trainable_weights)
    return trainable, model.count_params() - trainable


def assert_explained_like_keras(model):
    explained = explain(model)
    for _, row in explained.rows():
        assert row.count is not None, (row.name, row.kind, row.note)
        assert row.count == row.framework_count, (row.name, row.formula)
        assert row.agrees
    assert explained.total == model.count_params()
    assert (explained.trainable, explained.non_trainable) == trainable_split(model)
    return explained


@settings(max_examples=30)
@given(model=sequential_models())
def test_every_row_of_a_sequential_model_counts_what_keras_counts(model):
    assert_explained_like_keras(model)
    assert_read_back(model, lt.summary_text(model))
    assert_read_back(model, keras2_text(model))
    assert_read_back(model, keras2_text(model, squeeze=True))


@settings(max_examples=10)
@given(model=functional_models())
def test_every_row_of_a_functional_model_counts_what_keras_counts(model):
    assert_explained_like_keras(model)
    assert_read_back(model, lt.summary_text(model))
    assert_read_back(model, keras2_text(model))


# ---------------------------------------------------------------- summaries read back


def keras2_text(model, squeeze: bool = False) -> str:
    """The model's summary as Keras 2.0.8 printed it (keras/utils/layer_utils.py at that tag:
    fixed columns at 45 % and 85 % of the line, "_" between rows, "=" around them, totals
    with thousands separators), wide enough that no field is cut. squeeze=True collapses
    runs of spaces, as a copy from a web page does (the seed's own summary is such a copy)."""
    names = [f"{layer.name} ({type(layer).__name__})" for layer in model.layers]
    shapes = [shape(layer) for layer in model.layers]
    connected = not isinstance(model, keras().Sequential)  # Keras 2 adds "Connected to"
    widths = [max(map(len, names)) + 2, max(map(len, shapes)) + 2, 12]
    length = sum(widths) + (30 if connected else 0)
    lines = ["_" * length, "Layer (type)".ljust(widths[0]) + "Output Shape".ljust(widths[1])
             + ("Param #".ljust(widths[2]) + "Connected to" if connected else "Param #"),
             "=" * length]
    for index, (name, printed) in enumerate(zip(names, shapes, strict=True)):
        layer = model.layers[index]
        inputs = connections(layer) if connected else [""]
        lines.append(name.ljust(widths[0]) + printed.ljust(widths[1])
                     + str(layer.count_params()).ljust(widths[2]) + inputs[0])
        lines += [" " * sum(widths) + more for more in inputs[1:]]
        lines.append("=" * length if index == len(names) - 1 else "_" * length)
    trainable, frozen = trainable_split(model)
    lines += [f"Total params: {trainable + frozen:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {frozen:,}", "_" * length]
    if squeeze:
        lines = [re.sub(r" {2,}", " ", line).strip() for line in lines]
    return "\n".join(lines)


def connections(layer) -> list[str]:
    """Keras 2's "Connected to" entries, name[node][tensor], one per input."""
    if not layer._inbound_nodes:
        return [""]
    found = []
    for tensor in keras().tree.flatten(layer._inbound_nodes[0].input_tensors):
        history = tensor._keras_history
        found.append(f"{history.operation.name}[{history.node_index}][{history.tensor_index}]")
    return found or [""]


def shape(layer) -> str:
    output = layer.output
    if isinstance(output, list | tuple):
        return "[" + ", ".join(shape_of(tensor) for tensor in output) + "]"
    return shape_of(output)


def shape_of(tensor) -> str:
    sizes = ["None" if size is None else str(size) for size in tensor.shape]
    return f"({sizes[0]},)" if len(sizes) == 1 else "(" + ", ".join(sizes) + ")"


#: Layers whose count a summary cannot check when nothing printed says what they read.
NEEDS_INPUT = ("Conv1D", "ConvLSTM1D", "ConvLSTM2D")


def assert_read_back(model, text: str):
    from_model = explain(model).layers
    from_text = explain(text).layers
    assert len(from_text) == len(from_model), text
    for index, (mine, printed) in enumerate(zip(from_model, from_text, strict=True)):
        assert printed.name == mine.name or (
            printed.name.endswith("…") and mine.name.startswith(printed.name[:-1])), text
        assert (printed.kind, printed.output_shape) == (mine.kind, mine.output_shape), text
        assert printed.framework_count == mine.framework_count
        if printed.count is None and printed.kind in NEEDS_INPUT and index == 0:
            continue  # a Sequential summary does not print the input
        if printed.kind == "RNN" and len(mine.children) > 1:  # stacked cells are not printed
            assert printed.rule == "unknown" or printed.count == mine.count
            continue
        if printed.kind in ("Sequential", "Functional") and not printed.children:
            assert printed.rule == "unknown"  # not expanded: its rows are not printed
            continue
        assert printed.count == mine.count, (text, printed.formula)
        if len(printed.readings) == 1 and printed.weights:  # one reading: the same weights
            assert sorted(w.shape for w in printed.weights) == sorted(
                w.shape for w in mine.weights) or printed.kind.startswith("ConvLSTM"), text


def test_the_keras_3_summary_is_read_back_with_wrapped_names_and_several_outputs():
    k = keras()
    layers = k.layers
    inputs = k.Input((5, 4), name="x")
    sequences, state_h, state_c = layers.LSTM(
        3, return_sequences=True, return_state=True,
        name="an_encoder_layer_with_a_name_too_long_for_its_column")(inputs)
    merged = layers.Concatenate(name="states")([state_h, state_c])
    head = layers.Dense(2, name="head")(merged)
    model = k.Model(inputs, [head, sequences], name="encoder")
    text = lt.summary_text(model)
    assert "an_encoder_layer" in text and "…" in text and "│ (LSTM)" in text
    # Keras 3 cut the name with "…" and wrapped its type onto the next line
    rows = parse_summary(text).rows
    assert [(row.kind, row.count) for row in rows] == [
        ("InputLayer", 0), ("LSTM", 96), ("Concatenate", 0), ("Dense", 14)]
    # 96 = 4·(4·3 + 3·3 + 3): the LSTM reads x's 4 features; head reads 3 + 3 = 6: 6·2 + 2.
    explained = explain(text)
    assert explained.layers[1].formula.endswith("4·(4·3 + 3·3 + 3) = 96")
    assert explained.layers[3].formula == "features·units + units = 6·2 + 2 = 14"
    assert_read_back(model, text)


def test_an_expanded_nested_model_is_read_with_its_inner_rows():
    k = keras()
    layers = k.layers
    inner = k.Sequential([layers.LSTM(2, name="inner_lstm"), layers.Dense(1, name="inner_dense")],
                         name="inner")
    model = k.Sequential([k.Input((5, 4)), layers.LSTM(3, return_sequences=True, name="outer"),
                          inner], name="nested")
    lines: list[str] = []
    model.summary(expand_nested=True, line_length=80, print_fn=lambda text, **_: lines.append(text))
    explained = explain("\n".join(lines))
    nested = explained.row("inner")
    # inner_lstm reads outer's 3 units: 4·(3·2 + 2·2 + 2) = 48; inner_dense 2·1 + 1 = 3.
    assert [(child.name, child.count) for child in nested.children] == [
        ("inner_lstm", 48), ("inner_dense", 3)]
    assert nested.count == 51 == model.get_layer("inner").count_params()
    assert explain(model).row("inner_lstm").count == 48


# ---------------------------------------------------------------- checked, not trusted


def plain(*rows: str, totals: str = "") -> str:
    return "\n".join(["Layer (type)                 Output Shape              Param #",
                      "=" * 65, *rows, "=" * 65, totals])


def test_a_count_no_lstm_can_have_is_refused_with_what_would_fit():
    row = explain(plain("lstm (LSTM)                  (None, 32)                4000")).layers[0]
    assert row.count is None and row.framework_count == 4000 and row.agrees is False
    # 4·(f·32 + 32·32 + 32) = 4352 + 128·(f − 1): 4,000 is below f = 1.
    assert row.formula.startswith(
        "an LSTM with 32 units cannot have 4,000 parameters: 4·(f·32 + 32·32 + 32) is 4,352 "
        "for f = 1 and grows by 128 per feature")
    # SimpleRNN(32) on 92 features: 92·32 + 32·32 + 32 = 4,000.
    assert "SimpleRNN(32), reading 92 features" in row.formula


@pytest.mark.parametrize(
    ("printed", "fits"),
    [
        # LSTM(4) after a Dense(3) row: Keras has 4·(3·4 + 16 + 4) = 128.
        (144, "LSTM(4) with two bias vectors per path"),      # 4·(12 + 16 + 8): PyTorch, CuDNN
        (256, "a Bidirectional wrapper around LSTM(4)"),      # 2·128
        (96, "another cell, GRU(4, reset_after=False)"),       # 3·(12 + 16 + 4)
    ],
)
def test_a_wrong_count_after_a_known_width_names_the_explanation_that_fits(printed, fits):
    text = plain("dense (Dense)                (None, 7, 3)              6",
                 f"lstm (LSTM)                  (None, 4)                 {printed}")
    row = explain(text).row("lstm")
    assert row.count is None and row.agrees is False
    assert row.formula.startswith(
        "an LSTM(4) reading 3 features has 128 parameters (4·(features·units + units·units + "
        f"units) = 4·(3·4 + 4·4 + 4) = 128), not {printed}")
    assert fits in row.formula


def test_the_first_layer_of_a_sequential_summary_is_ambiguous_and_both_readings_are_named():
    # LSTM(3, use_bias=False) on 6 features: 4·3·(6 + 3) = 108 = 4·3·(5 + 3 + 1), an
    # LSTM(3) with its bias on 5 features. The summary does not print the input.
    k = keras()
    model = k.Sequential([k.Input((4, 6)), k.layers.LSTM(3, use_bias=False, name="lstm")])
    row = explain(lt.summary_text(model)).row("lstm")
    assert row.count == row.framework_count == 108
    assert row.readings == ("LSTM(3) reading 5 features",
                            "LSTM(3, use_bias=False) reading 6 features")
    assert row.formula.startswith("ambiguous: ")
    # With the InputLayer row of a functional model the width is printed: one reading.
    inputs = k.Input((4, 6))
    functional = k.Model(inputs, k.layers.LSTM(3, use_bias=False, name="lstm")(inputs))
    assert explain(lt.summary_text(functional)).row("lstm").readings == (
        "LSTM(3, use_bias=False) reading 6 features",)


def test_gru_readings_with_and_without_reset_after():
    # After 3 features: GRU(4) has 3·(12 + 16 + 8) = 108, with reset_after=False 96,
    # without a bias 84.
    for printed, reading in [(108, "GRU(4) reading 3"), (96, "GRU(4, reset_after=False)"),
                             (84, "GRU(4, use_bias=False)")]:
        text = plain("dense (Dense)                (None, 7, 3)              6",
                     f"gru (GRU)                    (None, 4)                 {printed}")
        assert explain(text).row("gru").readings[0].startswith(reading)


def test_features_are_worked_out_exactly_at_any_size():
    units, features = 7, 10**12 + 3
    printed = 4 * (features * units + units * units + units)
    row = explain(plain(f"lstm (LSTM)                  (None, 7)                 {printed:,}")
                  ).layers[0]
    assert f"reading {features} features" in row.readings[0]
    assert row.count == printed


def test_the_seed_summary_written_by_keras_2_is_read():
    text = SEED.read_text(encoding="utf-8")
    first = text[text.index("Layer (type)"):text.index("num_params 12")]
    second = text[text.index("Layer (type)", text.index("num_params 12")):
                  text.index("num_params 16")]
    one, two = explain(first), explain(second)
    assert one.printed == {"total": 12, "trainable": 12, "non_trainable": 0}  # "12.0" read
    assert one.row("lstm_1").framework_count == 12 and two.row("lstm_1").count == 16
    # 12 = 4·(1·1 + 1·1 + 1), or 4·(2·1 + 1·1) without a bias: the seed's summary alone
    # cannot say which, and explain says so; 16 likewise (2 features, or 3 without a bias).
    assert one.row("lstm_1").readings == ("LSTM(1) reading 1 feature",
                                          "LSTM(1, use_bias=False) reading 2 features")


def test_keras_1_rows_with_connections_and_a_wrong_total():
    text = "\n".join([
        "_" * 100,
        "Layer (type)                     Output Shape          Param #     Connected to",
        "=" * 100,
        "lstm_1 (LSTM)                    (None, 1)             16          lstm_input_1[0][0]",
        "_" * 100,
        "dense_1 (Dense)                  (None, 3)             6           lstm_1[0][0]",
        "=" * 100,
        "Total params: 23",
    ])
    explained = explain(text)
    # dense_1 reads lstm_1's 1 unit: 1·3 + 3 = 6.
    assert explained.row("dense_1").formula == "features·units + units = 1·3 + 3 = 6"
    assert any("23" in note and "22" in note for note in explained.notes)


def test_batch_normalization_moving_statistics_are_non_trainable_in_text_too():
    text = plain("dense (Dense)                (None, 5)                 20",
                 "batch_normalization (BatchNormalization) (None, 5)  20")
    explained = explain(text)
    # BatchNormalization over 5 channels: gamma, beta (10 trainable), moving mean and
    # variance (10 non-trainable); Dense(5) on 3 features: 3·5 + 5 = 20.
    assert (explained.trainable, explained.non_trainable) == (30, 10)


def test_pytorch_printed_form_without_pytorch():
    text = """Seq2Seq(
  (embedding): Embedding(1000, 64, padding_idx=0)
  (encoder): LSTM(64, 32, proj_size=16, num_layers=2, batch_first=True, bidirectional=True)
  (head): Sequential(
    (0): Linear(in_features=32, out_features=2, bias=True)
    (1): ReLU()
  )
)"""
    explained = explain(text)
    # 1000·64 = 64,000; the LSTM: layer 0 per direction 4·(64·32 + 16·32 + 2·32) + 16·32 =
    # 11,264, layer 1 reads 2·16: 4·(32·32 + 16·32 + 2·32) + 16·32 = 6,656; ×2 directions.
    assert explained.row("embedding").count == 64_000
    assert explained.row("encoder").count == 2 * (11_264 + 6_656) == 35_840
    assert explained.row("head").count == 66
    assert explained.total == 64_000 + 35_840 + 66


# ---------------------------------------------------------------- bad input


def test_unbuilt_models_none_and_other_objects_are_refused_with_what_is_accepted():
    k = keras()
    with pytest.raises(ValueError, match=r"^obj must be a built Keras model or layer; "
                                         r"'unbuilt' has no weights yet"):
        explain(k.Sequential([k.layers.LSTM(2)], name="unbuilt"))
    for bad in (None, 42, [1, 2], object()):
        with pytest.raises(TypeError, match=r"^obj must be a built Keras model or layer, a "
                                            r"PyTorch module, or the text of a printed"):
            explain(bad)
    with pytest.raises(TypeError, match="decode"):
        explain(b"Layer (type)")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"^obj is empty text"),
        ("hello world", r"^text must be a printed model\.summary\(\)"),
        ("Layer (type)   Output Shape   Param #\n=====\n", r"no layer rows"),
        ("Layer (type)   Output Shape   Param #\n=====\nlstm (LSTM) (None, 4", r"cannot read"),
        ("┏━━━┓\n┃ Layer (type) ┃ Output Shape ┃ Param # ┃\n│ lstm (LSTM) │ (None, 3) │ 96 │",
         r"cut short"),
        ("Net(\n  (lstm): LSTM(3, 4)\n", r"cut short"),
        ("Net(\n  (lstm): LSTM(3, 4\n)", r"cut short"),
    ],
)
def test_garbage_and_truncated_text_gets_one_clear_error(text, message):
    with pytest.raises(ValueError, match=message):
        explain(text)


def test_a_keras_3_summary_cut_in_the_middle_is_refused():
    k = keras()
    model = k.Sequential([k.Input((3, 2)), k.layers.LSTM(2), k.layers.Dense(1)])
    text = lt.summary_text(model)
    cut = "\n".join(text.splitlines()[:6])
    with pytest.raises(ValueError, match="cut short"):
        explain(cut)


# ---------------------------------------------------------------- showing it


def test_str_and_html_show_every_row_escape_the_text_and_link_every_rule():
    k = keras()
    model = k.Sequential([k.Input((5, 2)), k.layers.LSTM(3, name="lstm"),
                          k.layers.Dense(1, name="head")], name="m")
    explained = explain(model)
    text = str(explained)
    assert "4·(2·3 + 3·3 + 3) = 72" in text and "total 76 parameters" in text  # 72 + 3·1 + 1
    page = explained._repr_html_()
    assert page.count('class="explain-row"') == 2
    assert 'href="../../notebooks/03_any_shape.ipynb#ev-formula"' in page
    hostile = explain(plain("x<script>alert(1)</script> (Dense)  (None, 2)  4"))
    assert "<script>" not in hostile._repr_html_()


def _anchors() -> dict[str, set[str]]:
    found = {}
    for path in ROOT.glob("notebooks/**/*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "".join("".join(cell["source"]) for cell in cells)
        found[path.relative_to(ROOT).as_posix()] = set(re.findall(r'id="(ev-[\w-]+)"', text))
    return found


@pytest.mark.parametrize("rule", sorted(LINKS))
def test_every_rule_links_to_a_cell_that_exists(rule):
    path, anchor, _ = LINKS[rule]
    anchors = _anchors()
    assert path in anchors, f"{rule}: {path} is not a notebook (notebooks moved? edit LINKS)"
    assert anchor in anchors[path], f"{rule}: {path} has no anchor {anchor}"


def test_reading_text_imports_no_tensorflow():
    code = ("import sys, lstm_teach as lt; "
            "lt.explain('Layer (type) Output Shape Param #\\n===\\nl (LSTM) (None, 1) 12\\n===');"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ---------------------------------------------------------------- the command


def test_the_command_explains_a_saved_model_and_a_summary_file(tmp_path, capsys):
    from lstm_teach.explain.__main__ import main
    from tools.cli import parse_arguments

    k = keras()
    model = k.Sequential([k.Input((10, 3)), k.layers.LSTM(7, name="lstm")], name="saved")
    model.save(tmp_path / "model.keras")
    (tmp_path / "summary.txt").write_text(lt.summary_text(model), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("no summary here", encoding="utf-8")
    assert main([str(tmp_path / "model.keras")]) == 0
    # 4·(3·7 + 7·7 + 7) = 308, from the model's own layer.
    assert "4·(3·7 + 7·7 + 7) = 308" in capsys.readouterr().out
    assert main([str(tmp_path / "summary.txt")]) == 0
    assert "lstm" in capsys.readouterr().out
    assert main([str(tmp_path / "notes.txt")]) == 1
    assert capsys.readouterr().err.startswith("explain: text must be a printed model.summary()")
    assert main([str(tmp_path / "missing.keras")]) == 1
    assert "is not a file" in capsys.readouterr().err
    assert parse_arguments(["explain", "model.keras"]).file == "model.keras"


def test_the_readme_example_prints_what_the_readme_shows():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your own model: `lt.explain`", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0].strip().splitlines()
    printed: list[str] = []
    exec(code, {"print": lambda *args: printed.append(" ".join(map(str, args)))})  # as is
    output = printed[0].splitlines()
    assert all(line in output for line in shown), (shown, output)


# ---------------------------------------------------------------- more layers and the checker


def test_stateful_and_return_state_simple_rnns_and_a_lone_layer_and_an_unknown_one():
    k = keras()
    layers = k.layers
    stateful = k.Sequential([k.Input(batch_shape=(2, 5, 3)),
                             layers.SimpleRNN(4, stateful=True, name="rnn")])
    # 3·4 + 4·4 + 4 = 32; the states (2, 4) are variables but no weights.
    assert assert_explained_like_keras(stateful).row("rnn").count == 32
    inputs = k.Input((5, 3))
    output, state = layers.SimpleRNN(4, return_state=True, use_bias=False, go_backwards=True,
                                     name="rnn")(inputs)
    model = k.Model(inputs, [output, state])
    assert assert_explained_like_keras(model).row("rnn").count == 3 * 4 + 4 * 4
    lone = layers.GRU(3, reset_after=False)
    lone.build((None, 7, 2))
    # 3·(2·3 + 3·3 + 3) = 54, the layer built alone outside any model.
    assert explain(lone).layers[0].count == lone.count_params() == 54
    unknown = k.Sequential([k.Input((5, 3)), layers.PReLU(name="prelu")])
    row = explain(unknown).row("prelu")
    assert (row.count, row.framework_count, row.formula, row.agrees) == (
        None, 15, "not explained here", None)


def test_diagnose_summary_reads_a_wrapped_name_and_stays_exact_at_any_size():
    from lstm_teach import exercises as ex

    k = keras()
    name = "a_layer_name_long_enough_to_wrap_in_the_summary"
    inputs = k.Input((4, 6), name="readings")
    model = k.Model(inputs, k.layers.LSTM(3, name=name)(inputs))
    text = lt.summary_text(model)
    assert "…" in text  # Keras cut the name and put "(LSTM)" on the next line
    # 4·(6·3 + 3·3 + 3) = 120 with the InputLayer row giving the 6 features.
    assert ex.diagnose_summary(120, text, name).correct
    assert "?" in ex.hide_count(text, name) and "120" not in ex.hide_count(text, name)
    features = 10**15 + 1
    count = 4 * (features * 3 + 3 * 3 + 3)
    huge = text.replace("(None, 4, 6)", f"(None, 4, {features})").replace(
        "120", f"{count:,}", 1)
    assert ex.diagnose_summary(count, huge, name).correct
    assert not ex.diagnose_summary(count + 4, huge, name).correct


@pytest.mark.parametrize("module", ["lstm_teach.explain", "lstm_teach.explain.rules"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    failures, attempted = doctest.testmod(importlib.import_module(module))
    assert attempted >= 2 and failures == 0
