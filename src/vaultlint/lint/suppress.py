"""Suppression comments: ``%% vaultlint-disable-next-line RULE… %%`` (or ``<!-- … -->``),
``vaultlint-disable RULE…`` … ``vaultlint-enable RULE…``; no rule named means every rule.

The parser finds the comments (:class:`~vaultlint.model.Suppression`, not inside code blocks);
this module decides which findings they silence, and which rule names they give that no rule
has (reported as ``unknown-rule-in-suppression``, as ruff reports an unknown code in ``noqa``:
a misspelt name silences nothing, silently).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from vaultlint.diagnostic import Diagnostic
from vaultlint.model import Note, NoteView, Span, Suppression

#: findings that no comment can silence (a crashed rule must stay visible)
UNSILENCEABLE = frozenset({"internal-error"})


def apply_suppressions(note: Note | NoteView, found: list[Diagnostic]) -> list[Diagnostic]:
    """Drop the diagnostics that the note's ``vaultlint-disable…`` comments silence."""
    if not note.suppressions:
        return found
    return [d for d in found if d.rule in UNSILENCEABLE or not _suppressed(note, d)]


def _covers(rules: tuple[str, ...], rule: str) -> bool:
    return not rules or rule in rules or "all" in rules


def _suppressed(note: Note | NoteView, diag: Diagnostic) -> bool:
    """``disable-next-line`` silences the next line; ``disable`` … ``enable`` a range of lines.
    A note-level finding (at 1:1) follows the state after the note's last comment: a
    ``disable`` never re-enabled silences it, a closed ``disable`` … ``enable`` range does not."""
    line0 = diag.lines.position(diag.span.start)[0]
    note_level = diag.is_note_level
    disabled = False
    for sup in note.suppressions:
        if not _covers(sup.rules, diag.rule):
            continue
        if sup.kind == "disable-next-line":
            if sup.line + 1 == line0:
                return True
        elif sup.kind == "disable":
            if sup.line <= line0 or note_level:
                disabled = True
        elif sup.kind == "enable" and (sup.line <= line0 or note_level):
            disabled = False
    return disabled


def unknown_rules(note: Note | NoteView, known: frozenset[str]) -> Iterator[tuple[Span, str, str]]:
    """(span of the name, the name, a did-you-mean hint) of each rule name in the note's
    suppression comments that is not in ``known``."""
    for sup in note.suppressions:
        for name in sup.rules:
            if name in known:
                continue
            yield _name_span(note, sup, name), name, _hint(name, known)


def _name_span(note: Note | NoteView, sup: Suppression, name: str) -> Span:
    """Where ``name`` is written in the comment on line ``sup.line`` (its first occurrence
    after ``vaultlint-``; the line's start if it cannot be found)."""
    starts = note.line_starts
    start = starts[sup.line]
    end = starts[sup.line + 1] if sup.line + 1 < len(starts) else len(note.text)
    line = note.text[start:end]
    at = line.find("vaultlint-")
    found = line.find(name, at + len("vaultlint-")) if at >= 0 else -1
    if found < 0:
        return Span(start, start)
    return Span(start + found, start + found + len(name))


def _hint(name: str, known: Iterable[str]) -> str:
    import difflib  # only for a suppression naming an unknown rule

    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""
