"""A vault index read from the stored state on demand, for a run that checks a few notes.

A run that checks one edited note (what pre-commit runs) needs, of the other notes, only what
that note's links and rules ask about: the headings and blocks of the notes its links reach,
which names exist (the walk knows them). Decoding every stored summary to build a whole
:class:`~vaultlint.vault.index.VaultIndex` cost most of such a run (10,000 summaries: 0.25 s,
twice the floor). :class:`StoredSummaries` is the index's ``summaries`` mapping, reading a
summary from the state when it is first asked for; :class:`LazyIndex` is the index over it.

Two questions need something of every note; the state keeps it beside each row, in columns
authenticated with the row and written with its summary: a tag's spellings across the vault
(``tags``: :meth:`LazyIndex._tag_names`; from the manifest's census of every row's tags,
less the rows that do not count, when the state has one: lint/manifest.py) and the aliases
a broken link may be (``aliases``: the name index, :attr:`LazyIndex.names`).
``misspelled_tags`` is answered per tag spelling (:class:`_Misspelled`), so that a note with
no tag counts nothing. What needs
more of every note (the link graph: orphans, unused attachments) reads every summary, in one
pass, the first time it is asked, and so does a question whose column a row lacks (NULL: a
tag or alias a line cannot hold) — so the answers are those of an index built from every
summary, in the same order: the mapping's paths are in the order the eager path gives them
(the vault's notes in walk order; notes parsed in this run take their place).

A stored summary that cannot be read (its digest or shape is wrong) is computed from the note
on disk, as the eager path would parse it; :attr:`StoredSummaries.late` lists those notes so
that the run stores their summaries again.

Used only when the run is a few changes checked in this process (lint/batch.py): forked
workers would share the state's connection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from vaultlint.lint.manifest import census_less
from vaultlint.lint.store import lines_of
from vaultlint.model import NoteSummary
from vaultlint.vault.index import VaultIndex

if TYPE_CHECKING:
    from vaultlint.lint.incremental import Parsed, Plan
    from vaultlint.vault.names import NameIndex


class StoredSummaries(Mapping[str, NoteSummary]):
    """Every note's summary, by path: ``fresh`` ones (parsed or moved in this run) as given,
    the others read from ``plan``'s state when first asked for (see the module docstring).
    ``parse`` computes the summary of a note whose stored one cannot be read."""

    def __init__(
        self,
        plan: Plan,
        order: Sequence[str],
        fresh: Mapping[str, Any],
        parse: Callable[[str], Parsed],
    ) -> None:
        self._plan = plan
        self._order = dict.fromkeys(order)
        self._got: dict[str, NoteSummary] = {p: NoteSummary._make(s) for p, s in fresh.items()}
        self._parse = parse
        self._all = False
        #: notes whose stored summary could not be read, parsed again (to store)
        self.late: list[Parsed] = []

    def update(self, summaries: Mapping[str, Any]) -> None:
        """Put summaries computed in this run in place (a new path goes last)."""
        for path, summary in summaries.items():
            self._got[path] = NoteSummary._make(summary)
            self._order.setdefault(path, None)

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __contains__(self, path: object) -> bool:
        return path in self._order

    def __getitem__(self, path: str) -> NoteSummary:
        found = self._got.get(path)
        if found is not None:
            return found
        if path not in self._order:
            raise KeyError(path)
        got = self._plan.summary(path)
        if got is None:
            return self._late(path)
        found = self._got[path] = got[0]
        return found

    def _late(self, path: str) -> NoteSummary:
        parsed = self._parse(path)
        self.late.append(parsed)
        found = self._got[path] = NoteSummary._make(parsed.summary)
        return found

    def tag_names(self, paths: Mapping[str, Any]) -> Counter[str] | None:
        """How many of the notes ``paths`` (keys of the mapping: the index's ordered set of
        notes whose tags count, all of this mapping's) spell a tag each way, from the
        summaries read or computed in this run and, for the others, the state's census of
        tag spellings when it keeps one, else the stored rows' ``tags``; None when a stored
        row's tags are not known."""
        store = self._plan.store
        census = store.census if store is not None else None
        if census is None:
            names = self._stored_tag_names(paths)
        else:
            names = self._census_tag_names(census, paths)
        if names is None:
            return None
        # (the counts do not depend on the order they are made in: preferred_spelling breaks
        # ties by the spellings themselves)
        for path, summary in self._got.items():
            if path in paths:
                names.update(summary.tags)
        return names

    def _stored_tag_names(self, paths: Mapping[str, Any]) -> Counter[str] | None:
        """The tag spellings of the rows of ``paths`` whose summary this run did not read,
        from their ``tags`` columns (comprehensions rather than one loop over every path: at
        100k notes that loop was a tenth of a pre-commit run)."""
        got, rows, order = self._got, self._plan.rows, self._order
        try:
            texts = [rows[p].tags for p in paths if p not in got and p in order]
        except KeyError:
            return None  # a note with neither its summary read nor a row
        if None in texts:
            return None
        joined = "\n".join(filter(None, texts))  # type: ignore[arg-type]
        return Counter(joined.split("\n")) if joined else Counter()

    def _census_tag_names(
        self, census: dict[str, int], paths: Mapping[str, Any]
    ) -> Counter[str] | None:
        """:meth:`_stored_tag_names` from the state's census of every row's tags, less the
        tags of the rows that do not count (not among ``paths``, not a note of the mapping,
        or read in this run: their summaries count instead) — set operations in C and a pass
        over those rows only, not over every note."""
        got, rows, order = self._got, self._plan.rows, self._order
        counted = paths.keys() & order.keys()
        if counted - got.keys() - rows.keys():
            return None  # a note with neither its summary read nor a row
        not_counted = (rows.keys() - counted) | (rows.keys() & got.keys())
        left = census_less(census, [rows[p] for p in not_counted])
        return None if left is None else Counter(left)

    def aliases(self) -> dict[str, tuple[str, ...]] | None:
        """The aliases of every note of the mapping that has some, by path (what the name
        index reads of the notes) — from the summaries read or computed in this run and the
        stored rows' ``aliases`` (only the rows that hold some are visited); None when a
        stored row's aliases are not known."""
        got, rows, order, store = self._got, self._plan.rows, self._order, self._plan.store
        if store is None or store.aliases_unknown:
            return None
        if not order.keys() - got.keys() <= rows.keys():
            return None  # a note with neither its summary read nor a row
        out: dict[str, tuple[str, ...]] = {}
        for path in store.aliased:
            if path in order and path not in got:
                out[path] = lines_of(rows[path].aliases)  # type: ignore[arg-type]
        for path, summary in got.items():
            if path in order and summary.aliases:
                out[path] = summary.aliases
        return out

    def load_all(self) -> None:
        """Read every summary not read yet, in one pass over the state."""
        if self._all:
            return
        self._all = True
        decoded = self._plan.decoded()
        got = self._got
        for path in self._order:
            if path not in got:
                stored = decoded.get(path)
                if stored is None:
                    self._late(path)
                else:
                    got[path] = stored[0]

    def items(self) -> Any:
        self.load_all()
        got = self._got
        return [(p, got[p]) for p in self._order]

    def values(self) -> Any:
        self.load_all()
        got = self._got
        return [got[p] for p in self._order]


class _Misspelled:
    """The tag spellings that are not their tag's usual spelling, answered one at a time (the
    set :meth:`VaultIndex.misspelled_tags` would give)."""

    def __init__(self, index: VaultIndex) -> None:
        self._index = index

    def __contains__(self, name: object) -> bool:
        if type(name) is not str:
            return False
        key = name.lower()
        if len(self._index.tag_spellings(key)) <= 1:
            return False
        return name != (self._index.preferred_spelling(key) or ("",))[0]


class LazyIndex(VaultIndex):
    """A :class:`VaultIndex` over :class:`StoredSummaries` (see the module docstring)."""

    summaries: StoredSummaries  # type: ignore[assignment]

    @staticmethod
    def _summaries_of(notes: Mapping[str, Any]) -> Any:
        if not isinstance(notes, StoredSummaries):
            raise TypeError("a LazyIndex reads StoredSummaries")
        return notes

    def _tag_names(self) -> Counter[str]:
        """As the eager index counts them, from the state's ``tags`` column (authenticated
        with the row, written with its summary) rather than from every summary; every summary
        is read when a row's tags are not known."""
        summaries = self.summaries
        names = summaries.tag_names(self._tag_paths)
        if names is None:
            summaries.load_all()
            return super()._tag_names()
        return names

    @property
    def names(self) -> NameIndex:
        """The name index, built from the rows' aliases (every summary read only when a
        row's aliases are not known)."""
        if self._names is None:
            from vaultlint.vault.names import NameIndex

            self._names = NameIndex(self, self.summaries.aliases())
        return self._names

    def misspelled_tags(self) -> Any:  # type: ignore[override]
        return _Misspelled(self)
