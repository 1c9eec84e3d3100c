"""Set up .venv-torch: a second environment with PyTorch's CPU build, for the tests that
hold `lt.explain` against real PyTorch modules (lstm_teach itself never imports PyTorch).

    python -m tools.torch_env        create or update .venv-torch (CI runs this first)

PyTorch stays out of the course's own environment: a learner never downloads it. The pin
below is the one place it is pinned; pytest, Hypothesis and NumPy take the course's own
pins (lstm_teach/pins.txt). `torch==2.13.0` must stay exact: an unpinned torch on Linux is a
CUDA build of several GB, where the CPU wheel of 2.13.0 (on disk on CI machines of this
kind) is 190 MB.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

from tools.errors import CommandError
from tools.pyproject import package_name, read_pins

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / ".venv-torch"
TORCH = "torch==2.13.0"
#: What the PyTorch checks need from the project's own pins.
FROM_PYPROJECT = ("numpy", "pytest", "hypothesis")


def python() -> Path:
    """The environment's interpreter (it may not exist yet)."""
    scripts = "Scripts" if sys.platform == "win32" else "bin"
    return FOLDER / scripts / ("python.exe" if sys.platform == "win32" else "python")


def pins() -> list[str]:
    """TORCH and the course's pins of FROM_PYPROJECT (lstm_teach/pins.txt)."""
    try:
        lines = read_pins(ROOT)
    except CommandError as error:
        raise SystemExit(f"tools.torch_env: {error}") from None
    chosen = {package_name(line): line.split(";")[0].strip() for line in lines}
    missing = set(FROM_PYPROJECT) - set(chosen)
    if missing:
        named = ", ".join(sorted(missing))
        raise SystemExit(f"tools.torch_env: lstm_teach/pins.txt pins no {named}")
    return [TORCH, *(chosen[name] for name in FROM_PYPROJECT)]


def ready() -> bool:
    """Whether .venv-torch already holds the pinned PyTorch and lstm_teach."""
    if not python().exists():
        return False
    check = ("import torch, lstm_teach, numpy, pytest, hypothesis; "
             f"assert torch.__version__.split('+')[0] == {TORCH.split('==')[1]!r}")
    return subprocess.run([str(python()), "-c", check], capture_output=True).returncode == 0


def main() -> None:
    if ready():
        print(f"tools.torch_env: {FOLDER.name} is ready ({TORCH})")
        return
    if not python().exists():
        venv.create(FOLDER, with_pip=True)
    install = [str(python()), "-m", "pip", "install", "--quiet"]
    subprocess.run([*install, *pins()], check=True, cwd=ROOT)
    # The package without its dependencies: TensorFlow is not needed to read PyTorch.
    subprocess.run([*install, "--no-deps", "--editable", "."], check=True, cwd=ROOT)
    print(f"tools.torch_env: {FOLDER.name} is ready ({TORCH})")


if __name__ == "__main__":
    main()
