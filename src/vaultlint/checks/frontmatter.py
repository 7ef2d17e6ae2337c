"""The ``frontmatter`` check: frontmatter must be valid YAML holding a mapping."""

from __future__ import annotations

from collections.abc import Iterator

from vaultlint.checks.base import Check, CheckContext, DocExample
from vaultlint.diagnostic import Diagnostic, Edit, Fix
from vaultlint.model import Note


class FrontmatterCheck(Check):
    """Frontmatter that Obsidian cannot read as properties.

    ## What it does
    Reports frontmatter (the block between `---` lines at the very start of a note) that is not
    valid YAML, or that holds a list or a single value instead of a mapping of properties. The
    diagnostic points at the line and column YAML reports. It also reports properties that
    Obsidian does not read because blank lines stand before their `---` (frontmatter starts on
    a note's first line or not at all), with an unsafe fix that removes those lines.

    ## Why
    Obsidian silently drops every property, tag, alias and link of a frontmatter block it cannot
    parse: the note vanishes from tag searches, Bases and Dataview queries.

    ## Example
    `title: "unclosed` is reported; `title: "closed"` is not.

    ## Options
    None.
    """

    name = "frontmatter"
    summary = "Frontmatter must be valid YAML and a mapping of properties."
    examples = (
        DocExample(
            "an unclosed quote", {"Note.md": '---\ntitle: "unclosed\n---\nText\n'}, {}, ((3, 1),)
        ),
        DocExample("valid properties", {"Note.md": '---\ntitle: "closed"\n---\nText\n'}, {}, ()),
        DocExample(
            "properties below a blank line",
            {"Note.md": "\n---\ntitle: x\n---\nText\n"},
            {},
            ((2, 1),),
        ),
    )

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        for problem in note.problems:
            if problem.code in ("invalid-frontmatter", "duplicate-key"):
                start = problem.span.start
                fix = None
                if start and not note.text[:start].strip():  # blank lines before the `---`
                    fix = Fix(
                        "remove the blank lines before the frontmatter",
                        (Edit(0, start, ""),),
                        "unsafe",
                    )
                yield ctx.diagnostic(note, problem.span, problem.message, fix=fix)
