"""The ``links`` check: every link must resolve the way Obsidian resolves it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from vaultlint.checks.base import Check, CheckContext, DocExample, option
from vaultlint.diagnostic import Diagnostic, Edit, Fix
from vaultlint.globs import glob_match
from vaultlint.model import Link, Note, Span
from vaultlint.vault.filetypes import (
    is_base,
    is_canvas,
    is_drawing,
    is_excalidraw_subpath,
    is_note_path,
)
from vaultlint.vault.index import VaultIndex


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
    missing_notes: Literal["error", "warning", "info", "off"] | None = option(
        None,
        doc="Severity of a link to a *note* that does not exist (yet): `off` lets such links "
        "pass, for vaults that link to notes not written yet on purpose. Headings, blocks, "
        "attachments and aliases used as links are still reported at the rule's severity. "
        "Default: the rule's severity.",
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

    When one candidate stands out, the message says what the link probably meant — a note or
    attachment with a near name, a heading or block with a near text, a note whose `aliases`
    hold the link text (`[[Crew Vehicle]]` → write `[[Gaganyaan|Crew Vehicle]]`: Obsidian does
    not resolve aliases) — and the diagnostic carries that change as a fix: *safe* for an
    alias only one note has, *unsafe* for a near name (`--fix --unsafe-fixes`). A candidate
    stands out when rapidfuzz's `ratio` of the case-folded texts is at least 85 and beats the
    runner-up by 8 points. A link that resolves to the linking note itself while another file
    has that name says so. Excalidraw subpaths on a drawing (`#^group=ID`, `#^area=ID`,
    `#^frame=ID`, `#^clippedframe=ID`) are not block links.

    ## Options
    See the table below. The diagnostic points at the link's first character (`[` or `!`).
    """

    name = "links"
    needs_index = True
    reads = frozenset({"links"})
    asks_near_files = True
    reads_vault_files = True
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
        missing_ctx: CheckContext | None = ctx
        if opts.missing_notes == "off":
            missing_ctx = None
        elif opts.missing_notes is not None and opts.missing_notes != ctx.severity:
            missing_ctx = ctx._replace(severity=opts.missing_notes)
        # the kinds of link the options skip, and the options, read once a note
        skipped = set()
        if not opts.embeds:
            skipped |= {"embed", "mdembed"}
        if not opts.markdown_links:
            skipped |= {"md", "mdembed"}
        if not opts.frontmatter_links:
            skipped.add("fm")
        in_comments, ignore, resolve = opts.in_comments, opts.ignore, index.resolve
        for link in note.links:
            if link.in_comment and not in_comments:
                continue
            kind = link.kind
            if kind in skipped:
                continue
            if ignore and glob_match(ignore, link.target or link.linktext):
                continue
            if kind == "canvas":
                resolved = index.file(link.target)  # a file node names an exact vault path
                if resolved is None:
                    yield ctx.diagnostic(
                        note, link.span, f"file node '{link.target}' does not exist in the vault"
                    )
                    continue
            else:
                resolved = resolve(link.target, note.path)
            if resolved is None:
                diag = _missing_target(note, link, ctx, missing_ctx)
                if diag is not None:
                    yield diag
                continue
            if not link.subpath:
                continue
            if is_base(resolved):
                if opts.headings:
                    diag = _missing_view(note, link, ctx, resolved)
                    if diag is not None:
                        yield diag
                continue
            if not is_note_path(resolved):
                continue
            target = index.summary(resolved)
            if target is None:
                continue
            is_block = link.subpath.lstrip("#").startswith("^")
            if (is_block and not opts.blocks) or (not is_block and not opts.headings):
                continue
            if is_block and is_drawing(resolved) and is_excalidraw_subpath(link.subpath):
                continue
            if index.has_subpath(target, link.subpath):
                continue
            yield _missing_subpath(note, link, ctx, resolved, is_block)


def _span(note: Note, link: Link) -> Span:
    """Where a finding on ``link`` points: a frontmatter link at its ``[[``, not at the quote
    around the property value. Asked only where a finding is made: it reads the note's text,
    which a note kept between the batch's stages reads again from its file (lint/keep.py)."""
    span = link.span
    if link.kind == "fm":
        inner = note.text.find("[[", span.start, span.end)
        if inner != -1:
            span = Span(inner, note.text.rfind("]]", inner, span.end) + 2)
    return span


def _missing_view(note: Note, link: Link, ctx: CheckContext, resolved: str) -> Diagnostic | None:
    """``![[Movies.base#Director]]``: the base must have a view of that name (a base without
    views, or not read, is not judged)."""
    summary = ctx.index.summary(resolved)
    if summary is None or not summary.headings:
        return None
    view = link.subpath.lstrip("#").strip()
    names = [text for _, text in summary.headings]
    if any(n.casefold() == view.casefold() for n in names):
        return None
    message = f"view '{view}' does not exist in '{resolved}'"
    span = _span(note, link)
    near = ctx.index.names.near_heading(summary, view)
    if near is None:
        return ctx.diagnostic(note, span, message)
    message += f"; did you mean '{near}'?"
    fix = _relink(note, link, span, link.target, "#" + near)
    shown = _shown(link, link.target, "#" + near)
    return ctx.diagnostic(note, span, message, fix=_fix(f"write {shown}", fix, "unsafe"))


def _missing_target(
    note: Note, link: Link, ctx: CheckContext, missing_ctx: CheckContext | None
) -> Diagnostic | None:
    """The diagnostic of a link whose file does not exist, with what it probably meant."""
    index = ctx.index
    names = index.names
    where = "embed" if link.is_embed else "link"
    message = f"{where} target '{link.target}' does not exist"
    if link.kind in ("md", "mdembed"):
        if link.target.startswith("www."):
            message += f" (a web address needs its scheme: https://{link.target})"
    elif link.target.startswith(("http:", "https:", "www.")):
        message += " (a web address in [[…]] is a note link; use [text](url))"
    attachment = names.is_attachment_link(link.target)
    if not attachment:
        owners = names.alias_owners(link.target)
        if owners:
            span = _span(note, link)
        if len(owners) == 1:
            linktext = names.linktext(owners[0], note.path)
            fix = _relink(note, link, span, linktext, display=_display_or_target(link))
            shown = _shown(link, linktext, display=_display_or_target(link))
            message += (
                f"; '{link.target}' is an alias of '{linktext}' (Obsidian does not resolve "
                f"aliases): write {shown}"
            )
            return ctx.diagnostic(note, span, message, fix=_fix(f"write {shown}", fix, "safe"))
        if owners:
            which = ", ".join(f"'{names.linktext(p, note.path)}'" for p in owners)
            message += (
                f"; '{link.target}' is an alias of {which} (Obsidian does not resolve aliases)"
            )
            return ctx.diagnostic(note, span, message)
    use = ctx if attachment else missing_ctx
    if use is None:
        return None
    span = _span(note, link)
    near = names.near_file(link.target, note.path)
    if near is None:
        return use.diagnostic(note, span, message)
    linktext = names.linktext(near, note.path)
    message += f"; did you mean '{linktext}'?"
    if not is_note_path(near) and not names.is_attachment_link(link.target):
        message += " (a link to an attachment needs its extension)"
    fix = _relink(note, link, span, linktext)
    return use.diagnostic(
        note, span, message, fix=_fix(f"write {_shown(link, linktext)}", fix, "unsafe")
    )


def _missing_subpath(
    note: Note, link: Link, ctx: CheckContext, resolved: str, is_block: bool
) -> Diagnostic:
    """The diagnostic of a heading or block link that the target lacks."""
    span = _span(note, link)
    index: VaultIndex = ctx.index
    names = index.names
    what = "block" if is_block else "heading"
    sub = link.subpath.lstrip("#")
    if resolved != note.path:
        message = f"{what} '{sub}' does not exist in '{_stem(resolved)}'"
    else:
        message = f"{what} '{sub}' does not exist in this note"
        others = [p for p in index.ambiguity(link.target) if p != note.path]
        if link.target and others:
            # ``[[BookFusion#Sponsor]]`` in Plugins/bookfusion.md finds the note itself first
            have = [p for p in others if is_note_path(p) and index.has_subpath(p, link.subpath)]
            other = have[0] if len(have) == 1 else others[0]
            linktext = names.linktext(other, note.path)
            message += f" ('{link.target}' resolves to this note, not to '{_stem(other)}'"
            if len(have) == 1:
                shown = _shown(link, linktext, link.subpath)
                message += f", which has that {what}: write {shown})"
                fix = _relink(note, link, span, linktext, link.subpath)
                return ctx.diagnostic(
                    note, span, message, fix=_fix(f"write {shown}", fix, "unsafe")
                )
            return ctx.diagnostic(note, span, message + ")")
    summary = index.summary(resolved)
    parts = [p for p in link.subpath.split("#") if p.strip()]
    near: str | None = None
    if summary is not None and len(parts) == 1:
        if is_block:
            found = names.near_block(summary, parts[0][1:].strip())
            near = "^" + found if found is not None else None
        else:
            near = names.near_heading(summary, parts[0])
    if near is None:
        return ctx.diagnostic(note, span, message)
    message += f"; did you mean '{near}'?"
    subpath = "#" + (near if is_block else _heading_link_text(near))
    linktext = link.target
    fix = _relink(note, link, span, linktext, subpath)
    shown = _shown(link, linktext, subpath)
    return ctx.diagnostic(note, span, message, fix=_fix(f"write {shown}", fix, "unsafe"))


# -- writing the fixed link ------------------------------------------------------------------


def _stem(path: str) -> str:
    return path[:-3] if is_note_path(path) else path


def _display_or_target(link: Link) -> str:
    return link.display if link.display is not None else link.target


def _heading_link_text(heading: str) -> str:
    """A heading as a link names it: characters a link cannot hold become spaces."""
    out = heading
    for bad in ("[[", "]]", "|", "#", "^", "%%"):
        out = out.replace(bad, " ")
    return " ".join(out.split())


def _shown(link: Link, target: str, subpath: str | None = None, display: str | None = None) -> str:
    """The link as it would be written with a new target (and subpath, display)."""
    sub = link.subpath if subpath is None else subpath
    disp = link.display if display is None else display
    if link.kind in ("md", "mdembed"):
        bang = "!" if link.is_embed else ""
        dest = _md_destination(link, target + sub)
        return f"{bang}[{link.display or ''}]({dest})"
    bang = "!" if link.is_embed else ""
    sep = "\\|" if "\\|" in link.original else "|"
    tail = f"{sep}{disp}" if disp is not None else ""
    return f"{bang}[[{target}{sub}{tail}]]"


def _md_destination(link: Link, path: str) -> str:
    keep_md = link.target.lower().endswith(".md") and not path.lower().endswith(".md")
    if keep_md:
        hash_at = path.find("#")
        path = path + ".md" if hash_at == -1 else path[:hash_at] + ".md" + path[hash_at:]
    return quote(path, safe="/#^.-_~!$&'*+,;=:@")


def _relink(
    note: Note,
    link: Link,
    span: Span,
    target: str,
    subpath: str | None = None,
    display: str | None = None,
) -> Edit | None:
    """The edit that rewrites the link at ``span`` (None when it cannot be done safely)."""
    if is_canvas(note.path) or link.kind == "canvas":
        return None  # inside a JSON string: not rewritten by hand
    old = note.text[span.start : span.end]
    if link.kind in ("md", "mdembed"):
        # only ``[text](dest)`` without a title: the destination is all that changes
        bang = 1 if link.is_embed else 0
        dest_at = bang + 1 + len(link.display or "") + 2
        dest = old[dest_at:-1]
        if old[dest_at - 2 : dest_at] != "](" or not old.endswith(")"):
            return None
        if any(c.isspace() or c in "\"'<>" for c in dest):
            return None
    elif not (old.startswith(("[[", "![[")) and old.endswith("]]")):
        return None
    return Edit(span.start, span.end, _shown(link, target, subpath, display))


def _fix(message: str, edit: Edit | None, applicability: Literal["safe", "unsafe"]) -> Fix | None:
    if edit is None:
        return None
    return Fix(message, (edit,), applicability)
