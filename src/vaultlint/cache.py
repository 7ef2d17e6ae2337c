"""Parse cache: parsed notes kept in ``<vault>/.vaultlint_cache/`` between runs.

Entries are keyed by path and the file's ``stat`` (size, modification time, inode) so that an
unchanged note is never read again, and also by a hash of the content, so that a note that was
touched, renamed or moved without changing is not parsed again either. The file name carries
vaultlint's version and the parser version, so another version's cache is simply not used.

The cache is written to a temporary file and moved into place with ``os.replace``, so a reader
sees either the old or the new cache, never half of one; when several vaultlint processes run at
once (pre-commit may start several), the last writer wins and nobody reads a torn file. A cache
that cannot be read (corrupt, truncated, another format, or not written by vaultlint) is ignored
and rebuilt: it is unpickled with an allow-list of vaultlint's own data classes, so a planted
file cannot run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from vaultlint import __version__, model
from vaultlint.parse import PARSER_VERSION

CACHE_DIR = ".vaultlint_cache"
_MAGIC = b"vaultlint-cache\n"
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by vaultlint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
_ALLOWED = {
    ("vaultlint.model", name)
    for name in (
        "Span",
        "Heading",
        "Link",
        "Tag",
        "Block",
        "Section",
        "Field",
        "FieldItem",
        "Problem",
        "Suppression",
        "Note",
    )
} | {("builtins", "frozenset"), ("builtins", "set"), ("datetime", "date")}

StatKey = tuple[int, int, int]


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a vaultlint cache")


class ParseCache:
    """Cached parses of one vault's notes."""

    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        self.root = root
        self.enabled = enabled
        self.dir = root / CACHE_DIR
        self.file = self.dir / f"notes-{__version__}-p{PARSER_VERSION}.pickle"
        self._entries: dict[str, tuple[StatKey, bytes, model.Note]] = {}
        self._by_digest: dict[bytes, model.Note] | None = None
        self._used: set[str] = set()
        self._dirty = False
        self.loaded = 0
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            with open(self.file, "rb") as fh:
                if fh.read(len(_MAGIC)) != _MAGIC:
                    return
                entries = _SafeUnpickler(io.BufferedReader(fh)).load()
        except FileNotFoundError:
            return
        except Exception:  # corrupt, truncated or foreign: ignore and rebuild
            self._dirty = True
            return
        if isinstance(entries, dict):
            self._entries = entries
            self.loaded = len(entries)

    def get(self, path: str, key: StatKey) -> model.Note | None:
        """The cached note when the file's stat is unchanged."""
        entry = self._entries.get(path)
        if entry is not None and entry[0] == key:
            self._used.add(path)
            return entry[2]
        return None

    def get_by_content(self, path: str, key: StatKey, content_digest: bytes) -> model.Note | None:
        """A cached note with the same content (touched, renamed or moved), re-pathed."""
        if self._by_digest is None:
            self._by_digest = {d: note for _, d, note in self._entries.values()}
        note = self._by_digest.get(content_digest)
        if note is None:
            return None
        if note.path != path:
            note = replace(note, path=path)
        self.put(path, key, content_digest, note)
        return note

    def put(self, path: str, key: StatKey, content_digest: bytes, note: model.Note) -> None:
        self._entries[path] = (key, content_digest, note)
        self._used.add(path)
        self._dirty = True

    def save(self) -> None:
        """Write the cache (dropping notes that no longer exist) atomically."""
        if not self.enabled:
            return
        stale = set(self._entries) - self._used
        if stale:
            for path in stale:
                del self._entries[path]
            self._dirty = True
        if not self._dirty:
            return
        try:
            self.dir.mkdir(exist_ok=True)
            for name, content in (
                (".gitignore", "# created by vaultlint\n*\n"),
                ("CACHEDIR.TAG", _TAG),
            ):
                marker = self.dir / name
                if not marker.exists():
                    marker.write_text(content, encoding="utf-8")
            fd, tmp = tempfile.mkstemp(prefix=".notes-", suffix=".tmp", dir=self.dir)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(_MAGIC)
                    pickle.dump(self._entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.file)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            return  # a read-only vault simply runs without a cache
        self._dirty = False
