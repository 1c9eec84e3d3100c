"""Courses for the set-up tests: the real course folder with its install record moved
somewhere the test owns (imported by test_tasks, test_pins and test_edges_tools)."""

from __future__ import annotations

from pathlib import Path

from tools.environment import Course

ROOT = Path(__file__).resolve().parent.parent


class StampIn(Course):
    """The real course, with the --here install record in a temporary folder."""

    def __init__(self, stamp: Path) -> None:
        super().__init__(ROOT)
        object.__setattr__(self, "stamp", stamp)

    def here_stamp(self, python: Path) -> Path:
        return self.stamp
