"""The engine: read and parse the vault, build the index, run the rules, apply suppressions.

The flow of a run::

    walk the vault ──► results cache hit? ──► done (nothing changed since the last run)
          │
          ▼
    parse cache ──► parse the rest (process pool when there are many) ──► summaries ──► index
          │
          ▼
    run the rules on the target notes (process pool when there are many) ──► suppressions

Parsing never depends on another note, so notes are parsed in worker processes that send back
plain tuples (:func:`~vaultlint.model.pack_note`), cheap to pickle. The index needs only each
note's small :class:`~vaultlint.model.NoteSummary`. Checking a note needs the note and the
index: worker processes forked after the index is built inherit both, so nothing large is sent
twice. A rule that raises becomes an ``internal-error`` diagnostic for that note; the other
rules and notes go on.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vaultlint.cache import ParseCache, ResultCache, digest, run_fingerprint, stat_key
from vaultlint.checks import REGISTRY
from vaultlint.checks.base import CheckContext
from vaultlint.config import Config
from vaultlint.diagnostic import Diagnostic
from vaultlint.discovery import (
    ObsidianExcludes,
    excluded_reason,
    obsidian_excludes,
    select_targets,
    walk_vault,
)
from vaultlint.index import VaultIndex, summarize
from vaultlint.model import Note, NoteSummary, Problem, Span, pack_note, unpack_note
from vaultlint.parse import parse_note, parse_text
from vaultlint.rules import Rule

INTERNAL_ERROR = "internal-error"
UNREADABLE = "unreadable-note"
#: below this many notes to parse (or to check), a process pool costs more than it saves
PARALLEL_THRESHOLD = 400

Packed = tuple
ParsedFile = tuple[str, bytes, tuple[int, int, int], Packed, NoteSummary]


@dataclass
class LintResult:
    """What a run produced, for the reporters and the summary."""

    root: Path
    diagnostics: list[Diagnostic]
    targets: list[str]
    index: VaultIndex
    excluded: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parsed: int = 0
    cached: int = 0
    from_results_cache: bool = False
    #: link targets that do not resolve: lower-case target → (as written, notes, links)
    missing: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    @property
    def internal_errors(self) -> bool:
        return any(d.rule == INTERNAL_ERROR for d in self.diagnostics)


# --- parsing -------------------------------------------------------------------------------


def _unreadable(path: str, exc: OSError) -> Note:
    problem = Problem(UNREADABLE, f"cannot read the note: {exc.strerror or exc}", Span(0, 0))
    return replace(parse_text(path, ""), problems=(problem,))


def _parse_chunk(args: tuple[str, list[str]]) -> list[ParsedFile]:
    """Read, fingerprint and parse some notes (runs in a worker process when in parallel)."""
    root, paths = args
    out = []
    for path in paths:
        try:
            with open(os.path.join(root, path), "rb") as fh:
                st = os.fstat(fh.fileno())
                data = fh.read()
        except OSError as exc:
            note = _unreadable(path, exc)
            out.append((path, b"", (0, 0, 0), pack_note(note), summarize(note)))
            continue
        note = parse_note(path, data)
        out.append((path, digest(data), stat_key(st), pack_note(note), summarize(note)))
    return out


def _fork_pool(jobs: int) -> ProcessPoolExecutor | None:
    """A pool of forked workers (they inherit the parent's memory), or None where fork is not
    available (then the work runs in this process)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))


def _chunks(items: Sequence[str], jobs: int) -> list[list[str]]:
    size = max(25, -(-len(items) // (jobs * 6)))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def load_notes(
    root: Path,
    paths: Sequence[str],
    *,
    cache: ParseCache,
    jobs: int,
    need: Iterable[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict[str, Packed], dict[str, NoteSummary], int]:
    """The summary of every note of ``paths``, and the packed note of those in ``need`` (all
    when None); from the cache where possible. Returns (packed, summaries, parsed)."""
    need_set = set(paths) if need is None else set(need)
    packed: dict[str, Packed] = {}
    summaries: dict[str, NoteSummary] = {}
    misses: list[str] = []
    root_s = str(root)
    # with few notes to check, parsing them again is cheaper than loading every cached note
    load_packed = len(need_set) >= PARALLEL_THRESHOLD
    for path in paths:
        if not cache.enabled:
            misses.append(path)
            continue
        full = os.path.join(root_s, path)
        try:
            key = stat_key(os.stat(full))
            hit = cache.summary(path, key)
            if hit is not None:
                content, summary = hit
            else:
                with open(full, "rb") as fh:
                    content = digest(fh.read())
                summary = cache.summary_by_content(path, key, content)
        except OSError:
            misses.append(path)  # _parse_chunk reports it as unreadable
            continue
        if summary is None:
            misses.append(path)
            continue
        if path in need_set:
            note = cache.packed(path, content) if load_packed else None
            if note is None:
                misses.append(path)
                continue
            packed[path] = note
        summaries[path] = summary
    pool = _fork_pool(jobs) if jobs > 1 and len(misses) >= PARALLEL_THRESHOLD else None
    chunks = [(root_s, chunk) for chunk in _chunks(misses, jobs)]
    if pool is not None:
        with pool:
            _collect(pool.map(_parse_chunk, chunks), packed, summaries, cache, progress)
    else:
        _collect(map(_parse_chunk, chunks), packed, summaries, cache, progress)
    return packed, summaries, len(misses)


def _collect(
    batches: Iterable[list[ParsedFile]],
    packed: dict[str, Packed],
    summaries: dict[str, NoteSummary],
    cache: ParseCache,
    progress: Callable[[int], None] | None,
) -> None:
    for batch in batches:
        for path, content, key, note, summary in batch:
            packed[path] = note
            summaries[path] = summary
            if content:
                cache.put(path, key, content, note, summary)
        if progress:
            progress(len(batch))


# --- checking ------------------------------------------------------------------------------


@dataclass
class _Prepared:
    rule: Rule
    check: Any
    ctx: CheckContext


def prepare_rules(rules: Sequence[Rule], index: VaultIndex, root: Path) -> list[_Prepared]:
    prepared = []
    for rule in rules:
        if not rule.enabled:
            continue
        check = REGISTRY[rule.check]()
        try:
            state = check.prepare(rule.options, root)
        except Exception as exc:  # a broken prepare is that rule's problem only
            state = exc
        ctx = CheckContext(
            index=index,
            rule_id=rule.id,
            check_name=rule.check,
            severity=rule.severity,  # type: ignore[arg-type]
            options=rule.options,
            message_override=rule.message,
            state=state,
        )
        prepared.append(_Prepared(rule, check, ctx))
    return prepared


def check_note(note: Note, prepared: Sequence[_Prepared]) -> list[Diagnostic]:
    """Every prepared rule whose ``where`` matches, on one note, suppressions applied."""
    found: list[Diagnostic] = []
    for problem in note.problems:
        if problem.code == UNREADABLE:
            found.append(_engine_diagnostic(note, UNREADABLE, "io", problem.message))
    for item in prepared:
        if not item.rule.where.matches(note):
            continue
        try:
            if isinstance(item.ctx.state, Exception):
                raise item.ctx.state
            found.extend(item.check.check(note, item.ctx))
        except Exception as exc:
            found.append(_internal_error(note, item.rule, exc))
    return apply_suppressions(note, found) if found else found


def missing_links(note: Note, index: VaultIndex) -> list[tuple[str, str]]:
    """(lower-case target, target as written) of the note's links that do not resolve."""
    out = []
    for link in note.links:
        if link.target and not link.is_embed and index.resolve(link.target, note.path) is None:
            out.append((link.target.lower(), link.target))
    return out


# What forked check workers inherit: (packed notes, index, prepared rules, want missing).
_WORK: tuple[dict[str, Packed], VaultIndex, list[_Prepared], bool] | None = None


def _check_chunk(paths: list[str]) -> tuple[list[Diagnostic], list[tuple[str, list]]]:
    assert _WORK is not None
    packed, index, prepared, want_missing = _WORK
    diagnostics: list[Diagnostic] = []
    missing = []
    for path in paths:
        note = unpack_note(packed[path])
        diagnostics.extend(check_note(note, prepared))
        if want_missing:
            missing.append((path, missing_links(note, index)))
    return diagnostics, missing


def run_checks(
    targets: Sequence[str],
    packed: dict[str, Packed],
    index: VaultIndex,
    rules: Sequence[Rule],
    root: Path,
    *,
    jobs: int = 1,
    want_missing: bool = False,
) -> tuple[list[Diagnostic], dict[str, list[tuple[str, str]]]]:
    """Run the rules on the target notes; returns (sorted diagnostics, and per note, when
    ``want_missing``, the link targets that do not resolve)."""
    global _WORK
    prepared = prepare_rules(rules, index, root)
    _WORK = (packed, index, prepared, want_missing)
    try:
        pool = _fork_pool(jobs) if jobs > 1 and len(targets) >= PARALLEL_THRESHOLD else None
        chunks = _chunks(targets, jobs)
        if pool is not None:
            with pool:
                results = list(pool.map(_check_chunk, chunks))
        else:
            results = [_check_chunk(chunk) for chunk in chunks]
    finally:
        _WORK = None
    diagnostics = [d for diags, _ in results for d in diags]
    diagnostics.sort()
    per_note = {path: found for _, pairs in results for path, found in pairs}
    return diagnostics, per_note


def aggregate_missing(
    per_note: dict[str, list[tuple[str, str]]], targets: Iterable[str]
) -> dict[str, tuple[str, int, int]]:
    """Missing link targets over some notes: lower-case target → (as written, notes, links)."""
    notes_linking: Counter[str] = Counter()
    links: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for path in targets:
        found = per_note.get(path, ())
        for key, written in found:
            spelling.setdefault(key, written)
            links[key] += 1
        notes_linking.update({key for key, _ in found})
    return {k: (spelling[k], notes_linking[k], links[k]) for k in links}


def run_rules(
    notes: Iterable[Note], rules: Sequence[Rule], index: VaultIndex, root: Path
) -> list[Diagnostic]:
    """Run the rules on parsed notes in this process (for tests and small jobs)."""
    prepared = prepare_rules(rules, index, root)
    out = [d for note in notes for d in check_note(note, prepared)]
    out.sort()
    return out


def _engine_diagnostic(note: Note, rule: str, check: str, message: str) -> Diagnostic:
    return Diagnostic(note.path, 1, 1, rule, 1, 1, check, "error", message)


def _internal_error(note: Note, rule: Rule, exc: Exception) -> Diagnostic:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    message = (
        f"rule '{rule.id}' (check '{rule.check}') failed on this note: "
        f"{type(exc).__name__}: {exc}{where}; please report this bug"
    )
    return _engine_diagnostic(note, INTERNAL_ERROR, rule.check, message)


# --- suppression ---------------------------------------------------------------------------


def apply_suppressions(note: Note, found: list[Diagnostic]) -> list[Diagnostic]:
    """Drop diagnostics silenced by ``vaultlint-disable…`` comments in the note."""
    if not note.suppressions:
        return found
    return [d for d in found if d.rule == INTERNAL_ERROR or not _suppressed(note, d)]


def _covers(rules: tuple[str, ...], rule: str) -> bool:
    return not rules or rule in rules or "all" in rules


def _suppressed(note: Note, diag: Diagnostic) -> bool:
    """``disable-next-line`` silences the next line; ``disable`` … ``enable`` a range of lines
    (a ``disable`` never re-enabled also silences the rule's note-level findings at 1:1)."""
    line0 = diag.line - 1
    note_level = diag.line == 1 and diag.column == 1 and not diag.snippet
    disabled = False
    for sup in note.suppressions:
        if not _covers(sup.rules, diag.rule):
            continue
        if sup.kind == "disable-next-line":
            if sup.line + 1 == line0:
                return True
        elif sup.kind == "disable":
            if sup.line <= line0 or note_level:
                disabled = True
        elif sup.kind == "enable" and (sup.line <= line0 and not note_level):
            disabled = False
    return disabled


# --- the vault -----------------------------------------------------------------------------


@dataclass
class Vault:
    """A vault on disk: its files, its notes (packed) with their summaries, and its index."""

    root: Path
    packed: dict[str, Packed]
    others: list[str]
    excluded: dict[str, str]
    skipped: list[tuple[str, str]]
    parsed: int
    index: VaultIndex
    fingerprint: str = ""

    def note(self, path: str) -> Note:
        return unpack_note(self.packed[path])


def _scan_files(root: Path, config: Config) -> tuple[Any, dict[str, str]]:
    files = walk_vault(root)
    obsidian: ObsidianExcludes | None = None
    if config.obsidian_excludes:
        obsidian = obsidian_excludes(root)
    excluded: dict[str, str] = {}
    for path in files.notes:
        why = excluded_reason(path, config.exclude, obsidian)
        if why is not None:
            excluded[path] = why
    return files, excluded


def open_vault(
    root: Path,
    config: Config,
    *,
    use_cache: bool = True,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    files: Any = None,
    excluded: dict[str, str] | None = None,
    need: Iterable[str] | None = None,
) -> Vault:
    """Read the vault: the summary of every note, and the notes in ``need`` (default all)."""
    if files is None or excluded is None:
        files, excluded = _scan_files(root, config)
    cache = ParseCache(root, enabled=use_cache)
    packed, summaries, parsed = load_notes(
        root, files.notes, cache=cache, jobs=jobs, need=need, progress=progress
    )
    cache.save()
    linted = [p for p in files.notes if p not in excluded]
    index = VaultIndex(summaries, files.others, tag_paths=linted)
    return Vault(root, packed, files.others, excluded, files.skipped, parsed, index)


def lint(
    root: Path,
    config: Config,
    paths: Sequence[str] = (),
    *,
    cwd: Path | None = None,
    use_cache: bool = True,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    want_missing: bool = False,
) -> LintResult:
    """Lint the vault at ``root``: every note, or only the notes named by ``paths``."""
    files, excluded = _scan_files(root, config)
    warnings: list[str] = []
    if paths:
        chosen, warnings = select_targets(paths, root, cwd or Path.cwd(), files.notes)
        targets = [p for p in chosen if p not in excluded]
    else:
        targets = [p for p in files.notes if p not in excluded]

    results = ResultCache(root, enabled=use_cache)
    fingerprint = run_fingerprint(root, files, config) if use_cache else ""
    cached = results.get(fingerprint, targets, want_missing) if use_cache else None
    if cached is not None:
        diagnostics, per_note = cached
        index = VaultIndex({p: NoteSummary(p, (), (), ()) for p in files.notes}, files.others)
        return LintResult(
            root=root,
            diagnostics=diagnostics,
            targets=targets,
            index=index,
            excluded=sorted(excluded.items()),
            skipped=files.skipped,
            warnings=warnings,
            cached=len(files.notes),
            from_results_cache=True,
            missing=aggregate_missing(per_note, targets) if want_missing else {},
        )

    vault = open_vault(
        root,
        config,
        use_cache=use_cache,
        jobs=jobs,
        progress=progress,
        files=files,
        excluded=excluded,
        need=targets,
    )
    diagnostics, per_note = run_checks(
        targets,
        vault.packed,
        vault.index,
        config.active_rules(),
        root,
        jobs=jobs,
        want_missing=want_missing,
    )
    if use_cache:
        results.put(fingerprint, targets, diagnostics, per_note if want_missing else None)
    return LintResult(
        root=root,
        diagnostics=diagnostics,
        targets=targets,
        index=vault.index,
        excluded=sorted(excluded.items()),
        skipped=vault.skipped,
        warnings=warnings,
        parsed=vault.parsed,
        cached=len(vault.index.paths) - vault.parsed,
        missing=aggregate_missing(per_note, targets) if want_missing else {},
    )
