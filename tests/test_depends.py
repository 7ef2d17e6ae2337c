"""A note's dependency keys (lint/depends.py ``note_keys``, made in C passes) are those of the
definition, key by key and in order, and a row's ``tags``/``aliases``/``keys`` columns
(lint/row.py ``lines_text``) say "not known" exactly when an item cannot be kept one a line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultlint.lint.depends import TAG, name_keys, note_keys, target_keys
from vaultlint.lint.row import lines_text
from vaultlint.model import NoteSummary
from vaultlint.vault.index import fold


def _defined(summary: NoteSummary) -> tuple[str, ...]:
    """note_keys as the module docstring defines it: one key at a time."""
    keys: dict[str, None] = dict.fromkeys(name_keys(summary.path))
    for alias in summary.aliases:
        keys[fold(alias.strip())] = None
    for target in summary.links:
        if target:
            keys.update(dict.fromkeys(target_keys(target)))
    for tag in summary.tags:
        keys[TAG + tag.lower()] = None
    return tuple(keys)


def _summary(path="Folder/Note.md", tags=(), aliases=(), links=()) -> NoteSummary:
    return NoteSummary(path, (), (), tuple(tags), tuple(aliases), tuple(links))


def test_a_notes_keys_in_order():
    summary = _summary(
        "Projects/Plan.md",
        tags=("Work", "work/Deep"),
        aliases=(" The Plan ", "plan"),
        links=("Other", "Sub/Thing.md", "", "  Spaced  ", "plan", "other#x", "A/B/C.md"),
    )
    assert note_keys(summary) == (
        "plan",
        "the plan",
        "other",
        "thing",
        "sub/thing.md",
        "spaced",
        "other#x",
        "c",
        "a/b/c.md",
        "#work",
        "#work/deep",
    )


def test_keys_fold_unicode_as_one_text_at_a_time_would():
    # a decomposed é folds to the composed one, a final sigma stays final in each text, a
    # target holding a NUL is folded alone (the joined pass cannot tell it from a boundary)
    summary = _summary(
        "Caf\u00e9.md",
        aliases=("Cafe\u0301", "\u039f\u0394\u039f\u03a3"),
        links=("\u039f\u0394\u039f\u03a3", "a\0b.md", "\u0130stanbul/X.MD"),
        tags=("\u00c9t\u00e9",),
    )
    assert note_keys(summary) == _defined(summary)
    assert "caf\u00e9" in note_keys(summary)
    assert "\u03bf\u03b4\u03bf\u03c2" in note_keys(summary)  # ends in the final sigma
    assert "a\0b" in note_keys(summary)


_PIECES = ["a", "B", " ", "/", ".", ".md", ".MD", "\u0301", "\u00e9", "\u03a3", "\0", "\t"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    path=_TEXT.map(lambda t: t.replace("/", "") + ".md"),
    tags=st.lists(_TEXT, max_size=4),
    aliases=st.lists(_TEXT, max_size=3),
    links=st.lists(_TEXT, max_size=6),
)
def test_note_keys_are_the_definitions(path, tags, aliases, links):
    summary = _summary(path, tags, aliases, links)
    assert note_keys(summary) == _defined(summary)
    assert note_keys(tuple(summary)) == _defined(summary)  # a plain tuple of that shape too


def test_lines_text():
    assert lines_text(()) == ""
    assert lines_text(("one",)) == "one"
    assert lines_text(("one", "two")) == "one\ntwo"
    assert lines_text(("one", "")) is None  # an empty item
    assert lines_text(("one", "t\nwo")) is None  # an item holding a line break
    assert lines_text(("\n",)) is None
    assert lines_text(("a", "\ud800")) is None  # not UTF-8
    assert lines_text(("caf\u00e9",)) == "caf\u00e9"
