"""An LSP client (pytest-lsp) driving the real ``vaultlint server`` subprocess on a vault."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

#: how long a test waits for the server before it fails (the server answers in milliseconds)
TIMEOUT = 20.0


@dataclass
class Published:
    uri: str
    version: int | None
    diagnostics: list[lsp.Diagnostic]


@dataclass
class Editor:
    """A client session: the documents it opened and every diagnostics notification."""

    client: LanguageClient
    root: Path
    published: list[Published] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    registrations: list[lsp.Registration] = field(default_factory=list)
    capabilities: lsp.ServerCapabilities | None = None  # what the server answered initialize

    def uri(self, path: str) -> str:
        return (self.root / path).as_uri()

    async def wait_for(self, what: Callable[[], object], timeout: float = TIMEOUT) -> object:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = what()
            if found:
                return found
            if loop.time() > deadline:
                raise AssertionError(f"timed out; published: {self.published!r}")
            await asyncio.sleep(0.01)

    async def diagnostics(self, path: str, version: int | None = None) -> list[lsp.Diagnostic]:
        """The diagnostics published for ``path`` (for this ``version``, when given), waiting
        for them; the newest publication counts."""
        uri = self.uri(path)

        def latest():
            for item in reversed(self.published):
                if item.uri == uri and (version is None or item.version == version):
                    return item
            return None

        item = await self.wait_for(latest)
        return item.diagnostics  # type: ignore[union-attr]

    def count(self, path: str) -> int:
        uri = self.uri(path)
        return sum(1 for p in self.published if p.uri == uri)

    async def open(self, path: str, text: str | None = None) -> list[lsp.Diagnostic]:
        if text is None:
            text = (self.root / path).read_text(encoding="utf-8")
        self.versions[path] = 1
        self.texts[path] = text
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(self.uri(path), "markdown", 1, text))
        )
        return await self.diagnostics(path, 1)

    def change(self, path: str, text: str) -> int:
        """Replace the whole text of an open document (unsaved); returns its new version."""
        self.versions[path] += 1
        self.texts[path] = text
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(self.versions[path], self.uri(path)),
                [lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[path]

    def edit(self, path: str, rng: lsp.Range, new_text: str) -> int:
        """An incremental change, as editors send them; returns the new version."""
        self.versions[path] += 1
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(self.versions[path], self.uri(path)),
                [lsp.TextDocumentContentChangePartial(range=rng, text=new_text)],
            )
        )
        return self.versions[path]


def vault_digest(root: Path) -> dict[str, str]:
    """Every file below ``root`` (hidden ones too) with a hash of its content."""
    out = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            full = Path(folder) / name
            out[full.relative_to(root).as_posix()] = hashlib.sha256(full.read_bytes()).hexdigest()
    return out


async def start(
    root: Path, capabilities: str = "visual-studio-code", args: tuple[str, ...] = ()
) -> Editor:
    """The server started in ``root`` (``vaultlint server`` with ``args``), initialized as the
    editor ``capabilities`` names does."""
    client = LanguageClient(converter_factory=default_converter)
    editor = Editor(client, root)
    # pytest-lsp's own handlers (messages, progress…), but diagnostics are recorded with
    # their version, in order
    defaults = dict(DEFAULT_CLIENT_FEATURES)
    defaults.pop(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    register_lsp_features(client, defaults)

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: lsp.PublishDiagnosticsParams) -> None:
        editor.published.append(Published(params.uri, params.version, list(params.diagnostics)))

    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams) -> None:
        editor.registrations.extend(params.registrations)

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = (sys.executable, "-m", "vaultlint", "server", *args)
    await client.start_io(*command, cwd=str(root), env=env)
    result = await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities(capabilities),
            root_uri=root.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(root.as_uri(), root.name)],
            initialization_options={"debounce_ms": 5},
        )
    )
    editor.capabilities = result.capabilities
    return editor


async def stop(editor: Editor) -> int:
    """shutdown, exit; the server's exit status."""
    await editor.client.shutdown_session()
    server = editor.client._server
    assert server is not None
    code = await asyncio.wait_for(server.wait(), TIMEOUT)
    await editor.client.stop()
    return code


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        full = root / rel
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(text, encoding="utf-8")
