"""What a broken link probably meant: near names, near headings and blocks, aliases.

Built once per index (lazily, on the first broken link) from the names of the vault's files
and the ``aliases`` of its notes; asked only about links that do not resolve, and every answer
is remembered, so that a vault where thousands of links miss the same target pays once.

**When a candidate stands out.** Candidates are scored with rapidfuzz's ``fuzz.ratio``
(normalised Indel similarity, 0–100) on case-folded text — file names without ``.md``, heading
texts as Obsidian compares them, block ids. A candidate stands out when it scores at least
:data:`STAND_OUT_SCORE` and beats the runner-up by at least :data:`STAND_OUT_MARGIN` points.
Otherwise nothing is suggested: a wrong guess is worse than none.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from vaultlint.vault.filetypes import ATTACHMENT_EXTENSIONS, extension, is_note_path

if TYPE_CHECKING:
    from vaultlint.model import NoteSummary
    from vaultlint.vault.index import VaultIndex

#: the least score (``fuzz.ratio``, 0–100) a suggestion needs
STAND_OUT_SCORE = 85.0
#: how many points the suggestion must beat the runner-up by
STAND_OUT_MARGIN = 8.0


def stand_out(query: str, choices: Sequence[str]) -> int | None:
    """Index in ``choices`` of the one candidate that stands out for ``query``, or None."""
    if not query or not choices:
        return None
    found = process.extract(
        query,
        choices,
        scorer=fuzz.ratio,
        limit=2,
        score_cutoff=STAND_OUT_SCORE - STAND_OUT_MARGIN,
    )
    if not found or found[0][1] < STAND_OUT_SCORE:
        return None
    if len(found) > 1 and found[0][1] - found[1][1] < STAND_OUT_MARGIN:
        return None
    return found[0][2]


class NameIndex:
    """Names, stems and aliases of the vault's files, for suggestions (see the module doc)."""

    def __init__(self, index: VaultIndex) -> None:
        from vaultlint.vault.index import fold

        self._index = index
        self._fold = fold
        notes: dict[str, list[str]] = {}
        attachments: dict[str, list[str]] = {}
        stems: dict[str, list[str]] = {}
        aliases: dict[str, list[str]] = {}
        extensions: set[str] = set(ATTACHMENT_EXTENSIONS)
        others = list(index.others)
        for path, summary in index.summaries.items():
            if not is_note_path(path):
                others.append(path)  # a canvas or a base: named with its extension
                continue
            name = posixpath.basename(path)
            notes.setdefault(fold(name[:-3]), []).append(path)
            for alias in summary.aliases:
                owners = aliases.setdefault(fold(alias), [])
                if path not in owners:
                    owners.append(path)
        for path in others:
            name = posixpath.basename(path)
            attachments.setdefault(fold(name), []).append(path)
            ext = extension(name)
            if ext:
                extensions.add(ext)
                stems.setdefault(fold(name[: -len(ext) - 1]), []).append(path)
        self._notes = notes
        self._note_keys = list(notes)
        self._attachments = attachments
        self._attachment_keys = list(attachments)
        self._stems = stems
        self._aliases = aliases
        self.extensions = frozenset(extensions)
        self._files: dict[str, str | None] = {}
        self._subpaths: dict[tuple[str, str], str | None] = {}

    # -- files ------------------------------------------------------------------------------
    def is_attachment_link(self, target: str) -> bool:
        """Whether a link target names an attachment (an extension Obsidian opens, or that a
        file of the vault has), not a note (``.md``, or no extension)."""
        ext = extension(target)
        return bool(ext) and ext != "md" and ext in self.extensions

    def notes_named(self, name: str) -> list[str]:
        """The notes whose file name without ``.md`` is ``name`` (case-insensitively)."""
        return list(self._notes.get(self._fold(name.strip()), ()))

    def alias_owners(self, target: str) -> list[str]:
        """The notes whose ``aliases`` hold ``target`` (compared case-insensitively), sorted."""
        return sorted(self._aliases.get(self._fold(target.strip()), ()))

    def near_file(self, target: str) -> str | None:
        """The key of the one file name close to a link target that does not resolve: a note's
        name without ``.md``, an attachment's name; or, for a target without extension, the
        attachment whose name without extension it is (``Engelbart`` → ``Engelbart.jpg``).
        Returns a vault path of such a file (the first of those that share the name)."""
        key = self._fold(target.strip())
        if key in self._files:
            return self._files[key]
        found: str | None = None
        name = key.rsplit("/", 1)[-1]
        if self.is_attachment_link(name):
            i = stand_out(name, self._attachment_keys)
            if i is not None:
                found = self._attachments[self._attachment_keys[i]][0]
        else:
            if name.endswith(".md"):
                name = name[:-3]
            exact = self._stems.get(name)
            if exact is not None and len(exact) == 1:
                found = exact[0]
            else:
                i = stand_out(name, self._note_keys)
                if i is not None:
                    found = self._notes[self._note_keys[i]][0]
        self._files[key] = found
        return found

    # -- subpaths ---------------------------------------------------------------------------
    def near_heading(self, summary: NoteSummary, heading: str) -> str | None:
        """The heading of a note (as written) close to a heading link's text, or None."""
        from vaultlint.vault.index import normalize_heading

        memo = (summary.path, "#" + heading)
        if memo in self._subpaths:
            return self._subpaths[memo]
        texts = [text for _, text in summary.headings if text]
        keys = [normalize_heading(t) for t in texts]
        i = stand_out(normalize_heading(heading), keys)
        found = texts[i] if i is not None else None
        self._subpaths[memo] = found
        return found

    def near_block(self, summary: NoteSummary, block: str) -> str | None:
        """The block id of a note close to a block link's id (lower-case), or None."""
        memo = (summary.path, "^" + block)
        if memo in self._subpaths:
            return self._subpaths[memo]
        ids = list(summary.blocks)
        i = stand_out(block.lower(), ids)
        found = ids[i] if i is not None else None
        self._subpaths[memo] = found
        return found

    # -- writing links ----------------------------------------------------------------------
    def linktext(self, path: str, source: str) -> str:
        """How a link from ``source`` names ``path``: the file name (without ``.md`` for a
        note) when that resolves to it, else the vault path."""
        stem = path[:-3] if is_note_path(path) else path
        name = stem.rsplit("/", 1)[-1]
        if self._index.resolve(name, source) == path:
            return name
        return stem
