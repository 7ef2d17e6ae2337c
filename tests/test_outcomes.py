"""A note's outcome as its row keeps it (lint/outcomes.py): marshalled plain values, every
field read back, and anything of another shape a miss (None), never an error."""

from __future__ import annotations

import marshal
import pickle

import pytest

from vaultlint.diagnostic import Diagnostic, Edit, Fix, LineTable
from vaultlint.lint.outcomes import (
    FORMAT,
    decode_outcome,
    decode_outcomes,
    encode_outcome,
    findings_of,
)
from vaultlint.lint.store import load_outcome, outcome_of
from vaultlint.span import Span

LINES = LineTable((0, 5, 9), (7,))
OTHER = LineTable((0, 3))
FIX = Fix("do it", (Edit(1, 2, "x"), Edit(3, 3, "")), "unsafe")


def _diags() -> list[Diagnostic]:
    return [
        Diagnostic("a.md", Span(1, 3), "r", "c", "error", "m", LINES, "snip", FIX),
        Diagnostic("a.md", Span(6, 6), "r2", "c2", "warning", "m2", LINES),
        Diagnostic("a.md", Span(0, 0), "r3", "c3", "info", "é 😀", OTHER, "", Fix("f", ())),
    ]


def _fields(value: object) -> list:
    """Every field of a record or named tuple (``_fields``), nested values by their fields
    too, with their types."""
    names = getattr(type(value), "_fields", None)
    if names is not None:
        return [type(value), *(_fields(getattr(value, name)) for name in names)]
    if isinstance(value, tuple):
        return [tuple, *(_fields(v) for v in value)]
    return [type(value), value]


def _shown(d: Diagnostic) -> list:
    """Every field of a finding but its line table, and every position it gives (a row
    keeps its table's lines up to the last one its findings ask about: the positions are
    the table's meaning)."""
    fields = [_fields(getattr(d, name)) for name in Diagnostic._fields if name != "lines"]
    return [*fields, d.line, d.column, d.end_line, d.end_column, d.lsp_range()]


def test_every_field_is_read_back() -> None:
    diags = _diags()
    blob = encode_outcome((diags, ["Nowhere", "x#y"]))
    assert blob is not None
    got = decode_outcome(blob)
    assert got is not None
    assert [_shown(d) for d in got[0]] == [_shown(d) for d in diags]
    assert got[1] == ["Nowhere", "x#y"]
    assert got[0][0].lines is got[0][1].lines  # one table a note, shared by its findings
    assert (got[0][0].line, got[0][0].column, got[0][1].lsp_range()) == (1, 2, ((1, 1), (1, 1)))
    assert load_outcome(blob) == got and load_outcome(None) == ([], [])
    # the lines up to the last one asked about (offset 6, line 2 of 3), astral ones before it
    assert (got[0][0].lines.starts, got[0][0].lines.astral) == (LineTable((0, 5)).starts, ())
    assert (got[0][2].lines.starts, got[0][2].lines.astral) == (OTHER.starts[:4], ())


def test_a_kept_table_gives_every_position_the_whole_one_gives() -> None:
    """Findings anywhere in a note of 400 lines with characters outside the BMP: every
    position (code points and UTF-16) is the same from the row's shorter table."""
    text = "".join(f"line {i} {'😀' * (i % 3)} é\n" for i in range(400))
    starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")][:-1]
    lines = LineTable.of(text, starts)
    assert lines.astral
    for ends in ([(5, 9)], [(0, 0), (len(text) - 3, len(text))], [(100, 4000), (120, 130)]):
        diags = [Diagnostic("n.md", Span(a, b), "r", "c", "error", f"m{a}", lines) for a, b in ends]
        blob = encode_outcome((diags, []))
        got = decode_outcome(blob)
        assert got is not None and list(map(_shown, got[0])) == list(map(_shown, diags))
        kept = got[0][0].lines
        assert len(kept.starts) == 4 * (diags[0].lines.position(max(b for _, b in ends))[0] + 1)
    assert len(decode_outcome(encode_outcome(([diags[0]], [])))[0][0].lines.starts) < len(
        lines.starts
    )


def test_the_decoder_knows_every_field() -> None:
    """The decoder sets each field through its slot, in this order (lint/outcomes.py: _made)."""
    for cls in (Diagnostic, LineTable):
        assert cls.__slots__ == cls._fields
    assert Diagnostic.__slots__ == (
        "path",
        "span",
        "rule",
        "check",
        "severity",
        "message",
        "lines",
        "snippet",
        "fix",
    )
    assert LineTable.__slots__ == ("starts", "astral")


def test_nothing_to_keep_is_no_blob() -> None:
    assert encode_outcome(([], [])) is None
    blob = encode_outcome(([], ["Nowhere"]))
    assert decode_outcome(blob) == ([], ["Nowhere"])


def test_many_blobs_are_read_in_one_pass_as_one_by_one() -> None:
    first = encode_outcome((_diags()[:2], []))
    second = encode_outcome(([_diags()[2]], ["t"]))
    third = encode_outcome(([], ["u"]))
    got = decode_outcomes([first, None, second, third])
    alone = [decode_outcome(b) for b in (first, None, second, third)]
    assert [(list(map(_shown, o[0])), o[1]) for o in got] == [  # type: ignore[index]
        (list(map(_shown, o[0])), o[1])  # type: ignore[index]
        for o in alone
    ]
    assert got[1] == ([], [])
    found = findings_of([first, second, third])
    assert found is not None and [_shown(d) for d in found] == [_shown(d) for d in _diags()]
    assert findings_of([]) == []


def _forged(*, tables=None, found=None, unresolved=(), fmt=FORMAT) -> bytes:
    good = (LINES.starts, ())
    row = (0, "a.md", 1, 3, "r", "c", "error", "m", "", None)
    return marshal.dumps(
        (fmt, (good,) if tables is None else tables, (row,) if found is None else found, unresolved)
    )


ROW = (0, "a.md", 1, 3, "r", "c", "error", "m", "", None)
WRONG = {
    "not marshal data": b"\xff\x00garbage",
    "empty": b"",
    "a pickle of the old rows": pickle.dumps(((_diags()[0],), ())),
    "a code object": marshal.dumps(compile("print(1)", "x", "exec")),
    "a bare tuple": marshal.dumps((1, 2)),
    "another format": _forged(fmt=FORMAT + 1),
    "a format that is a bool": _forged(fmt=True),
    "a string of four": marshal.dumps("abcd"),
    "a table of 3 bytes": _forged(tables=((b"\0\0\0", ()),)),
    "an empty table": _forged(tables=((b"", ()),)),
    "starts as a tuple": _forged(tables=(((0, 5), ()),)),
    "astral of strings": _forged(tables=((LINES.starts, ("7",)),)),
    "a table of three": _forged(tables=((LINES.starts, (), 1),)),
    "an index past the tables": _forged(found=((1, *ROW[1:]),)),
    "a negative index": _forged(found=((-1, *ROW[1:]),)),
    "an index that is a bool": _forged(found=((False, *ROW[1:]),)),
    "a start that is text": _forged(found=((0, "a.md", "1", 3, *ROW[4:]),)),
    "a path that is bytes": _forged(found=((0, b"a.md", *ROW[2:]),)),
    "an unknown severity": _forged(found=((*ROW[:6], "fatal", *ROW[7:]),)),
    "a finding of nine": _forged(found=(ROW[:9],)),
    "a finding as a list": _forged(found=(list(ROW),)),
    "a fix of two": _forged(found=((*ROW[:9], ("m", ())),)),
    "a fix of another kind": _forged(found=((*ROW[:9], ("m", (), "maybe")),)),
    "an edit of text": _forged(found=((*ROW[:9], ("m", (("1", 2, "x"),), "safe")),)),
    "an unresolved target that is a number": _forged(unresolved=(1,)),
    "unresolved as a list": _forged(unresolved=["x"]),
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_a_blob_of_another_shape_is_a_miss(name: str) -> None:
    good = encode_outcome((_diags(), ["t"]))
    blob = WRONG[name]
    assert decode_outcome(blob) is None
    assert findings_of([good, blob]) is None
    got = decode_outcomes([good, blob, None])
    assert got[1:] == [None, ([], [])]
    assert got[0] is not None and [_shown(d) for d in got[0][0]] == list(map(_shown, _diags()))


def test_a_finding_points_at_its_own_notes_tables_only() -> None:
    """Blobs read together: the index of a finding's table counts in its own blob."""
    two_tables = encode_outcome((_diags(), []))  # tables 0 and 1
    one_index_too_far = _forged(found=((1, *ROW[1:]),))  # its blob has one table
    assert findings_of([two_tables, one_index_too_far]) is None
    assert decode_outcomes([two_tables, one_index_too_far])[1] is None


def test_the_row_helpers_agree() -> None:
    from vaultlint.lint.store import Row

    blob = encode_outcome((_diags(), []))
    got = outcome_of(Row((1, 2, 3), b"d", None, b"c", blob))
    assert got is not None and list(map(_shown, got[0])) == list(map(_shown, _diags()))
    assert outcome_of(Row((1, 2, 3), b"d", None, b"c", WRONG["a code object"])) is None
