"""``vaultlint server`` end to end: a real LSP session (pytest-lsp) with the server subprocess.

Each test writes a small vault, starts ``python -m vaultlint server`` in it, opens and edits
notes as an editor would, and checks what the server publishes and answers. Every session ends
with shutdown/exit (exit status 0) and finds the vault byte for byte as it was: the server never
writes a file.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from lsprotocol import types as lsp

from tests.server.conftest import Editor, start, stop, vault_digest, write
from vaultlint.diagnostic import Edit
from vaultlint.fix import apply_edits

CONFIG = """\
extends: [recommended]
rules:
  project-goal:
    check: required-sections
    severity: error
    where: {paths: ["Projects/**"]}
    sections: [Goal]
"""

FILES = {
    ".obsidian/app.json": "{}\n",
    ".vaultlint.yaml": CONFIG,
    "Index.md": "# Index\n\nHi 😀 [[Nowhere]] and [[Alpha#Later]].\n",
    "Alpha.md": "# Alpha\n\nSome text. ^intro\n",
    "Projects/Plan.md": "# Plan\n\nText #project\n",
    "A.md": "#project\n",
    "B.md": "#project\n",
    "C.md": "Tagged #Project here\n",
    "Pictures/diagram.png": "not really a picture\n",
    "Daily notes/Café 1.md": "[[Alpha]] [[Beta]]\n",
    ".obsidian/templates.json": '{"folder": "Templates"}\n',
    "Templates/Meeting.md": "[[Nowhere]] #Project\n",
    "Garbled.md": "It\u00e2\u20ac\u2122s fine\n",
}


def rng(line: int, start: int, end_line: int, end: int) -> lsp.Range:
    return lsp.Range(lsp.Position(line, start), lsp.Position(end_line, end))


def shape(diagnostics: list[lsp.Diagnostic]) -> list[tuple]:
    """(range, code, source, severity, message) of each diagnostic, comparable."""
    return [
        (
            (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character),
            d.code,
            d.source,
            d.severity,
            d.message,
        )
        for d in diagnostics
    ]


ERROR, WARNING = lsp.DiagnosticSeverity.Error, lsp.DiagnosticSeverity.Warning
BROKEN_NOWHERE = (
    (2, 6, 2, 17),
    "broken-link",
    "vaultlint",
    ERROR,
    "link target 'Nowhere' does not exist",
)
NO_LATER = (
    (2, 22, 2, 37),
    "broken-link",
    "vaultlint",
    ERROR,
    "heading 'Later' does not exist in 'Alpha'",
)


def session(test):
    """Run ``test(editor)`` in a fresh vault; then shutdown/exit must give status 0 and the
    vault must be unchanged."""

    def run(tmp_path: Path) -> None:
        root = tmp_path / "vault"
        write(root, FILES)
        before = vault_digest(root)

        async def main() -> None:
            editor = await start(root)
            try:
                await test(editor)
            finally:
                code = await stop(editor)
            assert code == 0

        asyncio.run(main())
        after = vault_digest(root)
        changed = {**{k: "changed" for k in after if k in before and after[k] != before[k]}}
        changed.update({k: "created" for k in after if k not in before})
        if getattr(test, "writes", False):  # the test itself wrote these files
            for name in test.writes:
                changed.pop(name, None)
                before.pop(name, None)
                after.pop(name, None)
        assert changed == {}
        assert sorted(before) == sorted(after)

    run.__name__ = test.__name__
    run.__doc__ = test.__doc__
    return run


@session
async def test_broken_link_at_its_exact_utf16_range(editor: Editor) -> None:
    """Opening a note publishes its broken links; the emoji before the link counts as two
    UTF-16 code units, so the link starts at character 6."""
    found = await editor.open("Index.md")
    assert shape(found) == [BROKEN_NOWHERE, NO_LATER]


@session
async def test_a_note_whose_uri_needs_escapes(editor: Editor) -> None:
    """A space and an accent in the path are %-escaped in the URI; the note is still found."""
    path = "Daily notes/Café 1.md"
    assert "%20" in editor.uri(path) and "%C3%A9" in editor.uri(path)
    found = await editor.open(path)
    assert shape(found) == [
        ((0, 10, 0, 18), "broken-link", "vaultlint", ERROR, "link target 'Beta' does not exist")
    ]
    version = editor.change(path, "[[Alpha]] [[Café 1]]\n")
    assert await editor.diagnostics(path, version) == []


@session
async def test_the_edit_that_fixes_a_link_clears_it(editor: Editor) -> None:
    await editor.open("Index.md")
    # replace "Nowhere" (characters 8..15 of line 2) with "Alpha", incrementally
    version = editor.edit("Index.md", rng(2, 8, 2, 15), "Alpha")
    found = await editor.diagnostics("Index.md", version)
    moved = ((2, 20, 2, 35), *NO_LATER[1:])  # "[[Alpha#Later]]" moved two characters left
    assert shape(found) == [moved]
    # and an edit that breaks it again brings it back
    version = editor.edit("Index.md", rng(2, 8, 2, 13), "Nowhere")
    assert shape(await editor.diagnostics("Index.md", version)) == [BROKEN_NOWHERE, NO_LATER]


@session
async def test_unsaved_heading_in_another_open_note_resolves_links(editor: Editor) -> None:
    """A heading typed in Alpha (not saved) resolves [[Alpha#Later]] in Index at once; Index
    is published again without the edit touching it."""
    assert shape(await editor.open("Index.md")) == [BROKEN_NOWHERE, NO_LATER]
    await editor.open("Alpha.md")
    published = editor.count("Index.md")
    editor.change("Alpha.md", "# Alpha\n\nSome text. ^intro\n\n## Later\n")

    async def republished():
        await editor.wait_for(lambda: editor.count("Index.md") > published)
        return await editor.diagnostics("Index.md")

    assert shape(await republished()) == [BROKEN_NOWHERE]
    assert (editor.root / "Alpha.md").read_text(encoding="utf-8") == FILES["Alpha.md"]
    # closing Alpha without saving: the file on disk counts again, the link breaks again
    editor.client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(editor.uri("Alpha.md")))
    )
    published = editor.count("Index.md")
    await editor.wait_for(lambda: editor.count("Index.md") > published)
    assert shape(await editor.diagnostics("Index.md")) == [BROKEN_NOWHERE, NO_LATER]


@session
async def test_the_vaults_own_rules_apply(editor: Editor) -> None:
    found = await editor.open("Projects/Plan.md")
    assert shape(found) == [
        ((0, 0, 0, 0), "project-goal", "vaultlint", ERROR, "missing section 'Goal'")
    ]
    version = editor.change("Projects/Plan.md", "# Plan\n\n## Goal\n\nText #project\n")
    assert await editor.diagnostics("Projects/Plan.md", version) == []


async def _config_reloads(editor: Editor) -> None:
    assert shape(await editor.open("Index.md")) == [BROKEN_NOWHERE, NO_LATER]
    # the server asked to be told of file changes (VS Code registers watchers dynamically)
    assert [r.method for r in editor.registrations] == ["workspace/didChangeWatchedFiles"]
    config = editor.root / ".vaultlint.yaml"
    config.write_text("extends: [recommended]\nrules:\n  broken-link: off\n", encoding="utf-8")
    published = editor.count("Index.md")
    editor.client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [lsp.FileEvent(config.as_uri(), lsp.FileChangeType.Changed)]
        )
    )
    await editor.wait_for(lambda: editor.count("Index.md") > published)
    assert await editor.diagnostics("Index.md") == []

    # a config that does not load: shown at its line, and the rules in force stay
    config.write_text("extends: [recommended]\nrules:\n  broken-lnk: off\n", encoding="utf-8")
    editor.client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [lsp.FileEvent(config.as_uri(), lsp.FileChangeType.Changed)]
        )
    )
    found = await editor.diagnostics(".vaultlint.yaml")
    assert shape(found) == [
        (
            (2, 0, 3, 0),  # the whole line of the key
            "config",
            "vaultlint",
            ERROR,
            "unknown rule 'broken-lnk' (did you mean 'broken-link'?); a new rule needs a 'check'",
        )
    ]
    await editor.wait_for(lambda: editor.client.messages)
    assert editor.client.messages[-1].type == lsp.MessageType.Error
    assert editor.client.messages[-1].message == (
        f"vaultlint: {config}:3: unknown rule 'broken-lnk' (did you mean 'broken-link'?); a new "
        "rule needs a 'check' (the previous rules stay in force)"
    )


_config_reloads.writes = [".vaultlint.yaml"]
test_config_change_reloads_the_rules = session(_config_reloads)


async def _types_json_broken(editor: Editor) -> None:
    assert shape(await editor.open("Index.md")) == [BROKEN_NOWHERE, NO_LATER]
    types = editor.root / ".obsidian" / "types.json"
    # the JSON error is after a non-ASCII key: its column is sent in UTF-16 units
    types.write_text('{"types": {\n  "😀 mood": "text",,\n}}\n', encoding="utf-8")
    editor.client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(types.as_uri(), lsp.FileChangeType.Created)])
    )
    found = await editor.diagnostics(".obsidian/types.json")
    assert shape(found) == [
        (
            (1, 20, 2, 0),  # JSON's line 2, column 20 (code points): the second comma
            "config",
            "vaultlint",
            ERROR,
            "invalid JSON: Expecting property name enclosed in double quotes; Obsidian rewrites "
            "this file when a property's type is set (read by rule 'property-type')",
        )
    ]
    # fixed: the diagnostic is withdrawn
    types.write_text('{"types": {"mood": "text"}}\n', encoding="utf-8")
    editor.client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(types.as_uri(), lsp.FileChangeType.Changed)])
    )
    assert await editor.wait_for(
        lambda: [p.diagnostics for p in editor.published if p.uri == types.as_uri()][-1] == []
    )


_types_json_broken.writes = [".obsidian/types.json"]
test_a_broken_types_json_is_shown_at_its_own_line_and_column = session(_types_json_broken)


@session
async def test_code_action_offers_the_fix_and_its_edit_is_right(editor: Editor) -> None:
    found = await editor.open("C.md")
    message = "tag 'Project' is spelled 'project' in 3 notes (1 note uses 'Project')"
    assert shape(found) == [((0, 7, 0, 15), "tag-case", "vaultlint", WARNING, message)]
    actions = await editor.client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(editor.uri("C.md")),
            range=rng(0, 9, 0, 9),
            context=lsp.CodeActionContext(diagnostics=found),
        )
    )
    assert actions is not None
    titles = [(a.title, a.kind, a.is_preferred) for a in actions]  # type: ignore[union-attr]
    assert titles == [
        ("respell as 'project' (tag-case, safe fix)", lsp.CodeActionKind.QuickFix, True),
        (
            "Apply every safe vaultlint fix in this note (1)",
            "source.fixAll.vaultlint",
            None,
        ),
    ]
    edit = actions[0].edit  # type: ignore[union-attr]
    assert edit is not None and edit.document_changes is not None  # VS Code: versioned edits
    change = edit.document_changes[0]
    assert change.text_document.uri == editor.uri("C.md")
    assert change.text_document.version == 1
    assert [(e.range, e.new_text) for e in change.edits] == [(rng(0, 8, 0, 15), "project")]
    # the edit applied as an editor applies it gives the fixed note
    text = editor.texts["C.md"]
    assert apply_edits(text, [Edit(8, 15, "project")]) == "Tagged #project here\n"
    version = editor.edit("C.md", change.edits[0].range, change.edits[0].new_text)
    assert await editor.diagnostics("C.md", version) == []


@session
async def test_definition_of_note_heading_and_block_links(editor: Editor) -> None:
    await editor.open("Alpha.md")
    text = "[[Alpha]] [[Alpha#Alpha]] [[Alpha#^intro]] [[Pictures/diagram.png]]\n"
    await editor.open("Index.md", text)

    async def where(character: int) -> tuple[str, tuple[int, int, int, int]]:
        loc = await editor.client.text_document_definition_async(
            lsp.DefinitionParams(
                lsp.TextDocumentIdentifier(editor.uri("Index.md")), lsp.Position(0, character)
            )
        )
        assert isinstance(loc, lsp.Location)
        r = loc.range
        return loc.uri, (r.start.line, r.start.character, r.end.line, r.end.character)

    alpha = editor.uri("Alpha.md")
    assert await where(3) == (alpha, (0, 0, 0, 0))
    assert await where(14) == (alpha, (0, 0, 0, 7))  # the heading "# Alpha"
    assert await where(30) == (alpha, (2, 0, 2, 17))  # the block "Some text. ^intro"
    assert await where(50) == (editor.uri("Pictures/diagram.png"), (0, 0, 0, 0))


@session
async def test_completion_of_note_names_and_headings(editor: Editor) -> None:
    await editor.open("Alpha.md")
    await editor.open("Index.md", "See [[Al\n")

    async def complete(line_text: str, character: int) -> list[tuple[str, tuple]]:
        version = editor.change("Index.md", line_text)
        await editor.diagnostics("Index.md", version)
        result = await editor.client.text_document_completion_async(
            lsp.CompletionParams(
                lsp.TextDocumentIdentifier(editor.uri("Index.md")), lsp.Position(0, character)
            )
        )
        assert isinstance(result, lsp.CompletionList)
        out = []
        for item in result.items:
            r = item.text_edit.range  # type: ignore[union-attr]
            out.append((item.label, (r.start.character, r.end.character)))
        return out

    assert await complete("See [[Al\n", 8) == [("Alpha", (6, 8))]
    assert await complete("See [[pla\n", 9) == [("Plan", (6, 9))]
    assert await complete("See [[Alpha#\n", 12) == [("Alpha", (12, 12))]
    # a heading typed in Alpha but not saved is offered at once
    editor.change("Alpha.md", "# Alpha\n\nSome text. ^intro\n\n## Later\n")
    await editor.diagnostics("Alpha.md", editor.versions["Alpha.md"])
    assert await complete("See [[Alpha#L\n", 13) == [("Alpha", (12, 13)), ("Later", (12, 13))]
    assert await complete("See [[Alpha#^\n", 13) == [("^intro", (12, 13))]


@session
async def test_hover_on_a_broken_link_shows_its_message(editor: Editor) -> None:
    await editor.open("Index.md")
    hover = await editor.client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(editor.uri("Index.md")), lsp.Position(2, 10))
    )
    assert hover is not None
    assert hover.contents.value == (  # type: ignore[union-attr]
        "**broken-link** (error): link target 'Nowhere' does not exist"
    )
    nothing = await editor.client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(editor.uri("Index.md")), lsp.Position(0, 2))
    )
    assert nothing is None


@session
async def test_an_unsafe_fix_is_labelled_and_not_preferred(editor: Editor) -> None:
    found = await editor.open("Garbled.md")
    message = "garbled text 'â€™' (wrong encoding); it should read '’'"
    assert shape(found) == [((0, 2, 0, 5), "mojibake", "vaultlint", WARNING, message)]
    actions = await editor.client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(editor.uri("Garbled.md")),
            range=rng(0, 3, 0, 3),
            context=lsp.CodeActionContext(diagnostics=found),
        )
    )
    assert actions is not None
    assert [(a.title, a.is_preferred) for a in actions] == [  # type: ignore[union-attr]
        ("replace with '’' (mojibake, unsafe fix: check it is what you meant)", False)
    ]  # and no "apply every safe fix": there is none
    edit = actions[0].edit  # type: ignore[union-attr]
    assert edit is not None and edit.document_changes is not None
    assert [(e.range, e.new_text) for e in edit.document_changes[0].edits] == [
        (rng(0, 2, 0, 5), "’")
    ]


@session
async def test_notes_obsidian_keeps_out_get_no_diagnostics(editor: Editor) -> None:
    """Templates/ is Obsidian's templates folder (.obsidian/templates.json): as `scan`, the
    server does not lint it."""
    assert await editor.open("Templates/Meeting.md") == []


async def _file_events(editor: Editor) -> None:
    """A note created on disk (by git, a sync tool, another editor) resolves links at once;
    deleted, they break again."""
    assert shape(await editor.open("Index.md")) == [BROKEN_NOWHERE, NO_LATER]
    created = editor.root / "Nowhere.md"
    created.write_text("# Nowhere\n", encoding="utf-8")
    for kind, expected in (
        (lsp.FileChangeType.Created, [NO_LATER]),
        (lsp.FileChangeType.Deleted, [BROKEN_NOWHERE, NO_LATER]),
    ):
        if kind == lsp.FileChangeType.Deleted:
            created.unlink()
        published = editor.count("Index.md")
        editor.client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams([lsp.FileEvent(created.as_uri(), kind)])
        )
        await editor.wait_for(lambda n=published: editor.count("Index.md") > n)
        assert shape(await editor.diagnostics("Index.md")) == expected


_file_events.writes = ["Nowhere.md"]
test_file_events_keep_the_index_current = session(_file_events)


@session
async def test_a_folder_moved_in_renamed_and_deleted_as_one_event_each(editor: Editor) -> None:
    """Editors send one event for a whole folder (moved in, renamed, deleted), none for the
    notes in it: the notes below it still come and go with it."""
    assert shape(await editor.open("Index.md")) == [BROKEN_NOWHERE, NO_LATER]
    folder = editor.root / "Moved"
    (folder / "Deeper").mkdir(parents=True)
    (folder / "Deeper" / "Nowhere.md").write_text("# Nowhere\n", encoding="utf-8")
    renamed = editor.root / "Renamed"

    async def event(*changes: tuple[Path, lsp.FileChangeType]) -> list[tuple]:
        published = editor.count("Index.md")
        editor.client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams([lsp.FileEvent(p.as_uri(), t) for p, t in changes])
        )
        await editor.wait_for(lambda: editor.count("Index.md") > published)
        return shape(await editor.diagnostics("Index.md"))

    assert await event((folder, lsp.FileChangeType.Created)) == [NO_LATER]
    folder.rename(renamed)
    deleted, created = lsp.FileChangeType.Deleted, lsp.FileChangeType.Created
    assert await event((folder, deleted), (renamed, created)) == [NO_LATER]
    (renamed / "Deeper" / "Nowhere.md").unlink()
    (renamed / "Deeper").rmdir()
    renamed.rmdir()
    assert await event((renamed, deleted)) == [BROKEN_NOWHERE, NO_LATER]


CANVAS = (
    '{"nodes": [\n'
    '  {"id": "a", "type": "file", "file": "Missing.md", "x": 0, "y": 0, '
    '"width": 9, "height": 9},\n'
    '  {"id": "b", "type": "text", "text": "see [[Nowhere]]", "x": 0, "y": 0, "width": 9, '
    '"height": 9}\n'
    "]}\n"
)


async def _canvas(editor: Editor) -> None:
    """A canvas is linted as `scan` lints it, open (as edited) or on disk; one changed on disk
    is read again as a canvas (it was taken for a new attachment, and the index refused it)."""
    board = editor.root / "Board.canvas"
    board.write_text(CANVAS, encoding="utf-8")
    editor.client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(board.as_uri(), lsp.FileChangeType.Created)])
    )
    missing = "file node 'Missing.md' does not exist in the vault"
    nowhere = "link target 'Nowhere' does not exist"
    assert shape(await editor.open("Board.canvas")) == [
        ((1, 38, 1, 50), "broken-link", "vaultlint", ERROR, missing),
        ((2, 43, 2, 54), "broken-link", "vaultlint", ERROR, nowhere),
    ]
    version = editor.edit("Board.canvas", rng(2, 45, 2, 52), "Alpha")
    assert shape(await editor.diagnostics("Board.canvas", version)) == [
        ((1, 38, 1, 50), "broken-link", "vaultlint", ERROR, missing),
    ]
    editor.client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(editor.uri("Board.canvas")))
    )
    assert shape(await editor.open("Index.md")) == [BROKEN_NOWHERE, NO_LATER]
    # the canvas changed on disk and a note created, in one batch of events
    board.write_text(CANVAS.replace("Missing.md", "Alpha.md"), encoding="utf-8")
    (editor.root / "Nowhere.md").write_text("# Nowhere\n", encoding="utf-8")
    published = editor.count("Index.md")
    editor.client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [
                lsp.FileEvent(board.as_uri(), lsp.FileChangeType.Changed),
                lsp.FileEvent(editor.uri("Nowhere.md"), lsp.FileChangeType.Created),
            ]
        )
    )
    await editor.wait_for(lambda: editor.count("Index.md") > published)
    assert shape(await editor.diagnostics("Index.md")) == [NO_LATER]
    published = editor.count("Board.canvas")
    await editor.open("Board.canvas")  # reopened: the text on disk now
    await editor.wait_for(lambda: editor.count("Board.canvas") > published)
    assert await editor.diagnostics("Board.canvas") == []


_canvas.writes = ["Board.canvas", "Nowhere.md"]
test_a_canvas_is_linted_open_and_on_disk = session(_canvas)


async def _not_utf8(editor: Editor) -> None:
    """A note saved as Latin-1: the editor shows it decoded (VS Code: U+FFFD for the byte) and
    saves it back as it was, so the finding `scan` makes from the bytes stays while the file is
    not UTF-8 (it was lost on open); saved as UTF-8, it goes."""
    latin = editor.root / "Latin.md"
    latin.write_bytes(b"# Caf\xe9\n\n[[Alpha]] [[Nowhere]]\n")
    editor.client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(latin.as_uri(), lsp.FileChangeType.Created)])
    )
    message = (
        "note is not valid UTF-8 (byte 0xe9 at byte offset 5); "
        "it was probably saved as Latin-1 or Windows-1252"
    )
    encoding = ((0, 5, 0, 6), "mojibake", "vaultlint", WARNING, message)
    broken = (
        (2, 10, 2, 21),
        "broken-link",
        "vaultlint",
        ERROR,
        "link target 'Nowhere' does not exist",
    )
    assert shape(await editor.open("Latin.md", "# Caf\ufffd\n\n[[Alpha]] [[Nowhere]]\n")) == [
        encoding,
        broken,
    ]
    version = editor.edit("Latin.md", rng(2, 12, 2, 19), "Alpha")  # [[Nowhere]] -> [[Alpha]]
    assert shape(await editor.diagnostics("Latin.md", version)) == [encoding]
    published = editor.count("Latin.md")
    latin.write_text("# Café\n\n[[Alpha]] [[Alpha]]\n", encoding="utf-8")
    editor.client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(latin.as_uri()))
    )
    await editor.wait_for(lambda: editor.count("Latin.md") > published)
    assert await editor.diagnostics("Latin.md") == []


_not_utf8.writes = ["Latin.md"]
test_a_note_that_is_not_utf8_keeps_its_finding_while_open = session(_not_utf8)


async def _allowed_file(editor: Editor) -> None:
    """A file a rule reads (a tags rule's allowed_file) is part of the configuration: changed
    on disk or saved in the editor, the rules are read again (they kept the old list)."""
    config = editor.root / ".vaultlint.yaml"
    allowed = editor.root / "tags.txt"
    allowed.write_text("project\n", encoding="utf-8")
    config.write_text(
        "extends: []\nrules:\n  house-tags: {check: tags, allowed_file: tags.txt, case: any}\n",
        encoding="utf-8",
    )

    async def event(path: Path, kind: lsp.FileChangeType) -> list[tuple]:
        published = editor.count("C.md")
        editor.client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams([lsp.FileEvent(path.as_uri(), kind)])
        )
        await editor.wait_for(lambda: editor.count("C.md") > published)
        return shape(await editor.diagnostics("C.md"))

    await editor.open("C.md", "Tagged #Project here #draft\n")
    not_allowed = "tag 'draft' is not in the allowed list"
    expected = [((0, 21, 0, 27), "house-tags", "vaultlint", WARNING, not_allowed)]
    assert await event(config, lsp.FileChangeType.Changed) == expected
    allowed.write_text("project\ndraft\n", encoding="utf-8")
    assert await event(allowed, lsp.FileChangeType.Changed) == []
    # saved in the editor (no file watcher)
    allowed.write_text("project\n", encoding="utf-8")
    published = editor.count("C.md")
    editor.client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(allowed.as_uri()))
    )
    await editor.wait_for(lambda: editor.count("C.md") > published)
    assert shape(await editor.diagnostics("C.md")) == expected


_allowed_file.writes = [".vaultlint.yaml", "tags.txt"]
test_a_file_a_rule_reads_reloads_the_rules = session(_allowed_file)


async def _config_saved(editor: Editor) -> None:
    """An editor without file watchers: saving .vaultlint.yaml in it reloads the rules."""
    assert shape(await editor.open("Index.md")) == [BROKEN_NOWHERE, NO_LATER]
    config = editor.root / ".vaultlint.yaml"
    config.write_text("extends: [recommended]\nrules:\n  broken-link: off\n", encoding="utf-8")
    published = editor.count("Index.md")
    editor.client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(config.as_uri()))
    )
    await editor.wait_for(lambda: editor.count("Index.md") > published)
    assert await editor.diagnostics("Index.md") == []


_config_saved.writes = [".vaultlint.yaml"]
test_saving_the_config_reloads_the_rules = session(_config_saved)


def test_a_vault_in_a_subfolder_of_the_workspace(tmp_path: Path) -> None:
    """The workspace is a repository whose vault is notes/: a note there is linted with that
    vault's config and its links resolve inside it, as `vaultlint scan notes/x.md` would."""
    write(
        tmp_path,
        {
            "README.md": "[[Nowhere]]\n",
            "notes/.vaultlint.yaml": "extends: []\nrules:\n  only-links: {check: links}\n",
            "notes/x.md": "[[y]] [[README]]\n",
            "notes/y.md": "# y\n",
        },
    )
    before = vault_digest(tmp_path)

    async def main() -> tuple[list, list]:
        editor = await start(tmp_path)
        try:
            inside = await editor.open("notes/x.md")
            outside = await editor.open("README.md")
        finally:
            assert await stop(editor) == 0
        return shape(inside), shape(outside)

    inside, outside = asyncio.run(main())
    message = "link target 'README' does not exist"
    assert inside == [((0, 6, 0, 16), "only-links", "vaultlint", WARNING, message)]
    broken = "link target 'Nowhere' does not exist"
    assert outside == [((0, 0, 0, 11), "broken-link", "vaultlint", ERROR, broken)]
    assert vault_digest(tmp_path) == before


def test_positions_are_utf16_whatever_encoding_the_client_offers_first(tmp_path: Path) -> None:
    """Neovim 0.11 offers UTF-8 first, Emacs 29 UTF-32: the server still speaks UTF-16 (pygls
    took the client's first choice and applied edits in it, while vaultlint's ranges are
    UTF-16), says so, and applies an edit at UTF-16 positions."""
    write(tmp_path, FILES)

    async def main(client: str) -> tuple[str | None, list[tuple], list[tuple]]:
        editor = await start(tmp_path, client)
        try:
            assert editor.capabilities is not None
            encoding = editor.capabilities.position_encoding
            opened = shape(await editor.open("Index.md"))
            # "Hi 😀 [[Nowhere]]": put "é" just after the emoji (UTF-16 character 5)
            version = editor.edit("Index.md", rng(2, 5, 2, 5), "é")
            edited = shape(await editor.diagnostics("Index.md", version))
        finally:
            assert await stop(editor) == 0
        return encoding, opened, edited

    moved = [((2, 7, 2, 18), *BROKEN_NOWHERE[1:]), ((2, 23, 2, 38), *NO_LATER[1:])]
    for client in ("neovim@v0.11.0", "emacs@v29.1"):
        encoding, opened, edited = asyncio.run(main(client))
        assert (client, encoding) == (client, lsp.PositionEncodingKind.Utf16)
        assert opened == [BROKEN_NOWHERE, NO_LATER]
        assert edited == moved


def test_exit_without_shutdown_is_status_1(tmp_path: Path) -> None:
    """LSP: an exit notification without a shutdown request first exits with status 1."""
    write(tmp_path, FILES)

    async def main() -> int:
        editor = await start(tmp_path)
        editor.client.exit(None)
        server = editor.client._server
        assert server is not None
        code = await asyncio.wait_for(server.wait(), 20)
        await editor.client.stop()
        return code

    assert asyncio.run(main()) == 1


def test_the_arguments_language_clients_add_are_taken(tmp_path: Path) -> None:
    """VS Code's language client starts a server with `--stdio` (and `--clientProcessId=N` for
    a node module); Helix and Zed configurations often copy it: the server takes both and
    speaks as without them."""
    write(tmp_path, FILES)

    async def main() -> list:
        editor = await start(tmp_path, args=("--stdio", "--clientProcessId=4242"))
        try:
            return shape(await editor.open("Index.md"))
        finally:
            assert await stop(editor) == 0

    assert asyncio.run(main()) == [BROKEN_NOWHERE, NO_LATER]


def test_server_is_a_command() -> None:
    from vaultlint.cli import build_parser

    assert build_parser().parse_args(["server"]).command == "server"


def test_without_the_server_extra_it_says_what_to_install() -> None:
    """pygls missing (a plain `pip install obsidian-vaultlint`): exit 2 with the command to run."""
    code = (
        "import sys; sys.modules['pygls'] = None; "
        "from vaultlint.cli import main; sys.exit(main(['server']))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "vaultlint: error: `vaultlint server` needs the 'server' extra (pygls is not "
        "installed): pip install '.[server]' in a clone of vaultlint, "
        "pip install 'obsidian-vaultlint[server]' once it is on PyPI\n"
    )
