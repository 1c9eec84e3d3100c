"""Which Keras version had what: the one table of version ranges the course states.

Old answers (the source answer among them) were written for Keras 1 and 2. Every version
range the course gives for them is a row here, read in the library's own source at the
tags named (keras-team/keras, whose tags 1.0.0 to 2.3.1 are multi-backend Keras, v2.6.0 to
v2.15.0 tf.keras, v3.x Keras 3). Notebook 10 (notebooks/reference/) prints the table and
every notebook cites it; tests/test_history.py fails when a notebook or a doc states a
range that is not a row here. Pure data: no TensorFlow.

>>> era("hard_sigmoid_default").versions
'Keras 2.0.0 to 2.2.5'
>>> era("kernel_c_on_cell").first
'2.0.9'
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

_WIDTH = 88


@dataclass(frozen=True)
class Era:
    """One old form and the versions that had it.

    Parameters
    ----------
    key : str
        The row's name, which notebooks cite (e.g. "hard_sigmoid_default").
    library : str
        "Keras" (multi-backend Keras and Keras 3) or "tf.keras".
    what : str
        The old form, as a learner meets it in an old answer.
    first, last : str or None
        The first and last tags read that had it; `last` None: Keras 3 still has it.
    after : str or None
        The first tag without it, where `then` took over (None: not read).
    then : str
        What replaced it, or what to write instead.
    source : str
        The file(s) read, at every tag of the range unless it says otherwise.
    mentions : tuple of str
        Regular expressions that show a sentence is about this row (tests/test_history.py).
    """

    key: str
    library: str
    what: str
    first: str
    last: str | None
    after: str | None
    then: str
    source: str
    mentions: tuple[str, ...]

    @property
    def versions(self) -> str:
        """"Keras 2.0.0 to 2.2.5", "Keras 2.0.0 on" or "Keras 2.0.0" (one tag)."""
        if self.last is None:
            return f"{self.library} {self.first} on"
        if self.last == self.first:
            return f"{self.library} {self.first}"
        return f"{self.library} {self.first} to {self.last}"

    def __str__(self) -> str:
        """The row as the table prints it: versions, the old form, what followed, the source."""
        indent = " " * 4
        lines = [f"{self.versions} [{self.key}]"]
        for label, text in (("", self.what), ("then: ", self.then), ("read in: ", self.source)):
            lines.append(textwrap.fill(
                label + text, _WIDTH, initial_indent=indent, subsequent_indent=indent * 2,
                break_long_words=False, break_on_hyphens=False,
            ))
        return "\n".join(lines)


_RECURRENT = "keras/layers/recurrent.py"

ERAS: tuple[Era, ...] = (
    Era(
        "keras1_lstm_arrays", "Keras", "An LSTM keeps twelve per-gate arrays W_i, U_i, b_i, "
        "W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o, listed in the gate order i, c, f, o "
        "(the default consume_less='cpu').",
        "1.0.0", "1.2.2", "2.0.0",
        "Three tensors, kernel, recurrent_kernel and bias, gates in the order i, f, c, o.",
        f"{_RECURRENT} (LSTM.build)",
        (r"twelve (per-gate )?arrays", r"\bW_i\b", r"consume_less"),
    ),
    Era(
        "keras1_gate_activation", "Keras", "The gates default to inner_activation="
        "'hard_sigmoid', 0.2·z + 0.5 clipped to 0…1.",
        "1.0.0", "1.2.2", "2.0.0",
        "The argument is renamed recurrent_activation (same default, next row).",
        f"{_RECURRENT}; the function in keras/backend/tensorflow_backend.py",
        (r"inner_activation",),
    ),
    Era(
        "keras1_forget_bias", "Keras", "The forget gate's bias starts at ones through "
        "forget_bias_init='one'.",
        "1.0.0", "1.2.2", "2.0.0",
        "unit_forget_bias=True (Keras 2 and 3); Keras 2.0.0 to 2.3.1 turn "
        "forget_bias_init='one' into it (keras/legacy/interfaces.py).",
        f"{_RECURRENT} (LSTM.__init__)",
        (r"forget_bias_init",),
    ),
    Era(
        "hard_sigmoid_default", "Keras", "LSTM and GRU default to recurrent_activation="
        "'hard_sigmoid', the same 0.2·z + 0.5 clipped.",
        "2.0.0", "2.2.5", "2.3.0",
        "'sigmoid' from 2.3.0, as in Keras 3. Keras 3's own hard_sigmoid is another "
        "function, z/6 + 0.5 clipped.",
        f"{_RECURRENT}; the function in keras/backend/tensorflow_backend.py at 2.2.5; "
        "Keras 3's in keras/backend/tensorflow/nn.py at v3.0.0",
        (r"hard[_ ]sigmoid", r"recurrent_activation"),
    ),
    Era(
        "kernel_c_on_layer", "Keras", "LSTM.build makes one kernel and names slices of it: "
        "lstm.kernel_i, kernel_f, kernel_c, kernel_o, recurrent_kernel_*, bias_*.",
        "2.0.0", "2.0.8", "2.0.9",
        "The same slices on the cell, lstm.cell.kernel_c (next row).",
        f"{_RECURRENT} (LSTM.build)",
        (r"kernel_[ifco]\b", r"bias_[ifco]\b", r"recurrent_kernel_\*"),
    ),
    Era(
        "kernel_c_on_cell", "Keras", "LSTMCell.build makes the same slices: "
        "lstm.cell.kernel_c and its siblings.",
        "2.0.9", "2.3.1", "2.4.0",
        "2.4.0 hands LSTM over to tf.keras, whose LSTMCell names no slices; Keras 3 has "
        "none either: kernel[:, k·units:(k+1)·units].",
        f"{_RECURRENT} (LSTMCell.build); at 2.4.0 the file imports tf.keras' layers",
        (r"kernel_[ifco]\b", r"bias_[ifco]\b", r"LSTMCell"),
    ),
    Era(
        "input_dim_keras1", "Keras", "Recurrent layers take input_dim and input_length, "
        "e.g. LSTM(32, input_dim=64, input_length=10).",
        "1.0.0", "1.2.2", "2.0.0",
        "keras.Input(shape=(timesteps, features)).",
        f"{_RECURRENT} (Recurrent.__init__)",
        (r"input_dim", r"input_length"),
    ),
    Era(
        "input_dim_refused", "Keras", "Recurrent layers refuse input_dim (Layer.__init__ "
        "raises 'Keyword argument not understood').",
        "2.0.0", "2.0.0", "2.0.1",
        "Converted again, with a warning (next row).",
        "keras/engine/topology.py and keras/legacy/interfaces.py",
        (r"input_dim", r"input_length"),
    ),
    Era(
        "input_dim_warning", "Keras", "input_dim and input_length on a recurrent layer are "
        "turned into input_shape, with a deprecation warning.",
        "2.0.1", "2.3.1", "2.4.0",
        "Keras 3 reads input_dim as a one-axis input_shape=(input_dim,) and an LSTM "
        "refuses it.",
        "keras/legacy/interfaces.py (recurrent_args_preprocessor); Keras 3: "
        "keras/src/layers/layer.py",
        (r"input_dim", r"input_length"),
    ),
    Era(
        "nb_epoch_keras1", "Keras", "fit counts epochs with nb_epoch.",
        "1.0.0", "1.2.2", "2.0.0",
        "epochs (next row).",
        "keras/engine/training.py (Model.fit)",
        (r"nb_epoch",),
    ),
    Era(
        "nb_epoch_warning", "Keras", "fit takes nb_epoch as epochs, with a warning.",
        "2.0.0", "2.3.1", "2.4.0",
        "Keras 3's fit refuses nb_epoch.",
        "keras/engine/training.py (Model.fit)",
        (r"nb_epoch",),
    ),
    Era(
        "batch_input_shape_on_layers", "Keras", "Any first layer takes batch_input_shape="
        "(batch, timesteps, features).",
        "1.0.0", "2.3.1", "2.4.0",
        "Keras 3: keras.Input(batch_shape=...); only InputLayer still reads "
        "batch_input_shape.",
        "keras/engine/topology.py (Layer.__init__); keras/engine/base_layer.py from 2.2.0",
        (r"batch_input_shape",),
    ),
    Era(
        "model_reset_states", "Keras", "model.reset_states() resets every stateful layer.",
        "1.0.0", "2.3.1", "2.4.0",
        "Keras 3's models have no reset_states: call reset_state() on each stateful layer.",
        "keras/engine/topology.py (Container.reset_states) up to 2.1.6; "
        "keras/engine/network.py (Network.reset_states) from 2.2.0",
        (r"reset_states",),
    ),
    Era(
        "cudnn_layers", "Keras", "CuDNNLSTM and CuDNNGRU: GPU-only layers whose kernels "
        "hold each gate's matrices in cuDNN's layout and whose bias is two sets, "
        "(8·units,) and (6·units,).",
        "2.0.9", "2.3.1", "2.4.0",
        "2.4.0 makes the names aliases of tf.keras' LSTM and GRU; Keras 3 has neither.",
        "keras/layers/cudnn_recurrent.py (build, _process_batch, _canonical_to_params)",
        (r"CuDNNLSTM", r"CuDNNGRU"),
    ),
    Era(
        "cudnn_tf_keras", "tf.keras", "tf.compat.v1.keras.layers.CuDNNLSTM and CuDNNGRU, "
        "the same layouts.",
        "v2.6.0", "v2.15.0", None,
        "Keras 3 has neither. Earlier tf.keras lives in TensorFlow's own repository, not "
        "read here.",
        "keras/layers/cudnn_recurrent.py at v2.6.0, keras/layers/rnn/cudnn_lstm.py and "
        "cudnn_gru.py at v2.15.0",
        (r"CuDNNLSTM", r"CuDNNGRU", r"tf\.compat\.v1"),
    ),
    Era(
        "cudnn_lstm_converter", "Keras", "Loading a CuDNNLSTM's weights into an LSTM re-lays "
        "them out: each gate's input block kernel.T.reshape(kernel.shape, order='F'), each "
        "recurrent block transposed, the two biases summed.",
        "2.0.9", "2.3.1", "2.4.0",
        "Keras 3 has no converter: do it yourself (notebook 10).",
        "keras/engine/topology.py (load_weights' preprocessing) up to 2.1.6; "
        "keras/engine/saving.py (_convert_rnn_weights in preprocess_weights_for_loading) "
        "from 2.2.0",
        (r"_convert_rnn_weights", r"preprocess_weights_for_loading"),
    ),
    Era(
        "cudnn_gru_converter", "Keras", "The same converter for CuDNNGRU and "
        "GRU(reset_after=True), its bias reshaped to (2, 3·units); GRU(reset_after=False) "
        "is refused.",
        "2.1.5", "2.3.1", "2.4.0",
        "Keras 3 has no converter.",
        "keras/engine/topology.py at 2.1.5 and 2.1.6; keras/engine/saving.py from 2.2.0",
        (r"CuDNNGRU.*GRU\(reset_after", r"_convert_rnn_weights"),
    ),
    Era(
        "gru_keras1", "Keras", "GRU applies the reset gate before the recurrent product, "
        "(r ⊙ h)·U_h, with one bias.",
        "1.0.0", "1.2.2", "2.0.0",
        "The same GRU in Keras 2.0.0 (next row).",
        f"{_RECURRENT} (GRU.step)",
        (r"reset_after", r"reset gate"),
    ),
    Era(
        "gru_no_reset_after", "Keras", "GRU has no reset_after argument at all: it always "
        "resets before the product.",
        "2.0.0", "2.1.4", "2.1.5",
        "reset_after appears in 2.1.5, default False (next row).",
        _RECURRENT,
        (r"reset_after",),
    ),
    Era(
        "gru_reset_after_false", "Keras", "GRU(reset_after=False) is the default; "
        "reset_after=True (cuDNN's form, a second bias row) is an option.",
        "2.1.5", "2.3.1", "2.4.0",
        "True is the default in tf.keras 2 (v2.6.0, keras/layers/recurrent_v2.py) and in "
        "Keras 3.",
        f"{_RECURRENT} (GRUCell.__init__)",
        (r"reset_after",),
    ),
    Era(
        "gru_reset_after_true", "Keras", "GRU(reset_after=True) is the default: bias of "
        "shape (2, 3·units); reset_after=False is still accepted.",
        "3.0.0", None, None,
        "(today)",
        "keras/layers/rnn/gru.py at v3.0.0; keras/src/layers/rnn/gru.py at the pinned "
        "version",
        (r"reset_after",),
    ),
    Era(
        "peephole_cell", "tf.keras", "tf.keras.experimental.PeepholeLSTMCell, with a "
        "deprecation warning; its build adds three (units,) peephole weights.",
        "v2.6.0", "v2.8.0", "v2.9.0",
        "Gone at v2.9.0; multi-backend Keras never had it (no such class at any tag 1.0.0 "
        "to 2.3.1), Keras 3 has none.",
        f"{_RECURRENT} (PeepholeLSTMCell)",
        (r"PeepholeLSTMCell", r"peephole"),
    ),
)

_BY_KEY = {row.key: row for row in ERAS}


def era(key: str) -> Era:
    """The row named `key`, e.g. era("hard_sigmoid_default").

    Parameters
    ----------
    key : str
        A row's key, as the notebooks cite it.

    Returns
    -------
    Era
        That row.

    Raises
    ------
    KeyError
        If no row has that key; the message lists the keys.
    """
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(
            f"no history row {key!r}; the rows are: {', '.join(_BY_KEY)}"
        ) from None


def table(keys: tuple[str, ...] | None = None) -> str:
    """The rows (all, or those named), as notebook 10 prints them.

    Parameters
    ----------
    keys : tuple of str or None
        The rows to print, by key; None prints them all.

    Returns
    -------
    str
        Each row's versions and key, its old form, what followed and where it was read.

    Raises
    ------
    KeyError
        If a key names no row.
    """
    rows = ERAS if keys is None else tuple(era(key) for key in keys)
    return "\n".join(str(row) for row in rows)
