"""What a broken link probably meant: near names, near headings and blocks, aliases.

Built once per index (lazily, on the first broken link) from the names of the vault's files
and the ``aliases`` of its notes; asked only about links that do not resolve, and every answer
is remembered, so that a vault where thousands of links miss the same target pays once.

**When a candidate stands out.** Candidates are scored with rapidfuzz's ``fuzz.ratio``
(normalised Indel similarity, 0–100) on case-folded text — file names without ``.md``, heading
texts as Obsidian compares them, block ids. A candidate stands out when it scores at least
:data:`STAND_OUT_SCORE` and beats the runner-up by at least :data:`STAND_OUT_MARGIN` points.
Otherwise nothing is suggested: a wrong guess is worse than none.

**Many at once.** Asking about each broken link alone compares it with every name: a vault whose
broken links grow with it pays a quadratic cost (at 100k notes, 19k distinct missing targets
against 100k names took 70 s of a 150 s scan). The batch runner therefore says which targets a
worker will ask about (:meth:`NameIndex.expect`); the first question of a kind then answers all
of them with :func:`stand_out_many`, which scores every query against every name in one C loop
(rapidfuzz's ``cdist``, about 4× cheaper a pair than one ``extract`` a query, and better for the
memory cache) and gives exactly the answers :func:`stand_out` gives, ties included (each
candidate's score is computed again with ``fuzz.ratio`` before the decision).

**Fewer pairs.** No exact index answers a similarity this loose (85 % on 25 characters allows
seven edits, so a near name may share no more than a three-letter piece with the link), but
the lengths bound it: ``fuzz.ratio`` of lengths ``n`` and ``m`` is at most ``100 * (1 - |n - m|
/ (n + m))``, so a query of 25 characters can score 85 only against names of 19 to 34.
The batch sorts the names by length and the queries by length, and scores each chunk of
queries only against the slice of names whose length can reach :data:`STAND_OUT_SCORE`
(:meth:`_ByLength.within`); a query with no candidate there has no suggestion, whatever its
runner-up. The few that have one are scored again against the wider slice a runner-up can
come from (:data:`STAND_OUT_SCORE` − :data:`STAND_OUT_MARGIN`) and decided as one at a time.
The sorted names are copied first, one after the other in memory: ``cdist`` reads every name
of its slice again for each chunk of queries, and names strewn over the heap cost more than
scoring them. In the generated vaults, a third to a half of the pairs are left out: one
worker's 5,918 missing targets against the 100k vault's 100,000 names 592M → 404M pairs,
6.7 → 4.5 s of CPU; the 10k vault's 1,176 against 10,000: 12M → 6M, 0.15 → 0.10 s (at load
3–4). It is still quadratic in what is left.
"""

from __future__ import annotations

import math
import posixpath
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
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


#: the least score a runner-up needs to matter (a lower one cannot spoil the margin)
_RUNNER_UP = STAND_OUT_SCORE - STAND_OUT_MARGIN
#: :func:`stand_out_many` scores in one batch when there are at least this many queries and
#: this many query × choice pairs (below that, loading numpy costs more than it saves)
BATCH_QUERIES = 16
BATCH_PAIRS = 2_000_000
#: queries scored per ``cdist`` call (its score matrix is this × the choices, float32)
_CHUNK = 32


def stand_out(query: str, choices: Sequence[str]) -> int | None:
    """Index in ``choices`` of the one candidate that stands out for ``query``, or None."""
    if not query or not choices:
        return None
    found = process.extract(query, choices, scorer=fuzz.ratio, limit=2, score_cutoff=_RUNNER_UP)
    return _decide([(score, i) for _, score, i in found])


def _decide(best: list[tuple[float, int]]) -> int | None:
    """The stand-out rule on the best two (score, index) pairs, best first."""
    if not best or best[0][0] < STAND_OUT_SCORE:
        return None
    if len(best) > 1 and best[0][0] - best[1][0] < STAND_OUT_MARGIN:
        return None
    return best[0][1]


def stand_out_many(queries: Sequence[str], choices: Sequence[str]) -> list[int | None]:
    """:func:`stand_out` of each query, scored in batches when there are many (see the module
    doc, "Fewer pairs"); the same answers either way."""
    if not choices or len(queries) < BATCH_QUERIES or len(queries) * len(choices) < BATCH_PAIRS:
        return [stand_out(q, choices) for q in queries]
    import numpy as np

    by_length = _ByLength(choices)
    answers: list[int | None] = [None] * len(queries)
    # queries by length, so that each chunk's queries share one narrow slice of the choices
    asked = sorted(range(len(queries)), key=lambda i: len(queries[i]))
    hits: list[int] = []
    for first in range(0, len(asked), _CHUNK):
        rows = asked[first : first + _CHUNK]
        chunk = [queries[i] for i in rows]
        # only a choice of a length within the bound can score STAND_OUT_SCORE: without one,
        # a query has no suggestion, whatever its runner-up
        lo, hi = by_length.within(len(chunk[0]), len(chunk[-1]), STAND_OUT_SCORE - 1)
        if lo == hi:
            continue
        scores = process.cdist(
            chunk,
            by_length.choices[lo:hi],
            scorer=fuzz.ratio,
            score_cutoff=STAND_OUT_SCORE - 1,  # float32 scores, cut a little low
            dtype=np.float32,
        )
        # most queries have no candidate at all: find the rows that have one first
        hits += [rows[row] for row in np.flatnonzero(scores.max(axis=1)).tolist() if chunk[row]]
    # the few that may have a suggestion: every candidate that can be the best or the
    # runner-up, each scored again exactly with ``fuzz.ratio`` (hits are in length order)
    for first in range(0, len(hits), _CHUNK):
        rows = hits[first : first + _CHUNK]
        chunk = [queries[i] for i in rows]
        lo, hi = by_length.within(len(chunk[0]), len(chunk[-1]), _RUNNER_UP - 1)
        scores = process.cdist(
            chunk,
            by_length.choices[lo:hi],
            scorer=fuzz.ratio,
            score_cutoff=_RUNNER_UP - 1,
            dtype=np.float32,
        )
        for row, query in enumerate(chunk):
            candidates = [by_length.order[lo + j] for j in np.flatnonzero(scores[row]).tolist()]
            exact = [(fuzz.ratio(query, choices[i]), i) for i in candidates]
            best = sorted(((s, i) for s, i in exact if s >= _RUNNER_UP), key=_best_first)[:2]
            answers[rows[row]] = _decide(best)
    return answers


def _copy(text: str) -> str:
    """A new string equal to ``text`` (lone surrogates of undecodable file names included)."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")


class _ByLength:
    """The choices sorted by length (``order``: their positions in the list given), so that
    the choices a query can score a given score against are one slice (:meth:`within`)."""

    def __init__(self, choices: Sequence[str]) -> None:
        self.order = sorted(range(len(choices)), key=lambda i: len(choices[i]))
        # copies, made one after the other: ``cdist`` reads every choice of a slice for each
        # chunk of queries, and the strings themselves, sorted by length, lie all over the
        # heap (at 100k names that took more time than the scoring: 2.3 s against 0.7 s)
        self.choices = [_copy(choices[i]) for i in self.order]
        self._lengths = [len(c) for c in self.choices]

    def within(self, shortest: int, longest: int, score: float) -> tuple[int, int]:
        """The slice ``[lo, hi)`` of the sorted choices that a query of ``shortest`` to
        ``longest`` characters can score at least ``score`` against.

        ``fuzz.ratio`` is ``100 * (1 - d / (n + m))`` for lengths ``n`` and ``m``, and the
        Indel distance ``d`` is at least ``|n - m|``: a score of ``c`` or more needs
        ``100 * |n - m| <= (100 - c) * (n + m)``, that is ``n * c / (200 - c) <= m <=
        n * (200 - c) / c``. Computed in integers with ``c`` rounded down (never a choice
        too few)."""
        c = math.floor(score)
        if c <= 0:
            return 0, len(self._lengths)
        low = -(-shortest * c // (200 - c))  # rounded up
        high = longest * (200 - c) // c  # rounded down
        return bisect_left(self._lengths, low), bisect_right(self._lengths, high)


def _best_first(pair: tuple[float, int]) -> tuple[float, int]:
    return (-pair[0], pair[1])  # as ``process.extract`` orders them: ties by position


class NameIndex:
    """Names, stems and aliases of the vault's files, for suggestions (see the module doc)."""

    def __init__(
        self, index: VaultIndex, aliased: Mapping[str, tuple[str, ...]] | None = None
    ) -> None:
        """``aliased``: the aliases of every note that has some, by path (the index's own
        summaries give them when None: a lazy index has them from the stored rows)."""
        from vaultlint.vault.index import fold

        self._index = index
        self._fold = fold
        if aliased is None:
            aliased = {path: s.aliases for path, s in index.summaries.items() if s.aliases}
        self._aliases: dict[str, list[str]] = {}
        for path, its_aliases in aliased.items():
            self._add_aliases(path, its_aliases)
        # notes by name: taken from the index's own table of names when every name is ASCII
        # (a pre-commit run at 100k notes spent a quarter of a second building it again);
        # else folded name by name as the table cannot be (``fold("ΑΣ.md")[:-3]`` is not
        # ``fold("ΑΣ")``: a final sigma)
        by_name = self._by_name = index.names_table()
        #: the notes of a name, the ``.md`` left out (None: asked of ``by_name`` with it)
        self._notes: dict[str, list[str]] | None = None
        if "".join(by_name).isascii():
            self._note_keys = [key[:-3] for key in by_name if key.endswith(".md")]
        else:
            notes: dict[str, list[str]] = {}
            for path in index.summaries:
                if is_note_path(path):
                    notes.setdefault(fold(posixpath.basename(path)[:-3]), []).append(path)
            self._note_keys = list(notes)
            self._notes = notes
        attachments: dict[str, list[str]] = {}
        stems: dict[str, list[str]] = {}
        extensions: set[str] = set(ATTACHMENT_EXTENSIONS)
        # other files, then the canvases and bases (named with their extension)
        others = [*index.others, *(p for p in index.summaries if not is_note_path(p))]
        for path in others:
            name = posixpath.basename(path)
            attachments.setdefault(fold(name), []).append(path)
            ext = extension(name)
            if ext:
                extensions.add(ext)
                stems.setdefault(fold(name[: -len(ext) - 1]), []).append(path)
        self._attachments = attachments
        self._attachment_keys = list(attachments)
        self._stems = stems
        self.extensions = frozenset(extensions)
        #: per link target asked about (folded): the files of the name it probably meant
        self._files: dict[str, tuple[str, ...]] = {}
        #: keys :meth:`expect` announced, not answered yet: of note links, of attachment links
        self._expected: dict[bool, list[str]] = {False: [], True: []}
        self._subpaths: dict[tuple[str, str], str | None] = {}

    # -- files ------------------------------------------------------------------------------
    def is_attachment_link(self, target: str) -> bool:
        """Whether a link target names an attachment (an extension Obsidian opens, or that a
        file of the vault has), not a note (``.md``, or no extension)."""
        ext = extension(target)
        return bool(ext) and ext != "md" and ext in self.extensions

    def notes_named(self, name: str) -> list[str]:
        """The notes whose file name without ``.md`` is ``name`` (case-insensitively), sorted:
        never in the order the index was built in (a run's own notes are summarised last, so
        that order depends on which notes a run reports on)."""
        return sorted(self._note_files(self._fold(name.strip())))

    def _note_files(self, key: str) -> Sequence[str]:
        """The notes whose folded file name without ``.md`` is ``key``."""
        if self._notes is None:
            return self._by_name.get(key + ".md", ())
        return self._notes.get(key, ())

    def alias_owners(self, target: str) -> list[str]:
        """The notes whose ``aliases`` hold ``target`` (compared case-insensitively), sorted."""
        return sorted(self._aliases.get(self._fold(target.strip()), ()))

    def expect(self, targets: Iterable[str]) -> None:
        """Say which link targets will be asked about (:meth:`near_file`): the first question
        answers them all at once (see the module doc)."""
        for target in targets:
            key = self._fold(target.strip())
            if key not in self._files:
                self._expected[self._is_attachment_key(key)].append(key)

    def near_file(self, target: str, source: str = "") -> str | None:
        """The file whose name is close to a link target that does not resolve: a note's name
        without ``.md``, an attachment's name; or, for a target without extension, the
        attachment whose name without extension it is (``Engelbart`` → ``Engelbart.jpg``).
        Returns its vault path; of several files that share the name, the one a link from
        ``source`` naming it opens (its own folder first, then the shortest path, as
        :meth:`~vaultlint.vault.index.VaultIndex.resolve` breaks ties), so that the answer
        never depends on the order the index was built in."""
        key = self._fold(target.strip())
        if key not in self._files:
            kind = self._is_attachment_key(key)
            self._answer([key, *self._expected[kind]], kind)
            self._expected[kind] = []
        found = self._files[key]
        if len(found) <= 1:
            return found[0] if found else None
        from vaultlint.vault.index import nearest

        return nearest(found, source)

    def _is_attachment_key(self, key: str) -> bool:
        return self.is_attachment_link(key.rsplit("/", 1)[-1])

    def _answer(self, keys: list[str], attachments: bool) -> None:
        """Answer :meth:`near_file` for these keys (all attachment links, or all note links)."""
        asked: dict[str, list[str]] = {}  # a name as compared → the keys that ask it
        for key in keys:
            if key in self._files:
                continue
            name = key.rsplit("/", 1)[-1]
            if not attachments:
                if name.endswith(".md"):
                    name = name[:-3]
                exact = self._stems.get(name)
                if exact is not None and len(exact) == 1:
                    self._files[key] = (exact[0],)
                    continue
            asked.setdefault(name, []).append(key)
        if attachments:
            choices, files_of = self._attachment_keys, self._attachments.__getitem__
        else:
            choices, files_of = self._note_keys, self._note_files
        queries = list(asked)
        for query, i in zip(queries, stand_out_many(queries, choices), strict=True):
            found = tuple(files_of(choices[i])) if i is not None else ()
            for key in asked[query]:
                self._files[key] = found

    def replaced(self, path: str, old: tuple[str, ...], new: tuple[str, ...]) -> None:
        """A note's summary was replaced (:meth:`VaultIndex.replace`: same path, so the same
        files): its near headings and blocks are asked again, its aliases are the new ones."""
        self._subpaths = {memo: v for memo, v in self._subpaths.items() if memo[0] != path}
        if old == new or not is_note_path(path):
            return
        for alias in old:
            key = self._fold(alias)
            owners = self._aliases.get(key)
            if owners is not None and path in owners:
                owners.remove(path)
                if not owners:
                    del self._aliases[key]
        self._add_aliases(path, new)

    def _add_aliases(self, path: str, aliases: Iterable[str]) -> None:
        """Count a note's aliases (a canvas or a base has no frontmatter: none)."""
        if not is_note_path(path):
            return
        for alias in aliases:
            owners = self._aliases.setdefault(self._fold(alias), [])
            if path not in owners:
                owners.append(path)

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
