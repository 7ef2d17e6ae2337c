"""vaultlint's findings in LSP terms: positions in UTF-16 code units, diagnostics, edits.

vaultlint counts characters (code points); LSP counts UTF-16 code units by default, so a
character outside the Basic Multilingual Plane (an emoji) is two columns. Lines are split as
both split them: at ``\\n``, ``\\r\\n`` and ``\\r``.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from vaultlint.diagnostic import Diagnostic, Fix
from vaultlint.model import Note

SOURCE = "vaultlint"
_SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}


def _utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def position(note: Note, offset: int) -> lsp.Position:
    """The LSP position of a character offset into the note's text."""
    offset = max(0, min(offset, len(note.text)))
    line, col = note.position(offset)
    start = note.line_starts[line]
    return lsp.Position(line=line, character=_utf16_len(note.text[start : start + col]))


def offset(note: Note, pos: lsp.Position) -> int:
    """The character offset of an LSP position (clamped to its line, as LSP asks)."""
    starts = note.line_starts
    if pos.line >= len(starts):
        return len(note.text)
    start = starts[pos.line]
    end = starts[pos.line + 1] if pos.line + 1 < len(starts) else len(note.text)
    units = 0
    i = start
    while i < end and units < pos.character:
        ch = note.text[i]
        if ch in "\r\n":
            break
        units += 2 if ord(ch) > 0xFFFF else 1
        i += 1
    return i


def to_lsp(diag: Diagnostic) -> lsp.Diagnostic:
    """A finding as an LSP diagnostic; its range comes from the span it keeps (UTF-16)."""
    (line, char), (end_line, end_char) = diag.lsp_range()
    return lsp.Diagnostic(
        range=lsp.Range(start=lsp.Position(line, char), end=lsp.Position(end_line, end_char)),
        message=diag.message,
        severity=_SEVERITY.get(diag.severity, lsp.DiagnosticSeverity.Warning),
        code=diag.rule,
        source=SOURCE,
    )


def fix_edit(note: Note, uri: str, fix: Fix, version: int | None) -> lsp.WorkspaceEdit:
    """A fix's edits as a workspace edit on the document ``uri`` (at its ``version`` when the
    editor gave one, so a stale fix is refused rather than misapplied)."""
    edits = [
        lsp.TextEdit(
            range=lsp.Range(start=position(note, e.start), end=position(note, e.end)),
            new_text=e.replacement,
        )
        for e in sorted(fix.edits, key=lambda e: (e.start, e.end))
    ]
    if version is None:
        return lsp.WorkspaceEdit(changes={uri: edits})
    doc = lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    return lsp.WorkspaceEdit(
        document_changes=[lsp.TextDocumentEdit(text_document=doc, edits=edits)]
    )
