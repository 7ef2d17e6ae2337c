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
keeps of each what the index-reading rules read (packed, without its text: ``keep.py``, which
reads a note's file again only when one of those rules reports on it), sends back only each
note's small :class:`~vaultlint.model.NoteSummary` (equal strings shared), receives the
summaries of the others, builds the index and checks its own notes. No parsed note ever
crosses a process boundary, and no process holds every parsed note (``--jobs 1`` neither):
that keeps a cold scan fast and its memory small. Parsed notes are cached per shard by the workers
(``cache.py``). Linting a note (rules, ``where``, suppression, crash isolation) is the
linter's job; this module plans the work, runs the shard workers and keeps the caches. It is
longer than the others because the two stages, their fork-and-pipe protocol and the caches
must share one plan to stay fast (see README, "Development").
"""

from __future__ import annotations

import contextlib
import gc
import os
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from vaultlint.config import Config
from vaultlint.diagnostic import Diagnostic
from vaultlint.lint.cache import NO_STAT, CacheFolder, StatKey, digest, open_cache, stat_key
from vaultlint.lint.fingerprint import config_key, facts_of, results_fingerprint
from vaultlint.lint.incremental import Outcome, Parsed, Plan, plan
from vaultlint.lint.keep import Keeper, Kept, shared_summary
from vaultlint.lint.lazy import LazyIndex, StoredSummaries
from vaultlint.lint.linter import PARSE_FAILED, TOO_LARGE, UNREADABLE, Linter
from vaultlint.lint.result import ScanResult, active_rules, path_scopes
from vaultlint.lint.signals import parent_signals, stop_workers, worker_signals
from vaultlint.lint.warm import finish, select_notes
from vaultlint.model import Note, NoteSummary, Problem, Span
from vaultlint.parse import load_scanners, parse_note, parse_text
from vaultlint.vault.discovery import (
    ObsidianExcludes,
    OutsideVault,
    VaultFiles,
    excluded_reason,
    obsidian_excludes,
    open_in_vault,
    walk_vault,
)
from vaultlint.vault.index import VaultIndex, summarize

#: notes larger than this are not read (parsing takes about ten times a note's size in memory)
MAX_NOTE_BYTES = 32 << 20
#: below this many notes to parse or check, extra processes cost more than they save
PARALLEL_THRESHOLD = 400
#: from this many notes in the vault and this many to check, stage 2 tells the name index which
#: broken links the links check will ask about (vault/names.py: many are answered faster at
#: once; a few, as pre-commit checks, are not worth it)
EXPECT_NAMES = 2000
EXPECT_TARGETS = 100
#: the notes are split in this many shards (by a hash of the note's path) between workers
SHARDS = 8


# --- parsing -------------------------------------------------------------------------------


def shard_of(path: str) -> int:
    return zlib.crc32(path.encode("utf-8", "surrogateescape")) % SHARDS


def _unreadable(path: str, exc: OSError) -> Note:
    why = "it leads outside the vault" if isinstance(exc, OutsideVault) else exc.strerror or exc
    problem = Problem(UNREADABLE, f"cannot read the note: {why}", Span(0, 0))
    return parse_text(path, "")._replace(problems=(problem,))


def read_and_parse(root: str, path: str, fingerprint: bool = True) -> tuple[Note, bytes, StatKey]:
    """A note parsed from disk, with its content digest (only when ``fingerprint``: the caches
    need it) and stat. Never raises: a note that cannot be read (or is not a regular file
    inside the vault, or is over :data:`MAX_NOTE_BYTES`), or that the parser fails on (a bug),
    becomes a note with a problem."""
    try:
        fd = open_in_vault(root, path, walked=True)
        try:
            st = os.fstat(fd)
            data = _read_note(fd, st.st_size) if st.st_size <= MAX_NOTE_BYTES else b""
        finally:
            os.close(fd)
    except OSError as exc:
        return _unreadable(path, exc), b"", NO_STAT
    if st.st_size > MAX_NOTE_BYTES or len(data) > MAX_NOTE_BYTES:
        size = max(st.st_size, len(data)) / 2**20
        message = (
            f"the note is {size:.0f} MiB, over the {MAX_NOTE_BYTES >> 20} MiB vaultlint reads "
            "a note: it was not checked"
        )
        problem = Problem(TOO_LARGE, message, Span(0, 0))
        return parse_text(path, "")._replace(problems=(problem,)), b"", NO_STAT
    try:
        note = parse_note(path, data)
    except Exception as exc:  # a parser bug must not cost the whole scan
        message = (
            f"vaultlint could not parse this note: {type(exc).__name__}: {exc}; "
            "please report this bug"
        )
        problem = Problem(PARSE_FAILED, message, Span(0, 0))
        return parse_text(path, "")._replace(problems=(problem,)), b"", NO_STAT
    if not fingerprint:
        return note, b"", stat_key(st)  # the stat, free: it tells a kept note's file unchanged
    return note, digest(data), stat_key(st)


def _read_note(fd: int, size: int) -> bytes:
    """The bytes of an open note of ``size`` bytes (by its stat), up to one more than
    :data:`MAX_NOTE_BYTES` if it grew since. Asked for its size and one byte more: a read of
    ``MAX_NOTE_BYTES + 1`` at once made a 32 MiB buffer for every note (mapped and unmapped
    again by the kernel: ~0.2 s of system time at 10k notes)."""
    data = os.read(fd, size + 1)
    if len(data) > size:  # it grew: read on, as far as a note too large to read
        data += os.read(fd, MAX_NOTE_BYTES + 1 - len(data))
    return data


# --- checking ------------------------------------------------------------------------------


def unresolved_links(summary: NoteSummary, index: VaultIndex) -> list[str]:
    """The link targets of a note (distinct, as written) that do not resolve."""
    return index.unresolved(summary.links, summary.path)


# --- shard workers -------------------------------------------------------------------------


class _Unit:
    """The work of one worker: its shards, the notes to parse and the notes to check. (This
    module's classes are written out, not dataclasses: every run imports it.)"""

    __slots__ = ("parse", "shards", "targets")

    def __init__(self, shards: list[int], parse: list[str], targets: list[str]) -> None:
        self.shards = shards
        self.parse = parse  # notes whose summary is unknown or stale (not checked)
        self.targets = targets  # notes to check (parsed too)


class _Run:
    """What every worker shares (inherited through fork)."""

    __slots__ = (
        "early",
        "linter",
        "others",
        "root",
        "summaries",
        "tag_paths",
        "use_cache",
        "want_unresolved",
    )
    root: Path
    linter: Linter  # without an index: each worker binds the index it builds
    others: list[str]
    tag_paths: list[str]
    #: the summaries the workers do not compute (a mapping read on demand: lint/lazy.py)
    summaries: dict[str, NoteSummary] | StoredSummaries
    use_cache: bool
    #: find each target's unresolved links (stored with its findings: depends.py)
    want_unresolved: bool
    #: notes parsed already (few changed notes, parsed to see what their change affects)
    early: dict[str, tuple[Note, bytes, StatKey]]

    def __init__(
        self,
        root: Path,
        linter: Linter,
        others: list[str],
        tag_paths: list[str],
        summaries: dict[str, NoteSummary] | StoredSummaries,
        use_cache: bool,
        want_unresolved: bool,
        early: dict[str, tuple[Note, bytes, StatKey]],
    ) -> None:
        self.root = root
        self.linter = linter
        self.others = others
        self.tag_paths = tag_paths
        self.summaries = summaries
        self.use_cache = use_cache
        self.want_unresolved = want_unresolved
        self.early = early


class _Worker:
    """Stage 1: parse, and lint with the rules that do not need the index; stage 2: with the
    index built from every note's summary, lint with the others.

    Between the stages a worker keeps of each target note only what the index-reading rules
    read (the parts their checks declare in ``Check.reads``, packed, without the text:
    ``keep.py``; else the whole note), which of them apply, and its stage-1 findings: that
    keeps memory per note small.
    """

    def __init__(self, run: _Run, unit: _Unit, progress: Callable[[int], None] | None) -> None:
        self.run = run
        self.unit = unit
        self.progress = progress
        self.parsed: list[Parsed] = []
        #: every string (and heading) of the summaries made so far, to share equal ones
        self.strings: dict[Any, Any] = {}
        self.index: VaultIndex | None = None
        parts = run.linter.index_parts
        #: keeps the parts stage 2 reads (None: it reads the whole note, kept as it is)
        self.keeper = None if parts is None else Keeper(str(run.root), parts)
        # per target: (the note or its kept record, positions of the index-reading rules that
        # apply, stage-1 findings or None); equal tuples of positions shared
        self.kept: dict[
            str, tuple[Note | Kept | None, tuple[int, ...], list[Diagnostic] | None]
        ] = {}
        self._positions: dict[tuple[int, ...], tuple[int, ...]] = {}

    def stage1(self) -> list[Parsed]:
        run, unit = self.run, self.unit
        root = str(run.root)
        targets = set(unit.targets)
        for path in [*[p for p in unit.parse if p not in targets], *unit.targets]:
            found = run.early.get(path)
            note, content, key = found or read_and_parse(root, path, run.use_cache)
            summary = shared_summary(note, self.strings)
            self.parsed.append(Parsed(note.path, content, key if content else NO_STAT, summary))
            if path in targets:
                self._keep(note, content, key)
            self._tick()
        self.strings = {}  # every summary is made: the table of equal strings is not needed
        return self.parsed

    def _keep(self, note: Note, content: bytes, key: StatKey) -> None:
        linter = self.run.linter
        early = linter.check_local(note)
        late = linter.indexed_rules_for(note)
        kept: Note | Kept | None = None
        if late:
            kept = note if self.keeper is None else self.keeper.keep(note, content, key)
        late = self._positions.setdefault(late, late)
        self.kept[note.path] = (kept, late, early or None)

    def _tick(self) -> None:
        if self.progress is not None:
            self.progress(1)

    def stage2(self, new_summaries: dict[str, NoteSummary]) -> dict[str, Outcome]:
        """Each target's findings and unresolved links (when ``want_unresolved``)."""
        run = self.run
        if isinstance(run.summaries, StoredSummaries):  # read on demand (few changes)
            run.summaries.update(new_summaries)
            index: VaultIndex = LazyIndex(run.summaries, run.others, tag_paths=run.tag_paths)
        else:
            summaries = {**run.summaries, **new_summaries}
            index = VaultIndex(summaries, run.others, tag_paths=run.tag_paths)
        self.index = index
        linter = run.linter.bind(index)
        targets = self.unit.targets
        unresolved_of: dict[str, list[str]] = {}
        announce = (
            linter.asks_near_files
            and len(targets) >= EXPECT_TARGETS
            and len(index.summaries) >= EXPECT_NAMES
        )
        if run.want_unresolved or announce:
            for path in targets:
                summary = index.summaries.get(path)
                if summary is not None:
                    unresolved_of[path] = unresolved_links(summary, index)
            every = [target for links in unresolved_of.values() for target in links]
            if every and announce:  # the links check asks what each meant: answered at once
                index.names.expect(every)
            del every
            if not run.want_unresolved:
                unresolved_of = {}  # asked only to announce them: free before checking
        outcomes: dict[str, Outcome] = {}
        for path in targets:
            kept, applicable, early = self.kept.pop(path)
            diagnostics = early or []
            unresolved = unresolved_of.get(path, []) if run.want_unresolved else []
            outcomes[path] = (diagnostics, unresolved)
            if kept is None:
                continue
            if isinstance(kept, Note):
                diagnostics.extend(linter.check_indexed(kept, applicable))
                continue
            assert self.keeper is not None
            view = self.keeper.view(path, kept)
            found = linter.check_indexed(view, applicable)
            if view.kept.changed:  # its file changed since stage 1: check it whole, as it is now
                note = read_and_parse(str(run.root), path, False)[0]
                outcomes[path] = (_check_changed(linter, index, note), unresolved)
                continue
            diagnostics.extend(found)
        return outcomes


def _check_changed(linter: Linter, index: VaultIndex, note: Note) -> list[Diagnostic]:
    """A note whose file changed between the stages, checked against its own new summary (its
    links to its own headings, its tags), the index restored after it for the other notes. A
    lazy index (a few notes checked) keeps the summary it read."""
    old = index.summaries.get(note.path)
    if old is None or isinstance(index, LazyIndex):
        return linter.check(note)
    index.replace(note)
    try:
        return linter.check(note)
    finally:
        index.replace(old)


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
        # plain tuples on the pipe, named again on arrival
        others = {t[0]: NoteSummary._make(t) for t in conn.recv()}
        if done[0]:
            conn.send(("progress", done[0]))
            done[0] = 0
        conn.send(("checked", worker.stage2({**own, **others})))
    except SystemExit:
        pass  # SIGTERM: the parent is stopping (or gone); say nothing
    except BaseException:
        import traceback

        with contextlib.suppress(OSError):
            conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _run_parallel(
    run: _Run, units: list[_Unit], progress: Callable[[int], None] | None
) -> tuple[list[Parsed], dict[str, Outcome]] | None:
    """Run the units in forked workers; None when that is impossible (run serially then)."""
    import multiprocessing  # here: a run of one note, served in this process, never needs it

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    ctx = multiprocessing.get_context("fork")
    load_scanners()  # imported once, here, rather than in every worker
    workers = []
    with parent_signals():
        return _run_workers(ctx, run, units, progress, workers)


def _run_workers(
    ctx: Any,
    run: _Run,
    units: list[_Unit],
    progress: Callable[[int], None] | None,
    workers: list,
) -> tuple[list[Parsed], dict[str, Outcome]]:
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
        parsed: list[Parsed] = [
            Parsed(p, c, k, NoteSummary._make(s)) for batch in batches for p, c, k, s in batch
        ]
        outcomes: dict[str, Outcome] = {}
        for _, conn in workers:
            outcomes.update(_receive(conn, "checked", progress))
        return parsed, outcomes
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


def _units(parse: Sequence[str], targets: Sequence[str], jobs: int) -> list[_Unit]:
    """The units of work (one per worker)."""
    work = len(parse) + len(targets)
    # never more workers than shards: the work comes in SHARDS pieces
    count = min(jobs, SHARDS) if jobs > 1 and work >= PARALLEL_THRESHOLD else 1
    units = [_Unit([], [], []) for _ in range(count)]
    for s in range(SHARDS):
        units[s % count].shards.append(s)
    for path in parse:
        units[shard_of(path) % count].parse.append(path)
    for path in targets:
        units[shard_of(path) % count].targets.append(path)
    return units


def check_vault(
    root: Path,
    notes: Sequence[str],
    others: list[str],
    targets: Sequence[str],
    tag_paths: list[str],
    linter: Linter | Callable[[], Linter],
    *,
    use_cache: bool = True,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    stats: dict[str, StatKey] | None = None,
    cache_folder: CacheFolder | None = None,
    context: bytes = b"",
    facts: Any = None,
    fingerprint: str = "",
) -> tuple[dict[str, Outcome], int]:
    """Check the targets: from the stored state (``cache_folder``, for check ``context``)
    what is still valid there, else parse what must be parsed, build the index, check.

    Returns (each target's findings and unresolved links, how many notes were parsed).
    """
    store = None
    if use_cache and cache_folder is not None:
        from vaultlint.lint.store import Store

        store = Store(cache_folder)
    root_s = str(root)

    early: dict[str, tuple[Note, bytes, StatKey]] = {}  # parsed before the run, kept

    def parse_now(paths: list[str]) -> list[Parsed]:
        out = []
        for path in paths:
            early[path] = read_and_parse(root_s, path)
            note, content, key = early[path]
            out.append(Parsed(path, content, key, summarize(note)))
        return out

    try:
        with _no_gc():  # a row per note read and compared: many objects, no cycles
            work: Plan = plan(
                store,
                root_s,
                notes,
                others,
                targets,
                stats or {},
                context,
                parse_now,
                MAX_NOTE_BYTES,
            )
        parsed: list[Parsed] = []
        outcomes: dict[str, Outcome] = {}
        if work.check or work.parse:
            known: dict[str, NoteSummary] | StoredSummaries
            if store is not None and not work.parse and len(_units([], work.check, jobs)) == 1:
                # a few changes, checked here: the index reads what it is asked for
                known = work.lazy(lambda path: parse_now([path])[0])
                unread: list[str] = []
            else:
                known, unread = work.known()
            units = _units([*work.parse, *unread], work.check, jobs)
            if progress is not None and hasattr(progress, "total"):
                progress.total = sum(len(set(u.parse) | set(u.targets)) for u in units)
            if not isinstance(linter, Linter):
                linter = linter()
            stored = store is not None
            run = _Run(root, linter, others, tag_paths, known, stored, stored, early)
            with _no_gc():  # forked workers inherit it
                outcome = _run_parallel(run, units, progress) if len(units) > 1 else None
                if outcome is None:
                    worker = _Worker(run, _merge(units), progress)
                    parsed = worker.stage1()
                    outcomes = worker.stage2({p.path: p.summary for p in parsed})
                    del worker  # its index: freed before the save makes the rows
            if outcome is not None:
                parsed, outcomes = outcome
            if isinstance(known, StoredSummaries):
                parsed.extend(known.late)
        with _no_gc():
            result = work.finish(parsed, outcomes, tag_paths, facts, fingerprint)
    finally:
        if store is not None:
            store.close()
    return result, len({p.path for p in parsed} | {p.path for p in work.pre_parsed})


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Parsing allocates millions of small objects and no reference cycles: the cyclic garbage
    collector would only walk them again and again (a fifth of the parse time; reading the
    state's 100,000 rows: 0.3 s of 1 s)."""
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
    merged = _Unit([], [], [])
    for unit in units:
        merged.shards += unit.shards
        merged.parse += unit.parse
        merged.targets += unit.targets
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


class VaultView:
    """A vault as ``vaultlint inspect`` needs it: the index and the notes it asked for."""

    __slots__ = ("index", "notes", "root")

    def __init__(self, root: Path, notes: list[str], index: VaultIndex) -> None:
        self.root = root
        self.notes = notes
        self.index = index

    def note(self, path: str) -> Note:
        return read_and_parse(str(self.root), path)[0]


def open_vault(root: Path, config: Config, *, use_cache: bool = True) -> VaultView:
    """The vault's index (stored summaries where the note's stat is unchanged); notes parsed on
    demand. Nothing is written."""
    files, excluded = _scan_files(root, config)
    cache = open_cache(root, create=False) if use_cache else None
    summaries = stored_summaries(cache, files.notes, files.stats)
    for path in files.notes:
        if path not in summaries:
            summaries[path] = summarize(read_and_parse(str(root), path)[0])
    linted = [p for p in files.notes if p not in excluded]
    return VaultView(root, files.notes, VaultIndex(summaries, files.others, tag_paths=linted))


def stored_summaries(
    cache: CacheFolder | None, notes: Sequence[str], stats: dict[str, StatKey]
) -> dict[str, Any]:
    """The stored summaries of the notes whose stat is unchanged (read only), in ``notes``'
    order; the others are missing."""
    if cache is None:
        return {}
    from vaultlint.lint.rowcodec import decode_summary
    from vaultlint.lint.store import Store

    store = Store(cache, readonly=True)
    try:
        rows = store.load()
        blobs = store.summaries()
    finally:
        store.close()
    out: dict[str, Any] = {}
    for path in notes:
        row = rows.get(path)
        if row is not None and row.stat == stats.get(path):
            got = decode_summary(path, blobs.get(path), row)
            if got is not None:
                out[path] = got[0]
    return out


def lint(
    root: Path,
    config: Config,
    paths: Sequence[str] = (),
    *,
    cwd: Path | None = None,
    use_cache: bool = True,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    run_key: bytes | None = None,
    files: VaultFiles | None = None,
) -> ScanResult:
    """Lint the vault at ``root``: every note, or only the notes named by ``paths``. The
    caches live in ``cache_dir`` (default: see :func:`vaultlint.lint.cache.cache_root`).

    ``run_key`` (:func:`vaultlint.lint.fingerprint.run_key` of the configuration file and the
    ``--select``/``--ignore`` that made ``config``): the results are recorded so that the next
    run with that key is answered by :func:`vaultlint.lint.warm.cached_scan` without reading
    the configuration. Without it, the configuration itself (its ``repr``) keys the results.
    ``files``: the vault's walk, when the caller has just made it (a warm attempt that
    missed)."""
    cache_folder = open_cache(root, cache_dir) if use_cache else None
    use_cache = cache_folder is not None
    if files is None:
        files = walk_vault(root)
    excluded, targets, links_out, warnings = select_notes(
        root, files, config.exclude, config.obsidian_excludes, paths, cwd or Path.cwd()
    )
    linted = [p for p in files.notes if p not in excluded]

    facts = None
    if use_cache:
        facts = facts_of(run_key if run_key is not None else config_key(config), root, config)
    outcomes, parsed = check_vault(
        root,
        files.notes,
        files.others,
        targets,
        linted,
        lambda: Linter(config, root=root),
        use_cache=use_cache,
        jobs=jobs,
        progress=progress,
        stats=files.stats,
        cache_folder=cache_folder,
        context=facts.context if facts is not None else b"",
        # a run that read a configuration file records what the warm path needs
        facts=facts if run_key is not None else None,
        fingerprint=results_fingerprint(facts.context, files) if facts is not None else "",
    )
    diagnostics = sorted(d for path in targets for d in outcomes[path][0])
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
        scopes=path_scopes(config),
        parsed=parsed,
        cached=len(files.notes) - parsed,
        from_results_cache=use_cache and parsed == 0,
    )
