"""Caches, outside the vault: in the user's cache folder, one folder per vault.

- ``summaries-*``: per note, its stat, content digest and summary — all the index needs.
- ``notes-*-N``: the parsed notes of shard N, packed, keyed by path and content digest.
- ``results-*``: the findings of the last run, with the fingerprint of the vault and the
  configuration they are valid for; a run that finds the same fingerprint reuses them.
- ``run-facts``: the run key and dependency digests those results are valid for, and what the
  configuration says a warm run needs (``lint/fingerprint.py``, ``lint/warm.py``): a run with
  nothing changed is answered without reading the configuration.

Where: ``--cache-dir DIR``, else ``$VAULTLINT_CACHE_DIR``, else the user's cache folder
(``platformdirs``: ``~/.cache/vaultlint`` on Linux, ``~/Library/Caches/vaultlint`` on macOS,
``%LOCALAPPDATA%\\vaultlint\\Cache`` on Windows). Below it, ``vaults/NAME-HASH/`` holds one
vault's files, HASH being a digest of the vault's resolved path; nothing is ever written in the
vault, so a cache committed to a repository (``.vaultlint_cache/`` of older versions) is
never read.

Cache files cannot be planted: each one carries a keyed BLAKE2b MAC of its content and of its
own name, with a key made on first use with :mod:`secrets` and kept in ``DIR/key`` (mode
0600). A file whose MAC does not match — copied from another machine, another vault or another
file, edited, truncated — is ignored and rebuilt. A key that is not a regular file of the
current user, readable by nobody else, disables the cache. Authenticated files are still
unpickled with an allow-list of vaultlint's own data classes, and an entry of the wrong shape is
a cache miss, never an error.

A note is matched on its ``stat`` (size, modification time, inode), so that an unchanged note is
never read again, and else on a digest of its content, so that the summary of a note touched,
renamed or moved without changing is not computed again (a note that is checked again is read
again). Like ruff's and mypy's, the cache trusts the stat: an edit that keeps a file's size,
modification time and inode (restored with ``touch -d``) is not seen; ``--no-cache`` is the
way out. File names carry vaultlint's version and the parser version, so another version's
cache is simply not used.

The cache is written to a temporary file and moved into place with ``os.replace``, so a reader
sees either the old or the new cache, never half of one; when several vaultlint processes run at
once (pre-commit may start several), the last writer wins and nobody reads a torn file.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vaultlint import PARSER_VERSION, __version__
from vaultlint.diagnostic import Diagnostic
from vaultlint.model import Note, NoteSummary

#: the environment variable that moves the cache (as ``--cache-dir`` does)
CACHE_ENV = "VAULTLINT_CACHE_DIR"
_MAGIC = b"vaultlint-cache-2\n"
_MAC_SIZE = 32
_KEY_SIZE = 32
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by vaultlint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
_ALLOWED = {("vaultlint.model", "NoteSummary"), ("vaultlint.model", "Span")} | {
    ("vaultlint.diagnostic", name) for name in ("Diagnostic", "Fix", "Edit", "LineTable")
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


# --- where ---------------------------------------------------------------------------------


def cache_root(override: str | os.PathLike[str] | None = None) -> Path:
    """The cache folder of every vault: ``override`` (``--cache-dir``), else
    ``$VAULTLINT_CACHE_DIR``, else the user's cache folder."""
    chosen = override or os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen).expanduser().absolute()
    import platformdirs

    return Path(platformdirs.user_cache_dir("vaultlint", appauthor=False))


def vault_folder_name(root: Path) -> str:
    """``NAME-HASH``: the vault folder's name (for people looking) and a digest of its
    resolved path (so two vaults never share a cache, and a moved vault starts a new one)."""
    real = os.path.realpath(root)
    key = hashlib.blake2b(real.encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", os.path.basename(real))[:40].strip("._") or "vault"
    return f"{name}-{key}"


@dataclass(frozen=True)
class CacheFolder:
    """One vault's cache folder and the key that authenticates its files."""

    path: Path
    key: bytes

    def mac(self, name: str) -> Any:
        """A keyed BLAKE2b over a file of this folder, bound to its folder and name."""
        mac = hashlib.blake2b(key=self.key, digest_size=_MAC_SIZE)
        mac.update(f"{self.path.name}/{name}\0".encode("utf-8", "surrogateescape"))
        return mac


def _create_exclusive(path: Path, data: bytes, mode: int) -> None:
    """Write a new file (never through a symbolic link, never over an existing file)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _load_key(root: Path, *, create: bool = True) -> bytes | None:
    """The key in ``root/key``, made on first use; None when it cannot be trusted (not a
    regular file of ours, readable or writable by others) or cannot be made."""
    path = root / "key"
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    for _attempt in range(2):
        try:
            fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            if not create:
                return None
            import secrets  # only when a key is made

            tmp = root / f".key-{secrets.token_hex(8)}"
            try:
                _create_exclusive(tmp, secrets.token_bytes(_KEY_SIZE), 0o600)
                try:
                    os.link(tmp, path)  # atomic: the first process to make a key wins
                except FileExistsError:
                    pass
                finally:
                    os.unlink(tmp)
            except OSError:
                return None
            continue
        except OSError:
            return None
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            ours = not hasattr(os, "getuid") or st.st_uid == os.getuid()
            private = os.name == "nt" or not st.st_mode & 0o077
            if not (stat.S_ISREG(st.st_mode) and ours and private):
                return None
            key = fh.read(_KEY_SIZE + 1)
        return key if len(key) == _KEY_SIZE else None
    return None


def open_cache(
    root: Path, override: str | os.PathLike[str] | None = None, *, create: bool = True
) -> CacheFolder | None:
    """The cache folder of the vault at ``root`` (made, with the cache root's key, marker
    files and a ``.gitignore``, on first use); None when no cache can be used there. With
    ``create=False`` nothing is made: None unless the key and the folder exist (readers that
    never write, such as the language server)."""
    base = cache_root(override)
    if not create:
        key = _load_key(base, create=False)
        folder = base / "vaults" / vault_folder_name(root)
        return CacheFolder(folder, key) if key is not None and folder.is_dir() else None
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        markers = ((".gitignore", "# created by vaultlint\n*\n"), ("CACHEDIR.TAG", _TAG))
        for name, content in markers:
            with contextlib.suppress(FileExistsError):
                _create_exclusive(base / name, content.encode(), 0o644)
        key = _load_key(base)
        if key is None:
            return None
        folder = base / "vaults" / vault_folder_name(root)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only home: run without a cache
    return CacheFolder(folder, key)


# --- files ---------------------------------------------------------------------------------


def _open_regular(path: Path) -> Any:
    """Open a cache file for reading only if it is a regular file: a FIFO or a device planted
    in the cache folder must not block or feed vaultlint (opened without blocking, checked)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path} is not a regular file")
    return os.fdopen(fd, "rb")


def _read_pickle(cache: CacheFolder, name: str, header: bytes = b"") -> Any:
    """A cache file's content, or None when it is missing, torn, foreign, corrupt or not
    authenticated by this cache's key, or when its ``header`` (written by
    :func:`_write_pickle`) differs: then nothing more is read."""
    try:
        with _open_regular(cache.path / name) as fh:
            if fh.read(len(_MAGIC)) != _MAGIC:
                return None
            expected = fh.read(_MAC_SIZE)
            start = len(_MAGIC) + _MAC_SIZE
            if fh.read(len(header)) != header:
                return None
            mac = cache.mac(name)
            mac.update(header)
            for block in iter(lambda: fh.read(1 << 20), b""):
                mac.update(block)
            if not hmac.compare_digest(mac.digest(), expected):
                return None
            fh.seek(start + len(header))
            return _SafeUnpickler(fh).load()
    except Exception:  # missing, corrupt, truncated or foreign: ignore it, it is rebuilt
        return None


class _MacWriter:
    """A file wrapper that feeds what is written to a MAC."""

    def __init__(self, fh: Any, mac: Any) -> None:
        self.fh, self.mac = fh, mac

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.fh.write(data)


def _write_pickle(cache: CacheFolder, name: str, data: Any, header: bytes = b"") -> None:
    """Write atomically: a temporary file in the same folder, then ``os.replace``."""
    try:
        import tempfile  # only when writing (a warm run writes nothing)

        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pickle", dir=cache.path)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC + b"\0" * _MAC_SIZE)
                writer = _MacWriter(fh, cache.mac(name))
                writer.write(header)
                pickle.dump(data, writer, protocol=pickle.HIGHEST_PROTOCOL)
                fh.seek(len(_MAGIC))
                fh.write(writer.mac.digest())
            os.replace(tmp, cache.path / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return  # a read-only cache folder simply runs without a cache


# --- entries -------------------------------------------------------------------------------


def _is_summary(value: Any) -> bool:
    """Whether a cached summary has the shape of a :class:`NoteSummary` (plain tuple)."""
    return (
        type(value) in (tuple, NoteSummary)
        and len(value) == 6
        and type(value[0]) is str
        and type(value[1]) is tuple
        and all(
            type(h) is tuple and len(h) == 2 and type(h[0]) is int and type(h[1]) is str
            for h in value[1]
        )
        and type(value[2]) is tuple
        and all(type(b) is str for b in value[2])
        and all(type(value[i]) is tuple for i in (3, 4, 5))
        and all(type(t) is str for i in (3, 4, 5) for t in value[i])  # tags, aliases, links
    )


def _is_key(value: Any) -> bool:
    return type(value) is tuple and len(value) == 3 and all(type(v) is int for v in value)


#: fewer changed summaries than this are not worth rewriting the summaries file for
_FEW = 32


class SummaryCache:
    """Per note path: (stat, content digest, :class:`~vaultlint.model.NoteSummary`).

    Small and always loaded: it is all the vault index needs, so a run that checks two notes
    never reads the others.
    """

    def __init__(self, cache: CacheFolder | None, *, enabled: bool = True) -> None:
        self.cache = cache
        self.enabled = enabled and cache is not None
        self.name = f"summaries-{_TAG_NAME}.pickle"
        self._entries: dict[str, tuple[StatKey, bytes, NoteSummary]] = {}
        self._by_digest: dict[bytes, NoteSummary] | None = None
        self._dirty = False
        self._stale = False  # entries of deleted notes were dropped: always worth writing
        self._changes = 0
        self._exists = False
        if self.enabled:
            assert cache is not None
            self._exists = (cache.path / self.name).exists()
            # summaries are kept as plain tuples (the index reads them by position):
            # pickling named tuples costs several times more
            data = _read_pickle(cache, self.name)
            if isinstance(data, dict):
                self._entries = data
            elif self._exists:
                self._dirty = True  # unreadable: rewrite it

    def _valid(self, path: str, entry: Any) -> bool:
        ok = (
            type(entry) is tuple
            and len(entry) == 3
            and _is_key(entry[0])
            and type(entry[1]) is bytes
            and _is_summary(entry[2])
        )
        if not ok:  # a wrong-shaped entry is a miss (and is dropped)
            self._entries.pop(path, None)
            self._dirty = self._stale = True
        return ok

    def get(self, path: str, key: StatKey) -> tuple[bytes, NoteSummary] | None:
        """(digest, summary) when the file's stat is unchanged since it was cached."""
        entry = self._entries.get(path)
        if entry is not None and self._valid(path, entry) and entry[0] == key:
            return entry[1], entry[2]
        return None

    def get_by_content(
        self, path: str, key: StatKey, content: bytes
    ) -> tuple[bytes, NoteSummary] | None:
        """The summary of a note with this content (touched, renamed or moved), re-pathed."""
        if self._by_digest is None:
            self._by_digest = {
                e[1]: e[2] for p, e in list(self._entries.items()) if self._valid(p, e)
            }
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
        if not (self.enabled and self._dirty) or self.cache is None:
            return
        if self._changes and self._changes < _FEW and self._exists and not self._stale:
            return
        _write_pickle(self.cache, self.name, self._entries)
        self._dirty = False


class NoteShard:
    """Parsed notes of one shard (a fixed share of the paths), packed, keyed by path with
    their content digest. Only the worker that owns the shard reads or writes it."""

    def __init__(self, cache: CacheFolder, shard: int, *, load: bool) -> None:
        self.cache = cache
        self.name = f"notes-{_TAG_NAME}-{shard}.pickle"
        self._loaded = False
        self._entries: dict[str, tuple[bytes, tuple]] = {}
        self._new: dict[str, tuple[bytes, tuple]] = {}
        if load:
            data = _read_pickle(cache, self.name)
            if isinstance(data, dict):
                self._entries = data
            self._loaded = True

    def get(self, path: str, content: bytes) -> Note | None:
        """The parsed note, when cached for this content; a wrong-shaped entry is a miss."""
        from vaultlint.model import unpack_note  # built on first use

        entry = self._entries.get(path)
        try:
            if entry is None or entry[0] != content:
                return None
            note = unpack_note(entry[1])
            if note.path != path or type(note.text) is not str:
                return None
            return note
        except Exception:
            return None

    def put(self, path: str, content: bytes, packed: tuple) -> None:
        self._new[path] = (content, packed)

    def save(self) -> None:
        """Write when this run read the shard (merge) or there is none yet; a run that checked
        a few notes does not pay for reading and rewriting the others."""
        if not self._new or not (self._loaded or not (self.cache.path / self.name).exists()):
            return
        self._entries.update(self._new)
        _write_pickle(self.cache, self.name, self._entries)
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

    def __init__(self, cache: CacheFolder | None, *, enabled: bool = True) -> None:
        self.cache = cache
        self.enabled = enabled and cache is not None
        self.name = f"results-{__version__}.pickle"

    def _read(self, fingerprint: str) -> dict | None:
        if self.cache is None:
            return None
        data = _read_pickle(self.cache, self.name, fingerprint.encode() + b"\n")
        return data if isinstance(data, dict) else None

    def get(self, fingerprint: str, targets: list[str], want_missing: bool) -> Any:
        """(diagnostics, per-note missing links) for ``targets``, or None on a miss (also when
        an entry has the wrong shape)."""
        notes = self._read(fingerprint) if self.enabled else None
        if notes is None or not all(t in notes for t in targets):
            return None
        try:
            if want_missing and not all(notes[t][1] is not None for t in targets):
                return None
            diagnostics = [d for t in targets for d in notes[t][0]]
            missing = {t: list(notes[t][1] or []) for t in targets}
            if not all(type(d) is Diagnostic and d.path == t for t in targets for d in notes[t][0]):
                return None
            if not all(
                type(m) is tuple and len(m) == 2 and all(type(x) is str for x in m)
                for found in missing.values()
                for m in found
            ):
                return None
            diagnostics.sort()
        except Exception:
            return None
        return diagnostics, missing

    def put(self, fingerprint: str, targets: list[str], diagnostics: list, per_note: Any) -> None:
        if not self.enabled or self.cache is None:
            return
        notes = self._read(fingerprint) or {}
        by_path: dict[str, list] = {t: [] for t in targets}
        for diag in diagnostics:
            by_path.setdefault(diag.path, []).append(diag)
        for path, diags in by_path.items():
            missing = per_note.get(path, []) if per_note is not None else None
            notes[path] = (tuple(diags), missing)
        _write_pickle(self.cache, self.name, notes, header=fingerprint.encode() + b"\n")
