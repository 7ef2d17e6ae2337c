"""The Language Server Protocol side of ``vaultlint server`` (on pygls).

One :class:`~vaultlint.server.session.VaultSession` per vault: the vault of each workspace
folder (found as ``vaultlint scan`` finds it), or of a note opened outside them. Diagnostics are
published when a note opens and, debounced, as it is edited; when an edit changes what other
notes can link to (headings, block ids, tags, a new note), every open note of the vault is
checked again. The server answers from memory and never writes a file: fixes are offered as
code actions whose edits the editor applies (:mod:`~vaultlint.server.answers` answers the
requests about a note: code actions, definition, completion, hover).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from vaultlint import __version__
from vaultlint.diagnostic import Diagnostic
from vaultlint.model import Note
from vaultlint.server import answers, convert
from vaultlint.server.preload import PRELOAD
from vaultlint.server.protocol import Utf16Protocol
from vaultlint.server.session import VaultSession
from vaultlint.vault.discovery import CONFIG_NAMES, find_vault_root, is_linted

log = logging.getLogger("vaultlint.server")

#: seconds between the last change of a note and its check (keystrokes in a burst are checked
#: once); the client may set ``initializationOptions.debounce_ms``
DEBOUNCE = 0.02
#: seconds of no edit after which links typed in a note count for the rest of the vault
SETTLE = 0.5


@dataclass
class Published:
    """What was last published for a document: the note it was computed on, and each finding
    with its LSP form (code actions and hovers answer from it)."""

    version: int | None
    note: Note
    findings: list[tuple[Diagnostic, lsp.Diagnostic]]


class VaultlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("vaultlint", __version__, protocol_cls=Utf16Protocol)
        self.sessions: dict[Path, VaultSession] = {}
        self.published: dict[str, Published] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.settling: dict[Path, asyncio.TimerHandle] = {}
        self.debounce = DEBOUNCE
        self.config_diagnostics: set[str] = set()  # config files with a published error
        self.shut_down = False
        self.folders: list[Path] = []  # the workspace folders
        self._roots: dict[Path, Path | None] = {}  # folder -> its vault root (vault_root)

    # -- vaults and documents -------------------------------------------------------------
    def add_folder(self, folder: Path) -> VaultSession:
        """A workspace folder: its vault (the nearest folder up holding a vault marker, else
        the folder itself) is read now, so the first note opens fast."""
        folder = folder.resolve()
        if folder not in self.folders:
            self.folders.append(folder)
        return self.vault(find_vault_root([], None, folder))

    def vault(self, root: Path) -> VaultSession:
        root = root.resolve()
        session = self.sessions.get(root)
        if session is None:
            session = PRELOAD.take(root) or VaultSession(root)
            self.sessions[root] = session
            self.show_config_error(session)
        return session

    def vault_root(self, folder: Path) -> Path | None:
        """The nearest folder from ``folder`` up that holds ``.vaultlint.yaml`` or
        ``.obsidian/`` (as ``vaultlint scan`` finds the vault of a PATH), or None."""
        if folder in self._roots:
            return self._roots[folder]
        found = None
        for candidate in (folder, *folder.parents):
            if (candidate / ".obsidian").is_dir() or any(
                (candidate / name).is_file() for name in CONFIG_NAMES
            ):
                found = candidate
                break
        self._roots[folder] = found
        return found

    def locate(self, uri: str, *, hidden: bool = False) -> tuple[VaultSession, str] | None:
        """The session of the vault a document belongs to, and its vault path: the vault found
        from the note's folder; without one, the workspace folder holding it (else the note's
        own folder)."""
        fs = to_fs_path(uri)
        if fs is None:
            return None
        full = Path(fs)
        root = self.vault_root(full.parent)
        if root is None:
            holding = [f for f in self.folders if full.is_relative_to(f)]
            if holding:
                root = max(holding, key=lambda f: len(f.parts))
            elif full.name.lower().endswith(".md"):
                root = full.parent
            else:
                return None
        session = self.vault(root)
        rel = session.relative(full, hidden=hidden)
        if rel is None:
            return None
        return session, rel

    def document(self, uri: str) -> TextDocument | None:
        """The open document ``uri`` (pygls keys them by the URI with %-escapes decoded)."""
        docs = self.workspace.text_documents
        return docs.get(uri) or docs.get(unquote(uri))

    def note_uri(self, session: VaultSession, path: str) -> str:
        return from_fs_path(str(session.root / path)) or ""

    # -- diagnostics ----------------------------------------------------------------------
    def schedule(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(self.debounce, self.refresh, uri)

    def refresh(self, uri: str) -> None:
        """Take the document's current text and publish its diagnostics (and those of the
        vault's other open notes when what they can link to changed)."""
        self.pending.pop(uri, None)
        place = self.locate(uri)
        doc = self.document(uri)
        if place is None or doc is None:
            return
        session, path = place
        if not is_linted(path):
            return
        change = session.open_document(path, doc.source)
        self.publish(session, path, uri, doc.version)
        if change.index_changed:
            self.publish_others(session, path)
        if session.links_stale:
            self.settle_later(session)

    def settle_later(self, session: VaultSession) -> None:
        """Once edits pause, apply the links typed meanwhile and check the open notes again."""
        handle = self.settling.pop(session.root, None)
        if handle is not None:
            handle.cancel()

        def settle() -> None:
            self.settling.pop(session.root, None)
            if session.settle().index_changed:
                self.publish_others(session)

        self.settling[session.root] = asyncio.get_running_loop().call_later(SETTLE, settle)

    def publish_others(self, session: VaultSession, skip: str | None = None) -> None:
        for other in session.open_paths:
            if other == skip:
                continue
            uri = self.note_uri(session, other)
            doc = self.document(uri)
            self.publish(session, other, uri, doc.version if doc else None)

    def publish(self, session: VaultSession, path: str, uri: str, version: int | None) -> None:
        note = session.note(path)
        if note is None:
            return
        try:
            found = session.check(path)
        except Exception:  # a bug must not take the editor's server down
            log.exception("vaultlint failed on %s", path)
            found = []
        findings = [(d, convert.to_lsp(d)) for d in found]
        self.published[uri] = Published(version, note, findings)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri, diagnostics=[f[1] for f in findings], version=version
            )
        )

    def current(self, uri: str) -> Published | None:
        """The findings of a document for its current text (checked now if an edit waits)."""
        if uri in self.pending:
            self.pending[uri].cancel()
            self.refresh(uri)
        doc = self.document(uri)
        shown = self.published.get(uri)
        if shown is not None and doc is not None and shown.version != doc.version:
            self.refresh(uri)
            shown = self.published.get(uri)
        return shown

    # -- configuration --------------------------------------------------------------------
    def reload(self, session: VaultSession) -> None:
        session.reload_config()
        self.show_config_error(session)
        self.publish_others(session)

    def show_config_error(self, session: VaultSession) -> None:
        """A config that does not load is shown where it is wrong (and the rules in force
        stay): a diagnostic at the line of the config file, and a message."""
        for uri in list(self.config_diagnostics):
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
            self.config_diagnostics.discard(uri)
        error = session.config_error
        if error is None:
            return
        self.window_show_message(
            lsp.ShowMessageParams(
                type=lsp.MessageType.Error,
                message=f"vaultlint: {error} (the previous rules stay in force)",
            )
        )
        path = Path(error.path)
        if not path.is_absolute():
            path = session.root / path
        uri = from_fs_path(str(path))
        if uri is None:
            return
        diagnostic = lsp.Diagnostic(
            range=_config_range(path, error.line, error.column),
            message=error.message,
            severity=lsp.DiagnosticSeverity.Error,
            code="config",
            source=convert.SOURCE,
        )
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[diagnostic])
        )
        self.config_diagnostics.add(uri)

    def files_changed(self, events: list[lsp.FileEvent]) -> None:
        touched: dict[Path, tuple[VaultSession, bool, bool]] = {}
        saved: list[str] = []  # open documents whose file changed (saved in another encoding)
        for event in events:
            place = self.locate(event.uri, hidden=True)
            if place is None:
                continue
            session, path = place
            config, index = touched.get(session.root, (session, False, False))[1:]
            if session.is_config_file(path):
                config = True  # (and, when it is a file of the vault, an attachment too:)
            if event.type == lsp.FileChangeType.Deleted:
                index = session.file_deleted(path).index_changed or index
            elif event.type == lsp.FileChangeType.Changed and (session.root / path).is_dir():
                continue  # a folder whose files changed: they have events of their own
            else:
                index = session.file_changed(path).index_changed or index
                if session.document(path) is not None:
                    saved.append(event.uri)
            touched[session.root] = (session, config, index)
        if any(e.uri.endswith(CONFIG_NAMES) for e in events):
            self._roots.clear()  # a config created or deleted: vaults may have moved
        for session, config, index in touched.values():
            if config:
                self.reload(session)
            elif index:
                self.publish_others(session)
            if session.links_stale:
                self.settle_later(session)
        for uri in saved:
            self.refresh(uri)


def build_server() -> VaultlintServer:
    server = VaultlintServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: VaultlintServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("debounce_ms"), int | float):
            ls.debounce = max(0.0, float(options["debounce_ms"]) / 1000)

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: VaultlintServer, params: None) -> None:
        ls.shut_down = True
        for handle in (*ls.pending.values(), *ls.settling.values()):
            handle.cancel()
        ls.pending.clear()
        ls.settling.clear()

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: VaultlintServer, params: lsp.InitializedParams) -> None:
        folders = [f.uri for f in ls.workspace.folders.values()] or [ls.workspace.root_uri]
        for uri in folders:
            fs = to_fs_path(uri) if uri else None
            if fs and Path(fs).is_dir():
                ls.add_folder(Path(fs))
        caps = ls.client_capabilities.workspace
        watch = caps.did_change_watched_files if caps else None
        if watch is not None and watch.dynamic_registration:
            options = lsp.DidChangeWatchedFilesRegistrationOptions(
                watchers=[lsp.FileSystemWatcher(glob_pattern="**/*")]
            )
            registration = lsp.Registration(
                id="vaultlint-files",
                method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=options,
            )
            ls.client_register_capability(lsp.RegistrationParams([registration]))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(ls: VaultlintServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
        for folder in params.event.added:
            fs = to_fs_path(folder.uri)
            if fs and Path(fs).is_dir():
                ls.add_folder(Path(fs))

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: VaultlintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: VaultlintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: VaultlintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        place = ls.locate(params.text_document.uri, hidden=True)
        if place is None:
            return
        session, path = place
        if session.is_config_file(path):
            ls.reload(session)
        elif is_linted(path):
            if session.file_changed(path).index_changed:
                ls.publish_others(session, path)
            ls.refresh(params.text_document.uri)  # its file saved in another encoding, say
        if session.links_stale:
            ls.settle_later(session)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: VaultlintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        handle = ls.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        ls.published.pop(uri, None)
        place = ls.locate(uri)
        if place is None:
            return
        session, path = place
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        if session.close_document(path).index_changed:
            ls.publish_others(session)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: VaultlintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        ls.files_changed(params.changes)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll]
        ),
    )
    def code_action(ls: VaultlintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return answers.code_actions(ls, params)

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: VaultlintServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        return answers.definition(ls, params)

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["[", "#", "^"])
    )
    def completion(ls: VaultlintServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        return answers.completion(ls, params)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: VaultlintServer, params: lsp.HoverParams) -> lsp.Hover | None:
        return answers.hover(ls, params)

    return server


def serve() -> int:
    """Run the server on stdin/stdout until the client says exit: 0 after a shutdown request,
    1 otherwise (an exit without shutdown, or the client went away), as LSP asks."""
    server = build_server()
    server.start_io()
    return 0 if server.shut_down else 1


def _config_range(path: Path, line: int | None, column: int | None) -> lsp.Range:
    """Where a configuration error is shown in its file: from its column (a JSON error in
    ``.obsidian/types.json`` has one; counted in code points, sent in UTF-16 units as LSP
    wants) to the end of its line, else the whole line; the first line when it has none."""
    row = max((line or 1) - 1, 0)
    start = 0
    if column:
        start = column - 1
        try:  # types.json is read under a size cap: this file is small
            text = path.read_text(encoding="utf-8-sig").split("\n")[row]
            start = len(text[:start].encode("utf-16-le")) // 2
        except (OSError, UnicodeError, IndexError):
            pass
    return lsp.Range(lsp.Position(row, start), lsp.Position(row + 1, 0))
