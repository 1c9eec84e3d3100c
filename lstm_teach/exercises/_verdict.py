"""One way to judge an answer, shared by every checker: right, a known slip, or unknown.

A checker turns its question into a `Question`: the right answer, how to explain it,
a hint for answers nobody foresaw, and the `Slip`s, each the answer that one typical
mistake produces (worked out from the formula or rule the mistake implies). `judge`
compares the learner's answer with all of them and writes the verdict, so every
checker words its feedback the same way and names every slip that fits.
"""

from __future__ import annotations

import operator
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

_WIDTH = 88
#: What a checker says before the learner has typed a prediction (answer=None), which
#: is how every question is saved: the reader predicts before seeing any feedback.
NOT_ANSWERED = (
    "Not answered yet: replace None with your prediction, then run this cell again."
)


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: right or not, the right value, and which slip it matches.

    `mistake` is a short key such as "no_bias" (None when the answer is right or matches
    no known slip); `also` lists the keys of other slips that give the same answer for
    this question. Printing a Feedback (or ending a cell with it) shows `message`.
    `question` is what the answer was judged against, every slip included (for tests and
    instructors; printing a Feedback never shows it).

    Parameters
    ----------
    correct : bool
        Whether the answer is right.
    answer : object
        The answer as judged (None before the learner answered).
    expected : object
        The right answer.
    mistake : str or None
        The key of the first slip the answer matches.
    message : str
        The explanation printed.
    also : tuple of str
        Other slips (or coinciding ones, for a right answer) that give the same answer.
    question : Question or None
        What the answer was judged against.
    """

    correct: bool
    answer: object
    expected: object
    mistake: str | None
    message: str
    also: tuple[str, ...] = ()
    question: Question | None = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        return "\n".join(
            textwrap.fill(paragraph, _WIDTH, break_long_words=False, break_on_hyphens=False)
            for paragraph in self.message.split("\n")
        )

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:
        """Show the explanation itself when a notebook cell ends with a Feedback."""
        printer.text(str(self))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Slip:
    """One typical mistake: the answer(s) it leads to, and what to tell the learner.

    Parameters
    ----------
    key : str
        A short name such as "no_bias" (Feedback.mistake).
    answers : tuple
        The answer or answers this slip leads to.
    what : str
        Completes "you …", e.g. "left out the bias".
    why : str
        What the right reasoning is instead.
    working : str
        How the slip's answer comes about, e.g. "112 = 4·(…) = 4·(…). ".
    """

    key: str
    answers: tuple[object, ...]
    what: str
    why: str
    working: str = ""


def _always(_: object) -> str:
    return ""


@dataclass(frozen=True)
class Question:
    """Everything `judge` needs: the right answer and its working, a hint, the slips.

    `matches(answer, slip_answer)` says whether an answer is what a slip gives (equality
    by default; a tolerance for numbers worked out by hand); `coincides(expected,
    slip_answer)` whether a slip gives the right answer itself, which a correct answer is
    warned about. `hint(answer)` explains how to start when the answer fits no slip.

    Parameters
    ----------
    expected : object
        The right answer.
    right : str
        Why it is right, with its working.
    slips : tuple of Slip
        Every recognised slip, the one to name first listed first.
    hint : callable
        (answer) -> how to start, for an answer that fits no slip.
    matches : callable
        (answer, slip_answer) -> whether they are the same answer.
    coincides : callable or None
        (expected, slip_answer) -> whether a slip gives the right answer itself
        (default: matches).
    shown : callable
        (answer) -> the answer as the message writes it.
    reasoning : str
        Ends "Check that your reasoning was …" when a slip coincides with the right answer.
    """

    expected: object
    right: str
    slips: tuple[Slip, ...]
    hint: Callable[[object], str] = _always
    matches: Callable[[object, object], bool] = operator.eq
    coincides: Callable[[object, object], bool] | None = None
    shown: Callable[[object], str] = str
    reasoning: str = "the working above"

    def fits(self, answer: object) -> list[Slip]:
        """The slips whose answer this is, in the order they were listed.

        Parameters
        ----------
        answer : object
            An answer, checked and normalised by the checker.

        Returns
        -------
        list of Slip
            Possibly empty.
        """
        return [slip for slip in self.slips
                if any(self.matches(answer, given) for given in slip.answers)]

    def clashes(self) -> list[tuple[Slip, Slip]]:
        """Pairs of slips that one answer fits both: these sizes cannot tell them apart.

        Returns
        -------
        list of tuple of Slip
            Each pair once, in the order the slips were listed.
        """
        return [
            (first, second)
            for index, first in enumerate(self.slips)
            for second in self.slips[index + 1:]
            if any(self.matches(mine, theirs)
                   for mine in first.answers for theirs in second.answers)
        ]

    def coinciding(self) -> list[Slip]:
        """The slips that give the right answer too: for these sizes they cannot be told apart.

        Returns
        -------
        list of Slip
            Possibly empty.
        """
        same = self.coincides or self.matches
        return [slip for slip in self.slips
                if any(same(self.expected, given) for given in slip.answers)]


def and_join(parts: list[str]) -> str:
    """"a", "a or b", "a, b or c".

    Parameters
    ----------
    parts : list of str
        At least one.

    Returns
    -------
    str
        The parts joined.
    """
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def judge(answer: object, question: Question) -> Feedback:
    """The Feedback on `answer` (already checked and normalised by the checker).

    None means "not answered yet" and reveals nothing. The answer is right when it
    `matches` the expected one, so a tolerance applies to the right answer too.

    Parameters
    ----------
    answer : object
        The learner's answer, or None.
    question : Question
        What to judge it against.

    Returns
    -------
    Feedback
        The verdict and its explanation.
    """
    expected = question.expected
    if answer is None:
        return Feedback(False, None, expected, None, NOT_ANSWERED, (), question)
    shown = question.shown(answer)
    if question.matches(answer, expected):
        coinciding = question.coinciding()
        message = f"Correct: {question.right}"
        if coinciding:
            others = and_join([f"you {slip.what}" for slip in coinciding])
            message += (
                f"\nBeware: for this question you would also get {shown} if {others}. "
                f"Check that your reasoning was {question.reasoning}."
            )
        return Feedback(True, answer, expected, None, message,
                        tuple(slip.key for slip in coinciding), question)
    matching = question.fits(answer)
    if not matching:
        message = f"Not quite, and {shown} is not one of the usual slips. {question.hint(answer)}"
        return Feedback(False, answer, expected, None, message.rstrip(), (), question)
    first, *others = matching
    message = f"Not quite: you {first.what}. {first.working}{first.why}"
    for other in others:
        message += f"\n{shown} is also what you get if you {other.what}. {other.working}{other.why}"
    return Feedback(False, answer, expected, first.key, message,
                    tuple(other.key for other in others), question)

