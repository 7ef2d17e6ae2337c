"""Caches, outside the vault: in the user's cache folder, one folder per vault.

Where: ``--cache-dir DIR``, else ``$VAULTLINT_CACHE_DIR``, else the user's cache folder
(``platformdirs``: ``~/.cache/vaultlint`` on Linux, ``~/Library/Caches/vaultlint`` on macOS,
``%LOCALAPPDATA%\\vaultlint\\Cache`` on Windows). Below it, ``vaults/NAME-HASH/`` holds one
vault's state, HASH being a digest of the vault's resolved path; nothing is ever written in the
vault, so a cache committed to a repository (``.vaultlint_cache/`` of older versions) is
never read.

What: one SQLite database per vault (``state-VERSION-pPARSER-kN.sqlite``, see
:mod:`vaultlint.lint.store`) with one row per note — its stat, content digest, summary (all the
vault index needs), dependency keys (:mod:`vaultlint.lint.depends`) and, only when it has any,
its findings and unresolved links, valid for one check context (the run key and the digests
of the files the findings depend on: :mod:`vaultlint.lint.fingerprint`); and the facts the
warm path needs (:mod:`vaultlint.lint.warm`).
A run updates the rows of the notes that changed and of the notes their change can affect;
it never rewrites the others. Parsed notes are not cached: a note checked again is read and
parsed again, which costs less than storing every parsed note (1.6× the vault).

Rows cannot be planted: each carries a keyed BLAKE2b MAC over the vault's cache folder name,
the note's path and every column, with a key made on first use with :mod:`secrets` and kept in
``DIR/key`` (mode 0600). A row whose MAC does not match — copied from another machine,
another vault or another path, edited — is ignored, as if the note had never been seen. A key
that is not a regular file of the current user, readable by nobody else, disables the cache.
Authenticated blobs are still unpickled with an unpickler that admits no class at all
(:class:`SafeUnpickler`), and a value of the wrong shape is a cache miss, never an error.

A note is matched on its ``stat`` (size, modification time, inode), so that an unchanged note is
never read again, and else on a digest of its content, so that the summary of a note touched,
renamed or moved without changing is not computed again. Like ruff's and mypy's, the cache
trusts the stat: an edit that keeps a file's size, modification time and inode (restored with
``touch -d``) is not seen; ``--no-cache`` is the way out. The database's name carries
vaultlint's version and the parser version, so another version's state is simply not used.

Several vaultlint processes may run at once (pre-commit may start several): SQLite's WAL mode
and one write transaction per run, made only when nobody wrote since the run read its
snapshot, mean that nobody reads a torn state and no result is stored against a state it was
not computed from (:mod:`vaultlint.lint.store`).

Stale state is removed (:func:`prune_stale`) when a run creates the current database (the
first run after an upgrade, or the first ever): in that vault's folder, the state databases of
older versions (their ``-wal``, ``-shm`` and ``-journal`` files too) and the pickles of
vaultlint 0.1. A database of a *newer* version (by its name's version, parser version and
store number) is kept, so that two versions used in turn on one vault (pre-commit pinned at
one, the editor at another) do not remove each other's state on every run. Nothing else is
removed: a name of no known pattern, a folder, a symbolic link stay. It is best effort: an
error (a file in use on Windows, a permission) leaves that file and never fails the run. An
older vaultlint still using a database removed here keeps working on POSIX (the open files
live on until it closes them; SQLite drops a WAL file left beside a database file that is
gone or empty), it only stores its results where no later run reads them.

Files written whole (``config.bin``) are written under a temporary name and renamed into
place (:func:`temporary_path`); a run that dies in between leaves the temporary, so opening
the folder removes the temporaries older than ten minutes (:func:`prune_temporaries`; a
younger one may be another run's, still being written).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import stat
import sys
from pathlib import Path
from typing import Any, NamedTuple

from vaultlint.digest import blake2b
from vaultlint.lazyre import LazyPattern

#: the environment variable that moves the cache (as ``--cache-dir`` does)
CACHE_ENV = "VAULTLINT_CACHE_DIR"
_KEY_SIZE = 32
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by vaultlint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
#: the classes a cache pickle may name: none since the state's summaries and results are
#: marshalled plain values (state k9); the pickled meta values are plain tuples
_ALLOWED: frozenset[tuple[str, str]] = frozenset()


#: (size, time, inode) of a file: the time is the later of its modification time and its
#: status-change time (ctime), so that a write that sets the modification time back
#: (``os.utime``, ``cp -p`` or ``rsync -t --inplace`` onto the same file, keeping its size) is
#: seen; ctime cannot be set back. On Windows ``st_ctime_ns`` is the creation time, no later
#: than the modification time: the time is the modification time there. (The walk computes the
#: same key inline: vault/discovery.py.)
StatKey = tuple[int, int, int]
#: the stat of a note that was not read (unreadable, too large, a parser failure)
NO_STAT: StatKey = (0, 0, 0)


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, max(st.st_mtime_ns, st.st_ctime_ns), st.st_ino)


def digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


class SafeUnpickler(pickle.Unpickler):
    """Unpickles plain values (tuples, strings, numbers, bytes…), no class at all."""

    def find_class(self, module: str, name: str) -> Any:
        found = _FOUND.get((module, name))
        if found is not None:
            return found
        if (module, name) in _ALLOWED:
            found = _FOUND[module, name] = super().find_class(module, name)
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a vaultlint cache")


#: the allowed classes found already (a run unpickles thousands of findings)
_FOUND: dict[tuple[str, str], Any] = {}


# --- stale state ---------------------------------------------------------------------------

# (the patterns of stale files are compiled on first use: few runs look for any)

#: a state database's name (``lint/store.py``'s ``DB_NAME``; before the store number, none)
_STATE = LazyPattern(
    r"state-(?P<version>[0-9][0-9A-Za-z.+!]*)-p(?P<parser>[0-9]+)(?:-k(?P<k>[0-9]+))?"
)
#: the files vaultlint 0.1 kept (whole-vault pickles) and its temporary files
_PICKLES_01 = LazyPattern(
    r"notes-[0-9][0-9A-Za-z.+!]*-p[0-9]+-[0-9]+\.pickle|summaries-[0-9][0-9A-Za-z.+!]*-p[0-9]+\.pickle"
    r"|results-[0-9][0-9A-Za-z.+!]*\.pickle|run-facts\.pickle|\.tmp-[0-9a-z_]{8}\.pickle"
)
_STATE_SUFFIXES = ("", "-wal", "-shm", "-journal")
#: a version as PEP 440 writes it, normalized: release, pre-release, post-release, development
_VERSION = LazyPattern(
    r"(?P<release>[0-9]+(?:\.[0-9]+)*)(?:(?P<pre>a|b|rc)(?P<pre_n>[0-9]+))?"
    r"(?:\.post(?P<post>[0-9]+))?(?:\.dev(?P<dev>[0-9]+))?(?:\+[0-9a-z.]+)?"
)


def _version_key(text: str) -> tuple | None:
    """A key that orders versions as PEP 440 does (local labels aside); None: not one."""
    found = _VERSION.fullmatch(text)
    if found is None:
        return None
    release = [int(part) for part in found["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()  # 1.0 is 1.0.0
    if found["pre"]:
        pre = (("a", "b", "rc").index(found["pre"]), int(found["pre_n"]))
    elif found["dev"] and not found["post"]:
        pre = (-1, 0)  # 1.0.dev1 comes before 1.0a1
    else:
        pre = (3, 0)  # the release itself
    post = int(found["post"]) if found["post"] else -1
    dev = int(found["dev"]) if found["dev"] else float("inf")
    return (tuple(release), pre, post, dev)


def _state_key(stem: str) -> tuple | None:
    """(version, parser version, store number) of a state database's name (without its
    ``.sqlite``), in an order to compare; None: not a name a vaultlint gives."""
    found = _STATE.fullmatch(stem)
    version = None if found is None else _version_key(found["version"])
    if found is None or version is None:
        return None
    return (version, int(found["parser"]), int(found["k"] or 0))


def stale_files(names: list[str], current: str) -> list[str]:
    """Of the file ``names`` in a vault's cache folder, those that are vaultlint's stale
    state while ``current`` is the state database in use (see the module docstring): every
    ``state-*.sqlite`` (and its ``-wal``, ``-shm``, ``-journal``) but ``current`` and those of
    a newer vaultlint, and vaultlint 0.1's pickles; sorted."""
    ours = _state_key(current.removesuffix(".sqlite"))
    found = []
    for name in names:
        if _PICKLES_01.fullmatch(name):
            found.append(name)
            continue
        base = next((name[: -len(s)] for s in _STATE_SUFFIXES[1:] if name.endswith(s)), name)
        if not (base.startswith("state-") and base.endswith(".sqlite")) or base == current:
            continue
        theirs = _state_key(base.removesuffix(".sqlite"))
        if ours is None or theirs is None or theirs < ours:
            found.append(name)
    return sorted(found)


#: a temporary written beside a file and renamed over it (:func:`temporary_path`)
_TEMPORARY = re.compile(r"\.[a-z][a-z.]*-[0-9a-f]{16}")
#: a temporary older than this was left by a run that died before renaming it
TEMPORARY_AGE = 10 * 60


def temporary_path(folder: Path, name: str) -> Path:
    """A fresh name in ``folder`` to write ``name`` under before renaming it into place
    (``.config.bin-<16 hex digits>``); a run that dies in between leaves it, and a later run
    that opens the folder removes it (:func:`prune_temporaries`)."""
    import secrets  # only when a file is written

    return folder / f".{name}-{secrets.token_hex(8)}"


def prune_temporaries(folder: Path, now: float | None = None) -> list[str]:
    """Remove from the vault's cache folder ``folder`` the temporaries (:func:`temporary_path`)
    older than :data:`TEMPORARY_AGE` (by modification time): a younger one may be another
    run's, still being written. Best effort, as :func:`prune_stale`: regular files only,
    links never followed nor removed. Returns the names removed."""
    import time

    limit = (time.time() if now is None else now) - TEMPORARY_AGE
    removed = []
    try:
        with os.scandir(folder) as entries:
            names = [e.name for e in entries if e.name[0] == "." and _TEMPORARY.fullmatch(e.name)]
    except OSError:
        return []
    for name in sorted(names):
        try:
            st = os.lstat(folder / name)
            if not stat.S_ISREG(st.st_mode) or st.st_mtime > limit:
                continue
            os.unlink(folder / name)
        except OSError:
            continue
        removed.append(name)
    return removed


def prune_stale(folder: Path, current: str) -> list[str]:
    """Remove the stale state of the cache folder ``folder`` (:func:`stale_files`), whose
    state database is now ``current``; best effort: what cannot be listed or removed stays,
    silently. Symbolic links are never followed nor removed. Returns the names removed."""
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries if not entry.is_symlink()]
    except OSError:
        return []
    removed = []
    for name in stale_files(names, current):
        try:
            if stat.S_ISLNK(os.lstat(folder / name).st_mode):
                continue  # made a link since it was listed
            os.unlink(folder / name)  # a folder named like one is an error, and stays
        except OSError:
            continue
        removed.append(name)
    return removed


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
    key = blake2b(real.encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", os.path.basename(real))[:40].strip("._") or "vault"
    return f"{name}-{key}"


class CacheFolder(NamedTuple):
    """One vault's cache folder and the key that authenticates its files."""

    path: Path
    key: bytes


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
    opened = _open(root, base)
    return opened if isinstance(opened, CacheFolder) else None  # a read-only home: no cache


def cache_problem(root: Path, override: str | os.PathLike[str] | None = None) -> str | None:
    """Why the cache folder of the vault at ``root`` cannot be made or used (``not a folder``,
    ``cannot create it: Permission denied``), or None when it can (it is then made, as
    :func:`open_cache` makes it). The CLI asks it when the folder was chosen (``--cache-dir``,
    ``$VAULTLINT_CACHE_DIR``), where a run without a cache must not be silent."""
    opened = _open(root, cache_root(override))
    return None if isinstance(opened, CacheFolder) else opened


def _open(root: Path, base: Path) -> CacheFolder | str:
    """The vault's cache folder below ``base`` (made), or why it cannot be."""
    try:
        if os.path.lexists(base) and not base.is_dir():
            return "not a folder"
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        markers = ((".gitignore", "# created by vaultlint\n*\n"), ("CACHEDIR.TAG", _TAG))
        for name, content in markers:
            with contextlib.suppress(FileExistsError):
                _create_exclusive(base / name, content.encode(), 0o644)
        key = _load_key(base)
        if key is None:
            return "its key file ('key') cannot be made, or is not a private file of this user"
        folder = base / "vaults" / vault_folder_name(root)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        prune_temporaries(folder)  # one listing of a few names: microseconds
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(base) else ""
        return f"cannot be made or written: {exc.strerror or exc}{where}"
    return CacheFolder(folder, key)


# --- what `vaultlint cache` shows and clears -------------------------------------------------


class FolderSize(NamedTuple):
    """What a cache folder holds: its files (at any depth, links counted, never followed) and
    their bytes."""

    files: int
    size: int


def folder_size(folder: Path) -> FolderSize | None:
    """The files and bytes below ``folder``; None when it is not a folder (a link is not)."""
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return None
    except OSError:
        return None
    files = size = 0
    for parent, _dirs, names in os.walk(folder):  # os.walk follows no link to a folder
        for name in names:
            with contextlib.suppress(OSError):
                size += os.lstat(os.path.join(parent, name)).st_size
                files += 1
    return FolderSize(files, size)


def is_vaultlint_cache(base: Path) -> bool:
    """Whether ``base`` is laid out as vaultlint makes a cache root: its ``CACHEDIR.TAG`` is
    vaultlint's, a regular file, and ``vaults/`` a folder (not links)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(base / "CACHEDIR.TAG", flags | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            tag = fh.read(len(_TAG) + 1) if stat.S_ISREG(os.fstat(fh.fileno()).st_mode) else b""
        return tag == _TAG.encode() and stat.S_ISDIR(os.lstat(base / "vaults").st_mode)
    except OSError:
        return False


def clear_folder(folder: Path) -> str | None:
    """Remove the vault cache folder ``folder`` and everything in it (links are removed, never
    followed); None when done, else what could not be removed and why."""
    import shutil

    failed: list[str] = []

    def note(_func: Any, path: str, exc: BaseException) -> None:
        failed.append(f"{path}: {getattr(exc, 'strerror', None) or exc}")

    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=note)
    else:  # onerror, deprecated since 3.12, is how 3.11 reports
        shutil.rmtree(folder, onerror=lambda func, path, info: note(func, path, info[1]))
    return failed[0] if failed else None
