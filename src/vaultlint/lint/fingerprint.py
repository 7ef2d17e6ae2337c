"""What a run's findings depend on, decided from bytes and stats alone: a warm run (nothing
changed since the last one) is recognised before the configuration, the checks or the parser
are imported.

Three parts, each a BLAKE2b digest:

- the **run key** (:func:`run_key`): vaultlint's version, the parser's version, the path and
  the *bytes* of the configuration file (or that there is none), and ``--select``/``--ignore``
  as given. Known before anything is parsed.
- the **dependencies** (:func:`dependency_files`, :func:`file_digests`): every other file the
  findings depend on: the files the configuration loader read (pack files named in
  ``extends``, the built-in packs), Obsidian's settings (``app.json``, ``templates.json``,
  Templater's settings) and the files the active rules read (``Check.external_files``: word
  lists, ``.obsidian/types.json``). Only a run that read the configuration knows them: it
  records them with the digest of each one's bytes (:class:`RunFacts`), and a later run checks
  those digests without parsing anything (:func:`unchanged`).
- the **vault** (:func:`vault_digest`): the path and stat (size, the later of modification and
  status-change time, inode: ``cache.stat_key``) of every note and the path of every other
  file, as the walk found them.

:func:`context` (run key + dependencies) is what every note's findings depend on besides the
vault's files; :func:`results_fingerprint` (context + vault) is what the whole run's findings
depend on. Equal fingerprints, equal findings.

This module imports only the standard library; its users are the batch runner and the warm
path (:mod:`vaultlint.lint.warm`), and the vault's state (:mod:`vaultlint.lint.store`) keeps
what they compute.
"""

from __future__ import annotations

import os
import stat
import struct
import weakref
from collections.abc import Iterable, Sequence
from itertools import chain, repeat
from typing import TYPE_CHECKING, Any, NamedTuple

from vaultlint import PARSER_VERSION, __version__
from vaultlint.digest import blake2b

if TYPE_CHECKING:
    from vaultlint.config import Config
    from vaultlint.lint.result import PathScope, RuleInfo
    from vaultlint.vault.discovery import VaultFiles

#: Obsidian's settings files the findings depend on (vault-relative)
OBSIDIAN_FILES = (
    ".obsidian/app.json",
    ".obsidian/templates.json",
    ".obsidian/plugins/templater-obsidian/data.json",
)
#: a dependency larger than this is known by its stat, not its bytes
_DIGEST_LIMIT = 32 << 20
#: the digest of a dependency that does not exist (or is not a regular file)
MISSING = "-"

Digests = tuple[tuple[str, str], ...]


def _digest(*parts: bytes) -> bytes:
    h = blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


def _read(path: str) -> bytes | None:
    """A regular file's bytes (opened without blocking: a FIFO is not read), else None."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        if st.st_size > _DIGEST_LIMIT:
            return f"stat {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}".encode()
        with os.fdopen(fd, "rb", buffering=0, closefd=False) as fh:
            return fh.readall()
    except OSError:
        return None
    finally:
        os.close(fd)


def run_key(config_file: str | None, select: Sequence[str], ignore: Sequence[str]) -> bytes | None:
    """The run key of a configuration file (None: the built-in ``recommended`` pack) and the
    ``--select``/``--ignore`` ids; None when the file cannot be read (the run then reads the
    configuration and reports why)."""
    data = b"" if config_file is None else _read(config_file)
    if data is None:
        return None
    name = "" if config_file is None else os.path.abspath(config_file)
    return _digest(
        f"{__version__}\0{PARSER_VERSION}".encode(),
        name.encode("utf-8", "surrogateescape"),
        data,
        "\0".join(select).encode("utf-8", "surrogateescape"),
        "\0".join(ignore).encode("utf-8", "surrogateescape"),
    )


def config_key(config: Config) -> bytes:
    """The run key of a configuration given as an object (a caller of ``lint`` that did not
    read a file): its ``repr``, which holds every rule and option."""
    return _digest(
        f"{__version__}\0{PARSER_VERSION}".encode(),
        b"repr",
        repr(config).encode("utf-8", "surrogateescape"),
    )


def dependency_files(root: Any, config: Config) -> list[str]:
    """Every file besides the notes that the findings under ``config`` depend on (see the
    module docstring), absolute, without repeats. Imports the active rules' checks."""
    from vaultlint.checks import REGISTRY

    root_s = os.path.abspath(root)
    files = [*config.files, *(os.path.join(root_s, name) for name in OBSIDIAN_FILES)]
    for rule in config.active_rules():
        files.extend(
            os.path.abspath(p) for p in REGISTRY[rule.check]().external_files(rule.options, root)
        )
    return list(dict.fromkeys(files))


def file_digests(paths: Iterable[str]) -> Digests:
    """(path, hex digest of its bytes, or :data:`MISSING`) of each path."""
    out = []
    for path in paths:
        data = _read(path)
        out.append((path, MISSING if data is None else _digest(data).hex()))
    return tuple(out)


def unchanged(digests: Digests) -> bool:
    """Whether every dependency still has the bytes it was recorded with."""
    return file_digests(p for p, _ in digests) == digests


def context(key: bytes, digests: Digests) -> bytes:
    """What every note's findings depend on besides the vault's files: the run key and the
    dependencies' digests."""
    flat = "\0".join(f"{p}\0{d}" for p, d in digests).encode("utf-8", "surrogateescape")
    return _digest(key, flat)


#: the last walk digested (a weak reference: the memo keeps no walk alive), its lists'
#: lengths and its digest: a warm attempt that missed and the run that follows share one
#: walk (lint/warm.py), so they need its digest once. A walk is never changed once made
#: (its lengths are compared all the same)
_last_digest: tuple[weakref.ref[VaultFiles], tuple[int, int, int], bytes] | None = None


def vault_digest(files: VaultFiles) -> bytes:
    """The paths and stats of the vault's notes and the paths of its other files (computed
    once for a walk)."""
    global _last_digest
    sizes = (len(files.notes), len(files.others), len(files.stats))
    if _last_digest is not None and _last_digest[0]() is files and _last_digest[1] == sizes:
        return _last_digest[2]
    made = _vault_digest(files)
    _last_digest = (weakref.ref(files), sizes, made)
    return made


def _vault_digest(files: VaultFiles) -> bytes:
    # (every note's stat, or -1s, looked up and packed in C loops: struct packs integers in
    # half the instructions of an array's constructor)
    stats = chain.from_iterable(map(files.stats.get, files.notes, repeat((-1, -1, -1))))
    numbers = struct.pack(f"<{3 * len(files.notes)}q", *stats)
    return _digest(
        "\0".join(files.notes).encode("utf-8", "surrogateescape"),
        numbers,
        "\0".join(files.others).encode("utf-8", "surrogateescape"),
    )


def results_fingerprint(context: bytes, files: VaultFiles) -> str:
    """What the findings of a whole run depend on: the context and the vault."""
    return _digest(context, vault_digest(files)).hex()


class RunFacts(NamedTuple):
    """What a run that read the configuration records for a warm run that does not: the run
    key and the dependencies' digests it was valid for, and what the configuration says that
    a warm run needs (which notes are excluded, which findings are dropped, the active rules
    the reports list). Plain values only: it is kept in the cache."""

    key: bytes
    digests: Digests
    exclude: tuple[str, ...]
    obsidian_excludes: bool
    engine_off: tuple[str, ...]
    #: (id, check, severity, summary, help) of each active rule
    rules: tuple[tuple[str, str, str, str, str], ...]
    #: (id, ``where: paths``, ``where: exclude``) of each active rule scoped by path
    scopes: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()

    @property
    def context(self) -> bytes:
        return context(self.key, self.digests)

    def rule_infos(self) -> tuple[RuleInfo, ...]:
        from vaultlint.lint.result import RuleInfo

        return tuple(RuleInfo(*rule) for rule in self.rules)

    def path_scopes(self) -> tuple[PathScope, ...]:
        from vaultlint.lint.result import PathScope

        return tuple(PathScope(*scope) for scope in self.scopes)


def facts_of(key: bytes, root: Any, config: Config) -> RunFacts:
    """The facts of a run under ``config`` (which imports the active rules' checks)."""
    from vaultlint.lint.result import active_rules, path_scopes

    return RunFacts(
        key=key,
        digests=file_digests(dependency_files(root, config)),
        exclude=tuple(config.exclude),
        obsidian_excludes=bool(config.obsidian_excludes),
        engine_off=tuple(sorted(config.engine_off)),
        rules=tuple((r.id, r.check, r.severity, r.summary, r.help) for r in active_rules(config)),
        scopes=tuple(tuple(scope) for scope in path_scopes(config)),
    )


def is_facts(value: Any) -> bool:
    """Whether a value read from the cache has the shape of :class:`RunFacts` (as a tuple)."""

    def strings(items: Any) -> bool:
        return type(items) is tuple and all(type(s) is str for s in items)

    return (
        type(value) in (tuple, RunFacts)
        and len(value) == len(RunFacts._fields)
        and type(value[0]) is bytes
        and type(value[1]) is tuple
        and all(type(d) is tuple and len(d) == 2 and strings(d) for d in value[1])
        and strings(value[2])
        and type(value[3]) is bool
        and strings(value[4])
        and type(value[5]) is tuple
        and all(type(r) is tuple and len(r) == 5 and strings(r) for r in value[5])
        and type(value[6]) is tuple
        and all(
            type(r) is tuple
            and len(r) == 3
            and type(r[0]) is str
            and strings(r[1])
            and strings(r[2])
            for r in value[6]
        )
    )
