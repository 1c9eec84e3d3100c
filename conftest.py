"""pytest set-up shared by the unit tests and the nbval notebook run.

Hypothesis runs with the "lstm-teach" settings profile below (under CI=true,
"lstm-teach-ci"); HYPOTHESIS_PROFILE=NAME picks another registered profile.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# Property tests build real Keras layers, and share 2 cores with browsers and kernels: one
# example can take a second, so no per-example deadline and no "too slow" health check.
# 100 examples (Hypothesis's usual number, fixed here) cost milliseconds for the arithmetic
# properties; a test that builds a Keras layer per example asks for fewer itself.
settings.register_profile(
    "lstm-teach",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
# CI: the same examples on every run, so a red build always reproduces.
settings.register_profile(
    "lstm-teach-ci", settings.get_profile("lstm-teach"), derandomize=True, database=None
)
settings.load_profile(
    os.environ.get(
        "HYPOTHESIS_PROFILE", "lstm-teach-ci" if os.environ.get("CI") == "true" else "lstm-teach"
    )
)


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Leave stderr out of nbval's comparison: TensorFlow and absl may write to it
    differently on each platform, while everything we teach is in stdout and results."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
