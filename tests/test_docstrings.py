"""Every public function, method and class of lstm_teach documents its arguments, what it
returns and what it raises in numpydoc sections, so help() and documentation tools list
them (issue 19, item 6).

A function needs `Parameters` naming each of its arguments when it takes any, `Returns`
when its annotation says it returns something, and `Raises` when its own code raises or
calls an argument check. A class documents its constructor's arguments in its own
docstring. Properties, dunder and private names are exempt.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import lstm_teach

SECTIONS = ("Parameters", "Returns", "Raises", "Attributes", "Examples", "Notes")


def _modules() -> list[object]:
    found = [lstm_teach]
    for info in pkgutil.walk_packages(lstm_teach.__path__, "lstm_teach."):
        found.append(importlib.import_module(info.name))
    return found


def _public(module: object) -> dict[str, object]:
    """Public functions and classes defined in the module, and whatever its __all__ names."""
    objects = {}
    private_module = any(part.startswith("_") for part in module.__name__.split("."))
    for name, value in vars(module).items():
        if name.startswith("_") or private_module:
            continue
        if (inspect.isfunction(value) or inspect.isclass(value)) and \
                getattr(value, "__module__", None) == module.__name__:
            objects[f"{module.__name__}.{name}"] = value
    for name in getattr(module, "__all__", ()):
        value = getattr(module, name)
        home = getattr(value, "__module__", "") or ""
        if (inspect.isfunction(value) or inspect.isclass(value)) and \
                home.startswith("lstm_teach"):
            objects[f"{home}.{value.__qualname__}"] = value
    return objects


def _documented() -> dict[str, object]:
    """Every public function, class and method to check, by qualified name."""
    found: dict[str, object] = {}
    for module in _modules():
        for qualified, value in _public(module).items():
            found[qualified] = value
            if inspect.isclass(value):
                for name, member in vars(value).items():
                    if isinstance(member, classmethod | staticmethod):
                        member = member.__func__
                    # Methods written in the class itself: not matplotlib's generated
                    # `set`, nor a dataclass field's default function.
                    if not name.startswith("_") and inspect.isfunction(member) and \
                            member.__name__ == name and member.__module__ == value.__module__:
                        found[f"{qualified}.{name}"] = member
    return found


def _section(doc: str, title: str) -> str | None:
    """The text under a numpydoc section heading, or None if there is no such section."""
    match = re.search(rf"^(\s*){title}\n\1-{{{len(title)}}}\n(.*?)(?=^\s*(?:"
                      rf"{'|'.join(SECTIONS)})\n\s*-+\n|\Z)", doc, re.S | re.M)
    return match.group(2) if match else None


def _listed_names(section: str) -> set[str]:
    """Names introduced at the section's outer indentation: "x : int", "h0, c0 : …"."""
    lines = [line for line in section.splitlines() if line.strip()]
    if not lines:
        return set()
    outer = min(len(line) - len(line.lstrip()) for line in lines)
    names = set()
    for line in lines:
        if len(line) - len(line.lstrip()) == outer:
            head = line.split(" : ")[0].strip()
            names.update(name.strip().lstrip("*") for name in head.split(","))
    return names


def _parameters(value: object) -> list[str]:
    target = value.__init__ if inspect.isclass(value) else value
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return []
    return [name for name in signature.parameters if name not in ("self", "cls")]


def _problems(qualified: str, value: object) -> list[str]:
    doc = inspect.getdoc(value) or ""
    problems = []
    if not doc:
        return [f"{qualified}: no docstring"]
    parameters = _parameters(value)
    if inspect.isclass(value) and "__init__" not in vars(value) and not \
            getattr(value, "__dataclass_fields__", None):
        parameters = []  # the constructor is inherited: documented where it is defined
    if parameters:
        section = _section(doc, "Parameters")
        if section is None:
            problems.append(f"{qualified}: no Parameters section")
        else:
            missing = [name for name in parameters if name not in _listed_names(section)]
            if missing:
                problems.append(f"{qualified}: Parameters does not list {missing}")
    if inspect.isfunction(value):
        returned = inspect.signature(value).return_annotation
        if returned not in (inspect.Signature.empty, "None", None) and \
                _section(doc, "Returns") is None:
            problems.append(f"{qualified}: no Returns section")
        source = inspect.getsource(value)
        body = source.split('"""', 2)[-1] if source.count('"""') >= 2 else source
        if re.search(r"\braise\b|_checks\.", body) and _section(doc, "Raises") is None:
            problems.append(f"{qualified}: raises but has no Raises section")
    return problems


def test_the_checker_reads_numpydoc_sections() -> None:
    def sample(alpha: int, beta: str, *rest: int, **options: object) -> int:
        """Add.

        Parameters
        ----------
        alpha, beta : int
            Two.
        *rest : int
            More.
        **options
            Settings.

        Returns
        -------
        int
            The sum.
        """
        return alpha

    assert _problems("sample", sample) == []

    def undocumented(alpha: int) -> int:
        """Add, with the arguments in prose: alpha is a number."""
        raise ValueError(alpha)

    assert _problems("undocumented", undocumented) == [
        "undocumented: no Parameters section", "undocumented: no Returns section",
        "undocumented: raises but has no Raises section",
    ]


def test_the_sweep_sees_the_package() -> None:
    names = _documented()
    for expected in ("lstm_teach.counting.count_params", "lstm_teach.counting.LayerSpec",
                     "lstm_teach.counting.LayerSpec.from_weights",
                     "lstm_teach.keras_bridge.build_lstm", "lstm_teach.widgets._base.KerasCheck",
                     "lstm_teach.exercises.units.diagnose_units",
                     "lstm_teach.diagrams.canvas.figure_png"):
        assert expected in names
    assert len(names) > 80


@pytest.mark.parametrize("qualified", sorted(_documented()))
def test_public_names_document_their_arguments(qualified: str) -> None:
    assert _problems(qualified, _documented()[qualified]) == []
