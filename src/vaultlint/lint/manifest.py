"""The manifest of the incremental state (:mod:`vaultlint.lint.store`): what a run reads of
every row (all but the summary, the keys and the result: their digests instead), one tuple a
column under one MAC, so that reading the state costs one digest of one blob and C-level
loops rather than a MAC and a Python loop a row (rows made with ``tuple.__new__``).

A save keeps it: the base (meta ``manifest``), written again only when the rows changed
since it would be more than an eighth of them, and the rows changed since (meta
``manifest-changes``, MAC'd with the generation the save makes and holding the base's MAC
and generation, the rows deleted since, and the census: how many rows spell each tag each
way), so that a pre-commit run writes the few rows it changed, not every row's columns. A
save of more than :data:`MAX_WRITES` rows (a first run or a configuration changed, of a large
vault) writes none (it would hold every row's columns at once; a save that rewrites that many
rows would write the base again anyway); a run that finds no manifest of the current
generation, or one that does not authenticate, reads the rows one by one under their own
MACs and writes one. The results the manifest's rows name are read from the ``found`` index
and checked against the manifest's digests: a result emptied, planted or changed by hand
drops its row (the note is checked again).

This module holds the manifest's data (its columns, their shapes, the census, the rows a
save records); :class:`~vaultlint.lint.store.Store` reads and writes it in its transactions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from vaultlint.lint.cache import digest
from vaultlint.lint.row import Row, make_row

#: the meta row of the manifest's base: every row's columns under one MAC
BASE = "manifest"
#: the meta row of the rows changed since the base was written
CHANGES = "manifest-changes"
#: the rows changed a manifest's base is not written again for (below an eighth of them)
CHANGES_MIN = 256
#: a save that writes more rows than this writes no manifest (:class:`Recorder`)
MAX_WRITES = 16384


#: the types of a manifest's columns (:func:`columns`), in order
TYPES = (
    {str},
    {int},
    {int},
    {int},
    {bytes},
    {bytes},
    {bytes},
    {bytes, type(None)},
    {str, type(None)},
    {str, type(None)},
    {bytes},
)


def shape(columns: Any) -> bool:
    """Whether a manifest read back has its shape: a tuple of tuples of one length, each of
    its column's types (checked a column at a time, in C)."""
    if type(columns) is not tuple or len(columns) != len(TYPES):
        return False
    if any(type(c) is not tuple or len(c) != len(columns[0]) for c in columns):
        return False
    return all(set(map(type, c)) <= t for c, t in zip(columns, TYPES, strict=True))


def columns(rows: dict[str, Row], known: dict[bytes, bytes]) -> tuple:
    """The columns a manifest keeps of ``rows`` (the rows turned into columns in C; the
    digests of results in ``known`` not made again), in path order: a run that reads them
    makes the rows in that order, the order in which it then looks the walk's notes up (at
    100k notes, lookups in an order unlike the rows' cost about twice as much)."""
    if not rows:
        return ((),) * len(TYPES)
    paths, made = zip(*sorted(rows.items()), strict=True)
    stat, dig, _summary, ctx, result, sdig, tags, aliases, _keys, kdig = zip(*made, strict=True)
    rdigs = tuple(None if r is None else known.get(r) or digest(r) for r in result)
    return (paths, *zip(*stat, strict=True), dig, sdig, ctx, rdigs, tags, aliases, kdig)


def rows_of(columns: tuple, results: dict[str, bytes]) -> tuple[dict[str, Row], dict[str, bytes]]:
    """The rows of a manifest's columns, with the result blobs the table holds for them
    (``results``, by path: still to be checked), and the digests of their results for the
    rows that have some, by path."""
    paths, sizes, mtimes, inos, digests, sdigs, ctxs, rdigs, tags, aliases, kdigs = columns
    none = (None,) * len(paths)
    made = zip(
        zip(sizes, mtimes, inos, strict=True),
        digests,
        none,
        ctxs,
        map(results.get, paths),
        sdigs,
        tags,
        aliases,
        none,
        kdigs,
        strict=True,
    )
    rows = dict(zip(paths, map(make_row, made), strict=True))  # (in C: no Python a row)
    return rows, {p: r for p, r in zip(paths, rdigs, strict=True) if r is not None}


def census_shape(census: Any) -> bool:
    return (
        type(census) is dict
        and set(map(type, census)) <= {str}
        and set(map(type, census.values())) <= {int}
    )


def census_of(rows: Iterable[Row]) -> dict[str, int] | None:
    """How many of ``rows`` spell a tag each way; None when a row's tags are not known."""
    texts = [row.tags for row in rows]
    if None in texts:
        return None
    joined = "\n".join(filter(None, texts))  # type: ignore[arg-type]
    return dict(Counter(joined.split("\n"))) if joined else {}


def census_less(census: dict[str, int] | None, rows: list[Row]) -> dict[str, int] | None:
    """``census`` without the tags of ``rows`` (None: not known)."""
    if census is None or not rows:
        return census
    gone = census_of(rows)
    if gone is None:
        return None
    out = Counter(census)
    out.subtract(gone)
    return {name: count for name, count in out.items() if count > 0}


def census_after(
    census: dict[str, int] | None,
    loaded: dict[str, Row],
    final: dict[str, Row],
    changed: set[str],
) -> dict[str, int] | None:
    """The census of ``final``: ``census`` (of ``loaded``) with the rows of ``changed`` as
    they were taken away and as they are added; counted again when it was not known."""
    if census is None:
        return census_of(final.values())
    before = census_of(loaded[p] for p in changed if p in loaded)
    after = census_of(final[p] for p in changed if p in final)
    if before is None or after is None:
        return None
    out = Counter(census)
    out.subtract(before)
    out.update(after)
    return {name: count for name, count in out.items() if count > 0}


class Recorder:
    """The rows a save writes, as they are written, kept without their summaries and keys
    in the next manifest's rows (``Store.save``) — up to :data:`MAX_WRITES` of them, a first
    run's too (it starts from an empty loaded state): then the run after it reads the state
    through the manifest rather than row by row under each row's MAC, and does not write the
    whole manifest itself (at 10k notes the first edited note after a first run cost 1.29
    billion instructions, the next ones 0.85). A save that writes more keeps none and writes
    no manifest, so that it does not hold every note's columns at once (at 50k notes a first
    run with one process would peak at the goal's 250 MB); the next run reads the rows one by
    one and writes it. ``final`` None: nothing is kept (the save did not start from a loaded
    state, whose rows it would not know)."""

    def __init__(self, final: dict[str, Row] | None) -> None:
        self.final = final
        self.written: list[str] = []

    def rows(self, given: Iterable[tuple[str, Row]]) -> Iterator[tuple[str, Row]]:
        written = self.written
        for path, row in given:
            final = self.final
            if final is not None:
                written.append(path)
                if len(written) > MAX_WRITES:
                    self.final = None
                elif row[2] is not None or row[8] is not None:  # (its summary, its keys)
                    stat, dig, _, ctx, result, sdig, tags, aliases, _, kdig = row
                    kept = (stat, dig, None, ctx, result, sdig, tags, aliases, None, kdig)
                    final[path] = make_row(kept)
                else:
                    final[path] = row
            yield path, row
