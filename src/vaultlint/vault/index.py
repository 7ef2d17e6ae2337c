"""The vault index: everything that needs the whole vault (SPEC.md §6 and §7).

Built once from the parsed notes and the list of the vault's other files, it resolves link text
to a file the way Obsidian does, looks up headings and block ids in a target note, and knows how
each tag is spelled across the vault.
"""

from __future__ import annotations

import operator
import posixpath
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from vaultlint.model import Note, NoteSummary

if TYPE_CHECKING:
    from vaultlint.vault.graph import LinkGraph
    from vaultlint.vault.names import NameIndex

# Characters Obsidian's stripHeading ignores when it matches a heading link (SPEC R-S2).
_HEADING_STRIP = re.compile(r"[!\"#$%&()*+,.:;<=>?@^`{|}~/\[\]\\]")
_SPACES = re.compile(r"\s+")
#: a folded path's file name, in C
_RPARTITION, _LAST = operator.methodcaller("rpartition", "/"), operator.itemgetter(2)


def fold(text: str) -> str:
    """Case- and normalisation-insensitive key of a path or name."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFC", text).lower()


def fold_all(texts: list[str]) -> list[str]:
    """``[fold(t) for t in texts]``, in two C passes over the texts joined by NUL (which no
    path holds, and which stops both normalisation and a final sigma's context, so each text
    folds as it would alone); text by text when one holds a NUL."""
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:
        return [fold(t) for t in texts]
    if not joined.isascii():
        joined = unicodedata.normalize("NFC", joined)
    return joined.lower().split("\0") if texts else []


def normalize_heading(text: str) -> str:
    """A heading or heading link as Obsidian compares them: no special characters, one space."""
    return _SPACES.sub(" ", _HEADING_STRIP.sub(" ", text)).strip().lower()


def nearest(paths: Iterable[str], source: str) -> str:
    """Of several files a link name fits, the one Obsidian opens from note ``source``: one in
    the note's own folder first, then the shortest path, then alphabetically (SPEC R-R)."""
    paths = list(paths)
    folder = posixpath.dirname(source)
    same = [p for p in paths if posixpath.dirname(p) == folder]
    return min(same or paths, key=lambda p: (len(p), p))


_NO_COUNTS: Counter[str] = Counter()
_UNKNOWN = object()
#: heading trees and block sets kept at once (the most recently built): a tree is a pure
#: function of the note's headings, so dropping one changes no answer. Kept for every note a
#: link reaches they were ~45 MB at 50k notes (most notes are asked about once or twice); the
#: bound keeps the notes many links reach in a row without a rebuild
TREES_KEPT = 1024


def summarize(note: Note) -> NoteSummary:
    """What the index keeps of a note (heading texts as written: they are normalised only
    when a heading link needs them, which few notes' headings ever are)."""
    return NoteSummary(
        note.path,
        tuple((h.level, h.text) for h in note.headings),
        tuple(b.id.lower() for b in note.blocks),
        tuple(dict.fromkeys(t.name for t in note.tags)),
        note.aliases,
        tuple(dict.fromkeys(x.target for x in note.links)),
    )


def as_summary(note: Note | NoteSummary | tuple) -> NoteSummary:
    """A note's summary as the index keeps it: summarised from a parsed note, or named from
    the plain tuple of the same shape that the caches and the workers' pipes carry (pickling
    named tuples costs ten times more: they travel plain and get their names here)."""
    if isinstance(note, Note):
        return summarize(note)
    return note if type(note) is NoteSummary else NoteSummary._make(note)


class VaultIndex:
    """Link resolution and vault-wide lookups.

    ``notes`` maps the vault path of every note of the vault (also those not being reported on)
    to its :class:`~vaultlint.model.NoteSummary` (or the parsed note, which is summarised);
    ``files`` lists every other file of the vault (attachments, canvases…). ``tag_paths``
    limits which notes count when deciding a tag's usual spelling (not templates).
    """

    def __init__(
        self,
        notes: Mapping[str, Note | NoteSummary],
        files: Iterable[str] = (),
        *,
        tag_paths: Iterable[str] | None = None,
    ) -> None:
        self.summaries: dict[str, NoteSummary] = self._summaries_of(notes)
        # an ordered set: the notes whose tags count for a tag's usual spelling
        self._tag_paths = dict.fromkeys(self.summaries if tag_paths is None else tag_paths)
        self.others: list[str] = list(files)  # every file that is not a note
        # (in bulk rather than path by path: a pre-commit run builds them for every file)
        paths = [*self.summaries, *self.others]
        keys = fold_all(paths)
        # of files whose paths differ only in case, the smallest holds the key (never the
        # order the index is built in: a run's own notes come last, so that order depends on
        # which notes a run reports on)
        by_path = self._by_path = dict(zip(keys, paths, strict=True))
        if len(by_path) < len(paths):
            for key, path in zip(keys, paths, strict=True):
                if path < by_path[key]:
                    by_path[key] = path
        # (names cut in C, and a Python pass only over the paths whose name is shared)
        names = list(map(_LAST, map(_RPARTITION, keys)))
        by_name: dict[str, list[str]] = {n: [p] for n, p in zip(names, paths, strict=True)}
        self._by_name = by_name
        if len(by_name) < len(names):
            shared = {name for name, count in Counter(names).items() if count > 1}
            for name in shared:
                by_name[name] = []
            for name, path in zip(names, paths, strict=True):
                if name in shared:
                    by_name[name].append(path)
        self._tag_spellings: dict[str, Counter[str]] | None = None
        self._preferred: dict[str, tuple[str, int] | None] = {}
        self._misspelled: frozenset[str] | None = None
        # links whose resolution does not depend on the linking note (no tie to break)
        self._resolved: dict[str, str | None] = {}
        self._names: NameIndex | None = None  # built on the first broken link
        self._graph: LinkGraph | None = None  # built when a graph check first asks
        # per note, built when a link first needs them: heading and block lookups take
        # constant (blocks) or logarithmic (headings) time, whatever the note holds; at most
        # TREES_KEPT of each are kept (the oldest dropped first)
        self._headings: dict[str, HeadingTree] = {}
        #: the headings of the notes asked about once, without a tree (at most TREES_KEPT)
        self._asked: dict[str, tuple[tuple[int, str], ...]] = {}
        self._blocks: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}

    @staticmethod
    def _summaries_of(notes: Mapping[str, Note | NoteSummary]) -> dict[str, NoteSummary]:
        """The ``summaries`` mapping (a subclass may read summaries when they are asked for:
        lint/lazy.py)."""
        return {path: as_summary(n) for path, n in notes.items()}

    @property
    def paths(self) -> list[str]:
        """Every note of the vault."""
        return list(self.summaries)

    def summary(self, path: str) -> NoteSummary | None:
        return self.summaries.get(path)

    @property
    def names(self) -> NameIndex:
        """Names, aliases and near matches for broken links (built once, when first asked;
        a change of the vault's files must drop it)."""
        if self._names is None:
            from vaultlint.vault.names import NameIndex

            self._names = NameIndex(self)
        return self._names

    def names_table(self) -> Mapping[str, list[str]]:
        """Every file of the index by its folded file name (extension included), in the
        order the index holds them: what :class:`~vaultlint.vault.names.NameIndex` reads
        (never to be changed by its reader)."""
        return self._by_name

    @property
    def graph(self) -> LinkGraph:
        """Incoming links of every file (built once, when a graph check first asks; a change
        of the vault's files must drop it)."""
        if self._graph is None:
            from vaultlint.vault.graph import LinkGraph

            self._graph = LinkGraph(self)
        return self._graph

    # -- updates: one note or file at a time (the editor server) -----------------------------
    # Kept apart from the lookups: each update changes the tables the constructor builds and
    # drops what the lookups cached, so that the index equals one built from scratch from the
    # same notes and files (in the same order).

    def add(self, note: Note | NoteSummary, *, counts_for_tags: bool = True) -> None:
        """Add a note that is not in the index (``ValueError`` if its path is).
        ``counts_for_tags``: its tags count for a tag's usual spelling (not a template's)."""
        summary = as_summary(note)
        path = summary.path
        if path in self.summaries:
            raise ValueError(f"{path} is already in the index: replace() it")
        self.summaries[path] = summary
        self._add_name(path)
        self._resolved.clear()  # a new file can resolve a broken link or make a tie
        self._names = None
        self._graph = None
        if counts_for_tags:
            self._tag_paths[path] = None
            self._count_tags(summary, 1)

    def replace(self, note: Note | NoteSummary) -> None:
        """Put a note's new summary in place of the old one (``KeyError`` if it is not in the
        index). Its path, so every link's resolution, stays the same."""
        summary = as_summary(note)
        path = summary.path
        old = self.summaries[path]
        self.summaries[path] = summary
        self._headings.pop(path, None)
        self._asked.pop(path, None)
        self._blocks.pop(path, None)
        if self._names is not None:
            # the same files, so the near names stay; the note's near headings and blocks are
            # forgotten and its aliases updated (rebuilding it all cost the editor server
            # ~40 ms a keystroke at 10k notes in a note with a broken link)
            self._names.replaced(path, old.aliases, summary.aliases)
        self._graph = None  # and links
        if path in self._tag_paths:
            self._count_tags(old, -1)
            self._count_tags(summary, 1)

    def remove(self, path: str) -> None:
        """Remove the note at ``path`` (``KeyError`` if it is not in the index)."""
        old = self.summaries.pop(path)
        self._remove_name(path)
        self._headings.pop(path, None)
        self._asked.pop(path, None)
        self._blocks.pop(path, None)
        self._resolved.clear()
        self._names = None
        self._graph = None
        if self._tag_paths.pop(path, _UNKNOWN) is not _UNKNOWN:
            self._count_tags(old, -1)

    def add_file(self, path: str) -> None:
        """Add a file that is not a note (an attachment, a canvas…)."""
        if path in self.others or path in self.summaries:
            raise ValueError(f"{path} is already in the index")
        self.others.append(path)
        self._add_name(path)
        self._resolved.clear()
        self._names = None
        self._graph = None

    def remove_file(self, path: str) -> None:
        """Remove a file that is not a note (``ValueError`` if it is not in the index)."""
        self.others.remove(path)
        self._remove_name(path)
        self._resolved.clear()
        self._names = None
        self._graph = None

    def _add_name(self, path: str) -> None:
        key = fold(path)
        held = self._by_path.get(key)
        if held is None or path < held:
            self._by_path[key] = path
        self._by_name.setdefault(key.rsplit("/", 1)[-1], []).append(path)

    def _remove_name(self, path: str) -> None:
        key = fold(path)
        name = key.rsplit("/", 1)[-1]
        same_name = self._by_name[name]
        same_name.remove(path)
        if not same_name:
            del self._by_name[name]
        if self._by_path.get(key) == path:
            # another file whose path differs only in case takes the key (the smallest)
            rest = [p for p in same_name if fold(p) == key]
            if rest:
                self._by_path[key] = min(rest)
            else:
                del self._by_path[key]

    def _count_tags(self, summary: NoteSummary, delta: int) -> None:
        """Add (``delta`` 1) or take away (-1) a note's tag spellings from the counts, when
        they have been counted already; the answers derived from them are dropped."""
        self._misspelled = None
        if self._tag_spellings is None:
            return
        for name in summary.tags:
            folded = name.lower()
            self._preferred.pop(folded, None)
            counter = self._tag_spellings.setdefault(folded, Counter())
            counter[name] += delta
            if counter[name] <= 0:
                del counter[name]
            if not counter:
                del self._tag_spellings[folded]

    # -- files ------------------------------------------------------------------------------
    def resolve(self, linkpath: str, source: str) -> str | None:
        """The vault path ``linkpath`` resolves to from note ``source``, or None (SPEC R-R)."""
        if linkpath == "":
            return source
        hit = self._resolved.get(linkpath, _UNKNOWN)
        if hit is not _UNKNOWN:
            return hit  # type: ignore[return-value]
        if linkpath.startswith(("./", "../")):
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), linkpath))
            if joined.startswith("../"):
                return None
            for cand in (joined, joined + ".md"):
                hit = self._by_path.get(fold(cand))
                if hit is not None:
                    return hit
            return None
        path = linkpath.lstrip("/")
        key = fold(path)
        for cand in (key, key + ".md"):
            hit = self._by_path.get(cand)
            if hit is not None:
                self._resolved[linkpath] = hit
                return hit
        cands = self._name_candidates(key)
        if len(cands) <= 1:
            found = cands[0] if cands else None
            self._resolved[linkpath] = found
            return found
        return nearest(cands, source)

    def file(self, path: str) -> str | None:
        """The file at exactly this vault path (compared as paths are: case-insensitively), as
        a canvas's file node names it; None when there is none."""
        return self._by_path.get(fold(path.lstrip("/")))

    def _name_candidates(self, key: str) -> list[str]:
        """Files whose name (and trailing folders, for ``b/Note``) match a folded link path."""
        name = key.rsplit("/", 1)[-1]
        cands = [*self._by_name.get(name, ()), *self._by_name.get(name + ".md", ())]
        if "/" in key:
            suffixes = ("/" + key, "/" + key + ".md")
            cands = [c for c in cands if fold(c).endswith(suffixes)]
        return cands

    def ambiguity(self, linkpath: str) -> list[str]:
        """The files a link path could mean when Obsidian had to break a tie between several
        (same file name in several folders), sorted; empty when the link is unambiguous."""
        if not linkpath or linkpath.startswith(("./", "../")):
            return []
        key = fold(linkpath.lstrip("/"))
        if key in self._by_path or key + ".md" in self._by_path:
            return []  # an exact vault path
        cands = self._name_candidates(key)
        return sorted(cands) if len(cands) > 1 else []

    def unresolved(self, targets: Iterable[str], source: str) -> list[str]:
        """The link targets of note ``source`` (as written; empty ones skipped) that resolve
        to no file: :meth:`resolve` of each, its remembered answers read directly."""
        known = self._resolved.get
        out = []
        for target in targets:
            if not target:
                continue
            hit = known(target, _UNKNOWN)
            if hit is _UNKNOWN:
                hit = self.resolve(target, source)
            if hit is None:
                out.append(target)
        return out

    # -- subpaths ---------------------------------------------------------------------------
    def has_subpath(self, note: Note | NoteSummary | str, subpath: str) -> bool:
        """Whether ``#Heading#Sub`` or ``#^block`` exists in ``note`` (SPEC R-S1..R-S4)."""
        summary = self.summaries.get(note) if isinstance(note, str) else note
        if summary is None:
            return False
        if isinstance(summary, Note):
            summary = summarize(summary)
        parts = [p for p in subpath.split("#") if p.strip()]
        if not parts:
            return True
        if parts[0].startswith("^"):
            blocks = self._blocks.get(summary.path)
            if blocks is None or blocks[0] is not summary.blocks:
                blocks = (summary.blocks, frozenset(summary.blocks))
                _keep(self._blocks, summary.path, blocks)
            return parts[0][1:].strip().lower() in blocks[1]
        keys = [normalize_heading(p) for p in parts]
        headings = self._headings.get(summary.path)
        if headings is None or headings.source is not summary.headings:
            if len(keys) == 1 and self._asked.get(summary.path) is not summary.headings:
                # a note's first heading link is answered by reading its headings (most
                # notes are asked about once: a tree for each was built and soon dropped);
                # a tree is built when it is asked again
                _keep(self._asked, summary.path, summary.headings)
                key = keys[0]
                return any(normalize_heading(text) == key for _, text in summary.headings)
            headings = HeadingTree(summary.headings)
            _keep(self._headings, summary.path, headings)
        return headings.chain_exists(keys)

    # -- tags -------------------------------------------------------------------------------
    def tag_spellings(self, key: str) -> Counter[str]:
        """How many notes spell the tag ``key`` (lower-case) each way."""
        if self._tag_spellings is None:
            names = self._tag_names()
            spellings: dict[str, Counter[str]] = {}
            for name, count in names.items():
                folded = name.lower()
                counter = spellings.get(folded)
                if counter is None:
                    counter = spellings[folded] = Counter()
                counter[name] = count
            self._tag_spellings = spellings
        return self._tag_spellings.get(key) or _NO_COUNTS

    def _tag_names(self) -> Counter[str]:
        """How many notes of ``tag_paths`` spell a tag each way (every spelling)."""
        get = self.summaries.get
        return Counter(name for path in self._tag_paths if (s := get(path)) for name in s.tags)

    def misspelled_tags(self) -> frozenset[str]:
        """Every tag spelling that is not its tag's usual spelling (computed once)."""
        if self._misspelled is None:
            self.tag_spellings("")  # counts every spelling
            assert self._tag_spellings is not None
            self._misspelled = frozenset(
                name
                for key, counts in self._tag_spellings.items()
                if len(counts) > 1
                for name in counts
                if name != (self.preferred_spelling(key) or ("",))[0]
            )
        return self._misspelled

    def preferred_spelling(self, key: str) -> tuple[str, int] | None:
        """The spelling most notes use; on a tie the all-lower-case spelling, else the spelling
        that sorts first (so the answer never depends on the order notes were read)."""
        if key in self._preferred:
            return self._preferred[key]
        counts = self.tag_spellings(key)
        best = min(counts.items(), key=lambda kv: (-kv[1], kv[0] != key, kv[0])) if counts else None
        self._preferred[key] = best
        return best


def _keep(kept: dict[str, Any], path: str, value: Any) -> None:
    """Keep ``value`` for ``path``, dropping the oldest kept when :data:`TREES_KEPT` are."""
    kept.pop(path, None)
    if len(kept) >= TREES_KEPT:
        del kept[next(iter(kept))]
    kept[path] = value


class HeadingTree:
    """A note's headings, normalised, for ``#A#B`` chains: each text's positions (sorted)
    and where each heading's section ends, so that a lookup never scans the headings.

    ``chain_exists`` finds ``keys[0]`` anywhere, then each next key as a deeper heading within
    the section of the previous one (SPEC R-S3); built in linear time, a single heading link is
    answered in logarithmic time."""

    __slots__ = ("ends", "levels", "positions", "source")

    def __init__(self, headings: tuple[tuple[int, str], ...]) -> None:
        self.source = headings
        self.levels = [level for level, _ in headings]
        self.positions: dict[str, list[int]] = {}
        for i, (_, text) in enumerate(headings):
            self.positions.setdefault(normalize_heading(text), []).append(i)
        # ends[i]: the first heading after i that is not deeper than i (its section's end)
        self.ends = [len(headings)] * len(headings)
        open_: list[int] = []
        for i, level in enumerate(self.levels):
            while open_ and self.levels[open_[-1]] >= level:
                self.ends[open_.pop()] = i
            open_.append(i)

    def chain_exists(self, keys: list[str]) -> bool:
        return self._chain(keys, 0, 0, len(self.levels), 0)

    def _chain(self, keys: list[str], k: int, lo: int, hi: int, parent: int) -> bool:
        found = self.positions.get(keys[k])
        if not found:
            return False
        for j in range(bisect_left(found, lo), len(found)):
            i = found[j]
            if i >= hi:
                break
            if self.levels[i] <= parent:
                continue
            if k + 1 == len(keys) or self._chain(keys, k + 1, i + 1, self.ends[i], self.levels[i]):
                return True
        return False
