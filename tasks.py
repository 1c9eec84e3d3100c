"""One entry point for learners, instructors and CI, on Linux, macOS and Windows.

    python tasks.py lab       set up .venv (first time only) and open JupyterLab
    python tasks.py test      set up .venv (first time only) and run every check
    python tasks.py execute   re-run every notebook (or those named) in a fresh kernel and save it
    python tasks.py handouts  build offline HTML and PDF handouts into handouts/
    python tasks.py explorer  serve the parameter explorer alone, for a projector

Add --here to use the Python you are running (a conda environment, Binder,
JupyterHub) instead of creating .venv; `python tasks.py COMMAND --help` lists a
command's options. Arguments for pytest follow `--`: `python tasks.py test -- -x`.

This file holds only the Python version check, in syntax every Python reads (2.7
included), so an old or too new Python gets a sentence saying what to use instead
of a SyntaxError. The commands live in tools/cli.py.
"""

import sys

TOO_OLD_OR_NEW = (
    "lstm-teach needs Python 3.11, 3.12 or 3.13 (TensorFlow 2.21 has no build for"
    " Python %d.%d): run tasks.py with one of those, e.g. `python3.11 tasks.py lab`"
    " (`py -3.11 tasks.py lab` on Windows), or use the conda route of README.md,"
    " which brings Python 3.11."
)
if not (3, 11) <= sys.version_info[:2] <= (3, 13):
    sys.exit(TOO_OLD_OR_NEW % tuple(sys.version_info[:2]))

from tools.cli import QUIET_TENSORFLOW, ROOT, explorer_command, main, worker_count  # noqa: E402

__all__ = ["QUIET_TENSORFLOW", "ROOT", "explorer_command", "main", "worker_count"]

if __name__ == "__main__":
    main()
