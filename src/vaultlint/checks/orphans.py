"""The ``orphans`` check: notes that nothing links to."""

from __future__ import annotations

from collections.abc import Iterator

from vaultlint.checks.base import Check, CheckContext, DocExample
from vaultlint.diagnostic import Diagnostic
from vaultlint.model import Note


class OrphansCheck(Check):
    """Notes that no other note, property or canvas links to.

    ## What it does
    Reports, at line 1, a note with no incoming link: no wiki-link, embed or Markdown link in
    another note's body, no `"[[…]]"` in another note's properties, no file node or card link
    in a canvas reaches it (links resolved as Obsidian resolves them; a note's links to itself
    do not count; links inside `%%` comments do, as in Obsidian's graph).

    ## Why
    An orphan is found only by search: in a vault meant to be browsed by its links (a
    Zettelkasten, a published site), it is a note nobody will read.

    ## Example
    With `Index.md` linking to `[[Plan]]`, `Plan.md` passes and `Index.md` itself (that nothing
    links to) is reported.

    ## Options
    None. Exempt notes with the rule's `where` (entry points, daily notes):
    `orphan-note: {check: orphans, severity: info, where: {exclude: ["Index.md", "Daily/**"]}}`.
    Not in the `recommended` pack.
    """

    name = "orphans"
    summary = "Notes that no other note, property or canvas links to."
    needs_index = True
    reads = frozenset({"links"})
    examples = (
        DocExample(
            "nothing links to the note", {"Note.md": "x\n", "Plan.md": "y\n"}, {}, ((1, 1),)
        ),
        DocExample(
            "another note links to it", {"Note.md": "x\n", "Index.md": "[[note]]\n"}, {}, ()
        ),
    )

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        if ctx.index.graph.incoming(note.path) == 0:
            yield ctx.note_diagnostic(note, "no other note, property or canvas links to this note")
