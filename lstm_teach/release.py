"""The version of lstm_teach, and the names each version gave the notebooks.

The first cell of every notebook checks that the lstm_teach it finds is at least the
version that notebook needs, and installs the course's own where it is older: a hub
user's copy from an earlier term would otherwise fail later, with an ImportError or an
AttributeError far from the cause. That works only if the version moves whenever the
notebooks come to need something new of the package, so:

- `NAMES` lists, for each version, the names of the package that notebooks use and that
  version gave them. tests/test_release.py fails when a notebook uses a name that no
  version lists, or a name is listed that the package lacks.
- `python -m tools.hosted --release` lists such new names under a new version, makes it
  VERSION, and writes into each notebook's first cell the version it needs: the newest
  among the names it uses.

A version is never changed once it is on main (hub users may have installed it): new
names always go under a new version. The first cell's check (lstm_teach/first_cell.py)
reads VERSION from this file without importing the package, so VERSION stays a plain string
on a line of its own; `lstm_teach.__version__` is the same string.
"""

VERSION = "0.4.0"

NAMES: dict[str, tuple[str, ...]] = {
    "0.2.0": (
        "lstm_teach.LayerSpec",
        "lstm_teach.below",
        "lstm_teach.build_lstm",
        "lstm_teach.build_rnn",
        "lstm_teach.cell_diagram_figure",
        "lstm_teach.cell_stepper",
        "lstm_teach.count_params",
        "lstm_teach.diagrams.count_squares",
        "lstm_teach.diagrams.gates_over_time_figure",
        "lstm_teach.exercises",
        "lstm_teach.exercises.diagnose_count",
        "lstm_teach.exercises.diagnose_shape",
        "lstm_teach.formula",
        "lstm_teach.gate_weights",
        "lstm_teach.keras",
        "lstm_teach.keras_count_params",
        "lstm_teach.keras_layer",
        "lstm_teach.keras_lstm_forward",
        "lstm_teach.keras_output",
        "lstm_teach.lstm_forward",
        "lstm_teach.lstm_weights",
        "lstm_teach.param_explorer",
        "lstm_teach.param_table",
        "lstm_teach.set_lstm_weights",
        "lstm_teach.sigmoid",
        "lstm_teach.signed",
        "lstm_teach.summary_text",
        "lstm_teach.training_curve_figure",
        "lstm_teach.unrolled_figure",
        "lstm_teach.vector",
        "lstm_teach.versions.check_setup",
        "lstm_teach.versions.check_versions",
        "lstm_teach.weight_grid_figure",
        "lstm_teach.widgets.time_stepper",
    ),
    "0.3.0": (
        "lstm_teach.batch_slots_figure",
        "lstm_teach.bidirectional_figure",
        "lstm_teach.explain",
        "lstm_teach.first_cell.prepare",
        "lstm_teach.history",
        "lstm_teach.masked_sequence_figure",
    ),
    "0.4.0": (
        "lstm_teach.per_feature_figure",
    ),
}
