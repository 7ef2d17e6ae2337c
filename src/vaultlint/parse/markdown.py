"""Block structure of a note body with a linear line scanner.

The scanner decides, line by line, what Obsidian would treat as a heading, as text where links
and tags count (paragraphs, list items, table rows, quotes, callouts, ``%%`` comments), and as
opaque (fenced and indented code, ``$$`` math, HTML blocks and HTML comments). It keeps a small
container state (block quote depth, list item indents, open fences) so that the common cases of
nested structure are decided exactly. When a note holds a construct where a line scanner would
have to guess (an indented line inside a list, an HTML block that may or may not interrupt
text, a fence inside a list item), the scan marks the note ``hard`` and the caller asks mistune
(:mod:`vaultlint.parse.mistune_blocks`) which lines are opaque, then scans again with that answer.

Every loop here is linear in the length of the note: no regular expression below can backtrack
more than a bounded amount per character, and no container is handled by recursion.

The module is long for speed: the scan is one loop with its state in local variables, and the
commonest lines (plain text, a bullet, an ATX heading or a table row at the start of a line, a
line inside a top-level fence, a quote's lazy ``> text`` line) take fast paths that do what the
general path would do for them without its calls; one flag tells whether a multi-line construct
is open. ``scan_blocks(..., fast=False)`` sends every line through the general path:
``tests/test_parse_fast_paths.py`` compares both on generated Markdown and on the real notes.
"""

from __future__ import annotations

import re

from vaultlint.lazyre import LazyPattern
from vaultlint.model import Block, Heading, Section, Span

_FENCE = re.compile(r"(`{3,}|~{3,})(.*)$")
_THEMATIC = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT = re.compile(r"(=+|-+)[ \t]*$")
_LIST = re.compile(r"(?:[-+*]|(\d{1,9})[.)])(?=[ \t]|$)")
_TABLE_DELIM = re.compile(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_BLOCK_ID = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$")
#: HTML block starts and ends: only a line starting with ``<`` reaches them, so they are
#: compiled on first use (``_HTML6`` alone took ~0.5 ms at every start)
_HTML1 = LazyPattern(r"<(?:script|pre|style|textarea)(?:[\s>]|$)", re.IGNORECASE)
_HTML1_END = LazyPattern(r"</(?:script|pre|style|textarea)>", re.IGNORECASE)
_HTML6 = LazyPattern(
    r"</?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    r"details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|"
    r"h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|"
    r"optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|"
    r"track|ul)(?:[ \t>]|/>|$)",
    re.IGNORECASE,
)
_HTML7 = LazyPattern(
    r"(?:<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*"
    r"\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)[ \t]*$"
)


class BlockScan:
    """What the block scan found. ``ranges`` are the text ranges where links and tags count.
    (Written out, not a dataclass: no ``exec`` at import.)"""

    __slots__ = ("blocks", "hard", "headings", "ranges", "sections")

    def __init__(self) -> None:
        self.headings: list[Heading] = []
        self.ranges: list[tuple[int, int]] = []
        self.blocks: list[Block] = []
        self.sections: list[Section] = []
        self.hard = False

    def _values(self) -> tuple:
        return (self.headings, self.ranges, self.blocks, self.sections, self.hard)

    def __eq__(self, other: object) -> bool:  # as a dataclass compares (tests compare scans)
        if other.__class__ is not BlockScan:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"BlockScan({shown})"


def _indent_of(line: str, start: int) -> tuple[int, int]:
    """Visual indent (tabs to multiples of 4) from ``start``, and the first non-blank index."""
    col = 0
    i = start
    n = len(line)
    while i < n:
        c = line[i]
        if c == " ":
            col += 1
        elif c == "\t":
            col += 4 - col % 4
        else:
            break
        i += 1
    return col, i


def _quote_prefix(line: str, limit: int = -1) -> tuple[int, int]:
    """Block-quote depth of a line and the index where its content starts (with ``limit``:
    after at most that many quote markers)."""
    depth = 0
    i = 0
    n = len(line)
    while depth != limit:
        j = i
        while j < n and j - i < 3 and line[j] == " ":
            j += 1
        if j < n and line[j] == ">":
            depth += 1
            i = j + 1
            if i < n and line[i] in " \t":
                i += 1
        else:
            return depth, i
    return depth, i


def atx_heading(s: str) -> tuple[int, str] | None:
    """Level and text of an ATX heading line's content ``s`` (``## Text ##``), or None.

    What the regular expression ``(#{1,6})(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$`` decides,
    the text being its second group stripped (empty when only blanks follow the marks), with
    string methods instead: the lazy group tried the closing sequence at every character, ten
    microseconds a heading (``tests/test_parse_fast_paths.py`` compares the two)."""
    n = len(s) - len(s.lstrip("#"))
    if not 1 <= n <= 6 or (n < len(s) and s[n] not in " \t"):
        return None
    rest = s[n:].lstrip(" \t")
    if not rest:
        return n, ""
    text = rest.rstrip(" \t")
    if text[-1] == "#":  # a closing sequence counts only after a blank
        head = text.rstrip("#")
        if head and head[-1] in " \t":
            text = head.rstrip(" \t")
    return n, text.strip()


def _html_block_kind(s: str, in_para: bool) -> int:
    """CommonMark HTML block start condition (1–7) of a line's content, or 0."""
    if not s.startswith("<"):
        return 0
    if _HTML1.match(s):
        return 1
    if s.startswith("<!--"):
        return 2
    if s.startswith("<?"):
        return 3
    if s.startswith("<![CDATA["):
        return 5
    if len(s) > 2 and s[1] == "!" and s[2].isalpha():
        return 4
    if _HTML6.match(s):
        return 6
    if not in_para and _HTML7.match(s):
        return 7
    return 0


# First characters that may start something other than paragraph text (or indent it)
#: builds a NamedTuple from a tuple without its Python-level ``__new__`` (hot paths only)
_new = tuple.__new__
_MAY_START_BLOCK = frozenset(" \t>#`~$%<=-*_+:|0123456789")
_MERGEABLE = frozenset({"list", "blockquote", "callout"})
_BULLETS = ("-", "*", "+")
_BLANK_OR_END = ("", " ", "\t")
_HTML_END = {1: None, 2: "-->", 3: "?>", 4: ">", 5: "]]>"}


def scan_blocks(
    text: str,
    body_start: int,
    line_starts: tuple[int, ...],
    opaque: frozenset[int] | None = None,
    *,
    fast: bool = True,
    lines: list[str] | None = None,
) -> BlockScan:
    """Scan the body (from ``body_start``) of ``text``.

    With ``opaque`` (0-based line numbers of the whole note, as mistune decided them), code and
    HTML blocks are taken from that set instead of being decided here. ``fast=False`` sends
    every line through the general path (the reference the fast paths are tested against).
    ``lines`` may give ``text.split("\\n")`` when the caller has it (text without ``\\r``).
    """
    out = BlockScan()
    headings = out.headings
    ranges = out.ranges
    blocks = out.blocks
    sections = out.sections
    n_lines = len(line_starts)
    first = 0
    while first < n_lines and line_starts[first] < body_start:
        first += 1
    if body_start >= len(text):
        return out

    # an open fence: char, length, quote depth, container indent, first characters that may
    # close it or change its container
    fence: tuple[str, int, int, int, str] | None = None
    html_end: int = 0  # open HTML block kind
    math_open = False
    comment_open = False
    # whether one of the four is open (at most one is): one test a line instead of four
    inside = False
    in_para = False
    para_start = -1  # offset where the current paragraph starts
    para_depth = 0
    para_in_list = False
    prev_blank = True
    list_stack: list[int] = []
    list_depth = 0
    list_marker = ""
    range_start = -1
    range_end = -1
    sec_type = ""
    sec_start = -1
    sec_end = -1

    def close_range() -> None:
        nonlocal range_start
        if range_start != -1:
            ranges.append((range_start, range_end))
            range_start = -1

    def section(kind: str, start: int, end: int, mode: str) -> None:
        """Record a top-level block: ``new`` starts one, ``merge`` extends a block of the
        same mergeable kind or starts one, ``extend`` grows the current block."""
        nonlocal sec_type, sec_start, sec_end
        if sec_start != -1 and (
            mode == "extend" or (mode == "merge" and kind == sec_type and kind in _MERGEABLE)
        ):
            sec_end = end
            return
        if sec_start != -1:
            sections.append(_new(Section, (sec_type, _new(Span, (sec_start, sec_end)))))
        sec_type, sec_start, sec_end = kind, start, end

    prev_depth = 0
    if "\r" in text:
        text_len = len(text)
        lines = []
        for i in range(first, n_lines):
            ls = line_starts[i]
            le = line_starts[i + 1] if i + 1 < n_lines else text_len
            if le > ls and text[le - 1] == "\n":
                le -= 1
            if le > ls and text[le - 1] == "\r":
                le -= 1
            lines.append(text[ls:le])
    elif lines is not None:
        lines = lines[first:]
    else:
        lines = text[line_starts[first] :].split("\n")  # one piece per line, in C
    # the opaque lines by their start offsets: the loop knows a line by where it starts
    opaque_at = None if opaque is None else frozenset(line_starts[i] for i in opaque if i < n_lines)
    for ls, line in zip(line_starts[first:], lines, strict=True):  # a line each, every way
        # a blank line (the commonest kind after text)
        if not line and not inside and (opaque_at is None or ls not in opaque_at):
            if range_start != -1:
                ranges.append((range_start, range_end))
                range_start = -1
            in_para = False
            prev_blank = True
            prev_depth = 0
            continue
        le = ls + len(line)

        if opaque_at is not None and ls in opaque_at:
            close_range()
            in_para = False
            prev_blank = False
            section("code", ls, le, "extend" if sec_type == "code" and not prev_blank else "new")
            continue

        # --- inside a multi-line construct -------------------------------------------------
        if not inside:
            pass
        elif fence is not None:
            if (
                fast
                and not fence[2]
                and not fence[3]
                and (
                    not line
                    or line[0] not in fence[4]
                    or (line[0] != fence[0] and not line.lstrip(" \t").startswith(fence[0]))
                )
            ):
                # fast path: a fence outside any quote or list, and a line that can neither
                # close it nor end its container (no fence character first, after any indent;
                # a quote marker there is code)
                sec_end = le
                continue
            depth, cstart = _quote_prefix(line)
            if depth > fence[2]:
                # quote markers past the fence's own depth are code (a fence outside any quote
                # holds '> ```' lines): its container's indent is measured up to the first
                cstart = _quote_prefix(line, fence[2])[1]
            ind, fi = _indent_of(line, cstart)
            if depth < fence[2] or (fi < len(line) and ind < fence[3]):
                fence = None  # its container ended, and so did the fence: reprocess the line
                inside = False
            else:
                s = line[fi:]
                # only a line at the fence's own quote depth closes it
                if depth == fence[2] and ind - fence[3] < 4 and s.startswith(fence[0] * fence[1]):
                    run = len(s) - len(s.lstrip(fence[0]))
                    if run >= fence[1] and not s[run:].strip():
                        fence = None
                        inside = False
                sec_end = le  # the fence's section goes on
                continue
        elif math_open:
            if "$$" in line:
                math_open = inside = False
            sec_end = le
            continue
        elif html_end:
            if html_end in (6, 7):
                if not line.strip():
                    html_end = 0
                    inside = False
                    prev_blank = True
                    prev_depth = 0
                    continue
            else:
                end = _HTML_END[html_end]
                if end is None:
                    if _HTML1_END.search(line):
                        html_end = 0
                        inside = False
                elif end in line:
                    if html_end == 2:
                        # text after a multi-line comment's ``-->`` is read as text
                        after = line.index("-->") + 3
                        if line[after:].strip():
                            ranges.append((ls + after, le))
                    html_end = 0
                    inside = False
            sec_end = le
            continue
        elif comment_open:
            if range_start == -1:
                range_start = ls
            range_end = le
            if line.count("%%") % 2 == 1:
                comment_open = inside = False
                close_range()
            _block_id(line, ls, le, ls, blocks)
            sec_end = le
            continue

        # --- a fresh line ------------------------------------------------------------------
        c0 = line[:1]
        if not fast:
            pass
        elif c0 and c0 not in _MAY_START_BLOCK:
            # fast paths for plain text at the start of a line, most lines of most notes
            if in_para and not prev_blank:  # a (lazy) continuation line of the paragraph
                range_end = sec_end = le
                prev_depth = 0
                if "^" in line:
                    _block_id(line, ls, le, para_start, blocks)
                continue
            if prev_blank:  # a new top-level paragraph after a blank line
                list_stack.clear()
                list_depth = 0
                prev_blank = False
                prev_depth = 0
                in_para = True
                para_start = range_start = ls
                range_end = le
                para_depth = 0
                para_in_list = False
                if sec_start != -1:  # section("paragraph", ls, le, "new"), inlined
                    sections.append(_new(Section, (sec_type, _new(Span, (sec_start, sec_end)))))
                sec_type, sec_start, sec_end = "paragraph", ls, le
                if "^" in line:
                    _block_id(line, ls, le, ls, blocks)
                continue
        elif (
            c0 in "-*+"
            and line[1:2] == " "
            and (
                # one space, then text (the commonest): neither a tab nor a thematic break
                ((c2 := line[2:3]) not in _BLANK_OR_END and c2 != c0)
                or (
                    line[1:].lstrip(" ")[:1] != "\t"  # a tab's width: the general path
                    and line.strip(c0 + " \t")  # not a thematic break (`- - -`)
                )
            )
        ):
            # fast path for a bullet at the start of the line: a new top-level list item
            if range_start != -1:
                ranges.append((range_start, range_end))
            list_stack.clear()
            if c2 not in _BLANK_OR_END:
                list_stack.append(2)  # its content starts after the one space
            else:
                j = 1
                n = len(line)
                while j < n and line[j] == " ":
                    j += 1
                w = j - 1
                list_stack.append(1 + (w if w <= 4 and j < n else 1))
            list_depth = 0
            new_list = c0 != list_marker
            list_marker = c0
            in_para = True
            para_start = range_start = ls
            range_end = le
            para_depth = 0
            para_in_list = True
            prev_blank = False
            prev_depth = 0
            if "^" in line:
                _block_id(line, ls, le, ls, blocks)
            if not new_list and sec_type == "list" and sec_start != -1:
                sec_end = le  # section("list", ls, le, "merge"), inlined
            else:
                if sec_start != -1:
                    sections.append(_new(Section, (sec_type, _new(Span, (sec_start, sec_end)))))
                sec_type, sec_start, sec_end = "list", ls, le
            continue
        elif c0 == "#" and (atx := atx_heading(line)) is not None:
            # fast path for an ATX heading at the start of the line (what the general path
            # below does for it: no quote, no indent, every open list item ends)
            if range_start != -1:
                ranges.append((range_start, range_end))
                range_start = -1
            if not (in_para and not prev_blank):
                list_depth = 0
            list_stack.clear()
            in_para = False
            prev_blank = False
            prev_depth = 0
            level = atx[0]
            headings.append(_new(Heading, (level, atx[1], _new(Span, (ls, le)))))
            if level < len(line):
                ranges.append((ls + level, le))
            if sec_start != -1:  # section("heading", ls, le, "new"), inlined
                sections.append(_new(Section, (sec_type, _new(Span, (sec_start, sec_end)))))
            sec_type, sec_start, sec_end = "heading", ls, le
            continue
        elif c0 == "|":
            # fast path for a table row at the start of the line: paragraph text, as in the
            # general path below (a delimiter row under a paragraph's first line makes a table)
            if in_para and not prev_blank:  # lazy: the paragraph or table goes on
                if (
                    sec_type == "paragraph"
                    and sec_start == para_start
                    and "-" in line
                    and _TABLE_DELIM.match(line)
                ):
                    sec_type = "table"
                sec_end = le
            else:
                list_stack.clear()
                list_depth = 0
                if range_start != -1:
                    ranges.append((range_start, range_end))
                in_para = True
                para_start = range_start = ls
                para_depth = 0
                para_in_list = False
                prev_blank = False
                if sec_start != -1:  # section("paragraph", ls, le, "new"), inlined
                    sections.append(_new(Section, (sec_type, _new(Span, (sec_start, sec_end)))))
                sec_type, sec_start, sec_end = "paragraph", ls, le
            if range_start == -1:
                range_start = ls
            range_end = le
            prev_depth = 0
            if "^" in line:
                _block_id(line, ls, le, para_start, blocks)
            continue
        elif (
            c0 == ">"
            and in_para
            and not prev_blank
            and para_depth == 1
            and line[1:2] == " "
            and (c2 := line[2:3])
            and c2 not in _MAY_START_BLOCK
        ):
            # fast path for a lazy continuation line of a paragraph in a one-level quote or
            # callout (``> text``, text first after one space): what the general path below
            # does for it (the quote's depth is the paragraph's; no block can start)
            prev_depth = 1
            sec_end = range_end = le
            if range_start == -1:
                range_start = ls
            if "^" in line:
                _block_id(line, ls, le, para_start, blocks)
            continue
        elif (
            c0 == " "
            and opaque is None
            and (rest := line.lstrip(" "))[:1] in _BULLETS
            and rest[1:2] == " "
            and rest[2:3] not in _BLANK_OR_END
            and rest.strip(rest[0] + " \t")  # not a thematic break (`  - - -`)
        ):
            # fast path for a bullet indented by spaces, one space after its marker (a nested
            # item, mostly): what the general path below does for it, without its tests
            ind = len(line) - len(rest)
            lazy = in_para and not prev_blank
            if list_depth and not lazy:
                list_stack.clear()
                list_depth = 0
            if list_stack and ind < list_stack[-1] and not lazy:
                while list_stack and ind < list_stack[-1]:
                    list_stack.pop()
            if ind - (list_stack[-1] if list_stack else 0) < 4:  # else: the general path
                if range_start != -1:
                    ranges.append((range_start, range_end))
                while list_stack and list_stack[-1] > ind:
                    list_stack.pop()
                list_stack.append(ind + 2)
                list_depth = 0
                marker = rest[0]
                new_list = len(list_stack) == 1 and marker != list_marker
                if len(list_stack) == 1:
                    list_marker = marker
                in_para = True
                para_start = range_start = ls
                range_end = le
                para_depth = 0
                para_in_list = True
                prev_blank = False
                prev_depth = 0
                if "^" in line:
                    _block_id(line, ls, le, ls, blocks)
                if len(list_stack) > 1 and sec_start != -1:
                    sec_end = le  # a nested item: the list goes on
                else:
                    section("list", ls, le, "new" if new_list else "merge")
                continue
        if line and line[0] not in " \t>":
            depth = ind = fi = 0  # the common case: text at the start of the line
        elif c0 == " " and (rest := line.lstrip(" ")) and rest[0] not in ">\t":
            depth = 0  # indented by spaces only, not a quote
            ind = fi = len(line) - len(rest)
        else:
            depth, cstart = _quote_prefix(line)
            ind, fi = _indent_of(line, cstart)
        if fi >= len(line):  # blank (possibly inside a quote)
            close_range()
            in_para = False
            prev_blank = True
            prev_depth = depth
            continue
        s = line[fi:] if fi else line
        c0 = s[0]
        lazy = in_para and not prev_blank
        if depth != list_depth and not lazy:
            list_stack.clear()
            list_depth = depth
        base = list_stack[-1] if list_stack else 0
        if list_stack and ind < base and not lazy:
            while list_stack and ind < list_stack[-1]:
                list_stack.pop()
            base = list_stack[-1] if list_stack else 0
        rel = ind - base
        # which top-level block this line belongs to, for ``sections``
        if depth:
            if prev_depth and sec_type in ("blockquote", "callout"):
                qkind, qmode = sec_type, "extend"
            else:
                qkind, qmode = ("callout" if s.startswith("[!") else "blockquote"), "new"
        nested = bool(list_stack) and not depth
        prev_depth = depth

        if lazy and depth > para_depth and rel >= 4:
            lazy = False  # a deeper quote interrupts the paragraph: in it, this is indented code
        if rel >= 4 and not lazy and opaque is None:
            if list_stack:
                out.hard = True
            close_range()
            in_para = False
            prev_blank = False
            if depth:
                section(qkind, ls, le, qmode)
            else:
                section(
                    "code", ls, le, "extend" if _inside_list(list_stack, ind, depth) else "merge"
                )
            continue
        # (with ``opaque`` given, mistune decided such a line is not code: it is text)
        prev_blank = False
        # A lazy line indented 4+ columns past its container starts no block (CommonMark: no
        # fence, heading, HTML block, thematic break, setext underline or list item is indented
        # that far, and indented code cannot interrupt a paragraph): it is paragraph text.
        # Inside a list, which item such an indent belongs to is mistune's to decide.
        starts = True
        if rel >= 4 and lazy and opaque is None:
            if list_stack:
                out.hard = True
            elif depth <= para_depth:
                starts = False

        if starts and c0 in "`~" and opaque is None:
            m = _FENCE.match(s)
            if m and not (c0 == "`" and "`" in m.group(2)):
                close_range()
                in_para = False
                _inside_list(list_stack, ind, depth)  # a fence ends deeper list items
                base = list_stack[-1] if list_stack else 0
                fence = (c0, len(m.group(1)), depth, base, " \t" + c0)
                inside = True
                if depth:
                    section(qkind, ls, le, qmode)
                else:
                    section(
                        "code", ls, le, "extend" if _inside_list(list_stack, ind, depth) else "new"
                    )
                continue
        if starts and c0 == "#":
            atx = atx_heading(s)
            if atx is not None:
                close_range()
                in_para = False
                headings.append(Heading(atx[0], atx[1], Span(ls, le)))
                hstart = ls + fi + atx[0]
                if hstart < le:
                    ranges.append((hstart, le))
                if depth:
                    section(qkind, ls, le, qmode)
                else:
                    section(
                        "heading",
                        ls,
                        le,
                        "extend" if _inside_list(list_stack, ind, depth) else "new",
                    )
                continue
        if c0 == "$" and s.startswith("$$"):
            close_range()
            in_para = False
            if s.find("$$", 2) == -1:
                math_open = inside = True
            if depth:
                section(qkind, ls, le, qmode)
            else:
                section("math", ls, le, "extend" if _inside_list(list_stack, ind, depth) else "new")
            continue
        if c0 == "%" and s.startswith("%%") and s.count("%%") % 2 == 1:
            close_range()
            in_para = False
            comment_open = inside = True
            range_start, range_end = ls, le
            if depth:
                section(qkind, ls, le, qmode)
            else:
                section(
                    "comment", ls, le, "extend" if _inside_list(list_stack, ind, depth) else "new"
                )
            continue
        if starts and c0 == "<" and opaque is None:
            kind = _html_block_kind(s, lazy)
            if kind == 2 and "-->" in s:
                # an HTML comment closed on its own line: Obsidian reads the rest of the line
                # as text (the inline scan skips the comment itself)
                kind = 0
            if kind:
                if kind == 7 or list_stack:
                    out.hard = True
                close_range()
                in_para = False
                end = _HTML_END.get(kind)
                if kind in (6, 7):
                    html_end = kind
                elif kind == 1:
                    if not _HTML1_END.search(s):
                        html_end = 1
                elif end is not None and end not in s[4 if kind == 2 else 2 :]:
                    html_end = kind
                inside = html_end != 0
                if depth:
                    section(qkind, ls, le, qmode)
                else:
                    section(
                        "html", ls, le, "extend" if _inside_list(list_stack, ind, depth) else "new"
                    )
                continue
        if (
            starts
            and lazy
            and c0 in "=-"
            and not para_in_list
            and para_depth == depth
            and _SETEXT.match(s)
        ):
            # a setext underline: the paragraph above it is a heading
            close_range()
            in_para = False
            headings.append(
                Heading(
                    1 if c0 == "=" else 2, _para_text(text, para_start, ls), Span(para_start, le)
                )
            )
            if not depth and sec_type == "paragraph" and sec_start == para_start:
                sec_type = "heading"
            section(qkind if depth else "heading", ls, le, "extend")
            continue
        if starts and c0 in "-*_" and not s.strip(c0 + " \t") and _THEMATIC.match(s):
            close_range()
            in_para = False
            if depth:
                section(qkind, ls, le, qmode)
            else:
                section(
                    "thematicBreak",
                    ls,
                    le,
                    "extend" if _inside_list(list_stack, ind, depth) else "new",
                )
            continue
        if starts and c0 in "-+*0123456789":
            m = _LIST.match(s)
            if m and (not lazy or m.group(1) is None or m.group(1) == "1"):
                close_range()
                after = fi + m.end()
                w, ci = _indent_of(line, after)
                content = ind + len(m.group(0)) + (w if 1 <= w <= 4 and ci < len(line) else 1)
                while list_stack and list_stack[-1] > ind:
                    list_stack.pop()
                list_stack.append(content)
                list_depth = depth
                marker = s[m.end() - 1]
                new_list = len(list_stack) == 1 and marker != list_marker
                if len(list_stack) == 1:
                    list_marker = marker
                in_para = True
                para_start = ls
                para_depth = depth
                para_in_list = True
                range_start, range_end = ls, le
                _block_id(line, ls, le, ls, blocks)
                if depth:
                    section(qkind, ls, le, qmode)
                elif len(list_stack) > 1 and sec_start != -1:
                    sec_end = le  # a nested item: the list goes on
                else:
                    section("list", ls, le, "new" if new_list else "merge")
                continue
        # paragraph text, a table row, or a lazy continuation line
        if lazy:
            if (
                starts
                and not depth
                and sec_type == "paragraph"
                and sec_start == para_start
                and "-" in s
                and _TABLE_DELIM.match(s)
            ):
                sec_type = "table"
            sec_end = le
        else:
            close_range()
            in_para = True
            para_start = ls
            para_depth = depth
            para_in_list = bool(list_stack)
            range_start = ls
            if depth:
                section(qkind, ls, le, qmode)
            elif nested:
                section("list", ls, le, "extend")
            else:
                section("paragraph", ls, le, "new")
        if range_start == -1:
            range_start = ls
        range_end = le
        _block_id(line, ls, le, para_start, blocks)

    close_range()
    if sec_start != -1:
        sections.append(Section(sec_type, Span(sec_start, sec_end)))
    return out


def _inside_list(list_stack: list[int], ind: int, depth: int) -> bool:
    """Close the list items a block starting at indent ``ind`` ends; is it still inside one?"""
    while list_stack and ind < list_stack[-1]:
        list_stack.pop()
    return bool(list_stack) and not depth


def _para_text(text: str, start: int, end: int) -> str:
    """A setext heading's text: its lines without quote prefixes, joined by single spaces."""
    parts = []
    for raw in text[start:end].splitlines():
        parts.append(raw[_quote_prefix(raw)[1] :].strip())
    return " ".join(p for p in parts if p)


def _block_id(line: str, ls: int, le: int, block_start: int, blocks: list[Block]) -> None:
    if "^" not in line:
        return
    m = _BLOCK_ID.search(line)
    if m is None:
        return
    if m.start() == 0 or line[: m.start()].strip() in ("", ">"):
        # a line holding only the id names the block above it (S08); keep its own span
        block_start = ls
    blocks.append(
        Block(m.group(1), Span(block_start, le), Span(ls + m.start(1) - 1, ls + m.end(1)))
    )
