"""How a note's summary and outcome are kept in its row of the state
(:mod:`vaultlint.lint.store`), and read back.

A summary is marshalled (:func:`~vaultlint.lint.store.encode_plain`: no constructor runs when
it is read, and reading is ten times cheaper than unpickling) without what the row's other
columns hold: its path is the row's key, its tag spellings and aliases are the ``tags`` and
``aliases`` columns (kept in the blob only when those are NULL: a tag or alias one line cannot
hold), its dependency keys are the ``keys`` column and are computed again when it is decoded
(state ``k6``: they were stored twice). An outcome (findings and unresolved links) is
marshalled as plain values too (:mod:`vaultlint.lint.outcomes`, state ``k9``: it was pickled
and read with the allow-listed unpickler); a note without findings has none (NULL).
"""

from __future__ import annotations

from typing import Any

from vaultlint.lint.cache import StatKey
from vaultlint.lint.depends import note_keys
from vaultlint.lint.outcomes import encode_outcome
from vaultlint.lint.row import make_row
from vaultlint.lint.store import (
    Outcome,
    Row,
    encode_plain,
    keys_digest,
    lines_of,
    lines_text,
    load_plain,
    summary_digest,
)
from vaultlint.model import NoteSummary

_STR = frozenset({str})


def is_summary(value: Any) -> bool:
    """Whether a stored summary has the shape of a :class:`NoteSummary` (plain tuple)."""
    if type(value) not in (tuple, NoteSummary) or len(value) != 6 or type(value[0]) is not str:
        return False
    _, headings, blocks, tags, aliases, links = value
    if not (type(headings) is type(blocks) is type(tags) is type(aliases) is type(links) is tuple):
        return False
    if not _STR.issuperset(map(type, blocks + tags + aliases + links)):
        return False
    for h in headings:
        if type(h) is not tuple or len(h) != 2 or type(h[0]) is not int or type(h[1]) is not str:
            return False
    return True


def decode_summary(
    path: str, blob: bytes | None, row: Row
) -> tuple[NoteSummary, tuple[str, ...]] | None:
    """(summary, dependency keys) of the note at ``path`` from its row: the summary blob
    (:func:`summary_blob`) and the ``tags`` and ``aliases`` columns it leaves out (its keys
    computed again, :func:`note_keys`);
    None when the blob is not the one the row was written with (``row.sdig``) or has the
    wrong shape."""
    if blob is None or summary_digest(blob) != row.sdig:
        return None
    value = load_plain(blob)
    if type(value) is not tuple or len(value) != 5:
        return None
    headings, blocks, links, tags, aliases = value
    if tags is None and row.tags is not None:
        tags = lines_of(row.tags)
    if aliases is None and row.aliases is not None:
        aliases = lines_of(row.aliases)
    summary = (path, headings, blocks, tags, aliases, links)
    if not is_summary(summary):
        return None
    made = NoteSummary._make(summary)
    return made, note_keys(made)


def summary_blob(summary: NoteSummary, tags: str | None, aliases: str | None) -> bytes:
    """A summary as its row keeps it: marshalled (:func:`~vaultlint.lint.store.encode_plain`:
    unpickling costs ten times more), without what the row holds already — its path (the
    row's key), its tag spellings and aliases when the ``tags`` and ``aliases`` columns hold
    them (``tags``, ``aliases``: those columns; None there, the blob keeps them), its
    dependency keys (the ``keys`` column; computed again when it is decoded).
    :func:`decode_summary` puts it together again."""
    return encode_plain(
        (
            summary.headings,
            summary.blocks,
            summary.links,
            tuple(summary.tags) if tags is None else None,
            tuple(summary.aliases) if aliases is None else None,
        )
    )


def whole_row(stat: StatKey, content: bytes, summary: NoteSummary) -> Row:
    """A note's new row: its summary (and its tags, aliases and dependency keys, and their
    digests), no result yet; made as :class:`Row` makes it, without its Python frame."""
    tags, aliases = lines_text(summary.tags), lines_text(summary.aliases)
    keys = lines_text(note_keys(summary))
    blob = summary_blob(summary, tags, aliases)
    sdig, kdig = summary_digest(blob), keys_digest(keys)
    return make_row((stat, content, blob, b"", None, sdig, tags, aliases, keys, kdig))


def outcome_blob(outcome: Outcome) -> bytes | None:
    """A note's outcome as its row's ``result`` keeps it (None: no findings, no unresolved
    link): :func:`vaultlint.lint.outcomes.encode_outcome`."""
    return encode_outcome(outcome)
