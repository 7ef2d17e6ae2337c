"""What a change of the vault can affect: the notes whose findings may differ after it.

A note's findings depend on its own text and, through the vault index, on a few things of
other notes; each is named by a **key** (a string), derived from the note's own summary when
it is stored (:func:`note_keys`):

- the name part of every link target (folded, without ``.md``) and the whole target folded:
  what it resolves to, whether it is ambiguous, the headings and blocks of the note it
  reaches (``links``, ``ambiguous-links``, property links), the aliases a broken link may be;
- its own name and aliases (``shared-names``; ``orphans``: who links to that name);
- ``#`` and each tag's lower-case form (a tag's usual spelling is counted over the vault).

A change gives keys too (:func:`changed_keys`): a note added or removed gives all of its keys;
a note edited gives its name when its headings or blocks changed, and the aliases, link
targets and tags that differ; a file added or removed gives its name. A note is affected when
its keys meet the changed keys. Two findings depend on more than a key can say:

- a broken link's suggestion ("did you mean …", an alias's owner written as a link) can
  change with any name of the vault: :func:`broken_affected` takes the notes with broken links
  whose targets are near (rapidfuzz's ratio, at the suggestion's cut-off) a changed name, or
  are aliases of notes whose names changed; every one when the vault's set of file extensions
  changed;
- ``unused-attachments`` reports on the first note of the vault: that note (before and after)
  is affected by any change.

tests/test_incremental.py checks, edit after edit, that a run that re-checks only the
affected notes prints exactly what a run without cache prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain, repeat
from operator import itemgetter

from vaultlint.model import NoteSummary
from vaultlint.vault.index import fold, fold_all

#: a tag's key starts with this (names and targets never give a key that does)
TAG = "#"


def name_keys(path: str) -> tuple[str, ...]:
    """The keys of a file's name: without ``.md``; an attachment also without its extension
    (a link without extension may be suggested that attachment)."""
    base = fold(path.rpartition("/")[2])  # (posixpath.basename, without its Python frame)
    if base.endswith(".md"):
        return (base[:-3],)
    stem, dot, _ext = base.rpartition(".")
    return (base, stem) if dot and stem else (base,)


def target_keys(target: str) -> tuple[str, ...]:
    """The keys of a link target as written: its name part (without ``.md``) and the whole
    target (what an alias is compared with)."""
    whole = fold(target.strip())
    name = whole.rsplit("/", 1)[-1]
    if name.endswith(".md"):
        name = name[:-3]
    return (name, whole) if whole != name else (name,)


def note_keys(summary: NoteSummary) -> tuple[str, ...]:
    """Every key a note's findings depend on, from its summary (see the module docstring):
    its name's keys, then each alias folded, each link target's :func:`target_keys`, each
    tag's, in that order, each key once.

    Made in C passes over each kind (every new row's ``keys`` column and every decoded
    summary's keys are made with it: a loop a target in Python cost a first run at 10k notes
    more than its SQLite writes): the aliases and the stripped targets folded at once
    (:func:`~vaultlint.vault.index.fold_all`); when no folded target holds a ``/`` or
    ``.md``, each one's name part is the whole of it; else a target's name part is its
    last ``/`` part without ``.md``. A whole key equal to its name part adds nothing, a key
    already there keeps its place (``tests/test_depends.py`` compares it with
    :func:`target_keys` target by target)."""
    path, _headings, _blocks, tags, aliases, links = summary
    wholes = fold_all(list(map(str.strip, filter(None, links)))) if links else []
    every: Iterable[str] = wholes
    joined = "".join(wholes)  # (a ".md" across two targets only takes the longer way)
    if "/" in joined or ".md" in joined:
        last = map(_LAST, map(str.rpartition, wholes, repeat("/")))
        names = map(str.removesuffix, last, repeat(".md"))
        every = chain.from_iterable(zip(names, wholes, strict=True))
    return tuple(
        dict.fromkeys(
            chain(
                name_keys(path),
                fold_all(list(map(str.strip, aliases))) if aliases else (),
                every,
                map(TAG.__add__, map(str.lower, tags)),
            )
        )
    )


#: the part after the last ``/`` of ``str.rpartition``
_LAST = itemgetter(2)


def changed_keys(old: NoteSummary | None, new: NoteSummary | None) -> set[str]:
    """The keys a note's change gives (``old`` None: added; ``new`` None: removed)."""
    if old is None or new is None:
        present = new if old is None else old
        assert present is not None
        return set(note_keys(present))
    keys: set[str] = set()
    if old.path != new.path:
        return set(note_keys(old)) | set(note_keys(new))
    if old.headings != new.headings or old.blocks != new.blocks:
        keys.update(name_keys(new.path))
    for alias in set(old.aliases) ^ set(new.aliases):
        keys.add(fold(alias.strip()))
    for target in set(old.links) ^ set(new.links):
        if target:
            keys.update(target_keys(target))
    for tag in set(old.tags) ^ set(new.tags):
        keys.add(TAG + tag.lower())
    return keys


def broken_affected(
    broken: dict[str, Iterable[str]],
    changed_names: set[str],
    renamed_aliases: set[str],
    extensions_changed: bool,
) -> set[str]:
    """The notes (of ``broken``: path → its unresolved link targets) whose broken links'
    suggestions may change: a target near a changed name (``changed_names``, folded names
    without ``.md``), or one of ``renamed_aliases`` (aliases of notes whose names changed);
    all of them when the vault's set of file extensions changed."""
    if not broken or not (changed_names or renamed_aliases or extensions_changed):
        return set()
    if extensions_changed:
        return set(broken)
    from rapidfuzz import fuzz, process

    from vaultlint.vault.names import STAND_OUT_MARGIN, STAND_OUT_SCORE

    cutoff = STAND_OUT_SCORE - STAND_OUT_MARGIN
    names = sorted(changed_names)
    out: set[str] = set()
    memo: dict[str, bool] = {}
    for path, targets in broken.items():
        for target in targets:
            hit = memo.get(target)
            if hit is None:
                keys = target_keys(target)
                hit = any(k in renamed_aliases or k in changed_names for k in keys) or bool(
                    names
                    and process.extractOne(keys[0], names, scorer=fuzz.ratio, score_cutoff=cutoff)
                )
                memo[target] = hit
            if hit:
                out.add(path)
                break
    return out
