"""Self-check answers: say whether an answer is right, and name the usual slip if not.

A learner who writes 16 for `LSTM(1)` on one feature has not just "got it wrong": 16 is
what PyTorch reports, because nn.LSTM keeps two bias vectors. These checkers recognise
such typical wrong answers, each worked out from the formula or rule the slip implies,
and explain what was mixed up. Pure Python and NumPy, no TensorFlow.

- ``diagnose_count(answer, units, features, ...)``: how many parameters (use_bias=False,
  GRU, SimpleRNN, Bidirectional and timesteps included);
- ``diagnose_stack(answer, units=(6, 3), features)``: the count of stacked layers;
- ``diagnose_units(answer, count, features)``: units worked back from a count;
- ``diagnose_shape(answer, weight, units, features)``: the shape of a Keras LSTM's
  ``kernel``, ``recurrent_kernel`` or ``bias``;
- ``diagnose_output_shape(answer, units, input_shape, ...)``: what the layer returns,
  with return_sequences and return_state;
- ``diagnose_summary(answer, summary, layer)``: one layer's count in a model summary
  (show the learner ``hide_count(summary, layer)``);
- ``diagnose_gate(answer, gate, x, h_prev, kernel, recurrent_kernel, bias)``: one gate's
  value by hand;
- ``diagnose_seed_sentence(answer)``: which of ``SEED_SENTENCES`` is wrong.

Each returns a ``Feedback`` that prints as a short explanation. With ``answer=None``, as
every question is saved, it says ``NOT_ANSWERED`` and reveals nothing. When several slips
(or the right reasoning and a slip) give the same answer, the verdict follows the answer
and every explanation that fits is listed (``Feedback.also``).
"""

from __future__ import annotations

from lstm_teach.exercises._verdict import NOT_ANSWERED, Feedback, Question, Slip
from lstm_teach.exercises.counts import diagnose_count, diagnose_stack
from lstm_teach.exercises.gates import TOLERANCE, diagnose_gate
from lstm_teach.exercises.reading import (
    SEED_SENTENCES,
    diagnose_seed_sentence,
    diagnose_summary,
    hide_count,
)
from lstm_teach.exercises.shapes import WEIGHTS, diagnose_output_shape, diagnose_shape
from lstm_teach.exercises.units import diagnose_units

#: Every checker: each takes the answer first (None before the learner has answered).
CHECKERS = (
    diagnose_count,
    diagnose_stack,
    diagnose_units,
    diagnose_shape,
    diagnose_output_shape,
    diagnose_summary,
    diagnose_gate,
    diagnose_seed_sentence,
)

__all__ = [
    "CHECKERS",
    "NOT_ANSWERED",
    "SEED_SENTENCES",
    "TOLERANCE",
    "WEIGHTS",
    "Feedback",
    "Question",
    "Slip",
    "diagnose_count",
    "diagnose_gate",
    "diagnose_output_shape",
    "diagnose_seed_sentence",
    "diagnose_shape",
    "diagnose_stack",
    "diagnose_summary",
    "diagnose_units",
    "hide_count",
]
