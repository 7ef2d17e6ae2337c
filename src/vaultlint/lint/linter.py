"""The per-note core: :class:`Linter` lints one note with a configuration's rules.

Every run lints a note through it — the whole-vault batch runner (``batch.py``), the editor
server, ``--fix``, the rule-case tests and the doc examples — so a note gets the same findings
everywhere::

    linter = Linter(config, index, root=vault)   # rules prepared once
    diagnostics = linter.check(note)             # where, suppression, crash isolation, sorted

A rule whose check raises (in ``prepare`` or ``check``) becomes an ``internal-error`` finding
for that note; the other rules and notes go on. The batch runner checks a note in two stages
(:meth:`Linter.check_local` as soon as it is parsed, :meth:`Linter.check_indexed` once the
index of the whole vault is built); :meth:`Linter.check` is both at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from vaultlint.checks import (  # the rule ids the linter reports are registered there
    ENGINE_RULES,
    INTERNAL_ERROR,
    OUTSIDE_VAULT,  # noqa: F401 (re-exported for the batch runner)
    PARSE_FAILED,
    REGISTRY,
    TOO_LARGE,
    UNKNOWN_RULE_IN_SUPPRESSION,
    UNREADABLE,
)
from vaultlint.checks.base import Check, CheckContext
from vaultlint.config import Config
from vaultlint.config.ruleset import Rule
from vaultlint.diagnostic import Diagnostic, Severity, note_diagnostic
from vaultlint.lint.suppress import apply_suppressions, unknown_rules
from vaultlint.model import Note, NoteView
from vaultlint.vault.filetypes import is_note_path
from vaultlint.vault.index import VaultIndex

# problem code → (rule id, check, severity) of the finding the linter makes of it
_PROBLEMS: dict[str, tuple[str, str, Severity]] = {
    UNREADABLE: (UNREADABLE, "io", "error"),
    PARSE_FAILED: (INTERNAL_ERROR, "parse", "error"),
    TOO_LARGE: (TOO_LARGE, "io", "error"),
}


class _Prepared(NamedTuple):
    """One enabled rule, its check instance and its context (``ctx.state`` is what the check's
    ``prepare`` returned, or the exception it raised)."""

    rule: Rule
    check: Check
    ctx: CheckContext
    reads: frozenset[str] | None
    indexed: bool  # it reads the index (``Check.uses_index``): run once every note is parsed


class Linter:
    """Lints notes with the enabled rules of ``config`` (a :class:`Config`, or rules).

    ``index`` is the vault's :class:`VaultIndex`; ``None`` is allowed for a linter used only
    for :meth:`check_local` (the batch runner's first stage; :meth:`bind` gives it an index).
    ``root`` is the vault's folder (checks read word lists and settings relative to it).
    Rules are prepared once, here. The linter keeps no state between notes.
    """

    def __init__(
        self,
        config: Config | Sequence[Rule],
        index: VaultIndex | None = None,
        *,
        root: Path,
    ) -> None:
        if isinstance(config, Config):
            rules: Iterable[Rule] = config.active_rules()
            defined = {r.id for r in config.rules}
        else:
            rules = [r for r in config if r.enabled]
            defined = {r.id for r in config}
        self.root = root
        self.index = index
        #: rule names a suppression comment may give without being reported
        self.known_rules = frozenset(defined | set(REGISTRY) | set(ENGINE_RULES) | {"all"})
        prepared = [self._prepare(rule, index) for rule in rules]
        self._local = tuple(p for p in prepared if not p.indexed)
        self._indexed = tuple(p for p in prepared if p.indexed)

    def _prepare(self, rule: Rule, index: VaultIndex | None) -> _Prepared:
        cls = REGISTRY[rule.check]
        check = cls()
        try:
            state = check.prepare(rule.options, self.root)
        except Exception as exc:  # a broken prepare is that rule's problem only
            state = exc
        ctx = CheckContext(
            index=index,  # type: ignore[arg-type]  # None only for checks that never read it
            rule_id=rule.id,
            check_name=rule.check,
            severity=rule.severity,  # type: ignore[arg-type]
            options=rule.options,
            message_override=rule.message,
            state=state,
        )
        indexed = check.uses_index(rule.options)
        return _Prepared(rule, check, ctx, cls.reads if indexed else None, indexed)

    def bind(self, index: VaultIndex) -> Linter:
        """The same prepared rules, reading ``index`` (nothing is prepared again)."""
        other = object.__new__(Linter)
        other.root = self.root
        other.index = index
        other.known_rules = self.known_rules
        other._local = self._local
        other._indexed = tuple(p._replace(ctx=p.ctx._replace(index=index)) for p in self._indexed)
        return other

    # -- what the batch runner needs to know ------------------------------------------------
    @property
    def rules(self) -> tuple[Rule, ...]:
        """The enabled rules, index-free ones first."""
        return tuple(p.rule for p in (*self._local, *self._indexed))

    @property
    def asks_near_files(self) -> bool:
        """Whether an enabled rule asks what broken links meant (``Check.asks_near_files``)."""
        return any(p.check.asks_near_files for p in self._indexed)

    @property
    def index_parts(self) -> frozenset[str] | None:
        """The note parts the index-reading rules read (``None``: one of them reads the whole
        note)."""
        parts: set[str] = set()
        for p in self._indexed:
            if p.reads is None:
                return None
            parts |= p.reads
        return frozenset(parts)

    # -- linting ----------------------------------------------------------------------------
    def check(self, note: Note) -> list[Diagnostic]:
        """Every finding of the note, suppressions applied, sorted."""
        found = self.check_local(note)
        which = self.indexed_rules_for(note)
        if which:
            found.extend(self.check_indexed(note, which))
        found.sort()
        return found

    def check_local(self, note: Note) -> list[Diagnostic]:
        """The findings that need no index: the note's own problems (unreadable, parser bug),
        unknown rules in its suppression comments, and the index-free rules whose ``where``
        matches; suppressions applied, not sorted."""
        found: list[Diagnostic] = []
        for problem in note.problems:
            made = _PROBLEMS.get(problem.code)
            if made is not None:
                found.append(note_diagnostic(note, *made, problem.message))
        if note.suppressions:
            found.extend(self._unknown_suppressed_rules(note))
        markdown = is_note_path(note.path)  # a canvas or a base: only the checks that read them
        for item in self._local:
            if (markdown or item.check.reads_vault_files) and item.rule.where.matches(note):
                self._run(item, note, found)
        return apply_suppressions(note, found) if found else found

    def indexed_rules_for(self, note: Note) -> tuple[int, ...]:
        """Which index-reading rules apply to the note (their ``where`` matches), as
        positions for :meth:`check_indexed`."""
        return tuple(i for i, p in enumerate(self._indexed) if p.rule.where.matches(note))

    def check_indexed(self, note: Note | NoteView, which: Sequence[int]) -> list[Diagnostic]:
        """The findings of the index-reading rules at positions ``which`` (their ``where``
        matched already); suppressions applied, not sorted. A rule that declares
        ``Check.reads`` gets a :class:`NoteView` of those parts only."""
        if self.index is None:
            raise ValueError("this Linter has no index: make it with one, or bind() one")
        found: list[Diagnostic] = []
        markdown = is_note_path(note.path)  # a canvas or a base: only the checks that read them
        for i in which:
            item = self._indexed[i]
            if not (markdown or item.check.reads_vault_files):
                continue
            if item.reads is not None:
                seen: Note | NoteView = NoteView.of(note, item.reads)
            elif isinstance(note, NoteView):
                raise ValueError(f"rule '{item.rule.id}' reads the whole note, not a view")
            else:
                seen = note
            self._run(item, seen, found)
        return apply_suppressions(note, found) if found else found

    def _run(self, item: _Prepared, note: Any, found: list[Diagnostic]) -> None:
        """Run one rule on a note its ``where`` matched (and that is a note, or a file its
        check reads: ``Check.reads_vault_files``)."""
        try:
            if isinstance(item.ctx.state, Exception):
                raise item.ctx.state
            found.extend(item.check.check(note, item.ctx))
        except Exception as exc:
            found.append(_internal_error(note, item.rule, exc))

    def _unknown_suppressed_rules(self, note: Note) -> list[Diagnostic]:
        ctx = CheckContext(self.index, UNKNOWN_RULE_IN_SUPPRESSION, "suppression", "warning", None)  # type: ignore[arg-type]
        return [
            ctx.diagnostic(note, span, f"unknown rule '{name}' in a suppression comment{hint}")
            for span, name, hint in unknown_rules(note, self.known_rules)
        ]


def _internal_error(note: Note | NoteView, rule: Rule, exc: Exception) -> Diagnostic:
    import traceback  # only for a check that failed

    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    message = (
        f"rule '{rule.id}' (check '{rule.check}') failed on this note: "
        f"{type(exc).__name__}: {exc}{where}; please report this bug"
    )
    return note_diagnostic(note, INTERNAL_ERROR, rule.check, "error", message)  # type: ignore[arg-type]
