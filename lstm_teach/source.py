"""The question-and-answer the course grew from, and how it is credited.

The course's two worked cases (12 and 16 parameters) and the sentences it corrects come
from a Stack Overflow answer to the question "Multi dimensional input for LSTM in Keras".
Stack Overflow content is licensed CC BY-SA, so every place that quotes or builds on it
(notebook 00, the README, every handout's footer) names the post, its author as shown on
the post and the licence, all read from here.

What could be established from public copies, and where (the search tool's stored pages,
looked up for issue 20):

- The title and the answer's full text: mirrors that quote the question and the answer
  word for word, e.g. newbe.dev, exchangetuts.com, intellipaat.com, ask-dev.ru and
  whosebug.com (their addresses are in `MIRRORS`). Every mirror shows the same text as the
  course's copy: the code asking for `lstm.kernel_c`, the 12 and 16 summaries, the five
  sentences that the exercises notebook quotes.
- The licence rule: Stack Overflow licenses each contribution CC BY-SA by the date it was
  posted: 2.5 before 2011-04-08, 3.0 from then until 2018-05-02, 4.0 from 2018-05-02 on
  (Stack Exchange's announcement, `LICENCE_RULE_URL`).

What could not be established, so the fields stay None and the credit says so:

- the post's address (question and answer id): no stored copy gives it;
- the author's name as shown on the post: the mirrors strip it;
- the posting date, hence the licence version. The answer's own output dates it loosely:
  it reads `lstm.kernel_c` on the layer and prints "Total params: 12.0", which only
  Keras 2.0.0 to 2.0.8 did (2017), so CC BY-SA 3.0 is likely, but that is an inference,
  not the post's date.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A quoted post: where it is, who wrote it, under which licence, and what is unknown.

    A field that could not be established is None rather than a guess, and the credit
    lines say so.

    Parameters
    ----------
    title : str
        The question's title, as the post shows it.
    site : str
        The site the post is on, e.g. "Stack Overflow".
    url : str or None
        The post's address; None where it is not established.
    author : str or None
        The author's name as shown on the post; None where it is not established.
    licence : str or None
        The licence without its version, e.g. "CC BY-SA".
    licence_url : str or None
        A link to the licence's text; None while its version is not known.
    licence_version : str or None
        The licence version, e.g. "3.0"; Stack Overflow's follows the posting date, so it
        is None while that date is not established.
    licence_rule_url : str or None
        The page that states which licence version applies from which date.
    question_id, answer_id : int or None
        The Stack Overflow ids of the question and of the answer, None where not known.
    posted : str or None
        The date the answer was posted; None where it is not established.
    not_established : tuple of str
        What could not be established, by name: "address", "author", "posting date",
        "licence version".
    mirrors : tuple of str
        Addresses of public copies that quote the post word for word.
    """

    title: str
    site: str
    url: str | None
    author: str | None
    licence: str | None
    licence_url: str | None
    licence_version: str | None = None
    licence_rule_url: str | None = None
    question_id: int | None = None
    answer_id: int | None = None
    posted: str | None = None
    not_established: tuple[str, ...] = ()
    mirrors: tuple[str, ...] = ()

    @property
    def licence_name(self) -> str:
        """"CC BY-SA 3.0" once the version is known, else "CC BY-SA"."""
        name = self.licence or "licence not established"
        return f"{name} {self.licence_version}" if self.licence_version else name

    def credit(self) -> str:
        """One line of plain text: title, site, author, licence, and what is not known.

        Returns
        -------
        str
            The credit, ending with the note that quoted sentences keep the post's licence;
            a missing address, author or licence version is named as not established.
        """
        author = f"by {self.author}" if self.author else "author not established"
        where = self.url or "address not established"
        version = "" if self.licence_version else " (version by posting date, not established)"
        return (f'"{self.title}", an answer on {self.site} ({where}), {author}; licensed '
                f"{self.licence_name}{version}. Quoted sentences keep that licence.")

    def credit_markdown(self) -> str:
        """The same credit as Markdown, with links where they are known.

        Returns
        -------
        str
            The credit, with the title linked to the post and the licence to its text
            where those addresses are known; while the licence version is not known it
            says that the version follows the posting date, linking the rule if known.
        """
        title = f"[{self.title}]({self.url})" if self.url else f'"{self.title}"'
        author = f"by {self.author}" if self.author else "author's name not established"
        licence = (f"[{self.licence_name}]({self.licence_url})" if self.licence_url
                   else self.licence_name)
        rule = (f" by [Stack Exchange's rule]({self.licence_rule_url})"
                if self.licence_rule_url else "")
        version = ("" if self.licence_version else
                   f" (its version follows the posting date{rule}; the date could not be "
                   f"established)")
        return (f"{title}, an answer on {self.site}, {author}; licensed {licence}{version}. "
                f"Sentences quoted from it keep that licence.")


SOURCE = Source(
    title="Multi dimensional input for LSTM in Keras",
    site="Stack Overflow",
    url=None,
    author=None,
    licence="CC BY-SA",
    licence_url=None,
    licence_version=None,
    licence_rule_url="https://meta.stackexchange.com/questions/347758",
    question_id=None,
    answer_id=None,
    posted=None,
    not_established=("address", "author", "posting date", "licence version"),
    mirrors=(
        "https://newbe.dev/index.php/multi-dimensional-input-for-lstm-in-keras",
        "https://exchangetuts.com/multi-dimensional-input-for-lstm-in-keras-1639967430861678",
        "https://intellipaat.com/community/21811/multi-dimensional-input-for-lstm-in-keras",
        "https://ask-dev.ru/info/560600/multi-dimensional-input-for-lstm-in-keras",
        "https://www.whosebug.com/question/2546797/Multi-dimensional-input-for-LSTM-in-Keras",
    ),
)
