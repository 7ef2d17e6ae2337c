"""Which files make up a vault, which of them are notes, and which notes are linted.

A vault is a folder as Obsidian opens it: hidden files and folders (a name starting with ``.``)
are not part of it, and neither are symbolic links to folders of the vault or to one of its
parents (Obsidian ignores those; following them would also loop). Every other file is a link
target; files ending in ``.md`` are notes.

Confinement: nothing outside the vault is read because of it. A symbolic link (to a file or a
folder) whose target is outside the vault — ``../.git/config``, ``/``, ``/proc``, ``/dev/zero``
— is not part of the vault and is never followed; the walk lists it in ``VaultFiles.outside``
and the engine reports it once (rule ``outside-vault``, severity ``info``). Symbolic links to a
file inside the vault are notes as before. Files are opened with :func:`open_in_vault`, which
checks again, when the file is opened, that it is a regular file inside the vault.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from vaultlint.globs import glob_match

CONFIG_NAMES = (".vaultlint.yaml", ".vaultlint.yml")


def is_note_name(name: str) -> bool:
    return name.lower().endswith(".md") and len(name) > 3


def is_vault_file_name(name: str) -> bool:
    """A canvas or a base: linted for their links and views, beside the notes."""
    lower = name.lower()
    return lower.endswith((".canvas", ".base")) and not lower.startswith(".")


def is_linted(path: str) -> bool:
    """Whether a vault file is linted as ``vaultlint scan`` lints it: a note, a canvas or a
    base (their links count for the other notes too); any other file is an attachment."""
    return is_note_name(path) or is_vault_file_name(path.rsplit("/", 1)[-1])


class VaultFiles:
    """The files of a vault (vault-relative POSIX paths) and what was left out, with reasons.

    Written out, not a dataclass (the same fields, ``__eq__`` and ``repr``): every run walks
    the vault, and a warm run imports nothing else that needs ``dataclasses``."""

    root: Path
    notes: list[str]
    others: list[str]
    skipped: list[tuple[str, str]]  # (path, why)
    #: symbolic links whose target is outside the vault (never followed)
    outside: list[str]
    #: (size, mtime_ns, inode) of every file, taken while walking (used by the caches)
    stats: dict[str, tuple[int, int, int]]

    def __init__(
        self,
        root: Path,
        notes: list[str] | None = None,
        others: list[str] | None = None,
        skipped: list[tuple[str, str]] | None = None,
        outside: list[str] | None = None,
        stats: dict[str, tuple[int, int, int]] | None = None,
    ) -> None:
        self.root = root
        self.notes = [] if notes is None else notes
        self.others = [] if others is None else others
        self.skipped = [] if skipped is None else skipped
        self.outside = [] if outside is None else outside
        self.stats = {} if stats is None else stats

    def _values(self) -> tuple:
        return (self.root, self.notes, self.others, self.skipped, self.outside, self.stats)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not VaultFiles:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        names = ("root", "notes", "others", "skipped", "outside", "stats")
        return f"VaultFiles({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"


def find_vault_root(paths: Sequence[str], vault: str | None, cwd: Path) -> Path:
    """The vault root (README "Commands"): ``--vault``, else the nearest folder above the first
    PATH (or the current directory) holding ``.vaultlint.yaml`` or ``.obsidian/``, else the first
    PATH when it is a folder, else the current directory."""
    if vault is not None:
        return (cwd / vault).resolve()
    start = (cwd / paths[0]).resolve() if paths else cwd.resolve()
    probe = start if start.is_dir() else start.parent
    for folder in (probe, *probe.parents):
        if (folder / ".obsidian").is_dir() or any((folder / n).is_file() for n in CONFIG_NAMES):
            return folder
    if paths and start.is_dir():
        return start
    return cwd.resolve()


def is_inside(real: str, root_real: str) -> bool:
    """Whether the resolved path ``real`` is the resolved vault root ``root_real`` or below it
    (``/`` as the root holds everything; ``"/" + os.sep`` would be ``//``)."""
    if real == root_real:
        return True
    return real.startswith(root_real.rstrip(os.sep) + os.sep)


#: folders are listed through a file descriptor where the platform can (``fstatat`` on a
#: name is about a third cheaper than ``stat`` on a whole path, for every note)
_SCANDIR_FD = os.scandir in os.supports_fd
_DIR_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_DIRECTORY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOFOLLOW", 0)  # a folder swapped for a link since it was listed: skipped
)


#: ``.md`` in any case (``str.endswith`` with a tuple: no ``lower()`` of every name)
_MD = (".md", ".MD", ".Md", ".mD")
_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def _special_reason(entry: os.DirEntry) -> str:
    """Why an entry named as a note is skipped: ``not a regular file (a FIFO)``."""
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    return _not_regular(mode)


def _special_path(path: Path) -> str | None:
    """``not a regular file (a FIFO)`` for a PATH that is no file (``stat``, never opened)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    return None if stat.S_ISREG(mode) else _not_regular(mode)


def _not_regular(mode: int) -> str:
    kind = next((what for test, what in _SPECIAL_KINDS if test(mode)), "not a file or a folder")
    return f"not a regular file ({kind})"


def walk_vault(root: Path) -> VaultFiles:
    """Every non-hidden file below ``root``. Symbolic links are never followed out of the
    vault (they are listed in ``outside``); links to a folder of the vault, or to one of its
    parents, are skipped, so that no folder is walked twice and no loop is walked at all.

    The stat of every note (not of the other files: only their names matter to the findings)
    is taken on the way. This runs on every scan, a warm one too, so it does as little as a
    bare ``os.scandir`` walk can: no sorting of entries (the lists are sorted once at the end;
    what is skipped is kept in walk order, folders in name order), no ``Path`` objects, one
    string test per name."""
    out = VaultFiles(root)
    notes, others, skipped, outside, stats = (
        out.notes,
        out.others,
        out.skipped,
        out.outside,
        out.stats,
    )
    root_s = str(root)
    root_real = os.path.realpath(root)
    stack: list[tuple[str, str]] = [(root_s, "")]
    while stack:
        folder, rel = stack.pop()
        prefix = rel + "/" if rel else ""
        subdirs: list[tuple[str, str]] = []
        here: list[tuple[str, str]] = []  # skipped in this folder, sorted before they are kept
        fd = -1
        try:
            if _SCANDIR_FD:
                fd = os.open(folder, _DIR_FLAGS)
            entries = os.scandir(fd if fd >= 0 else folder)
        except OSError as exc:
            if fd >= 0:
                os.close(fd)
            skipped.append((rel or ".", f"cannot list folder: {exc.strerror or exc}"))
            continue
        try:
            with entries:
                for entry in entries:
                    name = entry.name
                    if name[0] == ".":
                        continue
                    path = prefix + name
                    try:
                        if entry.is_file(follow_symlinks=False):  # the common case: one test
                            pass
                        elif entry.is_dir(follow_symlinks=False):
                            subdirs.append((f"{folder}/{name}", path))
                            continue
                        elif entry.is_symlink():  # rare: the checks a link needs
                            real = os.path.realpath(f"{folder}/{name}")
                            if not is_inside(real, root_real):
                                if os.path.lexists(real):
                                    outside.append(path)
                                else:
                                    here.append((path, "dangling symbolic link"))
                                continue
                            if entry.is_dir():
                                here.append((path, "symbolic link into the vault or a loop"))
                                continue
                            if not entry.is_file():
                                here.append((path, "dangling symbolic link"))
                                continue
                        else:  # a FIFO, a socket, a device: never opened (a FIFO blocks)
                            if is_linted(name):  # named as a note: skipped with a reason
                                here.append((path, _special_reason(entry)))
                            continue
                    except OSError as exc:
                        here.append((path, f"cannot read: {exc.strerror or exc}"))
                        continue
                    if name.endswith(_MD) and len(name) > 3:
                        notes.append(path)
                    elif name.lower().endswith((".canvas", ".base")):
                        notes.append(path)  # canvases and bases are linted beside the notes
                    else:
                        others.append(path)
                        continue
                    try:
                        st = entry.stat()
                        # lint/cache.py stat_key: the later of mtime and ctime (compared here,
                        # not with max(): a call a note is 6-10 % of this walk)
                        mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
                        stats[path] = (st.st_size, mtime if mtime > ctime else ctime, st.st_ino)
                    except OSError:
                        pass
        finally:
            if fd >= 0:
                os.close(fd)
        if here:
            here.sort()
            skipped.extend(here)
        if subdirs:
            subdirs.sort(reverse=True)  # popped in name order
            stack.extend(subdirs)
    notes.sort()
    others.sort()
    outside.sort()
    return out


class OutsideVault(OSError):
    """A file of the vault turned out to be a link out of it, or not a regular file."""


def open_in_vault(root: str | Path, rel: str, *, walked: bool = False) -> int:
    """A read-only file descriptor on the vault file ``rel``, opened only when it is a regular
    file inside the vault: a symbolic link leaving the vault raises :class:`OutsideVault`, and
    so does a FIFO or a device (opened without blocking, then checked).

    ``walked``: ``rel`` was listed by :func:`walk_vault`, whose folders are real folders of the
    vault, so only the file itself can be a link (checked when it is one, or was made one
    since); otherwise the whole path is resolved and checked first."""
    full = os.path.join(root, rel)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    fd = -1
    if walked and nofollow:
        try:
            fd = os.open(full, flags | nofollow)  # the common case: not a symbolic link
        except OSError:
            if not os.path.islink(full):
                raise
    if fd < 0:
        real = os.path.realpath(full)
        if not is_inside(real, os.path.realpath(root)):
            raise OutsideVault(f"{rel}: leads outside the vault")
        fd = os.open(real, flags | nofollow)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OutsideVault(f"{rel}: not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_in_vault(
    root: str | Path, rel: str, limit: int | None = None, *, walked: bool = False
) -> bytes:
    """The bytes of the vault file ``rel`` (see :func:`open_in_vault`); with ``limit``, a file
    longer than that raises :class:`OutsideVault` without being read."""
    fd = open_in_vault(root, rel, walked=walked)
    with os.fdopen(fd, "rb", buffering=0) as fh:
        if limit is not None and os.fstat(fd).st_size > limit:
            raise OutsideVault(f"larger than {limit} bytes")
        data = fh.readall()
    if limit is not None and len(data) > limit:
        raise OutsideVault(f"larger than {limit} bytes")
    return data


class ObsidianExcludes(NamedTuple):
    """What Obsidian's own settings keep out of the vault's content."""

    templates: tuple[str, ...] = ()  # template folders (core Templates and Templater)
    filters: tuple[str, ...] = ()  # "Excluded files" (userIgnoreFilters)

    def reason(self, path: str) -> str | None:
        for folder in self.templates:
            if path.startswith(folder + "/"):
                return f"in the templates folder '{folder}'"
        for flt in self.filters:
            if len(flt) > 2 and flt.startswith("/") and flt.endswith("/"):
                try:
                    if re.search(flt[1:-1], path):
                        return f"matches the excluded-files pattern {flt}"
                except re.error:
                    continue
            else:
                prefix = flt.strip("/")
                if prefix and (path == prefix or path.startswith(prefix + "/")):
                    return f"in excluded files ('{flt}')"
        return None


#: Obsidian's settings files are small: a larger one is not read
_SETTINGS_LIMIT = 1 << 20


def _read_json(root: Path, path: Path) -> dict | None:
    try:
        raw = read_in_vault(root, path.relative_to(root).as_posix(), _SETTINGS_LIMIT)
    except OSError:
        return None
    import json  # here: most settings files do not exist, and a run may read none

    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def obsidian_excludes(root: Path) -> ObsidianExcludes:
    """Read ``.obsidian/templates.json``, Templater's settings and ``app.json``."""
    config = root / ".obsidian"
    templates: list[str] = []
    for path, key in (
        (config / "templates.json", "folder"),
        (config / "plugins" / "templater-obsidian" / "data.json", "templates_folder"),
    ):
        data = _read_json(root, path)
        if data and isinstance(data.get(key), str) and data[key].strip("/ "):
            templates.append(data[key].strip("/ "))
    app = _read_json(root, config / "app.json") or {}
    filters = app.get("userIgnoreFilters") or []
    if not isinstance(filters, list):
        filters = []
    return ObsidianExcludes(
        tuple(dict.fromkeys(templates)), tuple(f for f in filters if isinstance(f, str) and f)
    )


def excluded_reason(
    path: str, exclude: tuple[str, ...], obsidian: ObsidianExcludes | None
) -> str | None:
    """Why a note is not linted, or None when it is."""
    if exclude and glob_match(exclude, path):
        return "excluded by the configuration"
    if obsidian is not None:
        return obsidian.reason(path)
    return None


def _as_reason(why: str) -> str:
    """``in the templates folder 'T'`` / ``excluded by …`` / ``matches …`` → after "skipped, "."""
    return why if why.startswith(("in ", "excluded")) else f"it {why}"


def select_targets(
    paths: Iterable[str],
    root: Path,
    cwd: Path,
    notes: Sequence[str],
    excluded: Mapping[str, str] | None = None,
) -> tuple[list[str], list[str]]:
    """The notes named by command-line PATHs, and warnings for PATHs that are skipped.

    ``excluded`` maps the notes that are not linted to why (the config's ``exclude``, Obsidian's
    templates folder and excluded files): a note named by a PATH that is excluded, or a folder
    whose notes all are, is skipped with that reason; excluded notes inside a folder named by a
    PATH are left out quietly, as in a whole-vault scan."""
    note_set = set(notes)
    excluded = excluded or {}
    chosen: list[str] = []
    warnings: list[str] = []
    for raw in paths:
        full = Path(os.path.abspath(cwd / raw))
        try:
            rel = full.relative_to(root).as_posix()
        except ValueError:
            try:
                rel = full.resolve().relative_to(root.resolve()).as_posix()
            except (ValueError, OSError):
                warnings.append(f"{raw}: skipped, not inside the vault {root}")
                continue
        if rel == ".":
            chosen.extend(notes)
            continue
        if full.is_dir():
            prefix = rel + "/"
            inside = [n for n in notes if n.startswith(prefix)]
            kept = [n for n in inside if n not in excluded]
            if inside and not kept:
                why = excluded[inside[0]]
                warnings.append(f"{raw}: skipped, all its notes are excluded ({why})")
            chosen.extend(kept)
        elif rel in excluded:
            warnings.append(f"{raw}: skipped, {_as_reason(excluded[rel])}")
        elif rel in note_set:
            chosen.append(rel)
        elif not full.exists():
            why = "dangling symbolic link" if full.is_symlink() else "no such file"
            warnings.append(f"{raw}: skipped, {why}")
        elif not is_note_name(full.name):
            warnings.append(f"{raw}: skipped, not a note (only .md files are linted)")
        elif (special := _special_path(full)) is not None:
            warnings.append(f"{raw}: skipped, {special}")  # a FIFO: never opened
        else:
            warnings.append(f"{raw}: skipped, hidden or not part of the vault")
    return list(dict.fromkeys(chosen)), warnings
