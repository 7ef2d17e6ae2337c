"""The ``property-types`` check: property values must fit the types of ``.obsidian/types.json``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from vaultlint.checks.base import Check, CheckContext, DocExample, FileProblem
from vaultlint.diagnostic import Diagnostic, Edit, Fix
from vaultlint.model import Field, Note, Span
from vaultlint.parse.property_values import (
    DEFAULT_TYPES,
    DROPPED_KEYS,
    TYPE_NAMES,
    quote_link_text,
    unquoted_links,
    value_problems,
)
from vaultlint.vault.property_types import (
    TYPES_JSON,
    PropertyTypes,
    TypesFileError,
    read_property_types,
    types_file,
)

_TYPES = '{"types": {"rating": "number", "due": "date", "done": "checkbox"}}'


def _quote_fix(note: Note, span: Span) -> Fix:
    """Quotes around an unquoted ``[[Note]]`` (what Obsidian itself writes)."""
    quoted = quote_link_text(note.text[span.start : span.end])
    return Fix("add the quotes", (Edit(span.start, span.end, quoted),))


def _plural_key(key: str) -> str | None:
    """The key that replaced a dropped one, spelled in the same case (``Tag`` → ``Tags``)."""
    plural = DROPPED_KEYS.get(key.casefold())
    if plural is None:
        return None
    if key.isupper():
        return plural.upper()
    if key[:1].isupper():
        return plural.capitalize()
    return plural


class PropertyTypesCheck(Check):
    """Property values must fit the type Obsidian gives the property in `.obsidian/types.json`.

    ## What it does
    When the vault has `.obsidian/types.json` (where Obsidian keeps one type per property name,
    set in the Properties view), every property value is judged against its property's type,
    as written in the file (not as YAML would convert it):

    - `text`: one line of text (a number or `true` is text as written); not a list or mapping;
    - `multitext` (Obsidian's "List"): a list of values, or a single value;
    - `number`: a decimal number written without quotes: `1977`, `3.14`, `-2`, `1e3`;
    - `checkbox`: `true` or `false` without quotes (`yes`, `"true"` are text);
    - `date`: `YYYY-MM-DD`, a real calendar day; `datetime`: `YYYY-MM-DDTHH:mm`, seconds optional;
    - `aliases` and `tags`: a list of values, or a single value (the validity of each tag is the
      `tag-syntax` check's job).

    `tags`, `aliases` (and `cssclasses`, a list) have these types in every vault. An empty value
    (`key:`, `key: ""`, `key: []`) fits every type, as in Obsidian. Property names compare
    case-insensitively. The diagnostic points at the value, or at the list item that does not fit.

    With or without `types.json`, it also reports:
    - `tag`, `alias` and `cssclass`, the keys Obsidian deprecated in 1.4 and stopped reading in
      1.9, at the key, with a safe fix that renames it (`tags`, `aliases`, `cssclasses`) when the
      note does not have that key already;
    - `key: [[Note]]` without quotes, which YAML reads as a list inside a list (Obsidian shows
      no link): write `key: "[[Note]]"` (a safe fix adds the quotes).

    The decisions, with Obsidian's own documentation as evidence, are in `docs/properties.md`.

    ## Why
    Obsidian's Properties view shows a value that does not fit its type as a mismatch, and
    Bases, search and sorting skip it: `rating: "7"` does not sort among numbers, `due: 12/03`
    is no date, `author: [[Steph]]` is no link and `alias:` no longer makes an alias.

    ## Example
    With `.obsidian/types.json` holding `{"types": {"rating": "number", "last": "date"}}`,
    `rating: 7` and `last: 2023-09-12` pass; `rating: "7"`, `rating: seven` and
    `last: "[[2022-04]]"` are reported at the value.

    ## Options
    None: the types come from `.obsidian/types.json`, read once per run. A `types.json` that is
    not valid JSON, not of that shape, or a link to outside the vault, is a configuration
    error at its own path (and the line and column of a JSON error). A type it does not know
    (a plugin's) leaves that property alone.
    """

    name = "property-types"
    summary = "Property values must fit their type in .obsidian/types.json; no dropped keys."
    examples = (
        DocExample(
            "values of the wrong type",
            {
                ".obsidian/types.json": _TYPES,
                "Note.md": '---\nrating: "7"\ndue: 12/03/2025\ndone: yes\n---\n',
            },
            {},
            ((2, 9), (3, 6), (4, 7)),
        ),
        DocExample(
            "values that fit, and empty values",
            {
                ".obsidian/types.json": _TYPES,
                "Note.md": "---\nrating: 4.5\ndue: 2025-03-12\ndone: false\ntags:\n---\n",
            },
            {},
            (),
        ),
        DocExample(
            "a key Obsidian no longer reads, and a link without quotes",
            {"Note.md": "---\nalias: Doggo\nparent: [[Dog]]\n---\n"},
            {},
            ((2, 1), (3, 9)),
        ),
    )

    def validate_options(self, options: object, vault: Path) -> Iterator[FileProblem]:
        try:
            read_property_types(vault)
        except TypesFileError as exc:
            yield FileProblem(
                types_file(vault),
                f"{exc.message}; Obsidian rewrites this file when a property's type is set",
                exc.line,
                exc.column,
            )

    def external_files(self, options: object, vault: Path) -> Iterable[Path]:
        return (types_file(vault),)

    def prepare(self, options: object, vault: Path | None) -> PropertyTypes | None:
        return read_property_types(vault) if vault is not None else None

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        # Runs on every note: each key is folded once; the note's set of keys is made only
        # for a dropped key (it asks whether the plural is there too).
        types: PropertyTypes | None = ctx.state
        declared = types.types if types is not None else None
        fields = note.fields
        keys: set[str] | None = None
        for fld in fields:
            key = fld.key
            if not isinstance(key, str):
                continue
            folded = key.casefold()
            if folded in DROPPED_KEYS:
                plural = _plural_key(key)
                if plural is not None:
                    if keys is None:
                        keys = {f.key.casefold() for f in fields if isinstance(f.key, str)}
                    yield self._dropped_key(note, fld, plural, plural.casefold() in keys, ctx)
                    continue
            kind = None
            if declared is not None:
                kind = declared.get(folded) or DEFAULT_TYPES.get(folded)
            if kind is None:
                if isinstance(fld.value, list):  # only a list can hold an unquoted [[link]]
                    for span, why in unquoted_links(fld):
                        yield ctx.diagnostic(note, span, why, fix=_quote_fix(note, span))
                continue
            for span, why in value_problems(kind, fld):
                fix = _quote_fix(note, span) if "without quotes" in why else None
                message = f"{why} ('{fld.key}' is a {TYPE_NAMES[kind]} property in {TYPES_JSON})"
                yield ctx.diagnostic(note, span, message, fix=fix)

    @staticmethod
    def _dropped_key(
        note: Note, fld: Field, plural: str, has_plural: bool, ctx: CheckContext
    ) -> Diagnostic:
        message = (
            f"Obsidian stopped reading the '{fld.key}' property in 1.9 (deprecated since 1.4); "
            f"rename it to '{plural}'"
        )
        fix = None
        if has_plural:
            message += f" (the note has '{plural}' already: merge the two)"
        elif note.text[fld.key_span.start : fld.key_span.end] == fld.key:
            fix = Fix(f"rename '{fld.key}' to '{plural}'", (Edit(*fld.key_span, plural),))
        return ctx.diagnostic(note, fld.key_span, message, fix=fix)
