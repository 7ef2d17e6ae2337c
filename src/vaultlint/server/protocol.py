"""The protocol ``vaultlint server`` speaks: pygls's, with positions always in UTF-16."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from lsprotocol import types as lsp
from pygls.protocol import LanguageServerProtocol, lsp_method


class Utf16Protocol(LanguageServerProtocol):
    """pygls's protocol, but positions are always UTF-16 code units, the encoding every client
    supports and the one :mod:`~vaultlint.server.convert` counts: pygls would take the first
    encoding the client offers (Neovim 0.11 offers UTF-8 first, Emacs UTF-32), declare it, and
    apply edits in it, while every range the server sends is in UTF-16."""

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams) -> Generator[Any, Any, Any]:
        if params.capabilities.general is not None:
            params.capabilities.general.position_encodings = None  # (then UTF-16)
        return (yield from super().lsp_initialize(params))
