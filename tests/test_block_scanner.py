"""The block scanner on lines CommonMark decides by their indent: a line indented four or more
columns past its container, right under a paragraph line, starts no block (no fence, heading,
HTML block, thematic break, setext underline, table delimiter or list item can be indented that
far, and indented code cannot interrupt a paragraph), so it is paragraph text, where links and
tags count. Each expected value was checked against markdown-it-py's CommonMark parser; mistune
agrees where the test compares with it (it reads a lazy ``    # h`` as a heading, and a lazy
``    ---`` as a setext underline: quirks of mistune, not of Obsidian's CommonMark)."""

from __future__ import annotations

import pytest

from vaultlint.model import Heading, Span
from vaultlint.parse import line_starts_of, parse_text
from vaultlint.parse.markdown import scan_blocks


def _read(text: str) -> tuple[list[str], tuple[Heading, ...], list[str]]:
    note = parse_text("n.md", text)
    return [link.target for link in note.links], note.headings, [s.type for s in note.sections]


@pytest.mark.parametrize("indent", ["    ", "\t", "      "])
def test_an_indented_fence_under_a_paragraph_line_is_text(indent: str) -> None:
    text = f"word\n{indent}```\ntext [[x]] #tag\n"
    note = parse_text("n.md", text)
    assert [link.target for link in note.links] == ["x"]
    assert [tag.name for tag in note.tags] == ["tag"]
    assert [s.type for s in note.sections] == ["paragraph"]
    assert note.sections[0].span == Span(0, len(text) - 1)
    mistune = parse_text("n.md", text, force_mistune=True)
    assert (mistune.links, mistune.tags) == (note.links, note.tags)


def test_the_text_goes_on_into_a_setext_heading() -> None:
    text = "word\n\t```\n===\n"
    assert _read(text) == ([], (Heading(1, "word ```", Span(0, 13)),), ["heading"])
    assert parse_text("n.md", text, force_mistune=True).headings == _read(text)[1]


@pytest.mark.parametrize(
    "line", ["    # not a heading", "    ---", "    ***", "    <div>", "    - item", "    |-|-|"]
)
def test_no_block_starts_four_columns_in_under_a_paragraph_line(line: str) -> None:
    assert _read(f"para [[a]]\n{line}\n[[b]]\n") == (["a", "b"], (), ["paragraph"])


def test_a_quote_paragraph_goes_on_lazily_past_an_indented_fence() -> None:
    assert _read("> quoted\n    ```\n> [[x]]\n") == (["x"], (), ["blockquote"])


def test_after_a_blank_line_the_indented_fence_is_code() -> None:
    text = "para\n\n    ```\n[[x]]\n"
    assert _read(text) == (["x"], (), ["paragraph", "code", "paragraph"])
    assert parse_text("n.md", text).sections[1].span == Span(6, 13)


def test_inside_a_list_mistune_decides_which_item_the_indent_belongs_to() -> None:
    text = "- a\n      ```\n[[x]]\n"
    assert scan_blocks(text, 0, line_starts_of(text)).hard is True
    assert _read(text) == (["x"], (), ["list"])


def test_three_columns_in_a_fence_still_opens() -> None:
    text = "word\n   ```\n[[x]]\n"
    assert _read(text) == ([], (), ["paragraph", "code"])


def test_a_quoted_fence_line_inside_a_fence_is_code() -> None:
    # a note that shows, in a code block, a callout holding a code block: the inner fences are
    # quoted, so they neither close the outer fence nor open one after it
    text = "```markdown\n> [!note]\n> ```js\n> [[hidden]]\n> ```\n```\n[[shown]] #t\n"
    note = parse_text("n.md", text)
    assert [link.target for link in note.links] == ["shown"]
    assert [tag.name for tag in note.tags] == ["t"]
    assert [(s.type, s.span) for s in note.sections] == [
        ("code", Span(0, 52)),
        ("paragraph", Span(53, 65)),
    ]
    mistune = parse_text("n.md", text, force_mistune=True)
    assert (mistune.links, mistune.tags) == (note.links, note.tags)


def test_a_fence_inside_a_quote_closes_at_its_own_depth() -> None:
    assert _read("> ```\n> [[in]]\n> ```\n[[out]]\n") == (["out"], (), ["blockquote", "paragraph"])
    assert _read("> ```\n> > ```\n> [[in]]\n> ```\n[[out]]\n")[0] == ["out"]


def test_a_quoted_fence_line_inside_a_list_items_fence_is_code() -> None:
    # the item's fence holds '  > ```' (indented to the item, then quoted): code, so the
    # fence goes on to its own closer and the text after the list is read
    text = "- item\n\n  ```\n  > ```\n  [[in]]\n  ```\n[[out]]\n"
    assert _read(text) == (["out"], (), ["list", "paragraph"])


def test_a_quote_at_the_margin_ends_a_list_items_fence() -> None:
    assert _read("- item\n  ```\n> [[q]]\n") == (["q"], (), ["list", "blockquote"])


def test_a_deeper_quote_under_a_paragraph_line_holds_indented_code() -> None:
    # the quote interrupts the paragraph, so '    ```' inside it is indented code (one line),
    # not a fence that hides the quote's next lines
    assert _read("para\n>     ```\n> [[x]]\n")[0] == ["x"]
    assert _read("para\n>     # h\n")[1] == ()
    mistune = parse_text("n.md", "para\n>     ```\n> [[x]]\n", force_mistune=True)
    assert [link.target for link in mistune.links] == ["x"]
