"""The engine: read and parse the vault, build the index, run the rules, apply suppressions.

Parsing never depends on another note, so notes come from the parse cache or are parsed in a
process pool when there are enough of them. Everything vault-wide goes through the
:class:`~vaultlint.index.VaultIndex`. A rule that raises becomes an ``internal-error``
diagnostic for that note; the other rules and notes go on.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from vaultlint.cache import ParseCache, digest, stat_key
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
from vaultlint.index import VaultIndex
from vaultlint.model import Note, Problem, Span
from vaultlint.parse import parse_note
from vaultlint.rules import Rule

INTERNAL_ERROR = "internal-error"
UNREADABLE = "unreadable-note"
#: below this many notes to parse, a process pool costs more than it saves
PARALLEL_THRESHOLD = 400


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

    @property
    def internal_errors(self) -> bool:
        return any(d.rule == INTERNAL_ERROR for d in self.diagnostics)


ParsedFile = tuple[str, bytes, tuple[int, int, int], Note]


def _parse_chunk(args: tuple[str, list[str]]) -> list[ParsedFile]:
    """Read, fingerprint and parse some notes (runs in a worker process when in parallel)."""
    root, paths = args
    out = []
    for path in paths:
        full = os.path.join(root, path)
        try:
            with open(full, "rb") as fh:
                st = os.fstat(fh.fileno())
                data = fh.read()
        except OSError as exc:
            out.append((path, b"", (0, 0, 0), _unreadable(path, exc)))
            continue
        out.append((path, digest(data), stat_key(st), parse_note(path, data)))
    return out


def _unreadable(path: str, exc: OSError) -> Note:
    from vaultlint.parse import parse_text

    note = parse_text(path, "")
    problem = Problem(UNREADABLE, f"cannot read the note: {exc.strerror or exc}", Span(0, 0))
    return replace(note, problems=(problem,))


def load_notes(
    root: Path,
    paths: Sequence[str],
    *,
    cache: ParseCache,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict[str, Note], int]:
    """Every note of ``paths`` parsed, from the cache where possible; returns (notes, parsed)."""
    notes: dict[str, Note] = {}
    misses: list[str] = []
    root_s = str(root)
    for path in paths:
        if not cache.enabled:
            misses.append(path)
            continue
        full = os.path.join(root_s, path)
        try:
            st = os.stat(full)
            hit = cache.get(path, stat_key(st))
            if hit is None:
                with open(full, "rb") as fh:
                    hit = cache.get_by_content(path, stat_key(st), digest(fh.read()))
        except OSError as exc:
            notes[path] = _unreadable(path, exc)
            continue
        if hit is not None:
            notes[path] = hit
        else:
            misses.append(path)
    if jobs > 1 and len(misses) >= PARALLEL_THRESHOLD:
        size = max(25, len(misses) // (jobs * 8))
        chunks = [(root_s, misses[i : i + size]) for i in range(0, len(misses), size)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            batches: Iterable[list[ParsedFile]] = pool.map(_parse_chunk, chunks)
            for batch in batches:
                _collect(batch, notes, cache)
                if progress:
                    progress(len(batch))
    else:
        for i in range(0, len(misses), 50):
            batch = _parse_chunk((root_s, misses[i : i + 50]))
            _collect(batch, notes, cache)
            if progress:
                progress(len(batch))
    # keep the caller's order (the pool returns chunks in order, but unreadable notes come first)
    return {p: notes[p] for p in paths}, len(misses)


def _collect(batch: list[ParsedFile], notes: dict[str, Note], cache: ParseCache) -> None:
    for path, content, key, note in batch:
        notes[path] = note
        if content and cache.enabled:
            cache.put(path, key, content, note)


def run_rules(
    targets: Iterable[Note], rules: Sequence[Rule], index: VaultIndex, root: Path
) -> list[Diagnostic]:
    """Every enabled rule on every target note whose ``where`` it matches, suppressions applied."""
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
        prepared.append((rule, check, ctx))
    out: list[Diagnostic] = []
    for note in targets:
        found: list[Diagnostic] = []
        for problem in note.problems:
            if problem.code == UNREADABLE:
                found.append(_engine_diagnostic(note, UNREADABLE, "io", problem.message))
        for rule, check, ctx in prepared:
            if not rule.where.matches(note):
                continue
            try:
                if isinstance(ctx.state, Exception):
                    raise ctx.state
                found.extend(check.check(note, ctx))
            except Exception as exc:
                found.append(_internal_error(note, rule, exc))
        if found:
            out.extend(apply_suppressions(note, found))
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


def apply_suppressions(note: Note, found: list[Diagnostic]) -> list[Diagnostic]:
    """Drop diagnostics silenced by ``vaultlint-disable…`` comments in the note."""
    if not note.suppressions:
        return found
    kept = []
    for diag in found:
        if diag.rule == INTERNAL_ERROR or not _suppressed(note, diag):
            kept.append(diag)
    return kept


def _covers(rules: tuple[str, ...], rule: str) -> bool:
    return not rules or rule in rules or "all" in rules


def _suppressed(note: Note, diag: Diagnostic) -> bool:
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
        elif sup.kind == "enable" and sup.line <= line0:
            disabled = False
    return disabled


@dataclass
class Vault:
    """A vault on disk: its files, its notes parsed, and its index."""

    root: Path
    notes: dict[str, Note]
    others: list[str]
    excluded: dict[str, str]
    skipped: list[tuple[str, str]]
    parsed: int
    index: VaultIndex


def open_vault(
    root: Path,
    config: Config,
    *,
    use_cache: bool = True,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Vault:
    files = walk_vault(root)
    obsidian: ObsidianExcludes | None = None
    if config.obsidian_excludes:
        obsidian = obsidian_excludes(root)
    excluded: dict[str, str] = {}
    for path in files.notes:
        why = excluded_reason(path, config.exclude, obsidian)
        if why is not None:
            excluded[path] = why
    cache = ParseCache(root, enabled=use_cache)
    notes, parsed = load_notes(root, files.notes, cache=cache, jobs=jobs, progress=progress)
    cache.save()
    counted = [n for p, n in notes.items() if p not in excluded]
    index = VaultIndex(notes, files.others, tag_notes=counted)
    return Vault(root, notes, files.others, excluded, files.skipped, parsed, index)


def lint(
    root: Path,
    config: Config,
    paths: Sequence[str] = (),
    *,
    cwd: Path | None = None,
    use_cache: bool = True,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> LintResult:
    """Lint the vault at ``root``: every note, or only the notes named by ``paths``."""
    vault = open_vault(root, config, use_cache=use_cache, jobs=jobs, progress=progress)
    linted = [p for p in vault.notes if p not in vault.excluded]
    warnings: list[str] = []
    if paths:
        chosen, warnings = select_targets(paths, root, cwd or Path.cwd(), list(vault.notes))
        targets = [p for p in chosen if p not in vault.excluded]
    else:
        targets = linted
    diagnostics = run_rules(
        (vault.notes[p] for p in targets), config.active_rules(), vault.index, root
    )
    return LintResult(
        root=root,
        diagnostics=diagnostics,
        targets=targets,
        index=vault.index,
        excluded=sorted(vault.excluded.items()),
        skipped=vault.skipped,
        warnings=warnings,
        parsed=vault.parsed,
        cached=len(vault.notes) - vault.parsed,
    )
