"""The vault of the directory the editor started ``vaultlint server`` in, read in a thread
while the LSP machinery is imported (most editors start a server in its workspace folder)."""

from __future__ import annotations

import threading
from pathlib import Path

from vaultlint.config import find_config
from vaultlint.server.session import VaultSession
from vaultlint.vault.discovery import find_vault_root


class Preload:
    """The vault of the directory the editor started the server in, read in a thread while
    the LSP machinery is imported (most editors start a server in its workspace folder); the
    server takes it when the workspace folder it is given is that vault."""

    def __init__(self) -> None:
        self._root: Path | None = None
        self._thread: threading.Thread | None = None
        self._result: list[VaultSession | BaseException] = []

    def start(self, cwd: Path) -> None:
        root = find_vault_root([], None, cwd)
        if not ((root / ".obsidian").is_dir() or find_config(root) is not None):
            return  # not in a vault: wait for the workspace folder
        self._root = root

        def load() -> None:
            try:
                self._result.append(VaultSession(root))
            except BaseException as exc:  # the server reports it when it loads the vault
                self._result.append(exc)

        self._thread = threading.Thread(target=load, name="vaultlint-preload", daemon=True)
        self._thread.start()

    def take(self, root: Path) -> VaultSession | None:
        """The preloaded session of ``root`` (once), or None."""
        if self._thread is None or root != self._root:
            return None
        self._thread.join()
        self._thread = None
        found = self._result.pop() if self._result else None
        return found if isinstance(found, VaultSession) else None


PRELOAD = Preload()
