"""Run a module as `python -m MODULE ARGUMENTS` does, except that a Ctrl+C arriving before
the program has set up its own handling of it ends the program quietly, with exit code
130, instead of with a KeyboardInterrupt traceback from the middle of its imports.

    python -m tools.interruptible jupyterlab --no-browser

JupyterLab needs a second or two of imports before it handles Ctrl+C itself; a learner
who changes their mind at once should see one line, not forty. Once the program handles
Ctrl+C, nothing here changes what it does.
"""

from __future__ import annotations

import runpy
import sys


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m tools.interruptible MODULE [ARGUMENTS ...]")
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except KeyboardInterrupt:
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
