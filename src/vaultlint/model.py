"""Plain, immutable data that the parser produces and the checks read.

Every element carries a :class:`Span` of character offsets into the note's full text (frontmatter
included), so nothing ever needs shifting by hand. Lines and columns are computed once, when a
diagnostic is reported, from the note's line-offset table.
"""

from __future__ import annotations

import bisect
import re
import types
import typing
from collections.abc import Iterable
from itertools import accumulate
from typing import Any, Literal, NamedTuple

from vaultlint.record import Record, set_field
from vaultlint.span import Span as Span  # kept apart: findings hold one (see span.py)

LinkKind = Literal["wiki", "embed", "md", "mdembed", "fm", "canvas"]  # canvas: a file node
TagOrigin = Literal["body", "frontmatter"]


class Heading(NamedTuple):
    """An ATX or setext heading. ``text`` is what Obsidian stores (`heading` in its cache)."""

    level: int
    text: str
    span: Span


class Link(NamedTuple):
    """A wiki-link, embed, internal Markdown link or frontmatter link.

    ``target`` is the path part (trimmed, URL-decoded for Markdown links; ``""`` for a link to
    the note itself), ``subpath`` the part from the first ``#`` (``"#A#B"``, ``"#^id"`` or ``""``),
    ``display`` the text after ``|`` (or a Markdown link's text), ``original`` the source text.
    ``key`` is the frontmatter key (``links.0``) for frontmatter links. ``in_comment`` is true
    for a link inside a ``%% … %%`` comment (Obsidian indexes those; no reader sees them).
    """

    kind: LinkKind
    target: str
    subpath: str
    display: str | None
    original: str
    span: Span
    key: str | None = None
    in_comment: bool = False

    @property
    def is_embed(self) -> bool:
        return self.kind in ("embed", "mdembed")

    @property
    def linktext(self) -> str:
        """Obsidian's ``link`` field: path and subpath together."""
        return self.target + self.subpath

    @property
    def display_text(self) -> str:
        """Obsidian's ``displayText``: the alias, else ``path > sub > sub``."""
        if self.display is not None:
            return self.display
        parts = [self.target] if self.target else []
        parts += [p for p in self.subpath.split("#") if p]
        return " > ".join(parts)


class Tag(NamedTuple):
    """A tag. ``name`` is the tag without ``#`` as written; compare with :attr:`key`."""

    name: str
    span: Span
    origin: TagOrigin = "body"

    @property
    def key(self) -> str:
        return self.name.lower()


class Block(NamedTuple):
    """A block id (``^id``); ``span`` covers the block it names."""

    id: str
    span: Span
    id_span: Span


class Section(NamedTuple):
    """A top-level block as Obsidian lists it in ``sections`` (type and span)."""

    type: str
    span: Span


class Field(NamedTuple):
    """A top-level frontmatter property, with its source text kept.

    ``value`` is the value as Obsidian sees it (dates stay strings), ``source`` the value's text
    exactly as written (quotes included), ``key_span`` / ``value_span`` point into the note.
    """

    key: str
    value: Any
    source: str
    key_span: Span
    value_span: Span
    items: tuple[FieldItem, ...] = ()


class FieldItem(NamedTuple):
    """One scalar inside a list value (``tags: [a, b]``), with its source text and span."""

    value: Any
    source: str
    span: Span


class Problem(NamedTuple):
    """Something wrong with the note itself (unreadable, bad YAML, garbled text).

    ``code`` names the rule family that reports it (``invalid-frontmatter``, ``encoding``…).
    """

    code: str
    message: str
    span: Span


class Suppression(NamedTuple):
    """A ``vaultlint-disable…`` comment: ``rules`` empty means every rule.

    ``kind`` is ``disable-next-line``, ``disable`` or ``enable``; ``line`` is the 0-based line
    the comment sits on.
    """

    kind: str
    rules: tuple[str, ...]
    line: int


class Note(Record):
    """One parsed note. Built once by :func:`vaultlint.parse.parse_note`; never mutated (a
    :class:`~vaultlint.record.Record`: ``note._replace(problems=...)`` makes a changed copy)."""

    _fields = (
        "path",
        "text",
        "line_starts",
        "frontmatter",
        "frontmatter_span",
        "fields",
        "headings",
        "links",
        "tags",
        "blocks",
        "sections",
        "problems",
        "suppressions",
        "body_start",
    )
    __slots__ = _fields
    path: str
    text: str
    line_starts: tuple[int, ...]
    frontmatter: dict[str, Any] | None
    frontmatter_span: Span | None
    fields: tuple[Field, ...]
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    tags: tuple[Tag, ...]
    blocks: tuple[Block, ...]
    sections: tuple[Section, ...]
    problems: tuple[Problem, ...]
    suppressions: tuple[Suppression, ...]
    body_start: int

    def __init__(
        self,
        path: str,
        text: str,
        line_starts: tuple[int, ...],
        frontmatter: dict[str, Any] | None,
        frontmatter_span: Span | None,
        fields: tuple[Field, ...],
        headings: tuple[Heading, ...],
        links: tuple[Link, ...],
        tags: tuple[Tag, ...],
        blocks: tuple[Block, ...],
        sections: tuple[Section, ...],
        problems: tuple[Problem, ...],
        suppressions: tuple[Suppression, ...] = (),
        body_start: int = 0,
    ) -> None:
        set_field(self, "path", path)
        set_field(self, "text", text)
        set_field(self, "line_starts", line_starts)
        set_field(self, "frontmatter", frontmatter)
        set_field(self, "frontmatter_span", frontmatter_span)
        set_field(self, "fields", fields)
        set_field(self, "headings", headings)
        set_field(self, "links", links)
        set_field(self, "tags", tags)
        set_field(self, "blocks", blocks)
        set_field(self, "sections", sections)
        set_field(self, "problems", problems)
        set_field(self, "suppressions", suppressions)
        set_field(self, "body_start", body_start)

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, column) of a character offset."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line, offset - self.line_starts[line]

    def field(self, key: str) -> Field | None:
        for f in self.fields:
            if f.key == key:
                return f
        return None

    @property
    def tag_keys(self) -> frozenset[str]:
        return frozenset(t.key for t in self.tags)

    @property
    def aliases(self) -> tuple[str, ...]:
        """The note's ``aliases`` property (a list, or since Obsidian 1.9.3 one string; the key
        in any case; ``alias`` is ignored as Obsidian ignores it since 1.9)."""
        if not self.frontmatter:
            return ()
        for key, value in self.frontmatter.items():
            if isinstance(key, str) and key.lower() == "aliases":
                items = value if isinstance(value, list) else [value]
                return tuple(
                    str(v).strip()
                    for v in items
                    if isinstance(v, (str, int, float)) and not isinstance(v, bool)
                    if str(v).strip()
                )
        return ()


#: the parts of a :class:`Note` an index-reading check may declare in ``Check.reads``; the
#: path, text, line table and suppressions are always there
NOTE_PARTS = frozenset(Note._fields) - {"path", "text", "line_starts", "suppressions"}


class NotePartMissing(LookupError):
    """A check read a part of a note that its ``Check.reads`` does not declare."""


class NoteView:
    """A note restricted to some of its parts: what the batch runner keeps of a note between
    parsing it and checking it with the index, and what an index-reading check that declares
    ``Check.reads`` is given (by every runner, so tests see what a whole-vault run sees).

    Reading an undeclared part raises :class:`NotePartMissing` (never an empty stand-in), which
    the linter reports as an ``internal-error`` naming the rule.
    """

    __slots__ = ("_parts", "line_starts", "path", "suppressions", "text")

    def __init__(
        self,
        path: str,
        text: str,
        line_starts: tuple[int, ...],
        suppressions: tuple[Suppression, ...],
        parts: dict[str, Any],
    ) -> None:
        self.path = path
        self.text = text
        self.line_starts = line_starts
        self.suppressions = suppressions
        self._parts = parts

    @classmethod
    def of(cls, note: Note | NoteView, parts: frozenset[str]) -> NoteView:
        unknown = parts - NOTE_PARTS
        if unknown:
            raise ValueError(f"not parts of a note: {', '.join(sorted(unknown))}")
        if isinstance(note, NoteView):
            return note.narrow(parts)
        return cls(
            note.path,
            note.text,
            note.line_starts,
            note.suppressions,
            {name: getattr(note, name) for name in parts},
        )

    def narrow(self, parts: frozenset[str]) -> NoteView:
        """This view restricted to ``parts`` (a subclass may keep its text unread)."""
        parts_of = {name: getattr(self, name) for name in parts}
        return NoteView(self.path, self.text, self.line_starts, self.suppressions, parts_of)

    @property
    def parts(self) -> frozenset[str]:
        return frozenset(self._parts)

    def __getattr__(self, name: str) -> Any:
        if name in NOTE_PARTS:
            try:
                return self._parts[name]
            except KeyError:
                raise NotePartMissing(
                    f"note.{name} was read but not declared: add '{name}' to the check's "
                    "`reads` (index-reading checks get only the parts they declare)"
                ) from None
        raise AttributeError(name)

    position = Note.position
    field = Note.field
    tag_keys = Note.tag_keys
    aliases = Note.aliases


class NoteSummary(NamedTuple):
    """What the vault index needs to know of a note: headings, block ids, tag spellings.

    Small and made of plain values, so it is cheap to send between processes and to cache.
    ``headings`` holds ``(level, text)`` pairs, ``blocks`` lower-case ids, ``tags``
    the distinct spellings of the note's tags, ``aliases`` its ``aliases`` property, ``links``
    the distinct targets of its links as written (for backlinks: orphans, unused attachments).
    """

    path: str
    headings: tuple[tuple[int, str], ...]
    blocks: tuple[str, ...]
    tags: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


# --- the cache codec ----------------------------------------------------------------------
# A note travels to the caches (and between processes) as nested tuples of plain values:
# pickling the named tuples and the dataclass themselves costs ten times more. The packing and
# unpacking code is generated once from the type hints of Note and of its parts, so a new field
# of Note, Link, Heading… is packed without editing anything here.


def _is_record(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")


def _record_of(tp: Any) -> Any:
    """The named tuple (or Note) that a hint holds directly, inside ``X | None``, or as the
    items of ``tuple[X, ...]``; None for plain values."""
    if _is_record(tp) or tp is Note:
        return tp
    args = [a for a in typing.get_args(tp) if a is not type(None) and a is not Ellipsis]
    if len(args) == 1 and typing.get_origin(tp) in (tuple, types.UnionType, typing.Union):
        return _record_of(args[0])
    return None


def _hints(cls: type) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(cls)
    return [(name, hints[name]) for name in cls._fields]


def _flat(tp: Any) -> bool:
    """A named tuple of plain values (a Span): inlined into the tuple of the record holding it."""
    return _is_record(tp) and not any(_record_of(hint) for _, hint in _hints(tp))


def _expr(tp: Any, value: str, pack: bool, env: dict[str, Any], depth: int = 0) -> str:
    """Python source that packs (or unpacks) ``value`` of type ``tp``."""
    record = _record_of(tp)
    if record is None:
        return value
    if typing.get_origin(tp) is tuple:
        item = f"i{depth}"
        return f"tuple({_expr(record, item, pack, env, depth + 1)} for {item} in {value})"
    if type(None) in typing.get_args(tp):
        return f"(None if {value} is None else {_expr(record, value, pack, env, depth)})"
    env[record.__name__] = record
    # named tuples are made by tuple.__new__ itself: their Python-level __new__ costs far more
    env["_tuple_new"] = tuple.__new__
    fields = _hints(record)
    if _flat(record):
        return f"tuple({value})" if pack else f"{record.__name__}._make({value})"
    parts = []
    at = 0
    for i, (name, hint) in enumerate(fields):
        # a named tuple's fields are read by index (cheaper than by name)
        field = f"{value}.{name}" if record is Note else f"{value}[{i}]"
        if _flat(hint):  # inlined: its fields take their places in this record's tuple
            env[hint.__name__] = hint
            width = len(hint._fields)
            if pack:
                parts.append(f"*{field}")
            else:
                items = ", ".join(f"{value}[{at + k}]" for k in range(width))
                parts.append(f"_tuple_new({hint.__name__}, ({items},))")
            at += width
        else:
            parts.append(_expr(hint, field if pack else f"{value}[{at}]", pack, env, depth))
            at += 1
    if pack:
        return "(" + ", ".join(parts) + ",)"
    if record is Note:
        return f"Note({', '.join(parts)})"
    return f"_tuple_new({record.__name__}, ({', '.join(parts)},))"


def parts_codec(parts: Iterable[str]) -> tuple[Any, Any]:
    """``(pack, unpack)`` for some parts of a note (names in :data:`NOTE_PARTS`):
    ``pack(note)`` gives a tuple of plain values, ``unpack(packed)`` the parts by name (what
    the batch runner keeps of a note between its stages)."""
    env: dict[str, Any] = {}
    hints = dict(_hints(Note))
    names = sorted(parts)
    packed = "".join(f"{_expr(hints[n], f'note.{n}', True, env)}, " for n in names)
    unpacked = ", ".join(
        f"{n!r}: {_expr(hints[n], f'packed[{i}]', False, env)}" for i, n in enumerate(names)
    )
    src = f"def pack(note):\n    return ({packed})\n"
    src += f"def unpack(packed):\n    return {{{unpacked}}}\n"
    exec(compile(src, "<vaultlint.model parts codec>", "exec"), env)
    return env["pack"], env["unpack"]


def _codec() -> tuple[Any, Any]:
    env: dict[str, Any] = {}
    pack_src = f"def pack_note(note):\n    return {_expr(Note, 'note', True, env)}\n"
    unpack_src = f"def unpack_note(packed):\n    return {_expr(Note, 'packed', False, env)}\n"
    exec(compile(pack_src + unpack_src, "<vaultlint.model codec>", "exec"), env)
    return env["pack_note"], env["unpack_note"]


def __getattr__(name: str) -> Any:
    """``pack_note(note) -> tuple``: the note as nested tuples of plain values;
    ``unpack_note(packed) -> Note``: the inverse. Both are generated from the type hints the
    first time either is imported (PEP 562), not when this module is: a run answered from the
    cache never packs a note."""
    if name not in ("pack_note", "unpack_note"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    codec = dict(zip(("pack_note", "unpack_note"), _codec(), strict=True))
    globals().update(codec)
    return codec[name]


def line_starts_of(text: str) -> tuple[int, ...]:
    """Offsets at which each line starts; ``\\r\\n``, ``\\r`` and ``\\n`` all end a line."""
    if "\r" not in text:
        # the start of each line is the running sum of (length + 1) of the lines before it:
        # computed by C loops only (this runs on every note)
        return (0, *accumulate(map(_PLUS_ONE, map(len, text.split("\n")[:-1]))))
    return (0, *(m.end() for m in re.finditer(_EOL, text)))


_PLUS_ONE = (1).__add__
_EOL = r"\r\n?|\n"  # compiled on use (re's cache): only notes with a CR need it
