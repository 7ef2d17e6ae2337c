"""``vaultlint inspect PATH ...``: what vaultlint read from notes, as Obsidian's metadata (JSON)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vaultlint.cli.base import Command, Outcome, check_paths, resolve_root, warn, write


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="notes to show")
    parser.add_argument("--vault", metavar="DIR", help="the vault root (default: found from PATH)")


def run(args: argparse.Namespace) -> Outcome:
    from vaultlint.config import Config
    from vaultlint.lint.batch import open_vault
    from vaultlint.report.inspect import cached_metadata, render_inspect
    from vaultlint.vault.discovery import select_targets

    cwd = Path.cwd()
    root = resolve_root(args, cwd)
    check_paths(args.paths, root, cwd)  # a PATH that does not exist: exit 2, as for scan
    config = Config(rules=(), exclude=(), obsidian_excludes=False, source=None)
    vault = open_vault(root, config, use_cache=False)
    chosen, warnings = select_targets(args.paths, root, cwd, vault.notes)
    for warning in warnings:
        warn(warning)
    objects = [cached_metadata(vault.note(p), vault.index) for p in chosen]
    if not objects and warnings:
        return Outcome.FAILED
    write(sys.stdout, render_inspect(objects, single=len(args.paths) == 1))
    return Outcome.CLEAN


COMMAND = Command(
    name="inspect",
    add_arguments=add_arguments,
    run=run,
)
