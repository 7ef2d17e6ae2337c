"""The ``shared-names`` check: notes that share a name or an alias."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from vaultlint.checks.base import Check, CheckContext, DocExample
from vaultlint.diagnostic import Diagnostic
from vaultlint.model import Note, Span
from vaultlint.vault.filetypes import is_note_path

_SHOWN = 4


class SharedNamesCheck(Check):
    """Notes whose file name or alias another note also has.

    ## What it does
    Reports a note whose file name (without `.md`, compared case-insensitively) is another
    note's name too — at line 1 — and each alias in its `aliases` that is another note's name
    or alias — at the alias. The message names the other notes.

    ## Why
    A bare `[[Name]]` then means whichever note Obsidian's tie-break picks, and the link
    suggester offers two notes for one alias: links silently go to the wrong place.

    ## Example
    `Work/Plan.md` and `Home/Plan.md` are both reported; so are two notes with `aliases: [AI]`.

    ## Options
    None. Not in the `recommended` pack: enable it with
    `shared-name: {check: shared-names, severity: info}`.
    """

    name = "shared-names"
    summary = "Notes whose file name or alias another note also has."
    needs_index = True
    reads = frozenset({"fields", "frontmatter"})
    examples = (
        DocExample(
            "two notes share a name",
            {"Note.md": "x\n", "Sub/note.md": "y\n"},
            {},
            ((1, 1),),
        ),
        DocExample(
            "an alias another note has",
            {"Note.md": "---\naliases: [AI]\n---\n", "AI.md": "z\n"},
            {},
            ((2, 11),),
        ),
        DocExample("a name of its own", {"Note.md": "x\n", "Other.md": "y\n"}, {}, ()),
    )

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        names = ctx.index.names
        stem = posixpath.basename(note.path)[:-3]
        same = [p for p in names.notes_named(stem) if p != note.path]
        if same:
            yield ctx.note_diagnostic(
                note, f"{len(same) + 1} notes are named '{stem}': also {_list(same)}"
            )
        for alias, span in _aliases(note):
            others = [
                p for p in (*names.notes_named(alias), *names.alias_owners(alias)) if p != note.path
            ]
            others = list(dict.fromkeys(others))
            if others:
                yield ctx.diagnostic(
                    note, span, f"alias '{alias}' is also the name or an alias of {_list(others)}"
                )


def _list(paths: list[str]) -> str:
    shown = ", ".join(f"'{p[:-3] if is_note_path(p) else p}'" for p in paths[:_SHOWN])
    return shown + (f" and {len(paths) - _SHOWN} more" if len(paths) > _SHOWN else "")


def _aliases(note: Note) -> list[tuple[str, Span]]:
    """The note's aliases with the span of each (the field's value when it is one string)."""
    for f in note.fields:
        if f.key.lower() != "aliases":
            continue
        if f.items:
            return [(str(i.value).strip(), i.span) for i in f.items if str(i.value).strip()]
        if isinstance(f.value, str) and f.value.strip():
            return [(f.value.strip(), f.value_span)]
    return []
