"""``vaultlint server``: the Language Server Protocol on stdin/stdout (see docs/editors.md)."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    sub.add_parser(
        "server",
        help="run the language server (LSP on stdin/stdout) for editors",
        description="Speak the Language Server Protocol on stdin/stdout: diagnostics as you "
        "type, quick fixes, go to definition and completion of links. The vault is found from "
        "the editor's workspace folder, as `vaultlint scan` finds it. See docs/editors.md.",
    )


def run(args: argparse.Namespace) -> int:
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError as exc:
        print(
            f"vaultlint: error: `vaultlint server` needs the 'server' extra ({exc.name} is "
            "not installed): pip install 'vaultlint[server]'",
            file=sys.stderr,
        )
        return 2
    from vaultlint.server.lsp import serve

    return serve()
