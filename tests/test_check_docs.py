"""Every check is documented the same way, and its documented examples hold.

Like ruff's rule-doc test: this fails when a check gains an option without documenting it, when
its docstring lacks one of the standard headings, or when an example in the docs goes stale.
"""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import pytest

from tests.test_rule_cases import run_check
from vaultlint.checks import REGISTRY
from vaultlint.checks.base import Check

HEADINGS = ("## What it does", "## Why", "## Example", "## Options")
CHECKS = sorted(REGISTRY.items())


@pytest.mark.parametrize(("name", "cls"), CHECKS, ids=[n for n, _ in CHECKS])
def test_check_has_name_summary_and_headings(name: str, cls: type[Check]) -> None:
    assert cls.name == name
    assert cls.summary.strip(), f"{name}: empty summary"
    doc = inspect.getdoc(cls) or ""
    lines = doc.splitlines()
    positions = []
    for heading in HEADINGS:
        assert heading in lines, f"{name}: docstring lacks the heading {heading!r}"
        positions.append(lines.index(heading))
    assert positions == sorted(positions), f"{name}: headings out of order"


@pytest.mark.parametrize(("name", "cls"), CHECKS, ids=[n for n, _ in CHECKS])
def test_every_option_is_documented(name: str, cls: type[Check]) -> None:
    assert dataclasses.is_dataclass(cls.Options), f"{name}: Options is not a dataclass"
    params = cls.Options.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen, f"{name}: Options must be frozen"
    for fld in dataclasses.fields(cls.Options):
        doc = fld.metadata.get("doc", "")
        assert isinstance(doc, str) and doc.strip(), f"{name}: option {fld.name!r} has no doc"


@pytest.mark.parametrize(("name", "cls"), CHECKS, ids=[n for n, _ in CHECKS])
def test_check_has_examples(name: str, cls: type[Check]) -> None:
    assert cls.examples, f"{name}: no DocExample"
    assert any(ex.expect for ex in cls.examples), f"{name}: no failing example"
    assert any(not ex.expect for ex in cls.examples), f"{name}: no passing example"


EXAMPLES = [
    pytest.param(name, i, id=f"{name}: {ex.title}")
    for name, cls in CHECKS
    for i, ex in enumerate(cls.examples)
]


@pytest.mark.parametrize(("name", "i"), EXAMPLES)
def test_doc_example(name: str, i: int, tmp_path: Path) -> None:
    example = REGISTRY[name].examples[i]
    assert example.note in example.files
    found = run_check(name, example.files, example.options, tmp_path, example.note)
    got = tuple((d.line, d.column) for d in found)
    detail = "\n".join(f"{d.line}:{d.column} {d.message}" for d in found)
    assert got == tuple(tuple(e) for e in example.expect), detail
