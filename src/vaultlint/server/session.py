"""A vault as the editor server sees it: the notes on disk, overlaid by the open documents.

The server indexes the vault once when it starts (the summaries of the batch runner's cache
where they are still valid, the rest parsed) and then keeps the index current from file events
and from the text of open documents, which counts before the file on disk: a heading typed
but not saved in one note resolves links from the others.

This module is the server's only way into the lint core (config, parsing, index, rules): the
rest of ``vaultlint.server`` speaks LSP and never touches the engine. It reads the vault and
its cache and never writes a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vaultlint.config import Config, ConfigError, find_config, load_config
from vaultlint.diagnostic import Diagnostic
from vaultlint.lint.batch import read_and_parse, stored_summaries
from vaultlint.lint.cache import open_cache
from vaultlint.lint.linter import Linter
from vaultlint.model import Note, NoteSummary
from vaultlint.server.documents import document_note, not_utf8
from vaultlint.vault.discovery import (
    excluded_reason,
    find_vault_root,
    is_linted,
    obsidian_excludes,
    walk_vault,
)
from vaultlint.vault.index import VaultIndex, summarize

#: Obsidian's settings that change what vaultlint lints or how (not workspace.json and the
#: like, which Obsidian rewrites all the time)
OBSIDIAN_SETTINGS = frozenset(
    {
        ".obsidian/app.json",
        ".obsidian/templates.json",
        ".obsidian/types.json",
        ".obsidian/plugins/templater-obsidian/data.json",
    }
)


@dataclass(frozen=True)
class Change:
    """What an update did: whether the vault index changed (then every open note is checked
    again, since links into the changed note may now resolve or break)."""

    index_changed: bool


class VaultSession:
    """One vault: its config, the summaries of its notes, the open documents, the index.

    Paths are vault-relative with ``/``, as everywhere in vaultlint.
    """

    def __init__(self, root: Path, *, config_file: Path | None = None) -> None:
        self.root = root
        self._config_file = config_file
        self.config: Config  # set by reload_config()
        self.config_error: ConfigError | None = None
        self.config_path: Path | None = None
        self._disk: dict[str, NoteSummary] = {}  # notes on disk
        self._others: set[str] = set()  # other files of the vault (attachments, canvases…)
        self._open: dict[str, Note] = {}  # open documents, parsed from their unsaved text
        self._not_utf8: dict[str, Note] = {}  # the files of open documents that are not UTF-8
        self._excluded: dict[str, str] = {}
        self._index: VaultIndex | None = None
        self._linter: Linter | None = None
        self._stale_links: set[str] = set()  # notes whose typed links the index lacks
        self._obsidian = None
        self._inputs: frozenset[str] = frozenset()  # see _inputs_of
        self.reload_config()
        self._load_vault()

    @classmethod
    def for_folder(cls, folder: Path) -> VaultSession:
        """The vault a workspace folder belongs to, found as ``vaultlint scan`` finds it from
        the current directory: the nearest folder up holding ``.vaultlint.yaml`` or
        ``.obsidian/``, else the folder itself."""
        folder = folder.resolve()
        return cls(find_vault_root([], None, folder))

    # -- configuration --------------------------------------------------------------------
    def reload_config(self) -> bool:
        """Load the vault's config again; on an error keep the rules in force and remember the
        error (the server shows it). Returns whether the config loaded."""
        path = self._config_file or find_config(self.root)
        try:
            config = load_config(path, self.root)
        except ConfigError as exc:
            self.config_error = exc
            self.config_path = path
            if not hasattr(self, "config"):  # nothing in force yet: the built-in rules
                self.config = load_config(None, self.root)
                self._refresh_excluded()
            return False
        self.config, self.config_error, self.config_path = config, None, path
        self._linter = None
        self._inputs = self._inputs_of(config)
        self._refresh_excluded()
        return True

    def _inputs_of(self, config: Config) -> frozenset[str]:
        """The vault files a configuration was made from besides YAML files: what its rules
        read (a tags rule's ``allowed_file``), as the kept configuration stamps them."""
        from vaultlint.checks import REGISTRY

        found = set()
        for rule in config.rules:
            for full in REGISTRY[rule.check]().external_files(rule.options, self.root):
                rel = self.relative(Path(full), hidden=True)
                if rel is not None:
                    found.add(rel)
        return frozenset(found)

    def is_config_file(self, path: str) -> bool:
        """Whether a change to this vault file may change the configuration: the config, a
        YAML pack beside it, Obsidian's settings (templates folder, excluded files), a file a
        rule reads (``allowed_file``)."""
        return path.endswith((".yaml", ".yml")) or path in OBSIDIAN_SETTINGS or path in self._inputs

    def _refresh_excluded(self) -> None:
        self._obsidian = obsidian_excludes(self.root) if self.config.obsidian_excludes else None
        self._excluded = {}
        for path in (*self._disk, *self._open):
            self._exclude(path)
        self._index = None  # which notes count for tag spellings may have changed

    def _exclude(self, path: str) -> None:
        why = excluded_reason(path, self.config.exclude, self._obsidian)
        if why is not None:
            self._excluded[path] = why

    # -- the vault on disk ----------------------------------------------------------------
    def _load_vault(self) -> None:
        """Every note's summary: from the cache when the file's stat is unchanged, else parsed.
        The cache is only read (the server never writes a file)."""
        files = walk_vault(self.root)
        stored = stored_summaries(open_cache(self.root, create=False), files.notes, files.stats)
        root = str(self.root)
        for path in files.notes:
            hit = stored.get(path)
            if hit is not None:
                self._disk[path] = hit  # a plain tuple: the index reads it by position
            else:
                self._disk[path] = summarize(read_and_parse(root, path, False)[0])
        self._others = set(files.others)
        self._refresh_excluded()

    def file_changed(self, path: str) -> Change:
        """A file of the vault was created or changed on disk (a folder: every file below it,
        as editors send one event for a folder moved or copied in)."""
        if self._hidden(path):
            return Change(False)
        if (self.root / path).is_dir():
            return self.resync()
        if not is_linted(path):
            if path in self._others:
                return Change(False)
            self._others.add(path)
            if self._index is not None:
                self._index.add_file(path)
            return Change(True)
        full = self.root / path
        if not full.is_file():
            return self.file_deleted(path)
        note = read_and_parse(str(self.root), path, False)[0]
        summary = summarize(note)
        old = self._disk.get(path)
        self._disk[path] = summary
        if path in self._open:
            self._read_encoding(path)
            return Change(False)  # the open text counts, not the file
        if old is None:
            self._exclude(path)
        return self._update(path, summary, old)

    def file_deleted(self, path: str) -> Change:
        """A file of the vault was deleted (a folder: every file below it, as editors send one
        event for a folder deleted or moved away)."""
        if path not in self._others and path not in self._disk:
            below = path.rstrip("/") + "/"
            gone = [p for p in (*self._disk, *self._others) if p.startswith(below)]
            changed = False
            for inside in gone:
                changed = self.file_deleted(inside).index_changed or changed
            return Change(changed)
        if path in self._others:
            self._others.discard(path)
            if self._index is not None:
                self._index.remove_file(path)
            return Change(True)
        old = self._disk.pop(path, None)
        if old is None or path in self._open:
            return Change(False)
        change = self._update(path, None, old)
        self._excluded.pop(path, None)
        return change

    def resync(self) -> Change:
        """The vault walked again and compared with the files known: what a folder event
        created or removed below it (a note in several events is read once)."""
        files = walk_vault(self.root)
        now = {*files.notes, *files.others}
        known = {*self._disk, *self._others}
        changed = False
        for path in sorted(known - now):
            changed = self.file_deleted(path).index_changed or changed
        for path in sorted(now - known):
            changed = self.file_changed(path).index_changed or changed
        return Change(changed)

    # -- open documents -------------------------------------------------------------------
    def open_document(self, path: str, text: str) -> Change:
        """A document opened or edited in the editor: its text counts from now on."""
        if path not in self._open:
            self._read_encoding(path)
        note = document_note(path, text, self._not_utf8.get(path))
        old = self._summary(path)
        self._open[path] = note
        if old is None:
            self._exclude(path)
        return self._update(path, summarize(note), old)

    def close_document(self, path: str) -> Change:
        """A document closed: the file on disk counts again."""
        note = self._open.pop(path, None)
        self._not_utf8.pop(path, None)
        if note is None:
            return Change(False)
        if path not in self._disk:
            if (self.root / path).is_file():
                return self.file_changed(path)
            change = self._update(path, None, summarize(note))
            self._excluded.pop(path, None)
            return change
        return self._update(path, self._disk[path], summarize(note))

    def _read_encoding(self, path: str) -> None:
        """Whether the file of an open document is UTF-8 (see :mod:`.documents`)."""
        saved = not_utf8(str(self.root), path)
        if saved is None:
            self._not_utf8.pop(path, None)
        else:
            self._not_utf8[path] = saved

    def document(self, path: str) -> Note | None:
        return self._open.get(path)

    @property
    def open_paths(self) -> list[str]:
        return list(self._open)

    def note(self, path: str) -> Note | None:
        """The note as the editor has it (open) or as it is on disk; None when it is none."""
        if path in self._open:
            return self._open[path]
        if path not in self._disk:
            return None
        return read_and_parse(str(self.root), path, False)[0]

    # -- the index ------------------------------------------------------------------------
    def _summary(self, path: str) -> NoteSummary | None:
        if path in self._open:
            return summarize(self._open[path])
        return self._disk.get(path)

    def _update(self, path: str, new: NoteSummary | None, old: NoteSummary | None) -> Change:
        """Bring the index to a note's new summary (None: the note is gone), one note at a
        time (``VaultIndex.add/replace/remove``). A change of the note's outgoing links alone
        (typing a link) waits until the edits pause (:meth:`settle`): no check reads the links
        of the note being edited from the index, and replacing a note drops the index's
        near-name table, which a broken link's suggestions would rebuild at every keystroke."""
        if old is not None and new is not None:
            if tuple(old) == tuple(new):
                return Change(False)
            if _without_links(old) == _without_links(new):
                self._stale_links.add(path)
                return Change(False)
        self._stale_links.discard(path)
        index = self._index
        if index is not None:
            if new is None:
                if path in index.summaries:
                    index.remove(path)
            elif path in index.summaries:
                index.replace(new)
            else:
                index.add(new, counts_for_tags=path not in self._excluded)
        return Change(True)

    @property
    def links_stale(self) -> bool:
        """Whether links typed in some note are not in the index yet."""
        return bool(self._stale_links)

    def settle(self) -> Change:
        """Apply the outgoing links that changed since they were last put in the index."""
        stale, self._stale_links = self._stale_links, set()
        index = self._index
        changed = False
        for path in stale:
            summary = self._summary(path)
            if index is not None and summary is not None and path in index.summaries:
                index.replace(summary)
                changed = True
        return Change(changed)

    @property
    def index(self) -> VaultIndex:
        if self._index is None:
            summaries = dict(self._disk)
            for path, note in self._open.items():
                summaries[path] = summarize(note)
            linted = [p for p in summaries if p not in self._excluded]
            self._index = VaultIndex(summaries, sorted(self._others), tag_paths=linted)
            self._stale_links.clear()
        return self._index

    @property
    def note_paths(self) -> list[str]:
        return sorted({*self._disk, *self._open})

    @property
    def other_paths(self) -> list[str]:
        return sorted(self._others)

    # -- linting --------------------------------------------------------------------------
    def excluded(self, path: str) -> str | None:
        """Why a note is not linted (excluded by the config or by Obsidian's settings)."""
        return self._excluded.get(path)

    def check(self, path: str) -> list[Diagnostic]:
        """The diagnostics of one note (open or on disk), as ``vaultlint scan`` reports them."""
        note = self.note(path)
        if note is None or path in self._excluded:
            return []
        index = self.index
        if self._linter is None:  # rules prepared once per config, bound to each new index
            self._linter = Linter(self.config, index, root=self.root)
        elif self._linter.index is not index:
            self._linter = self._linter.bind(index)
        return self._linter.check(note)

    def relative(self, full: Path, *, hidden: bool = False) -> str | None:
        """The vault path of a file, or None when it is outside the vault (or hidden, unless
        ``hidden``: the config file is)."""
        try:
            rel = Path(os.path.abspath(full)).relative_to(self.root).as_posix()
        except ValueError:
            try:
                rel = full.resolve().relative_to(self.root.resolve()).as_posix()
            except (ValueError, OSError):
                return None
        if rel == "." or (not hidden and self._hidden(rel)):
            return None
        return rel

    @staticmethod
    def _hidden(path: str) -> bool:
        return any(part.startswith(".") for part in path.split("/"))


_LINKS = NoteSummary._fields.index("links") if "links" in NoteSummary._fields else None


def _without_links(summary: NoteSummary) -> tuple:
    if _LINKS is None:
        return tuple(summary)
    return (*summary[:_LINKS], *summary[_LINKS + 1 :])
