"""The ``where`` of a rule: which notes it applies to, as an option schema (one source for the
validation and the JSON Schema)."""

from __future__ import annotations

from dataclasses import dataclass, field

from vaultlint.checks.base import option

#: a frontmatter value a config can compare with: a scalar as YAML 1.2 reads it
Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class WhereOptions:
    """Which notes the rule applies to; every condition given must hold."""

    paths: tuple[str, ...] = option(
        (), doc="The note's vault-relative path matches one of these globs (gitignore style)."
    )
    exclude: tuple[str, ...] = option((), doc="…and none of these globs.")
    tags: tuple[str, ...] = option(
        (),
        doc="The note has one of these tags (case-insensitive; a nested tag counts for its "
        "parents: `project/a` counts as `project`).",
    )
    exclude_tags: tuple[str, ...] = option(
        (),
        doc="…and none of these tags (matched as `tags` are: `MOC` also leaves out `moc/people`).",
    )
    frontmatter: dict[str, Scalar | tuple[Scalar, ...]] = field(
        default_factory=dict,
        metadata={
            "doc": "Each key is present with this value (a list: one of these values); values "
            "are compared as the note's YAML 1.2 reads them (`draft: yes` is the text 'yes', "
            "`draft: true` the boolean; text case-insensitively; a list property matches when "
            "one of its items does)."
        },
    )
    has: tuple[str, ...] = option(
        (), doc="The note's frontmatter has each of these keys (any value, empty included)."
    )
    missing: tuple[str, ...] = option(
        (),
        doc="The note's frontmatter has none of these keys (a note without frontmatter has none).",
    )
