"""The ``file-name`` check: note names that links cannot reach, or that break on other systems."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from vaultlint.checks.base import Check, CheckContext, DocExample, option
from vaultlint.diagnostic import Diagnostic
from vaultlint.model import Note

# What a wiki-link cannot hold (SPEC.md R-L9: Obsidian's "invalid characters" in links)
LINK_BREAKERS = ("[[", "]]", "%%", "#", "|", "^", ":")
# What Windows (and so Obsidian Sync to a Windows machine, or a zip of the vault) refuses
_WINDOWS = '<>:"\\|?*'
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10))}
_RESERVED |= {f"lpt{i}" for i in range(1, 10)}


@dataclass(frozen=True)
class FileNameOptions:
    forbidden: tuple[str, ...] = option(
        LINK_BREAKERS,
        doc="Strings a note's file name must not contain (default: what a wiki-link cannot hold).",
    )
    portable: bool = option(
        False,
        doc='Also refuse what Windows refuses: `<>:"\\|?*`, control characters, a name ending in '
        "a dot or a space, and reserved names such as `CON` or `aux`.",
    )


class FileNameCheck(Check):
    """Note names that wiki-links cannot reach, or that other systems refuse.

    ## What it does
    Reports a note whose file name contains a character that Obsidian's links cannot hold —
    `#` starts a heading, `|` an alias, `^` a block id, `:` breaks on some systems, `[[`,
    `]]` and `%%` end the link — or, with `portable: true`, a name Windows refuses. The
    diagnostic is at 1:1 and names the characters.

    ## Why
    Obsidian lets you create `Q&A: part 1.md`, but `[[Q&A: part 1]]` never resolves everywhere,
    and a note named `C# #tips.md` cannot be linked at all. A vault synced to Windows or
    unzipped there loses such notes.

    ## Example
    `Meeting #3.md` is reported; `Meeting 3.md` is not.

    ## Options
    `forbidden` lists the strings to refuse; `portable` adds Windows' rules.
    """

    name = "file-name"
    summary = "Note file names must be linkable (no # | ^ : [[ ]] %%), optionally portable."
    Options = FileNameOptions
    examples = (
        DocExample(
            "a heading sign in the name",
            {"Meeting #3.md": "# Notes\n"},
            {},
            ((1, 1),),
            note="Meeting #3.md",
        ),
        DocExample("a plain name", {"Meeting 3.md": "# Notes\n"}, {}, (), note="Meeting 3.md"),
    )

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        opts: FileNameOptions = ctx.options
        name = note.path.rsplit("/", 1)[-1]
        stem = name[:-3] if name.lower().endswith(".md") else name
        found = [s for s in opts.forbidden if s and s in stem]
        if found:
            shown = ", ".join(f"'{s}'" for s in found)
            yield ctx.note_diagnostic(
                note, f"file name contains {shown}, which a wiki-link cannot hold; rename the note"
            )
        if opts.portable:
            why = _not_portable(note.path)
            if why is not None:
                yield ctx.note_diagnostic(note, f"file name is not portable: {why}")


def _not_portable(path: str) -> str | None:
    for part in path.split("/"):
        bad = sorted({c for c in part if c in _WINDOWS or ord(c) < 32})
        if bad:
            return f"'{part}' holds {''.join(bad)!r}, which Windows refuses"
        if part.endswith((".", " ")):
            return f"'{part}' ends with a dot or a space"
        if part.split(".", 1)[0].lower() in _RESERVED:
            return f"'{part}' is a reserved name on Windows"
    return None
