"""``vaultlint scan [PATH ...]``: lint the notes of a vault (the default command)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from vaultlint.cli.base import (
    Command,
    Outcome,
    UsageError,
    cache_dir_of,
    check_paths,
    config_file,
    info,
    load_config,
    resolve_root,
    selection,
    shown_path,
    use_color,
    warn,
    write,
)
from vaultlint.words import plural

if TYPE_CHECKING:
    from vaultlint.config import Config
    from vaultlint.lint.result import ScanResult


def add_arguments(scan: argparse.ArgumentParser) -> None:
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
        help="keep the cache in DIR (default: $VAULTLINT_CACHE_DIR, else the user's cache "
        "folder); a DIR that cannot be made or written is exit 2",
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
        "--pre-commit",
        action="store_true",
        help="run as the pre-commit hook: every later word that starts with '-' and names an "
        "existing file is a PATH; also check the notes whose links the staged removals and "
        "renames break (their links findings only)",
    )
    scan.add_argument(
        "--changed-since",
        metavar="REF",
        help="lint the notes changed since the git commit REF (`git diff REF`), and the notes "
        "whose links its removals and renames break (their links findings only)",
    )
    scan.add_argument(
        "--diff",
        action="store_true",
        help="print what --fix would change as a unified diff and write nothing "
        "(exit 1 when there is something to change)",
    )


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
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(transient=True, console=Console(stderr=True))
            self._bar.start()
            self._task = self._bar.add_task("Parsing notes", total=self.total or None)
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def run(args: argparse.Namespace) -> Outcome:
    cwd = Path.cwd()
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.unsafe_fixes and not (args.fix or args.diff):
        warn("--unsafe-fixes does nothing without --fix or --diff: no note is changed")
    root = resolve_root(args, cwd)
    check_paths(args.paths, root, cwd)
    broken_by: list[str] = []  # --pre-commit: notes added because a removal broke their links
    if args.pre_commit:
        changes = _git_changes(root, ["--cached"])
        if changes is None:
            warn("--pre-commit: not in a git repository: removed notes are not checked")
        gone = changes.gone if changes else []
        if not args.paths and not gone:
            write(sys.stdout, "No notes to check: nothing staged in the vault.\n")
            return Outcome.CLEAN
    elif args.changed_since is not None:
        if args.changed_since.startswith("-") or not args.changed_since:
            raise UsageError(f"--changed-since {args.changed_since!r}: not a git revision")
        changes = _git_changes(root, [args.changed_since])
        if changes is None:
            raise UsageError("--changed-since: not in a git repository")
        gone = changes.gone
        args.paths = [*args.paths, *map(partial(_shown_from, cwd), changes.kept)]
        if not args.paths and not gone:
            write(sys.stdout, f"No notes to check: no note changed since {args.changed_since}.\n")
            return Outcome.CLEAN
    for flag, given, what in (
        ("--output", args.output, "report"),
        ("--write-baseline", args.write_baseline, "baseline"),
    ):
        if given and (cwd / given).is_dir():
            raise UsageError(f"{flag} {given}: is a folder; give the {what}'s file name")
    cache_dir = cache_dir_of(args, cwd)
    if not args.no_cache:
        _check_cache_dir(args, root, cache_dir)
    config_path = config_file(args, root, cwd)
    key = None
    if not args.no_cache:
        from vaultlint.lint.fingerprint import run_key

        key = run_key(None if config_path is None else str(config_path), *selection(args))
    warm = not (args.fix or args.diff or args.pre_commit or args.changed_since is not None)
    walked: list = []  # the walk of a warm attempt that missed, for the run that follows
    if key is not None and warm:
        # nothing changed since the last run: answered without reading the configuration
        from vaultlint.lint.warm import cached_scan

        result = cached_scan(root, key, args.paths, cwd=cwd, cache_dir=cache_dir, walked=walked)
        if result is not None:
            return _report(args, root, cwd, result)
    config = load_config(args, root, cwd, config_path, keep=not args.no_cache, cache_dir=cache_dir)
    if args.pre_commit or args.changed_since is not None:
        names = _gone_names(gone)
        broken_by = _linking_to(root, config, names, use_cache=not args.no_cache)
        if not args.paths and not broken_by:
            what = "the commit" if args.pre_commit else f"the change since {args.changed_since}"
            write(sys.stdout, f"No notes to check: no note links to what {what} removes.\n")
            return Outcome.CLEAN
        args.paths = [*args.paths, *(str(root / p) for p in broken_by)]
        args.no_statistics = True
    _check_format(args.format)
    from vaultlint.lint.batch import lint

    jobs = args.jobs or os.cpu_count() or 1
    progress = _Progress(enabled=True)
    try:
        result = lint(
            root,
            config,
            args.paths,
            cwd=cwd,
            use_cache=not args.no_cache,
            cache_dir=cache_dir,
            jobs=jobs,
            progress=progress,
            run_key=key,
            files=walked[0] if walked else None,
        )
    finally:
        progress.stop()
    return _report(args, root, cwd, result, config, broken_by, names if broken_by else set())


def _check_cache_dir(args: argparse.Namespace, root: Path, cache_dir: Path | None) -> None:
    """A cache folder the user chose must be usable: ``--cache-dir`` that is not is exit 2,
    ``$VAULTLINT_CACHE_DIR`` a warning (the run goes on without a cache); never silent."""
    from vaultlint.lint.cache import CACHE_ENV, cache_problem  # (a warm scan imports it too)

    if cache_dir is None and not os.environ.get(CACHE_ENV):
        return  # the user's cache folder: a read-only home runs without a cache, quietly
    problem = cache_problem(root, cache_dir)
    if problem is None:
        return
    if cache_dir is not None:
        raise UsageError(
            f"--cache-dir {args.cache_dir}: {problem}; give a folder vaultlint may write "
            "(or --no-cache)"
        )
    warn(f"${CACHE_ENV}={os.environ[CACHE_ENV]}: {problem}; running without a cache")


def _check_format(name: str) -> None:
    from vaultlint.report import get_reporter

    try:
        get_reporter(name)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _report(
    args: argparse.Namespace,
    root: Path,
    cwd: Path,
    result: ScanResult,
    config: Config | None = None,
    broken_by: Sequence[str] = (),
    names: set[str] | frozenset[str] = frozenset(),
) -> Outcome:
    """Report a scan's result (narrowed by ``--pre-commit``, fixed with ``--fix``, which need
    the ``config``; filtered by a baseline) and decide the outcome."""
    from vaultlint.report import get_reporter

    _check_format(args.format)
    whole_vault = not args.paths or [(cwd / p).resolve() for p in args.paths] == [root]
    show_stats = not args.no_statistics and (
        args.statistics
        or (whole_vault and args.format == "text" and not args.output and sys.stdout.isatty())
    )
    if not result.vault_notes:
        raise UsageError(
            f"no notes in the vault {shown_path(str(root))}: nothing was checked "
            "(a vault holds .md files; is the folder or --vault right?)"
        )
    for warning in result.warnings:
        warn(warning)
    if whole_vault and not result.notes and result.excluded:
        # a gate that checked nothing must not pass silently
        warn(_all_excluded(result))
    if whole_vault:  # a PATH's own is among the warnings; other skipped notes are not its
        shown_at = _file_prefix(root, cwd)
        for skipped in result.skipped_notes:
            warn(f"{shown_at}{skipped.path}: skipped, {skipped.reason}")
    else:
        result = result._replace(skipped=())
    crashed = result.internal_errors  # exit 2 even when a baseline or --pre-commit hides it

    if broken_by:
        kept = _links_only(result.diagnostics, broken_by, names, args.paths, root, cwd)
        result = result._replace(diagnostics=kept)
    if args.fix or args.diff:
        from vaultlint.fix import run_fixes

        assert config is not None  # a scan that fixes is never answered by the warm path

        left, changed = run_fixes(
            root, config, result.diagnostics, unsafe=args.unsafe_fixes, diff=args.diff, cwd=cwd,
            use_cache=not args.no_cache,
        )  # fmt: skip
        result = result._replace(diagnostics=left)
        if args.diff:  # like ruff: the diff is the output; 1 when there is one
            if crashed:
                return Outcome.FAILED
            return Outcome.FINDINGS if changed else Outcome.CLEAN
    if args.write_baseline:
        from vaultlint.lint.baseline import write_baseline

        try:
            write_baseline(cwd / args.write_baseline, result)
        except OSError as exc:
            raise UsageError(
                f"--write-baseline {args.write_baseline}: cannot write the baseline: "
                f"{exc.strerror or exc}"
            ) from None
        noted = len({d.path for d in result.diagnostics})
        info(
            f"wrote {plural(len(result.diagnostics), 'finding')} of {plural(noted, 'note')} to "
            f"{args.write_baseline}; `--baseline {args.write_baseline}` reports only new ones"
        )
    if args.baseline:
        from vaultlint.lint.baseline import filter_with_baseline

        applied = filter_with_baseline(cwd / args.baseline, result)
        result = result._replace(diagnostics=applied.new)
        info(f"{args.baseline}: hid {plural(applied.hidden, 'known finding')}")
        if applied.stale:
            info(
                f"{args.baseline}: {plural(applied.stale, 'stale entry', 'stale entries')} "
                "(findings fixed since); write the baseline again to drop them"
            )

    prefix = _path_prefix(root, cwd)
    color = use_color(sys.stdout) and not args.output
    reporter = get_reporter(
        args.format, color=color, path_prefix=prefix, file_prefix=_file_prefix(root, cwd)
    )
    # the report is streamed: its memory does not grow with the number of findings
    if args.output:
        out = cwd / args.output
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            with open(out, "w", encoding="utf-8") as fh:
                reporter.write(result, fh)
        except OSError as exc:
            raise UsageError(
                f"--output {args.output}: cannot write the report: {exc.strerror or exc}"
            ) from None
        from vaultlint.report import summary_line

        write(sys.stdout, summary_line(result) + "\n")
    else:
        reporter.write(result, _Stdout())

    if show_stats:
        from vaultlint.report.audit import render_audit

        stream = sys.stdout if args.format == "text" and not args.output else sys.stderr
        write(stream, render_audit(result, color=use_color(stream)))

    if crashed:
        return Outcome.FAILED
    if args.write_baseline:
        return Outcome.CLEAN  # recording a baseline accepts today's findings
    failing = {"error", "warning"} if args.strict else {"error"}
    found = any(d.severity in failing for d in result.diagnostics)
    return Outcome.FINDINGS if found else Outcome.CLEAN


class _Stdout:
    """``sys.stdout`` through :func:`~vaultlint.cli.base.write` (any encoding, closed pipes)."""

    def write(self, text: str) -> None:
        write(sys.stdout, text)


def _all_excluded(result: ScanResult) -> str:
    """The warning of a whole-vault scan whose every note is excluded: how many, and why."""
    from collections import Counter

    reasons = Counter(n.reason for n in result.excluded)
    why = "; ".join(f"{reason}: {n}" for reason, n in sorted(reasons.items()))
    return (
        f"every note of the vault is excluded ({plural(len(result.excluded), 'note')}; {why}): "
        "nothing was checked"
    )


def pre_commit_argv(argv: list[str]) -> list[str]:
    """``scan --pre-commit ...``: every word after ``--pre-commit`` that starts with ``-`` and
    names an existing file or folder (relative to the current directory) becomes ``./WORD``,
    a PATH; pre-commit appends the staged files' names to the hook's ``args``, and a staged
    ``--output=README.md`` must not be read as an option."""
    if "--pre-commit" not in argv:
        return argv
    at = argv.index("--pre-commit") + 1
    rest = [f"./{w}" if w.startswith("-") and os.path.lexists(w) else w for w in argv[at:]]
    return [*argv[:at], *rest]


def _git(cwd: Path, *args: str) -> tuple[str | None, str]:
    """git's output (``None`` when it fails) and its error message."""
    import subprocess

    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, str(exc)
    err = done.stderr.decode("utf-8", "replace").strip()
    return (done.stdout.decode("utf-8", "surrogateescape") if done.returncode == 0 else None), err


class _Changes:
    """What a git diff changes in the vault: ``kept`` the notes it adds or modifies (absolute
    paths, existing ``.md`` files), ``gone`` the vault paths it deletes or renames away."""

    __slots__ = ("gone", "kept")  # a plain class: no dataclass built when the scan starts

    def __init__(self, *, kept: list[str], gone: list[str]) -> None:
        self.kept = kept
        self.gone = gone


def _shown_from(cwd: Path, path: str) -> str:
    """``path`` (absolute) relative to ``cwd`` when it lies below it, as the user would type
    it and as warnings about it then read (``Templates/Daily.md: skipped…``); else as given.
    Not :func:`~vaultlint.cli.base.shown_path`, which resolves the path: a changed note that is
    a symbolic link would become its target, and be linted (or refused) as another file."""
    try:
        return Path(path).relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return path


def _git_changes(root: Path, diff: list[str]) -> _Changes | None:
    """``git diff --name-status -M -z`` + ``diff`` in the vault's repository, mapped to the
    vault; ``None`` when the vault is not in a git repository."""
    top, _ = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    out, err = _git(root, "diff", "--name-status", "-M", "-z", *diff, "--")
    if out is None:
        first = err.splitlines()[0] if err else "failed"
        raise UsageError(f"git diff {' '.join(diff)}: {first}")
    words = out.split("\0")
    kept: list[str] = []
    gone: list[str] = []
    i = 0
    while i < len(words) and words[i]:
        status = words[i][:1]
        width = 2 if status in ("R", "C") else 1
        names = words[i + 1 : i + 1 + width]
        if status in ("D", "R"):
            gone.append(names[0])
        if status != "D":
            kept.append(names[-1])
        i += 1 + width
    real_root, real_top = root.resolve(), Path(top.strip()).resolve()
    inside = [
        (real_top / p).relative_to(real_root).as_posix()
        for p in gone
        if (real_top / p).is_relative_to(real_root)
    ]
    notes = [
        str(real_top / p)
        for p in kept
        if p.lower().endswith(".md")
        and (real_top / p).is_relative_to(real_root)
        and (real_top / p).is_file()
    ]
    return _Changes(kept=notes, gone=inside)


def _gone_names(gone: list[str]) -> set[str]:
    """How a link can name a gone path, lower-cased: its vault path or any tail of it, with
    or without ``.md`` for a note."""
    names: set[str] = set()
    for path in gone:
        low = path.lower()
        for form in [low, low[:-3]] if low.endswith(".md") else [low]:
            parts = form.split("/")
            names.update("/".join(parts[i:]) for i in range(len(parts)))
    return names


def _bare(target: str) -> str:
    bare = target.split("#", 1)[0].split("|", 1)[0].strip().lstrip("/").lower()
    return bare[2:] if bare.startswith("./") else bare


def _linking_to(root: Path, config, names: set[str], *, use_cache: bool) -> list[str]:
    """The notes of the vault with a link whose target, as written, is one of ``names``."""
    if not names:
        return []
    from vaultlint.lint.batch import open_vault

    view = open_vault(root, config, use_cache=use_cache)
    out = []
    for path, summary in view.index.summaries.items():
        links = summary.links
        if any(_bare(target) in names for target in links):
            out.append(path)
    return sorted(out)


def _links_only(diagnostics, broken_by, names, paths, root, cwd):
    """In the notes added only because a removal broke their links: only the links findings
    at a link to a gone path (an old, unrelated broken link there does not fail the commit)."""
    from vaultlint.lint.batch import read_and_parse
    from vaultlint.vault.discovery import select_targets

    added = {str(root / b) for b in broken_by}
    staged = [p for p in paths if p not in added]
    named = set(select_targets(staged, root, cwd, broken_by)[0]) if staged else set()
    spans: dict[str, list] = {}
    for path in set(broken_by) - named:
        note = read_and_parse(str(root), path, fingerprint=False)[0]
        spans[path] = [link.span for link in note.links if _bare(link.target) in names]

    def keep(d) -> bool:
        if d.path not in spans:
            return True
        at = d.span.start
        return d.check == "links" and any(
            s.start <= at < max(s.end, s.start + 1) for s in spans[d.path]
        )

    return [d for d in diagnostics if keep(d)]


def _file_prefix(root: Path, cwd: Path) -> str:
    """The vault as seen from the current directory: ``notes/`` (or ``""``) below it, ``../``
    from inside the vault, else the vault's absolute path (as ruff shows such files)."""
    real_root, real_cwd = root.resolve(), cwd.resolve()
    if real_cwd.is_relative_to(real_root):
        rel = os.path.relpath(real_root, real_cwd).replace(os.sep, "/")
        return "" if rel == "." else rel + "/"
    if real_root.is_relative_to(real_cwd):
        return real_root.relative_to(real_cwd).as_posix() + "/"
    return root.as_posix().rstrip("/") + "/"


def _path_prefix(root: Path, cwd: Path) -> str:
    """The vault's path relative to the working directory (for GitHub and SARIF paths)."""
    try:
        rel = root.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"


COMMAND = Command(
    name="scan",
    add_arguments=add_arguments,
    run=run,
    prepare_argv=pre_commit_argv,
)
