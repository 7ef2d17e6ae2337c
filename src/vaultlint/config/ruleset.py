"""Resolved rules: what the configuration turns into, and what the engine runs.

A *rule* is a configured instance of a *check*: an id, a severity, a scope (``where``) and the
check's options (an instance of the check's ``Options`` dataclass, already validated).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vaultlint.globs import glob_match
from vaultlint.model import Note


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Where:
    """Which notes a rule applies to; every given condition must hold.

    ``paths``/``exclude``: gitignore-style globs on the vault-relative path. ``tags``: the note
    has one of these tags, case-insensitively, a nested tag counting for its parents.
    ``frontmatter``: each key is present with this value (or one of these values).
    """

    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    frontmatter: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def matches(self, note: Note) -> bool:
        if self.paths and not glob_match(self.paths, note.path):
            return False
        if self.exclude and glob_match(self.exclude, note.path):
            return False
        if self.tags:
            wanted = {t.lower().lstrip("#") for t in self.tags}
            have = set()
            for key in note.tag_keys:
                parts = key.split("/")
                have.update("/".join(parts[: i + 1]) for i in range(len(parts)))
            if not wanted & have:
                return False
        for key, values in self.frontmatter:
            data = note.frontmatter or {}
            if key not in data:
                return False
            actual = data[key]
            actual_items = actual if isinstance(actual, list) else [actual]
            wanted_text = {_as_text(v).lower() for v in values}
            if not any(_as_text(a).lower() in wanted_text for a in actual_items):
                return False
        return True


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
