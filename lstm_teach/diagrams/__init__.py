"""Pictures of a recurrent layer's weights, one LSTM step, the unrolled layer, the gates
over time and a loss curve.

Pure matplotlib with the object-oriented API (``Figure`` on an Agg canvas): no pyplot,
no TensorFlow, no widgets. Each picture is a small class that builds its Figure once;
its ``update`` method changes the existing artists in place, so a slider can redraw it
and ``figure_png`` can encode it within a few tens of milliseconds. The ``*_figure``
functions draw one picture in a single call.

Gates are told apart by their letter and position first, then by an Okabe-Ito colour
whose grey levels also differ, so the pictures read in greyscale and for colour-blind
eyes.

Modules: ``lettering`` (text as glyph outlines), ``canvas`` (colours, the blank figure,
the PNG renderer), then one module per picture: ``weight_grid``, ``cell_step``,
``unrolled``, ``over_time``, ``training_curve``, and for the reference notebooks
``bidirectional``, ``masked``, ``batch_slots``, ``per_feature``.
"""

from __future__ import annotations

from lstm_teach.diagrams.batch_slots import BatchSlotsView, batch_slots_figure
from lstm_teach.diagrams.bidirectional import BidirectionalView, bidirectional_figure
from lstm_teach.diagrams.canvas import GATE_COLOURS, GATE_NAMES, DiagramFigure, figure_png
from lstm_teach.diagrams.cell_step import CellDiagram, cell_diagram_figure
from lstm_teach.diagrams.lettering import figure_text
from lstm_teach.diagrams.masked import MaskedSequenceView, masked_sequence_figure
from lstm_teach.diagrams.over_time import GatesOverTime, gates_over_time_figure
from lstm_teach.diagrams.per_feature import PerFeatureView, per_feature_figure
from lstm_teach.diagrams.training_curve import training_curve_figure
from lstm_teach.diagrams.unrolled import UnrolledView, unrolled_figure
from lstm_teach.diagrams.weight_grid import WeightGrid, count_squares, weight_grid_figure

__all__ = [
    "GATE_COLOURS",
    "GATE_NAMES",
    "BatchSlotsView",
    "BidirectionalView",
    "CellDiagram",
    "DiagramFigure",
    "GatesOverTime",
    "MaskedSequenceView",
    "PerFeatureView",
    "UnrolledView",
    "WeightGrid",
    "batch_slots_figure",
    "bidirectional_figure",
    "cell_diagram_figure",
    "count_squares",
    "figure_png",
    "figure_text",
    "gates_over_time_figure",
    "masked_sequence_figure",
    "per_feature_figure",
    "training_curve_figure",
    "unrolled_figure",
    "weight_grid_figure",
]
