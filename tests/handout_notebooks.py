"""Small notebooks with a tagged challenge, for the handouts tests (unit and browser), so
they do not depend on which cells of the course's notebooks carry tags."""

from __future__ import annotations

import nbformat

PNG_1PX = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAAB"
           "JRU5ErkJggg==")
PICTURE_ALT = "A test picture: an LSTM with 3 units and 7 features, 132 parameters in all."
SOLUTION_TEXT = "Seven features and three units give 4·(7·3 + 3·3 + 3) = 132."
ANSWER_OUTPUT = "Keras: LSTM(3) on 7 features has 132 parameters"


def challenge_notebook(title: str = "02 · A wider input", tagged: bool = True,
                       link: str = "03_next.ipynb#ev-stack") -> nbformat.NotebookNode:
    """A notebook with one challenge: the prompt, the learner's cell, a folded solution
    (tagged `solution`), a cell printing the answer (tagged `answer`), then a section with
    a link to another notebook, math, and a picture with its description."""
    v4 = nbformat.v4
    solution = v4.new_markdown_cell(
        f"<details><summary>Solution</summary>\n\n{SOLUTION_TEXT} See [the next notebook]"
        f"({link}).\n\n</details>")
    answer = v4.new_code_cell(f'print("{ANSWER_OUTPUT}")', execution_count=3,
                              outputs=[v4.new_output("stream", name="stdout",
                                                     text=ANSWER_OUTPUT + "\n")])
    if tagged:
        solution.metadata["tags"] = ["solution"]
        answer.metadata["tags"] = ["answer"]
    picture = v4.new_output("display_data", data={"image/png": PNG_1PX,
                                                  "text/plain": PICTURE_ALT})
    notebook = v4.new_notebook(cells=[
        v4.new_markdown_cell(f"# {title}\n\nA notebook made by the handouts tests."),
        v4.new_markdown_cell("### Predict first: a wider input\n\nHow many parameters?"),
        v4.new_markdown_cell("```\n# not a heading: a comment in a fenced block\n```"),
        v4.new_code_cell("answer = None", execution_count=2,
                         outputs=[v4.new_output("stream", name="stdout", text="Not answered\n")]),
        solution,
        answer,
        v4.new_markdown_cell(f"## After the challenge\n\nThe gate $\\sigma(z_t)$, and "
                             f"`$kept$` in code. Back to [the next notebook]({link})."),
        v4.new_code_cell("picture", execution_count=4, outputs=[picture]),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook
