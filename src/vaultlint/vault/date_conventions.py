"""The date format a vault's note bodies write dates in: the ``date-format`` rule ``vaultlint
init`` writes (dates in properties are typed by :mod:`vaultlint.vault.conventions`).

A date in a body is what :func:`date_pattern` finds, on the lines the ``date-format`` check
searches (not in code, math or YAML blocks): a day with a four-digit year, written
``2025-03-14``, ``2025/03/14``, ``14.03.2025``, ``14/03/2025``, ``03/14/2025``, ``14-03-2025``,
``14 March 2025``, ``March 14, 2025`` (or with the month abbreviated), or a month of a year,
``March 2025``, ``Mar 2025`` or ``2025-03`` (not ``2023-24``, a span of years); standing
alone (not part of a path, a URL, a version or a date and time such as ``2025-03-14T10:30``),
and not right after a quote or a backtick, where it is a string of an example or of code
(``date("2025-01-01")``). Of the formats
:data:`DAY_FORMATS` (for days) and :data:`MONTH_FORMATS` (for months), the one that the most
notes write every one of their dates of that kind in is the vault's, when it holds
(:func:`~vaultlint.vault.conventions.holds`) over the notes that have such dates: the scan
after ``init`` then reports the dates of the notes that write them otherwise. A kind of date
whose format does not hold is left out of the rule's pattern (not reported).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from vaultlint.model import Note
from vaultlint.parse.property_values import strftime_problem

_MONTH = (
    "(?:January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
)
#: a day with a four-digit year, in any of the shapes of :data:`DAY_FORMATS`
DAY_DATE = (
    r"\d{4}-\d\d?-\d\d?|\d{4}/\d\d?/\d\d?|\d\d?[./-]\d\d?[./-]\d{4}"
    rf"|\d\d? {_MONTH} \d{{4}}|{_MONTH} \d\d?, \d{{4}}"
)
#: a month of a year (``March 2025``, ``2025-03``), not the end of a day (``14 March 2025``)
MONTH_DATE = rf"(?<!\d )(?:{_MONTH} \d{{4}}|\d{{4}}-(?:0[1-9]|1[0-2]))"
_BEFORE = r"""(?<![\w/.:"'`-])"""
_AFTER = r"(?![\w/-]|[.:]\d)"
#: the formats tried for days and for months, the vault's default first (a tie goes to the
#: earlier one)
DAY_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
)
MONTH_FORMATS = ("%Y-%m", "%B %Y", "%b %Y")
#: blocks the ``date-format`` check does not search
_OPAQUE = frozenset({"code", "math", "yaml"})
_FIND = re.compile(f"{_BEFORE}(?P<date>(?P<day>{DAY_DATE})|(?P<month>{MONTH_DATE})){_AFTER}")


def date_pattern(days: bool, months: bool) -> str:
    """The ``pattern`` of a ``date-format`` rule that finds days, months or both."""
    parts = ([DAY_DATE] if days else []) + ([MONTH_DATE] if months else [])
    return f"{_BEFORE}(?P<date>{'|'.join(parts)}){_AFTER}"


@dataclass(frozen=True)
class FormatFit:
    format: str
    follow: tuple[str, ...]  # the notes whose every date (of that kind) is in ``format``
    miss: tuple[str, ...]  # the notes with a date (of that kind) written otherwise


def body_dates(note: Note) -> Iterator[tuple[str, str]]:
    """The dates in the note's body, as ``("day" or "month", text)``, found on the lines the
    ``date-format`` check searches."""
    text = note.text
    opaque = sorted(s.span for s in note.sections if s.type in _OPAQUE)
    opaque_starts = [s.start for s in opaque]
    starts = note.line_starts
    first = bisect.bisect_left(starts, note.body_start)
    for li in range(first, len(starts)):
        ls = starts[li]
        k = bisect.bisect_right(opaque_starts, ls) - 1
        if k >= 0 and ls < opaque[k].end:
            continue
        le = starts[li + 1] if li + 1 < len(starts) else len(text)
        line = text[ls:le]
        if not any(c.isdigit() for c in line):
            continue
        for m in _FIND.finditer(line.rstrip("\r\n")):
            yield ("day" if m.group("day") is not None else "month"), m.group("date")


def best_formats(notes: Sequence[Note]) -> dict[str, FormatFit]:
    """For days and for months: the format that the most notes writing such dates in their
    body write all of them in (a kind no note writes is left out). Whether it is a convention
    is the caller's :func:`~vaultlint.vault.conventions.holds`."""
    dated: dict[str, list[tuple[str, set[str]]]] = {"day": [], "month": []}
    for note in notes:
        found: dict[str, set[str]] = {"day": set(), "month": set()}
        for kind, text in body_dates(note):
            found[kind].add(text)
        for kind, texts in found.items():
            if texts:
                dated[kind].append((note.path, texts))
    best: dict[str, FormatFit] = {}
    for kind, formats in (("day", DAY_FORMATS), ("month", MONTH_FORMATS)):
        for fmt in formats if dated[kind] else ():
            follow = tuple(p for p, texts in dated[kind] if all(_fits(t, fmt) for t in texts))
            if kind not in best or len(follow) > len(best[kind].follow):
                kept = set(follow)
                miss = tuple(sorted(p for p, _ in dated[kind] if p not in kept))
                best[kind] = FormatFit(fmt, follow, miss)
    return best


def _fits(text: str, fmt: str) -> bool:
    return strftime_problem(text, fmt) is None
