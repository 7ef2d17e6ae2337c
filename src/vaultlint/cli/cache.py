"""``vaultlint cache [PATH] [--clear]``: where the vault's cache is and its size; or remove it.

The vault is found as ``scan`` finds it (``--vault``, else from PATH or the current folder);
the cache root is ``--cache-dir``, else ``$VAULTLINT_CACHE_DIR``, else the user's cache folder
(:mod:`vaultlint.lint.cache`). Showing creates nothing. ``--clear`` removes that vault's
folder only (``vaults/NAME-HASH/``), and only below a cache root laid out as vaultlint makes it
(its ``CACHEDIR.TAG`` is vaultlint's): the key and other vaults' caches stay. A scan running
meanwhile keeps its open files; the next one starts a new cache. Exit 0, or 2 when the cache
root is not vaultlint's or the folder cannot be removed (naming the file).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from vaultlint.cli.base import (
    Command,
    Outcome,
    UsageError,
    cache_dir_of,
    check_paths,
    resolve_root,
    shown_path,
    write,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="a note or folder of the vault (finds the vault)"
    )
    parser.add_argument("--vault", metavar="DIR", help="the vault root (default: found from PATH)")
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="the cache is in DIR (default: $VAULTLINT_CACHE_DIR, else the user's cache folder)",
    )
    parser.add_argument(
        "--clear", action="store_true", help="remove this vault's cache folder (only it)"
    )


def _size(files: int, size: int) -> str:
    """``3 files, 12.0 MB`` (decimal units, as ``du --si``)."""
    amount = f"{size} bytes"
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            amount = f"{size / scale:.1f} {unit}"
            break
    return f"{files} file{'' if files == 1 else 's'}, {amount}"


def run(args: argparse.Namespace) -> Outcome:
    from vaultlint.escape import printable
    from vaultlint.lint.cache import (
        cache_root,
        clear_folder,
        folder_size,
        is_vaultlint_cache,
        vault_folder_name,
    )

    cwd = Path.cwd()
    root = resolve_root(args, cwd)
    check_paths(args.paths, root, cwd)  # a PATH that does not exist: exit 2, as for scan
    base = cache_root(cache_dir_of(args, cwd))
    if os.path.lexists(base) and not base.is_dir():  # /dev/null, a file: scan cannot use it
        given = f"--cache-dir {args.cache_dir}" if args.cache_dir else printable(str(base))
        raise UsageError(f"{given}: not a folder, so no cache can be kept there")
    folder = base / "vaults" / vault_folder_name(root)
    held = folder_size(folder)
    shown = printable(str(folder))
    vault = printable(shown_path(str(root)))
    if not args.clear:
        what = "none yet" if held is None else _size(held.files, held.size)
        write(sys.stdout, f"Vault: {vault}\nCache: {shown} ({what})\n")
        return Outcome.CLEAN
    if held is None:
        write(sys.stdout, f"No cache for the vault {vault} in {printable(str(base))}.\n")
        return Outcome.CLEAN
    if not is_vaultlint_cache(base):
        raise UsageError(
            f"{base} is not a vaultlint cache (no CACHEDIR.TAG of vaultlint's "
            "beside a vaults/ folder): nothing removed"
        )
    failed = clear_folder(folder)
    if failed is not None:
        raise UsageError(f"cannot remove {failed}")
    write(sys.stdout, f"Removed {shown} ({_size(held.files, held.size)}).\n")
    return Outcome.CLEAN


COMMAND = Command(name="cache", add_arguments=add_arguments, run=run)
