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
    """How many queries each ``cdist`` call scores (proof the batch ran): a chunk of queries
    against the choices their lengths allow, then the queries that have a candidate again
    (their runner-up may be any choice of a wider range of lengths)."""
    calls: list[int] = []
    real = process.cdist

    def counted(queries, choices, **kwargs):
        calls.append(len(queries))
        compared.append(len(choices))
        return real(queries, choices, **kwargs)

    compared: list[int] = []
    monkeypatch.setattr(names, "_compared", compared, raising=False)

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
    # each time: the six, then the four with a candidate (all but "japan" and "")
    assert always_batch == [6, 4, 6, 4]


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


# lengths 0 to 30 from two letters: near scores at every length, so every bound of a length
# (vault/names.py, "Fewer pairs") is crossed by some pair
_long_words = st.text(alphabet="ab", min_size=0, max_size=30)


@settings(max_examples=300)
@given(
    queries=st.lists(_long_words, min_size=1, max_size=40),
    choices=st.lists(_long_words, min_size=1, max_size=60),
)
def test_many_at_once_is_one_at_a_time_at_every_length(
    queries: list[str], choices: list[str]
) -> None:
    one_by_one = [stand_out(q, choices) for q in queries]
    saved = names.BATCH_QUERIES, names.BATCH_PAIRS, names._CHUNK
    names.BATCH_QUERIES, names.BATCH_PAIRS, names._CHUNK = 1, 0, 5
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
    # one at a time: a batch of one each but Engelbart, and again for the four with a candidate
    assert always_batch == [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
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
    # every note link in one batch (three with a candidate), every attachment link in one
    assert always_batch == [4, 3, 2, 1]


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
    # the 63 near names and the 97 missing, once each; the 63 again (they have a candidate)
    assert sum(cdist_calls) == 63 + 97 + 63
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


def test_only_choices_of_a_length_that_can_score_enough_are_compared(
    always_batch: list[int],
) -> None:
    """fuzz.ratio of lengths n and m is at most 100 * (1 - |n - m| / (n + m)): for queries of
    20 characters, 85 needs 14.5 <= m <= 27.6 (compared with a cut of 84: 15 to 27) and a
    runner-up's 77 needs 13 to 32 (a cut of 76); choices outside are never compared, and the
    answers are those of one query at a time (each length kept is at the edge of a bound)."""
    choices = [
        "a" * 12,  # outside both
        "a" * 13,  # the runner-up's only
        "b" * 27,  # both
        "b" * 28,  # the runner-up's only
        "c" * 32,  # the runner-up's only
        "c" * 33,  # outside both
        "planning the harvests",  # 21: both
    ]
    queries = ["planning the harvest", "nothing like it here", "planning the harvest"]
    assert {len(q) for q in queries} == {20}
    one_by_one = [stand_out(q, choices) for q in queries]
    assert stand_out_many(queries, choices) == one_by_one == [6, None, 6]
    # the three against the two of 15 to 27 characters, then the two with a candidate
    # against the five of 13 to 32
    assert always_batch == [3, 2]
    assert names._compared == [2, 5]


def test_a_name_with_a_lone_surrogate_is_scored_in_a_batch(always_batch: list[int]) -> None:
    """A file name that is not UTF-8 is read with lone surrogates; the batch's copies of the
    names keep them."""
    choices = ["caf\udce9 notes", "cafe notes", "other"]
    queries = ["caf\udce9 note", "cafe note"]
    assert stand_out_many(queries, choices) == [stand_out(q, choices) for q in queries]
    assert stand_out_many(queries, choices) == [0, 1]  # 94.7 against 84.2: each its own
    assert stand_out_many(["caf\udce9 notes x"], choices[:1]) == [0]
