""":class:`Span`, apart from :mod:`vaultlint.model`: a finding keeps one, and a run answered from
the cache reads findings without importing the note model (``vaultlint.model.Span`` is this)."""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """Half-open range ``[start, end)`` of character offsets into a note's text."""

    start: int
    end: int
