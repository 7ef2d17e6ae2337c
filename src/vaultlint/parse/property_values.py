"""Property values as Obsidian's property types read them, judged on the text as written.

Shared by the ``property-types`` and ``properties`` checks (checks do not import each other).
The decisions, each with its evidence, are in ``docs/properties.md``; in short:

* ``text``: one scalar on one line (a number or ``true`` is text as written too); not a list,
  not a mapping, not several lines.
* ``multitext`` (Obsidian's "List"): a list of scalars, or a single scalar (one item).
* ``number``: a decimal literal (``1977``, ``3.14``, ``-2``, ``1e3``), unquoted.
* ``checkbox``: ``true`` or ``false``, unquoted.
* ``date``: ``YYYY-MM-DD``, a real calendar day; quotes do not matter (dates are text to
  Obsidian's YAML reader).
* ``datetime``: ``YYYY-MM-DDTHH:mm``, seconds optional.
* ``aliases`` and ``tags``: a list of scalars, or one scalar (Obsidian 1.9.3 and later).
* An empty value (``key:``, ``key: ""``, ``key: []``) fits every type.

A value written ``[[Note]]`` without quotes is, to YAML, a list holding a list holding the
string ``Note``: :func:`unquoted_link` recognises it so that messages can say what to write.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any, NamedTuple

from vaultlint.model import Field, Span
from vaultlint.parse.linktext import split_linktext

#: Obsidian's property types, as `.obsidian/types.json` names them
OBSIDIAN_TYPES = ("text", "multitext", "number", "checkbox", "date", "datetime", "aliases", "tags")
#: how Obsidian's interface names them (in messages)
TYPE_NAMES = {
    "text": "text",
    "multitext": "list",
    "number": "number",
    "checkbox": "checkbox",
    "date": "date",
    "datetime": "date & time",
    "aliases": "aliases",
    "tags": "tags",
}
#: the types every vault has (Properties.md, "Default properties")
DEFAULT_TYPES = {"tags": "tags", "aliases": "aliases", "cssclasses": "multitext"}
#: the keys Obsidian 1.4 deprecated and 1.9 dropped, with the key that replaced them
DROPPED_KEYS = {"tag": "tags", "alias": "aliases", "cssclass": "cssclasses"}

_LIST_TYPES = frozenset({"multitext", "aliases", "tags"})
_DECIMAL = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_DATETIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?")
_BOOLEAN_WORDS = frozenset({"yes", "no", "on", "off", "y", "n"})
_UNQUOTED_LINK = re.compile(r"\[\[[^\[\]\n]*\]\]")
_ITEM_LINK = re.compile(r"(?:^|\n)[ \t]*-[ \t]+(\[\[[^\[\]\n]*\]\])[ \t]*(?=\n|$| #)")
_WIKILINK = re.compile(r"!?\[\[([^\[\]\n]*)\]\]")


class Value(NamedTuple):
    """One scalar of a property (the whole value, or one list item) with its source text."""

    value: Any
    source: str
    span: Span


def is_block_scalar(source: str) -> bool:
    return source.lstrip().startswith(("|", ">"))


def is_quoted(source: str) -> bool:
    s = source.strip()
    return len(s) >= 2 and s[0] == s[-1] and s[0] in "'\""


def written_text(value: Any, source: str) -> str:
    """The scalar's text as written: quotes removed, a block scalar's lines as YAML gives them."""
    if isinstance(value, str) and is_block_scalar(source):
        return value.strip()
    s = source.strip()
    if is_quoted(s):
        return value if isinstance(value, str) else s[1:-1]
    return s


def is_empty(value: Any, source: str) -> bool:
    """Empty values fit every type, as in Obsidian: ``key:``, ``key: ""``, ``key: []``."""
    if value is None:
        return True
    if not value and isinstance(value, str | list | dict):
        return True
    return not source or source.isspace()


def unquoted_link(value: Any, source: str) -> bool:
    """Whether ``source`` is ``[[Note]]`` written without quotes (YAML: a list in a list)."""
    return (
        isinstance(value, list)
        and len(value) == 1
        and isinstance(value[0], list)
        and len(value[0]) == 1
        and not isinstance(value[0][0], list | dict)
        and _UNQUOTED_LINK.fullmatch(source.strip()) is not None
    )


def quote_link_text(source: str) -> str:
    """What to write instead of an unquoted ``[[Note]]``: ``"[[Note]]"``."""
    inner = source.strip().replace("\\", "\\\\").replace('"', '\\"')
    return f'"{inner}"'


def wikilink(text: str) -> tuple[str, str] | None:
    """``(path, subpath)`` when ``text`` is one wiki-link (``[[Note#Heading|alias]]``)."""
    m = _WIKILINK.fullmatch(text.strip())
    if m is None:
        return None
    path, subpath, _ = split_linktext(m.group(1))
    return path, subpath


def values_of(fld: Field) -> list[Value]:
    """The scalars of a property: its list items, or the value itself."""
    if isinstance(fld.value, list):
        return [Value(i.value, i.source, i.span) for i in fld.items]
    return [Value(fld.value, fld.source, fld.value_span)]


def shown(text: str, limit: int = 60) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


_DIRECTIVE = re.compile(r"%(.)", re.DOTALL)
# numeric directives strptime accepts without their zeros; a format writes them at this width
_PADDED = {"Y": r"\d{4}", "m": r"\d\d", "d": r"\d\d", "H": r"\d\d", "M": r"\d\d", "S": r"\d\d"}
_PADDED |= {"I": r"\d\d", "y": r"\d\d", "j": r"\d{3}"}


def strftime_problem(text: str, fmt: str) -> str | None:
    """Why ``text`` is not a date written with the ``strftime`` format ``fmt``, or None."""
    try:
        value = datetime.strptime(text, fmt)
    except ValueError as exc:
        if str(exc).startswith(("time data ", "unconverted data remains")):
            return f"'{shown(text)}' does not match '{fmt}'"
        return f"'{shown(text)}' is not a valid date: {exc}"
    parts, pos = [], 0
    for m in _DIRECTIVE.finditer(fmt):
        parts.append(re.escape(fmt[pos : m.start()]))
        parts.append("%" if m.group(1) == "%" else _PADDED.get(m.group(1), ".*?"))
        pos = m.end()
    parts.append(re.escape(fmt[pos:]))
    if re.fullmatch("".join(parts), text, re.DOTALL | re.IGNORECASE) is None:
        return f"'{shown(text)}' does not match '{fmt}': write '{value.strftime(fmt)}'"
    return None


def strftime_format_problem(fmt: str) -> str | None:
    """Why ``fmt`` is not a usable ``strptime`` format, or None."""
    if not any(m.group(1) != "%" for m in _DIRECTIVE.finditer(fmt)):
        return f"format {fmt!r} has no % directive (such as %Y, %m, %d)"
    try:
        datetime.strptime("", fmt)
    except ValueError as exc:
        if not str(exc).startswith(("time data ", "unconverted data remains")):
            return f"format {fmt!r} is not valid: {exc}"
    return None


def calendar_problem(text: str, with_time: bool) -> str | None:
    """Why ``text`` is not Obsidian's ``YYYY-MM-DD`` (or ``YYYY-MM-DDTHH:mm[:ss]``), or None."""
    m = (_DATETIME if with_time else _DATE).fullmatch(text)
    if m is None:
        if not with_time and _DATETIME.fullmatch(text):
            return f"'{shown(text)}' has a time; a date property holds YYYY-MM-DD"
        if with_time and _DATE.fullmatch(text):
            return f"'{shown(text)}' has no time; a date & time property holds YYYY-MM-DDTHH:mm"
        if wikilink(text) is not None:
            return f"'{shown(text)}' is a link, not a date"
        want = "YYYY-MM-DDTHH:mm (seconds optional)" if with_time else "YYYY-MM-DD"
        return f"'{shown(text)}' is not written {want}"
    parts = [int(g) for g in m.groups() if g is not None]
    try:
        if with_time:
            datetime(*parts)  # type: ignore[arg-type]
        else:
            date(*parts)  # type: ignore[arg-type]
    except ValueError as exc:
        return f"'{shown(text)}' is not a valid date: {exc}"
    return None


_TEXT_KINDS = frozenset({"text", "multitext", "aliases", "tags"})
_SCALARS = frozenset({str, int, float, bool})
#: scalar_problem's answers for numbers, checkboxes and dates, by (kind, source, value): the
#: same few values recur in every note of a vault (bounded: cleared when full)
_MEMO: dict[tuple[str, str, type, Any], str | None] = {}
_MEMO_SIZE = 20_000


def scalar_problem(kind: str, value: Any, source: str) -> str | None:
    """Why one scalar (a value, or a list's item) does not fit ``kind``, or None.

    ``kind`` is one of :data:`OBSIDIAN_TYPES` (for list types: the type of each item).
    """
    cls = value.__class__
    if cls not in _SCALARS:
        return _scalar_problem(kind, value, source)
    if kind in _TEXT_KINDS:  # one line of text is all a text kind asks of a scalar
        if "\n" not in source and (cls is not str or "\n" not in value):
            return None
        return _scalar_problem(kind, value, source)
    key = (kind, source, cls, value)
    try:
        return _MEMO[key]
    except KeyError:
        pass
    why = _scalar_problem(kind, value, source)
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.clear()
    _MEMO[key] = why
    return why


def _scalar_problem(kind: str, value: Any, source: str) -> str | None:
    if is_empty(value, source):
        return None
    if unquoted_link(value, source):
        return unquoted_link_message(source)
    if isinstance(value, list):
        return "a nested list" if kind in _LIST_TYPES else "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = written_text(value, source)
    if kind in _TEXT_KINDS:
        if "\n" in text:
            return "several lines of text; a property holds one line"
        return None
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or is_quoted(source):
            if is_quoted(source) and _DECIMAL.fullmatch(text):
                return f"'{shown(text)}' is quoted: text, not a number; write {text}"
            return f"'{shown(text)}' is not a number"
        if isinstance(value, float) and not math.isfinite(value):
            return f"'{shown(text)}' is not a finite number"
        if _DECIMAL.fullmatch(text) is None:
            return f"'{shown(text)}' is not written as a decimal number (Obsidian shows {value!r})"
        return None
    if kind == "checkbox":
        if isinstance(value, bool) and not is_quoted(source):
            return None
        if is_quoted(source) and text.lower() in ("true", "false"):
            return f"'{shown(text)}' is quoted: text, not a checkbox; write {text.lower()}"
        if text.lower() in _BOOLEAN_WORDS:
            return f"'{shown(text)}' is text to YAML 1.2, not a checkbox; write true or false"
        return f"'{shown(text)}' is not true or false"
    if kind in ("date", "datetime"):
        return calendar_problem(text, kind == "datetime")
    return None


def value_problems(kind: str, fld: Field) -> list[tuple[Span, str]]:
    """Why the property ``fld`` does not fit the Obsidian type ``kind``: ``(span, message)``
    for the whole value, or for each list item that does not fit."""
    value, source = fld.value, fld.source
    if is_empty(value, source):
        return []
    if kind in _LIST_TYPES:
        if isinstance(value, list) and not unquoted_link(value, source):
            found = []
            for item in fld.items:
                why = scalar_problem(kind, item.value, item.source)
                if why is not None:
                    found.append((item.span, why))
            if len(fld.items) < len(value):
                found += _nested_items(fld)
                found.sort()
            return found
        if isinstance(value, dict):
            return [(fld.value_span, "a mapping, not a list")]
        why = scalar_problem(kind, value, source)
        if why is None and kind == "aliases" and isinstance(value, str) and ", " in value:
            why = f"'{shown(value)}' is one alias; write a list to give several"
        return [] if why is None else [(fld.value_span, why)]
    if isinstance(value, list) and not unquoted_link(value, source):
        return [(fld.value_span, "a list; this property holds a single value")]
    why = scalar_problem(kind, value, source)
    return [] if why is None else [(fld.value_span, why)]


def _item_links(fld: Field) -> list[Span] | None:
    """The spans of a block list's unquoted ``- [[Note]]`` items when every item that has no
    span of its own (a nested list or mapping) is one of them; None otherwise."""
    links = list(_ITEM_LINK.finditer(fld.source))
    nested = [v for v in fld.value if isinstance(v, list | dict)]
    if not links or len(links) != len(nested):
        return None
    base = fld.value_span.start
    return [Span(base + m.start(1), base + m.end(1)) for m in links]


def _nested_items(fld: Field) -> list[tuple[Span, str]]:
    """Findings for list items that are lists or mappings (they have no span of their own):
    each unquoted ``- [[Note]]`` found in the source, else one finding at the whole value."""
    spans = _item_links(fld)
    if spans is None:
        return [(fld.value_span, "a list holding a nested list or mapping")]
    base = fld.value_span.start
    return [
        (span, unquoted_link_message(fld.source[span.start - base : span.end - base]))
        for span in spans
    ]


def unquoted_links(fld: Field) -> list[tuple[Span, str]]:
    """Every unquoted ``[[Note]]`` of a property: the whole value, or block-list items."""
    if unquoted_link(fld.value, fld.source):
        return [(fld.value_span, unquoted_link_message(fld.source))]
    if isinstance(fld.value, list) and len(fld.items) < len(fld.value):
        spans = _item_links(fld)
        if spans is not None:
            return _nested_items(fld)
    return []


def unquoted_link_message(source: str) -> str:
    return (
        f"{source.strip()} without quotes is a nested list to YAML, not a link "
        f"(Obsidian shows no link): write {quote_link_text(source)}"
    )
