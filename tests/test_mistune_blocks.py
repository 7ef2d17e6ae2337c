"""Tests of vaultlint.parse.mistune_blocks: block structure with line numbers from mistune.

These double as the correctness harness for the position hooks on mistune's internals: the
tables below pin the *exact* structures of tricky documents, so a mistune upgrade that changes a
hook (or mistune's behaviour) fails here loudly. ``MISTUNE_QUIRKS`` pins the places where mistune
3.1 differs from CommonMark / Obsidian, each with the CommonMark answer in a comment: a change
there means re-reading the report in the module docstring, not just updating a number.

To check a new tricky document by hand::

    PYTHONPATH=src python -c "from vaultlint.parse.mistune_blocks import block_structure as b; \\
        print(b(open('note.md').read(), containers=True))"
"""

from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path
from typing import Any

import pytest

mistune = pytest.importorskip("mistune")

from tests.conftest import DATA  # noqa: E402
from vaultlint.parse import mistune_blocks as mb  # noqa: E402
from vaultlint.parse.mistune_blocks import (  # noqa: E402
    BlockInfo,
    MistuneUnavailable,
    block_structure,
    opaque_lines,
)

VAULTS = DATA / "vaults"
FIXTURES = DATA / "obsidian" / "fixtures"

Expected = list[tuple[str, int, int]]


def structure(text: str, containers: bool = False) -> Expected:
    return [
        (b.kind, b.first_line, b.last_line) for b in block_structure(text, containers=containers)
    ]


# --------------------------------------------------------------------------------------------
# Leaf blocks: text -> [(kind, first_line, last_line)], CommonMark answers (checked by hand).
# --------------------------------------------------------------------------------------------
CASES: dict[str, tuple[str, Expected]] = {
    # ATX and setext headings
    "atx": (
        "# H1\n## H2 ##\n###### H6\n####### seven\n#tag\n   # three spaces\n#\n",
        [
            ("heading", 0, 0),
            ("heading", 1, 1),
            ("heading", 2, 2),
            ("paragraph", 3, 4),
            ("heading", 5, 5),
            ("heading", 6, 6),
        ],
    ),
    "atx_four_spaces_is_code": ("    # not a heading\n", [("code", 0, 0)]),
    "setext": ("Title\n=====\n\nSub\ntwo lines\n---\n", [("heading", 0, 1), ("heading", 3, 5)]),
    "setext_single_dash": ("para\n-\n", [("heading", 0, 1)]),
    "setext_not_after_blank": ("a\n\n---\n", [("paragraph", 0, 0), ("thematic", 2, 2)]),
    "heading_in_quote": (
        "> # Quoted\n> text\n>\n> Setext in quote\n> ---\n",
        [("heading", 0, 0), ("paragraph", 1, 1), ("heading", 3, 4)],
    ),
    "callout": (
        "> [!note] Title\n> ## Inner\n> body [[x]]\n",
        [("paragraph", 0, 0), ("heading", 1, 1), ("paragraph", 2, 2)],
    ),
    "heading_in_list": ("- # Item heading\n  text\n", [("heading", 0, 0), ("paragraph", 1, 1)]),
    # fenced code
    "fence": ("```\ncode [[x]]\n```\nafter\n", [("code", 0, 2), ("paragraph", 3, 3)]),
    "tilde_info": ("~~~py\nx\n~~~\n", [("code", 0, 2)]),
    "longer_closer": ("```\na\n````\nb\n", [("code", 0, 2), ("paragraph", 3, 3)]),
    "shorter_closer_does_not_close": (
        "````\na\n```\nb\n````\nc\n",
        [("code", 0, 4), ("paragraph", 5, 5)],
    ),
    "closer_with_info_does_not_close": ("```\na\n``` x\n```\n", [("code", 0, 3)]),
    "unclosed_to_eof": ("text\n\n```\na\n\nb\n", [("paragraph", 0, 0), ("code", 2, 5)]),
    "nested_fences": (
        "````md\n```\ninner\n```\n````\nafter\n",
        [("code", 0, 4), ("paragraph", 5, 5)],
    ),
    "tilde_holds_backticks": ("~~~\n```\n~~~\n", [("code", 0, 2)]),
    "backtick_fence_holds_tildes": ("```\n~~~\n```\nx\n", [("code", 0, 2), ("paragraph", 3, 3)]),
    "backtick_in_info_is_no_fence": ("``` a`b\ntext\n", [("paragraph", 0, 1)]),
    "fence_indented_3": ("   ```\n   a\n   ```\n", [("code", 0, 2)]),
    "fence_indented_4_is_indented_code": ("    ```\n    a\n    ```\n", [("code", 0, 2)]),
    "fence_interrupts_paragraph": ("para\n```\nx\n```\n", [("paragraph", 0, 0), ("code", 1, 3)]),
    "html_inside_fence": ("```\n<div>\n```\n", [("code", 0, 2)]),
    # indented code
    "indented_after_paragraph_is_lazy": ("para\n    lazy\n", [("paragraph", 0, 1)]),
    "indented_after_blank": (
        "para\n\n    code\n\n    more\nafter\n",
        [("paragraph", 0, 0), ("code", 2, 4), ("paragraph", 5, 5)],
    ),
    "indented_then_heading": ("    code\n  # Title\n", [("code", 0, 0), ("heading", 1, 1)]),
    "indented_then_list": ("    code\n  - item\n", [("code", 0, 0), ("paragraph", 1, 1)]),
    "tab_indented": ("\tcode\n", [("code", 0, 0)]),
    "list_continuation_not_code": (
        "- item\n\n    continuation\n",
        [("paragraph", 0, 0), ("paragraph", 2, 2)],
    ),
    "list_continuation_relative_1": (
        "  - a\n\n     code?\n",
        [("paragraph", 0, 0), ("paragraph", 2, 2)],
    ),
    "code_inside_list_item": ("- item\n\n      code\n", [("paragraph", 0, 0), ("code", 2, 2)]),
    "code_inside_ordered_item": ("1. a\n\n       code\n", [("paragraph", 0, 0), ("code", 2, 2)]),
    "list_marker_indented_4_is_code": ("    - a\n", [("code", 0, 0)]),
    "deep_list_indent_is_continuation": (
        "- a\n - b\n  - c\n   - d\n    - e\n",
        [("paragraph", 0, 0), ("paragraph", 1, 1), ("paragraph", 2, 2), ("paragraph", 3, 4)],
    ),
    # HTML blocks
    "html_div": ("<div>\n[[x]]\n</div>\n\nafter\n", [("html", 0, 2), ("paragraph", 4, 4)]),
    "html_ends_at_blank": ("<div>\ntext\n\n</div>\n", [("html", 0, 1), ("html", 3, 3)]),
    "html_uppercase": ("<DIV>\nx\n", [("html", 0, 1)]),
    "html_interrupts_paragraph": ("para\n<div>\nx\n", [("paragraph", 0, 0), ("html", 1, 2)]),
    "html_comment_block": ("<!-- c\nmulti\n-->\nafter\n", [("html", 0, 2), ("paragraph", 3, 3)]),
    "html_comment_spans_blank": ("<!--\n\n#tag\n-->\n", [("html", 0, 3)]),
    "html_comment_interrupts_paragraph": (
        "para\n<!-- x\n-->\n",
        [("paragraph", 0, 0), ("html", 1, 2)],
    ),
    "inline_comment_is_paragraph": ("text <!-- inline -->\n", [("paragraph", 0, 0)]),
    "inline_tag_line_is_paragraph": ("<span>x</span>\n", [("paragraph", 0, 0)]),
    "type7_tag_alone": ("<span>\nx\n", [("html", 0, 1)]),
    "type7_cannot_interrupt_paragraph": ("para\n<span>\n", [("paragraph", 0, 1)]),
    "pre_spans_blank_lines": (
        "<pre>\n\na\n</pre>\nafter\n",
        [("html", 0, 3), ("paragraph", 4, 4)],
    ),
    "script_spans_blank_lines": ("<script>\n[[x]]\n\n</script>\n", [("html", 0, 3)]),
    "processing_instruction": ("<?xml\n?>\n", [("html", 0, 1)]),
    "doctype": ("<!DOCTYPE html>\nx\n", [("html", 0, 0), ("paragraph", 1, 1)]),
    "html_then_fence": ("<div>\n```\n\n```\n", [("html", 0, 1), ("code", 3, 3)]),
    "html_in_list_item": (
        "- a\n\n  <div>\n  [[x]]\n  </div>\n",
        [("paragraph", 0, 0), ("html", 2, 4)],
    ),
    "div_ends_list_item": ("- a\n<div>\n", [("paragraph", 0, 0), ("html", 1, 1)]),
    "close_div_ends_list_item": ("- a\n</div>\nb\n", [("paragraph", 0, 0), ("html", 1, 2)]),
    "comment_ends_quote": ("> a\n<!-- c\n-->\n", [("paragraph", 0, 0), ("html", 1, 2)]),
    "close_pre_is_lazy_line": ("> a\n</pre>\n", [("paragraph", 0, 1)]),
    # containers: code in quotes and list items, nested
    "fence_in_quote_in_list": (
        "- a\n  > ```\n  > code\n  > ```\n- b\n",
        [("paragraph", 0, 0), ("code", 1, 3), ("paragraph", 4, 4)],
    ),
    "fence_in_list_in_quote": (
        "> - a\n>   ```\n>   x\n>   ```\n",
        [("paragraph", 0, 0), ("code", 1, 3)],
    ),
    "fence_in_ordered_item": (
        "1. x\n   ```\n   y\n   ```\n",
        [("paragraph", 0, 0), ("code", 1, 3)],
    ),
    "fence_closed_by_quote_end": (
        "> ```\n> a\n\n> b\n",
        [("code", 0, 1), ("paragraph", 3, 3)],
    ),
    "fence_in_quote_then_lazy_line": ("> ```\n> a\nlazy\n", [("code", 0, 1), ("paragraph", 2, 2)]),
    "fence_at_column_0_ends_item": (
        "- item\n```\ncode\n```\n",
        [("paragraph", 0, 0), ("code", 1, 3)],
    ),
    "empty_first_line_item": ("-\n  foo\n", [("paragraph", 1, 1)]),
    "empty_first_line_item_fence": ("-\n  ```\n  x\n  ```\n", [("code", 1, 3)]),
    "item_with_tabs": ("-\tfoo\n\n\tbar\n", [("paragraph", 0, 0), ("paragraph", 2, 2)]),
    "deep_mixed": (
        "- a\n  > - b\n  >   > ```\n  >   > x\n  >   > ```\n  >   after\n- c\n",
        [
            ("paragraph", 0, 0),
            ("paragraph", 1, 1),
            ("code", 2, 4),
            ("paragraph", 5, 5),
            ("paragraph", 6, 6),
        ],
    ),
    "three_quotes_deep": (
        "> > > ```\n> > > x\n> > > ```\n> > text\n",
        [("code", 0, 2), ("paragraph", 3, 3)],
    ),
    "quote_lazy_continuation": (
        "> a\nb\n\nc\n",
        [("paragraph", 0, 1), ("paragraph", 3, 3)],
    ),
    "items_separated_by_blank": (
        "- a\n\n- b\n\n  ```\n  c\n  ```\n",
        [("paragraph", 0, 0), ("paragraph", 2, 2), ("code", 4, 6)],
    ),
    "ordered_items": (
        "1. a\n2. b\n10. c\n",
        [("paragraph", 0, 0), ("paragraph", 1, 1), ("paragraph", 2, 2)],
    ),
    "ordered_not_1_cannot_interrupt": ("para\n2. item\n", [("paragraph", 0, 1)]),
    "bullet_interrupts_paragraph": ("para\n- item\n", [("paragraph", 0, 0), ("paragraph", 1, 1)]),
    # tables, thematic breaks, math, references
    "table": (
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nafter\n",
        [("table", 0, 2), ("paragraph", 4, 4)],
    ),
    "table_without_outer_pipes": ("a | b\n--|--\n1 | 2\n", [("table", 0, 2)]),
    "table_in_callout": (
        "> [!info]\n> | a | b |\n> |---|---|\n> | 1 | 2 |\n",
        [("paragraph", 0, 0), ("table", 1, 3)],
    ),
    "thematic": (
        "***\n---\n___\n* * *\n",
        [("thematic", 0, 0), ("thematic", 1, 1), ("thematic", 2, 2), ("thematic", 3, 3)],
    ),
    "math_block": ("$$\nx [[y]]\n$$\nafter\n", [("math", 0, 2), ("paragraph", 3, 3)]),
    "math_with_blank_line": ("$$\na\n\nb\n$$\n", [("math", 0, 4)]),
    "math_interrupts_paragraph": ("text\n$$\nx\n$$\n", [("paragraph", 0, 0), ("math", 1, 3)]),
    "math_in_quote": ("> $$\n> a\n> $$\n", [("math", 0, 2)]),
    "math_in_list": ("- a\n\n  $$\n  x\n  $$\n", [("paragraph", 0, 0), ("math", 2, 4)]),
    "fence_inside_math": ("$$\n```\n$$\n", [("math", 0, 2)]),
    "math_inside_fence": ("```\n$$\n```\n$$\n", [("code", 0, 2), ("paragraph", 3, 3)]),
    "reference_definition_is_no_block": ("[ref]: /url\npara\n", [("paragraph", 1, 1)]),
    # odd characters that are no line ends for the scanner
    "unicode_line_separator": ("line\u2028two\n", [("paragraph", 0, 0)]),
    "form_feed": ("x\x0cy\n", [("paragraph", 0, 0)]),
    "bom": ("\ufeff# BOM\n", [("heading", 0, 0)]),
    "empty": ("", []),
    "blank_only": ("\n \n\t\n", []),
    "no_final_newline": ("# A\n```\nx", [("heading", 0, 0), ("code", 1, 2)]),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_cases(name: str, newline: str) -> None:
    text, expected = CASES[name]
    assert structure(text.replace("\n", newline)) == expected


# --------------------------------------------------------------------------------------------
# mistune 3.1 behaviour that differs from CommonMark or Obsidian, pinned so a change is noticed.
# --------------------------------------------------------------------------------------------
MISTUNE_QUIRKS: dict[str, tuple[str, Expected]] = {
    # List items take any following unindented line as a lazy continuation, even when the item
    # does not end in a paragraph. CommonMark: code 1-1, paragraph 2, code 3-4 (to EOF).
    "lazy_line_after_fence_in_item": (
        "- item\n  ```\ncode\n  ```\nafter\n",
        [("paragraph", 0, 0), ("code", 1, 3), ("paragraph", 4, 4)],
    ),
    # CommonMark: code 0-0 (closed by the item's end), paragraph 1.
    "unclosed_fence_in_item_takes_next_line": ("- ```\ntext\n", [("code", 0, 1)]),
    # A setext underline taken as a lazy line. CommonMark: paragraph 0-1 (lazy text).
    "lazy_setext_in_quote": ("> quote\n===\n", [("heading", 0, 1)]),
    "lazy_setext_in_item": ("2) two\n===\n", [("heading", 0, 1)]),
    # Obsidian comments are unknown to mistune: Obsidian makes one "comment" section of 0-2.
    "obsidian_comment_block": (
        "%%\n# x\n%%\n",
        [("paragraph", 0, 0), ("heading", 1, 1), ("paragraph", 2, 2)],
    ),
    # $$ math: the closing $$ must start its line, and must be alone; one-line $$x$$ is text.
    "math_closer_indented": ("$$\nx\n  $$\n", [("paragraph", 0, 2)]),
    "math_on_text_lines": ("$$x\ny$$\n", [("paragraph", 0, 1)]),
    # GFM goes on with table rows until a blank line; mistune wants a | on each row.
    "table_row_without_pipe": ("| a |\n|---|\nrow\n", [("table", 0, 1), ("paragraph", 2, 2)]),
}


@pytest.mark.parametrize("name", list(MISTUNE_QUIRKS))
def test_mistune_quirks(name: str) -> None:
    text, expected = MISTUNE_QUIRKS[name]
    assert structure(text) == expected


# --------------------------------------------------------------------------------------------
# Details: containers, heading fields, opaque lines
# --------------------------------------------------------------------------------------------
def test_containers_listed_before_their_content() -> None:
    text = "- a\n  > ```\n  > code\n  > ```\n- b\n\n> q\n"
    assert structure(text, containers=True) == [
        ("list", 0, 4),
        ("item", 0, 3),
        ("paragraph", 0, 0),
        ("quote", 1, 3),
        ("code", 1, 3),
        ("item", 4, 4),
        ("paragraph", 4, 4),
        ("quote", 6, 6),
        ("paragraph", 6, 6),
    ]


def test_container_ended_by_a_block_keeps_document_order() -> None:
    # mistune emits the quote after the fence that ended it (prepend_token)
    text = "> a\n```\nx\n```\n"
    assert structure(text, containers=True) == [
        ("quote", 0, 0),
        ("paragraph", 0, 0),
        ("code", 1, 3),
    ]


def test_quote_end_never_glued_to_paragraph_above() -> None:
    # mistune 3.1 alone glues the `1.` / `2. x` line to `para`, above the quote
    assert structure("para\n> a\n   1.\n", containers=True) == [
        ("paragraph", 0, 0),
        ("quote", 1, 1),
        ("paragraph", 1, 1),
        ("list", 2, 2),
        ("item", 2, 2),
    ]
    assert structure("para\n> a\n2. x\n") == [
        ("paragraph", 0, 0),
        ("paragraph", 1, 1),
        ("paragraph", 2, 2),
    ]


def test_heading_fields() -> None:
    blocks = block_structure(
        "# One #\n## Two ##  \n### Three \\###\n####\nSet\next\n===\n> ## Quoted ##\n- # In item\n"
    )
    headings = [(b.level, b.text, b.first_line, b.last_line) for b in blocks]
    assert headings == [
        (1, "One", 0, 0),
        (2, "Two", 1, 1),
        (3, "Three \\###", 2, 2),
        (4, "", 3, 3),
        (1, "Set\next", 4, 6),
        (2, "Quoted", 7, 7),
        (1, "In item", 8, 8),
    ]


def test_code_fields() -> None:
    blocks = block_structure("```\nx\n```\n\n    y\n")
    assert [(b.kind, b.fenced) for b in blocks] == [("code", True), ("code", False)]
    assert blocks[0] == BlockInfo("code", 0, 2, fenced=True)


def test_opaque_lines() -> None:
    text = (
        "# T [[a]]\n"  # 0
        "```\n"  # 1
        "[[b]]\n"  # 2
        "```\n"  # 3
        "\n"  # 4
        "    [[c]]\n"  # 5
        "\n"  # 6
        "<div>\n"  # 7
        "#tag\n"  # 8
        "</div>\n"  # 9
        "\n"  # 10
        "<!--\n"  # 11
        "[[d]]\n"  # 12
        "-->\n"  # 13
        "$$\n"  # 14
        "x\n"  # 15
        "$$\n"  # 16
        "- item\n"  # 17
        "\n"  # 18
        "      code in item\n"  # 19
        "> ~~~\n"  # 20
        "> q\n"  # 21
        "text\n"  # 22
    )
    assert sorted(opaque_lines(text)) == [1, 2, 3, 5, 7, 8, 9, 11, 12, 13, 14, 15, 16, 19, 20, 21]


def test_opaque_lines_line_endings() -> None:
    text = "a\n```\nb\n```\n<!--\nc\n-->\n"
    expected = frozenset({1, 2, 3, 4, 5, 6})
    for newline in ("\n", "\r\n", "\r"):
        assert opaque_lines(text.replace("\n", newline)) == expected
    # a mix of line endings in one text
    assert opaque_lines("a\r\n```\rb\n```\r\n<!--\rc\n-->") == expected


# --------------------------------------------------------------------------------------------
# Failure contract: only MistuneUnavailable, and for deep nesting
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        ">" * 5000 + " x\n",
        "> " * 3000 + "```\n",
        "- " * 3000 + "x\n",
        "1. " * 2000 + "x\n",
        "".join("  " * i + "- x\n" for i in range(600)),
        "".join("> " * i + "- x\n" for i in range(200)),
    ],
    ids=["quotes", "spaced-quotes", "bullets", "ordered", "indented-list", "quote-list-staircase"],
)
def test_deep_nesting_raises_mistune_unavailable(text: str) -> None:
    with pytest.raises(MistuneUnavailable):
        block_structure(text)
    with pytest.raises(MistuneUnavailable):
        opaque_lines(text)


def test_nesting_limit_is_exact() -> None:
    ok = ">" * mb.MAX_NESTING + " ```\n"
    assert structure(ok) == [("code", 0, 0)]
    with pytest.raises(MistuneUnavailable):
        block_structure(">" * (mb.MAX_NESTING + 1) + " x\n")


def test_recursion_error_becomes_mistune_unavailable() -> None:
    text = "> - > - > - x\n" * 3

    def at_depth(n: int) -> object:
        return block_structure(text) if n == 0 else at_depth(n - 1)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        with pytest.raises(MistuneUnavailable):
            at_depth(150)
    finally:
        sys.setrecursionlimit(limit)


def test_any_internal_error_becomes_mistune_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(mb, "_stamped_tokens", broken)
    with pytest.raises(MistuneUnavailable, match="boom"):
        block_structure("x\n")


def test_unverified_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mb.mistune, "__version__", "3.2.0")
    with pytest.raises(MistuneUnavailable, match="not verified"):
        block_structure("x\n")
    monkeypatch.setattr(mb, "mistune", None)
    with pytest.raises(MistuneUnavailable, match="not installed"):
        block_structure("x\n")


def test_installed_mistune_is_verified() -> None:
    """Fails on a mistune upgrade: re-run this file, read the quirks, then widen the range."""
    assert mb.mistune_version_ok(), (
        f"mistune {mistune.__version__} is outside the verified range {mb.MISTUNE_VERIFIED}"
    )


def test_patched_patterns_still_match_upstream() -> None:
    """The two regexes this module replaces must still be mistune's own (see _get_parser)."""
    from mistune.block_parser import BlockParser

    assert BlockParser.SPECIFICATION["indent_code"] == mb._UPSTREAM_INDENT_CODE
    assert mb._UPSTREAM_TAG_END in BlockParser.SPECIFICATION["block_html"]


# --------------------------------------------------------------------------------------------
# Hook consistency: every stamped token's content must sit on the lines it claims
# --------------------------------------------------------------------------------------------
_MARKER = re.compile(r"^[ \t>]*(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")


def _check_lines(doc: list[str], first: int, content: str, what: str) -> None:
    for i, line in enumerate(content.split("\n")):
        if line.strip():
            assert first + i < len(doc), f"{what}: content past the end"
            assert line.strip() in doc[first + i], f"{what}: {line!r} not on line {first + i}"


def assert_consistent(text: str) -> None:
    """Check the stamped token tree of `text` against the text itself (independent of what
    mistune decided): each token's own content must be found on the lines it is stamped with,
    leaves are ordered and disjoint, and each child lies within its container."""
    doc = mb._normalise(text).split("\n")
    leaves: list[tuple[int, int]] = []

    def walk(tokens: list[dict[str, Any]], lo: int, hi: int) -> None:
        for tok in tokens:
            kind = tok["type"]
            if kind == "blank_line":
                continue
            first, last = tok[mb._FIRST], tok[mb._LAST]
            what = f"{kind} {first}-{last} in {text!r}"
            assert lo <= first <= last <= hi, what
            if kind == "block_quote":
                assert ">" in doc[first], what
                walk(tok["children"], first, last)
            elif kind == "list":
                assert tok["children"][0][mb._FIRST] == first, what
                walk(tok["children"], first, last)
            elif kind == "list_item":
                assert _MARKER.match(doc[first]), what
                walk(tok["children"], first, last)
            elif kind in ("paragraph", "block_text"):
                lines = tok["text"].rstrip("\n").split("\n")
                assert len(lines) == last - first + 1, what
                _check_lines(doc, first, tok["text"], what)
            elif kind == "heading" and tok["style"] == "atx":
                assert first == last and "#" * tok["attrs"]["level"] in doc[first], what
                assert tok["text"] in doc[first], what
            elif kind == "heading":  # setext
                assert set(doc[last].strip(" \t>")) <= set("=-"), what
                _check_lines(doc, first, tok["text"], what)
            elif kind == "block_code" and tok["style"] == "fenced":
                assert tok["marker"] in doc[first], what
                _check_lines(doc, first + 1, tok["raw"], what)
                closer = doc[last].strip(" \t>-*+.)0123456789")
                if last > first and set(closer) != {tok["marker"][0]}:  # unclosed
                    content = [line for line in tok["raw"].split("\n") if line.strip()]
                    assert content and content[-1].strip() in doc[last], what
            elif kind in ("block_code", "block_html"):
                _check_lines(doc, first, tok["raw"], what)
            elif kind == "block_math":
                assert "$$" in doc[first] and "$$" in doc[last], what
                _check_lines(doc, first + 1, tok["raw"], what)
            elif kind == "table":
                assert "|" in doc[first], what
            elif kind == "thematic_break":
                assert first == last, what
            else:
                raise AssertionError(f"unexpected token {kind!r}")
            if kind not in ("block_quote", "list", "list_item"):
                leaves.append((first, last))

    walk(mb._stamped_tokens(text), 0, max(len(doc) - 1, 0))
    leaves.sort()
    for (_, last), (first, _) in itertools.pairwise(leaves):
        assert last < first, f"overlapping leaves {leaves} in {text!r}"


@pytest.mark.parametrize("name", list(CASES) + list(MISTUNE_QUIRKS))
def test_cases_consistent(name: str) -> None:
    text = {**CASES, **MISTUNE_QUIRKS}[name][0]
    if "\r" not in text:
        assert_consistent(text)


_FRAGMENTS = [
    "para text [[link]] #tag",
    "# Head",
    "## Head ##",
    "Setext",
    "===",
    "---",
    "***",
    "```",
    "````md",
    "~~~",
    "    indented",
    "\tTabbed",
    "",
    "",
    "<div>",
    "</div>",
    "<!-- c",
    "-->",
    "<span>",
    "<pre>",
    "| a | b |",
    "|---|---|",
    "$$",
    "x^2",
    "%%",
    "[ref]: /url",
    "-",
    "1.",
    "- item",
    "* star",
    "2) two",
    "> quote",
    ">",
    "> [!note] callout",
]
_PREFIXES = [
    "",
    "",
    "",
    "> ",
    "  ",
    "   ",
    "    ",
    "- ",
    "1. ",
    "> - ",
    "  > ",
    "> > ",
    ">\t",
    "-\t",
]


def _documents(seed: int, count: int) -> list[str]:
    import random

    rng = random.Random(seed)
    docs = []
    for _ in range(count):
        lines = [rng.choice(_PREFIXES) + rng.choice(_FRAGMENTS) for _ in range(rng.randint(1, 12))]
        docs.append("\n".join(lines) + rng.choice(["", "\n"]))
    return docs


@pytest.mark.parametrize("seed", range(4))
def test_generated_documents_consistent(seed: int) -> None:
    for text in _documents(seed, 500):
        assert_consistent(text)
        lf = structure(text, containers=True)
        assert structure(text.replace("\n", "\r\n"), containers=True) == lf
        assert structure(text.replace("\n", "\r"), containers=True) == lf


# --------------------------------------------------------------------------------------------
# Real vaults and Obsidian's own sections
# --------------------------------------------------------------------------------------------
def _body(text: str) -> str:
    """`text` with its frontmatter replaced by as many empty lines (line numbers kept)."""
    m = re.match(r"---\r?\n(?:.*?\r?\n)?---[ \t]*(?:\r?\n|$)", text, re.S)
    return "\n" * m.group(0).count("\n") + text[m.end() :] if m else text


def _notes() -> list[Path]:
    return sorted(VAULTS.glob("*/**/*.md"))


def test_vault_notes_never_raise_and_are_consistent() -> None:
    notes = _notes()
    assert len(notes) == 276  # the two real vaults of tests/data/vaults
    for path in notes:
        text = _body(path.read_text(encoding="utf-8"))
        block_structure(text)
        opaque_lines(text)
        assert_consistent(text)


def _fixture_cases() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


_SECTION_KINDS = {
    "blockquote": "quote",
    "callout": "quote",
    "thematicBreak": "thematic",
}


def test_top_level_blocks_match_obsidian_sections() -> None:
    """Obsidian's `sections` (top-level blocks) against ours, on every fixture. The only known
    difference: Obsidian's `%%` comment blocks, which mistune does not know."""
    import json

    mismatched = []
    for path in _fixture_cases():
        data = json.loads(path.read_text(encoding="utf-8"))
        sections = (data.get("cachedMetadata") or {}).get("sections") or []
        if any(s["type"] == "comment" for s in sections):
            continue
        expected = [
            (
                _SECTION_KINDS.get(s["type"], s["type"]),
                s["position"]["start"]["line"],
                s["position"]["end"]["line"],
            )
            for s in sections
            if s["type"] != "yaml"
        ]
        got: Expected = []
        for block in block_structure(_body(data["fileContents"]), containers=True):
            if not got or block.first_line > got[-1][2]:  # top level only
                got.append((block.kind, block.first_line, block.last_line))
        if got != expected:
            mismatched.append((path.name, expected, got))
    assert not mismatched
