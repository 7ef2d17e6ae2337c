"""Near names for many broken links at once give exactly what one at a time gives
(vault/names.py, "Many at once")."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process

from vaultlint.config import load_config
from vaultlint.lint import batch
from vaultlint.vault import names
from vaultlint.vault.index import VaultIndex
from vaultlint.vault.names import stand_out, stand_out_many


@pytest.fixture
def cdist_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every batch is scored in one ``cdist`` call (counted here: proof the batch ran)."""
    calls: list[int] = []
    real = process.cdist

    def counted(queries, choices, **kwargs):
        calls.append(len(queries))
        return real(queries, choices, **kwargs)

    monkeypatch.setattr(process, "cdist", counted)
    return calls


@pytest.fixture
def always_batch(monkeypatch: pytest.MonkeyPatch, cdist_calls: list[int]) -> list[int]:
    monkeypatch.setattr(names, "BATCH_QUERIES", 1)
    monkeypatch.setattr(names, "BATCH_PAIRS", 0)
    return cdist_calls


def test_a_batch_keeps_ties_margins_and_empty_queries(always_batch: list[int]) -> None:
    choices = ["report 2024", "report 2022", "gaganyaan", "artemis accords", "gaganyaan", ""]
    queries = ["report 2023", "gaganyan", "japan", "", "artemis accord", "gaganyaan"]
    # a tie; two equal names tie too; too far; empty; near; exact but twice: a tie
    assert stand_out_many(queries, choices) == [None, None, None, None, 3, None]
    assert stand_out_many(queries, choices) == [stand_out(q, choices) for q in queries]
    assert always_batch == [6, 6]


def test_few_queries_are_answered_one_at_a_time(cdist_calls: list[int]) -> None:
    choices = [f"note {i}" for i in range(100)]
    assert stand_out_many(["note 7x", "nothing"], choices) == [None, None]
    assert cdist_calls == []  # under BATCH_QUERIES and BATCH_PAIRS: no numpy, no cdist


# near names come often from a small alphabet: ties, margins and duplicates are common
_words = st.text(alphabet="abcde ", min_size=0, max_size=9)


@settings(max_examples=300)
@given(
    queries=st.lists(_words, min_size=1, max_size=40),
    choices=st.lists(_words, min_size=1, max_size=60),
)
def test_many_at_once_is_one_at_a_time(queries: list[str], choices: list[str]) -> None:
    one_by_one = [stand_out(q, choices) for q in queries]
    saved = names.BATCH_QUERIES, names.BATCH_PAIRS, names._CHUNK
    names.BATCH_QUERIES, names.BATCH_PAIRS, names._CHUNK = 1, 0, 7  # several chunks too
    try:
        assert stand_out_many(queries, choices) == one_by_one
    finally:
        names.BATCH_QUERIES, names.BATCH_PAIRS, names._CHUNK = saved


def _index(note_names: list[str], others: list[str], aliases: dict[str, tuple[str, ...]]):
    from vaultlint.model import NoteSummary

    summaries = {
        f"{n}.md": NoteSummary(f"{n}.md", (), (), (), aliases.get(n, ()), ()) for n in note_names
    }
    return VaultIndex(summaries, others)


def test_expected_links_are_answered_together_as_each_alone(always_batch: list[int]) -> None:
    notes = ["Gaganyaan", "Artemis Accords", "Engelbart", "Moon/Lunar Gateway", "Report 2024"]
    others = ["img/Engelbart.jpg", "img/diagram-final.png", "img/diagram-draft.png"]
    asked = [
        "Gaganyan",  # a near note
        "moon/lunar gatway",  # a path: its name is compared
        "Artemis Accord.md",  # with .md
        "Engelbart",  # the one attachment of that name without extension (no scoring)
        "diagram-fina.png",  # a near attachment
        "diagram.png",  # two equally near: none
        "Nothing Like It",
    ]
    alone = _index(notes, others, {}).names
    answers = [alone.near_file(t) for t in asked]
    assert always_batch == [1, 1, 1, 1, 1, 1]  # one at a time: a batch of one each but Engelbart
    assert answers == [
        "Gaganyaan.md",
        "Moon/Lunar Gateway.md",
        "Artemis Accords.md",
        "img/Engelbart.jpg",
        "img/diagram-final.png",
        None,
        None,
    ]
    always_batch.clear()
    together = _index(notes, others, {}).names
    together.expect(asked)
    assert [together.near_file(t) for t in asked] == answers
    assert always_batch == [4, 2]  # every note link in one batch, every attachment link in one


def _word(i: int) -> str:
    """A made-up word of its own for each number: near names that stand out."""
    return "".join(
        "bcdfghklmnprstvz"[int(c, 16)] for c in hashlib.md5(str(i).encode()).hexdigest()[:7]
    )


def test_a_scan_with_many_broken_links_suggests_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cdist_calls: list[int]
) -> None:
    titles = [f"Note {_word(i).title()}" for i in range(2500)]
    vault = tmp_path / "vault"
    vault.mkdir()
    for i, title in enumerate(titles):
        # every 40th note links to another note's name with a letter dropped
        link = f"[[{titles[(i * 7 + 1) % 2500][:-1]}]]" if i % 40 == 0 else ""
        (vault / f"{title}.md").write_text(f"# {title}\n{link} [[Missing {i % 97}]]\n")
    config = load_config(None, vault)

    def messages() -> list[str]:
        result = batch.lint(vault, config, use_cache=False, jobs=1)
        return [f"{d.path}:{d.message}" for d in result.diagnostics]

    monkeypatch.setattr(names, "BATCH_PAIRS", 10**12)  # never a batch: one query at a time
    one_by_one = messages()
    assert cdist_calls == []
    monkeypatch.setattr(names, "BATCH_PAIRS", 0)
    # the scan tells the index what it will ask
    assert len(titles) >= batch.EXPECT_NAMES and len(titles) >= batch.EXPECT_TARGETS
    assert messages() == one_by_one
    assert sum(cdist_calls) == 63 + 97  # the 63 near names and the 97 missing, once each
    assert len(one_by_one) == 2500 + 63
    first = titles[1]
    assert f"{titles[0]}.md:link target '{first[:-1]}' does not exist; did you mean '{first}'?" in (
        one_by_one
    )
    assert sum("did you mean" in m for m in one_by_one) == 63


def test_of_notes_sharing_the_near_name_the_one_a_link_would_open_is_suggested() -> None:
    notes = ["z/Planning Topic", "m/Planning Topic", "Planning Topic", "a/b/Planning Topic"]
    for order in (notes, notes[::-1]):  # whatever order the index was built in
        names_ = _index(order, [], {}).names
        assert names_.near_file("Planning Topik", "Daily/Note.md") == "Planning Topic.md"
        assert names_.near_file("Planning Topik", "m/Note.md") == "m/Planning Topic.md"
        assert names_.near_file("Planning Topik") == "Planning Topic.md"
    without_root = _index(["z/Planning Topic", "m/Planning Topic"], [], {}).names
    assert without_root.near_file("Planning Topik", "Note.md") == "m/Planning Topic.md"


def test_empty_choices_in_a_batch_answer_none(always_batch: list[int]) -> None:
    assert stand_out_many(["a", "b"], []) == [None, None]
    assert always_batch == []
