"""Inline syntax of Obsidian: wiki-links, embeds, internal Markdown links and tags (SPEC.md §2–§8).

:func:`scan_inline` walks the text ranges the block scan found (paragraphs, list items, headings,
quotes, ``%%`` comments) once, left to right, jumping from one special character to the next.
Inline code, inline math and inline HTML comments are skipped; a backslash escapes the next
punctuation character. Every search for a closing delimiter is either bounded or remembered when
it fails, so adversarial text (``[[`` or backticks without closers) stays linear.

The module is long for speed: the scan is one loop with its state in local variables, the
commonest wiki-link is matched and built inside it, and the note's special characters are
listed once with ``str.find`` (a regular expression's character class costs ~50 instructions
a character); a note with more than :data:`_MAX_LISTED` of them is searched by the regular
expression, and ``fast=False`` takes the general paths (``tests/test_parse_fast_paths.py``).
"""

from __future__ import annotations

import bisect
import re
from bisect import bisect_left
from urllib.parse import unquote

from vaultlint.model import Link, Span, Tag
from vaultlint.parse.linktext import TAG_BODY, split_linktext

_SPECIAL_CHARS = "\\`$<[#%"  # what may start something the inline scan reads
_SPECIAL = re.compile(r"[\\`$<\[#%]")
#: a note with more special characters than this is searched by _SPECIAL (a list of their
#: positions would take ~40 bytes each)
_MAX_LISTED = 1 << 16
_BACKTICKS = re.compile(r"`+")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MAX_DEST = 4096  # longest Markdown link destination we look for
# A destination without <…>: no spaces, parentheses balanced up to two levels deep. Each
# alternative starts with a different character, so the match is linear (`[a](` repeated
# a hundred thousand times costs a few characters per opener, not a scan to the line's end).
_DEST_CHAR = r"(?:[^\s()\\]|\\.)"
_DEST_L1 = rf"\({_DEST_CHAR}*\)"
_DEST = re.compile(rf"(?:{_DEST_CHAR}|\((?:{_DEST_CHAR}|{_DEST_L1})*\))*")


class _Range:
    """The range being scanned (``start``, ``end``: set for each range of a note in turn) and
    lazily built indexes of the whole note, so that closer searches stay logarithmic. Closers
    found beyond the current range are ignored by the callers."""

    __slots__ = (
        "_brackets",
        "_dollars",
        "_line",
        "_line_end",
        "_ticks",
        "end",
        "fails",
        "fast",
        "specials",
        "start",
        "text",
    )

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        self._ticks: dict[int, list[int]] | None = None
        self._dollars: list[int] | None = None
        self._brackets: dict[int, int] | None = None
        self.fails: dict[tuple[str, int], int] = {}
        self._line = -1
        self._line_end = -1
        self.fast = True
        #: sorted offsets of every special character of the text (None: found by _SPECIAL)
        self.specials: list[int] | None = None

    def line_end(self, i: int) -> int:
        """End of the line holding ``i`` (cached: many calls on one long line stay linear)."""
        if self._line <= i <= self._line_end:
            return self._line_end
        j = _line_end(self.text, i, self.end)
        self._line, self._line_end = i, j
        return j

    def tick_closer(self, after: int, length: int) -> int:
        """Start of the next backtick run of exactly ``length`` at or after ``after``, or -1."""
        if self._ticks is None:
            self._ticks = {}
            for m in _BACKTICKS.finditer(self.text):
                self._ticks.setdefault(m.end() - m.start(), []).append(m.start())
        runs = self._ticks.get(length)
        if not runs:
            return -1
        k = bisect.bisect_left(runs, after)
        return runs[k] if k < len(runs) else -1

    def dollar_closer(self, after: int) -> int:
        """Next ``$`` that can close inline math (no space before it, no digit after it)."""
        if self._dollars is None:
            text = self.text
            found = []
            n = len(text)
            i = text.find("$")
            while i != -1:
                before = text[i - 1] if i > 0 else " "
                after_c = text[i + 1] if i + 1 < n else " "
                if not before.isspace() and before not in "\\$" and not after_c.isdigit():
                    found.append(i)
                i = text.find("$", i + 1)
            self._dollars = found
        k = bisect.bisect_left(self._dollars, after)
        return self._dollars[k] if k < len(self._dollars) else -1

    def bracket_match(self, i: int) -> int:
        """Position of the ``]`` matching the ``[`` at ``i`` on the same line, or -1."""
        if self._brackets is None:
            text = self.text
            matches: dict[int, int] = {}
            stack: list[int] = []
            j = 0
            end = len(text)
            while True:
                m = _BRACKET_CHARS.search(text, j, end)
                if m is None:
                    break
                j = m.start()
                c = text[j]
                if c == "\\":
                    j += 2
                    continue
                if c == "[":
                    stack.append(j)
                elif c == "]":
                    if stack:
                        matches[stack.pop()] = j
                else:  # a line break: brackets do not match across lines here
                    stack.clear()
                j += 1
            self._brackets = matches
        return self._brackets.get(i, -1)

    def find(self, needle: str, start: int, end: int) -> int:
        """``text.find`` that remembers failures, so that repeated openers cost nothing.

        If ``needle`` is absent from ``[start, end)``, it is absent from any later start too.
        """
        key = (needle, end)
        failed_from = self.fails.get(key)
        if failed_from is not None and start >= failed_from:
            return -1
        pos = self.text.find(needle, start, end)
        if pos == -1:
            self.fails[key] = start
        return pos


_BRACKET_CHARS = re.compile(r"[\\\[\]\n\r]")
# ``[[`` up to the first ``]]`` on the line when no ``[[`` comes between: the common wiki-link,
# matched in one step (anything else takes the general path in :func:`_wikilink`)
_WIKI = re.compile(r"\[\[(?:[^\[\]\n\r]++|\[(?!\[)|\](?!\]))*+\]\]")
# The commonest wiki-link, with its parts: a target without ``#``, ``|``, ``\\`` (and not
# empty), a subpath from the first ``#``, a display after the first ``|``; no bracket inside.
# Where it matches, _WIKI matches the same text and split_linktext gives the same parts.
_WIKI_PARTS = re.compile(r"\[\[([^\[\]\n\r|#\\]+)(#[^\[\]\n\r|\\]*)?(?:\|([^\[\]\n\r]*))?\]\]")
#: builds a NamedTuple from a tuple without its Python-level ``__new__`` (hot paths only)
_new = tuple.__new__


def _line_end(text: str, i: int, end: int) -> int:
    j = text.find("\n", i, end)
    if j == -1:
        j = end
    k = text.find("\r", i, j)
    return j if k == -1 else k


def scan_inline(
    text: str, ranges: list[tuple[int, int]], *, fast: bool = True
) -> tuple[list[Link], list[Tag]]:
    """Links and tags in ``ranges`` of ``text``, in document order (``fast=False``: without
    the one-step match of common wiki-links, the reference that fast path is tested against)."""
    links: list[Link] = []
    tags: list[Tag] = []
    specials = _special_positions(text) if fast and ranges else None
    if specials is not None:
        # the ranges holding a special character (most list items and lines hold none): the
        # first special at or after a range's start comes before its end
        count = len(specials)
        todo = []
        for start, end in ranges:
            k = bisect_left(specials, start)
            if k < count and specials[k] < end:
                todo.append((start, end))
    else:
        search = _SPECIAL.search
        # the next special character at or after ``searched``: one search answers every range
        # before it (two lines in three hold none), rather than one search a range
        searched = nxt = len(text)
        todo = []
        for start, end in ranges:
            if start < searched or nxt < start:
                m = search(text, start)
                searched, nxt = start, len(text) if m is None else m.start()
            if nxt < end:
                todo.append((start, end))
    if todo:
        r = _Range(text, *todo[0])
        r.fast = fast
        r.specials = specials
        _scan_ranges(r, todo, links, tags)
    return links, tags


def _special_positions(text: str) -> list[int] | None:
    """The sorted offsets of every character of :data:`_SPECIAL` in ``text``, found by
    ``str.find`` (memchr speed, where the regular expression's character class costs ~50
    instructions a character: the most of an inline scan); None when there are more than
    :data:`_MAX_LISTED` (the regular expression searches such a text: no list that big)."""
    found: list[int] = []
    add = found.append
    find = text.find
    for c in _SPECIAL_CHARS:
        i = find(c)
        while i != -1:
            add(i)
            i = find(c, i + 1)
        if len(found) > _MAX_LISTED:
            return None
    found.sort()
    return found


def _tag_boundary(text: str, j: int, start: int, escape_end: int, tag_end: int) -> bool:
    """Whether a ``#`` at ``j`` may start a tag (SPEC R-T4)."""
    if j in (start, escape_end, tag_end):
        return True
    prev = text[j - 1]
    if prev.isspace() or prev in "_|":
        return True
    if prev == ">":  # after a block-quote marker at the start of the line
        k = j - 1
        while k > start and text[k - 1] in "> \t":
            k -= 1
        return k == start or text[k - 1] in "\n\r"
    return False


def _scan_ranges(
    r: _Range, spans: list[tuple[int, int]], links: list[Link], tags: list[Tag]
) -> None:
    """Scan each of ``spans`` (``r`` set to each in turn), each with a state of its own."""
    text = r.text
    search = _SPECIAL.search
    fast = r.fast
    specials = r.specials
    count = 0 if specials is None else len(specials)
    for start, end in spans:
        r.start = start
        r.end = end
        i = start
        escape_end = -1  # index just after the last backslash escape
        tag_end = -1  # index just after the last tag
        skip_at = -1  # a Markdown link's ``](dest)`` part: jump from skip_at to skip_to
        skip_to = -1
        wiki_inner = -1  # the innermost ``[[`` before a known ``]]`` (``[[a [[b]] c]]``)
        wiki_close = -1
        in_comment = False  # inside ``%% … %%`` (links there are marked, not dropped)
        while i < end:
            limit = skip_at if skip_at != -1 else end
            if specials is not None:  # the next special character, from the list of them all
                k = bisect_left(specials, i)
                j = specials[k] if k < count else limit
            else:
                m = search(text, i, limit)
                j = limit if m is None else m.start()
            if j >= limit:
                if skip_at == -1:
                    break
                i, skip_at = skip_to, -1
                continue
            i = j
            c = text[i]
            if c == "[":
                if i + 1 < end and text[i + 1] == "[":
                    if (
                        fast
                        and wiki_close <= i
                        and (w := _WIKI_PARTS.match(text, i, end)) is not None
                    ):
                        # the common wiki-link, its parts matched at once: what _wikilink and
                        # split_linktext give it
                        close = w.end()
                        embed = (
                            i > start
                            and text[i - 1] == "!"
                            and not (i - 1 > start and text[i - 2] == "\\")
                        )
                        at = i - 1 if embed else i
                        target, subpath, display = w.groups()
                        links.append(
                            _new(
                                Link,
                                (
                                    "embed" if embed else "wiki",
                                    target.strip(),
                                    "" if subpath is None else subpath.strip(),
                                    display,
                                    text[at:close],
                                    _new(Span, (at, close)),
                                    None,
                                    in_comment,
                                ),
                            )
                        )
                        i = close
                        continue
                    j = _wikilink(r, i, links, wiki_inner, wiki_close, in_comment)
                    if isinstance(j, tuple):
                        wiki_inner, wiki_close = j
                        i += 2
                    else:
                        i = j
                    continue
                j = _markdown_link(r, i, links, in_comment)
                if j is None:
                    i += 1
                    continue
                skip_at, skip_to = j
                i += 1
                continue
            if c == "#":
                if text[i - 1] == " " or _tag_boundary(text, i, start, escape_end, tag_end):
                    bm = TAG_BODY.match(text, i + 1, end)
                    if bm is not None:
                        body_end = bm.end()
                        if text[i - 1] == "_" and i > start:
                            # ``_#tag_`` is emphasis around a tag: the closing ``_`` is not
                            # the tag's
                            opened = 0
                            while i - opened > start and text[i - opened - 1] == "_":
                                opened += 1
                            while opened and body_end > i + 2 and text[body_end - 1] == "_":
                                body_end -= 1
                                opened -= 1
                        name = text[i + 1 : body_end]
                        if not (name.isdigit() and name.isascii()):  # not all 0-9
                            tags.append(_new(Tag, (name, _new(Span, (i, body_end)), "body")))
                            tag_end = body_end
                            i = body_end
                            continue
                i += 1
                continue
            if c == "\\":
                if i + 1 < end and text[i + 1] in _ASCII_PUNCT:
                    escape_end = i + 2
                    i += 2
                else:
                    i += 1
                continue
            if c == "`":
                n = i + 1
                while n < end and text[n] == "`":
                    n += 1
                length = n - i
                close = r.tick_closer(n, length)
                i = close + length if close != -1 and close + length <= end else n
                continue
            if c == "$":
                if i + 1 < end and text[i + 1] == "$":
                    close = r.find("$$", i + 2, end)
                    i = close + 2 if close != -1 else i + 2
                    continue
                nxt = text[i + 1] if i + 1 < end else " "
                if nxt.isspace():
                    i += 1
                    continue
                close = r.dollar_closer(i + 2)
                i = close + 1 if close != -1 and close < end else i + 1
                continue
            if c == "<":
                if text.startswith("<!--", i):
                    close = r.find("-->", i + 4, end)
                    if close != -1:
                        i = close + 3
                        continue
                i += 1
                continue
            if c == "%":
                if i + 1 < end and text[i + 1] == "%":
                    in_comment = not in_comment
                    i += 2
                else:
                    i += 1
                continue


def _wikilink(
    r: _Range, i: int, links: list[Link], inner: int, inner_close: int, comment: bool
) -> int | tuple[int, int]:
    """Handle ``[[`` at ``i``: returns where to go on, or (innermost ``[[``, its ``]]``)."""
    text = r.text
    if inner_close > i:
        if i != inner:
            return i + 2  # an outer ``[[`` whose ``]]`` belongs to an inner link
        close = inner_close
    elif r.fast and (m := _WIKI.match(text, i, r.end)) is not None:
        close = m.end() - 2  # the first ``]]`` on the line, no ``[[`` before it
    else:
        close = r.find("]]", i + 2, r.line_end(i))
        if close == -1:
            return i + 2
        k = text.rfind("[[", i + 2, close)
        if k != -1:
            return (k, close)
    body = text[i + 2 : close]
    if not body:
        return close + 2
    embed = i > r.start and text[i - 1] == "!" and not (i - 1 > r.start and text[i - 2] == "\\")
    start = i - 1 if embed else i
    target, subpath, display = split_linktext(body)
    links.append(
        _new(
            Link,
            (
                "embed" if embed else "wiki",
                target,
                subpath,
                display,
                text[start : close + 2],
                _new(Span, (start, close + 2)),
                None,
                comment,
            ),
        )
    )
    return close + 2


def _markdown_link(r: _Range, i: int, links: list[Link], comment: bool) -> tuple[int, int] | None:
    """Handle ``[`` at ``i``; on a Markdown link returns the span of its ``](dest)`` part."""
    text = r.text
    if r.find("](", i + 1, r.line_end(i)) == -1:
        return None  # no `](` left on the line: no Markdown link can start here
    close = r.bracket_match(i)
    if close == -1 or close + 1 >= r.end or text[close + 1] != "(":
        return None
    j = close + 2
    line_end = r.line_end(j)
    limit = min(line_end, j + _MAX_DEST)
    while j < limit and text[j] in " \t":
        j += 1
    if j < limit and text[j] == "<":
        gt = text.find(">", j + 1, limit)
        if gt == -1:
            return None
        dest = text[j + 1 : gt]
        if "<" in dest:
            return None
        k = gt + 1
    else:
        m = _DEST.match(text, j, limit)
        k = m.end()
        dest = text[j:k]
    while k < limit and text[k] in " \t":
        k += 1
    if k < limit and text[k] in "\"'(" and dest:
        quote = ")" if text[k] == "(" else text[k]
        q = text.find(quote, k + 1, limit)
        if q == -1:
            return None
        k = q + 1
        while k < limit and text[k] in " \t":
            k += 1
    if k >= limit or text[k] != ")":
        return None
    end = k + 1
    if dest and not _SCHEME.match(dest):
        embed = i > r.start and text[i - 1] == "!"
        start = i - 1 if embed else i
        decoded = unquote(dest)
        hash_at = decoded.find("#")
        target, subpath = (decoded[:hash_at], decoded[hash_at:]) if hash_at != -1 else (decoded, "")
        links.append(
            Link(
                "mdembed" if embed else "md",
                target.strip(),
                subpath,
                text[i + 1 : close],
                text[start:end],
                Span(start, end),
                None,
                comment,
            )
        )
    return close, end
