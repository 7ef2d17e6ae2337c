"""The ``unused-attachments`` check: images, audio, video and PDFs nothing links to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from vaultlint.checks.base import Check, CheckContext, DocExample, option
from vaultlint.diagnostic import Diagnostic
from vaultlint.globs import glob_match
from vaultlint.model import Note, Span
from vaultlint.vault.filetypes import ATTACHMENT_EXTENSIONS, extension, is_note_path

_MEDIA = ATTACHMENT_EXTENSIONS - {"canvas", "base"}


@dataclass(frozen=True)
class UnusedAttachmentsOptions:
    ignore: tuple[str, ...] = option(
        (), doc="Globs on attachment paths that may stay unlinked (`Archive/**`, `*.pdf`)."
    )


class UnusedAttachmentsCheck(Check):
    """Attachments that no note, property or canvas links to.

    ## What it does
    Reports each image, audio, video or PDF file of the vault (the formats Obsidian opens)
    that no link, embed, property link or canvas file node reaches, at line 1 of the
    attachment itself. The attachments are listed once per run, while the vault's first note
    (in path order) is checked: a scan of some PATHs lists them only when that note is among
    them.

    ## Why
    Pasted images outlive the text they illustrated: they fill the vault (and its sync quota
    and backups) and clutter the attachment folder.

    ## Example
    With `img/used.png` embedded by a note and `img/old.png` embedded by none, `img/old.png`
    is reported.

    ## Options
    See the table below. Not in the `recommended` pack: enable it with
    `unused-attachment: {check: unused-attachments, severity: info}`.
    """

    name = "unused-attachments"
    summary = "Images, audio, video and PDFs that nothing links to."
    needs_index = True
    reads = frozenset({"links"})
    Options = UnusedAttachmentsOptions
    examples = (
        DocExample(
            "an attachment nothing embeds (reported on the attachment)",
            {"Note.md": "![[used.png]]\n", "img/used.png": "", "img/old.png": ""},
            {},
            ((1, 1),),
        ),
        DocExample(
            "every attachment is embedded", {"Note.md": "![[used.png]]\n", "used.png": ""}, {}, ()
        ),
    )

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        index = ctx.index
        first = min((p for p in index.summaries if is_note_path(p)), default=None)
        if note.path != first:
            return
        opts: UnusedAttachmentsOptions = ctx.options
        graph = index.graph
        for path in sorted(index.others):
            if extension(path) not in _MEDIA or graph.incoming(path):
                continue
            if opts.ignore and glob_match(opts.ignore, path):
                continue
            yield ctx.diagnostic(
                _attachment(path),
                Span(0, 0),
                "no note, property or canvas links to this attachment",
            )


def _attachment(path: str) -> Note:
    """The attachment as a note without text: what a diagnostic on it points into."""
    return Note(path, "", (0,), None, None, (), (), (), (), (), (), ())
