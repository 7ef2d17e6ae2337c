"""The ``encoding`` check: text garbled by a wrong decoding (mojibake), and notes not in UTF-8."""

from __future__ import annotations

from collections.abc import Iterator

from vaultlint.checks.base import Check, CheckContext, DocExample
from vaultlint.diagnostic import Diagnostic, Edit, Fix
from vaultlint.model import Note, Span


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
        from ftfy import fix_encoding
        from ftfy.badness import is_bad

        if not is_bad(text):  # one search over the whole note; lines only when it is bad
            return

        starts = note.line_starts
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(text)
            line = text[start:end]
            if line.isascii() or not is_bad(line):
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
                f"garbled text '{garbled.strip()}' (wrong encoding); it should read '{meant.strip()}'",
                fix=Fix(f"replace with '{meant}'", (Edit(span.start, span.end, meant),), "unsafe"),
            )
