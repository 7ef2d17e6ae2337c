"""The note of an open document, as ``vaultlint scan`` would read it once saved.

An editor sends text, not bytes, so two findings ``scan`` makes from a file's bytes are made
here from what the server knows:

- **too large**: a text whose UTF-8 form is over ``MAX_NOTE_BYTES`` is not parsed, and reports
  ``note-too-large`` as ``scan`` reports the file (it was parsed in full, at every keystroke);
- **not UTF-8**: an editor shows a file that is not UTF-8 decoded somehow (VS Code with U+FFFD,
  another as Latin-1) and saves it back in the same encoding, so while the file on disk is not
  UTF-8 the open note keeps ``scan``'s ``mojibake`` finding about it (it was lost on open).
  When the text is the file's as ``scan`` decodes it, the note is the file's exactly; once
  edited, the finding stays at its character offset (clamped to the text).
"""

from __future__ import annotations

import os

from vaultlint.lint import batch
from vaultlint.lint.linter import TOO_LARGE
from vaultlint.model import Note, Problem, Span
from vaultlint.parse import decode, parse_note, parse_text
from vaultlint.vault.discovery import open_in_vault


def not_utf8(root: str, path: str) -> Note | None:
    """The note ``scan`` reads from the file ``path`` when it is not valid UTF-8 (else None:
    valid, missing, unreadable or too large: then ``scan`` says something else about it)."""
    try:
        with os.fdopen(open_in_vault(root, path, walked=True), "rb", buffering=0) as fh:
            if os.fstat(fh.fileno()).st_size > batch.MAX_NOTE_BYTES:
                return None
            data = fh.read(batch.MAX_NOTE_BYTES + 1)
    except OSError:
        return None
    return parse_note(path, data) if decode(data)[1] is not None else None


def document_note(path: str, text: str, saved: Note | None) -> Note:
    """The note of an open document's ``text``; ``saved``: the note of its file when that is
    not UTF-8 (:func:`not_utf8`)."""
    if len(text) * 4 > batch.MAX_NOTE_BYTES:  # (a character is at most 4 bytes in UTF-8)
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > batch.MAX_NOTE_BYTES:
            return too_large(path, size)
    if saved is None:
        return parse_note(path, text)
    if saved.text == text:
        return saved
    note = parse_note(path, text)
    end = len(note.text)
    kept = [
        p._replace(span=Span(min(p.span.start, end), min(p.span.end, end)))
        for p in saved.problems
        if p.code == "encoding"
    ]
    return note._replace(problems=(*kept, *note.problems))


def too_large(path: str, size: int) -> Note:
    """The note ``scan`` makes of a file over ``MAX_NOTE_BYTES``: not parsed, one problem."""
    message = (
        f"the note is {size / 2**20:.0f} MiB, over the {batch.MAX_NOTE_BYTES >> 20} MiB "
        "vaultlint reads a note: it was not checked"
    )
    return parse_text(path, "")._replace(problems=(Problem(TOO_LARGE, message, Span(0, 0)),))
