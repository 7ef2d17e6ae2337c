"""One run's view of the stored state (:mod:`vaultlint.lint.store`): what changed since the
last run, which notes must be checked again, and what to write back.

The batch runner asks :func:`plan` which targets have a valid stored result and which must be
checked (new, changed, stored under another check context, or affected by a change:
:mod:`vaultlint.lint.depends`), runs the checks, and hands the outcome to
:meth:`Plan.finish`, which writes the changed rows, empties the context of the rows a change
affects that this run did not check, and returns every target's findings.

What a run reads of every row: its stat (to find what changed), its tags and aliases (a lazy
index's questions: lint/lazy.py) and its result, all under the row's MAC; not its summary
(read when asked, checked against ``sdig``) nor its dependency keys (read only when a change
has keys, each checked against ``kdig``: :meth:`Plan._keyed`). :meth:`Plan.finish` makes the
rows it writes one at a time as the transaction writes them (a first run does not hold every
note's row at once) and marks the state complete after them (:meth:`Plan._complete`: from
what :func:`plan` compared, and one pass over the rows, no note's row looked up). How a
summary and an outcome are kept in a row: :mod:`vaultlint.lint.rowcodec`.

Racily clean notes (:mod:`vaultlint.lint.racy`): a row whose note's time is not safely
before the run (:func:`~vaultlint.lint.racy.is_racy`) is written with its time replaced by
:data:`~vaultlint.lint.racy.RACY_TIME`, which no walk finds: the next run that plans reads
the note again and compares its bytes' digest (a read, no parse, when it is the same). The
state may still be marked complete: the marker holds each racily clean note's digest, and
the warm path reads those notes again (lint/warm.py).
"""

from __future__ import annotations

import posixpath
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import compress, repeat
from operator import attrgetter, is_not, ne
from typing import Any, NamedTuple

from vaultlint.lint.cache import StatKey, digest
from vaultlint.lint.depends import broken_affected, changed_keys, name_keys, note_keys
from vaultlint.lint.lazy import StoredSummaries
from vaultlint.lint.racy import RACY_TIME, is_racy, racy_window
from vaultlint.lint.rowcodec import decode_summary, outcome_blob, whole_row
from vaultlint.lint.store import Outcome, Row, Store, keys_digest, outcomes_of
from vaultlint.vault.discovery import read_in_vault
from vaultlint.vault.filetypes import extension, is_note_path
from vaultlint.vault.index import fold

#: a row's columns, read in C
_CTX, _RESULT = attrgetter("ctx"), attrgetter("result")

#: with more changed notes than this, every target is checked (as a run without cache)
MANY_CHANGES = 200


def _first_note(paths: Any) -> str | None:
    return min((p for p in paths if is_note_path(p)), default=None)


def _extensions(others: Any, notes: Any) -> frozenset[str]:
    found = {extension(posixpath.basename(p)) for p in others}
    found |= {extension(posixpath.basename(p)) for p in notes if not is_note_path(p)}
    return frozenset(found)


class Parsed(NamedTuple):
    """A note read and summarised in this run (by a worker, or here before the checks)."""

    path: str
    #: of the bytes read (empty: the note could not be read, and is not stored)
    digest: bytes
    stat: StatKey
    #: its :class:`~vaultlint.model.NoteSummary` (a plain tuple of that shape is one too)
    summary: Any


class Plan:
    """What a run does with the stored state: made by :func:`plan`, finished by
    :meth:`finish`."""

    def __init__(self, store: Store | None, context: bytes, notes: Sequence[str]) -> None:
        #: the wall clock before this run read any note, and the racily clean window
        self.started, self.racy_ns = time.time_ns(), racy_window()
        self.store = store
        self.context = context
        self.notes = notes
        self.rows: dict[str, Row] = store.load() if store is not None else {}
        self.stats: dict[str, StatKey] = {}
        #: notes the workers must parse for their summary (many changes)
        self.parse: list[str] = []
        #: targets to check
        self.check: list[str] = []
        #: targets whose stored outcome is valid
        self.stored: dict[str, Outcome] = {}
        #: notes whose summary may have changed (new, edited, moved): their old summary
        self.changed: dict[str, Any] = {}
        #: notes parsed before the run (few changes) or moved (their summary re-pathed)
        self.fresh: dict[str, Any] = {}
        self.pre_parsed: list[Parsed] = []
        #: rows to write whatever the run finds (a new stat, a moved note's summary)
        self.writes: dict[str, Row] = {}
        note_set = self._note_set = set(notes)
        self.deleted = sorted(self.rows.keys() - note_set)
        self.old_others: tuple[str, ...] = ()
        self.new_others: tuple[str, ...] | None = None
        #: the stored rows cannot be trusted as a whole (no list of other files)
        self.all_stale = False
        self._decoded: dict[str, tuple[tuple, tuple[str, ...]]] | None = None
        #: what the changes found before the run affect (None: found after it)
        self.needed: set[str] | None = None
        #: the notes whose stored row :func:`plan` found unlike the walk (no row, or another
        #: stat); None: not compared, and the state is not marked complete
        self.unmatched: set[str] | None = None

    def decoded(self) -> dict[str, tuple[tuple, tuple[str, ...]]]:
        """(summary, dependency keys) of every stored row of the right shape (read and
        decoded once)."""
        if self._decoded is None:
            blobs = self.store.summaries() if self.store is not None else {}
            self._decoded = {}
            for path, row in self.rows.items():
                got = decode_summary(path, blobs.get(path), row)
                if got is not None:
                    self._decoded[path] = got
        return self._decoded

    def summary(self, path: str) -> tuple[tuple, tuple[str, ...]] | None:
        """One stored row's (summary, keys), read alone unless all are read already."""
        if self._decoded is not None or self.store is None:
            return self.decoded().get(path)
        row = self.rows.get(path)
        if row is None:
            return None
        return decode_summary(path, self.store.summaries([path]).get(path), row)

    def known(self) -> tuple[dict[str, Any], list[str]]:
        """The summaries the workers do not compute (fresh ones, else stored ones), and the
        unchanged notes whose stored summary cannot be read (to parse)."""
        decoded = self.decoded()
        out: dict[str, Any] = {}
        unread: list[str] = []
        parse = set(self.parse)
        for path in self.notes:
            if path in self.fresh:
                out[path] = self.fresh[path]
            elif path not in self.changed:
                if path in decoded:
                    out[path] = decoded[path][0]
                elif path not in parse:
                    unread.append(path)
        return out, unread

    def lazy(self, parse: Callable[[str], Parsed]) -> StoredSummaries:
        """What :meth:`known` gives, read only when the index asks (lint/lazy.py); a few
        changes only (every changed note is parsed or moved already)."""
        order = [p for p in self.notes if p in self.fresh or p not in self.changed]
        return StoredSummaries(self, order, self.fresh, parse)

    def finish(
        self,
        parsed: Sequence[Parsed],
        outcomes: dict[str, Outcome],
        linted: Sequence[str] = (),
        facts: Any = None,
        fingerprint: str = "",
    ) -> dict[str, Outcome]:
        """Store what the run learnt; every target's outcome (stored or new). When every note
        of ``linted`` then has a valid row, the state is marked complete for ``fingerprint``
        (what the warm path checks); ``facts`` are what the warm path needs (lint/warm.py)."""
        result = dict(self.stored)
        result.update(outcomes)
        if self.store is None:
            return result
        whole: dict[str, Parsed] = {}  # notes read in this run: their new rows
        new_summary: dict[str, Any] = dict(self.fresh)
        for item in (*self.pre_parsed, *parsed):
            new_summary[item.path] = item.summary
            if item.digest:
                whole[item.path] = item
        changed, writes, stored = self.changed, self.writes, self.rows
        checked = {
            p for p in outcomes if p in whole or p in writes or (p not in changed and p in stored)
        }
        written = checked.union(writes, whole)
        needed = self.needed
        if needed is None:
            # no stored row (a first run): none to make stale, and every row written is
            # checked now or new (its ctx empty already); finding what the changes affect
            # cost a first run at 10k notes more than its writes
            needed = self.affected(new_summary) if stored else set()
        stale = needed - set(outcomes)
        emptied = stale & written
        stale -= written
        stale &= set(stored)
        #: (stat, ctx, result) of every row written, for the completeness marker
        after: dict[str, tuple[Any, bytes, bytes | None]] = {}
        #: the content digest of every racily clean row written (its stat as read, in after)
        racy: dict[str, bytes] = {}
        context = self.context
        started, window = self.started, self.racy_ns

        def rows() -> Iterator[tuple[str, Row]]:
            # made one at a time as the transaction writes them: a first run does not hold
            # every note's row (its summary blob, its columns) at once; in path order, so
            # that a run reading the rows one by one (lint/store.py) makes them in that order
            for path in sorted(written):
                item = whole.get(path)
                if item is not None:
                    row = whole_row(item.stat, item.digest, item.summary)
                else:
                    row = writes.get(path) or stored[path]
                if path in checked:  # (checked now, so not among the emptied)
                    row = row.but(ctx=context, result=outcome_blob(outcomes[path]))
                elif path in emptied:
                    row = row.but(ctx=b"")
                after[path] = (row.stat, row.ctx, row.result)
                size, at, ino = row.stat
                if is_racy(at, started, window):  # (not trusted: lint/racy.py)
                    racy[path] = row.digest
                    row = row.but(stat=(size, RACY_TIME, ino))
                yield path, row

        meta: dict[str, Any] = {"others": self.new_others} if self.new_others is not None else {}
        if facts is not None:
            meta["facts"] = tuple(facts)

        def complete() -> dict[str, Any]:
            marked = self._complete(after, stale, linted, fingerprint)
            if marked is not None:
                marked = (*marked, tuple(sorted(racy.items())))
            return {"complete": marked}

        self.store.save(rows(), sorted(stale), self.deleted, meta, complete)
        return result

    def _complete(
        self,
        written: dict[str, tuple[Any, bytes, bytes | None]],
        stale: set[str],
        linted: Sequence[str],
        fingerprint: str,
    ) -> tuple[str, bytes] | None:
        """(fingerprint, digest of the rows with findings) when, after this run, every note
        has its row as the walk found it and every note of ``linted`` a valid result.
        ``written``: (stat, ctx, result) of the rows this run wrote.

        No note's row is looked up: at 100k notes each pass of lookups in path order cost
        40-110 ms of a pre-commit run. :func:`plan` compared every stored row's stat with the
        walk's already (the notes it found unlike are :attr:`unmatched`), and the stored
        rows' contexts and results are read in one pass over the rows, in C."""
        unmatched = self.unmatched
        if not fingerprint or self.store is None or unmatched is None:
            return None
        note_set = self._note_set
        if not note_set.issuperset(written) or not unmatched <= written.keys():
            return None  # a note with no row, or its row not as the walk found it
        stats, context, rows = self.stats, self.context, self.rows
        if any(row[0] != stats.get(path) for path, row in written.items()):
            return None
        lints = set(linted)
        if not stale.isdisjoint(lints):
            return None
        if any(written[path][1] != context for path in lints.intersection(written)):
            return None
        # the stored rows checked in another context (as a rule none: one count tells) must
        # be written now, or be no linted note's
        contexts = list(map(_CTX, rows.values()))
        if contexts.count(context) != len(contexts):
            other = compress(rows, map(ne, contexts, repeat(context)))
            if any(p in lints and p in note_set and p not in written for p in other):
                return None
        # the findings: of the stored rows neither written now nor of a deleted note, and of
        # the rows written
        results = list(map(_RESULT, rows.values()))
        held = list(map(is_not, results, repeat(None)))
        gone = written.keys() | set(self.deleted)
        pairs = zip(compress(rows, held), compress(results, held), strict=True)
        found = [(p, r) for p, r in pairs if p not in gone]
        found += [(p, row[2]) for p, row in written.items() if row[2] is not None]
        return fingerprint, Store.results_digest(found)

    def affected(self, new_summary: dict[str, Any]) -> set[str]:
        """The notes whose findings a change of this run can affect (see depends.py)."""
        if self.all_stale:
            return set(self.rows)
        keys: set[str] = set()
        names: set[str] = set()
        for path, old in self.changed.items():
            new = new_summary.get(path)
            if old is None or new is None:
                names.update(name_keys(path))
            if old is not None or new is not None:
                keys |= changed_keys(old, new)
        for path in self.deleted:
            names.update(name_keys(path))
            got = self.summary(path)
            if got is not None:
                keys |= set(got[1])
        if self.new_others is not None:
            for path in set(self.old_others) ^ set(self.new_others):
                names.update(name_keys(path))
        keys |= names
        if not keys:
            return set()
        out = self._keyed(keys)
        if out is None:  # a row's keys are not known: read them from every summary
            decoded = self.decoded()
            out = {p for p, (_, k) in decoded.items() if not keys.isdisjoint(k)}
            out |= {p for p in self.rows if p not in decoded}  # wrong shape: check it again
        out |= {p for p, s in new_summary.items() if not keys.isdisjoint(note_keys(s))}
        for first in (_first_note(self.rows), _first_note(self.notes)):
            if first is not None:
                out.add(first)
        if names:
            out |= self._broken_affected(names, new_summary)
        return out

    def _keyed(self, keys: set[str]) -> set[str] | None:
        """The stored notes whose dependency keys (the rows' ``keys`` column, written with
        their summaries, read now and checked against the rows' ``kdig``) meet ``keys``;
        None when a row's keys are not known."""
        out: set[str] = set()
        stored = self.store.keys() if self.store is not None else {}
        for path, row in self.rows.items():
            text = stored.get(path)
            if text is None or not row.kdig or keys_digest(text) != row.kdig:
                return None
            if text and not keys.isdisjoint(text.split("\n")):
                out.add(path)
        return out

    def _broken_affected(self, names: set[str], new_summary: dict[str, Any]) -> set[str]:
        decoded = self.decoded()
        summaries = {p: d[0] for p, d in decoded.items()}
        summaries.update(new_summary)
        renamed_aliases = {
            fold(alias.strip())
            for path, summary in summaries.items()
            if name_keys(path)[0] in names
            for alias in summary.aliases
        }
        others = self.new_others if self.new_others is not None else self.old_others
        old_ext = _extensions(self.old_others, self.rows)
        new_ext = _extensions(others, self.notes)
        out: set[str] = set()
        broken: dict[str, list[str]] = {}
        found = [(path, row) for path, row in self.rows.items() if row.result is not None]
        read = outcomes_of([row for _, row in found])
        for (path, _), outcome in zip(found, read, strict=True):
            if outcome is None:
                out.add(path)
            elif outcome[1]:
                broken[path] = outcome[1]
        return out | broken_affected(broken, names, renamed_aliases, old_ext != new_ext)


def plan(
    store: Store | None,
    root: str,
    notes: Sequence[str],
    others: Sequence[str],
    targets: Sequence[str],
    stats: dict[str, StatKey],
    context: bytes,
    parse_now: Callable[[list[str]], list[Parsed]],
    max_bytes: int,
) -> Plan:
    """What must be parsed and checked (see the module docstring). ``parse_now`` parses a few
    changed notes in this process (their summaries decide what else is affected)."""
    out = Plan(store, context, notes)
    out.stats = stats
    rows = out.rows
    stored_others = store.meta("others") if store is not None and rows else None
    valid = type(stored_others) is tuple and all(type(p) is str for p in stored_others)
    out.old_others = stored_others if valid else ()  # type: ignore[assignment]
    others_now = tuple(sorted(others))
    if not valid or stored_others != others_now:
        out.new_others = others_now
    out.all_stale = bool(rows) and not valid
    moved_from = {rows[p].digest: p for p in out.deleted}
    unknown: list[str] = []
    unmatched: list[str] = []
    for path in notes:
        row = rows.get(path)
        st = stats.get(path)
        if row is not None and row.stat == st:
            continue
        unmatched.append(path)
        if row is None and not moved_from:
            unknown.append(path)  # a new note, and no note is gone: nothing to compare with
            continue
        try:
            data = read_in_vault(root, path, max_bytes, walked=True)
        except OSError:
            unknown.append(path)
            continue
        content = digest(data)
        if row is not None and row.digest == content and st is not None:
            out.writes[path] = rows[path] = row.but(stat=st)
            continue
        source = moved_from.get(content)
        got = out.summary(source) if source is not None else None
        if got is not None and st is not None:
            summary = got[0]._replace(path=path)  # moved: the same content
            out.writes[path] = whole_row(st, content, summary)
            out.fresh[path] = summary
            out.changed[path] = _old(out, path)
            continue
        unknown.append(path)
    out.unmatched = set(unmatched)
    for path in unknown:
        out.changed[path] = _old(out, path)
    if len(unknown) > MANY_CHANGES or out.all_stale or not rows:
        out.parse = unknown
        out.check = list(targets)  # many changes: everything, as without cache
        return out
    out.pre_parsed = parse_now(unknown)
    out.fresh.update({p.path: p.summary for p in out.pre_parsed})
    needed = out.needed = out.affected(out.fresh)
    changed = out.changed
    usable = [
        path
        for path in targets
        if (row := rows.get(path)) is not None
        and row.ctx == context
        and path not in changed
        and path not in needed
    ]
    # (the stored outcomes read in one pass: outcomes_of)
    decoded = dict(zip(usable, outcomes_of([rows[p] for p in usable]), strict=True))
    for path in targets:
        outcome = decoded.get(path)
        if outcome is None:
            out.check.append(path)
        else:
            out.stored[path] = outcome
    return out


def _old(plan_: Plan, path: str) -> Any:
    got = plan_.summary(path) if path in plan_.rows else None
    return got[0] if got is not None else None
