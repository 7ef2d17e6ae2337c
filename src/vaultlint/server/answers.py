"""What ``vaultlint server`` answers about a note: code actions (a quick fix per finding,
safe and unsafe labelled, and "fix all" for the safe ones), go to definition on a link,
completion inside ``[[``, and the hover on a finding. Each answers from what was last
published for the note (:class:`~vaultlint.server.lsp.Published`) or from the session's index;
none writes a file: fixes are edits the editor applies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from vaultlint.diagnostic import Diagnostic, Edit, Fix
from vaultlint.model import Note
from vaultlint.server import convert, navigation
from vaultlint.server.session import VaultSession

if TYPE_CHECKING:
    from vaultlint.server.lsp import VaultlintServer


def fix_title(diag: Diagnostic, fix: Fix) -> str:
    """A fix as a code action names it, safe or unsafe labelled."""
    if fix.applicability == "safe":
        return f"{fix.message} ({diag.rule}, safe fix)"
    return f"{fix.message} ({diag.rule}, unsafe fix: check it is what you meant)"


def code_actions(ls: VaultlintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """A quick fix for each finding in the range, and one action for every safe fix."""
    uri = params.text_document.uri
    shown = ls.current(uri)
    if shown is None:
        return []
    caps = ls.client_capabilities.workspace
    versioned = bool(caps and caps.workspace_edit and caps.workspace_edit.document_changes)
    version = shown.version if versioned else None
    only = params.context.only
    actions: list[lsp.CodeAction] = []
    want_quick = not only or any(k.startswith("quickfix") for k in only)
    for diag, item in shown.findings:
        if diag.fix is None or not want_quick:
            continue
        if not _overlaps(item.range, params.range):
            continue
        actions.append(
            lsp.CodeAction(
                title=fix_title(diag, diag.fix),
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[item],
                edit=convert.fix_edit(shown.note, uri, diag.fix, version),
                is_preferred=diag.fix.applicability == "safe",
            )
        )
    safe = [d.fix for d, _ in shown.findings if d.fix and d.fix.applicability == "safe"]
    want_all = not only or any(k.startswith("source") for k in only)
    if safe and want_all:
        edits = _non_overlapping([e for f in safe for e in f.edits])
        fix = Fix("fix all", tuple(edits))
        actions.append(
            lsp.CodeAction(
                title=f"Apply every safe vaultlint fix in this note ({len(safe)})",
                kind=lsp.CodeActionKind.SourceFixAll + ".vaultlint",
                edit=convert.fix_edit(shown.note, uri, fix, version),
            )
        )
    return actions


def definition(ls: VaultlintServer, params: lsp.DefinitionParams) -> lsp.Location | None:
    """Where the link at the cursor leads: a note, a heading or a block."""
    found = _note_at(ls, params.text_document.uri)
    if found is None:
        return None
    session, note = found
    target = navigation.definition(session, note, convert.offset(note, params.position))
    if target is None:
        return None
    uri = ls.note_uri(session, target.path)
    start = lsp.Position(0, 0)
    if target.span is None:
        return lsp.Location(uri, lsp.Range(start, start))
    other = session.note(target.path)
    if other is None:
        return lsp.Location(uri, lsp.Range(start, start))
    return lsp.Location(
        uri,
        lsp.Range(
            convert.position(other, target.span.start),
            convert.position(other, target.span.end),
        ),
    )


def completion(ls: VaultlintServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    """Note names, headings and block ids inside ``[[``."""
    empty = lsp.CompletionList(is_incomplete=False, items=[])
    if params.text_document.uri in ls.pending:
        ls.refresh(params.text_document.uri)
    found = _note_at(ls, params.text_document.uri)
    if found is None:
        return empty
    session, note = found
    result = navigation.complete(session, note, convert.offset(note, params.position))
    if result is None:
        return empty
    rng = lsp.Range(
        convert.position(note, result.replace.start), convert.position(note, result.replace.end)
    )
    kind = lsp.CompletionItemKind
    items = [
        lsp.CompletionItem(
            label=label,
            detail=detail,
            kind=kind.File if "/" in detail or "." in detail else kind.Reference,
            text_edit=lsp.TextEdit(range=rng, new_text=label),
            sort_text=f"{i:05d}",
        )
        for i, (label, detail) in enumerate(result.items)
    ]
    return lsp.CompletionList(is_incomplete=result.incomplete, items=items)


def hover(ls: VaultlintServer, params: lsp.HoverParams) -> lsp.Hover | None:
    """The findings at the cursor, with their fixes (a broken link's suggestion among them)."""
    uri = params.text_document.uri
    shown = ls.current(uri)
    if shown is None:
        return None
    pos = params.position
    lines = []
    for diag, item in shown.findings:
        if _contains(item.range, pos):
            lines.append(f"**{diag.rule}** ({diag.severity}): {diag.message}")
            if diag.fix is not None:
                lines.append(f"  - fix available: {fix_title(diag, diag.fix)}")
    if not lines:
        return None
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n".join(lines))
    )


def _note_at(ls: VaultlintServer, uri: str) -> tuple[VaultSession, Note] | None:
    place = ls.locate(uri)
    if place is None:
        return None
    session, path = place
    note = session.note(path)
    return None if note is None else (session, note)


def _key(pos: lsp.Position) -> tuple[int, int]:
    return pos.line, pos.character


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    return _key(a.start) <= _key(b.end) and _key(b.start) <= _key(a.end)


def _contains(rng: lsp.Range, pos: lsp.Position) -> bool:
    return _key(rng.start) <= _key(pos) <= _key(rng.end)


def _non_overlapping(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    end = -1
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start >= end:
            out.append(edit)
            end = edit.end
    return out
