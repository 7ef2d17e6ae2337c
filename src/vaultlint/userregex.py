"""Regular expressions that users write in rules, matched with a time limit.

A pattern such as ``(a+)+$`` backtracks exponentially on a hostile tag (``#aaa…ab``); Python's
``re`` cannot be interrupted, so one note could hang every commit. User patterns are compiled
with the ``regex`` module (compatible with ``re`` syntax) and every match gets a time limit:
a match that runs out of time is reported as a finding, and the rule stops using the pattern
on that note. A time limit per match is not enough on its own (``(a|a)*$`` against 60 tags
is 60 s), so each compiled pattern also has a budget for the whole run: once its matches
have taken :data:`RUN_BUDGET` seconds in a process, every further match fails at once, and
the finding says the budget is spent.
"""

from __future__ import annotations

import time
from typing import Any

#: seconds one match of a user pattern may take
TIMEOUT = 1.0
#: the largest compiled size (repetitions expanded) a user pattern may have: ``a{1000}`` is
#: 1,000; ``((a{1000}){1000}){1000}`` would be 10**9 (7.8 GB for ``regex`` to compile)
MAX_COMPILED = 100_000
#: seconds all matches of one user pattern may take in one run (per process)
RUN_BUDGET = 10.0


class PatternError(ValueError):
    """The text is not a valid regular expression."""


def compile_pattern(text: str) -> Any:
    """Compile a user's regular expression (``re`` syntax); raises :class:`PatternError`."""
    import regex  # only configurations with patterns pay for importing it

    size = compiled_size(text)
    if size > MAX_COMPILED:
        raise PatternError(
            f"its repetitions expand to about {size} items (more than {MAX_COMPILED}); "
            "use fewer or smaller {n} counts"
        )
    try:
        return UserPattern(regex.compile(text, regex.VERSION0))
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        raise PatternError(str(exc)) from None


class UserPattern:
    """A compiled user pattern whose matches share one time budget for the run.

    ``search``, ``fullmatch`` and ``finditer`` (which returns a list) take the per-match
    ``timeout`` and raise :class:`TimeoutError` when it, or the run's budget, runs out."""

    __slots__ = ("_compiled", "_spent", "groupindex", "pattern")

    def __init__(self, compiled: Any):
        self._compiled = compiled
        self._spent = 0.0
        self.pattern: str = compiled.pattern
        self.groupindex: dict[str, int] = dict(compiled.groupindex)

    @property
    def exhausted(self) -> bool:
        return self._spent >= RUN_BUDGET

    def _run(self, method: str, text: str, timeout: float) -> Any:
        left = RUN_BUDGET - self._spent
        if left <= 0:
            raise TimeoutError(self.pattern)
        start = time.perf_counter()
        try:
            found = getattr(self._compiled, method)(text, timeout=min(timeout, left))
            return list(found) if method == "finditer" else found
        finally:
            self._spent += time.perf_counter() - start

    def search(self, text: str, timeout: float = TIMEOUT) -> Any:
        return self._run("search", text, timeout)

    def fullmatch(self, text: str, timeout: float = TIMEOUT) -> Any:
        return self._run("fullmatch", text, timeout)

    def finditer(self, text: str, timeout: float = TIMEOUT) -> list[Any]:
        return self._run("finditer", text, timeout)


def too_slow(pattern: Any) -> str:
    if getattr(pattern, "exhausted", False):
        return (
            f"the pattern '{pattern.pattern}' used up its time budget for this run "
            f"({RUN_BUDGET:g} s; it backtracks catastrophically); simplify the regular expression"
        )
    return (
        f"the pattern '{pattern.pattern}' took more than {TIMEOUT:g} s here (it backtracks "
        "catastrophically); simplify the regular expression"
    )


def compiled_size(text: str) -> int:
    """An upper estimate of a pattern's compiled size: bounded repetitions multiply the size of
    what they repeat (measured on Python's own parse of the pattern, which expands nothing);
    a pattern ``re`` cannot parse (``regex``-only syntax) is estimated from its ``{n}`` counts."""
    import re

    try:
        from re import _parser as parser  # type: ignore[attr-defined]

        tree = parser.parse(text)
    except Exception:
        product = 1
        for low, high in re.findall(r"\{(\d*),?(\d*)\}", text):
            product *= max(int(low or 0), int(high or 0), 1)
        return product * max(len(text), 1)
    return _size(tree, parser)


def _size(items, parser) -> int:  # type: ignore[no-untyped-def]
    total = 0
    for op, av in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = av
            count = low if high == parser.MAXREPEAT else high
            total += max(count, 1) * _size(sub, parser)
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            total += _size(av[-1], parser)
        elif name == "BRANCH":
            total += sum(_size(alt, parser) for alt in av[1])
        elif name in ("ASSERT", "ASSERT_NOT"):
            total += _size(av[1], parser)
        else:
            total += 1
        if total > 10 * MAX_COMPILED:
            return total
    return total
