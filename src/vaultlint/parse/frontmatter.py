"""Frontmatter: find the block, read its YAML the way Obsidian shows it, keep every position.

Obsidian's rules (SPEC.md R-P1..R-P8, R-T9), as implemented here:

* The block exists only when the note starts with a ``---`` line and a later line is ``---``.
  Both lines must be exactly three dashes followed by the line ending (or the end of the text):
  this is Obsidian 1.13's ``getFrontMatterInfo`` (``/^---(\\r?\\n)/``, closer ``/---(\\r?\\n|$)/``
  preceded by a newline), so ``--- `` with a trailing space opens or closes nothing. A lone
  ``\\r`` line ending is accepted too. An unclosed block is no block: the whole note is body.
* The YAML is read as YAML 1.2 core schema, like the ``yaml`` library Obsidian bundles: dates
  stay strings exactly as written, ``yes``/``no``/``on``/``off`` and ``12:30`` are strings,
  ``true``/``false`` booleans, ``42``/``0x1f``/``0o17`` integers, ``1.5``/``1e3``/``.inf``
  floats, ``~``/``null``/empty null. Unknown tags (``!!python/...``, ``!foo``) are never
  executed: the value is read as if the tag were absent. Merge keys (``<<``) are ordinary keys.
* Values are built from libyaml's event stream (PyYAML's C parser when present), iteratively:
  no recursion, so deep nesting cannot overflow the C stack (PyYAML's C *composer* does), and
  aliases keep the position of the ``*alias`` itself. Aliases are shared, not copied; a document
  whose expansion exceeds :data:`MAX_NODES` nodes (an alias bomb) or that nests deeper than
  :data:`MAX_DEPTH` is reported as invalid.
* Mapping keys become strings as in JavaScript (``1`` → ``"1"``, ``true`` → ``"true"``, null →
  ``""``); a key that is itself a list or mapping (``created: {{date}}``) becomes its source text.
* A duplicated key: the last value wins (as in JavaScript) and a ``duplicate-key`` problem points
  at the later key. ``fields`` keeps every occurrence, in source order.

All offsets are character offsets into the note's text (libyaml's ``mark.index`` counts
characters when it is given a ``str``; only its reader errors count bytes, and are converted).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from vaultlint.model import Field, FieldItem, Link, Problem, Span, Tag
from vaultlint.parse.flat_yaml import read_flat
from vaultlint.parse.linktext import is_valid_tag_name, property_link, split_linktext
from vaultlint.parse.yaml_scalars import RESOLVED_START, key_text, plain_value, tagged_value

# libyaml and the event classes (vaultlint.parse.yaml_events) are imported when a block is not
# flat: see that module

__all__ = ["MAX_DEPTH", "MAX_NODES", "FrontmatterResult", "parse_frontmatter"]

#: more nodes than this, counting every alias expansion, and the block is rejected (alias bombs)
MAX_NODES = 100_000
#: deeper nesting than this is rejected (no real frontmatter nests more than a few levels)
MAX_DEPTH = 100

_TOO_DEEP = f"frontmatter nests deeper than {MAX_DEPTH} levels"

INVALID = "invalid-frontmatter"
DUPLICATE = "duplicate-key"


class FrontmatterResult(NamedTuple):
    """What a note's frontmatter holds, with positions.

    ``span`` runs from offset 0 to the end of the closing ``---`` (None: no frontmatter);
    ``body_start`` is the offset after the closing line's line ending (0 without frontmatter).
    ``data`` is the mapping as Obsidian shows it (``cachedMetadata.frontmatter``): None when
    there is no frontmatter or it is invalid, ``{}`` when it is empty. ``fields`` has one entry
    per top-level key in source order (duplicates included); ``tags`` the valid ``tags``
    property entries (R-T9); ``links`` the property values that are a wiki-link (R-P6), with
    Obsidian's dotted key (``related``, ``links.0``, ``parent.child``).
    """

    span: Span | None
    body_start: int
    data: dict[str, Any] | None
    fields: tuple[Field, ...] = ()
    tags: tuple[Tag, ...] = ()
    links: tuple[Link, ...] = ()
    problems: tuple[Problem, ...] = ()


_NO_FRONTMATTER = FrontmatterResult(None, 0, None)
#: a note starting with one of these may hold frontmatter below blank lines (see _misplaced)
_BLANK_FIRST = frozenset(" \t\r\n")
_BLANK_LINES = re.compile(r"(?:[ \t]*(?:\r\n|\r|\n))+(?=---(?:\r\n|\r|\n))")


def _misplaced(text: str, fast: bool) -> FrontmatterResult:
    """No frontmatter (Obsidian reads it only from offset 0, SPEC R-P1); but when blank lines
    are all that stand before a block that would be valid frontmatter holding properties, a
    problem at its ``---`` says why the note has no properties. The text is read as a body all
    the same, as Obsidian reads it."""
    blanks = _BLANK_LINES.match(text)
    if blanks is None:
        return _NO_FRONTMATTER
    below = parse_frontmatter(text[blanks.end() :], fast=fast)
    if not below.data or below.problems:
        return _NO_FRONTMATTER
    lines = text.count("\n", 0, blanks.end()) or text.count("\r", 0, blanks.end())
    message = (
        f"Obsidian reads no properties here: frontmatter must start on the first line, and "
        f"{_lines(lines)} stand{'s' if lines == 1 else ''} before this '---'"
    )
    problem = Problem(INVALID, message, Span(blanks.end(), blanks.end() + 3))
    return FrontmatterResult(None, 0, None, problems=(problem,))


def _lines(n: int) -> str:
    return "a blank line" if n == 1 else f"{n} blank lines"


_OPEN = re.compile(r"---(?:\r\n|\r|\n)")


def closing_line(text: str, base: int) -> tuple[int, int] | None:
    """Start and end (after its line break) of the first ``---`` line at or after ``base``
    that closes frontmatter: what ``(?<=[\\n\\r])---(?:\\r\\n|\\r|\\n|\\Z)`` searched for,
    with ``str.find`` (a pattern that starts with a look-behind is tried at every character:
    ~1 % of a cold scan's instructions; ``tests/test_parse_fast_paths.py`` compares them)."""
    n = len(text)
    i = text.find("---", base)
    while i != -1:
        if i and text[i - 1] in "\n\r":
            j = i + 3
            if j == n:
                return i, j
            c = text[j]
            if c == "\n":
                return i, j + 1
            if c == "\r":
                return i, j + 2 if text.startswith("\n", j + 1) else j + 1
        i = text.find("---", i + 1)
    return None


def parse_frontmatter(text: str, *, fast: bool = True) -> FrontmatterResult:
    """Split off and read the frontmatter of a note's text (a BOM already removed). Never raises.

    Flat frontmatter (see :mod:`vaultlint.parse.flat_yaml`) is read by regex, with the same
    result; ``fast=False`` reads every block with libyaml (the reference the tests compare with).
    """
    opening = _OPEN.match(text)
    if opening is None:
        if text[:1] in _BLANK_FIRST:
            return _misplaced(text, fast)
        return _NO_FRONTMATTER
    base = opening.end()
    closing = closing_line(text, base)
    if closing is None:
        return _NO_FRONTMATTER
    to, body_start = closing
    span = Span(0, to + 3)
    source = text[base:to]
    if not source or source.isspace():
        return FrontmatterResult(span, body_start, {})
    if fast:
        flat = read_flat(source)
        if flat is not None:
            built = _Builder(source)
            root_start, data, built.fields, built.duplicates, built.links = flat
            built.root = (data, root_start)
            return built.result(text, base, span, body_start)
    try:
        built = _Builder(source).run()
    except _Invalid as exc:
        problem = Problem(INVALID, exc.message, _point(text, base + exc.index, to + 3))
        return FrontmatterResult(span, body_start, None, problems=(problem,))
    except Exception as exc:  # the parser must never crash a run
        from vaultlint.parse import yaml_events as ye

        deep = _too_deep(source) if ye.Parser is not ye.SafeLoader else None
        if deep is not None:  # libyaml gave up on the nesting before our own limit was reached
            problem = Problem(INVALID, _TOO_DEEP, _point(text, base + deep, to + 3))
            return FrontmatterResult(span, body_start, None, problems=(problem,))
        try:
            message, index = _describe(exc, source), _error_index(exc, source)
        except Exception:  # an exception we did not foresee
            message, index = f"invalid YAML: {type(exc).__name__}", 0
        problem = Problem(INVALID, message, _point(text, base + index, to + 3))
        return FrontmatterResult(span, body_start, None, problems=(problem,))
    return built.result(text, base, span, body_start)


# ---------------------------------------------------------------------------------------------
# Building values from events


class _Invalid(Exception):
    """The block is not usable: ``index`` is where, in the YAML text."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


_NO_KEY = object()
_OPEN_ANCHOR = object()

# A frame is a list, for speed: [container, is_map, start, flow, anchor, size, last_end,
# pending_key, key_start, key_end, items]
_CONTAINER, _IS_MAP, _START, _FLOW, _ANCHOR, _SIZE, _LAST_END = range(7)
_KEY, _KEY_START, _KEY_END, _ITEMS = range(7, 11)


class _Builder:
    """Turns one YAML text into values, top-level fields and link candidates (YAML offsets)."""

    __slots__ = ("anchors", "duplicates", "fields", "links", "root", "source", "stack")

    def __init__(self, source: str) -> None:
        self.source = source
        self.stack: list[list[Any]] = []
        self.anchors: dict[str, Any] = {}
        self.root: tuple[Any, int] | None = None
        # (key, value, key_start, key_end, value_start, value_end, items)
        self.fields: list[tuple[str, Any, int, int, int, int, list[tuple[Any, int, int]]]] = []
        # (field index, dotted key, link text, start, end)
        self.links: list[tuple[int, str, str, int, int]] = []
        self.duplicates: list[tuple[str, int, int]] = []

    def run(self) -> _Builder:
        from vaultlint.parse.yaml_events import (
            AliasEvent,
            DocumentStartEvent,
            MappingEndEvent,
            MappingStartEvent,
            Parser,
            ScalarEvent,
            SequenceEndEvent,
            SequenceStartEvent,
            StreamEndEvent,
        )

        source = self.source
        stack = self.stack
        anchors = self.anchors
        attach = self._attach
        parser = Parser(source)
        get_event = parser.get_event
        documents = 0
        nodes = 0  # values built, every alias counted with all it expands to
        try:
            while True:
                event = get_event()
                kind = type(event)
                if kind is ScalarEvent:
                    start = event.start_mark.index
                    end = event.end_mark.index
                    style = event.style
                    tag = event.tag
                    plain = style is None or style == ""
                    value = event.value
                    if tag is not None:
                        value = tagged_value(tag, value, plain)
                    elif plain and (not value or value[0] in RESOLVED_START):
                        value = plain_value(value)
                    if style == "|" or style == ">":  # the end mark lies past trailing breaks
                        end = start + len(source[start:end].rstrip())
                    if event.anchor is not None:
                        anchors[event.anchor] = (value, 1, True)
                    nodes += 1
                    attach(value, start, end, 1, True, None)
                elif kind is MappingStartEvent or kind is SequenceStartEvent:
                    if len(stack) >= MAX_DEPTH:
                        raise _Invalid(_TOO_DEEP, event.start_mark.index)
                    is_map = kind is MappingStartEvent
                    items = None
                    if not is_map and len(stack) == 1 and stack[0][_KEY] is not _NO_KEY:
                        items = []  # a top-level property's list: keep its scalar items
                    if event.anchor is not None:
                        anchors[event.anchor] = _OPEN_ANCHOR
                    start = event.start_mark.index
                    stack.append(
                        [
                            {} if is_map else [],
                            is_map,
                            start,
                            bool(event.flow_style),
                            event.anchor,
                            0,
                            -1,
                            _NO_KEY,
                            0,
                            0,
                            items,
                        ]
                    )
                elif kind is MappingEndEvent or kind is SequenceEndEvent:
                    frame = stack.pop()
                    if frame[_FLOW]:
                        end = event.end_mark.index
                    else:  # a block collection ends where its last item does, not at the next key
                        end = frame[_LAST_END] if frame[_LAST_END] >= 0 else frame[_START]
                    size = frame[_SIZE] + 1
                    value = frame[_CONTAINER]
                    if frame[_ANCHOR] is not None:
                        anchors[frame[_ANCHOR]] = (value, size, False)
                    nodes += 1
                    attach(value, frame[_START], end, size, False, frame[_ITEMS])
                elif kind is AliasEvent:
                    start = event.start_mark.index
                    entry = anchors.get(event.anchor)
                    if entry is None:
                        raise _Invalid(
                            f"invalid YAML: found undefined alias '*{event.anchor}'", start
                        )
                    if entry is _OPEN_ANCHOR:
                        raise _Invalid(
                            f"invalid YAML: alias '*{event.anchor}' refers to itself", start
                        )
                    value, size, scalar = entry
                    nodes += size
                    if nodes > MAX_NODES:
                        raise _Invalid(
                            f"frontmatter expands to more than {MAX_NODES} values through "
                            "aliases (an alias bomb?)",
                            start,
                        )
                    attach(value, start, event.end_mark.index, size, scalar, None)
                elif kind is DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        raise _Invalid(
                            "invalid YAML: expected a single document, but found another one",
                            event.start_mark.index,
                        )
                elif kind is StreamEndEvent:
                    break
        finally:
            dispose = getattr(parser, "dispose", None)
            if dispose is not None:
                dispose()
        return self

    def _attach(
        self,
        value: Any,
        start: int,
        end: int,
        size: int,
        scalar: bool,
        items: list[tuple[Any, int, int]] | None,
    ) -> None:
        stack = self.stack
        if not stack:
            self.root = (value, start)
            return
        frame = stack[-1]
        frame[_SIZE] += size
        frame[_LAST_END] = end
        if not frame[_IS_MAP]:
            if type(value) is str and "[[" in value:
                self._link_candidate(value, start, end)
            frame[_CONTAINER].append(value)
            if frame[_ITEMS] is not None and scalar:
                frame[_ITEMS].append((value, start, end))
            return
        key = frame[_KEY]
        if key is _NO_KEY:
            frame[_KEY] = value if type(value) is str else key_text(value, self.source[start:end])
            frame[_KEY_START] = start
            frame[_KEY_END] = end
            return
        if type(value) is str and "[[" in value:
            self._link_candidate(value, start, end)
        mapping = frame[_CONTAINER]
        if key in mapping:
            self.duplicates.append((key, frame[_KEY_START], frame[_KEY_END]))
        mapping[key] = value
        frame[_KEY] = _NO_KEY
        if len(stack) == 1:
            self.fields.append(
                (key, value, frame[_KEY_START], frame[_KEY_END], start, end, items or [])
            )

    def _link_candidate(self, value: str, start: int, end: int) -> None:
        stack = self.stack
        if not stack[0][_IS_MAP]:
            return
        text = property_link(value)
        if text is None:
            return
        parts = [frame[_KEY] if frame[_IS_MAP] else str(len(frame[_CONTAINER])) for frame in stack]
        self.links.append((len(self.fields), ".".join(parts), text, start, end))

    def result(self, text: str, base: int, span: Span, body_start: int) -> FrontmatterResult:
        if self.root is None:
            return FrontmatterResult(span, body_start, {})
        data, root_start = self.root
        if not isinstance(data, dict):
            if data is None:  # a document that is only `~` or `null`: nothing, as in Obsidian
                return FrontmatterResult(span, body_start, {})
            what = "a list" if isinstance(data, list) else f"a single value ({_short(data)})"
            message = f"frontmatter must be a mapping of properties (key: value), not {what}"
            problem = Problem(INVALID, message, _point(text, base + root_start, span.end))
            return FrontmatterResult(span, body_start, None, problems=(problem,))
        source = self.source
        fields = []
        last_of_key: dict[str, int] = {}
        new = tuple.__new__  # a NamedTuple built without its Python-level __new__ (hot path)
        for index, (key, value, k_start, k_end, v_start, v_end, items) in enumerate(self.fields):
            last_of_key[key] = index
            fields.append(
                new(
                    Field,
                    (
                        key,
                        value,
                        source[v_start:v_end],
                        new(Span, (base + k_start, base + k_end)),
                        new(Span, (base + v_start, base + v_end)),
                        tuple(
                            [
                                new(
                                    FieldItem,
                                    (
                                        item,
                                        source[i_start:i_end],
                                        new(Span, (base + i_start, base + i_end)),
                                    ),
                                )
                                for item, i_start, i_end in items
                            ]
                        )
                        if items
                        else (),
                    ),
                )
            )
        live = set(last_of_key.values()) if self.duplicates else range(len(fields))
        tags = []
        for index, field in enumerate(fields):
            if index in live and field.key.lower() == "tags":
                tags.extend(_tags_of(field))
        links = []
        for index, key, link_text, l_start, l_end in self.links:
            if index in live:
                path, subpath, display = split_linktext(link_text[2:-2])
                links.append(
                    Link(
                        "fm",
                        path,
                        subpath,
                        display,
                        link_text,
                        Span(base + l_start, base + l_end),
                        key,
                    )
                )
        problems = tuple(
            Problem(
                DUPLICATE,
                f"duplicate key '{key}': the last value is the one used",
                Span(base + k_start, base + k_end),
            )
            for key, k_start, k_end in self.duplicates
        )
        return FrontmatterResult(
            span, body_start, data, tuple(fields), tuple(tags), tuple(links), problems
        )


def _tags_of(field: Field) -> list[Tag]:
    """Tags of a ``tags`` property (R-T9): a list of names, or one name; ``#`` is optional."""
    value = field.value
    if isinstance(value, str):
        candidates = [(value, field.value_span)]
    elif isinstance(value, list):
        if field.items:
            candidates = [(item.value, item.span) for item in field.items]
        else:  # an alias to a list: no per-item positions
            candidates = [(item, field.value_span) for item in value]
    else:
        return []
    tags = []
    for name, span in candidates:
        if not isinstance(name, str):
            continue  # numbers, booleans, nulls, nested lists: not tags (`invalid-tag` says why)
        if name.startswith("#"):
            name = name[1:]
        if is_valid_tag_name(name):
            tags.append(Tag(name, span, "frontmatter"))
    return tags


# ---------------------------------------------------------------------------------------------
# Problems


def _too_deep(source: str) -> int | None:
    """Where ``source`` first nests deeper than :data:`MAX_DEPTH`, or None.

    libyaml has nesting limits of its own (PyYAML 6.0.4's stops flow collections at 1,000 levels,
    with its own error, before an event reaches the builder), so when libyaml fails, the
    pure-Python parser, which has none, tells whether vaultlint's limit was crossed first. It
    reads the events only (no values), and stops at the limit or at its own error."""
    from vaultlint.parse.yaml_events import (
        MappingEndEvent,
        MappingStartEvent,
        SafeLoader,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
    )

    try:
        parser = SafeLoader(source)
    except Exception:  # the reader refuses the text: libyaml's message stands
        return None
    depth = 0
    try:
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is MappingStartEvent or kind is SequenceStartEvent:
                if depth >= MAX_DEPTH:
                    return event.start_mark.index
                depth += 1
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                depth -= 1
            elif kind is StreamEndEvent:
                return None
    except Exception:  # its own error: libyaml's message stands
        return None
    finally:
        parser.dispose()


def _point(text: str, offset: int, limit: int | None = None) -> Span:
    """A one-character span at ``offset`` (empty at a line ending or the end of the text)."""
    offset = max(0, min(offset, len(text) if limit is None else min(limit, len(text))))
    if offset < len(text) and text[offset] not in "\r\n":
        return Span(offset, offset + 1)
    return Span(offset, offset)


def _describe(exc: Exception, source: str) -> str:
    from vaultlint.parse.yaml_events import MarkedYAMLError, ReaderError

    if isinstance(exc, MarkedYAMLError):
        problem = exc.problem or "invalid YAML"
        mark = exc.problem_mark
        cannot_start = problem == "found character that cannot start any token"
        if cannot_start and mark is not None and mark.index < len(source):
            # libyaml does not say which character
            problem = f"found character {source[mark.index]!r} that cannot start any token"
        message = f"invalid YAML: {problem}"
        if exc.context:
            message += f" ({exc.context})"
        if "'\\t'" in problem:
            message += "; YAML does not allow tabs for indentation"
        return message
    if isinstance(exc, ReaderError):
        return f"invalid YAML: unacceptable character #x{exc.character:04x}: {exc.reason}"
    if isinstance(exc, UnicodeEncodeError):
        return f"invalid YAML: {exc.reason}"
    return f"invalid YAML: {exc}"


def _error_index(exc: Exception, source: str) -> int:
    """Where in the YAML text an exception points (character index)."""
    from vaultlint.parse.yaml_events import PARSER_COUNTS_BYTES, MarkedYAMLError, ReaderError

    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        return mark.index if mark is not None else 0
    if isinstance(exc, ReaderError):
        if not PARSER_COUNTS_BYTES:
            return exc.position
        encoded = source.encode("utf-8", "surrogatepass")[: exc.position]
        return len(encoded.decode("utf-8", "ignore"))
    if isinstance(exc, UnicodeEncodeError):
        return exc.start
    return 0


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
