"""A diagnostic keeps its span and the note's line table; positions are derived from them."""

from __future__ import annotations

import pickle

from vaultlint.checks.base import CheckContext
from vaultlint.diagnostic import Diagnostic, LineTable
from vaultlint.model import Span
from vaultlint.parse import parse_note

TEXT = "---\ntitle: x\n---\n# Héllo 🚀 wörld\nA 🚀🚀 [[Missing]] link\r\nlast"


def _ctx() -> CheckContext:
    return CheckContext(
        index=None,  # type: ignore[arg-type]
        rule_id="broken-link",
        check_name="links",
        severity="error",
        options=None,
    )


def _at(text: str, needle: str) -> Diagnostic:
    note = parse_note("Note.md", text)
    start = text.index(needle)
    return _ctx().diagnostic(note, Span(start, start + len(needle)), "link target missing")


def test_the_span_is_kept_and_positions_are_code_points() -> None:
    diag = _at(TEXT, "[[Missing]]")
    assert diag.span == Span(TEXT.index("[["), TEXT.index("]]") + 2)
    assert diag.snippet == "[[Missing]]"
    # line 5 is "A 🚀🚀 [[Missing]] link": the rocket is one code point
    assert (diag.line, diag.column, diag.end_line, diag.end_column) == (5, 6, 5, 17)
    assert diag.to_json()["column"] == 6


def test_lsp_range_counts_utf16_code_units() -> None:
    diag = _at(TEXT, "[[Missing]]")
    # 0-based; each rocket is two UTF-16 units, so the link starts at 7, not 5
    assert diag.lsp_range() == ((4, 7), (4, 18))
    head = _at(TEXT, "wörld")
    assert head.lsp_range() == ((3, 11), (3, 16))
    assert (head.line, head.column) == (4, 11)


def test_crlf_lines_and_the_last_line() -> None:
    diag = _at(TEXT, "last")
    assert (diag.line, diag.column, diag.end_column) == (6, 1, 5)
    assert diag.lsp_range() == ((5, 0), (5, 4))


def test_a_reversed_span_is_empty_at_its_start() -> None:
    note = parse_note("Note.md", "abc\n")
    diag = _ctx().diagnostic(note, Span(2, 1), "m")
    assert diag.span == Span(2, 2)
    assert (diag.line, diag.column, diag.end_line, diag.end_column) == (1, 3, 1, 3)


def test_order_is_path_line_column_rule() -> None:
    note = parse_note("B.md", "one\ntwo [[x]]\n")
    ctx = _ctx()
    late = ctx.diagnostic(note, Span(8, 13), "m")
    early = ctx.diagnostic(note, Span(0, 3), "m")
    other = CheckContext(None, "a-rule", "tags", "info", None).diagnostic(  # type: ignore[arg-type]
        note, Span(8, 9), "m"
    )
    a_note = parse_note("A.md", "zzz\n" * 5)
    first = ctx.diagnostic(a_note, Span(12, 13), "m")
    assert sorted([late, early, other, first]) == [first, early, other, late]
    assert [(d.path, d.line, d.column, d.rule) for d in sorted([late, other])] == [
        ("B.md", 2, 5, "a-rule"),
        ("B.md", 2, 5, "broken-link"),
    ]


def test_diagnostics_of_a_note_share_one_line_table_and_pickle() -> None:
    note = parse_note("N.md", "x 🚀 [[a]] [[b]]\n")
    ctx = _ctx()
    one, two = ctx.diagnostic(note, Span(4, 9), "a"), ctx.diagnostic(note, Span(10, 15), "b")
    assert one.lines is two.lines
    assert one.lines == LineTable((0, 16), (2,))
    back = pickle.loads(pickle.dumps([one, two]))
    assert back[0].lines is back[1].lines
    assert [(d.span, d.message, d.lsp_range()) for d in back] == [
        (Span(4, 9), "a", ((0, 5), (0, 10))),
        (Span(10, 15), "b", ((0, 11), (0, 16))),
    ]


def test_line_table_records_exactly_the_characters_outside_the_bmp() -> None:
    # non-ASCII inside the BMP (é, ö, a CJK character, U+FFFF, a lone surrogate as a
    # surrogateescape-decoded note has) is one UTF-16 unit: nothing recorded
    bmp = "é ö 漢 \uffff \udcff\n"
    assert LineTable.of(bmp, (0, len(bmp))) == LineTable((0, len(bmp)), ())
    astral = "a 🚀 é \U00010000 \U0010ffff\n"
    assert LineTable.of(astral, (0, len(astral))).astral == (2, 6, 8)
    assert LineTable.of("", (0,)) == LineTable((0,), ())
