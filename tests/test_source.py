"""The source answer is credited the same way everywhere, from lstm_teach/source.py, and
what could not be established is said, not guessed; the project's own licence is stated."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import fields
from pathlib import Path

from lstm_teach.source import SOURCE, Source

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
UNKNOWN = {"address": "url", "author": "author", "posting date": "posted",
           "licence version": "licence_version"}


def credit_in_readme() -> str:
    return README.split("## Credit and licence", 1)[1].split("\n## ", 1)[0]


def credit_in_00() -> str:
    notebook = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text("utf-8"))
    return "".join(notebook["cells"][0]["source"])


def test_not_established_names_exactly_the_missing_fields() -> None:
    missing = {name for name, field in UNKNOWN.items() if getattr(SOURCE, field) is None}
    assert set(SOURCE.not_established) == missing
    assert (SOURCE.question_id is None) == (SOURCE.url is None)
    if SOURCE.url:
        assert SOURCE.url.startswith("https://stackoverflow.com/")
    assert SOURCE.licence == "CC BY-SA" and SOURCE.site == "Stack Overflow"
    assert all(mirror.startswith("https://") for mirror in SOURCE.mirrors) and SOURCE.mirrors


def test_the_credit_line_says_what_is_known_and_what_is_not() -> None:
    line = SOURCE.credit()
    assert SOURCE.title in line and SOURCE.site in line and SOURCE.licence in line
    for name, field in (("address", "url"), ("author", "author")):
        value = getattr(SOURCE, field)
        assert (value in line) if value else (f"{name} not established" in line)
    markdown = SOURCE.credit_markdown()
    assert SOURCE.licence_rule_url in markdown or SOURCE.licence_version


def test_readme_and_00_give_the_credit() -> None:
    for where, text in (("README", credit_in_readme()), ("00", credit_in_00())):
        flat = " ".join(text.split())
        assert SOURCE.title in flat and SOURCE.site in flat, where
        assert "CC BY-SA" in flat and SOURCE.licence_rule_url in flat, where
        for value in (SOURCE.url, SOURCE.author):
            if value:
                assert value in flat, where
        if SOURCE.not_established:
            assert "could not be established" in flat or "could **not** be established" in flat


def test_quoted_sentences_are_marked_as_quotations() -> None:
    notebook = json.loads((ROOT / "notebooks" / "05_exercises.ipynb").read_text("utf-8"))
    printed = "".join(
        "".join(output.get("text", ""))
        for cell in notebook["cells"] if "SEED_SENTENCES" in "".join(cell["source"])
        for output in cell["outputs"])
    quoted = re.findall(r'^\(([a-e])\) "', printed, flags=re.MULTILINE)
    assert quoted == ["a", "b", "c", "d", "e"]


def test_the_project_states_its_own_licence() -> None:
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "CC BY 4.0" in licence and "CC BY-SA" in licence
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == {"text": "MIT"}
    credit = credit_in_readme()
    assert "MIT" in credit and "CC BY 4.0" in credit and "](LICENSE)" in credit


def test_source_has_the_fields_handouts_read() -> None:
    names = {field.name for field in fields(Source)}
    assert {"title", "site", "url", "author", "licence", "licence_url"} <= names
