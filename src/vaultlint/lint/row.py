"""A note's row of the incremental state (:mod:`vaultlint.lint.store`), and its columns'
encodings: what the state's reader, its manifest (:mod:`vaultlint.lint.manifest`) and the
runs that use the rows share."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from vaultlint.lint.cache import digest


class _Columns(NamedTuple):
    stat: tuple[int, int, int]
    digest: bytes
    summary: bytes | None
    ctx: bytes
    result: bytes | None
    sdig: bytes = b""
    tags: str | None = None
    aliases: str | None = None
    keys: str | None = None
    #: the digest of ``keys`` (:func:`keys_digest`), made again with the summary
    kdig: bytes = b""


class Row(_Columns):
    """One note's row, authenticated (blobs still encoded). A row read from the database has
    no ``summary`` (None) until ``Store.summaries`` reads it; ``sdig`` is its digest.
    ``tags`` and ``aliases``: the summary's tag spellings and aliases, one a line
    (:func:`lines_text`; None: not known), what a lazy index counts a tag's spellings and
    finds aliases with (lint/lazy.py); ``keys``: its dependency keys (lint/depends.py), what
    a run finds the notes a change affects with — a row read from the database has none
    (None), only their digest ``kdig``: ``Store.keys`` reads them when a run needs them.

    A tuple (read-only): a row made with its summary gets the summary's digest (unless
    given) and its keys' digest; :data:`make_row` (what ``Store.load`` makes every row
    with, in C) takes the columns as they are.
    """

    __slots__ = ()

    def __new__(
        cls,
        stat: tuple[int, int, int],
        digest: bytes,
        summary: bytes | None,
        ctx: bytes,
        result: bytes | None,
        sdig: bytes = b"",
        tags: str | None = None,
        aliases: str | None = None,
        keys: str | None = None,
        kdig: bytes = b"",
    ) -> Row:
        if summary is not None:
            sdig = sdig or summary_digest(summary)
            kdig = keys_digest(keys)
        return tuple.__new__(
            cls, (stat, digest, summary, ctx, result, sdig, tags, aliases, keys, kdig)
        )

    def but(self, **changes: Any) -> Row:
        """A copy with some columns changed (the summary and its digest kept; the keys'
        digest made again when the row has its summary and the summary or the keys change).
        Other columns are replaced as they are (``_replace``, no digest made again: a row
        holding its summary was made by :class:`Row`, so its ``kdig`` is its keys' digest
        already; every row of a first run is changed so, once)."""
        if "summary" in changes or "keys" in changes:
            return Row(**{**self._asdict(), **changes})
        return self._replace(**changes)


#: a row of its columns as they are (``Row._make`` without its Python frame: in C)
make_row = functools.partial(tuple.__new__, Row)


def lines_text(items: tuple[str, ...]) -> str | None:
    """A summary's tag spellings or aliases as the ``tags`` and ``aliases`` columns keep them
    (one a line); None when one cannot be kept so (empty, holding a line break, not UTF-8:
    the column says "not known")."""
    if not all(items):
        return None
    text = "\n".join(items)
    if items and text.count("\n") != len(items) - 1:  # (an item holds one: C, no loop)
        return None
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return None
    return text


def lines_of(text: str) -> tuple[str, ...]:
    """The items of a ``tags`` or ``aliases`` column (:func:`lines_text` undone)."""
    return tuple(text.split("\n")) if text else ()


#: the ``sdig`` of a summary blob (the caches' BLAKE2b-16 of bytes)
summary_digest = digest


def keys_digest(keys: str | None) -> bytes:
    """The ``kdig`` of a ``keys`` column (empty when it is NULL)."""
    return b"" if keys is None else digest(keys.encode())
