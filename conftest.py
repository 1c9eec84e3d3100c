"""pytest set-up shared by the unit tests and the nbval notebook run."""

from __future__ import annotations

import pytest


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Leave stderr out of nbval's comparison: TensorFlow and absl may write to it
    differently on each platform, while everything we teach is in stdout and results."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
