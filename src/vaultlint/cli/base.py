"""What every command module shares: the ``Command`` record, outcomes, usage errors, output.

A command never returns an exit status: it returns an :class:`Outcome` (or raises
:class:`UsageError` / ``ConfigError``), and :func:`vaultlint.cli.main` alone turns that into 0, 1
or 2.
"""

from __future__ import annotations

import argparse
import enum
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, TextIO

from vaultlint.escape import printable


class Outcome(enum.Enum):
    """How a command ended; ``main`` maps it to the exit status."""

    CLEAN = "clean"  # nothing failing: exit 0
    FINDINGS = "findings"  # diagnostics that fail the run: exit 1
    FAILED = "failed"  # vaultlint could not do what was asked (already reported): exit 2
    UNCLEAN_EXIT = "unclean-exit"  # the editor ended the server without a shutdown (LSP): exit 1


class UsageError(Exception):
    """A problem with how vaultlint was called (exit 2)."""


class Command(NamedTuple):
    """One ``vaultlint NAME`` command: its arguments and what it runs (the ``COMMAND`` of its
    module; its one-line help is in the registry, :data:`vaultlint.cli.COMMANDS`, which lists
    it without importing it).

    ``add_arguments`` fills the command's own ``argparse`` sub-parser; ``run`` gets the parsed
    arguments and returns an :class:`Outcome`. A ``NamedTuple``, not a dataclass: every run
    builds one, and ``dataclasses`` (with ``inspect``) is not imported by a warm scan.
    """

    name: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], Outcome]
    #: rewrites the command's arguments (after its name) before ``argparse`` reads them
    prepare_argv: Callable[[list[str]], list[str]] | None = None


class Listed(NamedTuple):
    """One entry of the registry :data:`vaultlint.cli.COMMANDS`: a command's name and the
    one-line help ``vaultlint --help`` shows, and the module whose ``COMMAND`` runs it —
    imported by :meth:`load`, only for the command that is run."""

    name: str
    help: str
    module: str

    def load(self) -> Command:
        """The module's ``COMMAND`` (imported now); a module whose command has another name
        is a bug in the registry."""
        __import__(self.module)  # not importlib.import_module: `-X importtime` shows this one
        command = sys.modules[self.module].COMMAND
        if command.name != self.name:
            listed = f"listed as {self.name!r}"
            raise RuntimeError(f"{self.module}.COMMAND is {command.name!r}, {listed}")
        return command


def split_ids(values: list[str] | None, flag: str = "--select") -> list[str]:
    """``--select a,b --select c`` → ``["a", "b", "c"]``; a value that names no id (``""``,
    ``","``) is a usage error, not "every rule"."""
    out: list[str] = []
    for value in values or ():
        ids = [v.strip() for v in value.split(",") if v.strip()]
        if not ids:
            raise UsageError(f"{flag} {value!r}: names no rule id (give IDS, e.g. {flag} tag-case)")
        out.extend(ids)
    return out


def shown_path(path: str) -> str:
    """A path as the user would type it: relative to the current directory when below it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path


def check_paths(paths: list[str], root: Path, cwd: Path) -> None:
    """Every PATH must exist (relative to the current directory, as for any command line
    tool); one that exists only inside the vault gets that hint. Exit 2 otherwise."""
    for raw in paths:
        if os.path.lexists(cwd / raw):
            continue
        hint = ""
        if not os.path.isabs(raw) and os.path.lexists(root / raw):
            hint = (
                f"; PATHs are relative to the current directory: did you mean "
                f"{shown_path(str(root / raw))}?"
            )
        raise UsageError(f"{raw}: no such file or folder{hint}")


def use_color(stream: TextIO) -> bool:
    """ANSI colour on ``stream``: only on a terminal, unless NO_COLOR / FORCE_COLOR say."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def write(stream: TextIO, text: str) -> None:
    """Write ``text`` whatever the stream's encoding; a closed pipe ends the output quietly."""
    try:
        try:
            stream.write(text)
        except UnicodeEncodeError:
            enc = stream.encoding or "utf-8"
            stream.write(text.encode(enc, errors="replace").decode(enc))
        stream.flush()
    except BrokenPipeError:
        # the reader went away (`vaultlint scan | head`): stop writing, keep the exit status
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())


def warn(message: str) -> None:
    """A warning on stderr: ``vaultlint: warning: …``."""
    print(f"vaultlint: warning: {printable(message)}", file=sys.stderr)


def info(message: str) -> None:
    """An information line on stderr: ``vaultlint: …``."""
    print(f"vaultlint: {printable(message)}", file=sys.stderr)


def resolve_root(args: argparse.Namespace, cwd: Path) -> Path:
    """The vault root of a command's ``--vault`` and ``paths`` (README "Commands")."""
    from vaultlint.vault.discovery import find_vault_root

    paths = getattr(args, "paths", None) or []
    if args.vault is not None and not (cwd / args.vault).is_dir():
        raise UsageError(f"--vault {args.vault}: not a folder")
    root = find_vault_root(paths, args.vault, cwd)
    if not root.is_dir():
        raise UsageError(f"vault root {root} is not a folder")
    return root


def cache_dir_of(args: argparse.Namespace, cwd: Path) -> Path | None:
    """The folder of ``--cache-dir`` (relative to ``cwd``, ``~`` expanded); None: not given
    (then ``$VAULTLINT_CACHE_DIR``, else the user's cache folder: :mod:`vaultlint.lint.cache`)."""
    return (cwd / Path(args.cache_dir).expanduser()) if args.cache_dir else None


def config_file(args: argparse.Namespace, root: Path, cwd: Path) -> Path | None:
    """The configuration file of ``--config`` (checked) or of the vault; None: there is none."""
    if not getattr(args, "config", None):
        from vaultlint.config.packs import find_config

        return find_config(root)
    path = (cwd / args.config).resolve()
    if path.is_dir():
        raise UsageError(
            f"--config {args.config}: is a folder; give the configuration file "
            f"(e.g. {Path(args.config, '.vaultlint.yaml').as_posix()})"
        )
    if not path.is_file():
        raise UsageError(f"--config {args.config}: no such file")
    return path


def selection(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """The rule ids of ``--select`` and of ``--ignore``."""
    return (
        split_ids(getattr(args, "select", None), "--select"),
        split_ids(getattr(args, "ignore", None), "--ignore"),
    )


def load_config(
    args: argparse.Namespace,
    root: Path,
    cwd: Path,
    path: Path | None = None,
    *,
    keep: bool = False,
    cache_dir: Path | None = None,
):
    """The configuration of ``--config`` or of the vault (``path``: that file, already found
    by :func:`config_file`), with ``--select`` / ``--ignore``. ``keep``: read it back from
    the cache while its files are unchanged, and keep it there after reading the files
    (:mod:`vaultlint.config.cached`; the loader and YAML are then not imported)."""
    if path is None:
        path = config_file(args, root, cwd)
    config = None
    if keep:
        from vaultlint.config.cached import kept_config

        config = kept_config(root, path, cache_dir)
    if config is None:
        from vaultlint.config.loader import load_config as load

        config = load(path, root)
        if keep:
            from vaultlint.config.cached import keep_config

            keep_config(root, path, config, cache_dir)
    select, ignore = selection(args)
    if select or ignore:
        from vaultlint.config.select import select_rules

        config = select_rules(config, select, ignore)
    return config
