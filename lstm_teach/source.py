"""The question-and-answer the course grew from, and how it is credited.

The course's two worked cases (12 and 16 parameters) and the sentences it corrects come
from a Stack Overflow answer. Stack Overflow content is licensed CC BY-SA, so every
place that quotes or builds on it (notebook 00, the README, every handout's footer)
names the post, its author as shown on the post and the licence, all read from here.
Fields not yet established from public copies are None, and the credit says so rather
than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A quoted post: where it is, who wrote it, under which licence."""

    title: str
    site: str
    url: str | None
    author: str | None
    licence: str | None
    licence_url: str | None


SOURCE = Source(
    title="Multi dimensional input for LSTM in Keras",
    site="Stack Overflow",
    url=None,
    author=None,
    licence=None,
    licence_url=None,
)
