"""A fast path for flat frontmatter: ``key: scalar`` lines and simple lists, read by regex.

Most frontmatter is a handful of ``key: value`` lines and a ``tags`` list. Reading those with
libyaml's event stream costs Python work per event; this reader matches each line with one
regular expression instead and yields exactly what the event reader
(:class:`vaultlint.parse.frontmatter._Builder`) yields for the same text: the same values
(scalars resolved by the same :mod:`~vaultlint.parse.yaml_scalars` functions), the same key and
value offsets, the same list items with their offsets, the same duplicate keys.

It accepts only a strict subset of YAML and answers None for anything else, and the caller then
reads the text with the full reader. The subset, line by line (``\\n`` or ``\\r\\n`` line
endings):

* a blank (empty) line;
* ``key: value`` where the key is word characters (``.``, ``-`` and single spaces inside) and
  the value is a one-line plain scalar (no indicator first, no ``: `` or `` #`` inside), a
  quoted scalar without escapes (``"…"`` without ``\\``, ``'…'`` without ``''``) or a flow list
  of such scalars (``[a, "b"]``);
* ``key:`` alone, then either nothing (null) or ``- item`` lines, all at one indent, whose
  items are plain or quoted scalars as above.

The whole block must consist of characters libyaml reads as they are: no tab, lone ``\\r``, control
character, BOM, NEL or Unicode line separator.
The equivalence with the full reader is tested on generated text (``tests/test_frontmatter.py``).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from vaultlint.parse.linktext import property_link
from vaultlint.parse.yaml_scalars import RESOLVED_START, key_text, plain_value

#: a field as the event reader records it: (key, value, key_start, key_end, value_start,
#: value_end, items), items being (value, start, end) of each scalar of a top-level list
RawField = tuple[str, Any, int, int, int, int, list[tuple[Any, int, int]]]

# characters libyaml takes as they are (printable, not a line break of its own, not a BOM);
# the whole pattern is compiled on first use (its classes span the BMP: a few milliseconds of
# every run's start-up), an ASCII source is asked the same with the ASCII part of it
_UNSAFE_ASCII = re.compile("\r(?!\n)|[^\r\n\x20-\x7e]")


@functools.cache
def _unsafe() -> re.Pattern[str]:
    return re.compile(
        "\r(?!\n)|[^\r\n\x20-\x7e"
        "\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
    )


_KEY = r"(?P<key>\w[\w.-]*(?: [\w.-]+)*)"
# the first character of a plain scalar: no indicator (``-`` only before a digit or ``.``)
_FIRST = r"(?:[^\s\-?:,\[\]{}#&*!|>'\"%@`]|-(?=[0-9.]))"
# a plain scalar in block context: no ``: `` and no `` #`` inside (possessive: never backtracks)
_PLAIN = rf"{_FIRST}(?:[^\s:]++|:(?=\S)| ++(?=[^\s#]))*+"
_QUOTED = r"\"[^\"\\\r\n]*\"|'[^'\r\n]*'"
# a plain scalar in a flow list: no flow indicator and no ``:`` anywhere
_FLOW_PLAIN = _FIRST + r"(?:[^\s:,\[\]{}]++| ++(?=[^\s#:,\[\]{}]))*+"
_FLOW_ITEM = rf"(?:{_FLOW_PLAIN}|\"[^\"\\\r\n]*\")"
_FLOW = rf"\[ *(?:{_FLOW_ITEM}(?: *, *{_FLOW_ITEM})*)? *\]"
_ENTRY = re.compile(
    rf"{_KEY}:(?: +(?:(?P<plain>{_PLAIN})|(?P<quoted>{_QUOTED})|(?P<flow>{_FLOW})))? *\r?\n"
)
_ITEM = re.compile(rf"(?P<indent> *)- +(?:(?P<plain>{_PLAIN})|(?P<quoted>{_QUOTED})) *\r?\n")
_FLOW_ITEMS = re.compile(rf"(?P<plain>{_FLOW_PLAIN})|\"(?P<quoted>[^\"\\\r\n]*)\"")
#: libyaml does not look further than this for the ``:`` of a simple key
_MAX_KEY = 1000


def read_flat(source: str) -> tuple[int, dict[str, Any], list[RawField], list, list] | None:
    """``(root start, data, fields, duplicates, links)`` of flat YAML, or None (not in the
    subset). ``duplicates`` are ``(key, key_start, key_end)`` of every key that repeats an
    earlier one; ``links`` ``(field index, dotted key, link text, start, end)`` of every value
    that is one wiki-link (``up: "[[Note]]"``), as the event reader records them."""
    unsafe = (_UNSAFE_ASCII if source.isascii() else _unsafe()).search(source)
    if unsafe is not None:
        return None
    data: dict[str, Any] = {}
    fields: list[RawField] = []
    duplicates: list[tuple[str, int, int]] = []
    links: list[tuple[int, str, str, int, int]] = []
    has_links = "[[" in source
    root_start = -1
    pos = 0
    n = len(source)
    entry = _ENTRY.match
    while pos < n:
        c = source[pos]
        if c == "\n":
            pos += 1
            continue
        if c == "\r":  # always of a \r\n (a lone \r is refused above)
            pos += 2
            continue
        m = entry(source, pos)
        if m is None:
            return None
        k_end = m.end("key")
        if k_end - pos > _MAX_KEY:
            return None
        if root_start == -1:
            root_start = pos
        raw_key = m.group("key")
        key = plain_value(raw_key) if raw_key[0] in RESOLVED_START else raw_key
        if type(key) is not str:
            key = key_text(key, raw_key)
        items: list[tuple[Any, int, int]] = []
        kind = m.lastgroup  # the value's group, or "key" when the line ends after the colon
        pos = m.end()
        if kind == "plain":
            raw = m.group("plain")
            value = plain_value(raw) if raw[0] in RESOLVED_START else raw
            v_start, v_end = m.span("plain")
        elif kind == "quoted":
            value = m.group("quoted")[1:-1]
            v_start, v_end = m.span("quoted")
        elif kind == "flow":
            v_start, v_end = m.span("flow")
            for item in _FLOW_ITEMS.finditer(source, v_start + 1, v_end - 1):
                if (raw := item.group("plain")) is not None:
                    val = plain_value(raw) if raw[0] in RESOLVED_START else raw
                else:
                    val = item.group("quoted")
                items.append((val, item.start(), item.end()))
            value = [item[0] for item in items]
        else:
            value, v_start, v_end, pos = _block_list(source, pos, items, k_end + 1)
            if value is _NOT_FLAT:
                return None
        if has_links and source.find("[[", m.start(), pos) != -1:
            _links(links, len(fields), key, value, v_start, v_end, items)
        if key in data:
            duplicates.append((key, m.start("key"), k_end))
        data[key] = value
        fields.append((key, value, m.start("key"), k_end, v_start, v_end, items))
    if root_start == -1:
        return None  # only blank lines: the caller has handled this already
    return root_start, data, fields, duplicates, links


_NOT_FLAT = object()


def _links(
    links: list[tuple[int, str, str, int, int]],
    index: int,
    key: str,
    value: Any,
    start: int,
    end: int,
    items: list[tuple[Any, int, int]],
) -> None:
    """The values of field ``index`` that are one wiki-link, with Obsidian's dotted key."""
    if type(value) is str:
        if (text := property_link(value)) is not None:
            links.append((index, key, text, start, end))
        return
    for position, (item, i_start, i_end) in enumerate(items):
        if type(item) is str and (text := property_link(item)) is not None:
            links.append((index, f"{key}.{position}", text, i_start, i_end))


def _block_list(
    source: str, pos: int, items: list[tuple[Any, int, int]], empty_at: int
) -> tuple[Any, int, int, int]:
    """The ``- item`` lines after a ``key:`` line at ``pos``: (value, start, end, next pos).

    No item: the value is null, at ``empty_at`` (just after the ``:``, where libyaml puts an
    empty scalar). Items at different indents: ``_NOT_FLAT``.
    """
    n = len(source)
    indent = -1
    start = end = -1
    item_match = _ITEM.match
    after = pos  # where the value ends: after the last item line
    while True:
        while pos < n and source[pos] in "\r\n":  # blank lines (\r only in \r\n)
            pos += 1
        m = item_match(source, pos) if pos < n else None
        if m is None:
            break
        width = m.end("indent") - pos
        if indent == -1:
            indent = width
            start = m.end("indent")
        elif width != indent:
            return _NOT_FLAT, 0, 0, 0
        if (raw := m.group("plain")) is not None:
            value = plain_value(raw) if raw[0] in RESOLVED_START else raw
            i_start, end = m.span("plain")
        else:
            raw = m.group("quoted")
            value = raw[1:-1]
            i_start, end = m.span("quoted")
        items.append((value, i_start, end))
        pos = after = m.end()
    if indent == -1:
        return None, empty_at, empty_at, after
    return [item[0] for item in items], start, end, after
