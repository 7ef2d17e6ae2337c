"""What a run produced: :class:`ScanResult`, the one result type.

The batch runner (:func:`vaultlint.lint.batch.lint`) makes it; the CLI narrows it
(``ScanResult._replace`` after ``--fix``, ``--baseline`` or ``--pre-commit``); the reporters,
the audit and the baseline read it. Frozen, with typed parts (:class:`RuleInfo`,
:class:`NotLinted`, :class:`MissingTarget`) rather than positional tuples.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import chain, islice
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from vaultlint import __version__
from vaultlint.checks import INTERNAL_ERROR, REGISTRY
from vaultlint.diagnostic import Diagnostic
from vaultlint.record import Record, set_field

if TYPE_CHECKING:
    from vaultlint.config import Config


class RuleInfo(NamedTuple):
    """Metadata of an active rule: SARIF's ``tool.driver.rules`` and help texts are made of it.

    ``severity`` is the rule's configured severity (``info``, ``warning``, ``error``); ``help``
    is the rule's documentation in Markdown (the check's docstring), empty when there is none.
    """

    id: str
    check: str
    severity: str
    summary: str
    help: str = ""


class PathScope(NamedTuple):
    """An active rule's scope by path: its ``where: paths`` and ``where: exclude`` globs."""

    rule: str
    paths: tuple[str, ...]
    exclude: tuple[str, ...]


class NotLinted(NamedTuple):
    """A note of the vault that was not linted, and why (``reason``: the exclusion or the
    reason it was skipped, e.g. ``dangling symbolic link``)."""

    path: str
    reason: str


class MissingTarget(NamedTuple):
    """A link target that does not resolve: as first written, how many notes link to it and
    with how many links."""

    target: str
    notes: int
    links: int


class ScanResult(Record):
    """Everything known about one scan: what the reporters show and what the audit and the
    baseline need.

    ``vault`` is the absolute vault root as a POSIX-style string. ``diagnostics`` are kept in
    report order (path, line, column, rule): they are sorted here, so callers may pass any
    iterable. ``notes`` are the vault-relative paths of the notes that were reported on,
    including those without findings; ``vault_notes`` every note of the vault (the baseline
    tells moved notes from it). ``rules`` are the rules that were active. ``excluded`` are the
    notes left out by the configuration, ``skipped`` those that could not be read;
    ``warnings`` what the CLI prints about PATHs. ``parsed`` and ``cached`` count the notes
    parsed and taken from the cache (``from_results_cache``: the whole result was).
    ``missing`` (only when asked for): lower-case link target → :class:`MissingTarget`.
    A :class:`~vaultlint.record.Record` (frozen; ``_replace`` makes a narrowed copy).
    """

    _fields = (
        "vault",
        "diagnostics",
        "notes",
        "rules",
        "version",
        "vault_notes",
        "excluded",
        "skipped",
        "warnings",
        "parsed",
        "cached",
        "from_results_cache",
        "missing",
    )
    __slots__ = _fields
    vault: str
    diagnostics: tuple[Diagnostic, ...]
    notes: tuple[str, ...]
    rules: tuple[RuleInfo, ...]
    version: str
    vault_notes: tuple[str, ...]
    excluded: tuple[NotLinted, ...]
    skipped: tuple[NotLinted, ...]
    warnings: tuple[str, ...]
    parsed: int
    cached: int
    from_results_cache: bool
    missing: Mapping[str, MissingTarget]

    def __init__(
        self,
        vault: str,
        diagnostics: Iterable[Diagnostic],
        notes: Iterable[str],
        rules: Iterable[RuleInfo] = (),
        version: str = __version__,
        vault_notes: Iterable[str] = (),
        excluded: Iterable[NotLinted] = (),
        skipped: Iterable[NotLinted] = (),
        warnings: Iterable[str] = (),
        parsed: int = 0,
        cached: int = 0,
        from_results_cache: bool = False,
        missing: Mapping[str, MissingTarget] | None = None,
    ) -> None:
        # tuples, and the contract's order
        set_field(self, "vault", vault)
        set_field(self, "diagnostics", tuple(sorted(diagnostics)))
        set_field(self, "notes", tuple(notes))
        set_field(self, "rules", tuple(rules))
        set_field(self, "version", version)
        set_field(self, "vault_notes", tuple(vault_notes))
        set_field(self, "excluded", tuple(excluded))
        set_field(self, "skipped", tuple(skipped))
        set_field(self, "warnings", tuple(warnings))
        set_field(self, "parsed", parsed)
        set_field(self, "cached", cached)
        set_field(self, "from_results_cache", from_results_cache)
        set_field(self, "missing", MappingProxyType(dict(missing or {})))

    @property
    def skipped_notes(self) -> tuple[NotLinted, ...]:
        """The skipped entries a whole-vault report names (JSON ``skipped``, a warning on
        stderr): those named as a note, a canvas or a base that are not files vaultlint can
        read (a FIFO ``x.md``, a dangling link ``y.md``), and what could not be read at all (a
        folder that cannot be listed). Links to folders of the vault and the other names are
        left out quietly, as Obsidian leaves them out; ``--statistics`` counts every one."""
        from vaultlint.vault.discovery import is_linted

        return tuple(n for n in self.skipped if n.reason.startswith("cannot ") or is_linted(n.path))

    @property
    def internal_errors(self) -> bool:
        """Whether a check crashed on some note (the run then exits 2)."""
        return any(d.rule == INTERNAL_ERROR for d in self.diagnostics)

    def severity_counts(self) -> dict[str, int]:
        """Number of diagnostics per severity: ``{"error": n, "warning": n, "info": n}``."""
        counts = {"error": 0, "warning": 0, "info": 0}
        for diagnostic in self.diagnostics:
            counts[diagnostic.severity] = counts.get(diagnostic.severity, 0) + 1
        return counts


def active_rules(config: Config) -> tuple[RuleInfo, ...]:
    """The rules ``config`` turns on, with their summaries and help texts."""
    return tuple(
        RuleInfo(
            id=r.id,
            check=r.check,
            severity=r.severity,
            summary=r.description or REGISTRY[r.check].summary,
            help=REGISTRY[r.check].__doc__ or "",
        )
        for r in config.active_rules()
    )


def path_scopes(config: Config) -> tuple[PathScope, ...]:
    """The scopes of the rules ``config`` turns on whose ``where`` names paths."""
    return tuple(
        PathScope(r.id, tuple(r.where.paths), tuple(r.where.exclude))
        for r in config.active_rules()
        if r.where.paths or r.where.exclude
    )


def unscoped_warnings(
    scopes: Iterable[PathScope], checked: list[str], excluded: Iterable[str] = ()
) -> list[str]:
    """A warning for each rule whose ``where`` globs match none of the notes ``checked`` (the
    whole vault's, less the ``excluded``): such a rule checks nothing, and a gate that runs it
    would pass whatever the notes say (a misspelled folder, a folder renamed since). Only the
    globs are asked, so this is known from the vault's file names alone; a scope that also
    asks tags or properties can still apply to no note without a word."""
    if not checked:
        return []  # (the CLI says that every note is excluded)
    from vaultlint.globs import compile_globs
    from vaultlint.words import plural

    left_out = list(excluded)
    out = []
    for scope in scopes:
        inside = compile_globs(scope.paths) if scope.paths else None
        outside = compile_globs(scope.exclude) if scope.exclude else None
        if _count(inside, outside, checked, 1):
            continue
        where = f"paths: {_globs(scope.paths)}" if scope.paths else ""
        if scope.exclude:
            where += ("; " if where else "") + f"exclude: {_globs(scope.exclude)}"
        message = f"rule '{scope.rule}' applies to no note: its where ({where}) "
        if inside is None:
            message += f"leaves out every note of the {plural(len(checked), 'note')} checked"
        else:
            message += f"matches no note of the {len(checked)} checked"
            also = _count(inside, outside, left_out, len(left_out))
            if also:
                message += f", only {plural(also, 'excluded note')}"
            else:
                message += "; is a glob misspelled, or the folder renamed?"
        out.append(message)
    return out


def _globs(patterns: tuple[str, ...]) -> str:
    return ", ".join(f"'{p}'" for p in patterns)


def _count(inside: Any, outside: Any, paths: list[str], enough: int) -> int:
    """How many of ``paths`` (distinct) are matched by ``inside`` (None: every path) and not by
    ``outside``, counted up to ``enough``. On every warm run this is asked of each scope, and
    pathspec matches a path in microseconds of Python, which a scope whose notes come late in
    the vault's order would pay for nearly every note: so each including pattern of ``inside``
    picks its candidates first (its regular expression's ``match`` over the paths, a C loop,
    as pathspec itself asks it of each path), and only those are matched exactly."""

    def fits(path: str) -> bool:
        return (inside is None or inside.match_file(path)) and (
            outside is None or not outside.match_file(path)
        )

    matchers = None if inside is None else _matchers(inside)
    if matchers is None:
        found = filter(fits, paths)
    else:
        candidates = (filter(match, paths) for match in matchers)
        found = filter(fits, dict.fromkeys(chain.from_iterable(candidates)))
    return len(list(islice(found, enough)))


def _matchers(spec: Any) -> list[Any] | None:
    """The ``match`` of each including pattern of a pathspec ``spec`` (a path the spec matches
    is matched by one of them); None when a pattern is not a regular expression of the kind
    expected (then every path is matched exactly)."""
    import re

    patterns = getattr(spec, "patterns", None)
    if not patterns:
        return None
    matchers = []
    for pattern in patterns:
        if getattr(pattern, "include", None) is not True:
            continue  # an excluding or empty pattern: it matches no more paths
        regex = getattr(pattern, "regex", None)
        if not isinstance(regex, re.Pattern):
            return None
        matchers.append(regex.match)
    return matchers
