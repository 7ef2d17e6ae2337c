"""Reading files a configuration names (pack files, ``allowed_file``) without trusting it.

In CI the config comes from the pull request, so a file it names is read only when it is a
regular file, no larger than :data:`MAX_BYTES`, and (for files named *by the config*) resolves,
symbolic links followed, inside one of the allowed folders (the vault, the config's folder).
Anything else is an :class:`UnsafeFile` whose message quotes nothing of the file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path

#: the largest config, pack or word-list file read
MAX_BYTES = 1 << 20


class UnsafeFile(OSError):
    """A file that is not read: ``strerror`` says why (nothing of its content)."""


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    for root in roots:
        try:
            real_root = root.resolve()
        except (OSError, RuntimeError):
            continue
        if path == real_root or real_root in path.parents:
            return True
    return False


def read_bytes(path: Path, roots: Sequence[Path] | None = None, cap: int = MAX_BYTES) -> bytes:
    """The bytes of ``path``; with ``roots``, only when it resolves inside one of them.

    Raises FileNotFoundError, :class:`UnsafeFile` or another OSError.
    """
    try:
        real = path.resolve(strict=True)
    except RuntimeError:  # a symbolic link loop
        raise UnsafeFile(errno.ELOOP, "a symbolic link loop") from None
    if roots is not None and not _inside(real, roots):
        raise UnsafeFile(errno.EACCES, "outside the vault and the configuration's folder")
    fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(errno.EINVAL, "not a regular file")
        if info.st_size > cap:
            raise UnsafeFile(errno.EFBIG, f"larger than {cap} bytes")
        data = os.read(fd, cap + 1)
        if len(data) > cap:
            raise UnsafeFile(errno.EFBIG, f"larger than {cap} bytes")
        return data
    finally:
        os.close(fd)
