"""VaultIndex.add / replace / remove (and add_file / remove_file): an index kept current one
note at a time answers every question exactly as one built from scratch from the same notes."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from vaultlint.parse import parse_note
from vaultlint.vault.index import VaultIndex

FOLDERS = ["", "a/", "b/", "a/c/"]
NAMES = ["Alpha", "beta", "Gamma", "alpha", "Δelta", "Note"]
TAGS = ["#Tag", "#tag", "#TAG", "#other", "#Other/sub", "#x"]
ALIASES = ["Crew", "crew", "Planz", "Other"]


def _note_text(rng: random.Random) -> str:
    lines = []
    if rng.random() < 0.4:
        lines += ["---", f"aliases: [{', '.join(rng.sample(ALIASES, rng.randint(1, 2)))}]", "---"]
    for _ in range(rng.randint(0, 4)):
        lines.append("#" * rng.randint(1, 3) + " " + rng.choice(["Intro", "Plan", "Sub", "Δ"]))
    lines.append(" ".join(rng.sample(TAGS, rng.randint(0, 3))))
    if rng.random() < 0.5:
        lines.append(f"para ^{rng.choice(['b1', 'B2', 'x'])}")
    return "\n".join(lines) + "\n"


def _vault(seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    paths = {f"{rng.choice(FOLDERS)}{rng.choice(NAMES)}.md" for _ in range(14)}
    return {p: _note_text(rng) for p in sorted(paths)}


LINKS = [
    f"{folder}{name}{sub}"
    for folder in ["", "a/", "c/", "../"]
    for name in [*NAMES, "missing", "img.png"]
    for sub in [""]
] + ["", "./Alpha", "a/c/Note"]
SUBPATHS = ["#Intro", "#Plan#Sub", "#Δ", "#^b1", "#^b2", "#^x", "#Missing"]


def answers(index: VaultIndex, sources: list[str]) -> dict:
    """Everything the checks ask an index, over a grid of questions."""
    out: dict = {
        "paths": sorted(index.paths),
        "others": sorted(index.others),
        "misspelled": index.misspelled_tags(),
    }
    for source in sources:
        for link in LINKS:
            out[("resolve", link, source)] = index.resolve(link, source)
    for link in LINKS:
        out[("ambiguity", link)] = index.ambiguity(link)
    for path in [*sources, "gone.md"]:
        for sub in SUBPATHS:
            out[("subpath", path, sub)] = index.has_subpath(path, sub)
    for tag in ["tag", "other", "other/sub", "x", "none"]:
        out[("spellings", tag)] = dict(index.tag_spellings(tag))
        out[("preferred", tag)] = index.preferred_spelling(tag)
    # what a broken link's suggestion asks (the names index is kept across updates)
    names = index.names
    for target in ["Alpah", "Gama", "Nte", "img.pgn", "Crew", "Planz", "Other", "nothing"]:
        out[("near", target)] = names.near_file(target, sources[0])
        out[("aliases", target)] = names.alias_owners(target)
        out[("named", target)] = names.notes_named(target)
    for path in sources:
        summary = index.summary(path)
        if summary is not None:
            for near in ["Intr", "Plam", "Sb"]:
                out[("near heading", path, near)] = names.near_heading(summary, near)
            for near in ["b", "b3", "xx"]:
                out[("near block", path, near)] = names.near_block(summary, near)
    return out


@pytest.mark.parametrize("seed", range(12))
def test_an_index_kept_current_equals_one_built_from_scratch(seed: int) -> None:
    rng = random.Random(1000 + seed)
    files = _vault(seed)
    notes = {p: parse_note(p, t) for p, t in files.items()}
    templates = {p for p in notes if rng.random() < 0.2}  # their tags do not count
    sources = [*notes, "a/c/elsewhere.md"]

    # start from a part of the vault, asking questions so that the caches fill up
    paths = list(notes)
    start = paths[: len(paths) // 2]
    index = VaultIndex(
        {p: notes[p] for p in start},
        ["img.png"],
        tag_paths=[p for p in start if p not in templates],
    )
    answers(index, sources)
    for p in paths[len(paths) // 2 :]:
        index.add(notes[p], counts_for_tags=p not in templates)
        answers(index, sources)
    index.add_file("a/img.png")

    # edit some notes, remove others
    edited = dict(notes)
    for p in rng.sample(paths, max(1, len(paths) // 3)):
        edited[p] = parse_note(p, _note_text(rng))
        index.replace(edited[p])
        # (a replaced note keeps the names index: compared here, before a removal drops it)
        now = VaultIndex(
            {q: edited[q] for q in paths},
            ["img.png", "a/img.png"],
            tag_paths=[q for q in paths if q not in templates],
        )
        assert answers(index, sources) == answers(now, sources)
    removed = set(rng.sample(paths, max(1, len(paths) // 4)))
    for p in removed:
        index.remove(p)
        del edited[p]
        answers(index, sources)
    index.remove_file("img.png")

    scratch = VaultIndex(
        {p: edited[p] for p in paths if p not in removed},
        ["a/img.png"],
        tag_paths=[p for p in paths if p not in removed and p not in templates],
    )
    assert answers(index, sources) == answers(scratch, sources)


def test_a_removed_case_twin_hands_its_path_to_the_other() -> None:
    upper, lower = parse_note("A.md", "# Up\n"), parse_note("a.md", "# Low\n")
    index = VaultIndex({"A.md": upper, "a.md": lower})
    assert index.resolve("a", "x.md") == "A.md"
    index.remove("A.md")
    assert index.resolve("a", "x.md") == "a.md"
    assert index.has_subpath("a.md", "#Low") and not index.has_subpath("A.md", "#Up")


def test_updates_refuse_what_does_not_fit() -> None:
    index = VaultIndex({"n.md": parse_note("n.md", "")})
    with pytest.raises(ValueError, match="already in the index"):
        index.add(parse_note("n.md", ""))
    with pytest.raises(KeyError):
        index.replace(parse_note("other.md", ""))
    with pytest.raises(KeyError):
        index.remove("other.md")
    with pytest.raises(ValueError):
        index.remove_file("nope.png")


def test_a_link_broken_by_a_removal_and_mended_by_an_addition() -> None:
    target = parse_note("Target.md", "## Part\n")
    index = VaultIndex({"Target.md": target, "n.md": parse_note("n.md", "[[Target#Part]]\n")})
    assert index.resolve("Target", "n.md") == "Target.md"
    index.remove("Target.md")
    assert index.resolve("Target", "n.md") is None
    index.add(parse_note("sub/target.md", "## Part\n"))
    assert index.resolve("Target", "n.md") == "sub/target.md"
    assert index.has_subpath("sub/target.md", "#Part")
    index.replace(parse_note("sub/target.md", "## Other\n"))
    assert not index.has_subpath("sub/target.md", "#Part")


def test_plain_tuples_from_the_caches_are_named_summaries_in_the_index():
    """The caches and the workers' pipes carry summaries as plain tuples; the index names them,
    so its readers use fields (``summary.headings``), never positions."""
    from vaultlint.model import NoteSummary

    plain = ("a.md", ((1, "Top"),), ("id1",), ("topic",), ("Alpha",), ("b",))
    index = VaultIndex({"a.md": plain}, ["img.png"])
    summary = index.summaries["a.md"]
    assert type(summary) is NoteSummary
    assert (summary.headings, summary.blocks, summary.aliases) == (
        ((1, "Top"),),
        ("id1",),
        ("Alpha",),
    )
    index.replace(("a.md", ((2, "Other"),), (), (), (), ()))
    assert type(index.summaries["a.md"]) is NoteSummary
    assert index.summaries["a.md"].headings == ((2, "Other"),)
    index.add(("b.md", (), (), (), (), ()))
    assert index.summaries["b.md"] == NoteSummary("b.md", (), (), (), (), ())
    assert index.resolve("a", "b.md") == "a.md"
    assert (index.has_subpath("a.md", "#Other"), index.has_subpath("a.md", "#Top")) == (True, False)
    assert index.tag_spellings("topic") == Counter()  # replaced: its tag is gone


def test_only_the_latest_heading_trees_are_kept_and_answers_do_not_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Heading trees and block sets are kept for at most TREES_KEPT notes (memory at 50k):
    a note asked about again after its tree was dropped gets the same answers."""
    from vaultlint.vault import index as index_module

    monkeypatch.setattr(index_module, "TREES_KEPT", 2)
    notes = {
        f"n{i}.md": parse_note(f"n{i}.md", f"# Top {i}\n## Sub\ntext ^b{i}\n") for i in range(5)
    }
    index = VaultIndex(notes)
    asked = [(f"n{i % 5}.md", sub) for i in range(12) for sub in ("#Top 3#Sub", "#^b3", "#Sub")]
    got = [index.has_subpath(path, sub) for path, sub in asked]
    assert len(index._headings) == 2 and len(index._blocks) == 2
    assert list(index._headings) == ["n0.md", "n1.md"]  # the last two asked (i = 10, 11)
    expected = [(path == "n3.md", path == "n3.md", True) for path, _ in asked[::3]]
    assert got == [answer for triple in expected for answer in triple]


def test_a_first_heading_link_is_answered_without_a_tree_and_a_second_builds_one() -> None:
    note = parse_note("a.md", "# Top\n## Sub: one\ntext\n")
    index = VaultIndex({"a.md": note, "b.md": parse_note("b.md", "[[a#Sub one]] [[c]]\n")})
    assert index.has_subpath("a.md", "#sub one") is True
    assert list(index._headings) == []  # asked about once: its headings read, no tree
    assert index.has_subpath("a.md", "#Nope") is False
    assert list(index._headings) == ["a.md"]  # asked again: a tree
    index.replace(parse_note("a.md", "# Top\n## Sub: one\ntext\n"))
    assert index.has_subpath("a.md", "#Top#Sub one") is True  # a chain needs the tree at once
    assert list(index._headings) == ["a.md"]
    index.replace(parse_note("a.md", "# Other\n"))
    assert (index._headings, index._asked) == ({}, {})
    assert index.has_subpath("a.md", "#Top") is False
    assert index.has_subpath("a.md", "#other") is True
    assert list(index._headings) == ["a.md"]  # the second single heading asked: a tree now
    assert index.unresolved(["c", "", "a", "c", "./a.md", "../x"], "b.md") == ["c", "c", "../x"]
