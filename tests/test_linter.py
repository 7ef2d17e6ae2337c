"""The per-note core: Linter.check(note) — where, suppression, crash isolation, sorting — and
that the batch runner finds exactly what linting each note alone finds."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from vaultlint.checks import REGISTRY
from vaultlint.checks.base import Check, CheckContext
from vaultlint.config import find_config, load_config
from vaultlint.config.ruleset import Rule, Where
from vaultlint.diagnostic import Diagnostic
from vaultlint.lint import batch
from vaultlint.lint.batch import lint, read_and_parse
from vaultlint.lint.linter import ENGINE_RULES, Linter
from vaultlint.model import NotePartMissing, NoteView, Span
from vaultlint.parse import parse_note
from vaultlint.vault.discovery import walk_vault
from vaultlint.vault.index import VaultIndex

from .conftest import REPO

EXAMPLE = REPO / "examples" / "vault"


@dataclass(frozen=True)
class _NoOptions:
    pass


class _Boom(Check):
    """Raises on notes that contain 'boom'."""

    name = "test-boom"
    summary = "raises"
    Options = _NoOptions
    prepared: ClassVar[int] = 0

    def prepare(self, options: object, vault: Path) -> None:
        type(self).prepared += 1

    def check(self, note, ctx: CheckContext) -> Iterator[Diagnostic]:
        at = note.text.find("x")
        if at >= 0:
            yield ctx.diagnostic(note, Span(at, at + 1), "an x")
        if "boom" in note.text:
            raise RuntimeError("boom")


class _ReadsHeadings(Check):
    """An index-reading check that reads a part it does not declare."""

    name = "test-sneaky"
    summary = "reads headings"
    Options = _NoOptions
    needs_index = True
    reads = frozenset({"links"})

    def check(self, note, ctx: CheckContext) -> Iterator[Diagnostic]:
        assert isinstance(note, NoteView)
        for _ in note.links:
            pass
        for heading in note.headings:  # not declared: raises NotePartMissing
            yield ctx.diagnostic(note, heading.span, "heading")


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(REGISTRY, _Boom.name, _Boom)
    monkeypatch.setitem(REGISTRY, _ReadsHeadings.name, _ReadsHeadings)
    _Boom.prepared = 0


def _rule(rule_id: str, check: str, where: Where | None = None) -> Rule:
    return Rule(rule_id, check, "warning", _NoOptions(), where or Where())


def _rows(found: list[Diagnostic]) -> list[tuple[int, int, str, str]]:
    return [(d.line, d.column, d.rule, d.message) for d in found]


def test_where_sorting_and_crash_isolation(checks: None) -> None:
    rules = [
        _rule("boom-b", "test-boom"),
        _rule("boom-a", "test-boom", Where(paths=("Notes/**",))),
    ]
    linter = Linter(rules, VaultIndex({}), root=Path("."))
    note = parse_note("Notes/N.md", "one\ntwo x\nboom\n")
    found = linter.check(note)
    assert _rows(found) == [
        (1, 1, "internal-error", found[0].message),
        (1, 1, "internal-error", found[1].message),
        (2, 5, "boom-a", "an x"),
        (2, 5, "boom-b", "an x"),
    ]
    assert [d.message.split(" failed")[0] for d in found[:2]] == [
        "rule 'boom-b' (check 'test-boom')",
        "rule 'boom-a' (check 'test-boom')",
    ]
    assert "RuntimeError: boom at test_linter.py:" in found[0].message
    # `where` keeps boom-a off notes outside Notes/
    assert _rows(linter.check(parse_note("Other.md", "x\n"))) == [(1, 1, "boom-b", "an x")]
    assert _Boom.prepared == 2  # once per rule, not per note


def test_bind_reuses_the_prepared_rules(checks: None) -> None:
    linter = Linter([_rule("boom", "test-boom")], None, root=Path("."))
    bound = linter.bind(VaultIndex({}))
    assert bound.index is not None and linter.index is None
    assert _rows(bound.check(parse_note("a.md", "x"))) == [(1, 1, "boom", "an x")]
    assert _Boom.prepared == 1


def test_an_undeclared_part_fails_loudly_as_an_internal_error(checks: None) -> None:
    note = parse_note("a.md", "# Head\n[[b]]\n")
    linter = Linter([_rule("sneaky", "test-sneaky")], VaultIndex({"a.md": note}), root=Path("."))
    (found,) = linter.check(note)
    assert (found.rule, found.line, found.column) == ("internal-error", 1, 1)
    assert "NotePartMissing: note.headings was read but not declared" in found.message
    view = NoteView.of(note, frozenset({"links"}))
    assert view.links == note.links
    with pytest.raises(NotePartMissing):
        _ = view.frontmatter
    with pytest.raises(AttributeError):
        _ = view.no_such_thing


def test_a_linter_without_an_index_refuses_index_rules(checks: None) -> None:
    linter = Linter([_rule("sneaky", "test-sneaky")], None, root=Path("."))
    with pytest.raises(ValueError, match="no index"):
        linter.check(parse_note("a.md", "[[b]]\n"))


def test_unknown_rule_in_a_suppression_comment() -> None:
    config = load_config(None, Path("."))
    text = "a\n%% vaultlint-disable-next-line broken-lnk, tag-case %%\n[[x]]\n"
    note = parse_note("n.md", text)
    linter = Linter(config, VaultIndex({"n.md": note}), root=Path("."))
    found = linter.check(note)
    assert _rows(found) == [
        (
            2,
            32,
            "unknown-rule-in-suppression",
            "unknown rule 'broken-lnk' in a suppression comment; did you mean 'broken-link'?",
        ),
        (3, 1, "broken-link", "link target 'x' does not exist"),
    ]
    assert found[0].severity == "warning" and found[0].snippet == "broken-lnk"
    # engine rule ids, check names and `all` are known; a suppression can silence the finding
    quiet = parse_note(
        "q.md",
        "%% vaultlint-disable-next-line unknown-rule-in-suppression %%\n"
        "%% vaultlint-disable all internal-error links nope %%\n",
    )
    assert linter.check(quiet) == []
    assert "unknown-rule-in-suppression" in ENGINE_RULES


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_batch_runner_finds_what_linting_each_note_alone_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    # the batch runner keeps only declared parts between its stages, in forked workers too
    monkeypatch.setattr(batch, "PARALLEL_THRESHOLD", 1)
    vault = tmp_path / "vault"
    shutil.copytree(EXAMPLE, vault)
    config = load_config(find_config(vault), vault)
    result = lint(vault, config, use_cache=False, jobs=jobs)
    rules = {d.rule for d in result.diagnostics}
    assert {"broken-link", "tag-case", "invalid-frontmatter"} <= rules, rules
    files = walk_vault(vault)
    notes = {p: read_and_parse(str(vault), p)[0] for p in files.notes}
    linted = [p for p in files.notes if p not in {n.path for n in result.excluded}]
    linter = Linter(config, VaultIndex(notes, files.others, tag_paths=linted), root=vault)
    alone = sorted(d for p in result.notes for d in linter.check(notes[p]))
    assert [(d.path, d.line, d.column, d.rule, d.message) for d in alone] == [
        (d.path, d.line, d.column, d.rule, d.message) for d in result.diagnostics
    ]


def test_a_rule_reads_the_index_only_when_its_options_need_it() -> None:
    from vaultlint.checks.properties import PropertiesOptions, PropertySpec

    typed = PropertiesOptions(properties={"rating": PropertySpec(type="number")})
    linked = PropertiesOptions(properties={"boss": PropertySpec(type="link")})
    rules = [
        Rule("typed", "properties", "warning", typed),
        Rule("linked", "properties", "warning", linked),
    ]
    note = parse_note("a.md", "---\nrating: high\nboss: Nobody\n---\n")
    linter = Linter(rules, None, root=Path("."))
    # no index needed: the first stage (as soon as the note is parsed) finds it
    assert _rows(linter.check_local(note)) == [
        (2, 9, "typed", "'rating': 'high' is not a number (the rule wants number)")
    ]
    assert linter.indexed_rules_for(note) == (0,)  # `linked` waits for the index
    assert _rows(linter.bind(VaultIndex({"a.md": note})).check(note)) == [
        (2, 9, "typed", "'rating': 'high' is not a number (the rule wants number)"),
        (3, 7, "linked", "'boss': 'Nobody' is not a link, and no note has that name or alias"),
    ]
