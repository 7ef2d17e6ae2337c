"""The ``encoding`` check: text garbled by a wrong decoding (mojibake), and notes not in UTF-8."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from vaultlint.checks.base import Check, CheckContext, DocExample
from vaultlint.diagnostic import Diagnostic, Edit, Fix
from vaultlint.model import Note, Span

# Mojibake of UTF-8 read as Windows-1252 or Latin-1 always holds a lead byte (Â..ô) followed by
# a continuation byte shown as a C1 or Windows-1252 character: a cheap test before ftfy's own.
#: the continuation bytes as Windows-1252 or Latin-1 shows them
_CONTINUATION = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122"
)
_SUSPECT = re.compile(f"[\u00c2-\u00f4](?:[{_CONTINUATION}]|(?<=\u00c3) )")


def _expand(ranges: str) -> tuple[str, ...]:
    """Every character of a character class's ranges (``a-z`` and single characters)."""
    out: list[str] = []
    i = 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            out.extend(map(chr, range(ord(ranges[i]), ord(ranges[i + 2]) + 1)))
            i += 3
        else:
            out.append(ranges[i])
            i += 1
    return tuple(out)


#: a note holding none of these cannot match _SUSPECT (the second character it needs)
_NEEDED = ("\u00c3", *_expand(_CONTINUATION))
#: the bytes of Latin-1 text that are not in _NEEDED (deleted, what is left are needed ones)
_NOT_NEEDED = bytes(b for b in range(256) if chr(b) not in _NEEDED)


def first_suspect(text: str) -> re.Match[str] | None:
    """The first match of _SUSPECT in ``text``. Text within Latin-1 (most accented text) is
    first asked, in two C passes (its Latin-1 bytes, then those of _NEEDED among them), whether
    it holds a character the match needs: the regex's scan for its first character class costs
    ~50 instructions a character, and accented text is full of lead bytes. Other text is
    searched at once (the same test on its UTF-8 was measured slower than the search)."""
    try:
        latin = text.encode("latin-1")
    except UnicodeEncodeError:
        return _SUSPECT.search(text)
    return _SUSPECT.search(text) if latin.translate(None, _NOT_NEEDED) else None


def _first_difference(a: str, b: str) -> tuple[int, int, int]:
    """Where ``a`` and ``b`` differ: (start, end in a, end in b), trimming common ends."""
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    return start, end_a, end_b


class MojibakeCheck(Check):
    """Text garbled by a wrong encoding, such as `2028â€“2029` for `2028–2029`.

    ## What it does
    Finds lines whose characters are the UTF-8 bytes of other characters decoded as Windows-1252
    or Latin-1 (detected with `ftfy`, which is conservative: ordinary accented, Cyrillic or CJK
    text is not flagged), and says what the text should read. A note that is not valid UTF-8 at
    all is reported at its first undecodable byte.

    ## Why
    Mojibake creeps in when notes pass through a tool that guessed the wrong encoding (an export,
    a copy from a PDF, a sync client). It is easy to miss in the editor and ugly when published.

    ## Example
    `Planned for 2028â€“2029` is reported; `Café résumé, Привет, 日本語` is not.

    ## Options
    None.
    """

    name = "encoding"
    summary = "Text garbled by a wrong encoding (mojibake), or a note that is not UTF-8."
    examples = (
        DocExample(
            "an en dash decoded as Windows-1252",
            {"Note.md": "Planned for 2028â€“2029\n"},
            {},
            ((1, 17),),
        ),
        DocExample(
            "accented and non-Latin text is fine",
            {"Note.md": "Café résumé, Привет, 日本語\n"},
            {},
            (),
        ),
    )

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        for problem in note.problems:
            if problem.code == "encoding":
                yield ctx.diagnostic(note, problem.span, problem.message)
        text = note.text
        if text.isascii():
            return
        first = first_suspect(text)
        if first is None:
            return
        from ftfy import fix_encoding  # imported only for notes that may be garbled
        from ftfy.badness import is_bad

        starts = note.line_starts
        first_line = bisect.bisect_right(starts, first.start()) - 1
        for i in range(first_line, len(starts)):
            start = starts[i]
            end = starts[i + 1] if i + 1 < len(starts) else len(text)
            line = text[start:end]
            if _SUSPECT.search(line) is None or not is_bad(line):
                continue
            fixed = fix_encoding(line)
            if fixed == line:
                continue
            a, end_a, end_b = _first_difference(line, fixed)
            garbled, meant = line[a:end_a], fixed[a:end_b]
            span = Span(start + a, start + end_a)
            yield ctx.diagnostic(
                note,
                span,
                f"garbled text '{garbled.strip()}' (wrong encoding); "
                f"it should read '{meant.strip()}'",
                fix=Fix(f"replace with '{meant}'", (Edit(span.start, span.end, meant),), "unsafe"),
            )
