"""Diagnostics: one violation of one rule, at one place in one note.

A :class:`Diagnostic` keeps its :class:`~vaultlint.model.Span` (character offsets into the
note's text) and the note's :class:`LineTable`; positions are derived from them where they are
reported: ``line``/``column`` (1-based, code points, as README "A first run" says), ``end_line``/
``end_column``, and :meth:`Diagnostic.lsp_range` (0-based, UTF-16 code units, as LSP wants).
Nothing needs the note's text again.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from vaultlint.record import Record, set_field
from vaultlint.span import Span

if TYPE_CHECKING:
    from vaultlint.model import Note

Severity = Literal["error", "warning", "info"]

# characters outside the Basic Multilingual Plane: two UTF-16 code units each
_ASTRAL = "[\U00010000-\U0010ffff]"  # compiled on use (a run from the cache makes no table)


#: how a line table packs its line starts: unsigned machine integers of four bytes (a note is
#: at most 32 MiB, so every offset fits) — C's ``unsigned int`` wherever CPython runs today,
#: else ``unsigned long`` (eight bytes on such a platform: bigger, still exact)
_STARTS_FORMAT = "I" if array("I").itemsize == 4 else "L"


class LineTable(Record):
    """What positions are derived from: where each line of a note starts (character offsets)
    and the offsets of its characters outside the BMP (one code point, two UTF-16 units).

    Small and shared by every diagnostic of a note, so pickling a note's diagnostics stores it
    once. The line starts are packed in ``bytes`` (four a line; given as a tuple of ints, they
    are packed): a run keeps the table of every note with a finding until it reports, and a
    tuple of ints took nine times the room (~20 MB at 50k notes). ``astral`` is a tuple, empty
    for most notes. A :class:`~vaultlint.record.Record`, like :class:`Diagnostic`.
    """

    _fields = ("starts", "astral")
    __slots__ = _fields
    starts: bytes
    astral: tuple[int, ...]

    def __init__(self, starts: bytes | Sequence[int], astral: tuple[int, ...] = ()) -> None:
        if type(starts) is not bytes:
            starts = array(_STARTS_FORMAT, starts).tobytes()
        set_field(self, "starts", starts)
        set_field(self, "astral", astral)

    @classmethod
    def of(cls, text: str, starts: Sequence[int]) -> LineTable:
        # no character outside the BMP: UTF-16 has two bytes a character (a tenth of the
        # time of the regex's scan, and most notes have none)
        packed = array(_STARTS_FORMAT, starts).tobytes()
        if text.isascii() or len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
            return cls(packed)
        return cls(packed, tuple(m.start() for m in re.finditer(_ASTRAL, text)))

    @property
    def line_starts(self) -> Sequence[int]:
        """The offset at which each line starts."""
        return memoryview(self.starts).cast(_STARTS_FORMAT)

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, column in code points) of a character offset."""
        starts = memoryview(self.starts).cast(_STARTS_FORMAT)
        line = bisect.bisect_right(starts, offset) - 1
        return line, offset - starts[line]

    def utf16_position(self, offset: int) -> tuple[int, int]:
        """0-based (line, column in UTF-16 code units) of a character offset."""
        line, column = self.position(offset)
        if self.astral:
            start = self.line_starts[line]
            lo = bisect.bisect_left(self.astral, start)
            column += bisect.bisect_left(self.astral, offset) - lo
        return line, column


_last_note: Note | None = None
_last_table: LineTable | None = None


def line_table(note: Note) -> LineTable:
    """The note's line table; the one of the last note asked for is kept, so that every
    diagnostic of a note shares one table (a check reports on one note at a time)."""
    global _last_note, _last_table
    if note is not _last_note or _last_table is None:
        _last_table = LineTable.of(note.text, note.line_starts)
        _last_note = note
    return _last_table


class Edit(NamedTuple):
    """Replace ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str


class Fix(NamedTuple):
    """A change that would resolve a diagnostic. ``safe`` fixes may be applied by ``--fix``."""

    message: str
    edits: tuple[Edit, ...]
    applicability: Literal["safe", "unsafe"] = "safe"


class Diagnostic(Record):
    """A finding at ``span`` of the note at ``path``; make one with
    :meth:`vaultlint.checks.base.CheckContext.diagnostic` (or :func:`note_diagnostic`).

    Orderable as reports sort them: path, line, column, rule — compared as (path, span start,
    rule), which is the same order for the diagnostics of one note, without computing a line.
    Equal when path, start and rule are equal (as before spans were kept). ``snippet`` is the
    offending text (the baseline matches findings across moved lines with it). A
    :class:`~vaultlint.record.Record`: frozen, pickled by a call of the class (the results
    cache holds every finding: about twice as fast to unpickle as a slots dataclass's
    ``__setstate__``).
    """

    _fields = ("path", "span", "rule", "check", "severity", "message", "lines", "snippet", "fix")
    __slots__ = _fields
    path: str
    span: Span
    rule: str
    check: str
    severity: Severity
    message: str
    lines: LineTable
    snippet: str
    fix: Fix | None

    def __init__(
        self,
        path: str,
        span: Span,
        rule: str,
        check: str,
        severity: Severity,
        message: str,
        lines: LineTable,
        snippet: str = "",
        fix: Fix | None = None,
    ) -> None:
        set_field(self, "path", path)
        set_field(self, "span", span)
        set_field(self, "rule", rule)
        set_field(self, "check", check)
        set_field(self, "severity", severity)
        set_field(self, "message", message)
        set_field(self, "lines", lines)
        set_field(self, "snippet", snippet)
        set_field(self, "fix", fix)

    def __reduce__(self) -> tuple:
        # written out rather than Record's loop: the results cache pickles every finding
        return (
            Diagnostic,
            (
                self.path,
                self.span,
                self.rule,
                self.check,
                self.severity,
                self.message,
                self.lines,
                self.snippet,
                self.fix,
            ),
        )

    # -- positions, derived -----------------------------------------------------------------
    @property
    def line(self) -> int:
        """1-based line of the start."""
        return self.lines.position(self.span.start)[0] + 1

    @property
    def column(self) -> int:
        """1-based column of the start, in code points."""
        return self.lines.position(self.span.start)[1] + 1

    @property
    def end_line(self) -> int:
        return self.lines.position(self.span.end)[0] + 1

    @property
    def end_column(self) -> int:
        """1-based column just after the end (exclusive), in code points."""
        return self.lines.position(self.span.end)[1] + 1

    def lsp_range(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """((line, character), (line, character)) of start and end: 0-based, UTF-16 units."""
        return self.lines.utf16_position(self.span.start), self.lines.utf16_position(self.span.end)

    @property
    def is_note_level(self) -> bool:
        """A finding about the note as a whole (something missing): at 1:1, pointing at no
        text."""
        return self.span.start == 0 and not self.snippet

    # -- order ------------------------------------------------------------------------------
    def _key(self) -> tuple[str, int, str]:
        return (self.path, self.span.start, self.rule)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Diagnostic):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __lt__(self, other: Diagnostic) -> bool:
        return (self.path, self.span.start, self.rule) < (other.path, other.span.start, other.rule)

    def __le__(self, other: Diagnostic) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Diagnostic) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Diagnostic) -> bool:
        return self._key() >= other._key()

    def to_json(self) -> dict[str, object]:
        start, end = self.lines.position(self.span.start), self.lines.position(self.span.end)
        return {
            "path": self.path,
            "line": start[0] + 1,
            "column": start[1] + 1,
            "end_line": end[0] + 1,
            "end_column": end[1] + 1,
            "rule": self.rule,
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
        }


#: the line table of a finding about a file that was not read (a diagnostic at 1:1)
NO_LINES = LineTable((0,))


def file_diagnostic(
    path: str, rule: str, check: str, severity: Severity, message: str
) -> Diagnostic:
    """A finding about a file that vaultlint did not read (line 1, column 1)."""
    return Diagnostic(path, Span(0, 0), rule, check, severity, message, NO_LINES)


def note_diagnostic(
    note: Note, rule: str, check: str, severity: Severity, message: str
) -> Diagnostic:
    """A finding about a note as a whole (line 1, column 1), for the linter's own rules."""
    return Diagnostic(note.path, Span(0, 0), rule, check, severity, message, line_table(note))
