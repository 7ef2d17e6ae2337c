"""The configuration read back from the cache while its files are unchanged.

Reading ``.vaultlint.yaml`` means importing YAML, composing the config and its packs into
nodes and validating every rule through the option schema: tens of milliseconds that a run
checking one edited note (what pre-commit runs) spends before anything else. A scan that reads
the configuration keeps the resolved :class:`~vaultlint.config.resolved.Config` in the vault's
cache folder (:mod:`vaultlint.lint.cache`), in ``config.bin``, with

- the run key of the configuration file (:func:`vaultlint.lint.fingerprint.run_key` without
  ``--select``/``--ignore``: vaultlint's and the parser's versions, the file's path and bytes,
  or that there is none), and
- the digest of every other file the result depends on: the files the loader read (pack files
  named in ``extends``, the built-in packs: ``Config.files``) and the files the rules'
  validation reads (``Check.external_files`` of every rule, off ones too, since every rule is
  validated: ``.obsidian/types.json``, word lists).

A later scan with the same run key whose recorded files all have the same bytes uses it; a
configuration that does not load (a ``ConfigError``) is never kept, so its error is reported on
every run. The file is at most :data:`MAX_BYTES`, read and written alike: a configuration whose
kept form would be larger (packs of huge word lists inline) is not kept — and a file kept
before is removed, so that no run reads a stale one — and is read from its files every time.
``--select``/``--ignore`` are applied afterwards, as to a configuration read from the files.

The file is authenticated like the cache's rows: a keyed BLAKE2b MAC (the cache folder's key)
over the folder's name and the contents; a file whose MAC does not match, or of another shape,
is a miss. It is unpickled with an allow-list: the configuration's own classes and the
``Options`` dataclasses of vaultlint's checks. Only ``vaultlint scan`` uses it, and not with
``--no-cache``.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultlint.digest import blake2b, compare_digest

if TYPE_CHECKING:
    from vaultlint.config.resolved import Config
    from vaultlint.lint.cache import CacheFolder

FILE_NAME = "config.bin"
#: the largest kept file (its MAC included) a scan reads, and so the largest one written
MAX_BYTES = 1 << 22
_MAC_SIZE = 32
_PERSON = b"vaultlint-config"
#: the classes a kept configuration is made of, besides the checks' option dataclasses
_ALLOWED = {
    ("vaultlint.config.resolved", "Config"),
    ("vaultlint.config.ruleset", "Rule"),
    ("vaultlint.config.ruleset", "Where"),
}


class _Unpickler(pickle.Unpickler):
    """The configuration's classes and the checks' dataclasses (``vaultlint.checks.*``)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        if module.startswith("vaultlint.checks.") and "." not in module[17:]:
            import dataclasses

            found = super().find_class(module, name)
            if isinstance(found, type) and dataclasses.is_dataclass(found):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a kept configuration")


def _mac(folder: CacheFolder, body: bytes) -> bytes:
    mac = blake2b(key=folder.key, digest_size=_MAC_SIZE, person=_PERSON)
    mac.update(folder.path.name.encode("utf-8", "surrogateescape") + b"\0" + body)
    return mac.digest()


def _open_folder(root: Path, cache_dir: Any) -> CacheFolder | None:
    from vaultlint.lint.cache import open_cache

    return open_cache(root, cache_dir)


def kept_config(root: Path, path: Path | None, cache_dir: Any = None) -> Config | None:
    """The configuration kept for the file ``path`` (None: no config file) of the vault at
    ``root``, when its run key and every recorded file are unchanged; else None."""
    from vaultlint.lint.fingerprint import run_key, unchanged

    key = run_key(None if path is None else str(path), (), ())
    folder = _open_folder(root, cache_dir) if key is not None else None
    if folder is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(folder.path / FILE_NAME, flags | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_BYTES:  # never written so (keep_config): not ours, not read further
        return None
    body = data[_MAC_SIZE:]
    if not compare_digest(data[:_MAC_SIZE], _mac(folder, body)):
        return None
    try:
        kept = _Unpickler(io.BytesIO(body)).load()
    except Exception:  # a file of another shape or another version's classes: a miss
        return None
    if not (type(kept) is tuple and len(kept) == 3 and kept[0] == key):
        return None
    _, digests, config = kept
    from vaultlint.config.resolved import Config

    if type(config) is not Config or type(digests) is not tuple or not unchanged(digests):
        return None
    return config


def _stamp(root: Path, path: Path | None, config: Config) -> tuple[Any, tuple] | None:
    """(run key of the config file, digests of every other file ``config`` was made from) as
    they are now; None when the config file cannot be keyed."""
    from vaultlint.checks import REGISTRY
    from vaultlint.lint.fingerprint import file_digests, run_key

    key = run_key(None if path is None else str(path), (), ())
    if key is None:
        return None
    files = list(config.files)
    for rule in config.rules:
        checker = REGISTRY[rule.check]()
        files.extend(os.path.abspath(p) for p in checker.external_files(rule.options, root))
    return key, file_digests(dict.fromkeys(files))


def _body(folder: CacheFolder, kept: tuple) -> bytes | None:
    """``kept`` as the kept file holds it; None when it cannot be kept: an option value pickle
    cannot write, or larger than a scan reads (:data:`MAX_BYTES`): then the file kept before
    (another configuration's) is removed, so that no scan reads and refuses it again."""
    try:
        body = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an option value pickle cannot write: read the files next time
        return None
    if _MAC_SIZE + len(body) > MAX_BYTES:
        with contextlib.suppress(OSError):
            os.unlink(folder.path / FILE_NAME)
        return None
    return body


def keep_config(root: Path, path: Path | None, config: Config, cache_dir: Any = None) -> None:
    """Keep ``config``, just loaded from ``path`` (None: no config file), for the next scan
    (:func:`kept_config`); a cache that cannot be written is left as it is.

    The loader read its files before their bytes can be stamped here: a file saved in
    between would file the configuration of its old bytes under its new ones, for every later
    run. So the files are stamped, read again, and stamped again: what is kept is the second
    reading, and only when both stamps agree (nothing changed while it was read)."""
    stamp = _stamp(root, path, config)
    folder = _open_folder(root, cache_dir) if stamp is not None else None
    if folder is None:
        return
    # the first reading's size first: a configuration too large to keep is not read again
    # (the second reading's is checked too: the objects pickle shares may differ a little)
    if _body(folder, (*stamp, config)) is None:
        return
    from vaultlint.config.loader import load_config

    try:
        again = load_config(path, root)
    except Exception:  # it no longer loads (the file changed): nothing is kept
        return
    if _stamp(root, path, again) != stamp:
        return
    body = _body(folder, (*stamp, again))
    if body is None:
        return
    from vaultlint.lint.cache import temporary_path

    target = folder.path / FILE_NAME
    temporary = temporary_path(folder.path, FILE_NAME)  # pruned if a run dies before the rename
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(temporary, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_mac(folder, body) + body)
        os.replace(temporary, target)  # readers see the old file or the new one, whole
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
