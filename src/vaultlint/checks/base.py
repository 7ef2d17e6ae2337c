"""The shape every check has: a name, an ``Options`` dataclass, documentation and ``check()``.

A check's docstring has the same headings everywhere (``What it does``, ``Why``, ``Example``,
``Options``); ``vaultlint rule ID`` prints it, and tests run its examples. Options are declared
as a frozen dataclass whose fields carry a ``doc`` in their metadata; the config loader validates
YAML values against the field types strictly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from vaultlint.diagnostic import Diagnostic, Fix, Severity, line_table
from vaultlint.model import Note, Span

if TYPE_CHECKING:
    from vaultlint.vault.index import VaultIndex


def option(default: Any = None, *, doc: str, default_factory: Any = None) -> Any:
    """Declare an option with its documentation (used by ``vaultlint rule`` and the doc test)."""
    if default_factory is not None:
        return field(default_factory=default_factory, metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class NoOptions:
    """A check without options."""


class DocExample(NamedTuple):
    """An example from a check's docs: a note (and optionally other notes) and whether it fails.

    ``files`` maps vault paths to text; the note under test is ``note``. ``options`` are the
    rule's options as YAML would give them. ``expect`` lists ``(line, column)`` of diagnostics.
    """

    title: str
    files: dict[str, str]
    options: dict[str, Any]
    expect: tuple[tuple[int, int], ...]
    note: str = "Note.md"  # the note under test


class FileProblem(NamedTuple):
    """A problem :meth:`Check.validate_options` finds in a file the check reads besides the
    configuration (``.obsidian/types.json``): reported at that file's own place — ``path`` as
    found, ``line`` and ``column`` 1-based where the file's format says them — not at the
    rule's line in a configuration file."""

    path: Path
    message: str
    line: int | None = None
    column: int | None = None


class Check:
    """Base class of checks. Subclasses set ``name``, ``summary``, ``Options`` and ``check()``."""

    name: ClassVar[str]
    summary: ClassVar[str]
    Options: ClassVar[type] = NoOptions
    #: whether ``check()`` reads ``ctx.index`` (the batch runner runs the others as soon as a
    #: note is parsed, and the index-reading ones once every note is parsed)
    needs_index: ClassVar[bool] = False
    #: for an index-reading check: the parts of the note it reads (names in
    #: :data:`vaultlint.model.NOTE_PARTS`; path, text, line table and suppressions always come).
    #: ``None`` means the whole note. With a declaration the check gets a
    #: :class:`~vaultlint.model.NoteView` that raises on any other part — in every runner —
    #: and the batch runner keeps only those parts in memory while the index is built.
    reads: ClassVar[frozenset[str] | None] = None
    #: whether ``check()`` also runs on canvases and bases (read as notes whose text is their
    #: JSON or YAML, with their links and views); other checks see only Markdown notes
    reads_vault_files: ClassVar[bool] = False
    #: whether ``check()`` asks ``ctx.index.names.near_file`` what a broken link meant (the
    #: batch runner then announces the broken links first: many are answered faster at once)
    asks_near_files: ClassVar[bool] = False
    #: examples shown by ``vaultlint rule`` and run as tests
    examples: ClassVar[tuple[DocExample, ...]] = ()

    def check(self, note: Note, ctx: CheckContext) -> Iterable[Diagnostic]:
        raise NotImplementedError

    def validate_options(
        self, options: Any, vault: Path
    ) -> Iterable[tuple[str, str] | FileProblem]:
        """Problems with option *values* once their types are right, as ``(option, message)``,
        or as a :class:`FileProblem` for a file the check reads that is not an option's.

        Called by the config loader, which reports each with the file, line and key (a
        ``FileProblem`` at its own file, line and column). Compile regular expressions and
        check that files exist here.
        """
        return ()

    def external_files(self, options: Any, vault: Path) -> Iterable[Path]:
        """Files the check reads besides the notes (word lists…): their changes invalidate
        cached results."""
        return ()

    def uses_index(self, options: Any) -> bool:
        """Whether a rule of this check, with these options, reads ``ctx.index`` (default:
        ``needs_index``). A check that reads it for some options only says so here, so that
        its other rules run as soon as a note is parsed."""
        return self.needs_index

    def prepare(self, options: Any, vault: Path) -> Any:
        """Work done once per rule before any note is checked (compiled patterns, word lists);
        the result is ``ctx.state``. It must not change while notes are checked."""
        return None


class CheckContext(NamedTuple):
    """What a check may use while it looks at one note under one rule."""

    index: VaultIndex
    rule_id: str
    check_name: str
    severity: Severity
    options: Any
    message_override: str | None = None
    state: Any = None

    def diagnostic(
        self,
        note: Note,
        span: Span,
        message: str,
        *,
        fix: Fix | None = None,
    ) -> Diagnostic:
        """A diagnostic pointing at ``span`` of ``note`` (it keeps the span; positions are
        derived from it where the diagnostic is reported)."""
        start, end = span[0], span[1]
        if end < start:
            end = start
        return Diagnostic(
            note.path,
            Span(start, end),
            self.rule_id,
            self.check_name,
            self.severity,
            self.message_override.format(message=message) if self.message_override else message,
            line_table(note),
            note.text[start:end],
            fix,
        )

    def note_diagnostic(self, note: Note, message: str) -> Diagnostic:
        """A note-level diagnostic (something missing): line 1, column 1."""
        return self.diagnostic(note, Span(0, 0), message)
