"""The pictures drawn for the question clusters (Bidirectional, masks, batch slots, the
per-feature rival): each against a baseline image, and each saying what it draws.

Baselines live in tests/baseline/ beside the other diagrams'. After a deliberate change,
look at the new images and regenerate them with one line:

    .venv/bin/python tests/test_question_pictures.py

The comparison and its tolerance are tests/test_pictures.py's: enough for anti-aliasing
that differs between machines, far less than a moved label or a changed digit.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.testing.compare import compare_images
from PIL import Image

from lstm_teach.diagrams import (
    BatchSlotsView,
    MaskedSequenceView,
    batch_slots_figure,
    bidirectional_figure,
    figure_png,
    figure_text,
    masked_sequence_figure,
    per_feature_figure,
)

BASELINES = Path(__file__).parent / "baseline"
TOLERANCE = 1.5  # as in tests/test_pictures.py

#: Baseline name → what draws it.
CASES: dict[str, Callable[[], Figure]] = {
    "bidirectional-3x2x4-sequences": lambda: bidirectional_figure(3, 2, 4),
    "bidirectional-2x5x10-last": lambda: bidirectional_figure(2, 5, 10,
                                                              return_sequences=False),
    "masked-right-padded": lambda: masked_sequence_figure([True, True, True, False, False]),
    "masked-left-padded": lambda: masked_sequence_figure([False, False, True, True, True]),
    "batch_slots-swapped": lambda: batch_slots_figure([["A", "B"], ["A", "B"], ["B", "A"]]),
    "batch_slots-three-in-order": lambda: batch_slots_figure(
        [["A", "B", "C"], ["A", "B", "C"]], units=4, features=1),
    "per_feature-2x4": lambda: per_feature_figure(2, 4, 1),
    "per_feature-4x1": lambda: per_feature_figure(4, 1, 1),
}


def lstm_count(units: int, features: int) -> int:
    """The LSTM count written out, independently of lstm_teach.count_params."""
    return 4 * (features * units + units * units + units)


@pytest.mark.parametrize("name", sorted(CASES))
def test_picture_matches_its_baseline(name: str, tmp_path: Path) -> None:
    expected = BASELINES / f"{name}.png"
    assert expected.exists(), f"no baseline for {name}: run python {Path(__file__).name}"
    actual = tmp_path / f"{name}.png"
    actual.write_bytes(figure_png(CASES[name]()))
    problem = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert problem is None, problem


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_label_stays_inside_the_figure(name: str) -> None:
    figure = CASES[name]()
    left, right = figure.axes[0].get_xlim()
    bottom, top = figure.axes[0].get_ylim()
    labels = [patch for patch in figure.findobj(PathPatch) if hasattr(patch, "get_text")
              and patch.get_visible() and patch.get_text()]
    assert labels
    for label in labels:
        box = label.get_path().get_extents()
        assert left <= box.x0 and box.x1 <= right, label.get_text()
        assert bottom <= box.y0 and box.y1 <= top, label.get_text()


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_picture_shows_itself_with_its_description(name: str) -> None:
    figure = CASES[name]()
    data, _ = figure._repr_mimebundle_()
    assert data["text/plain"] == figure.description
    assert len(figure.description) > 100


# ---------------------------------------------------------------- bidirectional


def test_bidirectional_names_each_direction_its_count_and_the_final_states() -> None:
    figure = bidirectional_figure(3, 2, 4)
    words = figure_text(figure)
    for t in range(1, 5):
        assert f"→ t={t}" in words and f"← t={t}" in words
    assert "h→₄, C→₄" in words and "h←₁, C←₁" in words
    assert f"{lstm_count(3, 2)} + {lstm_count(3, 2)} parameters" in words
    assert "(batch, 4, 6)" in figure.description
    assert f"{2 * lstm_count(3, 2)} in all" in figure.description


def test_bidirectional_without_sequences_returns_each_final_h() -> None:
    figure = bidirectional_figure(2, 5, 10, return_sequences=False)
    assert "[h→₁₀, h←₁]" in figure_text(figure)
    assert "[forward h_10, backward h_1], shape (batch, 4)" in figure.description


# ---------------------------------------------------------------- masks


@pytest.mark.parametrize(
    ("mask", "plain", "zeroed"),
    [
        ([True, True, True, False, False], "h₁ h₂ h₃ h₃ h₃", "h₁ h₂ h₃ 0 0"),
        ([False, False, True, True, True], "0 0 h₃ h₄ h₅", "0 0 h₃ h₄ h₅"),
        ([True, False, True], "h₁ h₁ h₃", "h₁ 0 h₃"),
    ],
)
def test_masked_outputs_follow_keras_rule(mask, plain: str, zeroed: str) -> None:
    """A plain LSTM repeats its last output at a masked step (0 before any real step);
    inside Bidirectional a masked step outputs 0 (notebook 14 asserts both on Keras)."""
    view = MaskedSequenceView(mask, units=2, features=3)
    assert " ".join(view.plain_outputs()) == plain
    assert " ".join(view.zeroed_outputs()) == zeroed
    words = figure_text(view.figure)
    assert words.count("skip") == mask.count(False)
    assert f"{lstm_count(2, 3)} parameters with or without the mask" in words


@pytest.mark.parametrize(
    ("mask", "error", "words"),
    [
        ([False, False], ValueError, "at least one step"),
        ([1, 0], TypeError, r"mask\[0\] must be True or False"),
        ("TTF", TypeError, "mask must be a list"),
        ([True] * 21, ValueError, "1 to 20 steps"),
    ],
)
def test_masked_refuses_bad_masks_by_name(mask, error, words: str) -> None:
    with pytest.raises(error, match=words):
        masked_sequence_figure(mask)


# ---------------------------------------------------------------- batch slots


def test_batch_slots_find_the_series_that_change_slot() -> None:
    view = BatchSlotsView([["A", "B"], ["A", "B"], ["B", "A"]], units=3, features=2)
    assert view.crossings() == [(2, 1, "A", "B"), (2, 2, "B", "A")]
    assert figure_text(view.figure).count("wrong series") == 2
    assert "state variables: 2 of shape (2, 3), not parameters" in figure_text(view.figure)
    kept = BatchSlotsView([["A", "B"], ["A", "B"]], units=3, features=2)
    assert kept.crossings() == [] and "wrong series" not in figure_text(kept.figure)


def test_batch_slots_number_each_series_parts_in_call_order() -> None:
    words = figure_text(batch_slots_figure([["A", "B"], ["B", "A"], ["A", "B"]]))
    for part in ("A, part 1", "A, part 2", "A, part 3", "B, part 3"):
        assert part in words


@pytest.mark.parametrize(
    ("calls", "error", "words"),
    [
        ([["A", "B"], ["A"]], ValueError, "same number of batch slots"),
        ([], TypeError, "calls must be a list"),
        (["AB"], TypeError, r"calls\[0\] must be a list"),
        ([["A"]] * 6, ValueError, "1 to 5 calls"),
    ],
)
def test_batch_slots_refuse_bad_calls_by_name(calls, error, words: str) -> None:
    with pytest.raises(error, match=words):
        batch_slots_figure(calls)


# ---------------------------------------------------------------- per-feature rival


@pytest.mark.parametrize(("features", "units"), [(2, 4), (3, 1), (4, 2)])
def test_per_feature_counts_both_models(features: int, units: int) -> None:
    figure = per_feature_figure(features, units, outputs=1)
    joint = lstm_count(units, features) + units + 1
    rival = features * lstm_count(units, 1) + features * units + 1
    words = figure_text(figure)
    assert f"joint: {joint} parameters" in words
    assert f"one per feature: {rival} parameters" in words
    assert f"{joint} in all" in figure.description and f"{rival} in all" in figure.description


def test_per_feature_draws_one_lstm_per_feature() -> None:
    words = figure_text(per_feature_figure(3, 2, 1))
    assert words.count("LSTM(2)") == 4  # the joint one and three rivals
    assert words.count("Dense(1)") == 2


def test_per_feature_refuses_too_many_features() -> None:
    with pytest.raises(ValueError, match="features must be a whole number from 1 to 4"):
        per_feature_figure(5, 1)


def regenerate() -> None:
    """Write every baseline from the current code (look at them before committing)."""
    BASELINES.mkdir(exist_ok=True)
    for name in sorted(CASES):
        image = Image.open(io.BytesIO(figure_png(CASES[name]())))
        image.save(BASELINES / f"{name}.png", optimize=True)
        print(f"wrote {BASELINES.name}/{name}.png")


if __name__ == "__main__":
    sys.exit(regenerate())
