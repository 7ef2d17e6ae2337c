"""Reading and writing a note inside the vault, in place, for ``--fix``.

The note is opened from the vault root one folder at a time (``openat`` with ``O_NOFOLLOW``),
so no symbolic link is followed on any part of its path (a link is :class:`NotFixable`), and it
must be a regular file. :func:`write_note` checks that the bytes are still those the plan was
made from (an editor that saved the note meanwhile wins), reserves the space first
(``posix_fallocate``: a full disk fails before anything changes), writes the new bytes over
the old ones from the first byte that differs (same inode, owner, mode and hard links), cuts
the file to the new length, and puts the old bytes back when a write fails. SIGINT, SIGTERM
and SIGHUP are held while one note is written.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class NotFixable(Exception):
    """A note that fixes are not applied to; the message says why."""


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


@contextmanager
def _open_note(root: Path, path: str, flags: int) -> Iterator[int]:
    """An fd on the vault file ``path`` (vault-relative, ``/``-separated), reached from the
    vault root without following a symbolic link on any part of the path; it must be a
    regular file. Raises :class:`NotFixable` (a link, not a regular file) or ``OSError``."""
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise NotFixable(f"not fixed: {path!r} is not a path inside the vault")
    if os.open not in os.supports_dir_fd or not _NOFOLLOW:  # pragma: no cover - Windows
        fd = _open_by_checks(root, parts, flags)
    else:
        fd = _open_by_dir_fds(root, parts, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotFixable("not fixed: not a regular file")
        yield fd
    finally:
        os.close(fd)


def _open_by_dir_fds(root: Path, parts: list[str], flags: int) -> int:
    fd = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            mode = (flags | _NONBLOCK) if last else (os.O_RDONLY | _DIRECTORY)
            try:
                nfd = os.open(part, mode | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.EMLINK) or (
                    exc.errno == errno.ENOTDIR and _is_link(fd, part)
                ):
                    raise _link_skip(parts, i) from None
                raise
            os.close(fd)
            fd = nfd
        return fd
    except BaseException:
        os.close(fd)
        raise


def _is_link(dir_fd: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _link_skip(parts: list[str], i: int) -> NotFixable:
    if i == len(parts) - 1:
        return NotFixable("not fixed: the note is a symbolic link (only regular files are fixed)")
    folder = "/".join(parts[: i + 1])
    return NotFixable(f"not fixed: its folder {folder!r} is a symbolic link")


def _open_by_checks(root: Path, parts: list[str], flags: int) -> int:  # pragma: no cover
    """Where ``dir_fd`` is not available (Windows): check each part, then open."""
    current = root
    for i, part in enumerate(parts):
        current = current / part
        if current.is_symlink():
            raise _link_skip(parts, i)
    return os.open(current, flags | _BINARY)


def read_note(root: Path, path: str) -> bytes:
    """The bytes of a vault note, read without following symbolic links (see :func:`_open_note`)."""
    with _open_note(root, path, os.O_RDONLY) as fd:
        return _read_all(fd)


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def write_note(root: Path, path: str, before: bytes, after: bytes) -> None:
    """Replace the note's bytes ``before`` by ``after``, in place (see the module docstring).

    Raises :class:`NotFixable` when the note is a link, not a regular file or no longer holds
    ``before``; ``OSError`` when it cannot be written (its bytes are then put back).
    """
    with _open_note(root, path, os.O_RDWR) as fd:
        if _read_all(fd) != before:
            raise NotFixable(
                "not fixed: the note changed since it was scanned (saved by an editor?); "
                "run vaultlint again"
            )
        with _signals_held():
            _overwrite(fd, before, after)


def _overwrite(fd: int, before: bytes, after: bytes) -> None:
    start = _common_prefix(before, after)
    try:
        if len(after) > len(before) and hasattr(os, "posix_fallocate"):
            try:
                os.posix_fallocate(fd, 0, len(after))  # a full disk fails here, before any change
            except OSError as exc:
                if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                    raise
        _pwrite_all(fd, after[start:], start)
        os.ftruncate(fd, len(after))
    except OSError:
        try:  # put the old bytes back (they fit: the file held them a moment ago)
            _pwrite_all(fd, before[start:], start)
            os.ftruncate(fd, len(before))
        except OSError:
            pass
        raise


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    os.lseek(fd, offset, os.SEEK_SET)
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:  # pragma: no cover - a write that makes no progress
            raise OSError(errno.EIO, "short write")
        view = view[n:]


def _common_prefix(a: bytes, b: bytes) -> int:
    limit = min(len(a), len(b))
    lo, hi = 0, limit
    while lo < hi:  # binary search on equal prefixes: fast in C
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


_HELD = tuple(
    s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None
)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM/SIGHUP while one note is written (delivered right after)."""
    import threading

    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
        threading.main_thread()
    ):  # pragma: no cover - Windows, or a caller's thread
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
