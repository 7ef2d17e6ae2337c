"""Go to definition, completion inside ``[[``, and what a link points at.

All of it reads the vault index (which holds the unsaved text of open notes) and the notes the
session has; positions are character offsets (the LSP layer converts them).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from vaultlint.model import Link, Note, Span
from vaultlint.server.session import VaultSession
from vaultlint.vault.index import fold, normalize_heading

#: at most this many note names are offered at once (the client asks again as the user types)
MAX_ITEMS = 200


@dataclass(frozen=True)
class Target:
    """Where a link leads: a vault file and, for a heading or block link, the span in it."""

    path: str
    span: Span | None


def link_at(note: Note, offset: int) -> Link | None:
    """The link whose text holds ``offset`` (its closing bracket included)."""
    for link in note.links:
        if link.span.start <= offset < link.span.end or offset == link.span.end > link.span.start:
            return link
    return None


def definition(session: VaultSession, note: Note, offset: int) -> Target | None:
    link = link_at(note, offset)
    if link is None:
        return None
    path = session.index.resolve(link.target, note.path)
    if path is None:
        return None
    if not link.subpath or not path.lower().endswith(".md"):
        return Target(path, None)
    target = session.note(path)
    if target is None:
        return Target(path, None)
    parts = [p for p in link.subpath.split("#") if p.strip()]
    if not parts:
        return Target(path, None)
    if parts[0].startswith("^"):
        wanted = parts[0][1:].strip().lower()
        for block in target.blocks:
            if block.id.lower() == wanted:
                return Target(path, block.span)
        return Target(path, None)
    wanted = normalize_heading(parts[-1])
    for heading in target.headings:
        if normalize_heading(heading.text) == wanted:
            return Target(path, heading.span)
    return Target(path, None)


@dataclass(frozen=True)
class Completion:
    """Completion items for the link being typed: ``replace`` is the span they replace."""

    items: list[tuple[str, str]]  # (label, detail)
    replace: Span
    incomplete: bool


def _open_link(note: Note, offset: int) -> int | None:
    """The offset just after the ``[[`` of a wiki-link being typed at ``offset``, or None."""
    line, _ = note.position(offset)
    start = note.line_starts[line]
    before = note.text[start:offset]
    at = before.rfind("[[")
    if at == -1 or "]]" in before[at:] or "|" in before[at:]:
        return None
    return start + at + 2


def complete(session: VaultSession, note: Note, offset: int) -> Completion | None:
    begin = _open_link(note, offset)
    if begin is None:
        return None
    typed = note.text[begin:offset]
    index = session.index
    if "#" in typed:
        target_text, _, sub = typed.partition("#")
        target = index.resolve(target_text.strip(), note.path)
        summary = index.summary(target) if target else None
        if summary is None:
            return Completion([], Span(offset, offset), False)
        sub_start = begin + typed.rfind("#") + 1
        if sub.startswith("^"):
            items = [(f"^{b}", "block") for b in summary.blocks]
            return Completion(items, Span(sub_start, offset), False)
        items = [(text, f"h{level}") for level, text in summary.headings]
        return Completion(items, Span(sub_start, offset), False)
    return _complete_names(session, typed.strip().lower(), Span(begin, offset))


def _complete_names(session: VaultSession, typed: str, replace: Span) -> Completion:
    """Notes by name (the vault path when several notes share it), attachments with their
    extension; names that start with what was typed first, then those that contain it."""
    notes = session.note_paths
    others = session.other_paths
    names: dict[str, int] = {}
    for path in notes:
        key = fold(posixpath.basename(path)[:-3])
        names[key] = names.get(key, 0) + 1
    starts: list[tuple[str, str]] = []
    contains: list[tuple[str, str]] = []
    for path in (*notes, *others):
        is_note = path.lower().endswith(".md")
        base = posixpath.basename(path)
        name = base[:-3] if is_note else base
        unique = not is_note or names.get(fold(name), 0) == 1
        label = name if unique else path[:-3]
        folded = fold(label)
        if typed and typed not in folded:
            continue
        item = (label, path)
        (starts if folded.startswith(typed) else contains).append(item)
    items = sorted(starts) + sorted(contains)
    return Completion(items[:MAX_ITEMS], replace, len(items) > MAX_ITEMS)
