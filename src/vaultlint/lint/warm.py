"""The warm path: a scan answered from the cache without reading the configuration.

A run that reads the configuration (:func:`vaultlint.lint.batch.lint` given a run key) writes,
with its rows of the vault's state (:mod:`vaultlint.lint.store`), the
:class:`~vaultlint.lint.fingerprint.RunFacts` they are valid for. The next ``vaultlint scan``
with the same run key (same version, same configuration file bytes, same
``--select``/``--ignore``) calls :func:`cached_scan` first: it checks the recorded
dependencies' bytes, walks the vault, and when the state holds every note's findings for that
fingerprint it builds the :class:`~vaultlint.lint.result.ScanResult`
from them — the same one ``lint`` would have made — having imported neither YAML nor the
configuration loader, the checks or the parser. Anything else is a miss (None), and the scan
goes the usual way.

What the result is made of is shared with ``lint`` (:func:`select_notes`,
:func:`outside_vault_findings`, :func:`finish`), so the two cannot drift apart; the golden
tests run every mode warm and cold.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from operator import is_not
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultlint.lint.fingerprint import RunFacts, is_facts, results_fingerprint, unchanged

if TYPE_CHECKING:
    from vaultlint.diagnostic import Diagnostic
    from vaultlint.lint.result import PathScope, RuleInfo, ScanResult
    from vaultlint.lint.store import Store
    from vaultlint.vault.discovery import VaultFiles


def load_facts(store: Store) -> RunFacts | None:
    """The facts recorded by the last run that read the configuration, or None. (They are
    written as a plain tuple, with that run's rows, in its transaction: :mod:`.incremental`.)"""
    data = store.meta("facts")
    return RunFacts._make(data) if is_facts(data) else None


def select_notes(
    root: Path,
    files: VaultFiles,
    exclude: tuple[str, ...],
    obsidian_excludes: bool,
    paths: Sequence[str],
    cwd: Path,
) -> tuple[dict[str, str], list[str], list[str] | None, list[str]]:
    """(excluded notes → why, the notes to check, the links out of the vault named by
    ``paths`` (None: every one), warnings about ``paths``)."""
    from vaultlint.vault.discovery import excluded_reason, select_targets
    from vaultlint.vault.discovery import obsidian_excludes as read_obsidian

    obsidian = read_obsidian(root) if obsidian_excludes else None
    if obsidian is not None and not (obsidian.templates or obsidian.filters):
        obsidian = None  # Obsidian's settings exclude nothing: no note needs asking
    excluded: dict[str, str] = {}
    if exclude or obsidian is not None:
        for path in files.notes:
            why = excluded_reason(path, exclude, obsidian)
            if why is not None:
                excluded[path] = why
    warnings: list[str] = []
    links_out: list[str] | None = None
    if paths:
        chosen, warnings = select_targets(paths, root, cwd, files.notes, excluded)
        targets = [p for p in chosen if p not in excluded]
        links_out = select_targets(paths, root, cwd, files.outside)[0]
    elif excluded:
        targets = [p for p in files.notes if p not in excluded]
    else:
        targets = list(files.notes)
    return excluded, targets, links_out, warnings


def outside_vault_findings(
    outside: Sequence[str], chosen: Sequence[str] | None, exclude: tuple[str, ...]
) -> list[Diagnostic]:
    """One ``info`` finding for each symbolic link that leaves the vault (never followed):
    every such link when the whole vault is linted, else those ``chosen`` by the PATHs."""
    from vaultlint.checks import OUTSIDE_VAULT
    from vaultlint.diagnostic import file_diagnostic
    from vaultlint.vault.discovery import excluded_reason

    picked = outside if chosen is None else [p for p in outside if p in set(chosen)]
    message = "a symbolic link that leads outside the vault: not followed, not read"
    return [
        file_diagnostic(path, OUTSIDE_VAULT, "vault", "info", message)
        for path in picked
        if excluded_reason(path, exclude, None) is None
    ]


def finish(
    root: Path,
    files: VaultFiles,
    diagnostics: list[Diagnostic],
    *,
    excluded: dict[str, str],
    targets: list[str],
    links_out: list[str] | None,
    warnings: list[str],
    exclude: tuple[str, ...],
    engine_off: Any,
    rules: tuple[RuleInfo, ...],
    scopes: tuple[PathScope, ...],
    parsed: int,
    cached: int,
    from_results_cache: bool,
    missing: Any = None,
) -> ScanResult:
    """The run's result: the findings of the links out of the vault added, the engine's rule
    ids that ``--select``/``--ignore`` turned off dropped; when every note not excluded is
    checked (no PATH, the vault's folder, PATHs that cover every note), a warning for each
    rule whose ``scopes`` match none of them."""
    from vaultlint.lint.result import NotLinted, ScanResult, unscoped_warnings

    if scopes and len(targets) == len(files.notes) - len(excluded):
        warnings = [*warnings, *unscoped_warnings(scopes, targets, excluded)]

    if files.outside:
        diagnostics = [*diagnostics, *outside_vault_findings(files.outside, links_out, exclude)]
    if engine_off:  # vaultlint's own rule ids turned off by --select/--ignore
        diagnostics = [d for d in diagnostics if d.rule not in engine_off]
    return ScanResult(
        vault=root.as_posix(),
        diagnostics=diagnostics,
        notes=targets,
        rules=rules,
        vault_notes=files.notes,
        excluded=[NotLinted(path, why) for path, why in sorted(excluded.items())],
        skipped=[NotLinted(path, why) for path, why in files.skipped],
        warnings=warnings,
        parsed=parsed,
        cached=cached,
        from_results_cache=from_results_cache,
        missing=missing or {},
    )


def _bytes_as_stored(root: Path, files: VaultFiles, racy: Sequence[tuple[str, bytes]]) -> bool:
    """Whether every racily clean note (lint/racy.py: its stat, which the walk found as
    stored, may hide a second write) still holds the bytes whose digest the state keeps.
    False too when one of them is settled (its time is past the window now): a planning run
    then stores its real stat, so that the warm runs after it read nothing again."""
    if not racy:
        return True
    import time

    from vaultlint.lint.cache import digest
    from vaultlint.lint.racy import racy_window, settled
    from vaultlint.vault.discovery import read_in_vault

    now, window, stats = time.time_ns(), racy_window(), files.stats
    for path, known in racy:
        stat = stats.get(path)
        if stat is None or settled(stat[1], now, window):
            return False
        try:
            data = read_in_vault(root, path, stat[0], walked=True)  # (longer: it changed)
        except OSError:
            return False
        if digest(data) != known:
            return False
    return True


def cached_scan(
    root: Path,
    key: bytes | None,
    paths: Sequence[str] = (),
    *,
    cwd: Path,
    cache_dir: Any = None,
    walked: list[VaultFiles] | None = None,
) -> ScanResult | None:
    """The result of linting ``paths`` (or the whole vault) when the cache holds it for this
    run key, unchanged dependencies and the vault as it is now; else None."""
    if key is None:
        return None
    from vaultlint.lint.cache import open_cache
    from vaultlint.lint.store import Store
    from vaultlint.vault.discovery import walk_vault

    cache = open_cache(root, cache_dir)
    if cache is None:
        return None
    store = Store(cache, readonly=True)
    try:
        facts = load_facts(store)
        if facts is None or facts.key != key or not unchanged(facts.digests):
            return None
        files = walk_vault(root)
        excluded, targets, links_out, warnings = select_notes(
            root, files, facts.exclude, facts.obsidian_excludes, paths, cwd
        )
        complete = store.complete_results(results_fingerprint(facts.context, files))
    finally:
        store.close()
    if complete is None or not _bytes_as_stored(root, files, complete.racy):
        if walked is not None:
            walked.append(files)  # the run that follows need not walk the vault again
        return None
    rows = complete.results
    from vaultlint.lint.outcomes import findings_of

    # (every blob read in one pass, in the targets' order: the order of equal findings)
    found = findings_of(list(filter(partial(is_not, None), map(rows.get, targets))))
    if found is None:
        return None
    diagnostics: list[Diagnostic] = found
    return finish(
        root,
        files,
        diagnostics,
        excluded=excluded,
        targets=targets,
        links_out=links_out,
        warnings=warnings,
        exclude=facts.exclude,
        engine_off=frozenset(facts.engine_off),
        rules=facts.rule_infos(),
        scopes=facts.path_scopes(),
        parsed=0,
        cached=0,
        from_results_cache=True,
    )
