"""Block structure of a Markdown body, with 0-based line ranges, decided by mistune 3.

vaultlint's own line scanner (``parse/markdown.py``) handles most notes; for the constructs a
linear scan cannot decide reliably (indented code vs. list continuation, HTML blocks, fences nested
in lists or quotes, lazy continuation lines, ...) it can ask this module instead.

mistune 3 has no position API, so this module stamps positions on its tokens. **Every
mistune-version-dependent hook lives in this file**, and ``tests/test_mistune_blocks.py`` pins the
exact results on a set of tricky documents, so an upgrade that breaks a hook fails loudly.

How the hook works
------------------
Every block rule runs through ``BlockParser.parse_method(m, state)``, where ``m`` is a regex match
on ``state.src`` and ``m.start()`` is the start of the block. ``_PositionedBlockParser`` overrides
it: it runs the rule, then stamps each leaf token the rule produced with the lines from
``m.start()`` to the position the rule returned (the last non-blank line of that span).
Paragraphs, which the parser adds outside ``parse_method``, are stamped by
``_PositionedState.add_paragraph`` / ``append_paragraph``; a setext underline extends the
paragraph it turns into a heading. Containers (block quotes, list items) parse a child
``BlockState`` whose source has exactly one line per source line of the container (prefixes
stripped); ``_PositionedState.child_state`` gives that child the document line of its first line
(the quote's first line; the list item's marker line, or the next line when nothing follows the
marker), so positions compose through any nesting. A token left without a position, or a child
state created by an unknown rule, raises ``MistuneUnavailable`` instead of giving wrong lines.

Three corrections of mistune 3.1 ride on the same hooks (each pinned by a test):

* ``indent_code`` no longer swallows the indentation of the next non-code line (a line
  ``    code`` followed by ``  # Title`` lost the heading);
* ``<div>`` / ``</div>`` (a tag name followed by ``>``) now end a list item or a quote's lazy
  lines, as CommonMark says, like ``<div class=…>`` already did;
* while a quote or list item collects its lines, a line is never glued to the paragraph *before*
  the container (mistune's ``append_paragraph`` looked at the wrong state's last token and
  produced paragraphs spanning the container).

Known differences from CommonMark / Obsidian (pinned in ``MISTUNE_QUIRKS`` of the tests)
-------------------------------------------------------------------------------------
* A list item takes any following unindented line as a lazy continuation, even when the item
  does not end in a paragraph: an item holding an indented fence whose content lines are not
  indented is one closed fence here; CommonMark ends the item at the first unindented line, and
  the indented closing fence then opens a new fence running to the end of the note.
  Likewise a setext underline can be a lazy line of a quote or list item.
* ``%%`` comments are unknown: their content is parsed as Markdown (Obsidian makes one
  ``comment`` section of a ``%%`` block, whatever it holds).
* ``$$`` math blocks need ``$$`` alone on the opening line and at column 0, alone, on the
  closing line; ``$$x$$`` and ``$$ a`` … ``b $$`` stay paragraphs. Blank lines may sit inside.
* GFM table rows must hold a ``|`` (GFM goes on to the next blank line).

Failure contract
----------------
``block_structure`` and ``opaque_lines`` raise ``MistuneUnavailable`` (and nothing else) when
mistune is missing or of an unverified version, when the containers nest deeper than
``MAX_NESTING`` (mistune silently stops recognising nested containers past its own limit), on
``RecursionError``, and on any other exception inside mistune. The caller then falls back to its
own scanner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

try:  # mistune is optional: without it, the caller uses its own scanner
    import mistune
    from mistune.block_parser import BlockParser as _MistuneBlockParser
    from mistune.core import BlockState as _MistuneBlockState
    from mistune.plugins.math import math as _math_plugin
    from mistune.plugins.math import math_in_list as _math_in_list
    from mistune.plugins.math import math_in_quote as _math_in_quote
    from mistune.plugins.table import table as _table_plugin
    from mistune.plugins.table import table_in_list as _table_in_list
    from mistune.plugins.table import table_in_quote as _table_in_quote
except ImportError:  # pragma: no cover - exercised only without mistune
    mistune = None
    _MistuneBlockParser = object  # type: ignore[assignment,misc]
    _MistuneBlockState = object  # type: ignore[assignment,misc]

__all__ = [
    "MAX_NESTING",
    "MISTUNE_VERIFIED",
    "BlockInfo",
    "MistuneUnavailable",
    "block_structure",
    "mistune_version_ok",
    "opaque_lines",
]

#: mistune versions the hooks below were verified against: ``>= 3.1.0, < 3.2`` (checked on 3.1.4).
#: Other versions make ``block_structure`` raise ``MistuneUnavailable``.
MISTUNE_VERIFIED: tuple[tuple[int, int], tuple[int, int]] = ((3, 1), (3, 2))

#: Deepest nesting of containers (block quotes, list items) handed to mistune. Deeper documents
#: raise ``MistuneUnavailable``: mistune would silently stop recognising containers (its own
#: limit) and recursion would grow.
MAX_NESTING = 32

_BLANK = " \t\n\r\v\f"
_LEAF_KINDS = {
    "heading": "heading",
    "block_code": "code",
    "block_html": "html",
    "paragraph": "paragraph",
    "block_text": "paragraph",  # a paragraph of a tight list item
    "thematic_break": "thematic",
    "table": "table",
    "block_math": "math",
}
_CONTAINERS = ("block_quote", "list")
_LIST_MARKER = re.compile(r" {0,3}(?:[*+-]|\d{1,9}[.)])([^\n]*)")  # and what follows it
_OPAQUE_KINDS = frozenset({"code", "html", "math"})
_FIRST, _LAST = "_vl_first", "_vl_last"  # keys of the position stamps put on mistune's tokens


class MistuneUnavailable(Exception):
    """mistune cannot give a trustworthy block structure for this text: it is not installed, its
    version is not verified, the text nests containers deeper than ``MAX_NESTING``, or mistune
    failed (``RecursionError`` included). Fall back to the line scanner."""


class _HookBroken(Exception):
    """A position hook met something it does not know (likely a mistune upgrade)."""


@dataclass(frozen=True, slots=True)
class BlockInfo:
    """One block of the text, with an inclusive 0-based line range.

    ``kind`` is one of ``heading``, ``code`` (fenced or indented; ``fenced`` tells which),
    ``html``, ``paragraph``, ``thematic``, ``table``, ``math`` (``$$`` block); with
    ``containers=True`` also ``quote``, ``list`` and ``item`` (a list item). ``last_line`` is the
    block's last line with content: blank lines (also those blank once the ``>`` of a quote is
    removed) are never a block's last line, so an unclosed fence ends at the last non-blank line
    of its container, and a quote's trailing ``>`` lines are left out.
    """

    kind: str
    first_line: int
    last_line: int
    level: int = 0  # headings: 1..6
    text: str = ""  # headings: raw inline text (ATX: no #'s; setext: lines stripped, "\n"-joined)
    fenced: bool = False


def mistune_version_ok() -> bool:
    """True when mistune is installed in a version this module was verified with."""
    if mistune is None:
        return False
    try:
        major, minor = (int(p) for p in str(mistune.__version__).split(".")[:2])
    except ValueError:
        return False
    low, high = MISTUNE_VERIFIED
    return low <= (major, minor) < high


class _PositionedState(_MistuneBlockState):  # type: ignore[misc,valid-type]
    """A BlockState that knows the document line of its line 0 and stamps paragraphs."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.base_line = 0  # document line of this state's line 0
        self.nesting = 0 if parent is None else parent.nesting + 1
        self.frames: list[_Frame | None] = []  # parse_method calls running on this state
        self._count_pos = 0  # line_at() cache: a position and the newlines before it
        self._count_lines = 0

    # -- positions -------------------------------------------------------------------------
    def line_at(self, pos: int) -> int:
        """Document line of offset ``pos`` of ``self.src`` (incremental, usually O(distance))."""
        pos = min(pos, len(self.src))
        if pos >= self._count_pos:
            self._count_lines += self.src.count("\n", self._count_pos, pos)
        else:
            self._count_lines -= self.src.count("\n", pos, self._count_pos)
        self._count_pos = pos
        return self.base_line + self._count_lines

    def last_line_of(self, start: int, end: int) -> int:
        """Document line of the last non-blank character in ``src[start:end]``."""
        kept = len(self.src[start:end].rstrip(_BLANK))
        return self.line_at(start + kept - 1 if kept else start)

    def stamp(self, token: dict[str, Any], start: int, end: int) -> None:
        token[_FIRST] = first = self.line_at(start)
        kept = len(self.src[start:end].rstrip(_BLANK))
        token[_LAST] = first + self.src.count("\n", start, start + kept - 1) if kept > 1 else first

    def extend(self, token: dict[str, Any], start: int, end: int) -> None:
        """Add ``src[start:end]`` to a stamped paragraph (or its setext underline)."""
        first = self.line_at(start)
        if first > token[_LAST] + 1:
            raise _HookBroken("a paragraph extended past another block")
        token[_LAST] = max(token[_LAST], self.last_line_of(start, end))

    # -- mistune hooks ---------------------------------------------------------------------
    def depth(self) -> int:
        return self.nesting

    def child_state(self, src: str) -> _PositionedState:
        if self.nesting + 1 > MAX_NESTING:
            raise MistuneUnavailable(f"containers nested deeper than {MAX_NESTING}")
        frame = self.frames[-1] if self.frames else None
        if frame is None:  # only block quotes and lists are known to create child states
            raise _HookBroken("child state created outside a block quote or list rule")
        child = super().child_state(src)
        if frame.rule == "block_quote":
            # one child line per quote line, from the line of the first '>'
            first = self.line_at(frame.start)
            child.base_line = first
        else:
            # list item: starts on its marker line; mistune drops that line from the child
            # when nothing follows the marker. After an item is split off, state.cursor is just
            # past the next item's marker line (mistune sets it to m.end() + 1).
            first = self.line_at(frame.next_item)
            line_start = self.src.rfind("\n", 0, frame.next_item) + 1
            marker = _LIST_MARKER.match(self.src, line_start)
            if marker is None:
                raise _HookBroken("list item without a marker on its first line")
            child.base_line = first + (0 if marker.group(1).strip() else 1)
            frame.next_item = max(self.cursor - 1, 0)
        frame.children.append((first, child))
        return child

    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        start = self.cursor
        super().add_paragraph(text)
        if last is not None and last is self.tokens[-1]:  # merged into the last paragraph
            self.extend(last, start, start + len(text))
        else:
            self.stamp(self.tokens[-1], start, start + len(text))

    def append_paragraph(self) -> int | None:
        # While a block quote or list item collects its lines (cursor past the container's
        # first line), the last token of this state is the block *before* the container:
        # mistune would glue the line to that paragraph, above the container. Say "no
        # paragraph" instead, so the line starts its own block after the container.
        for frame in self.frames:
            if frame is not None and self.cursor > frame.start:
                return None
        last = self.last_token()
        start = self.cursor
        end = super().append_paragraph()
        if end:
            self.extend(last, start, end)
        return end


class _Frame:
    __slots__ = ("children", "next_item", "rule", "start")

    def __init__(self, rule: str, start: int) -> None:
        self.rule = rule
        self.start = start
        self.next_item = start  # lists: offset on the marker line of the next item
        self.children: list[tuple[int, _PositionedState]] = []


class _PositionedBlockParser(_MistuneBlockParser):  # type: ignore[misc,valid-type]
    """mistune's BlockParser, stamping each token with its document lines."""

    state_cls = _PositionedState

    def parse_method(self, m: Any, state: _PositionedState) -> int | None:
        rule = m.lastgroup
        if rule == "blank_line":  # the commonest rule: its tokens need no position
            state.frames.append(None)
            try:
                return super().parse_method(m, state)
            finally:
                state.frames.pop()
        start = m.start()
        frame = _Frame(rule, start) if rule in _CONTAINERS else None
        tokens = state.tokens
        first_new = len(tokens) - 1 if tokens else 0  # a container may go before the last token
        last = tokens[-1] if tokens else None
        last_type = last["type"] if last is not None else None
        state.frames.append(frame)
        try:
            end = super().parse_method(m, state)
        finally:
            state.frames.pop()
        if not end:
            return end
        if last_type == "paragraph" and last["type"] == "heading":  # setext underline
            state.extend(last, start, end)
        for token in tokens[first_new:]:
            kind = token["type"]
            if _FIRST in token or kind == "blank_line":
                continue
            if kind in _LEAF_KINDS:
                state.stamp(token, start, end)
            elif frame is None or kind not in _CONTAINERS:
                raise _HookBroken(f"unexpected token {kind!r} from rule {rule!r}")
            else:
                children = {id(child.tokens): (first, child) for first, child in frame.children}
                if kind == "block_quote":
                    _stamp_container(token, token["children"], children, rule)
                else:
                    for item in token["children"]:
                        _stamp_container(item, item["children"], children, rule)
                    token[_FIRST] = token["children"][0][_FIRST]
                    token[_LAST] = max(item[_LAST] for item in token["children"])
        return end


def _stamp_container(
    token: dict[str, Any],
    child_tokens: list[Any],
    children: dict[int, tuple[int, _PositionedState]],
    rule: str,
) -> None:
    try:
        first, child = children[id(child_tokens)]
    except KeyError:
        raise _HookBroken(f"container {token['type']!r} without a child state ({rule})") from None
    token[_FIRST] = first
    has_text = child.src.strip(_BLANK)  # an empty item's child may start past its only line
    token[_LAST] = max(first, child.last_line_of(0, len(child.src))) if has_text else first


_UPSTREAM_INDENT_CODE = r"^(?: {4}| *\t)[^\n]+(?:\n+|$)((?:(?: {4}| *\t)[^\n]+(?:\n+|$))|\s)*"
_INDENT_CODE = r"^(?: {4}| *\t)[^\n]+(?:\n+|$)(?:(?: {4}| *\t)[^\n]+(?:\n+|$)|[ \t\v\f]*\n)*"
_UPSTREAM_TAG_END = r"(?:[ \t]+|\n|$))"
_TAG_END = r"(?:[ \t]+|\n|$|(?<!</pre)(?<!</script)(?<!</style)(?<!</textarea)(?=/?>)))"
_parser: _PositionedBlockParser | None = None


def _get_parser() -> _PositionedBlockParser:
    global _parser
    if _parser is None:
        parser = _PositionedBlockParser(max_nested_level=MAX_NESTING + 2)
        # mistune 3.1's indent_code ends with `|\s)*`, which swallows the indentation of the
        # next, non-code line: `    code\n  # Title` then loses the heading (its `^` no longer
        # matches there). Accept only whole blank lines between code lines, as CommonMark does.
        if parser.specification.get("indent_code") != _UPSTREAM_INDENT_CODE:
            raise _HookBroken("mistune's indent_code pattern changed")
        parser.specification["indent_code"] = _INDENT_CODE
        # mistune 3.1's block_html (used only to end a list item or a quote's lazy lines) wants
        # a space or the line end after the tag name, so `<div>` or `</div>` did not end them.
        # CommonMark also allows `>` and `/>` there; a look-ahead keeps `m.group(0)` as before.
        # (`</pre>` & co. stay out: they only start a type-7 block, which ends no paragraph.)
        if _UPSTREAM_TAG_END not in parser.specification.get("block_html", ""):
            raise _HookBroken("mistune's block_html pattern changed")
        parser.specification["block_html"] = parser.specification["block_html"].replace(
            _UPSTREAM_TAG_END, _TAG_END, 1
        )

        class _PluginHost:  # what mistune's block plugins touch of a Markdown instance
            block = parser
            inline = type("_NoInline", (), {"register": staticmethod(lambda *a, **k: None)})()
            renderer = None

        host = _PluginHost()
        for plugin in (_table_plugin, _table_in_quote, _table_in_list):
            plugin(host)  # type: ignore[arg-type]
        for plugin in (_math_plugin, _math_in_quote, _math_in_list):
            plugin(host)  # type: ignore[arg-type]
        _parser = parser
    return _parser


def _normalise(text: str) -> str:
    if text.startswith("\ufeff"):  # a byte-order mark is no text (same line numbers)
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


def _collect(tokens: list[dict[str, Any]], containers: bool, out: list[BlockInfo]) -> None:
    for token in tokens:
        kind = token["type"]
        if kind == "blank_line":
            continue
        if _FIRST not in token:
            raise _HookBroken(f"token {kind!r} has no position")
        first, last = token[_FIRST], token[_LAST]
        if kind in ("block_quote", "list", "list_item"):
            if containers:
                name = {"block_quote": "quote", "list": "list", "list_item": "item"}[kind]
                out.append(BlockInfo(name, first, last))
            _collect(token["children"], containers, out)
        elif kind == "heading":
            text = token.get("text", "")
            if token.get("style") == "setext":
                text = "\n".join(line.strip() for line in text.strip().split("\n"))
            out.append(BlockInfo("heading", first, last, token["attrs"]["level"], text))
        elif kind == "block_code":
            fenced = token.get("style") == "fenced"
            out.append(BlockInfo("code", first, last, fenced=fenced))
        elif kind in _LEAF_KINDS:
            out.append(BlockInfo(_LEAF_KINDS[kind], first, last))
        else:
            raise _HookBroken(f"unknown token type {kind!r}")


def _stamped_tokens(text: str) -> list[dict[str, Any]]:
    """mistune's token tree for `text`, each token stamped with ``_vl_first``/``_vl_last``
    (blank lines excepted). For this module and its tests only."""
    state = _PositionedState()
    state.process(_normalise(text))
    _get_parser().parse(state)
    return state.tokens


def _parse(text: str, containers: bool) -> tuple[BlockInfo, ...]:
    out: list[BlockInfo] = []
    _collect(_stamped_tokens(text), containers, out)
    # mistune may emit a container before the block that ended it, or after; keep document
    # order, containers before what they contain
    out.sort(key=lambda b: (b.first_line, -b.last_line))
    return tuple(out)


def block_structure(text: str, *, containers: bool = False) -> tuple[BlockInfo, ...]:
    """Leaf blocks of `text` (Markdown body, frontmatter already removed), with 0-based line
    ranges, in document order, including those nested inside block quotes and list items.

    Lines are counted as the lead scanner does: ``\\n``, ``\\r\\n`` and a lone ``\\r`` each end
    a line (other characters that ``str.splitlines`` treats as breaks do not). Blank lines belong
    to no block. With ``containers=True`` the quotes, lists and list items are listed too, each
    before the blocks it contains.

    Raises ``MistuneUnavailable`` (only that) when mistune cannot be trusted for this text; see
    the module docstring.
    """
    if not mistune_version_ok():
        version = getattr(mistune, "__version__", None)
        raise MistuneUnavailable(f"mistune {version or 'not installed'} is not verified")
    try:
        return _parse(text, containers)
    except MistuneUnavailable:
        raise
    except RecursionError:
        raise MistuneUnavailable("mistune recursed too deeply") from None
    except Exception as exc:  # anything inside mistune or the hooks: let the caller fall back
        raise MistuneUnavailable(f"mistune failed: {exc!r}") from exc


def opaque_lines(text: str) -> frozenset[int]:
    """0-based lines where Obsidian recognises no links and no tags: fenced and indented code
    blocks (including their fence lines), HTML blocks (``<div>``…, ``<!-- … -->``…) and ``$$``
    math blocks. Whole lines: text after a block's end marker on its last line (``--> [[x]]``)
    is in the set too. Inline code, inline math and ``%%`` comments are not looked at. Raises
    ``MistuneUnavailable`` like ``block_structure``."""
    lines: set[int] = set()
    for block in block_structure(text):
        if block.kind in _OPAQUE_KINDS:
            lines.update(range(block.first_line, block.last_line + 1))
    return frozenset(lines)
