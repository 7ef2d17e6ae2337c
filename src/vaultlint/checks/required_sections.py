"""The ``required-sections`` check: notes must have the listed headings (in order, not empty)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vaultlint.checks.base import Check, CheckContext, DocExample, option
from vaultlint.diagnostic import Diagnostic
from vaultlint.model import Heading, Note

_WS = re.compile(r"\s+")
# Text that Obsidian does not show in reading view, so it is not content of a section.
_HIDDEN = re.compile(r"%%.*?(?:%%|\Z)|<!--.*?(?:-->|\Z)", re.DOTALL)
# Block types that are not content by themselves (a sub-heading, a horizontal rule).
_NOT_CONTENT = frozenset({"heading", "thematicBreak", "yaml"})


def normalize_section(text: str) -> str:
    """A heading text as ``sections`` options compare it: trimmed, one space, case-folded."""
    return _WS.sub(" ", text).strip().casefold()


def section_end(note: Note, index: int) -> int:
    """Offset where the body of ``note.headings[index]`` ends: the next heading of its level or
    higher (a smaller or equal level number), or the end of the note."""
    level = note.headings[index].level
    for heading in note.headings[index + 1 :]:
        if heading.level <= level:
            return heading.span.start
    return len(note.text)


def find_sections(note: Note, wanted: Iterable[str], level: int | None = None) -> dict[str, int]:
    """The index in ``note.headings`` of the first heading matching each normalised text."""
    wanted_set = set(wanted)
    found: dict[str, int] = {}
    for i, heading in enumerate(note.headings):
        if level is not None and heading.level != level:
            continue
        key = normalize_section(heading.text)
        if key in wanted_set and key not in found:
            found[key] = i
    return found


def has_content(note: Note, start: int, end: int) -> bool:
    """Whether ``note.text[start:end]`` holds a block a reader would see (see the docs)."""
    for sec in note.sections:
        if sec.span.end <= start or sec.span.start >= end or sec.type in _NOT_CONTENT:
            continue
        text = note.text[max(sec.span.start, start) : min(sec.span.end, end)]
        if _HIDDEN.sub("", text).strip():
            return True
    return False


def _kept_in_order(positions: Sequence[int]) -> set[int]:
    """Indexes of a longest increasing subsequence of ``positions``; among equally long ones,
    the one that keeps the earliest-listed sections (so the fewest sections are reported)."""
    n = len(positions)
    longest_from = [1] * n
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n):
            if positions[j] > positions[i]:
                longest_from[i] = max(longest_from[i], 1 + longest_from[j])
    need = max(longest_from, default=0)
    kept: set[int] = set()
    last = -1
    for i in range(n):
        if need and positions[i] > last and longest_from[i] == need:
            kept.add(i)
            last = positions[i]
            need -= 1
    return kept


@dataclass(frozen=True)
class RequiredSectionsOptions:
    sections: tuple[str, ...] = field(
        metadata={
            "doc": "Heading texts the note must have (required). Compared after trimming, "
            "collapsing inner whitespace and case-folding: `way  forward` matches `Way Forward`."
        }
    )
    level: int | None = option(
        None, doc="Heading level (1–6) the sections must have; absent: any level counts."
    )
    order: bool = option(False, doc="The listed sections must appear in the order listed.")
    non_empty: bool = option(
        False,
        doc="Each listed section needs some content before the next heading of its level or "
        "higher. Comments (`%% … %%`, `<!-- … -->`), horizontal rules, blank lines and "
        "sub-headings alone do not count; anything under a sub-heading does.",
    )


class RequiredSectionsCheck(Check):
    """Notes must have the listed sections (headings), optionally in order and not empty.

    ## What it does
    Looks for a heading with each text in `sections` (case-insensitive, whitespace-insensitive;
    with `level`, only headings of that level count). Reports each missing section at line 1,
    column 1. With `order: true`, reports each section that is out of place, at its heading:
    vaultlint keeps the longest run of sections that are already in order and reports the
    others, saying which section each should come after. With `non_empty: true`, reports each
    listed section that has no content before the next heading of its level or higher, at its
    heading. When a section heading appears twice, the first one counts.

    ## Why
    Notes of one kind (schemes, meetings, papers) are easier to read, compare and query when
    they share a structure. A template helps when a note is created; this check keeps the
    structure as notes are edited, renamed and imported.

    ## Example
    ```yaml
    scheme-sections:
      check: required-sections
      sections: [Objective, Features, Way Forward]
      level: 3
      order: true
    ```
    A scheme note without `### Way Forward` is reported at 1:1 (`missing section 'Way Forward'
    (### heading)`); one whose `### Features` comes before `### Objective` is reported at the
    `Objective` heading.

    ## Options
    A section whose body holds only `%% comments %%`, `<!-- comments -->`, blank lines, a
    horizontal rule or empty sub-headings counts as empty for `non_empty`; text, a list, a
    table, a code block, an embed or a callout counts as content, also under a sub-heading.
    """

    name = "required-sections"
    summary = "Notes must have the listed sections (headings), optionally in order and not empty."
    Options = RequiredSectionsOptions
    examples = (
        DocExample(
            "a missing section",
            {"Note.md": "### Objective\nExplore.\n### Features\nA rover.\n"},
            {"sections": ["Objective", "Features", "Way Forward"], "level": 3},
            ((1, 1),),
        ),
        DocExample(
            "all sections, any case and spacing",
            {"Note.md": "## objective\nx\n## Way   Forward\ny\n"},
            {"sections": ["Objective", "Way Forward"]},
            (),
        ),
        DocExample(
            "a section out of order",
            {"Note.md": "# Plan\n## Features\nx\n## Objective\ny\n"},
            {"sections": ["Objective", "Features"], "order": True},
            ((2, 1),),
        ),
        DocExample(
            "an empty section (a comment is not content)",
            {"Note.md": "## Objective\n%% todo %%\n## Features\nx\n"},
            {"sections": ["Objective", "Features"], "non_empty": True},
            ((1, 1),),
        ),
    )

    def validate_options(
        self, options: RequiredSectionsOptions, vault: Path
    ) -> Iterator[tuple[str, str]]:
        if options.level is not None and not 1 <= options.level <= 6:
            yield "level", f"level must be between 1 and 6, not {options.level}"
        if not options.sections:
            yield "sections", "list at least one section"
        seen: dict[str, str] = {}
        for text in options.sections:
            key = normalize_section(text)
            if not key:
                yield "sections", "a section name is empty"
            elif key in seen:
                yield "sections", f"'{text}' is listed twice (same as '{seen[key]}')"
            else:
                seen[key] = text

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        opts: RequiredSectionsOptions = ctx.options
        listed = [(text.strip(), normalize_section(text)) for text in opts.sections]
        found = find_sections(note, (key for _, key in listed), opts.level)
        marks = "#" * opts.level + " heading" if opts.level else ""
        for text, key in listed:
            if key not in found:
                where = f" ({marks})" if marks else ""
                yield ctx.note_diagnostic(note, f"missing section '{text}'{where}")
        present = [(text, found[key]) for text, key in listed if key in found]
        if opts.order:
            yield from self._check_order(note, ctx, present)
        if opts.non_empty:
            for text, i in present:
                heading = note.headings[i]
                if not has_content(note, heading.span.end, section_end(note, i)):
                    yield ctx.diagnostic(note, heading.span, f"section '{text}' is empty")

    def _check_order(
        self, note: Note, ctx: CheckContext, present: list[tuple[str, int]]
    ) -> Iterator[Diagnostic]:
        kept = _kept_in_order([i for _, i in present])
        for k, (text, i) in enumerate(present):
            if k in kept:
                continue
            before = [present[j][0] for j in range(k) if j in kept]
            after = [present[j][0] for j in range(k + 1, len(present)) if j in kept]
            if before:
                hint = f"it should come after '{before[-1]}'"
            else:
                hint = f"it should come before '{after[0]}'"
            heading: Heading = note.headings[i]
            yield ctx.diagnostic(note, heading.span, f"section '{text}' is out of order: {hint}")
