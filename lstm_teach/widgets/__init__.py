"""Interactive explorers: thin ipywidgets glue around counting, reference and diagrams.

Each explorer is one widget. Moving a control calls a plain method that recomputes
numbers with the pure functions below it and redraws a diagram in place; Keras is only
asked when the learner presses the check button, and its answers are cached, so a
slider drag never waits for TensorFlow.

Displayed in a notebook, an explorer also carries a PNG of its current state and a
stable one-line text, so the saved notebook shows the diagram without a kernel
(GitHub, nbviewer, an HTML or printed handout).

Modules: ``_base`` (the picture widget, the Keras check, the static bundle, controls that
refuse values they cannot hold, and control names for screen readers), then
one module per explorer: ``param_explorer``, ``cell_stepper``, ``time_stepper``.
"""

from __future__ import annotations

from lstm_teach.widgets._base import (
    DENSITY,
    FLOAT32_TOLERANCE,
    NOT_GIVEN,
    DiagramImage,
    KerasCheck,
    name_controls,
)
from lstm_teach.widgets.cell_stepper import (
    STEPPER_BIAS,
    STEPPER_KERNEL,
    STEPPER_RECURRENT_KERNEL,
    CellStepper,
    cell_stepper,
)
from lstm_teach.widgets.param_explorer import (
    MAX_FEATURES,
    MAX_TIMESTEPS,
    MAX_UNITS,
    ParamExplorer,
    param_explorer,
)
from lstm_teach.widgets.summary_explainer import SummaryExplainer, summary_explainer
from lstm_teach.widgets.time_stepper import (
    MAX_STEPPED_TIMESTEPS,
    TIME_BIAS,
    TIME_KERNEL,
    TIME_RECURRENT_KERNEL,
    TIME_X,
    TimeStepper,
    time_stepper,
)

__all__ = [
    "DENSITY",
    "FLOAT32_TOLERANCE",
    "MAX_FEATURES",
    "MAX_STEPPED_TIMESTEPS",
    "MAX_TIMESTEPS",
    "MAX_UNITS",
    "NOT_GIVEN",
    "STEPPER_BIAS",
    "STEPPER_KERNEL",
    "STEPPER_RECURRENT_KERNEL",
    "TIME_BIAS",
    "TIME_KERNEL",
    "TIME_RECURRENT_KERNEL",
    "TIME_X",
    "CellStepper",
    "DiagramImage",
    "KerasCheck",
    "ParamExplorer",
    "SummaryExplainer",
    "TimeStepper",
    "cell_stepper",
    "name_controls",
    "param_explorer",
    "summary_explainer",
    "time_stepper",
]
