"""Resolved rules: what the configuration turns into, and what the engine runs.

A *rule* is a configured instance of a *check*: an id, a severity, a scope (``where``) and the
check's options (an instance of the check's ``Options`` dataclass, already validated).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vaultlint.globs import glob_match
from vaultlint.model import Note


def same_value(wanted: Any, actual: Any) -> bool:
    """Whether a config's value matches a note's, both as YAML 1.2 reads them: strings
    case-insensitively, numbers by value (``1`` matches ``1.0``), booleans and null only
    themselves (``yes`` is the text 'yes', never the boolean true)."""
    if isinstance(wanted, str) or isinstance(actual, str):
        return (
            isinstance(wanted, str)
            and isinstance(actual, str)
            and wanted.casefold() == actual.casefold()
        )
    if isinstance(wanted, bool) or isinstance(actual, bool) or wanted is None or actual is None:
        return type(wanted) is type(actual) and wanted == actual
    if isinstance(wanted, int | float) and isinstance(actual, int | float):
        return wanted == actual
    return False


@dataclass(frozen=True)
class Where:
    """Which notes a rule applies to; every given condition must hold.

    ``paths``/``exclude``: gitignore-style globs on the vault-relative path. ``tags``: the note
    has one of these tags, case-insensitively, a nested tag counting for its parents;
    ``exclude_tags``: it has none of these (matched the same way).
    ``frontmatter``: each key is present with this value (or one of these values), compared as
    the note's YAML 1.2 reads it (:func:`same_value`; a list value matches when one of its items
    does). ``has``: each of these keys is present (any value, empty included). ``missing``: none
    of these keys is present. Keys are compared exactly, as Obsidian's property names are.
    """

    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    frontmatter: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    has: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def matches(self, note: Note) -> bool:
        if self.paths and not glob_match(self.paths, note.path):
            return False
        if self.exclude and glob_match(self.exclude, note.path):
            return False
        if self.tags or self.exclude_tags:
            have = _tags_and_parents(note)
            if self.tags and not {t.lower().lstrip("#") for t in self.tags} & have:
                return False
            if {t.lower().lstrip("#") for t in self.exclude_tags} & have:
                return False
        if not (self.has or self.missing or self.frontmatter):
            return True  # most rules: no generator made per note
        data = note.frontmatter if isinstance(note.frontmatter, dict) else {}
        if any(key not in data for key in self.has):
            return False
        if any(key in data for key in self.missing):
            return False
        for key, values in self.frontmatter:
            if key not in data:
                return False
            actual = data[key]
            actual_items = actual if isinstance(actual, list) else [actual]
            if not any(same_value(v, a) for v in values for a in actual_items):
                return False
        return True


def _tags_and_parents(note: Note) -> set[str]:
    """The note's tag keys, each with its parents (``a/b`` gives ``a`` and ``a/b``)."""
    have: set[str] = set()
    for key in note.tag_keys:
        parts = key.split("/")
        have.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return have


EVERYWHERE = Where()


@dataclass(frozen=True)
class Rule:
    """One configured rule. ``origin`` says where it was defined (``file:line``)."""

    id: str
    check: str
    severity: str
    options: Any
    where: Where = EVERYWHERE
    message: str | None = None
    description: str | None = None
    origin: str = ""

    @property
    def enabled(self) -> bool:
        return self.severity != "off"
