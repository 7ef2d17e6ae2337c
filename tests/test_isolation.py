"""A check that raises is isolated (issue: robustness, item 4): an ``internal-error``
diagnostic naming the rule and the note, the other rules' findings still reported, exit 2."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from vaultlint import checks
from vaultlint.checks.base import Check, option
from vaultlint.cli import main

from .conftest import write_vault


@dataclass(frozen=True)
class _Options:
    when: str = option("boom", doc="Crash on notes whose text contains this.")


class _Crashing(Check):
    """Crashes on purpose.

    ## What it does
    Raises.

    ## Why
    To test isolation.

    ## Example
    None.

    ## Options
    `when`.
    """

    name = "crashing"
    summary = "Raises on notes that contain a word."
    Options = _Options

    def check(self, note, ctx):
        if ctx.options.when in note.text:
            raise ZeroDivisionError("planted failure")
        return iter(())


@pytest.fixture
def crashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(checks.REGISTRY, "crashing", _Crashing)


def test_a_crashing_rule_is_an_internal_error_and_the_scan_goes_on(capsys, tmp_path, crashing):
    vault = write_vault(
        tmp_path / "v",
        {
            ".vaultlint.yaml": "extends: [recommended]\nrules:\n  bomb:\n    check: crashing\n",
            "a.md": "boom [[missing one]]\n",
            "b.md": "calm [[missing two]]\n",
        },
    )
    code = main(["scan", str(vault), "--no-cache", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    got = [
        (d["path"], d["line"], d["column"], d["rule"], d["check"]) for d in report["diagnostics"]
    ]
    assert got == [
        ("a.md", 1, 1, "internal-error", "crashing"),
        ("a.md", 1, 6, "broken-link", "links"),
        ("b.md", 1, 6, "broken-link", "links"),
    ]
    message = report["diagnostics"][0]["message"]
    assert message.startswith(
        "rule 'bomb' (check 'crashing') failed on this note: ZeroDivisionError: planted failure"
    )
    assert code == 2  # CI notices vaultlint itself failed


def test_an_internal_error_cannot_be_suppressed(capsys, tmp_path, crashing):
    vault = write_vault(
        tmp_path / "v",
        {
            ".vaultlint.yaml": "rules:\n  bomb:\n    check: crashing\n",
            "a.md": "%% vaultlint-disable %%\nboom\n",
        },
    )
    assert main(["scan", str(vault), "--no-cache"]) == 2
    assert "a.md:1:1: error internal-error rule 'bomb'" in capsys.readouterr().out


def test_an_internal_error_hidden_by_a_baseline_still_fails_the_run(capsys, tmp_path, crashing):
    vault = write_vault(
        tmp_path / "v",
        {".vaultlint.yaml": "rules:\n  bomb:\n    check: crashing\n", "a.md": "boom\n"},
    )
    baseline = str(tmp_path / "b.json")
    assert main(["scan", str(vault), "--no-cache", "--write-baseline", baseline]) == 2
    capsys.readouterr()
    code = main(["scan", str(vault), "--no-cache", "--format", "json", "--baseline", baseline])
    assert json.loads(capsys.readouterr().out)["diagnostics"] == []
    assert code == 2  # the report is narrowed; vaultlint's own failure is not


def test_a_note_the_parser_fails_on_is_reported_and_the_scan_goes_on(capsys, tmp_path, monkeypatch):
    from vaultlint.lint import batch as engine

    real = engine.parse_note

    def flaky(path, data):
        if path == "bad.md":
            raise RecursionError("planted parser failure")
        return real(path, data)

    monkeypatch.setattr(engine, "parse_note", flaky)
    vault = write_vault(
        tmp_path / "v", {"bad.md": "[[one]]\n", "good.md": "[[two]]\n", ".obsidian/app.json": "{}"}
    )
    code = main(["scan", str(vault), "--no-cache", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    got = [(d["path"], d["rule"], d["message"][:40]) for d in report["diagnostics"]]
    assert got == [
        ("bad.md", "internal-error", "vaultlint could not parse this note: Rec"),
        ("good.md", "broken-link", "link target 'two' does not exist"),
    ]
    assert code == 2
