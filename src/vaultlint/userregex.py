"""Regular expressions that users write in rules, matched with a time limit.

A pattern such as ``(a+)+$`` backtracks exponentially on a hostile tag (``#aaa…ab``); Python's
``re`` cannot be interrupted, so one note could hang every commit. User patterns are compiled
with the ``regex`` module (compatible with ``re`` syntax) and every match gets a time limit:
a match that runs out of time is reported as a finding, and the rule stops using the pattern
on that note.
"""

from __future__ import annotations

from typing import Any

#: seconds one match of a user pattern may take
TIMEOUT = 1.0


class PatternError(ValueError):
    """The text is not a valid regular expression."""


def compile_pattern(text: str) -> Any:
    """Compile a user's regular expression (``re`` syntax); raises :class:`PatternError`."""
    import regex  # only configurations with patterns pay for importing it

    try:
        return regex.compile(text, regex.VERSION0)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        raise PatternError(str(exc)) from None


def too_slow(pattern: Any) -> str:
    return (
        f"the pattern '{pattern.pattern}' took more than {TIMEOUT:g} s here (it backtracks "
        "catastrophically); simplify the regular expression"
    )
