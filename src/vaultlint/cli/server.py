"""``vaultlint server``: the Language Server Protocol on stdin/stdout (see docs/editors.md)."""

from __future__ import annotations

import argparse
import gc
from pathlib import Path

from vaultlint.cli.base import Command, Outcome, UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Speak the Language Server Protocol on stdin/stdout: diagnostics as you "
        "type, quick fixes, go to definition and completion of links. The vault is found from "
        "the editor's workspace folder, as `vaultlint scan` finds it. See docs/editors.md."
    )
    # what language clients put on the command line of a server they start (VS Code's
    # vscode-languageclient: `--stdio`, and `--clientProcessId=N` for a server it runs as a node
    # module); stdin/stdout is the only transport, and the client's process id comes again in
    # the `initialize` request, so both are taken and mean nothing more
    parser.add_argument(
        "--stdio", action="store_true", help="speak on stdin/stdout (the only transport)"
    )
    parser.add_argument("--clientProcessId", metavar="PID", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> Outcome:
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            f"`vaultlint server` needs the 'server' extra ({exc.name} is "
            "not installed): pip install '.[server]' in a clone of vaultlint, "
            "pip install 'obsidian-vaultlint[server]' once it is on PyPI"
        ) from None
    gc.enable()  # a long-running process (vaultlint.cli.main turns it off for a run)
    from vaultlint.server.preload import PRELOAD

    PRELOAD.start(Path.cwd())  # read the vault while the LSP machinery is imported
    from vaultlint.server.lsp import serve

    return Outcome.CLEAN if serve() == 0 else Outcome.UNCLEAN_EXIT


COMMAND = Command(
    name="server",
    add_arguments=add_arguments,
    run=run,
)
