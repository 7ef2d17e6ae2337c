"""What a batch worker keeps of a note between its two stages (``batch.py``), and the view the
index-reading rules check in stage 2.

A whole-vault run parses every note before the index exists, so every target note must wait,
in some form, for stage 2. What waits is one record per note: the parts of the note the
index-reading rules declare in ``Check.reads`` (links, tags, fields…) packed as plain tuples,
its suppression comments and how to find its text again, marshalled into ``bytes`` (a few
hundred bytes for a note whose ``Link`` objects take kilobytes; cut in pieces small enough
for Python's own allocator, so that stage 2 reuses their memory as they are freed). A link's
source text is left out when it is what its parts write (``[[Target#Sub|Shown]]``) and
written again when the note is viewed: a generated vault's records shrink from ~1,000 to
~700 bytes (15 MB at 50k notes, all held when stage 2 starts). Links are packed (and their
text left out) by this module in one tuple a link, each other part by the model's codec. The text
and the line table are *not* kept — they were the vault's whole text, held until the end of
the run. A check reads them only where it reports (a finding's snippet and positions, a
frontmatter link's ``[[``, a fix's edit), so a :class:`KeptView` reads the file again the
first time its ``text`` or ``line_starts`` is asked for, and only then: in a vault where one
note in five has a finding of an index-reading rule, one note in five is read twice.

The file must still be what stage 1 parsed: its content digest is compared when the run
computed one (the caches are on), else its size, modification time and inode (what the caches
trust on every run), and the text's length in both cases. A note whose file changed (or went)
in between is marked :attr:`KeptNote.changed`; the batch runner then drops what its checks
found and parses and checks that note again, whole, as it is now — so a note's findings never
mix two versions of it: it is checked against its own new summary (batch.py
``_check_changed``; a lazy index keeps the summary it read), and a deleted note gets the
``unreadable-note`` finding (a later scan would not list it at all).
A note that had no readable text in stage 1 (unreadable, too large, a parser failure: its text
is empty) keeps its text, which is empty.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from vaultlint.lint.cache import NO_STAT, StatKey, digest, stat_key
from vaultlint.model import (
    Block,
    Link,
    Note,
    NoteSummary,
    NoteView,
    Suppression,
    Tag,
    line_starts_of,
    parts_codec,
)
from vaultlint.parse import note_text
from vaultlint.span import Span
from vaultlint.vault.discovery import open_in_vault


def shared_summary(note: Note, seen: dict[Any, Any]) -> NoteSummary:
    """``summarize(note)`` (vault/index.py) with each of its strings and headings the very
    object of an equal one in ``seen`` (added when new). Link targets, tags and headings
    repeat across a vault (one distinct string in six in a generated vault): the index holds
    each once, and a pipe carries it once (pickle writes an object seen before as a
    reference). Made in one pass, without the summary ``summarize`` would build first
    (``tests/test_keep.py`` compares the two)."""
    get = seen.setdefault
    headings = [heading[:2] for heading in note.headings]  # (level, text)
    blocks = list(map(str.lower, map(_ID, note.blocks)))
    tags = dict.fromkeys(map(_NAME, note.tags))
    links = dict.fromkeys(map(_TARGET, note.links))
    aliases = note.aliases
    return _new(
        NoteSummary,
        (
            note.path,
            tuple(map(get, headings, headings)),
            tuple(map(get, blocks, blocks)),
            tuple(map(get, tags, tags)),
            tuple(map(get, aliases, aliases)),
            tuple(map(get, links, links)),
        ),
    )


_new = tuple.__new__  # a named tuple made without its Python-level ``__new__``
_ID = itemgetter(Block._fields.index("id"))
_NAME = itemgetter(Tag._fields.index("name"))
_TARGET = itemgetter(Link._fields.index("target"))
#: the fields of a link as :func:`_pack_links` and :func:`_unpack_links` spell them out
#: (``tests/test_keep.py`` fails when :class:`~vaultlint.model.Link` or its span changes)
LINK_FIELDS = ("kind", "target", "subpath", "display", "original", "span", "key", "in_comment")


def _pack_links(links: tuple[Link, ...]) -> tuple[tuple, ...]:
    """A note's links as plain tuples (their span's start and end in its place), each without
    its ``original`` text (None) when that is how a wiki link of its target, subpath and
    display is written (``[[Target#Sub|Shown]]``, an embed ``![[…]]``; a frontmatter link's
    text can be that too): most links of a vault are, and their text was a third of a kept
    record. An original that differs from it is kept, so :func:`_unpack_links` is exact
    whatever the link's kind. One tuple a link: this is the packing and the eliding at once.
    (The link's own text is spelled out here and in :func:`_unpack_links` rather than made by
    a shared function: the call a link cost 1 % of a cold scan's instructions, 1k vault.)"""
    return tuple(
        [
            (
                kind,
                target,
                subpath,
                display,
                None
                if original
                == (
                    (
                        f"[[{target}{subpath}]]"
                        if display is None
                        else f"[[{target}{subpath}|{display}]]"
                    )
                    if kind != "embed"
                    else (
                        f"![[{target}{subpath}]]"
                        if display is None
                        else f"![[{target}{subpath}|{display}]]"
                    )
                )
                else original,
                span[0],
                span[1],
                key,
                in_comment,
            )
            for kind, target, subpath, display, original, span, key, in_comment in links
        ]
    )


def _unpack_links(packed: tuple[tuple, ...]) -> tuple[Link, ...]:
    """The links :func:`_pack_links` packed, as they were."""
    return tuple(
        [
            _new(
                Link,
                (
                    kind,
                    target,
                    subpath,
                    display,
                    original
                    if original is not None
                    else (
                        (
                            f"[[{target}{subpath}]]"
                            if display is None
                            else f"[[{target}{subpath}|{display}]]"
                        )
                        if kind != "embed"
                        else (
                            f"![[{target}{subpath}]]"
                            if display is None
                            else f"![[{target}{subpath}|{display}]]"
                        )
                    ),
                    _new(Span, (start, end)),
                    key,
                    in_comment,
                ),
            )
            for kind, target, subpath, display, original, start, end, key, in_comment in packed
        ]
    )


#: what a worker keeps of a note: one marshalled record (or the record itself, when marshal
#: refuses one of its values); see :meth:`Keeper.keep`
Kept = bytes | tuple[bytes, ...] | list
#: records are cut in pieces this long: small enough for Python's own allocator, whose memory
#: the index and the findings of stage 2 reuse as the records are freed (memory of larger
#: objects, from the C allocator, it does not)
_PIECE = 448


class KeptNote:
    """A kept note being checked: where its text comes from again, and (once read) its text.

    Made from the record when the note is checked; only the record waits between the stages
    (``bytes``, cut in small pieces: no object per link, per stat or per empty list)."""

    __slots__ = ("changed", "digest", "key", "length", "line_starts", "path", "text")

    def __init__(self, path: str, digest: bytes, key: StatKey, length: int) -> None:
        self.path = path
        self.digest = digest
        self.key = key
        self.length = length
        self.text: str | None = None
        self.line_starts: tuple[int, ...] | None = None
        #: the file no longer holds what stage 1 parsed (set when the text is read again)
        self.changed = False

    def load(self, root: str) -> tuple[str, tuple[int, ...]]:
        """The note's text and line starts, read again from the file (once)."""
        if self.text is None or self.line_starts is None:
            text = self._read(root)
            if text is None:
                self.changed = True
                text = ""  # what the checks see is dropped: the note is checked again
            self.text, self.line_starts = text, line_starts_of(text)
        return self.text, self.line_starts

    def _read(self, root: str) -> str | None:
        size = self.key[0]
        try:
            with os.fdopen(open_in_vault(root, self.path, walked=True), "rb", buffering=0) as fh:
                st = os.fstat(fh.fileno())
                data = fh.read(size + 1)
        except OSError:
            return None
        if len(data) != size:
            return None
        if self.digest:
            if digest(data) != self.digest:
                return None
        elif stat_key(st) != self.key:
            return None
        text = note_text(self.path, data)
        return text if len(text) == self.length else None


class Keeper:
    """Makes the kept records of one worker (the parts of ``parts``) and their views."""

    def __init__(self, root: str, parts: frozenset[str]) -> None:
        self.root = root
        self.parts = parts
        #: the links are packed apart (:func:`_pack_links`), every other part by the codec
        self._links = "links" in parts
        self._pack, self._unpack = parts_codec(parts - {"links"})

    def keep(self, note: Note, content: bytes, key: StatKey) -> Kept:
        """The record of ``note``; ``content`` and ``key``: the digest (or ``b""``) and stat of
        the bytes it was parsed from."""
        sups = tuple(map(tuple, note.suppressions))
        text = None
        if key == NO_STAT:  # nothing was read (unreadable, too large, parser failure)
            text = (note.text, note.line_starts)
        links = _pack_links(note.links) if self._links else None
        record = (self._pack(note), links, sups, content, key, len(note.text), text)
        try:
            blob = marshal.dumps(record)
        except ValueError:  # a value marshal does not know (a YAML subclass…): kept as is
            return [record]
        if len(blob) <= _PIECE:
            return blob
        return tuple(blob[at : at + _PIECE] for at in range(0, len(blob), _PIECE))

    def view(self, path: str, kept: Kept) -> KeptView:
        """The note of ``kept`` as the index-reading rules see it (its text read on demand)."""
        if isinstance(kept, bytes):
            record = marshal.loads(kept)
        elif isinstance(kept, tuple):
            record = marshal.loads(b"".join(kept))
        else:
            record = kept[0]
        packed, links, sups, content, key, length, text = record
        note = KeptNote(path, content, tuple(key), length)
        if text is not None:
            note.text, note.line_starts = text[0], tuple(text[1])
        suppressions = tuple(map(Suppression._make, sups))
        parts = self._unpack(packed)
        if links is not None:
            parts["links"] = _unpack_links(links)
        return KeptView(note, suppressions, parts, lambda: note.load(self.root))


class KeptView(NoteView):
    """A :class:`NoteView` of a kept note whose text and line starts are read when first
    asked for (:meth:`KeptNote.load`). Its narrower views share the note."""

    __slots__ = ("_load", "kept")

    def __init__(
        self,
        kept: KeptNote,
        suppressions: tuple[Suppression, ...],
        parts: dict[str, Any],
        load: Callable[[], tuple[str, tuple]],
    ) -> None:
        # NoteView.__init__ would set the text: here it is read on demand
        self.path = kept.path
        self.suppressions = suppressions
        self._parts = parts
        self.kept = kept
        self._load = load

    @property  # type: ignore[override]
    def text(self) -> str:
        return self._load()[0]

    @property  # type: ignore[override]
    def line_starts(self) -> tuple[int, ...]:
        return self._load()[1]

    def narrow(self, parts: frozenset[str]) -> NoteView:
        parts_of = {name: getattr(self, name) for name in parts}
        return KeptView(self.kept, self.suppressions, parts_of, self._load)
