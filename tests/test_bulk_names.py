"""The name tables built in bulk (vault/index.py ``fold_all``, the name index read from the
index's own table of names) give what folding name by name gives."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from vaultlint.vault.index import VaultIndex, fold, fold_all
from vaultlint.vault.names import NameIndex

# letters that fold in context or to several characters: final sigma, dotted I, Kelvin
_TRICKY = st.sampled_from(["Σ", "σ", "ς", "İ", "K", "e\u0301", "\u0301", "A", "a", ".", "/", " "])
_TEXT = st.lists(st.one_of(_TRICKY, st.characters(blacklist_categories=("Cs",))), max_size=8).map(
    "".join
)


@given(st.lists(_TEXT, max_size=12))
def test_fold_all_is_fold_of_each(texts: list[str]) -> None:
    assert fold_all(texts) == [fold(t) for t in texts]


def test_fold_all_of_texts_holding_a_nul_folds_each_alone() -> None:
    assert fold_all(["A\0B", "Σ"]) == ["a\0b", "σ"]
    assert fold_all([]) == []
    assert fold_all([""]) == [""]


def _reference(index: VaultIndex) -> dict[str, list[str]]:
    """Notes by folded name without ``.md``, folded name by name (in the index's order)."""
    out: dict[str, list[str]] = {}
    for path in index.summaries:
        if path.lower().endswith(".md"):
            out.setdefault(fold(posixpath.basename(path)[:-3]), []).append(path)
    return out


_NAME = st.lists(st.sampled_from(["a", "B", "ΑΣ", "ας", "x y", "K", "1"]), min_size=1, max_size=3)
_PATH = st.tuples(
    st.sampled_from(["", "f/", "F/g/", "Σ/"]),
    _NAME.map("".join),
    st.sampled_from([".md", ".MD", ".canvas", ".png"]),
).map("".join)


@given(st.lists(_PATH, unique_by=fold, max_size=10), st.lists(_NAME.map("".join), max_size=4))
def test_the_name_index_finds_the_notes_of_a_name_as_name_by_name(
    paths: list[str], asked: list[str]
) -> None:
    notes = {p: None for p in paths if not p.endswith(".png")}
    index = VaultIndex({}, [p for p in paths if p.endswith(".png")])
    for path in notes:
        index.add(_summary(path))
    names = NameIndex(index)
    reference = _reference(index)
    for name in [*reference, *asked]:
        assert names.notes_named(name) == sorted(reference.get(fold(name), []))  # by path


def _summary(path: str):
    from vaultlint.model import NoteSummary

    return NoteSummary(path, (), (), (), (), ())


def test_near_names_of_ascii_and_greek_vaults() -> None:
    # the ASCII table is read from the index's names; a final sigma is folded name by name
    ascii_index = VaultIndex({}, [])
    greek_index = VaultIndex({}, [])
    for path in ("a/Project Plan.md", "b/Project Plan.md", "Budget.md"):
        ascii_index.add(_summary(path))
    for path in ("ΑΣ.md", "Project Plan.md"):
        greek_index.add(_summary(path))
    assert NameIndex(ascii_index).near_file("Project Plam", "a/x.md") == "a/Project Plan.md"
    assert NameIndex(ascii_index).notes_named("project plan") == [
        "a/Project Plan.md",
        "b/Project Plan.md",
    ]
    assert NameIndex(greek_index).notes_named("ας") == ["ΑΣ.md"]
    assert NameIndex(greek_index).near_file("Project Plam", "x.md") == "Project Plan.md"
