"""The command line: ``vaultlint COMMAND ...``, one module per command.

- ``base.py``: the ``Command`` record, ``Outcome``, ``UsageError`` and the output helpers.
- one module per command, each with a ``COMMAND`` (``scan.py``, ``inspect.py``, ``rules.py``,
  ``rule.py``, ``init.py``, ``server.py``, ``schema.py``, ``cache.py``); to add a command, write
  its module and list it in ``COMMANDS`` (its name, its one-line help and the module).
- :func:`main` (here) is the only place that knows exit codes: 0 clean, 1 findings of severity
  ``error`` (or ``warning`` with ``--strict``), 2 usage or configuration errors and vaultlint's
  own failures. Commands return an ``Outcome`` or raise.

Report formats live in ``vaultlint.report``; nothing here formats a result.

Start-up is part of every run's time: this package and the command modules import only the
standard library's ``argparse``-level modules at the top; each command imports what it needs
in its ``run``. ``COMMANDS`` names each command's module without importing it: only the chosen
command's module is imported (``vaultlint --help`` lists the others from the registry's help
texts), only its arguments are added to the parser, and ``vaultlint --version`` is answered
before any parser is built.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Sequence

from vaultlint import __version__
from vaultlint.cli.base import Command, Listed, Outcome, UsageError, shown_path, write
from vaultlint.escape import printable

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

#: every ``vaultlint`` command, in the order ``--help`` lists them; a command's module is
#: imported when the command is run (:meth:`Listed.load`)
COMMANDS: tuple[Listed, ...] = (
    Listed("scan", "lint the notes of a vault (the default command)", "vaultlint.cli.scan"),
    Listed("inspect", "print what vaultlint read from notes, as JSON", "vaultlint.cli.inspect"),
    Listed("rules", "list every known rule", "vaultlint.cli.rules"),
    Listed("rule", "show a rule's documentation", "vaultlint.cli.rule"),
    Listed(
        "init",
        "write a .vaultlint.yaml inferred from the vault's conventions",
        "vaultlint.cli.init",
    ),
    Listed(
        "server",
        "run the language server (LSP on stdin/stdout) for editors",
        "vaultlint.cli.server",
    ),
    Listed("schema", "print the JSON Schema of .vaultlint.yaml", "vaultlint.cli.schema"),
    Listed(
        "cache",
        "show where the vault's cache is and its size, or --clear it",
        "vaultlint.cli.cache",
    ),
)
#: ``vaultlint PATH ...`` means ``vaultlint scan PATH ...``
DEFAULT_COMMAND = "scan"

_EXIT = {
    Outcome.CLEAN: EXIT_OK,
    Outcome.FINDINGS: EXIT_FINDINGS,
    Outcome.FAILED: EXIT_ERROR,
    Outcome.UNCLEAN_EXIT: 1,  # what LSP asks of a server that exits without a shutdown
}

__all__ = ["COMMANDS", "Command", "Listed", "Outcome", "UsageError", "build_parser", "main"]


class _HelpFormatter(argparse.HelpFormatter):
    """``argparse``'s formatter, told the terminal's width as ``shutil.get_terminal_size``
    finds it (``$COLUMNS``, else the terminal of stdout, else 80) rather than importing
    ``shutil`` (with ``bz2`` and ``lzma``) for it: ``argparse`` builds a formatter for every
    argument it adds, even when no help is shown."""

    def __init__(self, prog: str, **kwargs) -> None:
        if kwargs.get("width") is None:
            kwargs["width"] = _terminal_columns() - 2  # what argparse takes off shutil's width
        super().__init__(prog, **kwargs)


def _terminal_columns() -> int:
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns


class _Parser(argparse.ArgumentParser):
    """The top-level parser, which knows its commands' parsers (:func:`_unrecognized`)."""

    commands: dict[str, argparse.ArgumentParser]


def build_parser(only: str | None = None) -> _Parser:
    """The argument parser of every command in :data:`COMMANDS` (``None``: with every
    command's arguments; ``""``: every command listed, none's arguments, for ``vaultlint``
    alone or ``--help``); with a command's name, that command only (its module imported and
    its arguments added, the others neither listed nor read: ``main`` has already checked that
    the first word is that command, so the top-level parser never reports on another)."""
    parser = _Parser(
        prog="vaultlint",
        description="Lint an Obsidian vault: links, tags, sections, dates and encoding.",
        formatter_class=_HelpFormatter,
    )
    parser.commands = {}
    parser.add_argument("--version", action="version", version=f"vaultlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for listed in COMMANDS:
        if only and listed.name != only:
            continue
        sub_parser = sub.add_parser(listed.name, help=listed.help, formatter_class=_HelpFormatter)
        parser.commands[listed.name] = sub_parser
        if only is None or listed.name == only:
            listed.load().add_arguments(sub_parser)
    return parser


def _with_command(argv: list[str]) -> list[str]:
    """``argv`` with its command: ``scan`` inserted before options or an existing PATH; a
    first word that is neither a command nor an existing path is an unknown command."""
    names = [c.name for c in COMMANDS]
    if not argv or argv[0] in names or argv[0] in ("-h", "--help"):
        return argv
    first = argv[0]
    if first.startswith("-"):
        return argv if first.startswith("--version") else [DEFAULT_COMMAND, *argv]
    if os.path.lexists(first):
        return [DEFAULT_COMMAND, *argv]
    import difflib

    swapped = [n for n in names if sorted(n) == sorted(first)]  # letters swapped: `rulse`
    close = swapped or difflib.get_close_matches(first, names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise UsageError(
        f"unknown command '{first}'{hint} (commands: {', '.join(names)}; a PATH to lint must exist)"
    )


def _unrecognized(parser: _Parser, command: str, extras: list[str], implied: bool) -> str:
    """The usage of ``command`` and the error for the arguments it does not take, in
    ``argparse``'s words (``vaultlint scan: error: ...``): each unknown option with the one of
    the command's options it is closest to, when one is close (``--formt`` -> ``--format``).
    When the command was ``implied`` (``vaultlint --verison``: ``scan`` taken for the user),
    vaultlint's own options are among those, as the user typed none of the command's."""
    import difflib

    sub = parser.commands.get(command, parser)
    actions = [*sub._actions, *(parser._actions if implied else ())]
    known = sorted({o[2:] for a in actions for o in a.option_strings if o[:2] == "--"})
    hints = []
    for word in extras:
        name = word.split("=", 1)[0]
        if name[:2] == "--" and (close := difflib.get_close_matches(name[2:], known, 1, 0.7)):
            hints.append((name, f"--{close[0]}"))
    hint = ""
    if len(hints) == 1:
        hint = f"; did you mean '{hints[0][1]}'?"
    elif hints:
        hint = "; did you mean " + ", ".join(f"'{m}' for '{w}'" for w, m in hints) + "?"
    listed = f" (vaultlint {command} --help lists its options)" if command else ""
    if command and implied:  # (the user typed no command: vaultlint's options count too)
        listed = f" (vaultlint --help and vaultlint {command} --help list the options)"
    return (
        f"{sub.format_usage()}{sub.prog}: error: unrecognized arguments: "
        f"{printable(' '.join(extras) + hint)}{listed}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run vaultlint; returns the exit status. Called as a process of its own (``argv``
    None), it runs without the cyclic garbage collector: the heavy phases (the runner's and
    the workers') ran without it already, the few cycles a run makes (the vault index and its
    name index) live until it exits anyway, and its passes cost 3-5 % of a warm or pre-commit
    run; ``vaultlint server``, a long-running process, turns it on. As a process of its own,
    it also ends as soon as its output is out (:func:`_leave`)."""
    if argv is None:
        gc.disable()
        # a stream closed before the start (``>&-``, ``2>&-``) is None: what would be said on
        # it is dropped, as a reader gone from a pipe drops it, and the status is the run's
        for name in ("stdout", "stderr"):
            if getattr(sys, name) is None:
                setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
        return _leave(_main(None))
    return _main(argv)


def _leave(code: int) -> int:
    """End the process with ``code`` once its output is flushed, without the interpreter's
    teardown: freeing every object of a run one by one (the walk's 10,000 paths, the modules)
    is 5-7 % of a warm run, and nothing is left to do: reports and notes are written and
    closed, the state is committed. Only when no thread but the main one runs, no worker
    process was started (``multiprocessing`` joins its own at exit) and no profiler, tracer or
    coverage tool waits to write its data at exit; otherwise the exit is the usual one.

    As at Python's own exit: a reader gone from the pipe (``vaultlint --help | true``) keeps
    the status; output that cannot be written (a full disk) is said on stderr and is status
    120 (a stream closed before the start is ``os.devnull`` by now: :func:`main`)."""
    threading = sys.modules.get("threading")
    if (
        "multiprocessing" in sys.modules
        or (threading and threading.active_count() > 1)
        or sys.getprofile() is not None
        or sys.gettrace() is not None
        or "coverage" in sys.modules
    ):
        return code
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader went away, or the stream was closed since: the status stays
        except OSError as exc:
            code = 120  # what Python's exit makes of an output it could not flush
            if stream is sys.stdout:
                with contextlib.suppress(Exception):
                    sys.stderr.write(f"vaultlint: error: cannot write the output: {exc}\n")
                    sys.stderr.flush()
    os._exit(code)


def _main(argv: Sequence[str] | None) -> int:
    from vaultlint.config.errors import ConfigError

    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list == ["--version"]:  # what argparse's version action prints, without a parser
        write(sys.stdout, f"vaultlint {__version__}\n")
        return EXIT_OK
    try:
        typed = len(args_list)
        args_list = _with_command(args_list)
    except UsageError as exc:
        print(f"vaultlint: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    implied = len(args_list) > typed  # `scan` put before what the user typed
    listed = next((c for c in COMMANDS if args_list and c.name == args_list[0]), None)
    chosen = listed.load() if listed is not None else None
    if chosen is not None and chosen.prepare_argv is not None:
        args_list = [args_list[0], *chosen.prepare_argv(args_list[1:])]
    parser = build_parser(chosen.name if chosen is not None else "")
    try:
        args, extras = parser.parse_known_args(args_list)
    except SystemExit as exc:  # argparse already printed the message
        return EXIT_OK if exc.code == 0 else EXIT_ERROR
    if extras:
        print(_unrecognized(parser, args.command or "", extras, implied), file=sys.stderr)
        return EXIT_ERROR
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    command = next(c for c in COMMANDS if c.name == args.command).load()
    try:
        return _EXIT[command.run(args)]
    except (ConfigError, UsageError) as exc:
        if isinstance(exc, ConfigError):
            exc.path = shown_path(exc.path)
        print(f"vaultlint: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("vaultlint: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        if os.environ.get("VAULTLINT_DEBUG"):
            raise
        print(
            f"vaultlint: internal error: {type(exc).__name__}: {printable(str(exc))}\n"
            "This is a bug in vaultlint; run again with VAULTLINT_DEBUG=1 for details.",
            file=sys.stderr,
        )
        return EXIT_ERROR
