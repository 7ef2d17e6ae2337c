"""The whole-vault batch runner: read and parse the vault, build the index, lint every target
note with a :class:`~vaultlint.lint.linter.Linter`.

The flow of a run::

    walk the vault ──► results cache hit? ──► done (nothing changed since the last run)
          │
          ▼
    summaries cache ──► which notes must be parsed (changed) or checked (the targets)
          │
          ▼
    shard workers: parse their notes ──► summaries ──► main: the vault index ──► workers:
    check their target notes ──► diagnostics (suppressions applied) ──► sorted

Notes are split into shards by a hash of their path; each worker process (forked, so it
inherits the configuration and the cached summaries) owns some shards: it parses their notes,
keeps them in memory, sends back only each note's small :class:`~vaultlint.model.NoteSummary`,
receives the summaries of the others, builds the index and checks its own notes. No parsed
note ever crosses a process boundary, and the main process never holds them all: that keeps a
cold scan fast and its memory flat. Parsed notes are cached per shard by the workers
(``cache.py``). Linting a note (rules, ``where``, suppression, crash isolation) is the
linter's job; this module plans the work, runs the shard workers and keeps the caches. It is
longer than the others because the two stages, their fork-and-pipe protocol and the caches
must share one plan to stay fast (see README, "Development").
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import traceback
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vaultlint.config import Config
from vaultlint.diagnostic import Diagnostic
from vaultlint.lint.cache import (
    CacheFolder,
    NoteShard,
    ResultCache,
    SummaryCache,
    digest,
    open_cache,
    stat_key,
)
from vaultlint.lint.fingerprint import config_key, facts_of, results_fingerprint
from vaultlint.lint.linter import PARSE_FAILED, TOO_LARGE, UNREADABLE, Linter
from vaultlint.lint.result import ScanResult, active_rules
from vaultlint.lint.signals import parent_signals, stop_workers, worker_signals
from vaultlint.lint.warm import finish, save_facts, select_notes
from vaultlint.model import Note, NoteSummary, NoteView, Problem, Span, pack_note
from vaultlint.parse import parse_note, parse_text
from vaultlint.vault.discovery import (
    ObsidianExcludes,
    OutsideVault,
    excluded_reason,
    obsidian_excludes,
    open_in_vault,
    read_in_vault,
    walk_vault,
)
from vaultlint.vault.index import VaultIndex, summarize

#: notes larger than this are not read (parsing takes about ten times a note's size in memory)
MAX_NOTE_BYTES = 32 << 20
#: below this many notes to parse or check, extra processes cost more than they save
PARALLEL_THRESHOLD = 400
#: the parse cache is split in this many shards (by a hash of the note's path)
SHARDS = 8

StatKey = tuple[int, int, int]
Parsed = tuple[str, bytes, StatKey, NoteSummary]  # path, content digest, stat, summary


# --- parsing -------------------------------------------------------------------------------


def shard_of(path: str) -> int:
    return zlib.crc32(path.encode("utf-8", "surrogateescape")) % SHARDS


def _unreadable(path: str, exc: OSError) -> Note:
    why = "it leads outside the vault" if isinstance(exc, OutsideVault) else exc.strerror or exc
    problem = Problem(UNREADABLE, f"cannot read the note: {why}", Span(0, 0))
    return replace(parse_text(path, ""), problems=(problem,))


def read_and_parse(root: str, path: str, fingerprint: bool = True) -> tuple[Note, bytes, StatKey]:
    """A note parsed from disk, with its content digest and stat (only when ``fingerprint``:
    the caches need them). Never raises: a note that cannot be read (or is not a regular file
    inside the vault, or is over :data:`MAX_NOTE_BYTES`), or that the parser fails on (a bug),
    becomes a note with a problem."""
    try:
        with os.fdopen(open_in_vault(root, path, walked=True), "rb", buffering=0) as fh:
            st = os.fstat(fh.fileno())
            data = fh.read(MAX_NOTE_BYTES + 1) if st.st_size <= MAX_NOTE_BYTES else b""
    except OSError as exc:
        return _unreadable(path, exc), b"", (0, 0, 0)
    if st.st_size > MAX_NOTE_BYTES or len(data) > MAX_NOTE_BYTES:
        size = max(st.st_size, len(data)) / 2**20
        message = (
            f"the note is {size:.0f} MiB, over the {MAX_NOTE_BYTES >> 20} MiB vaultlint reads "
            "a note: it was not checked"
        )
        problem = Problem(TOO_LARGE, message, Span(0, 0))
        return replace(parse_text(path, ""), problems=(problem,)), b"", (0, 0, 0)
    try:
        note = parse_note(path, data)
    except Exception as exc:  # a parser bug must not cost the whole scan
        message = (
            f"vaultlint could not parse this note: {type(exc).__name__}: {exc}; "
            "please report this bug"
        )
        problem = Problem(PARSE_FAILED, message, Span(0, 0))
        return replace(parse_text(path, ""), problems=(problem,)), b"", (0, 0, 0)
    if not fingerprint:
        return note, b"", (0, 0, 0)
    return note, digest(data), stat_key(st)


# --- checking ------------------------------------------------------------------------------


def missing_links(note: Note, index: VaultIndex) -> list[tuple[str, str]]:
    """(lower-case target, target as written) of the note's links that do not resolve."""
    out = []
    for link in note.links:
        if link.target and not link.is_embed and index.resolve(link.target, note.path) is None:
            out.append((link.target.lower(), link.target))
    return out


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


# --- shard workers -------------------------------------------------------------------------


@dataclass
class _Unit:
    """The work of one worker: its shards, the notes to parse and the notes to check."""

    shards: list[int]
    parse: list[str]  # notes whose summary is unknown or stale
    targets: list[str]  # notes to check
    digests: dict[str, bytes]  # content digest of targets whose summary was cached
    load_cache: bool  # read the shard files for the targets' parsed notes


@dataclass
class _Run:
    """What every worker shares (inherited through fork)."""

    root: Path
    linter: Linter  # without an index: each worker binds the index it builds
    others: list[str]
    tag_paths: list[str]
    summaries: dict[str, NoteSummary]
    use_cache: bool
    want_missing: bool
    cache: CacheFolder | None = None


class _Worker:
    """Stage 1: parse, and lint with the rules that do not need the index; stage 2: with the
    index built from every note's summary, lint with the others.

    Between the stages a worker keeps of each target note only what the index-reading rules
    read (the parts their checks declare in ``Check.reads``, else the whole note), which of
    them apply, and its stage-1 findings: that keeps memory per note small. Shards are handled
    one at a time, so cached notes are read, and freshly parsed ones written, a shard at a time
    too.
    """

    def __init__(self, run: _Run, unit: _Unit, progress: Callable[[int], None] | None) -> None:
        self.run = run
        self.unit = unit
        self.progress = progress
        self.parsed: list[Parsed] = []
        self.index: VaultIndex | None = None
        parts = run.linter.index_parts
        if parts is not None and run.want_missing:
            parts = parts | {"links"}  # the audit's missing notes
        #: the parts kept for stage 2 (None: the whole note)
        self.parts = parts
        # per target: (the note or its kept parts, positions of the index-reading rules that
        # apply, stage-1 findings)
        self.kept: dict[str, tuple[Note | _Kept | None, tuple[int, ...], list[Diagnostic]]] = {}

    def stage1(self) -> list[Parsed]:
        run, unit = self.run, self.unit
        root = str(run.root)
        targets = set(unit.targets)
        by_shard: dict[int, tuple[list[str], list[str]]] = {s: ([], []) for s in unit.shards}
        parse_set = set(unit.parse)
        for path in unit.parse:
            by_shard[shard_of(path)][0].append(path)
        for path in unit.targets:
            if path not in parse_set:
                by_shard[shard_of(path)][1].append(path)
        for s, (to_parse, cached) in by_shard.items():
            shard = None
            if run.use_cache and run.cache is not None:
                shard = NoteShard(run.cache, s, load=unit.load_cache)
            for path in to_parse:
                note, content, key = read_and_parse(root, path, run.use_cache)
                self._parsed(note, content, key, shard, path in targets)
            for path in cached:
                cached_note = shard.get(path, unit.digests.get(path, b"")) if shard else None
                if cached_note is not None:
                    self._keep(cached_note)
                    self._tick()
                else:
                    note, content, key = read_and_parse(root, path, run.use_cache)
                    self._parsed(note, content, key, shard, True)
            if shard is not None:
                shard.save()
        return self.parsed

    def _parsed(
        self, note: Note, content: bytes, key: StatKey, shard: NoteShard | None, target: bool
    ) -> None:
        self.parsed.append((note.path, content, key, summarize(note)))
        if shard is not None and content:
            shard.put(note.path, content, pack_note(note))
        if target:
            self._keep(note)
        self._tick()

    def _keep(self, note: Note) -> None:
        linter = self.run.linter
        early = linter.check_local(note)
        late = linter.indexed_rules_for(note)
        kept: Note | _Kept | None = None
        if late or self.run.want_missing:
            kept = note if self.parts is None else _Kept.of(note, self.parts)
        self.kept[note.path] = (kept, late, early)

    def _tick(self) -> None:
        if self.progress is not None:
            self.progress(1)

    def stage2(
        self, new_summaries: dict[str, NoteSummary]
    ) -> tuple[list[Diagnostic], dict[str, list[tuple[str, str]]]]:
        run = self.run
        summaries = {**run.summaries, **new_summaries}
        self.index = index = VaultIndex(summaries, run.others, tag_paths=run.tag_paths)
        linter = run.linter.bind(index)
        diagnostics: list[Diagnostic] = []
        missing: dict[str, list[tuple[str, str]]] = {}
        for path in self.unit.targets:
            kept, applicable, early = self.kept.pop(path)
            diagnostics.extend(early)
            if kept is None:
                continue
            note = kept.view() if isinstance(kept, _Kept) else kept
            if applicable:
                diagnostics.extend(linter.check_indexed(note, applicable))
            if run.want_missing:
                missing[path] = missing_links(note, index)
        return diagnostics, missing


class _Kept:
    """What a worker keeps of a note between the stages: the parts the index-reading rules
    read. The text is kept as UTF-8 (a note with one emoji is 4 bytes a character as a
    ``str``) and decoded again only when the note is checked."""

    __slots__ = ("data", "line_starts", "parts", "path", "suppressions")

    def __init__(self, path: str, data: bytes, starts: tuple[int, ...], sups: tuple, parts: dict):
        self.path = path
        self.data = data
        self.line_starts = starts
        self.suppressions = sups
        self.parts = parts

    @classmethod
    def of(cls, note: Note, parts: frozenset[str]) -> _Kept:
        return cls(
            note.path,
            note.text.encode("utf-8", "surrogatepass"),
            note.line_starts,
            note.suppressions,
            {name: getattr(note, name) for name in parts},
        )

    def view(self) -> NoteView:
        text = self.data.decode("utf-8", "surrogatepass")
        return NoteView(self.path, text, self.line_starts, self.suppressions, self.parts)


def _worker_main(conn: Any, run: _Run, unit: _Unit, parent_pid: int = 0) -> None:
    """A forked worker: stage 1, wait for the summaries of every note, stage 2."""
    try:
        worker_signals(parent_pid or os.getppid())
        done = [0]

        def progress(n: int) -> None:
            done[0] += n
            if done[0] >= 200:
                conn.send(("progress", done[0]))
                done[0] = 0

        worker = _Worker(run, unit, progress)
        # summaries travel as plain tuples: pickling named tuples costs ten times more
        parsed = worker.stage1()
        conn.send(("parsed", [(p, c, k, tuple(s)) for p, c, k, s in parsed]))
        own = {p: s for p, _, _, s in parsed}
        worker.parsed = []  # sent: free it before stage 2 builds the index
        del parsed
        others = {t[0]: t for t in conn.recv()}  # plain tuples: the index reads by position
        if done[0]:
            conn.send(("progress", done[0]))
            done[0] = 0
        conn.send(("checked", worker.stage2({**own, **others})))
    except SystemExit:
        pass  # SIGTERM: the parent is stopping (or gone); say nothing
    except BaseException:
        with contextlib.suppress(OSError):
            conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _run_parallel(
    run: _Run, units: list[_Unit], progress: Callable[[int], None] | None
) -> tuple[list[Parsed], list[Diagnostic], dict[str, list[tuple[str, str]]]] | None:
    """Run the units in forked workers; None when that is impossible (run serially then)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    ctx = multiprocessing.get_context("fork")
    workers = []
    with parent_signals():
        return _run_workers(ctx, run, units, progress, workers)


def _run_workers(
    ctx: Any,
    run: _Run,
    units: list[_Unit],
    progress: Callable[[int], None] | None,
    workers: list,
) -> tuple[list[Parsed], list[Diagnostic], dict[str, list[tuple[str, str]]]]:
    me = os.getpid()
    try:
        for unit in units:
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_worker_main, args=(child, run, unit, me), daemon=True)
            proc.start()
            child.close()
            workers.append((proc, parent))
        batches = [_receive(conn, "parsed", progress) for _, conn in workers]
        for i, (_, conn) in enumerate(workers):  # each worker gets the others' summaries
            conn.send([p[3] for j, batch in enumerate(batches) if j != i for p in batch])
        parsed: list[Parsed] = [(p, c, k, s) for batch in batches for p, c, k, s in batch]
        diagnostics: list[Diagnostic] = []
        missing: dict[str, list[tuple[str, str]]] = {}
        for _, conn in workers:
            diags, miss = _receive(conn, "checked", progress)
            diagnostics.extend(diags)
            missing.update(miss)
        return parsed, diagnostics, missing
    except BaseException:
        # the others may wait on a pipe forever (SIGINT, SIGTERM, a failed worker): stop them
        stop_workers([proc for proc, _ in workers])
        raise
    finally:
        for proc, conn in workers:
            conn.close()
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()


def _receive(conn: Any, kind: str, progress: Callable[[int], None] | None) -> Any:
    while True:
        try:
            tag, payload = conn.recv()
        except EOFError:
            raise RuntimeError("a vaultlint worker process died") from None
        if tag == "progress":
            if progress is not None:
                progress(payload)
            continue
        if tag == "error":
            raise RuntimeError(f"a vaultlint worker failed:\n{payload}")
        if tag != kind:
            raise RuntimeError(f"a vaultlint worker sent {tag!r} where {kind!r} was expected")
        return payload


def _plan(
    root: Path,
    notes: Sequence[str],
    targets: Sequence[str],
    cache: SummaryCache,
    jobs: int,
    stats: dict[str, StatKey] | None = None,
) -> tuple[dict[str, NoteSummary], list[_Unit]]:
    """Which notes have a cached summary, and the units of work (one per worker)."""
    known: dict[str, NoteSummary] = {}
    digests: dict[str, bytes] = {}
    parse: list[str] = []
    root_s = str(root)
    stats = stats or {}
    for path in notes:
        hit = None
        if cache.enabled:
            try:
                key = stats.get(path) or stat_key(os.stat(os.path.join(root_s, path)))
                hit = cache.get(path, key)
                if hit is None:
                    data = read_in_vault(root_s, path, MAX_NOTE_BYTES, walked=True)
                    hit = cache.get_by_content(path, key, digest(data))
            except OSError:
                hit = None
        if hit is None:
            parse.append(path)
        else:
            digests[path], known[path] = hit
    cached_targets = [t for t in targets if t in known]
    # reading every cached note of a shard pays off only when many notes are checked
    load_cache = len(cached_targets) >= PARALLEL_THRESHOLD
    work = len(parse) + len(targets)
    # never more workers than shards: the work comes in SHARDS pieces
    count = min(jobs, SHARDS) if jobs > 1 and work >= PARALLEL_THRESHOLD else 1
    units = [_Unit([], [], [], {}, load_cache) for _ in range(count)]
    for s in range(SHARDS):
        units[s % count].shards.append(s)
    for path in parse:
        units[shard_of(path) % count].parse.append(path)
    for path in targets:
        unit = units[shard_of(path) % count]
        unit.targets.append(path)
        if path in digests:
            unit.digests[path] = digests[path]
    return known, units


def check_vault(
    root: Path,
    notes: Sequence[str],
    others: list[str],
    targets: Sequence[str],
    tag_paths: list[str],
    linter: Linter,
    *,
    use_cache: bool = True,
    jobs: int = 1,
    want_missing: bool = False,
    progress: Callable[[int], None] | None = None,
    stats: dict[str, StatKey] | None = None,
    cache_folder: CacheFolder | None = None,
) -> tuple[list[Diagnostic], dict[str, list[tuple[str, str]]], int]:
    """Parse what must be parsed, build the index, check the targets.

    Returns (sorted diagnostics, per-note missing link targets, how many notes were parsed).
    """
    use_cache = use_cache and cache_folder is not None
    cache = SummaryCache(cache_folder, enabled=use_cache)
    known, units = _plan(root, notes, targets, cache, jobs, stats)
    if progress is not None and hasattr(progress, "total"):
        progress.total = sum(len(set(u.parse) | set(u.targets)) for u in units)
    run = _Run(root, linter, others, tag_paths, known, use_cache, want_missing, cache_folder)
    with _no_gc():  # forked workers inherit it
        outcome = _run_parallel(run, units, progress) if len(units) > 1 else None
        if outcome is None:
            worker = _Worker(run, _merge(units), progress)
            parsed = worker.stage1()
            diagnostics, missing = worker.stage2({p[0]: p[3] for p in parsed})
    if outcome is not None:
        parsed, diagnostics, missing = outcome
    for path, content, key, summary in parsed:
        if content:
            cache.put(path, key, content, summary)
    cache.keep(notes)
    cache.save()
    diagnostics.sort()
    return diagnostics, missing, len(parsed)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Parsing allocates millions of small objects and no reference cycles: the cyclic garbage
    collector would only walk them again and again (a fifth of the parse time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _merge(units: list[_Unit]) -> _Unit:
    if len(units) == 1:
        return units[0]
    merged = _Unit([], [], [], {}, units[0].load_cache)
    for unit in units:
        merged.shards += unit.shards
        merged.parse += unit.parse
        merged.targets += unit.targets
        merged.digests.update(unit.digests)
    return merged


# --- the vault -----------------------------------------------------------------------------


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


@dataclass
class VaultView:
    """A vault as ``vaultlint inspect`` needs it: the index and the notes it asked for."""

    root: Path
    notes: list[str]
    index: VaultIndex

    def note(self, path: str) -> Note:
        return read_and_parse(str(self.root), path)[0]


def open_vault(root: Path, config: Config, *, use_cache: bool = True) -> VaultView:
    """The vault's index (from the summaries cache where possible); notes parsed on demand."""
    files, excluded = _scan_files(root, config)
    cache = SummaryCache(open_cache(root) if use_cache else None, enabled=use_cache)
    known, units = _plan(root, files.notes, [], cache, 1)
    summaries = dict(known)
    for path in units[0].parse:
        summaries[path] = summarize(read_and_parse(str(root), path)[0])
    linted = [p for p in files.notes if p not in excluded]
    return VaultView(root, files.notes, VaultIndex(summaries, files.others, tag_paths=linted))


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
    cache_dir: str | os.PathLike[str] | None = None,
    run_key: bytes | None = None,
) -> ScanResult:
    """Lint the vault at ``root``: every note, or only the notes named by ``paths``. The
    caches live in ``cache_dir`` (default: see :func:`vaultlint.lint.cache.cache_root`).

    ``run_key`` (:func:`vaultlint.lint.fingerprint.run_key` of the configuration file and the
    ``--select``/``--ignore`` that made ``config``): the results are recorded so that the next
    run with that key is answered by :func:`vaultlint.lint.warm.cached_scan` without reading
    the configuration. Without it, the configuration itself (its ``repr``) keys the results."""
    cache_folder = open_cache(root, cache_dir) if use_cache else None
    use_cache = cache_folder is not None
    files = walk_vault(root)
    excluded, targets, links_out, warnings = select_notes(
        root, files, config.exclude, config.obsidian_excludes, paths, cwd or Path.cwd()
    )
    linted = [p for p in files.notes if p not in excluded]

    results = ResultCache(cache_folder, enabled=use_cache)
    facts = None
    fingerprint = ""
    if use_cache:
        facts = facts_of(run_key if run_key is not None else config_key(config), root, config)
        fingerprint = results_fingerprint(facts.context, files)
    cached = results.get(fingerprint, targets, want_missing) if use_cache else None
    if cached is not None:
        diagnostics, per_note = cached
        parsed = 0
    else:
        diagnostics, per_note, parsed = check_vault(
            root,
            files.notes,
            files.others,
            targets,
            linted,
            Linter(config, root=root),
            use_cache=use_cache,
            jobs=jobs,
            want_missing=want_missing,
            progress=progress,
            stats=files.stats,
            cache_folder=cache_folder,
        )
        if use_cache:
            results.put(fingerprint, targets, diagnostics, per_note if want_missing else None)
    if cache_folder is not None and facts is not None and run_key is not None:
        save_facts(cache_folder, facts)  # after the results: a reader of both sees a match
    return finish(
        root,
        files,
        diagnostics,
        excluded=excluded,
        targets=targets,
        links_out=links_out,
        warnings=warnings,
        exclude=config.exclude,
        engine_off=config.engine_off,
        rules=active_rules(config),
        parsed=parsed,
        cached=0 if cached is not None else len(files.notes) - parsed,
        from_results_cache=cached is not None,
    )
