"""Regular expressions compiled when they are first used, for patterns a run may never need.

A module-level ``re.compile`` runs when its module is imported, by every run: 50–600 µs for a
long pattern. A pattern that only a rare input reaches (an HTML block, a cache folder left by
an older version) is a :class:`LazyPattern` instead: the same ``match``, ``fullmatch`` and
``search``, compiled by the first call. (A pattern used on every note gains nothing from this
and stays compiled at import.)
"""

from __future__ import annotations

import re


class LazyPattern:
    """``re.compile(pattern, flags)``, made by the first ``match``/``fullmatch``/``search``."""

    __slots__ = ("_compiled", "_flags", "_pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        found = self._compiled
        if found is None:
            found = self._compiled = re.compile(self._pattern, self._flags)
        return found

    def match(self, string: str, *args: int) -> re.Match[str] | None:
        return self.compiled().match(string, *args)

    def fullmatch(self, string: str, *args: int) -> re.Match[str] | None:
        return self.compiled().fullmatch(string, *args)

    def search(self, string: str, *args: int) -> re.Match[str] | None:
        return self.compiled().search(string, *args)
