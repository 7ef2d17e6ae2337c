"""What vaultlint read from a note, in the shape of Obsidian's ``CachedMetadata``.

``vaultlint inspect`` prints this; the field names and the 0-based ``{line, col, offset}``
positions are those of Obsidian's own metadata cache (see ``obsidian/fixtures``), so users can
compare what vaultlint saw with what Obsidian shows, and tests can compare it with Obsidian.
Like Obsidian's (JavaScript strings), columns and offsets here count UTF-16 code units: an
emoji counts two. Diagnostics count characters (code points), as README "A first run" says.
"""

from __future__ import annotations

import re
from typing import Any

from vaultlint.model import Link, Note, Span
from vaultlint.vault.index import VaultIndex

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _astral(text: str, start: int, end: int) -> int:
    """Characters outside the BMP in ``text[start:end]``: each is two UTF-16 code units."""
    return sum(1 for c in text[start:end] if ord(c) > 0xFFFF)


def _loc(note: Note, offset: int) -> dict[str, int]:
    line, col = note.position(offset)
    text = note.text
    if not text.isascii() and _ASTRAL.search(text, 0, offset):
        # Obsidian counts columns and offsets in UTF-16 code units, as JavaScript strings do
        line_start = note.line_starts[line]
        col += _astral(text, line_start, offset)
        offset += _astral(text, 0, offset)
    return {"line": line, "col": col, "offset": offset}


def position(note: Note, span: Span) -> dict[str, dict[str, int]]:
    return {"start": _loc(note, span.start), "end": _loc(note, span.end)}


def _link(note: Note, link: Link) -> dict[str, Any]:
    out: dict[str, Any] = {
        "link": link.linktext,
        "original": link.original,
        "displayText": link.display_text,
    }
    if link.kind == "fm":
        out["key"] = link.key
    else:
        out["position"] = position(note, link.span)
    return out


def cached_metadata(note: Note, index: VaultIndex | None = None) -> dict[str, Any]:
    """The note as Obsidian's metadata cache would hold it (empty fields left out, as Obsidian
    does), plus ``path``, vaultlint's ``problems``, and ``resolveLinkToPath`` when an index is
    given (where each link text resolves, ``null`` when it does not)."""
    out: dict[str, Any] = {"path": note.path}
    if note.frontmatter is not None:
        out["frontmatter"] = note.frontmatter
    if note.frontmatter_span is not None:
        out["frontmatterPosition"] = position(note, note.frontmatter_span)
    fm_links = [_link(note, x) for x in note.links if x.kind == "fm"]
    if fm_links:
        out["frontmatterLinks"] = fm_links
    if note.headings:
        out["headings"] = [
            {"heading": h.text, "level": h.level, "position": position(note, h.span)}
            for h in note.headings
        ]
    links = [_link(note, x) for x in note.links if x.kind in ("wiki", "md")]
    if links:
        out["links"] = links
    embeds = [_link(note, x) for x in note.links if x.kind in ("embed", "mdembed")]
    if embeds:
        out["embeds"] = embeds
    tags = [
        {"tag": "#" + t.name, "position": position(note, t.span)}
        for t in note.tags
        if t.origin == "body"
    ]
    if tags:
        out["tags"] = tags
    if note.blocks:
        out["blocks"] = {
            b.id.lower(): {"id": b.id.lower(), "position": position(note, b.span)}
            for b in note.blocks
        }
    if note.sections:
        out["sections"] = [
            {"type": s.type, "position": position(note, s.span)} for s in note.sections
        ]
    all_tags = ["#" + t.name for t in note.tags]
    if all_tags:
        out["getAllTags"] = all_tags
    if note.problems:
        out["problems"] = [
            {"code": p.code, "message": p.message, "position": position(note, p.span)}
            for p in note.problems
        ]
    if index is not None and note.links:
        out["resolveLinkToPath"] = {
            x.target: index.resolve(x.target, note.path) for x in note.links if x.target
        }
    return out


def render_inspect(objects: list[dict[str, Any]], *, single: bool) -> str:
    """``vaultlint inspect``'s output: one object for one PATH naming one note, else an array."""
    import json

    payload: Any = objects[0] if single and len(objects) == 1 else objects
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n"
