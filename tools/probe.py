"""Asked inside another interpreter: which requirement groups it satisfies, and whether
lstm-teach is installed there in editable mode from this course folder with today's
metadata.

tools/environment.py runs this file with that interpreter (`python -P tools/probe.py`),
sends the question as JSON on stdin and reads the answer, one JSON line, from stdout. So
it must run in any Python 3.11+ that has pip: only the standard library, and packaging
from pip's vendored copy where packaging itself is missing. Nothing here imports tools.
"""

from __future__ import annotations

import json
import os
import sys
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

try:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
except ImportError:  # a fresh virtual environment: pip's own copy
    try:
        from pip._vendor.packaging.requirements import Requirement
        from pip._vendor.packaging.specifiers import SpecifierSet
    except ImportError:
        Requirement = SpecifierSet = None  # type: ignore[assignment,misc]


def installed(line: str) -> bool:
    """True when the requirement holds here, or does not apply on this platform."""
    requirement = Requirement(line)
    if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
        return True
    try:
        version = metadata.version(requirement.name)
    except metadata.PackageNotFoundError:
        return False
    return requirement.specifier.contains(version, prereleases=True)


def same_place(url: str, root: str) -> bool:
    """True when a file: URL names the folder `root`."""
    if not url.startswith("file:"):
        return False
    where = Path(url2pathname(urlparse(url).path)).resolve()
    return os.path.normcase(str(where)) == os.path.normcase(str(Path(root).resolve()))


def answer(request: dict) -> dict:
    """What this interpreter has, for a request {root, name, groups, requires,
    requires_python}."""
    found = {"pip": find_spec("pip") is not None, "satisfied": [], "editable_here": False,
             "metadata_current": False}
    if Requirement is None:
        return found
    found["satisfied"] = [
        group for group, lines in request["groups"].items()
        if all(installed(line) for line in lines)
    ]
    try:
        distribution = metadata.distribution(request["name"])
    except metadata.PackageNotFoundError:
        return found
    try:
        direct = json.loads(distribution.read_text("direct_url.json") or "{}")
    except (ValueError, RecursionError):  # damaged: then it is no install from here
        direct = {}
    if not isinstance(direct, dict):
        direct = {}
    found["editable_here"] = bool(
        direct.get("dir_info", {}).get("editable")
        and same_place(direct.get("url", ""), request["root"])
    )
    declared = {str(Requirement(line)) for line in distribution.requires or []}
    wanted = {str(Requirement(line)) for line in request["requires"]}
    python = distribution.metadata.get("Requires-Python") or ""
    found["metadata_current"] = (
        declared == wanted and SpecifierSet(python) == SpecifierSet(request["requires_python"])
    )
    return found


def main() -> None:
    print(json.dumps(answer(json.load(sys.stdin))))


if __name__ == "__main__":
    main()
