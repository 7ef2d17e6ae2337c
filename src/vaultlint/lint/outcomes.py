"""How a note's outcome (its findings and its unresolved link targets) is kept in the
``result`` column of its row (:mod:`vaultlint.lint.store`), and read back.

An outcome is marshalled as plain values — tuples, strings, integers and the line tables'
``bytes`` — never pickled: :mod:`marshal` calls no constructor and runs no code when it reads,
so no class at all is named in a row, and reading is a C loop (the allow-listed unpickler
looked every class up in Python several times a row)::

    (FORMAT,
     tables,      -- the distinct line tables of its findings: (starts, astral) each
     findings,    -- (table, path, start, end, rule, check, severity, message, snippet, fix)
                  --   fix: None or (message, ((start, end, replacement), ...), applicability)
     unresolved)  -- its link targets that do not resolve, as written

A line table keeps the starts of the note's lines up to the last one its findings are on
(:func:`_prefix`: every position they ask for is the same; the results of the 10k bench
vault take 0.74 MB instead of 0.97 MB, and 1.13 MB pickled). A note without findings and
unresolved links has no blob (NULL). The blob is authenticated by the row's MAC before it is
read; :func:`decode_outcome` still checks every value's type, and anything of another shape
(another format, a pickle, a line table that is no packed array, a severity that is not one)
is None: a cache miss, never an error. :class:`Diagnostic` objects are made here, once per
finding, with the line table of each note shared by its findings.

Imports only the standard library and :mod:`vaultlint.diagnostic`: the warm path
(:mod:`vaultlint.lint.warm`) reads outcomes without importing the note model.
"""

from __future__ import annotations

import gc
import marshal
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain, repeat
from operator import add, lt
from typing import Any

from vaultlint.diagnostic import _STARTS_FORMAT, Diagnostic, Edit, Fix, LineTable
from vaultlint.span import Span

#: (a note's findings, its link targets that do not resolve, distinct, as written)
Outcome = tuple[list[Diagnostic], list[str]]

#: the first item of every blob: another layout is another number (and a miss)
FORMAT = 1
#: the marshal format (fixed: another Python writes the same layout)
_MARSHAL_VERSION = 4
_SEVERITIES = frozenset({"error", "warning", "info"})
_APPLICABILITY = frozenset({"safe", "unsafe"})
_ITEM = 4 if _STARTS_FORMAT == "I" else 8


def encode_outcome(outcome: Outcome) -> bytes | None:
    """The ``result`` blob of an outcome (see the module docstring); None when it holds no
    finding and no unresolved link."""
    diags, unresolved = outcome
    if not diags and not unresolved:
        return None
    tables: dict[tuple[bytes, tuple[int, ...]], int] = {}
    ends: list[int] = []  # the last offset a table is asked about
    found = []
    for d in diags:
        lines = d.lines
        table = (lines.starts, lines.astral)
        index = tables.get(table)
        if index is None:
            index = tables[table] = len(tables)
            ends.append(d.span.end)
        elif d.span.end > ends[index]:
            ends[index] = d.span.end
        fix = d.fix
        kept_fix = (
            None
            if fix is None
            else (
                fix.message,
                tuple((e.start, e.end, e.replacement) for e in fix.edits),
                fix.applicability,
            )
        )
        span = d.span
        found.append(
            (
                index,
                d.path,
                span.start,
                span.end,
                d.rule,
                d.check,
                d.severity,
                d.message,
                d.snippet,
                kept_fix,
            )
        )
    pairs = zip(tables, ends, strict=True)
    kept = tuple(_prefix(starts, astral, end) for (starts, astral), end in pairs)
    return marshal.dumps((FORMAT, kept, tuple(found), tuple(unresolved)), _MARSHAL_VERSION)


def _prefix(starts: bytes, astral: tuple[int, ...], end: int) -> tuple[bytes, tuple[int, ...]]:
    """A line table as a row keeps it: the starts of its lines up to the one holding
    ``end``, the last offset its findings ask about (the rest of the note's lines answer no
    position of theirs: for every offset up to ``end`` the line found among the kept starts
    is the line found among all of them), and its astral characters before ``end``."""
    view = memoryview(starts).cast(_STARTS_FORMAT)
    lines = bisect_right(view, end)
    return starts[: lines * _ITEM], astral[: bisect_right(astral, end)]


def _only(values: Iterable[Any], kind: type) -> bool:
    """Whether every value is of type ``kind`` exactly (a C loop; none: true)."""
    return set(map(type, values)) <= {kind}


def _made(cls: type, columns: Sequence[Sequence[Any]]) -> list[Any]:
    """Objects of the frozen record ``cls`` (:class:`~vaultlint.record.Record`), one per row
    of ``columns`` (one column per field, in ``_fields`` order, its ``__slots__``): each field
    set through its slot, a C loop per field, rather than a call of the class per object (half
    the time; its ``__init__`` does no more for values of the types the callers check).
    ``tests/test_outcomes.py`` holds the field lists equal to the classes'."""
    objects = list(map(object.__new__, repeat(cls, len(columns[0]))))
    for name, column in zip(cls.__slots__, columns, strict=True):
        deque(map(getattr(cls, name).__set__, objects, column), 0)
    return objects


def _fix(value: Any) -> Fix:
    message, edits, applicability = value
    if type(message) is not str or applicability not in _APPLICABILITY or type(edits) is not tuple:
        raise ValueError("not a fix")
    made = []
    for start, end, replacement in edits:
        if not (type(start) is type(end) is int and type(replacement) is str):
            raise ValueError("not an edit")
        made.append(Edit(start, end, replacement))
    return Fix(message, tuple(made), applicability)


def _tables(tables: tuple[Any, ...]) -> list[LineTable] | None:
    """The line tables of every blob, in order (None: one of the wrong shape)."""
    flat = list(chain.from_iterable(tables))
    if not flat:
        return []
    if not _only(flat, tuple) or set(map(len, flat)) != {2}:
        return None
    starts, astral = zip(*flat, strict=True)
    if not _only(starts, bytes) or any(n == 0 or n % _ITEM for n in set(map(len, starts))):
        return None
    if not _only(astral, tuple) or not _only(chain.from_iterable(astral), int):
        return None
    return _made(LineTable, (starts, astral))


def _decode(blobs: Sequence[bytes]) -> tuple[list[Diagnostic], list[int], tuple] | None:
    """(the findings of every blob, in order; how many each blob holds; each one's unresolved
    targets), or None when one blob is not an outcome: every blob read in one pass, each
    check a C loop over every value of a kind."""
    values = list(map(marshal.loads, blobs))
    if not values:
        return [], [], ()
    if not _only(values, tuple) or set(map(len, values)) != {4}:
        return None
    fmts, tables, found, unresolved = zip(*values, strict=True)
    if not _only(fmts, int) or set(fmts) != {FORMAT}:
        return None
    if not (_only(tables, tuple) and _only(found, tuple) and _only(unresolved, tuple)):
        return None
    if not _only(chain.from_iterable(unresolved), str):
        return None
    lines = _tables(tables)
    if lines is None:
        return None
    counts = list(map(len, found))
    flat = list(chain.from_iterable(found))
    if not flat:
        return [], counts, unresolved
    if not _only(flat, tuple) or set(map(len, flat)) != {10}:
        return None
    index, path, start, end, rule, check, severity, message, snippet, fix = zip(*flat, strict=True)
    if not (_only(index, int) and _only(start, int) and _only(end, int)):
        return None
    if not all(_only(column, str) for column in (path, rule, check, message, snippet)):
        return None
    if not _only(severity, str) or not _SEVERITIES.issuperset(severity):
        return None
    # a finding's table is the index-th of its own blob's
    own = list(map(len, tables))
    if min(index) < 0 or not all(map(lt, index, chain.from_iterable(map(repeat, own, counts)))):
        return None
    first = chain.from_iterable(map(repeat, accumulate(own, initial=0), counts))
    tables_of = list(map(lines.__getitem__, map(add, index, first)))
    fixes = fix if fix.count(None) == len(fix) else [None if f is None else _fix(f) for f in fix]
    spans = list(map(tuple.__new__, repeat(Span), zip(start, end, strict=True)))
    columns = (path, spans, rule, check, severity, message, tables_of, snippet, fixes)
    return _made(Diagnostic, columns), counts, unresolved


def decode_outcomes(blobs: Sequence[bytes | None]) -> list[Outcome | None]:
    """The outcome each ``result`` blob holds (NULL: no findings), in order; None for a blob
    that is not one :func:`encode_outcome` makes (see the module docstring). Read together
    (:func:`_decode`); when one is not an outcome, each is read alone to tell which."""
    given = [b for b in blobs if b is not None]
    got = _decode_all(given)
    if got is None and len(given) > 1:
        read = iter([decode_outcomes([b])[0] for b in given])
    elif got is None:
        read = iter([None])
    else:
        diags, counts, unresolved = got
        ends = accumulate(counts)
        starts = accumulate(counts, initial=0)
        read = iter(
            [(diags[a:b], list(u)) for a, b, u in zip(starts, ends, unresolved, strict=False)]
        )
    return [([], []) if b is None else next(read) for b in blobs]


def decode_outcome(blob: bytes | None) -> Outcome | None:
    """The outcome one ``result`` blob holds (:func:`decode_outcomes`)."""
    return decode_outcomes([blob])[0]


def findings_of(blobs: Sequence[bytes]) -> list[Diagnostic] | None:
    """The findings of every blob, in order; None when one blob is not an outcome (the warm
    path: one miss is a miss of the whole run)."""
    got = _decode_all(blobs)
    return None if got is None else got[0]


def _decode_all(blobs: Sequence[bytes]) -> tuple[list[Diagnostic], list[int], tuple] | None:
    """:func:`_decode` with the cyclic garbage collector paused: the objects it makes hold
    no cycle, and the collections their number set off were a fifth of its instructions
    (valgrind, 1,814 blobs); None for a blob of another shape, never an error."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _decode(blobs)
    except Exception:  # (a blob that is no marshal data, or a value of another shape)
        return None
    finally:
        if paused:
            gc.enable()
