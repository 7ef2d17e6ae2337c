"""Caches in ``<vault>/.vaultlint_cache/`` (with its own ``.gitignore`` and ``CACHEDIR.TAG``).

- ``summaries-*``: per note, its stat, content digest and summary — all the index needs.
- ``notes-*-N``: the parsed notes of shard N, packed, keyed by path and content digest.
- ``results-*``: the findings of the last run, with the fingerprint of the vault and the
  configuration they are valid for; a run that finds the same fingerprint reuses them.

A note is matched on its ``stat`` (size, modification time, inode), so that an unchanged note is
never read again, and else on a digest of its content, so that the summary of a note touched,
renamed or moved without changing is not computed again (a note that is checked again is read
again). Like ruff's and mypy's, the cache trusts the stat: an edit that keeps a file's size,
modification time and inode (restored with ``touch -d``) is not seen; ``--no-cache`` is the
way out. File names carry vaultlint's version and the parser version, so another version's
cache is simply not used.

The cache is written to a temporary file and moved into place with ``os.replace``, so a reader
sees either the old or the new cache, never half of one; when several vaultlint processes run at
once (pre-commit may start several), the last writer wins and nobody reads a torn file. A cache
that cannot be read (corrupt, truncated, another format, or not written by vaultlint) is ignored
and rebuilt: it is unpickled with an allow-list of vaultlint's own data classes, so a planted
file cannot run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from vaultlint import __version__
from vaultlint.model import NoteSummary
from vaultlint.parse import PARSER_VERSION

CACHE_DIR = ".vaultlint_cache"
_MAGIC = b"vaultlint-cache\n"
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by vaultlint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
_ALLOWED = {("vaultlint.model", "NoteSummary")} | {
    ("vaultlint.diagnostic", name) for name in ("Diagnostic", "Fix", "Edit")
}


StatKey = tuple[int, int, int]
_TAG_NAME = f"{__version__}-p{PARSER_VERSION}"


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a vaultlint cache")


def _open_regular(path: Path) -> Any:
    """Open a cache file for reading only if it is a regular file: a FIFO or a device planted
    in the cache folder must not block or feed vaultlint (opened without blocking, checked)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path} is not a regular file")
    return os.fdopen(fd, "rb")


def _read_pickle(path: Path, header: bytes = b"") -> Any:
    """A cache file's content, or None when it is missing, torn, foreign or corrupt, or when
    its ``header`` (written by :func:`_write_pickle`) differs: then nothing more is read."""
    try:
        with _open_regular(path) as fh:
            if fh.read(len(_MAGIC) + len(header)) != _MAGIC + header:
                return None
            return _SafeUnpickler(fh).load()
    except Exception:  # missing, corrupt, truncated or foreign: ignore it, it is rebuilt
        return None


def cache_dir(root: Path) -> Path | None:
    """The cache folder of a vault, or None when it must not be used: a symbolic link (it
    would make vaultlint write outside the vault) or something that is not a folder."""
    folder = root / CACHE_DIR
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return None
    return folder


def _write_pickle(folder: Path, target: Path, data: Any, header: bytes = b"") -> None:
    """Write atomically: a temporary file in the same folder, then ``os.replace``."""
    try:
        folder.mkdir(exist_ok=True)
        for name, content in (
            (".gitignore", "# created by vaultlint\n*\n"),
            ("CACHEDIR.TAG", _TAG),
        ):
            marker = folder / name
            if not marker.exists():
                marker.write_text(content, encoding="utf-8")
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pickle", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC + header)
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return  # a read-only vault simply runs without a cache


#: fewer changed summaries than this are not worth rewriting the summaries file for
_FEW = 32


class SummaryCache:
    """Per note path: (stat, content digest, :class:`~vaultlint.model.NoteSummary`).

    Small and always loaded: it is all the vault index needs, so a run that checks two notes
    never reads the others.
    """

    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        folder = cache_dir(root)
        self.enabled = enabled and folder is not None
        self.dir = folder or root / CACHE_DIR
        self.file = self.dir / f"summaries-{_TAG_NAME}.pickle"
        self._entries: dict[str, tuple[StatKey, bytes, NoteSummary]] = {}
        self._by_digest: dict[bytes, NoteSummary] | None = None
        self._dirty = False
        self._stale = False  # entries of deleted notes were dropped: always worth writing
        self._changes = 0
        if self.enabled:
            # summaries are kept as plain tuples (the index reads them by position):
            # pickling named tuples costs several times more
            data = _read_pickle(self.file)
            if isinstance(data, dict):
                self._entries = data
            elif self.file.exists():
                self._dirty = True  # unreadable: rewrite it

    def get(self, path: str, key: StatKey) -> tuple[bytes, NoteSummary] | None:
        """(digest, summary) when the file's stat is unchanged since it was cached."""
        entry = self._entries.get(path)
        if entry is not None and entry[0] == key:
            return entry[1], entry[2]
        return None

    def get_by_content(
        self, path: str, key: StatKey, content: bytes
    ) -> tuple[bytes, NoteSummary] | None:
        """The summary of a note with this content (touched, renamed or moved), re-pathed."""
        if self._by_digest is None:
            self._by_digest = {d: s for _, d, s in self._entries.values()}
        summary = self._by_digest.get(content)
        if summary is None:
            return None
        if summary[0] != path:
            summary = (path, *summary[1:])  # type: ignore[assignment]
        self.put(path, key, content, summary)
        return content, summary

    def put(self, path: str, key: StatKey, content: bytes, summary: NoteSummary) -> None:
        self._entries[path] = (key, content, tuple(summary))  # type: ignore[assignment]
        self._dirty = True
        self._changes += 1

    def keep(self, paths: Iterable[str]) -> None:
        """Forget notes that are not in ``paths`` (deleted or renamed)."""
        keep = set(paths)
        for path in [p for p in self._entries if p not in keep]:
            del self._entries[path]
            self._dirty = self._stale = True

    def save(self) -> None:
        """Write the summaries when enough changed. A run that re-read a few edited notes (a
        pre-commit run) does not rewrite the summaries of the whole vault: the next run reads
        those few notes again, which costs less than writing thousands of entries."""
        if not (self.enabled and self._dirty):
            return
        if self._changes and self._changes < _FEW and self.file.exists() and not self._stale:
            return
        _write_pickle(self.dir, self.file, self._entries)
        self._dirty = False


class NoteShard:
    """Parsed notes of one shard (a fixed share of the paths), packed, keyed by path with
    their content digest. Only the worker that owns the shard reads or writes it."""

    def __init__(self, root: Path, shard: int, *, load: bool) -> None:
        self.dir = root / CACHE_DIR
        self.file = self.dir / f"notes-{_TAG_NAME}-{shard}.pickle"
        self._loaded = False
        self._entries: dict[str, tuple[bytes, tuple]] = {}
        self._new: dict[str, tuple[bytes, tuple]] = {}
        if load:
            data = _read_pickle(self.file)
            if isinstance(data, dict):
                self._entries = data
            self._loaded = True

    def get(self, path: str, content: bytes) -> tuple | None:
        entry = self._entries.get(path)
        if entry is not None and entry[0] == content:
            return entry[1]
        return None

    def put(self, path: str, content: bytes, packed: tuple) -> None:
        self._new[path] = (content, packed)

    def save(self) -> None:
        """Write when this run read the shard (merge) or there is none yet; a run that checked
        a few notes does not pay for reading and rewriting the others."""
        if not self._new or not (self._loaded or not self.file.exists()):
            return
        self._entries.update(self._new)
        _write_pickle(self.dir, self.file, self._entries)
        self._new = {}


def run_fingerprint(root: Path, files: Any, config: Any) -> str:
    """What a run's findings depend on: vaultlint's version, the configuration, Obsidian's
    settings, and the stat of every file of the vault. Equal fingerprints, equal findings."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{__version__}\0{PARSER_VERSION}\0{config!r}\0".encode())
    extra = [root / ".obsidian" / n for n in ("app.json", "templates.json")]
    extra.append(root / ".obsidian" / "plugins" / "templater-obsidian" / "data.json")
    if getattr(config, "source", None):
        extra.append(Path(config.source))
    from vaultlint.checks import REGISTRY

    for rule in config.active_rules():
        extra.extend(REGISTRY[rule.check]().external_files(rule.options, root))
    stats = files.stats
    h.update(
        "\0".join(f"{p}\0{stats.get(p)}" for p in (*files.notes, *files.others)).encode(
            "utf-8", "surrogateescape"
        )
    )
    for path in extra:
        try:
            key = stat_key(os.stat(path))
        except OSError:
            key = (-1, -1, -1)
        h.update(f"{path}\0{key}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


class ResultCache:
    """The findings of the last run, per note, with the fingerprint they are valid for.

    The fingerprint is written first, so a run that does not match reads nothing more.
    """

    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        folder = cache_dir(root)
        self.enabled = enabled and folder is not None
        self.dir = folder or root / CACHE_DIR
        self.file = self.dir / f"results-{__version__}.pickle"

    def _read(self, fingerprint: str) -> dict | None:
        data = _read_pickle(self.file, fingerprint.encode() + b"\n")
        return data if isinstance(data, dict) else None

    def get(self, fingerprint: str, targets: list[str], want_missing: bool) -> Any:
        """(diagnostics, per-note missing links) for ``targets``, or None on a miss."""
        notes = self._read(fingerprint) if self.enabled else None
        if notes is None or not all(t in notes for t in targets):
            return None
        if want_missing and not all(notes[t][1] is not None for t in targets):
            return None
        diagnostics = [d for t in targets for d in notes[t][0]]
        diagnostics.sort()
        return diagnostics, {t: notes[t][1] or [] for t in targets}

    def put(self, fingerprint: str, targets: list[str], diagnostics: list, per_note: Any) -> None:
        if not self.enabled:
            return
        notes = self._read(fingerprint) or {}
        by_path: dict[str, list] = {t: [] for t in targets}
        for diag in diagnostics:
            by_path.setdefault(diag.path, []).append(diag)
        for path, diags in by_path.items():
            missing = per_note.get(path, []) if per_note is not None else None
            notes[path] = (tuple(diags), missing)
        _write_pickle(self.dir, self.file, notes, header=fingerprint.encode() + b"\n")
