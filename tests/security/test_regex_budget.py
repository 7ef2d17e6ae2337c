"""Issue 10, row 11: a user pattern has a time budget for the whole run, not only per match.

``(a|a)*$`` never finishes on ``#aaaa…ab`` (the issue measured 94 s on 60 tags); the
per-match limit (1 s) alone makes such a rule cost a second on every note. Once a pattern's
matches have used up ``RUN_BUDGET`` in a run, every further match fails at once, and each
finding says the budget is spent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vaultlint import userregex
from vaultlint.cli import main

PATTERN = "(a|a)*$"
CONFIG = (
    "extends: []\nrules:\n  tag-pattern:\n    check: tags\n    case: any\n"
    f"    pattern: '{PATTERN}'\n"
)
HOSTILE_TAG = "#" + "a" * 40 + "b"
BUDGET_MESSAGE = (
    "tag '{tag}': the pattern '(a|a)*$' used up its time budget for this run "
    "(0.3 s; it backtracks catastrophically); simplify the regular expression"
)


def test_a_spent_budget_fails_every_further_match_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(userregex, "RUN_BUDGET", 0.3)
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / ".vaultlint.yaml").write_text(CONFIG, encoding="utf-8")
    for n in range(5):
        (vault / f"Note {n}.md").write_text(f"Tags: {HOSTILE_TAG}\n", encoding="utf-8")
    code = main(["scan", str(vault), "--format", "json", "--no-cache", "--jobs", "1"])
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    assert code == 0  # the findings are warnings
    got = [(d["path"], d["rule"], d["line"], d["column"], d["message"]) for d in found]
    tag = HOSTILE_TAG[1:]
    assert got == [
        (f"Note {n}.md", "tag-pattern", 1, 7, BUDGET_MESSAGE.format(tag=tag)) for n in range(5)
    ]


def test_a_pattern_keeps_its_budget_while_it_is_fast() -> None:
    pattern = userregex.compile_pattern("^[a-z]+$")
    for _ in range(1000):
        assert pattern.fullmatch("abc") is not None
    assert pattern.exhausted is False
    assert pattern.finditer("ab cd", timeout=1.0) == []
    assert [m.group() for m in userregex.compile_pattern("[a-z]+").finditer("ab cd")] == [
        "ab",
        "cd",
    ]
