"""JSON Canvas 1.0 files (``.canvas``): the links they hold, at their place in the JSON.

A canvas is read as a :class:`~vaultlint.model.Note` whose text is the JSON itself, so that
every position is a line and column of the file. Its links are:

* each ``file`` node's ``file`` (an exact vault path, kind ``canvas``) with its ``subpath``;
* the wiki-links, embeds and Markdown links of each ``text`` node's Markdown, read as a note
  reads them, each pointing at its characters inside the JSON string (escapes counted).

JSON that does not parse, or that is not a canvas (no object, nodes that are not objects), is a
``Problem`` at the place the JSON reader names; a canvas never makes the parser raise.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Any

from vaultlint.model import Link, Note, Problem, Span, line_starts_of
from vaultlint.parse.base import INVALID_CANVAS

#: nesting deeper than this is not a canvas (and must not exhaust Python's stack)
MAX_DEPTH = 200

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


class _NotJson(ValueError):
    """Text ``json.loads`` accepts but JSON (and Obsidian's ``JSON.parse``) does not: ``NaN``,
    ``Infinity``, ``-Infinity``; at offset ``pos``."""

    def __init__(self, pos: int, msg: str) -> None:
        super().__init__(msg)
        self.pos = pos
        self.msg = msg


class _Value:
    """A JSON value with the span of its source text (strings: quotes included)."""

    __slots__ = ("end", "start", "value")

    def __init__(self, value: Any, start: int, end: int) -> None:
        self.value = value
        self.start = start
        self.end = end


def parse_canvas(path: str, text: str) -> Note:
    """Parse a canvas's text (see the module doc)."""
    problems: list[Problem] = []
    links: list[Link] = []
    root = _read(text, problems)
    if root is not None:
        links = _links(text, root, problems)
    return Note(
        path=path,
        text=text,
        line_starts=line_starts_of(text),
        frontmatter=None,
        frontmatter_span=None,
        fields=(),
        headings=(),
        links=tuple(links),
        tags=(),
        blocks=(),
        sections=(),
        problems=tuple(problems),
    )


def _read(text: str, problems: list[Problem]) -> _Value | None:
    if not text.strip():
        return None  # an empty canvas: Obsidian opens it as an empty board
    try:
        json.loads(text)
    except RecursionError:
        problems.append(Problem(INVALID_CANVAS, "canvas nested too deeply", Span(0, 0)))
        return None
    except ValueError as exc:
        at = getattr(exc, "pos", 0) or 0
        msg = getattr(exc, "msg", str(exc))
        problems.append(
            Problem(INVALID_CANVAS, f"canvas is not valid JSON: {msg}", Span(at, at + 1))
        )
        return None
    try:
        value, _ = _value(text, _WS.match(text, 0).end(), 0)  # type: ignore[union-attr]
    except _NotJson as exc:
        problems.append(
            Problem(
                INVALID_CANVAS,
                f"canvas is not valid JSON: {exc.msg}",
                Span(exc.pos, exc.pos + 1),
            )
        )
        return None
    except (ValueError, IndexError, RecursionError):
        problems.append(Problem(INVALID_CANVAS, "canvas nested too deeply", Span(0, 0)))
        return None
    if not isinstance(value.value, dict):
        problems.append(
            Problem(
                INVALID_CANVAS,
                "canvas is not a JSON object with 'nodes' and 'edges'",
                Span(value.start, value.start + 1),
            )
        )
        return None
    return value


def _value(text: str, i: int, depth: int) -> tuple[_Value, int]:
    """The JSON value at ``i`` (valid JSON: ``json.loads`` accepted the text) and its end."""
    if depth > MAX_DEPTH:
        raise ValueError("too deep")
    c = text[i]
    if c == '"':
        s, end = scanstring(text, i + 1)
        return _Value(s, i, end), end
    if c == "{":
        obj: dict[str, _Value] = {}
        j = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        if text[j] == "}":
            return _Value(obj, i, j + 1), j + 1
        while True:
            key, j = scanstring(text, j + 1)
            j = _WS.match(text, j).end()  # type: ignore[union-attr]
            j = _WS.match(text, j + 1).end()  # type: ignore[union-attr]  # after ':'
            val, j = _value(text, j, depth + 1)
            obj[key] = val
            j = _WS.match(text, j).end()  # type: ignore[union-attr]
            if text[j] == "}":
                return _Value(obj, i, j + 1), j + 1
            j = _WS.match(text, j + 1).end()  # type: ignore[union-attr]  # after ','
    if c == "[":
        items: list[_Value] = []
        j = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        if text[j] == "]":
            return _Value(items, i, j + 1), j + 1
        while True:
            val, j = _value(text, j, depth + 1)
            items.append(val)
            j = _WS.match(text, j).end()  # type: ignore[union-attr]
            if text[j] == "]":
                return _Value(items, i, j + 1), j + 1
            j = _WS.match(text, j + 1).end()  # type: ignore[union-attr]
    for word, value in (("true", True), ("false", False), ("null", None)):
        if text.startswith(word, i):
            return _Value(value, i, i + len(word)), i + len(word)
    m = _NUMBER.match(text, i)
    if m is None:
        for word in ("NaN", "Infinity", "-Infinity"):
            if text.startswith(word, i):
                raise _NotJson(i, f"{word} is not a JSON number")
        raise ValueError(f"unexpected {c!r}")
    return _Value(float(m.group()), i, m.end()), m.end()


def _links(text: str, root: _Value, problems: list[Problem]) -> list[Link]:
    from vaultlint.parse import parse_text

    links: list[Link] = []
    nodes = root.value.get("nodes")
    if nodes is None:
        return links
    if not isinstance(nodes.value, list):
        problems.append(
            Problem(INVALID_CANVAS, "canvas 'nodes' is not a list", Span(nodes.start, nodes.end))
        )
        return links
    for node in nodes.value:
        if not isinstance(node.value, dict):
            problems.append(
                Problem(INVALID_CANVAS, "canvas node is not an object", Span(node.start, node.end))
            )
            continue
        fields = node.value
        kind = fields.get("type")
        kind_name = kind.value if kind is not None else None
        if kind_name == "file":
            file = fields.get("file")
            if file is None or not isinstance(file.value, str) or not file.value:
                problems.append(
                    Problem(
                        INVALID_CANVAS,
                        "canvas file node has no 'file' path",
                        Span(node.start, node.start + 1),
                    )
                )
                continue
            sub = fields.get("subpath")
            subpath = sub.value if sub is not None and isinstance(sub.value, str) else ""
            if subpath and not subpath.startswith("#"):
                subpath = "#" + subpath
            links.append(
                Link(
                    "canvas",
                    file.value,
                    subpath,
                    None,
                    text[file.start : file.end],
                    Span(file.start, file.end),
                )
            )
        elif kind_name == "text":
            body = fields.get("text")
            if body is None or not isinstance(body.value, str) or "[" not in body.value:
                continue
            offsets = _offsets(text, body.start, body.end)
            card = parse_text("card.md", body.value)
            for link in card.links:
                if link.kind == "fm":
                    continue  # a card's "frontmatter" is text, not properties
                start, end = offsets[link.span.start], offsets[link.span.end]
                links.append(link._replace(span=Span(start, end)))
    return links


def _offsets(text: str, start: int, end: int) -> list[int]:
    """For each character of the JSON string at ``text[start:end]`` (quotes included), once
    decoded, its offset in ``text``; one more entry for the end of the string."""
    out: list[int] = []
    i = start + 1
    stop = end - 1
    while i < stop:
        out.append(i)
        if text[i] != "\\":
            i += 1
            continue
        if text[i + 1] != "u":
            i += 2
            continue
        code = int(text[i + 2 : i + 6], 16)
        if 0xD800 <= code < 0xDC00 and text.startswith("\\u", i + 6):
            i += 12  # a surrogate pair: one character once decoded
        else:
            i += 6
    out.append(stop)
    return out
