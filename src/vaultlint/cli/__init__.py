"""The command line: ``vaultlint scan | inspect | rules | rule``.

This is the only module that knows exit codes: 0 clean, 1 findings of severity ``error`` (or
``warning`` with ``--strict``), 2 usage or configuration errors and vaultlint's own failures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from vaultlint import __version__
from vaultlint.cli import schema as schema_command

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A problem with how vaultlint was called (exit 2)."""


def _split_ids(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or ():
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vaultlint",
        description="Lint an Obsidian vault: links, tags, sections, dates and encoding.",
    )
    parser.add_argument("--version", action="version", version=f"vaultlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = sub.add_parser("scan", help="lint the notes of a vault (the default command)")
    scan.add_argument("paths", nargs="*", metavar="PATH", help="notes or folders to report on")
    scan.add_argument("--vault", metavar="DIR", help="the vault root (default: found from PATH)")
    scan.add_argument("--config", metavar="FILE", help="configuration file")
    scan.add_argument(
        "--format",
        default="text",
        metavar="FMT",
        help="output format: text, json, sarif, github, junit (default: text)",
    )
    scan.add_argument("--output", metavar="FILE", help="write the report to FILE")
    scan.add_argument("--select", action="append", metavar="IDS", help="only these rule ids")
    scan.add_argument("--ignore", action="append", metavar="IDS", help="not these rule ids")
    scan.add_argument("--strict", action="store_true", help="warnings fail the run too")
    scan.add_argument(
        "--statistics", action="store_true", help="print an audit summary after the report"
    )
    scan.add_argument("--no-statistics", action="store_true", help=argparse.SUPPRESS)
    scan.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    scan.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="keep the cache in DIR (default: $VAULTLINT_CACHE_DIR, else the user's cache folder)",
    )
    scan.add_argument("--jobs", type=int, metavar="N", help="parallel parse processes")
    scan.add_argument("--baseline", metavar="FILE", help="report only findings not in FILE")
    scan.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE")
    scan.add_argument("--fix", action="store_true", help="apply safe fixes to the notes")
    scan.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff: also fixes that may not be what the author meant",
    )
    scan.add_argument(
        "--diff",
        action="store_true",
        help="print what --fix would change as a unified diff and write nothing "
        "(exit 1 when there is something to change)",
    )

    inspect = sub.add_parser("inspect", help="print what vaultlint read from notes, as JSON")
    inspect.add_argument("paths", nargs="+", metavar="PATH")
    inspect.add_argument("--vault", metavar="DIR")

    rules = sub.add_parser("rules", help="list every known rule")
    rules.add_argument("--vault", metavar="DIR", help="list the rules of this vault's config")
    rules.add_argument("--config", metavar="FILE", help="list the rules of this config file")
    rule = sub.add_parser("rule", help="show a rule's documentation")
    rule.add_argument("id", metavar="ID")
    rule.add_argument("--vault", metavar="DIR", help="document the rules of this vault's config")
    rule.add_argument("--config", metavar="FILE", help="document the rules of this config file")
    from vaultlint.cli import server

    server.add_parser(sub)
    schema_command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run vaultlint; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser()
    commands = ("scan", "inspect", "rules", "rule", "server", "schema", "-h", "--help")
    if args_list and args_list[0] not in commands and not args_list[0].startswith("--version"):
        args_list.insert(0, "scan")  # `vaultlint PATH…` means `vaultlint scan PATH…`
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse already printed the message
        return EXIT_OK if exc.code == 0 else EXIT_ERROR
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    from vaultlint.config import ConfigError

    try:
        if args.command == "scan":
            return _scan(args)
        if args.command == "inspect":
            return _inspect(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "server":
            from vaultlint.cli import server

            return server.run(args)
        if args.command == "schema":
            return schema_command.run(args)
        return _rule(args)
    except (ConfigError, UsageError) as exc:
        if isinstance(exc, ConfigError):
            exc.path = _shown_path(exc.path)
        print(f"vaultlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("vaultlint: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        if os.environ.get("VAULTLINT_DEBUG"):
            raise
        print(
            f"vaultlint: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in vaultlint; run again with VAULTLINT_DEBUG=1 for details.",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _shown_path(path: str) -> str:
    """A path as the user would type it: relative to the current directory when below it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path


def _use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def _load_config(args: argparse.Namespace, root: Path, cwd: Path):
    from vaultlint.config import find_config, load_config, select_rules

    if args.config:
        path = (cwd / args.config).resolve()
        if not path.is_file():
            raise UsageError(f"--config {args.config}: no such file")
    else:
        path = find_config(root)
    config = load_config(path, root)
    select, ignore = (
        _split_ids(getattr(args, "select", None)),
        _split_ids(getattr(args, "ignore", None)),
    )
    if select or ignore:
        config = select_rules(config, select, ignore)
    return config


def _resolve_root(args: argparse.Namespace, cwd: Path) -> Path:
    from vaultlint.vault.discovery import find_vault_root

    if args.vault is not None and not (cwd / args.vault).is_dir():
        raise UsageError(f"--vault {args.vault}: not a folder")
    root = find_vault_root(args.paths, args.vault, cwd)
    if not root.is_dir():
        raise UsageError(f"vault root {root} is not a folder")
    return root


class _Progress:
    """A progress bar on stderr, shown only on a terminal and only once a scan takes > 1 s."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty() and not os.environ.get("CI")
        self.started = time.monotonic()
        self.done = 0
        self.total = 0
        self._bar = None

    def __call__(self, n: int) -> None:
        if not self.enabled:
            return
        self.done += n
        if self._bar is None and time.monotonic() - self.started > 1.0:
            from rich.progress import Progress

            self._bar = Progress(transient=True, console=_stderr_console())
            self._bar.start()
            self._task = self._bar.add_task("Parsing notes", total=self.total or None)
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _scan(args: argparse.Namespace) -> int:
    from vaultlint.lint.engine import lint
    from vaultlint.report import RuleInfo, ScanResult, get_reporter

    cwd = Path.cwd()
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    root = _resolve_root(args, cwd)
    config = _load_config(args, root, cwd)
    try:
        get_reporter(args.format)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    jobs = args.jobs or os.cpu_count() or 1
    progress = _Progress(enabled=True)
    whole_vault = not args.paths or [(cwd / p).resolve() for p in args.paths] == [root]
    show_stats = not args.no_statistics and (
        args.statistics
        or (whole_vault and args.format == "text" and not args.output and sys.stdout.isatty())
    )
    try:
        result = lint(
            root,
            config,
            args.paths,
            cwd=cwd,
            use_cache=not args.no_cache,
            cache_dir=(cwd / args.cache_dir) if args.cache_dir else None,
            jobs=jobs,
            progress=progress,
            want_missing=show_stats,
        )
    finally:
        progress.stop()
    for warning in result.warnings:
        print(f"vaultlint: warning: {warning}", file=sys.stderr)

    diagnostics = result.diagnostics
    if args.fix or args.diff:
        from vaultlint.fix import run_fixes

        diagnostics, changed = run_fixes(
            root, config, diagnostics, unsafe=args.unsafe_fixes, diff=args.diff, cwd=cwd,
            use_cache=not args.no_cache,
        )  # fmt: skip
        if args.diff:  # like ruff: the diff is the output; 1 when there is one
            return EXIT_ERROR if result.internal_errors else EXIT_FINDINGS if changed else EXIT_OK
    if args.write_baseline:
        from vaultlint.lint.baseline import write_baseline

        write_baseline(cwd / args.write_baseline, diagnostics, result)
    if args.baseline:
        from vaultlint.lint.baseline import filter_with_baseline

        diagnostics = filter_with_baseline(cwd / args.baseline, diagnostics, result)

    from vaultlint.checks import REGISTRY

    rules = tuple(
        RuleInfo(
            id=r.id,
            check=r.check,
            severity=r.severity,
            summary=r.description or REGISTRY[r.check].summary,
            help=REGISTRY[r.check].__doc__ or "",
        )
        for r in config.active_rules()
    )
    scan_result = ScanResult(
        vault=root.as_posix(),
        diagnostics=tuple(diagnostics),
        notes=tuple(result.targets),
        rules=rules,
        version=__version__,
    )
    prefix = _path_prefix(root, cwd)
    color = _use_color(sys.stdout) and not args.output
    report = get_reporter(args.format, color=color, path_prefix=prefix).render(scan_result)
    if args.output:
        out = cwd / args.output
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        from vaultlint.report import summary_line

        _write(sys.stdout, summary_line(scan_result) + "\n")
    else:
        _write(sys.stdout, report)

    if show_stats:
        from vaultlint.report.audit import render_audit

        stream = sys.stdout if args.format == "text" and not args.output else sys.stderr
        _write(stream, render_audit(scan_result, result, color=_use_color(stream)))

    if result.internal_errors:
        return EXIT_ERROR
    if args.write_baseline:
        return EXIT_OK  # recording a baseline accepts today's findings
    failing = {"error", "warning"} if args.strict else {"error"}
    return EXIT_FINDINGS if any(d.severity in failing for d in diagnostics) else EXIT_OK


def _write(stream: TextIO, text: str) -> None:
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


def _path_prefix(root: Path, cwd: Path) -> str:
    """The vault's path relative to the working directory (for GitHub and SARIF paths)."""
    try:
        rel = root.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"


def _inspect(args: argparse.Namespace) -> int:
    from vaultlint.config import Config
    from vaultlint.lint.engine import open_vault
    from vaultlint.report.inspect import cached_metadata
    from vaultlint.vault.discovery import select_targets

    cwd = Path.cwd()
    root = _resolve_root(args, cwd)
    config = Config(rules=(), exclude=(), obsidian_excludes=False, source=None)
    vault = open_vault(root, config, use_cache=False)
    chosen, warnings = select_targets(args.paths, root, cwd, vault.notes)
    for warning in warnings:
        print(f"vaultlint: warning: {warning}", file=sys.stderr)
    objects = [cached_metadata(vault.note(p), vault.index) for p in chosen]
    payload = objects[0] if len(objects) == 1 and len(args.paths) == 1 else objects
    if not objects and warnings:
        return EXIT_ERROR
    _write(sys.stdout, json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from vaultlint.checks import REGISTRY

    cwd = Path.cwd()
    args.paths = []
    root = _resolve_root(args, cwd)
    config = _load_config(args, root, cwd)
    rows = [
        (r.id, r.check, r.severity, r.description or REGISTRY[r.check].summary)
        for r in config.rules
    ]
    known = {r.check for r in config.rules}
    rows += [(name, name, "-", cls.summary) for name, cls in REGISTRY.items() if name not in known]
    rows.insert(0, ("ID", "CHECK", "SEVERITY", "SUMMARY"))
    width = [max(len(row[i]) for row in rows) for i in range(3)]
    out = [f"{r:<{width[0]}}  {c:<{width[1]}}  {v:<{width[2]}}  {m}" for r, c, v, m in rows]
    _write(sys.stdout, "\n".join(out) + "\n")
    source = config.source or "the built-in 'recommended' pack"
    print(
        f"\nRules from {source}; rows whose severity is '-' are checks you can use in your "
        "own rules (see `vaultlint rule CHECK`)."
    )
    return EXIT_OK


def _rule(args: argparse.Namespace) -> int:
    from vaultlint.docs import render_rule_doc

    cwd = Path.cwd()
    args.paths = []
    root = _resolve_root(args, cwd)
    text = render_rule_doc(args.id, _load_config(args, root, cwd))
    _write(sys.stdout, text)
    return EXIT_OK
