"""What a vault's notes have in common: the conventions ``vaultlint init`` writes down as rules.

A convention holds when nearly every note it is about follows it (:func:`holds`): at least three
notes follow it and at most one in ten (at least one) do not. That way a scan right after
``vaultlint init`` reports the notes that break the vault's own majority habits, and nothing
that most notes do.

Conventions found, each with the count of notes that follow it and that do not:

* **property types**: for each property that ``.obsidian/types.json`` does not type, the most
  specific of Obsidian's types (checkbox, number, date, date & time, list, text) that nearly
  every value fits; a date written another way than ``YYYY-MM-DD`` gives the ``strftime``
  format in use. The declared types are counted too (the ``property-type`` rule checks them).
* **required keys** per folder: keys with a value in nearly every note below a folder (a key
  a parent folder already requires is not repeated).
* **sections** per folder: headings nearly every note below a folder has, at one level, in the
  order most notes give them (``order`` when nearly every note has them in that order).
* **dates in note bodies**: the one format nearly every note that writes dates in its body
  writes them in (:mod:`vaultlint.vault.date_conventions`).
* **tag vocabulary**: every tag in use, in its most used spelling, except a tag used once that
  is a near miss of a tag used by three notes or more (a probable typo).
"""

from __future__ import annotations

import dataclasses
import difflib
import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from vaultlint.model import Note
from vaultlint.parse.frontmatter import INVALID
from vaultlint.parse.property_values import (
    OBSIDIAN_TYPES,
    is_empty,
    value_problems,
    written_text,
)
from vaultlint.vault.date_conventions import best_formats

#: the fewest notes a folder convention is drawn from
MIN_NOTES = 3
#: property types tried from the most specific to the least (the first that holds is taken)
_TYPE_ORDER = ("checkbox", "number", "date", "datetime", "text", "multitext")
#: date formats recognised in values that are not Obsidian's YYYY-MM-DD
DATE_FORMATS = (
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%Y/%m/%d",
    "%d-%m-%Y",
    "%Y%m%d",
    "%B %d, %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%d %b %Y",
)


def holds(follow: int, miss: int) -> bool:
    """Whether a convention that ``follow`` notes follow and ``miss`` notes break holds: three
    notes or more follow it, and at most one in five (and at most a quarter) break it."""
    return follow >= MIN_NOTES and miss <= max(1, (follow + miss) // 5) and follow >= 3 * miss


@dataclass(frozen=True)
class Count:
    follow: int
    miss: int
    #: a few of the notes that do not follow it (for the comment)
    examples: tuple[str, ...] = ()

    def comment(self) -> str:
        text = f"{self.follow} notes follow this, {self.miss} do not"
        if self.examples:
            text += ": " + ", ".join(self.examples)
        return text


@dataclass(frozen=True)
class PropertyType:
    key: str
    type: str
    format: str | None
    count: Count


@dataclass(frozen=True)
class FolderKeys:
    folder: str  # "" for the whole vault
    keys: tuple[tuple[str, Count], ...]
    exclude: tuple[str, ...] = ()  # sub-folders left out
    folders: tuple[str, ...] = ()  # all the folders the rule is for (``folder`` first)

    def __post_init__(self) -> None:
        if not self.folders:
            object.__setattr__(self, "folders", (self.folder,))


@dataclass(frozen=True)
class FolderSections:
    folder: str
    sections: tuple[str, ...]
    level: int | None
    order: bool
    count: Count
    order_count: Count | None
    exclude: tuple[str, ...] = ()  # sub-folders left out (they have sections of their own)
    folders: tuple[str, ...] = ()  # all the folders the rule is for (``folder`` first)

    def __post_init__(self) -> None:
        if not self.folders:
            object.__setattr__(self, "folders", (self.folder,))


@dataclass(frozen=True)
class TagVocabulary:
    tags: tuple[tuple[str, int], ...]  # (spelling, notes using it), most used first
    left_out: tuple[tuple[str, str], ...]  # (tag used once, the tag it is probably a typo of)


@dataclass(frozen=True)
class BodyDates:
    kind: str  # "day" or "month"
    format: str  # strftime
    count: Count  # notes writing every date of that kind in their body in it, and the others


@dataclass
class Conventions:
    notes: int
    declared: dict[str, str]  # types.json, by its own spelling
    declared_counts: dict[str, Count] = field(default_factory=dict)
    types: list[PropertyType] = field(default_factory=list)
    keys: list[FolderKeys] = field(default_factory=list)
    sections: list[FolderSections] = field(default_factory=list)
    tags: TagVocabulary | None = None
    body_dates: tuple[BodyDates, ...] = ()  # the day format first


def _examples(paths: Iterable[str], limit: int = 3) -> tuple[str, ...]:
    items = sorted(paths)
    shown = tuple(posixpath.basename(p).removesuffix(".md") for p in items[:limit])
    return (*shown, f"+{len(items) - limit} more") if len(items) > limit else shown


def _folders(path: str) -> list[str]:
    """The folders a note is below, from the vault root (``""``) down."""
    parts = path.split("/")[:-1]
    return ["", *("/".join(parts[: i + 1]) for i in range(len(parts)))]


# --- property types ---------------------------------------------------------------------------


def _date_format(texts: Sequence[str]) -> str | None:
    """The one format of :data:`DATE_FORMATS` nearly every text follows, or None."""
    best: tuple[int, str] | None = None
    for fmt in DATE_FORMATS:
        ok = 0
        for text in texts:
            try:
                datetime.strptime(text, fmt)
            except ValueError:
                continue
            ok += 1
        if best is None or ok > best[0]:
            best = (ok, fmt)
    if best is not None and holds(best[0], len(texts) - best[0]):
        return best[1]
    return None


def infer_types(notes: Sequence[Note], declared: dict[str, str]) -> list[PropertyType]:
    """A type for each property ``types.json`` does not declare, when one holds."""
    folded_declared = {k.casefold() for k in declared} | {"tags", "aliases", "cssclasses"}
    by_key: dict[str, list[tuple[str, object]]] = defaultdict(list)
    spelling: dict[str, Counter[str]] = defaultdict(Counter)
    for note in notes:
        seen = set()
        for fld in note.fields:
            if not isinstance(fld.key, str) or is_empty(fld.value, fld.source):
                continue
            folded = fld.key.casefold()
            if folded in folded_declared or folded in seen:
                continue
            seen.add(folded)
            spelling[folded][fld.key] += 1
            by_key[folded].append((note.path, fld))
    found = []
    for folded, entries in sorted(by_key.items()):
        key = spelling[folded].most_common(1)[0][0]
        if len(entries) < MIN_NOTES:
            continue
        for kind in _TYPE_ORDER:
            misses = [p for p, fld in entries if value_problems(kind, fld)]  # type: ignore[arg-type]
            if holds(len(entries) - len(misses), len(misses)):
                if kind == "text":
                    fmt = _date_format(
                        [written_text(f.value, f.source) for _, f in entries]  # type: ignore[attr-defined]
                    )
                    if fmt is not None:
                        misses = [
                            p
                            for p, f in entries
                            if not _fits_format(written_text(f.value, f.source), fmt)  # type: ignore[attr-defined]
                        ]
                        found.append(PropertyType(key, "date", fmt, _count(entries, misses)))
                        break
                found.append(PropertyType(key, kind, None, _count(entries, misses)))
                break
    return found


def _fits_format(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def _count(entries: Sequence[tuple[str, object]], misses: Sequence[str]) -> Count:
    return Count(len(entries) - len(misses), len(misses), _examples(misses))


def count_declared(notes: Sequence[Note], declared: dict[str, str]) -> dict[str, Count]:
    """For each declared type: the notes whose value fits it and those whose value does not."""
    by_folded = {k.casefold(): (k, t) for k, t in declared.items() if t in OBSIDIAN_TYPES}
    follow: Counter[str] = Counter()
    misses: dict[str, list[str]] = defaultdict(list)
    for note in notes:
        for fld in note.fields:
            if not isinstance(fld.key, str):
                continue
            entry = by_folded.get(fld.key.casefold())
            if entry is None or is_empty(fld.value, fld.source):
                continue
            if value_problems(entry[1], fld):
                misses[entry[0]].append(note.path)
            else:
                follow[entry[0]] += 1
    return {
        k: Count(follow[k], len(misses[k]), _examples(misses[k]))
        for k in declared
        if follow[k] or misses[k]
    }


# --- required keys and sections per folder ----------------------------------------------------


def _by_folder(notes: Sequence[Note]) -> dict[str, list[Note]]:
    """The notes below each folder. The vault root is a folder only when no note is in a
    folder: notes at the root of a vault with folders are its index and home pages."""
    folders: dict[str, list[Note]] = defaultdict(list)
    nested = any("/" in n.path for n in notes)
    for note in notes:
        for folder in _folders(note.path):
            if folder or not nested:
                folders[folder].append(note)
    return folders


def _merge_keys(found: list[FolderKeys]) -> list[FolderKeys]:
    """Rules with the same keys (and nothing left out) for several folders become one."""
    merged: dict[tuple[str, ...], list[FolderKeys]] = defaultdict(list)
    out: list[FolderKeys] = []
    for fk in found:
        if fk.exclude:
            out.append(fk)
        else:
            merged[tuple(k for k, _ in fk.keys)].append(fk)
    for names, group in merged.items():
        keys = []
        for i, name in enumerate(names):
            counts = [g.keys[i][1] for g in group]
            misses = [e for c in counts for e in c.examples if not e.startswith("+")]
            keys.append(
                (
                    name,
                    Count(
                        sum(c.follow for c in counts),
                        sum(c.miss for c in counts),
                        _examples(misses) if misses else (),
                    ),
                )
            )
        folders = tuple(f for g in group for f in g.folders)
        out.append(FolderKeys(folders[0], tuple(keys), (), folders))
    return sorted(out, key=lambda fk: fk.folders)


def _merge_sections(found: list[FolderSections]) -> list[FolderSections]:
    """Rules with the same sections (and nothing left out) for several folders become one."""
    merged: dict[tuple, list[FolderSections]] = defaultdict(list)
    out: list[FolderSections] = []
    for fs in found:
        if fs.exclude:
            out.append(fs)
        else:
            merged[(fs.sections, fs.level, fs.order)].append(fs)

    def total(counts: list[Count]) -> Count:
        misses = [e for c in counts for e in c.examples if not e.startswith("+")]
        return Count(sum(c.follow for c in counts), sum(c.miss for c in counts), _examples(misses))

    for group in merged.values():
        first = group[0]
        order_counts = [g.order_count for g in group if g.order_count is not None]
        out.append(
            dataclasses.replace(
                first,
                count=total([g.count for g in group]),
                order_count=total(order_counts) if first.order else None,
                folders=tuple(f for g in group for f in g.folders),
            )
        )
    return sorted(out, key=lambda fs: fs.folders)


def _present(note: Note, folded: str) -> bool:
    return any(
        isinstance(f.key, str) and f.key.casefold() == folded and not is_empty(f.value, f.source)
        for f in note.fields
    )


def _below(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")


def _depth_order(folders: Iterable[str]) -> list[str]:
    return sorted(folders, key=lambda f: (f.count("/") + 1 if f else 0, f))


def _maximal(folders: Iterable[str]) -> tuple[str, ...]:
    """The folders not below another of them."""
    chosen: list[str] = []
    for folder in _depth_order(folders):
        if not any(_below(folder, c) for c in chosen):
            chosen.append(folder)
    return tuple(chosen)


def infer_keys(notes: Sequence[Note]) -> list[FolderKeys]:
    """Keys with a value in nearly every note below a folder; sub-folders (of three notes or
    more) where the key does not hold are left out of the rule."""
    folders = {f: m for f, m in _by_folder(notes).items() if len(m) >= MIN_NOTES}
    holding: dict[str, set[str]] = {}
    spelling: dict[str, Counter[str]] = defaultdict(Counter)
    for folder, members in folders.items():
        has: Counter[str] = Counter()
        for note in members:
            keys = set()
            for fld in note.fields:
                if isinstance(fld.key, str) and not is_empty(fld.value, fld.source):
                    keys.add(fld.key.casefold())
                    spelling[fld.key.casefold()][fld.key] += 1
            has.update(keys)
        holding[folder] = {k for k, n in has.items() if holds(n, len(members) - n)}
    # (folder, key) -> the sub-folders left out of it
    assigned: dict[tuple[str, str], tuple[str, ...]] = {}
    for folder in _depth_order(folders):
        for key in sorted(holding[folder]):
            covered = any(
                k == key
                and _below(folder, f)
                and folder != f
                and not any(_below(folder, x) for x in ex)
                for (f, k), ex in assigned.items()
            )
            if covered:
                continue
            assigned[(folder, key)] = _maximal(
                g for g in folders if g != folder and _below(g, folder) and key not in holding[g]
            )
    found = []
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for (folder, key), excluded in assigned.items():
        groups[(folder, excluded)].append(key)
    for (folder, excluded), keys in sorted(groups.items()):
        members = [n for n in folders[folder] if not any(_below(n.path, x) for x in excluded)]
        counted = []
        for folded in sorted(keys):
            missing = [n.path for n in members if not _present(n, folded)]
            if not holds(len(members) - len(missing), len(missing)):
                continue
            name = spelling[folded].most_common(1)[0][0]
            counted.append(
                (name, Count(len(members) - len(missing), len(missing), _examples(missing)))
            )
        if counted:
            found.append(FolderKeys(folder, tuple(counted), excluded))
    return _merge_keys(found)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def infer_sections(notes: Sequence[Note]) -> list[FolderSections]:
    """Headings nearly every note below a folder has (the title heading aside). A sub-folder
    with sections of its own is left out of its parent's rule (no heading reported twice)."""
    folders = {f: m for f, m in _by_folder(notes).items() if len(m) >= MIN_NOTES}
    found: dict[str, FolderSections] = {}
    for folder in _depth_order(folders):
        conv = _sections_of(folder, folders[folder])
        if conv is None:
            continue
        parents = [f for f in found if f != folder and _below(folder, f)]
        if parents:
            nearest = max(parents, key=len)
            same = found[nearest]
            if (same.sections, same.level, same.order) == (conv.sections, conv.level, conv.order):
                continue
        found[folder] = conv
    result = []
    for folder, conv in found.items():
        excluded = _maximal(f for f in found if f != folder and _below(f, folder))
        if excluded:
            members = [n for n in folders[folder] if not any(_below(n.path, x) for x in excluded)]
            redone = _sections_of(folder, members) if len(members) >= MIN_NOTES else None
            if redone is None:
                continue
            conv = dataclasses.replace(redone, exclude=excluded)
        result.append(conv)
    return _merge_sections(result)


def _sections_of(folder: str, members: Sequence[Note]) -> FolderSections | None:
    has: Counter[str] = Counter()
    levels: dict[str, Counter[int]] = defaultdict(Counter)
    spelling: dict[str, Counter[str]] = defaultdict(Counter)
    for note in members:
        seen = set()
        title = _norm(posixpath.basename(note.path).removesuffix(".md"))
        for heading in note.headings:
            key = _norm(heading.text)
            if not key or key == title or key in seen:
                continue
            seen.add(key)
            levels[key][heading.level] += 1
            spelling[key][" ".join(heading.text.split())] += 1
        has.update(seen)
    holding = [k for k, n in has.items() if holds(n, len(members) - n)]
    if not holding:
        return None
    # the usual order: by the mean position among the headings of the notes having it
    position: dict[str, list[int]] = defaultdict(list)
    sequences = []
    for note in members:
        seq: list[str] = []
        for heading in note.headings:
            key = _norm(heading.text)
            if key in holding and key not in seq:
                seq.append(key)
        for i, key in enumerate(seq):
            position[key].append(i)
        sequences.append((note.path, seq))
    ordered = sorted(holding, key=lambda k: (sum(position[k]) / len(position[k]), k))
    all_levels: Counter[int] = Counter()
    for k in ordered:
        all_levels.update(levels[k])
    level, n_level = all_levels.most_common(1)[0]
    level_holds = n_level == sum(all_levels.values())
    complete = [p for p, seq in sequences if set(ordered) <= set(seq)]
    missing = [p for p, seq in sequences if not set(ordered) <= set(seq)]
    in_order = [
        p for p, seq in sequences if set(ordered) <= set(seq) and _subsequence(seq, ordered)
    ]
    order_misses = sorted(set(complete) - set(in_order))
    order = len(ordered) > 1 and holds(len(in_order), len(order_misses))
    return FolderSections(
        folder,
        tuple(spelling[k].most_common(1)[0][0] for k in ordered),
        level if level_holds else None,
        order,
        Count(len(complete), len(missing), _examples(missing)),
        Count(len(in_order), len(order_misses), _examples(order_misses)) if order else None,
    )


def _subsequence(seq: list[str], ordered: list[str]) -> bool:
    """Whether the ``ordered`` headings appear in ``seq`` in that order."""
    wanted = [k for k in seq if k in set(ordered)]
    return wanted == list(ordered)


# --- tags -------------------------------------------------------------------------------------


def infer_tags(notes: Sequence[Note]) -> TagVocabulary | None:
    notes_with: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for note in notes:
        keys = set()
        for tag in note.tags:
            keys.add(tag.key)
            spellings[tag.key][tag.name] += 1
        notes_with.update(keys)
    if not notes_with:
        return None
    common = [k for k, n in notes_with.items() if n >= MIN_NOTES]
    singles = [k for k, n in notes_with.items() if n == 1]
    # a vault whose tags are shared (at most one in five used by a single note): a tag used
    # once breaks that habit; otherwise only a near miss of a common tag is left out
    shared = len(notes_with) >= MIN_NOTES and len(singles) <= max(1, len(notes_with) // 5)
    kept, left_out = [], []
    for key, n in sorted(notes_with.items(), key=lambda kv: (-kv[1], kv[0])):
        spelling = spellings[key].most_common(1)[0][0]
        if n == 1:
            near = difflib.get_close_matches(key, common, n=1, cutoff=0.85)
            if near or shared:
                left_out.append((spelling, spellings[near[0]].most_common(1)[0][0] if near else ""))
                continue
        kept.append((spelling, n))
    return TagVocabulary(tuple(kept), tuple(left_out))


def infer(notes: Sequence[Note], declared: dict[str, str]) -> Conventions:
    """Every convention of the notes (already parsed; templates and excluded notes left out).
    Notes whose frontmatter is not valid YAML say nothing about properties."""
    readable = [n for n in notes if not any(p.code == INVALID for p in n.problems)]
    return Conventions(
        notes=len(notes),
        declared=declared,
        declared_counts=count_declared(readable, declared),
        types=infer_types(readable, declared),
        keys=infer_keys(readable),
        sections=infer_sections(notes),
        tags=infer_tags(notes),
        body_dates=infer_body_dates(notes),
    )


def infer_body_dates(notes: Sequence[Note]) -> tuple[BodyDates, ...]:
    """The formats days and months are written in in note bodies: each when nearly every note
    with such dates in its body writes all of them in it."""
    found = []
    for kind, fit in best_formats(notes).items():
        if holds(len(fit.follow), len(fit.miss)):
            found.append(
                BodyDates(
                    kind, fit.format, Count(len(fit.follow), len(fit.miss), _examples(fit.miss))
                )
            )
    return tuple(found)


def read_notes(root: Path) -> list[Note]:
    """The vault's linted notes, parsed (templates and Obsidian's excluded files left out)."""
    from vaultlint.lint.batch import read_and_parse
    from vaultlint.vault.discovery import excluded_reason, obsidian_excludes, walk_vault

    files = walk_vault(root)
    obsidian = obsidian_excludes(root)
    notes = []
    for path in files.notes:
        if excluded_reason(path, (), obsidian) is None:
            notes.append(read_and_parse(str(root), path)[0])
    return notes
