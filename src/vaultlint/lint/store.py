"""The incremental state of a vault: one SQLite database in the vault's cache folder.

One row per note, keyed by its vault path::

    notes(path, size, mtime, ino,   -- the stat it was read with
          digest,                   -- BLAKE2b of its bytes
          sdig,                     -- BLAKE2b of the summary blob
          summary,                  -- its NoteSummary but what the other columns hold
                                    --   (path, tags, aliases, keys: lint/rowcodec.py)
          ctx,                      -- the check context its result is valid for; empty: stale
          result,                   -- its findings and unresolved links; NULL when it has none
          tags,                     -- its tag spellings, one a line; NULL: not known (lint/lazy.py)
          aliases,                  -- its aliases, one a line; NULL: not known
          keys,                     -- its dependency keys (depends.py), one a line; NULL: not
                                    --   known (computed from the summary)
          kdig,                     -- BLAKE2b of the keys (empty: NULL)
          mac)                      -- keyed BLAKE2b: the vault's folder, the path, all but the
                                    --   summary and the keys (their digests instead)
    meta(name, value, mac)          -- 'others': the vault's files that are not notes;
                                    --   'facts', 'complete': the warm path's (lint/warm.py);
                                    --   'manifest', 'manifest-changes': every row's columns

A row's ``result`` is valid when its ``ctx`` is the run's check context (version, rules,
settings, word lists: :func:`~vaultlint.lint.fingerprint.context`) *and* nothing it
depends on changed since: every write that changes a summary or the list of other files also
empties the ``ctx`` of the rows that change can affect (or checks them again), in the same
transaction. So the rows are always consistent with each other, and a run re-checks only what
changed and what that can affect.

A run reads the rows through their manifest (:mod:`vaultlint.lint.manifest`: every row's
columns but its summary, keys and result, under one MAC, beside a census of tag spellings),
and row by row under each row's own MAC only when there is none it can trust.

Trust: a row is used only when its MAC matches, or the manifest's that holds it (made with
the cache root's key, bound to the vault's cache folder name and to the row's path: a row
copied from another vault, another key or another path is a miss; a manifest bound to the
generation counter it was written for: changes put back from an earlier save without
that counter are a miss). The MAC
covers the summary and the dependency keys through their digests (``sdig``, ``kdig``), so
that a run reads neither unless it needs them, and uses one only when its digest is the
row's. Meta values (plain tuples) are unpickled by the unpickler of
:mod:`vaultlint.lint.cache`; summaries and results, plain tuples of strings, integers and
bytes (:mod:`vaultlint.lint.rowcodec`, :mod:`vaultlint.lint.outcomes`), are kept with
:mod:`marshal` (:func:`encode_plain`), which calls no constructor and runs no code when it
reads, and reads them faster than the allow-listed unpickler.
Any wrong shape is a miss, never an error (the caller checks the shapes it reads).
The warm path (:meth:`Store.complete_results`) reads only the rows with findings (the
``found`` index) and checks them as a whole: the ``complete`` marker, under its meta MAC,
holds the digest of every (path, result) (:meth:`Store.results_digest`), so a result
planted, emptied or moved is a miss without a MAC per row, and the content digest of each
racily clean note (lint/racy.py), which the warm path reads again.

Concurrency: SQLite in WAL mode; a run reads one snapshot and writes all its changes in one
``BEGIN IMMEDIATE`` transaction, after checking that the generation counter it read is still
the current one (the rows may be given as they are made: :meth:`Store.save` writes them in
batches inside that one transaction). When another run wrote in between (two pre-commit
hooks at once), this run's writes are dropped (its own report is still right: it was
computed from the files it read), so no row is ever made valid against a state it was not
computed from.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import marshal
import os
import pickle
import sqlite3
import stat
import struct
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, compress, repeat
from operator import attrgetter
from typing import Any, NamedTuple

from vaultlint import PARSER_VERSION, __version__
from vaultlint.digest import blake2b, compare_digest
from vaultlint.lint import manifest
from vaultlint.lint.cache import CacheFolder, SafeUnpickler, digest, prune_stale
from vaultlint.lint.row import (
    Row,
    keys_digest,
    lines_of,
    lines_text,
    make_row,
    summary_digest,
)

__all__ = [
    "DB_NAME",
    "Outcome",
    "Row",
    "Store",
    "keys_digest",
    "lines_of",
    "lines_text",
    "summary_digest",
]

_MAC_SIZE = 16
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS notes(path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER,"
    " ino INTEGER, digest BLOB, sdig BLOB, summary BLOB, ctx BLOB, result BLOB, tags TEXT,"
    " aliases TEXT, keys TEXT, kdig BLOB, mac BLOB)",
    "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value BLOB, mac BLOB)",
    # the rows with findings, what a warm run reads (without it, a scan of every row)
    "CREATE INDEX IF NOT EXISTS found ON notes(path) WHERE result IS NOT NULL",
)
_BLOB = (bytes, type(None))
_COLUMNS = (
    "path",
    "size",
    "mtime",
    "ino",
    "digest",
    "sdig",
    "summary",
    "ctx",
    "result",
    "tags",
    "aliases",
    "keys",
    "kdig",
    "mac",
)
#: every column but the summary and the keys, in order (what a run reads of each row)
_SELECT_ROWS = f"SELECT {', '.join(c for c in _COLUMNS if c not in ('summary', 'keys'))} FROM notes"
_ROW_HEAD = struct.Struct("<11q")
_COUNT = struct.Struct("<q")
#: rows written per statement (a run's rows are made batch by batch as they are written)
_BATCH = 1024
_ALIASES, _RESULT = attrgetter("aliases"), attrgetter("result")
#: (a note's findings, its link targets that do not resolve, distinct, as written)
Outcome = tuple[list[Any], list[str]]
#: the database's file name: another version's state is simply another file
DB_NAME = f"state-{__version__}-p{PARSER_VERSION}-k10.sqlite"


def _key(path: str) -> str:
    """A note's path as the database keeps it. A path is text that may hold lone surrogates
    (a file name that is not UTF-8, read with ``surrogateescape``), which SQLite's TEXT cannot
    hold: its bytes are kept one character per byte (ASCII paths are kept as they are)."""
    return path if path.isascii() else path.encode("utf-8", "surrogateescape").decode("latin-1")


def _path(key: Any) -> str | None:
    """The path of a database key (:func:`_key` undone); None for a key no path gives."""
    if type(key) is not str:
        return None
    if key.isascii():
        return key
    try:
        return key.encode("latin-1").decode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return None


def _blob(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def load_blob(data: bytes | None) -> Any:
    """A blob's value through the allow-listed unpickler; None when it cannot be read."""
    if data is None:
        return None
    try:
        return SafeUnpickler(io.BytesIO(data)).load()
    except Exception:
        return None


def encode(value: Any) -> bytes:
    return _blob(value)


#: the marshal format of :func:`encode_plain` (fixed: another Python writes the same bytes)
_MARSHAL_VERSION = 4


def encode_plain(value: Any) -> bytes:
    """A plain value (tuples, strings, integers: a summary) as :func:`load_plain` reads it."""
    return marshal.dumps(value, _MARSHAL_VERSION)


def load_plain(data: bytes) -> Any:
    """A blob of :func:`encode_plain`; None when it cannot be read. (marshal runs no code
    when it reads; the blob is authenticated already and the caller checks its shape.)"""
    try:
        return marshal.loads(data)
    except Exception:
        return None


def _results_digest(keys: Sequence[str], results: Sequence[bytes]) -> bytes:
    """:meth:`Store.results_digest` of the rows of these database keys (in order) and their
    result blobs: their count, each one's (name, result) lengths, the names (the paths' UTF-8:
    a key's Latin-1), then the results, each hashed where it is (never a copy of every result
    at once) — C loops, no Python work per row."""
    names = list(map(str.encode, keys, repeat("latin-1")))
    lengths = chain.from_iterable(zip(map(len, names), map(len, results), strict=True))
    h = blake2b(digest_size=16)
    h.update(_COUNT.pack(len(names)))
    h.update(array("q", lengths).tobytes())
    h.update(b"".join(names))
    deque(map(h.update, results), 0)
    return h.digest()


def outcome_of(row: Row) -> Outcome | None:
    """A row's stored outcome (no findings when the blob is NULL); None on a wrong shape."""
    return load_outcome(row.result)


def outcomes_of(rows: Sequence[Row]) -> list[Outcome | None]:
    """Each row's stored outcome, read in one pass (:func:`outcome_of` of each)."""
    from vaultlint.lint.outcomes import decode_outcomes

    return decode_outcomes([row.result for row in rows])


def load_outcome(result: bytes | None) -> Outcome | None:
    """The outcome a ``result`` blob holds (no findings: None); None on a wrong shape
    (:func:`vaultlint.lint.outcomes.decode_outcome`: marshalled plain values, no class)."""
    if result is None:
        return [], []
    from vaultlint.lint.outcomes import decode_outcome

    return decode_outcome(result)


class Complete(NamedTuple):
    """What :meth:`Store.complete_results` reads when the state is complete."""

    #: the result blob of every row with findings, by path
    results: dict[str, bytes]
    #: (path, digest of its bytes) of each racily clean note (lint/racy.py): the
    #: marker holds only while each one's bytes are still those
    racy: tuple[tuple[str, bytes], ...]


class Store:
    """One vault's state database (see the module docstring). Every method swallows SQLite
    errors: a cache that cannot be read or written is a cache that is not there."""

    def __init__(self, cache: CacheFolder, *, readonly: bool = False) -> None:
        self.cache = cache
        self.readonly = readonly
        self._base = blake2b(key=cache.key, digest_size=_MAC_SIZE)
        self._base.update(f"{cache.path.name}\0".encode("utf-8", "surrogateescape"))
        self.db: sqlite3.Connection | None = None
        self.generation = 0
        #: of the rows :meth:`load` read: those whose ``aliases`` column holds some (in the
        #: order read), and whether some row's is NULL (not known) — what a lazy index finds
        #: aliases with, without a pass over every row
        self.aliased: list[str] = []
        self.aliases_unknown = False
        #: the rows :meth:`load` read (what :meth:`save` makes the next manifest from); None
        #: before it
        self._loaded: dict[str, Row] | None = None
        #: the digests of the result blobs :meth:`load` read, by blob
        self._rdigs: dict[bytes, bytes] = {}
        #: the manifest :meth:`load` read: its base's (generation, MAC, rows), the rows
        #: changed and deleted since (:meth:`_write_manifest`)
        self._manifest_base: tuple[int, bytes, int] | None = None
        self._delta: set[str] = set()
        self._deleted: set[str] = set()
        #: how many of the rows :meth:`load` read spell a tag each way (their ``tags``
        #: columns counted), kept in the manifest and updated by each save; None when not
        #: known (no manifest read, or a row whose tags are not known)
        self.census: dict[str, int] | None = None
        self.path = cache.path / DB_NAME
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            self.close()
            self._reset(exc)
        except OSError:
            self.close()

    def _open(self) -> None:
        path = self.path
        for suffix in ("", "-wal", "-shm"):
            # a FIFO, a device or a symbolic link planted in the cache folder is removed
            # before SQLite could block on it or write through it
            try:
                st = os.lstat(f"{path}{suffix}")
            except FileNotFoundError:
                continue
            if not stat.S_ISREG(st.st_mode):
                if self.readonly:
                    return
                os.unlink(f"{path}{suffix}")
        if self.readonly:
            if path.is_file():
                uri = f"file:{path}?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5)
            return
        created = not os.path.lexists(path)
        self.db = sqlite3.connect(str(path), isolation_level=None, timeout=10)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        for statement in _SCHEMA:
            self.db.execute(statement)
        columns = tuple(row[1] for row in self.db.execute("PRAGMA table_info(notes)"))
        if columns != _COLUMNS:
            # a file of this name with other columns (a development version's): not ours
            raise sqlite3.DatabaseError(f"the state's columns are {columns}, not {_COLUMNS}")
        if created:  # the first run of this version: older versions' state goes
            prune_stale(self.cache.path, DB_NAME)

    def _reset(self, exc: sqlite3.Error) -> None:
        """After an error: a database that is not one (garbage, truncated) is removed and made
        again, empty; any other error (locked, read-only) leaves the run without a cache."""
        self.close()
        if self.readonly or type(exc) is not sqlite3.DatabaseError:
            return
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")
        try:
            self._open()
        except (sqlite3.Error, OSError):
            self.close()

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None

    # -- MACs -------------------------------------------------------------------------------
    def _mac(self, ints: tuple[int, ...], *parts: str | bytes | None) -> bytes:
        """The MAC of some integers and strings (lengths framed: no two inputs collide)."""
        blobs = [
            b"" if p is None else p.encode("utf-8", "surrogateescape") if isinstance(p, str) else p
            for p in parts
        ]
        lengths = [-1 if p is None else len(b) for p, b in zip(parts, blobs, strict=True)]
        head = struct.pack(f"<{len(ints) + len(lengths)}q", *ints, *lengths)
        mac = self._base.copy()
        mac.update(head)
        deque(map(mac.update, blobs), 0)  # (each where it is: no copy of a manifest's blob)
        return mac.digest()

    def _row_mac(self, path: str, row: Row) -> bytes:
        # (the hot path of a save: one call per row written, so _mac spelled out, and the
        # row's columns unpacked once rather than looked up by name)
        stat, dig, _summary, ctx, result, sdig, tags, aliases, _keys, kdig = row
        name = path.encode("utf-8", "surrogateescape")
        tb = b"" if tags is None else tags.encode("utf-8")
        ab = b"" if aliases is None else aliases.encode("utf-8")
        head = _ROW_HEAD.pack(
            *stat,
            len(name),
            len(dig),
            len(sdig),
            len(ctx),
            -1 if result is None else len(result),
            -1 if tags is None else len(tb),
            -1 if aliases is None else len(ab),
            len(kdig),
        )
        mac = self._base.copy()
        mac.update(b"note\0" + head + name + dig + sdig + ctx + (result or b"") + tb + ab + kdig)
        return mac.digest()

    # -- reading ----------------------------------------------------------------------------
    def load(self) -> dict[str, Row]:
        """Every authenticated row, by path (one snapshot, with its generation): from the
        manifest when it is the current generation's (:meth:`_read_manifest`), else row by
        row, each under its own MAC (:meth:`_read_rows`)."""
        self._loaded, self._manifest_base, self._delta, self._deleted = None, None, set(), set()
        self.census = None
        if self.db is None:
            return {}
        try:
            self.db.execute("BEGIN")
            try:
                self.generation = self._generation()
                rows = self._read_manifest()
                if rows is None:
                    rows = self._read_rows()
            finally:
                self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._reset(exc)
            return {}
        aliases = list(map(_ALIASES, rows.values()))  # (in C)
        self.aliased = list(compress(rows, aliases))
        self.aliases_unknown = None in aliases
        self._loaded = dict(rows)
        return rows

    def _read_rows(self) -> dict[str, Row]:
        """Every row whose MAC matches (the state written by a run whose manifest is not
        there, or not readable)."""
        assert self.db is not None
        rows: dict[str, Row] = {}
        cursor = self.db.execute(_SELECT_ROWS)
        compare = compare_digest
        base, pack, make = self._base, _ROW_HEAD.pack, make_row
        # (the hot path of a run that reads the state: _row_mac spelled out, a wrong
        # type in any column fails the packing, a concatenation or the comparison)
        for (
            key,
            size,
            mtime,
            ino,
            dig,
            sdig,
            ctx,
            result,
            tags,
            aliases,
            kdig,
            mac,
        ) in cursor:
            try:
                path = key if key.isascii() else _path(key)
                name = key.encode("latin-1")  # = the path's UTF-8 (see _key)
                tb = b"" if tags is None else tags.encode()
                ab = b"" if aliases is None else aliases.encode()
                head = pack(
                    size,
                    mtime,
                    ino,
                    len(name),
                    len(dig),
                    len(sdig),
                    len(ctx),
                    -1 if result is None else len(result),
                    -1 if tags is None else len(tb),
                    -1 if aliases is None else len(ab),
                    len(kdig),
                )
                check = base.copy()
                check.update(
                    b"note\0" + head + name + dig + sdig + ctx + (result or b"") + tb + ab + kdig
                )
                if path is None or not compare(check.digest(), mac):
                    continue
            except (AttributeError, TypeError, ValueError, struct.error, OverflowError):
                continue  # a column of the wrong type: not a row of ours
            if type(size) is type(mtime) is type(ino) is int and type(result) in _BLOB:
                rows[path] = make(
                    (
                        (size, mtime, ino),
                        dig,
                        None,
                        ctx,
                        result,
                        sdig,
                        tags,
                        aliases,
                        None,
                        kdig,
                    )
                )
        return rows

    def _read_manifest(self) -> dict[str, Row] | None:
        """Every row, from the manifest (:meth:`_write_manifest`: a base and the rows changed
        since, each under one MAC, the changes bound to the current generation and to their
        base) and the result blobs of the rows with findings, each checked against the digest
        the manifest holds (a result emptied, planted or changed by hand drops its row);
        None when there is no such manifest, or it cannot be read."""
        assert self.db is not None
        delta = self._meta_plain(manifest.CHANGES, self.generation)
        if type(delta) is not tuple or len(delta) != 5:
            return None
        base_generation, base_mac, deleted, changed, census = delta
        if type(base_generation) is not int or type(deleted) is not tuple:
            return None
        if census is not None and not manifest.census_shape(census):
            return None
        found = self.db.execute(
            "SELECT value, mac FROM meta WHERE name = ?", (manifest.BASE,)
        ).fetchone()
        if found is None or found[1] != base_mac:
            return None
        base = self._meta_plain(manifest.BASE, base_generation, found)
        if not (manifest.shape(base) and manifest.shape(changed)):
            return None
        results: dict[str, bytes] = {}
        for key, result in self.db.execute(
            "SELECT path, result FROM notes WHERE result IS NOT NULL"
        ):
            path = _path(key)
            if path is not None and type(result) is bytes:
                results[path] = result
        rows, rdigs = manifest.rows_of(base, results)
        for path in deleted:
            rows.pop(path, None)
            rdigs.pop(path, None)
        more, more_rdigs = manifest.rows_of(changed, results)
        rows.update(more)
        for path in more:
            rdigs.pop(path, None)
        rdigs.update(more_rdigs)
        self._manifest_base = (base_generation, base_mac, len(base[0]))
        self._delta = set(more)
        self._deleted = set(deleted)
        # (only the rows with findings are visited: those the manifest names, those the
        # table names)
        known = self._rdigs
        dropped: list[Row] = []
        for path, rdig in rdigs.items():
            result = results.get(path)
            if result is None or rdig != digest(result):
                dropped.append(rows.pop(path))  # a result emptied or changed: not its row
            else:
                known[result] = rdig  # (what the next manifest need not hash again)
        for path in results.keys() - rdigs.keys():  # a result where the manifest holds none
            if path in rows:
                dropped.append(rows.pop(path))
        self.census = manifest.census_less(census, dropped)
        return rows

    def _meta_plain(self, name: str, generation: int, found: Any = None) -> Any:
        """A meta value kept with :func:`encode_plain` whose MAC binds it to ``generation``
        (``found``: its (value, mac), read already); None when there is none, or another."""
        blob = self._authentic(name, (generation,), (name,), found)
        return None if blob is None else load_plain(blob)

    def _authentic(
        self, name: str, ints: tuple[int, ...], parts: tuple[str, ...], found: Any = None
    ) -> bytes | None:
        """The value of the meta row ``name`` when its MAC is that of ``ints``, ``parts`` and
        the value (:meth:`_mac`; ``found``: its (value, mac), read already); else None."""
        assert self.db is not None
        if found is None:
            found = self.db.execute(
                "SELECT value, mac FROM meta WHERE name = ?", (name,)
            ).fetchone()
        if found is None or type(found[0]) is not bytes or type(found[1]) is not bytes:
            return None
        if not compare_digest(self._mac(ints, *parts, found[0]), found[1]):
            return None
        return found[0]

    def _put_meta(self, name: str, value: bytes, ints: tuple[int, ...], *parts: str) -> bytes:
        """Write the meta row ``name`` with ``value`` and its MAC (of ``ints``, ``parts`` and
        the value, as :meth:`_authentic` checks it); returns the MAC."""
        assert self.db is not None
        mac = self._mac(ints, *parts, value)
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", (name, value, mac))
        return mac

    def _write_manifest(
        self, loaded: dict[str, Row], final: dict[str, Row], changed: set[str]
    ) -> None:
        """Keep the manifest of the rows after this save (``final``; ``changed``: the paths
        this save wrote or deleted), for the generation it makes. The base is written again
        only when the rows changed since it would be more than an eighth of them (so a
        pre-commit run writes the few rows it changed, not every row's columns); otherwise
        only the changes, bound to the base by its MAC."""
        assert self.db is not None
        generation = self.generation + 1
        base = self._manifest_base
        # (the rows changed since the base as they are now: their results are in ``final``)
        paths = self._delta | changed
        delta = {path: final[path] for path in paths if path in final}
        deleted = (self._deleted | changed) - delta.keys()
        if base is None or len(delta) + len(deleted) > max(manifest.CHANGES_MIN, base[2] // 8):
            blob = encode_plain(manifest.columns(final, self._rdigs))
            mac = self._put_meta(manifest.BASE, blob, (generation,), manifest.BASE)
            base = self._manifest_base = (generation, mac, len(final))
            delta, deleted = {}, set()
        census = manifest.census_after(self.census, loaded, final, changed)
        value = encode_plain(
            (base[0], base[1], tuple(deleted), manifest.columns(delta, self._rdigs), census)
        )
        self._put_meta(manifest.CHANGES, value, (generation,), manifest.CHANGES)
        self._delta, self._deleted, self.census = set(delta), deleted, census

    @staticmethod
    def results_digest(found: Iterable[tuple[str, bytes]]) -> bytes:
        """A digest of the (path, result blob) of the rows that hold findings (what the warm
        path reads), in the order of their database keys (:func:`_key`: the paths' UTF-8
        bytes, the order :meth:`complete_results` reads them in): a row with findings removed,
        added, moved or changed changes it. Kept in the ``complete`` marker, whose MAC
        authenticates it — so that the warm path checks every result it reads with one
        digest, not a MAC per row (:func:`_results_digest`)."""
        keyed = sorted((_key(path), result) for path, result in found)
        return _results_digest([k for k, _ in keyed], [r for _, r in keyed])

    def complete_results(self, fingerprint: str) -> Complete | None:
        """The result blobs of the rows with findings, by path, when the state is complete for
        ``fingerprint`` (every note as the walk found it, every linted note's result valid:
        :meth:`Plan.finish`) and they are exactly the results it was marked with (their
        digest, :meth:`results_digest`, under the marker's MAC); else None. Reads no summary
        and no other row (the ``found`` index, in its order: the digest's). With them, the
        racily clean notes the marker names, whose bytes the caller must find as they were."""
        marker = self.meta("complete")
        if self.db is None or type(marker) is not tuple or len(marker) != 3:
            return None
        if marker[0] != fingerprint or type(marker[1]) is not bytes:
            return None
        racy = marker[2]
        if type(racy) is not tuple or not all(
            type(pair) is tuple
            and len(pair) == 2
            and type(pair[0]) is str
            and type(pair[1]) is bytes
            for pair in racy
        ):
            return None
        try:
            found = self.db.execute(
                "SELECT path, result FROM notes WHERE result IS NOT NULL ORDER BY path"
            ).fetchall()
        except sqlite3.Error:
            return None
        keys, results = zip(*found, strict=True) if found else ((), ())
        if not (set(map(type, keys)) <= {str} and set(map(type, results)) <= {bytes}):
            return None
        try:
            if not compare_digest(_results_digest(keys, results), marker[1]):
                return None
        except Exception:  # (a key no path gives, a wrong-shaped marker)
            return None
        paths = list(map(_path, keys))
        if None in paths:
            return None
        return Complete(dict(zip(paths, results, strict=True)), racy)

    def summaries(self, paths: list[str] | None = None) -> dict[str, bytes]:
        """The summary blobs of some rows (``None``: all), unverified: the caller compares
        each one's digest with its authenticated row's ``sdig``."""
        if self.db is None:
            return {}
        try:
            if paths is None:
                found = self.db.execute("SELECT path, summary FROM notes").fetchall()
            else:
                query = "SELECT path, summary FROM notes WHERE path = ?"
                found = [r for p in paths for r in self.db.execute(query, (_key(p),)).fetchall()]
        except sqlite3.Error:
            return {}
        named = ((_path(k), b) for k, b in found)
        return {p: b for p, b in named if p is not None and type(b) is bytes}

    def keys(self) -> dict[str, str | None]:
        """Every row's ``keys`` column, by path, unverified: the caller compares each one's
        digest (:func:`keys_digest`) with its authenticated row's ``kdig``."""
        if self.db is None:
            return {}
        try:
            found = self.db.execute("SELECT path, keys FROM notes").fetchall()
        except sqlite3.Error:
            return {}
        named = ((_path(k), t) for k, t in found)
        return {p: t for p, t in named if p is not None and type(t) in (str, type(None))}

    def _generation(self) -> int:
        assert self.db is not None
        found = self.db.execute("SELECT value FROM meta WHERE name = 'generation'").fetchone()
        return found[0] if found is not None and type(found[0]) is int else 0

    def meta(self, name: str) -> Any:
        """An authenticated meta value (unpickled), or None."""
        if self.db is None:
            return None
        try:
            return load_blob(self._authentic(name, (), ("meta", name)))
        except sqlite3.Error:
            return None

    # -- writing ----------------------------------------------------------------------------
    def save(
        self,
        rows: dict[str, Row] | Iterable[tuple[str, Row]],
        stale: list[str],
        deleted: list[str],
        meta: dict[str, Any],
        late_meta: Callable[[], dict[str, Any]] | None = None,
    ) -> bool:
        """Write ``rows`` (a mapping, or (path, row) pairs made as they are written: a run
        need not hold every row at once), empty the ``ctx`` of the rows of ``stale`` (none
        of ``rows``), delete the rows of ``deleted`` and set ``meta`` and what ``late_meta``
        gives once the rows are written, in one transaction — only if nobody wrote since
        :meth:`load`. Returns whether it was written."""
        if self.db is None or self.readonly:
            return False
        if isinstance(rows, dict):
            if not (rows or stale or deleted or meta or late_meta):
                return True
            given: Iterable[tuple[str, Row]] = rows.items()
        else:
            given = rows
        db = self.db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                if self._generation() != self.generation:
                    db.execute("ROLLBACK")
                    return False
                if deleted:
                    db.executemany(
                        "DELETE FROM notes WHERE path = ?", [(_key(p),) for p in deleted]
                    )
                loaded = self._loaded
                recorder = manifest.Recorder(None if loaded is None else dict(loaded))
                final = recorder.final
                emptied: list[tuple[str, Row]] = []
                if final is not None:
                    for path in deleted:
                        final.pop(path, None)
                    # (made from the rows read, under their MACs, never from the table's
                    # columns as they are now)
                    emptied = [(p, final[p].but(ctx=b"")) for p in stale if p in final]
                    if isinstance(rows, dict):
                        emptied = [(p, r) for p, r in emptied if p not in rows]
                    final.update(emptied)
                    self._write_rows(iter(emptied))
                    given = recorder.rows(given)
                    stale = []
                # stale rows this store did not read under their MACs (no load before the
                # save) are removed, never given a MAC made over what the table holds now
                db.executemany(
                    "DELETE FROM notes WHERE path = ?",
                    [(_key(p),) for p in stale if not (isinstance(rows, dict) and p in rows)],
                )
                self._write_rows(iter(given))
                if late_meta is not None:
                    meta = {**meta, **late_meta()}
                final = recorder.final  # (None when the save wrote too many rows to keep)
                if final is not None and meta.get("complete") is not None:
                    self._drop_foreign_found(final)
                for name, value in meta.items():
                    self._put_meta(name, encode(value), (), "meta", name)
                if final is not None:
                    changed = set(deleted).union(recorder.written, (p for p, _ in emptied))
                    self._write_manifest(loaded, final, changed)  # type: ignore[arg-type]
                else:  # (one of another generation is not read: its MAC says which)
                    db.execute(
                        "DELETE FROM meta WHERE name IN (?, ?)", (manifest.BASE, manifest.CHANGES)
                    )
                    self._manifest_base, self._delta, self._deleted = None, set(), set()
                    self.census = None
                db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('generation', ?, NULL)",
                    (self.generation + 1,),
                )
                db.execute("COMMIT")
                self.generation += 1
                self._loaded = final
                return True
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
        except (sqlite3.Error, OverflowError, struct.error) as exc:
            if isinstance(exc, sqlite3.Error):
                self._reset(exc)
            return False

    def _drop_foreign_found(self, final: dict[str, Row]) -> None:
        """Delete the rows with findings the table holds beyond ``final`` (the rows after this
        save: every row read under a MAC, and those written): rows no run of ours made or none
        this store could authenticate (planted, or left by a lost key). The ``complete``
        marker's digest is of ``final``'s rows with findings, and the warm path reads every
        row with findings: one such row left would make every warm run miss. One count over
        the ``found`` index tells (as a rule, equal); the paths are read only when it differs."""
        assert self.db is not None
        held = len(final) - list(map(_RESULT, final.values())).count(None)
        (count,) = self.db.execute("SELECT count(*) FROM notes WHERE result IS NOT NULL").fetchone()
        if count == held:
            return
        ours = {_key(path) for path, row in final.items() if row.result is not None}
        found = self.db.execute("SELECT path FROM notes WHERE result IS NOT NULL").fetchall()
        self.db.executemany(
            "DELETE FROM notes WHERE path = ?", [(k,) for (k,) in found if k not in ours]
        )

    def _write_rows(self, rows: Iterator[tuple[str, Row]]) -> None:
        """Write rows in batches of :data:`_BATCH` (a row with a summary whole, one without
        its other columns), each batch made when it is written (each row's columns unpacked
        once, not looked up by name: a first run writes every note's row)."""
        assert self.db is not None
        mac = self._row_mac
        while True:
            batch = list(itertools.islice(rows, _BATCH))
            if not batch:
                return
            whole = []
            partial = []
            for p, r in batch:
                (size, mtime, ino), dig, summary, ctx, result, sdig, tags, aliases, keys, kdig = r
                mac_of = mac(p, r)
                if summary is not None:
                    key = _key(p)
                    whole.append(
                        (
                            key,
                            size,
                            mtime,
                            ino,
                            dig,
                            sdig,
                            summary,
                            ctx,
                            result,
                            tags,
                            aliases,
                            keys,
                            kdig,
                            mac_of,
                        )
                    )
                else:
                    partial.append(
                        (
                            size,
                            mtime,
                            ino,
                            dig,
                            sdig,
                            ctx,
                            result,
                            tags,
                            aliases,
                            kdig,
                            mac_of,
                            _key(p),
                        )
                    )
            self.db.executemany(
                "INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                whole,
            )
            self.db.executemany(
                "UPDATE notes SET size = ?, mtime = ?, ino = ?, digest = ?, sdig = ?, ctx = ?,"
                " result = ?, tags = ?, aliases = ?, kdig = ?, mac = ? WHERE path = ?",
                partial,
            )
