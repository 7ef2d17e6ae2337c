"""The ``tag-syntax`` check: frontmatter tags that Obsidian would not accept."""

from __future__ import annotations

from collections.abc import Iterator

from vaultlint.checks.base import Check, CheckContext, DocExample
from vaultlint.diagnostic import Diagnostic
from vaultlint.model import Field, Note, Span
from vaultlint.parse.linktext import TAG_BODY


def tag_problem(name: str) -> str | None:
    """Why Obsidian would reject ``name`` as a tag (without ``#``), or None when it is fine."""
    if not name:
        return "an empty tag"
    if name.isascii() and name.isdigit():  # Obsidian's rule is about 0-9 only
        return "a tag needs at least one character that is not a digit"
    if TAG_BODY.fullmatch(name) is not None:
        return None
    bad = [c for c in name if TAG_BODY.fullmatch(c) is None]
    if any(c.isspace() for c in bad):
        return "tags cannot contain spaces; use '-' or '_' instead, or '/' for nesting"
    shown = "".join(dict.fromkeys(bad))
    return f"tags cannot contain {shown!r}"


class TagSyntaxCheck(Check):
    """Frontmatter tags that Obsidian would not accept as tags.

    ## What it does
    Checks each item of the `tags` property: a tag must not contain spaces or punctuation other
    than `-`, `_` and `/`, and must not be only digits. It also reports `tags: a, b` (one string
    with commas, which Obsidian 1.9+ reads as no tags at all: write a list). The `tag` key,
    which Obsidian ignores since 1.9, is reported by the `property-types` check.

    ## Why
    Obsidian silently drops such tags: the note does not show up under the tag you meant.

    ## Example
    `tags: [space policy, 2025]` is reported twice; `tags: [space-policy, y2025]` passes.

    ## Options
    None.
    """

    name = "tag-syntax"
    summary = "Frontmatter tags must be tags Obsidian accepts (no spaces, not only digits)."
    examples = (
        DocExample(
            "a space and a number",
            {"Note.md": "---\ntags: [space policy, 2025]\n---\n"},
            {},
            ((2, 8), (2, 22)),
        ),
        DocExample("valid tags", {"Note.md": "---\ntags: [space-policy, y2025]\n---\n"}, {}, ()),
    )

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        for fld in note.fields:
            key = fld.key.lower() if isinstance(fld.key, str) else ""
            if key == "tags":  # the dropped `tag` key is the property-types check's
                yield from self._check_tags(note, fld, ctx)

    def _check_tags(self, note: Note, fld: Field, ctx: CheckContext) -> Iterator[Diagnostic]:
        if isinstance(fld.value, str):
            if "," in fld.value:
                yield ctx.diagnostic(
                    note,
                    fld.value_span,
                    "Obsidian reads 'tags: a, b' as no tags at all; write a list: tags: [a, b]",
                )
                return
            items = [(fld.value, fld.value_span)]
        elif isinstance(fld.value, list):
            items = [(item.value, item.span) for item in fld.items]
        elif fld.value is None:
            return
        else:
            items = [(fld.value, fld.value_span)]
        for value, span in items:
            if value is None:
                continue
            name = str(value).strip()
            if isinstance(value, str) and name.startswith("#"):
                name = name[1:]
            why = tag_problem(name)
            if why is not None:
                yield ctx.diagnostic(
                    note, Span(span.start, span.end), f"invalid tag '{name}': {why}"
                )
