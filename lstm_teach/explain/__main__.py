"""python -m lstm_teach.explain FILE: explain a saved .keras model or a text file holding a
printed model.summary() (or PyTorch's print(model)); one line on stderr if it cannot."""

from __future__ import annotations

import sys
from pathlib import Path

from lstm_teach.explain import explain

USAGE = "usage: python -m lstm_teach.explain FILE (a saved .keras model or a text file)"


def read(path: Path) -> object:
    """The model in a .keras file, or the text of any other file."""
    if not path.is_file():
        raise ValueError(f"{path} is not a file: give a saved .keras model or a text file "
                         "holding a printed model.summary()")
    if path.suffix == ".keras":
        from lstm_teach.keras_bridge import keras

        try:
            return keras().saving.load_model(path, compile=False)
        except Exception as error:  # Keras raises many kinds for a damaged file
            raise ValueError(f"{path} is not a model Keras can load ({error})") from None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not text (UTF-8): give a .keras model or a text file "
                         "holding a printed model.summary()") from None


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        print(explain(read(Path(argv[0]))))
    except (ValueError, TypeError) as error:
        print(f"explain: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
