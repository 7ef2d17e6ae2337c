"""Parsing one note, the way Obsidian reads it.

:func:`parse_note` turns a note's bytes into a frozen :class:`~vaultlint.model.Note`. It never
raises on content: undecodable bytes, broken YAML and the like become ``Note.problems``. Parsing
never looks at another note, so results can be cached by content and computed in parallel.

The scanners are imported when the first note is parsed, not with this package: the checks
import parts of it (constants, the link-text reader) and ``vaultlint rules`` imports the checks
without parsing anything.
"""

from __future__ import annotations

import re
from itertools import accumulate, islice
from typing import TYPE_CHECKING, Any

from vaultlint import PARSER_VERSION as PARSER_VERSION  # bumped in vaultlint/__init__.py
from vaultlint.model import Note, Problem, Span, Suppression, line_starts_of

if TYPE_CHECKING:
    from vaultlint.parse.markdown import BlockScan

_PLUS_ONE = (1).__add__  # a line's start is the sum of (length + 1) of the lines before it
#: compiled on use (``re``'s cache): only notes that hold ``vaultlint-`` are searched
_SUPPRESS = (
    r"(?:%%|<!--)[ \t]*vaultlint-(disable-next-line|disable|enable)\b([^\n\r%>]*?)[ \t]*(?:%%|-->)"
)


def decode(data: bytes) -> tuple[str, Problem | None]:
    """Text of a note's bytes: UTF-8 (a BOM is dropped), else the text with U+FFFD for the bytes
    that are not UTF-8, plus a problem naming the first one (the file itself is never changed)."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    data = data[bom:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        at = len(data[: exc.start].decode("utf-8", errors="replace"))
        byte = data[exc.start]
        return text, Problem(
            "encoding",
            f"note is not valid UTF-8 (byte 0x{byte:02x} at byte offset {exc.start + bom}); "
            f"it was probably saved as {_saved_as(data)}",
            Span(at, at + 1),
        )


def note_text(path: str, data: bytes) -> str:
    """The text :func:`parse_note` gives the note ``path`` of these bytes (its ``Note.text``):
    what the batch runner compares when it reads a note again (``lint/keep.py``)."""
    text = decode(data)[0]
    if path.lower().endswith((".canvas", ".base")):
        return text
    return text[1:] if text.startswith("\ufeff") else text


def _saved_as(data: bytes) -> str:
    """The encoding a note that is not UTF-8 was most likely saved in, for its message."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32: save it as UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8"
    head = data[:400]
    if len(head) >= 4 and max(head[0::2].count(0), head[1::2].count(0)) * 4 >= len(head):
        return "UTF-16 (every other byte is NUL): save it as UTF-8"
    return "Latin-1 or Windows-1252"


#: (parse_frontmatter, scan_blocks, scan_inline), imported when the first note is parsed
_SCANNERS: tuple[Any, Any, Any] | None = None


def load_scanners() -> tuple[Any, Any, Any]:
    """Import the scanners now (the batch runner does before it forks its workers, so that they
    share them rather than import them each)."""
    global _SCANNERS
    from vaultlint.parse.frontmatter import parse_frontmatter
    from vaultlint.parse.markdown import scan_blocks
    from vaultlint.parse.obsidian import scan_inline

    _SCANNERS = (parse_frontmatter, scan_blocks, scan_inline)
    return _SCANNERS


def parse_note(path: str, data: bytes | str) -> Note:
    """Parse a note. ``path`` is vault-relative with ``/``; ``data`` its bytes (or text)."""
    problems: list[Problem] = []
    if isinstance(data, bytes):
        text, problem = decode(data)
        if problem is not None:
            problems.append(problem)
    else:
        text = data[1:] if data.startswith("\ufeff") else data
    lower = path.lower()
    if lower.endswith((".canvas", ".base")):
        return _parse_vault_file(path, text, problems)
    return parse_text(path, text, problems)


def _parse_vault_file(path: str, text: str, problems: list[Problem]) -> Note:
    """A canvas or a base: their links and views, at their place in the file."""
    if path.lower().endswith(".canvas"):
        from vaultlint.parse.canvas import parse_canvas

        note = parse_canvas(path, text)
    else:
        from vaultlint.parse.base import parse_base

        note = parse_base(path, text)
    if problems:
        note = note._replace(problems=(*problems, *note.problems))
    return note


def parse_text(
    path: str,
    text: str,
    problems: list[Problem] | None = None,
    *,
    use_mistune: bool = True,
    force_mistune: bool = False,
) -> Note:
    """Parse decoded text (see :func:`parse_note`).

    mistune decides code and HTML blocks only for notes the line scanner marks as hard
    (``use_mistune``), or for every note (``force_mistune``: the reference the tests compare
    the scanner with).
    """
    parse_frontmatter, scan_blocks, scan_inline = _SCANNERS or load_scanners()
    problems = list(problems or ())
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        lines = None
        line_starts = line_starts_of(text)
    else:  # one split serves the line table and the block scan
        lines = text.split("\n")
        line_starts = (0, *accumulate(map(_PLUS_ONE, map(len, islice(lines, len(lines) - 1)))))
    fm = parse_frontmatter(text)
    problems.extend(fm.problems)
    scan = scan_blocks(text, fm.body_start, line_starts, lines=lines)
    if force_mistune or (scan.hard and use_mistune):
        scan = _rescan_with_mistune(text, fm.body_start, line_starts, scan)
    links, tags = scan_inline(text, scan.ranges)
    sections = list(scan.sections)
    if fm.span is not None:
        from vaultlint.model import Section

        sections.insert(0, Section("yaml", fm.span))
    return Note(
        path=path,
        text=text,
        line_starts=line_starts,
        frontmatter=fm.data,
        frontmatter_span=fm.span,
        fields=fm.fields,
        headings=tuple(scan.headings),
        links=(*fm.links, *links),
        tags=(*fm.tags, *tags),
        blocks=tuple(scan.blocks),
        sections=tuple(sections),
        problems=tuple(problems),
        suppressions=tuple(_suppressions(text, line_starts, scan)),
        body_start=fm.body_start,
    )


def _rescan_with_mistune(
    text: str, body_start: int, line_starts: tuple[int, ...], scan: BlockScan
) -> BlockScan:
    """Let mistune decide which lines are code or HTML, for notes the line scanner cannot."""
    from vaultlint.parse import mistune_blocks

    scan_blocks = (_SCANNERS or load_scanners())[1]

    first_line = 0
    while first_line < len(line_starts) and line_starts[first_line] < body_start:
        first_line += 1
    body = text[body_start:]
    comments = [s.span for s in scan.sections if s.type == "comment"]
    if comments:
        # mistune does not know ``%%`` comments: blank them (keeping line breaks) so that a
        # fence or HTML inside a comment cannot change what mistune decides around it
        parts, pos = [], body_start
        for span in comments:
            parts.append(text[pos : span.start])
            parts.append(re.sub(r"[^\r\n]", "", text[span.start : span.end]))
            pos = span.end
        parts.append(text[pos:])
        body = "".join(parts)
    try:
        opaque = mistune_blocks.opaque_lines(body)
    except mistune_blocks.MistuneUnavailable:
        return scan
    shifted = frozenset(line + first_line for line in opaque)
    return scan_blocks(text, body_start, line_starts, opaque=shifted)


def _suppressions(text: str, line_starts: tuple[int, ...], scan: BlockScan) -> list[Suppression]:
    """``vaultlint-disable…`` comments, except those shown inside code blocks (a note that
    documents vaultlint must not silence itself)."""
    if "vaultlint-" not in text:
        return []
    import bisect

    code = [s.span for s in scan.sections if s.type == "code"]
    found = []
    for m in re.finditer(_SUPPRESS, text):
        if any(span.start <= m.start() < span.end for span in code):
            continue
        rules = tuple(r.strip() for r in m.group(2).replace(",", " ").split() if r.strip())
        line = bisect.bisect_right(line_starts, m.start()) - 1
        found.append(Suppression(m.group(1), rules, line))
    return found
