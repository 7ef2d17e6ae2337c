"""The ``links`` check: every link must resolve the way Obsidian resolves it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from vaultlint.checks.base import Check, CheckContext, DocExample, option
from vaultlint.diagnostic import Diagnostic
from vaultlint.globs import glob_match
from vaultlint.model import Note, Span

_NOTE_EXT = ".md"


@dataclass(frozen=True)
class LinksOptions:
    headings: bool = option(
        True, doc="Check that `#Heading` (and `#A#B` chains) exist in the target note."
    )
    blocks: bool = option(True, doc="Check that `#^block-id` exists in the target note.")
    embeds: bool = option(True, doc="Check embeds (`![[…]]`, `![alt](…)`) as well as links.")
    markdown_links: bool = option(True, doc="Check internal Markdown links `[text](target)`.")
    frontmatter_links: bool = option(True, doc='Check links in frontmatter properties (`"[[…]]"`).')
    ignore: tuple[str, ...] = option(
        (),
        doc="Globs on the link's target text, for links left unresolved on purpose (`Example*`).",
    )
    in_comments: bool = option(
        False,
        doc="Report links inside `%% … %%` comments too. Obsidian indexes them (and `vaultlint "
        "inspect` lists them), but a commented-out link is not content; `true` gives Obsidian's "
        "own unresolved list. (Links in `<!-- … -->` are never links, as in Obsidian.)",
    )


class LinksCheck(Check):
    """Every wiki-link, embed and internal Markdown link must resolve.

    ## What it does
    Resolves each link exactly as Obsidian does (case-insensitive; exact vault path first, then
    by file name, preferring the linking note's folder, then the shortest path; `.md` optional
    for notes, the extension required for attachments) and reports links whose file does not
    exist, and heading or block links whose `#Heading` or `#^block-id` is not in the target.

    ## Why
    A broken link is a dead end for a reader and a sign that a note was renamed or never
    written. Obsidian shows it only as a faint link; in a published vault it is a 404.

    ## Example
    With only `Artemis Accords.md` in the vault, `[[Gaganyaan Mission]]` is reported, while
    `[[artemis accords]]` and `[[Artemis Accords#Signatories]]` (when that heading exists) pass.

    ## Options
    See the table below. The diagnostic points at the link's first character (`[` or `!`).
    """

    name = "links"
    needs_index = True
    summary = "Links, embeds and Markdown links must resolve to an existing note, heading or block."
    Options = LinksOptions
    examples = (
        DocExample(
            "a link to a note that does not exist",
            {"Note.md": "See [[Gaganyaan Mission]].\n", "Artemis Accords.md": "# Artemis\n"},
            {},
            ((1, 5),),
        ),
        DocExample(
            "links resolve case-insensitively, with headings",
            {
                "Note.md": "See [[artemis accords#signatories]].\n",
                "Artemis Accords.md": "## Signatories\n",
            },
            {},
            (),
        ),
        DocExample(
            "a heading that does not exist",
            {
                "Note.md": "x\n[[Artemis Accords#Budget]]\n",
                "Artemis Accords.md": "## Signatories\n",
            },
            {},
            ((2, 1),),
        ),
    )

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        opts: LinksOptions = ctx.options
        index = ctx.index
        for link in note.links:
            if link.in_comment and not opts.in_comments:
                continue
            if link.is_embed and not opts.embeds:
                continue
            if link.kind in ("md", "mdembed") and not opts.markdown_links:
                continue
            if link.kind == "fm" and not opts.frontmatter_links:
                continue
            if opts.ignore and glob_match(opts.ignore, link.target or link.linktext):
                continue
            where = "embed" if link.is_embed else "link"
            span = link.span
            if link.kind == "fm":
                # point at the link's ``[[``, not at the quote around the property value
                inner = note.text.find("[[", span.start, span.end)
                if inner != -1:
                    span = Span(inner, span.end)
            resolved = index.resolve(link.target, note.path)
            if resolved is None:
                hint = ""
                if link.target.startswith(("http:", "https:", "www.")):
                    hint = " (a web address in [[…]] is a note link; use [text](url))"
                yield ctx.diagnostic(
                    note, span, f"{where} target '{link.target}' does not exist{hint}"
                )
                continue
            if not link.subpath or not resolved.lower().endswith(_NOTE_EXT):
                continue
            target = index.summary(resolved)
            if target is None:
                continue
            is_block = link.subpath.lstrip("#").startswith("^")
            if (is_block and not opts.blocks) or (not is_block and not opts.headings):
                continue
            if index.has_subpath(target, link.subpath):
                continue
            what = "block" if is_block else "heading"
            sub = link.subpath.lstrip("#")
            name = "this note" if resolved == note.path else f"'{resolved[:-3]}'"
            yield ctx.diagnostic(note, span, f"{what} '{sub}' does not exist in {name}")
