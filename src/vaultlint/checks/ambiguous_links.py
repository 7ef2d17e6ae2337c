"""The ``ambiguous-links`` check: links by a file name that several notes share."""

from __future__ import annotations

from collections.abc import Iterator

from vaultlint.checks.base import Check, CheckContext, DocExample
from vaultlint.diagnostic import Diagnostic
from vaultlint.model import Note, Span

_SHOWN = 4


class AmbiguousLinksCheck(Check):
    """Links by a bare file name that several files share.

    ## What it does
    Reports a link such as `[[Security and privacy]]` when the vault holds several files of
    that name (`Obsidian Sync/Security and privacy.md`, `Obsidian Publish/Security and
    privacy.md`) and the link does not say which: Obsidian then picks one by its tie-break
    (the linking note's own folder first, then the shortest path). The message names the
    candidates and the one Obsidian picks. A link written with enough of the path
    (`[[Obsidian Sync/Security and privacy]]`) is not reported.

    ## Why
    Such a link silently changes target when a note is moved, or when another note of the
    same name is created closer to it; readers of a published vault may land on the wrong page.

    ## Example
    With `Publish/Security.md` and `Sync/Security.md`, `[[Security]]` in `Note.md` is reported;
    `[[Sync/Security]]` is not.

    ## Options
    None. Not in the `recommended` pack: enable it with a rule such as
    `ambiguous-link: {check: ambiguous-links, severity: info}`.
    """

    name = "ambiguous-links"
    summary = "Links by a bare name that several files share (Obsidian picks one by tie-break)."
    needs_index = True
    reads = frozenset({"links"})
    examples = (
        DocExample(
            "two notes share the name",
            {"Note.md": "[[Security]]\n", "Publish/Security.md": "", "Sync/Security.md": ""},
            {},
            ((1, 1),),
        ),
        DocExample(
            "the path says which",
            {"Note.md": "[[Sync/Security]]\n", "Publish/Security.md": "", "Sync/Security.md": ""},
            {},
            (),
        ),
    )

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        index = ctx.index
        for link in note.links:
            among = index.ambiguity(link.target)
            if not among:
                continue
            resolved = index.resolve(link.target, note.path)
            shown = ", ".join(f"'{c}'" for c in among[:_SHOWN])
            more = f" and {len(among) - _SHOWN} more" if len(among) > _SHOWN else ""
            span = link.span
            if link.kind == "fm":
                inner = note.text.find("[[", span.start, span.end)
                span = Span(inner, span.end) if inner != -1 else span
            yield ctx.diagnostic(
                note,
                span,
                f"'{link.target}' matches {len(among)} files ({shown}{more}); Obsidian picks "
                f"'{resolved}': write enough of the path to say which",
            )
