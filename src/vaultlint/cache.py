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

import contextlib
import hashlib
import io
import os
import pickle
import tempfile
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


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a vaultlint cache")


def _read_pickle(path: Path) -> Any:
    """A cache file's content, or None when it is missing, torn, foreign or corrupt."""
    try:
        with open(path, "rb") as fh:
            if fh.read(len(_MAGIC)) != _MAGIC:
                return None
            return _SafeUnpickler(io.BufferedReader(fh)).load()
    except FileNotFoundError:
        return None
    except Exception:  # corrupt, truncated or foreign: ignore it, it is rebuilt
        return None


def _write_pickle(folder: Path, target: Path, data: Any) -> None:
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
                fh.write(_MAGIC)
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return  # a read-only vault simply runs without a cache


class ParseCache:
    """Cached parses of one vault's notes, in two files.

    ``summaries``: per path, (stat, content digest, :class:`~vaultlint.model.NoteSummary`) —
    small, always loaded: it is all the index needs. ``notes``: per content digest, the packed
    note (:func:`vaultlint.model.pack_note`) — large, loaded only when many notes are to be
    checked; a run that checks a few notes re-reads and parses just those.
    """

    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        self.root = root
        self.enabled = enabled
        self.dir = root / CACHE_DIR
        tag = f"{__version__}-p{PARSER_VERSION}"
        self.summary_file = self.dir / f"summaries-{tag}.pickle"
        self.notes_file = self.dir / f"notes-{tag}.pickle"
        self._summaries: dict[str, tuple[StatKey, bytes, NoteSummary]] = {}
        self._by_digest: dict[bytes, NoteSummary] | None = None
        self._notes: dict[bytes, tuple] | None = None  # loaded on demand
        self._new_notes: dict[bytes, tuple] = {}
        self._used: set[str] = set()
        self._dirty = False
        if enabled:
            data = _read_pickle(self.summary_file)
            if isinstance(data, dict):
                self._summaries = data
            elif self.summary_file.exists():
                self._dirty = True  # unreadable: rewrite it

    def summary(self, path: str, key: StatKey) -> tuple[bytes, NoteSummary] | None:
        """(digest, summary) when the file's stat is unchanged since it was cached."""
        entry = self._summaries.get(path)
        if entry is not None and entry[0] == key:
            self._used.add(path)
            return entry[1], entry[2]
        return None

    def summary_by_content(self, path: str, key: StatKey, content: bytes) -> NoteSummary | None:
        """The summary of a note with this content (touched, renamed or moved), re-pathed."""
        if self._by_digest is None:
            self._by_digest = {d: s for _, d, s in self._summaries.values()}
        summary = self._by_digest.get(content)
        if summary is None:
            return None
        if summary.path != path:
            summary = summary._replace(path=path)
        self._summaries[path] = (key, content, summary)
        self._used.add(path)
        self._dirty = True
        return summary

    def packed(self, path: str, content: bytes) -> tuple | None:
        """The packed note with this content digest (loads the notes file on first use)."""
        if self._notes is None:
            data = _read_pickle(self.notes_file) if self.enabled else None
            self._notes = data if isinstance(data, dict) else {}
        packed = self._notes.get(content)
        if packed is not None and packed[0] != path:
            packed = (path, *packed[1:])
        return packed

    def put(
        self, path: str, key: StatKey, content: bytes, packed: tuple, summary: NoteSummary
    ) -> None:
        self._summaries[path] = (key, content, summary)
        self._new_notes[content] = packed
        self._used.add(path)
        self._dirty = True

    def save(self) -> None:
        """Write what changed (dropping notes that no longer exist), atomically."""
        if not self.enabled:
            return
        stale = set(self._summaries) - self._used
        for path in stale:
            del self._summaries[path]
        if stale or self._dirty:
            _write_pickle(self.dir, self.summary_file, self._summaries)
        if self._new_notes and (self._notes is not None or not self.notes_file.exists()):
            # only when the notes file was read (or there is none yet): a run that checked a
            # few notes does not pay for reading and rewriting every other note
            live = {d for _, d, _ in self._summaries.values()}
            notes = {d: p for d, p in (self._notes or {}).items() if d in live}
            notes.update((d, p) for d, p in self._new_notes.items() if d in live)
            _write_pickle(self.dir, self.notes_file, notes)
        self._dirty = False
        self._new_notes = {}


def run_fingerprint(root: Path, files: Any, config: Any) -> str:
    """What a run's findings depend on: vaultlint's version, the configuration, Obsidian's
    settings, and the stat of every file of the vault. Equal fingerprints, equal findings."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{__version__}\0{PARSER_VERSION}\0{config!r}\0".encode())
    extra = [root / ".obsidian" / n for n in ("app.json", "templates.json")]
    extra.append(root / ".obsidian" / "plugins" / "templater-obsidian" / "data.json")
    if getattr(config, "source", None):
        extra.append(Path(config.source))
    root_s = str(root)
    for path in (*files.notes, *files.others):
        try:
            key = stat_key(os.stat(os.path.join(root_s, path)))
        except OSError:
            key = (-1, -1, -1)
        h.update(f"{path}\0{key}\0".encode("utf-8", "surrogateescape"))
    for path in extra:
        try:
            key = stat_key(os.stat(path))
        except OSError:
            key = (-1, -1, -1)
        h.update(f"{path}\0{key}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


class ResultCache:
    """The findings of the last run, per note, with the fingerprint they are valid for."""

    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.dir = root / CACHE_DIR
        self.file = self.dir / f"results-{__version__}.pickle"

    def get(self, fingerprint: str, targets: list[str], want_missing: bool) -> Any:
        """(diagnostics, per-note missing links) for ``targets``, or None on a miss."""
        data = _read_pickle(self.file) if self.enabled else None
        if not isinstance(data, dict) or data.get("fingerprint") != fingerprint:
            return None
        notes = data.get("notes")
        if not isinstance(notes, dict) or not all(t in notes for t in targets):
            return None
        if want_missing and not all(notes[t][1] is not None for t in targets):
            return None
        diagnostics = [d for t in targets for d in notes[t][0]]
        diagnostics.sort()
        return diagnostics, {t: notes[t][1] or [] for t in targets}

    def put(self, fingerprint: str, targets: list[str], diagnostics: list, per_note: Any) -> None:
        if not self.enabled:
            return
        data = _read_pickle(self.file)
        if not isinstance(data, dict) or data.get("fingerprint") != fingerprint:
            data = {"fingerprint": fingerprint, "notes": {}}
        by_path: dict[str, list] = {t: [] for t in targets}
        for diag in diagnostics:
            by_path.setdefault(diag.path, []).append(diag)
        notes = data["notes"]
        for path, diags in by_path.items():
            missing = per_note.get(path, []) if per_note is not None else None
            notes[path] = (tuple(diags), missing)
        _write_pickle(self.dir, self.file, data)
