"""The state's manifest (lint/store.py): every row's columns under one MAC, so that a run reads
the state without a MAC per row. It must hold exactly what the rows hold, after every kind
of edit, whether a save writes its base again or only the rows it changed; and one edited,
replayed from another generation or cut off from its base is not used (the rows are read one
by one, each under its own MAC, and the findings are still a scan's without cache)."""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from vaultlint.lint import manifest
from vaultlint.lint.cache import CACHE_ENV, open_cache, vault_folder_name
from vaultlint.lint.store import DB_NAME, Store, lines_of

from .conftest import write_vault
from .test_incremental import EDITS, VAULT, _edit, _same


def _state(vault: Path) -> tuple[str, dict, dict, int | None]:
    """How a run reads the state ("manifest" or "rows"), the rows it reads, the rows the
    table holds (each under its own MAC), and the generation of the manifest's base."""
    cache = open_cache(vault)
    assert cache is not None
    store = Store(cache, readonly=True)
    try:
        rows = store.load()
        base = store._manifest_base
        if base is not None:  # the census of tag spellings it keeps: the rows' tags counted
            counted = Counter(t for row in rows.values() for t in lines_of(row.tags))
            assert store.census == dict(counted)
        per_row = store._read_rows()
    finally:
        store.close()
    return ("rows" if base is None else "manifest"), rows, per_row, base and base[0]


def _db(vault: Path) -> sqlite3.Connection:
    return sqlite3.connect(
        Path(os.environ[CACHE_ENV]) / "vaults" / vault_folder_name(vault) / DB_NAME
    )


def _other_edits(vault: Path) -> Iterator[None]:
    """Renames, a deletion, a new note, a moved attachment: each followed by a scan."""
    (vault / "Projects" / "Beta.md").rename(vault / "Projects" / "Betaa.md")
    yield
    (vault / "Other" / "Alpha.md").unlink()
    yield
    (vault / "Gamma.md").write_text("# Gamma\n[[Home]]\n", encoding="utf-8")
    yield
    (vault / "unused.png").rename(vault / "Other" / "unused.png")
    yield
    (vault / "Notes" / "Links.md").rename(vault / "Notes" / "Linked.md")  # moved, unchanged
    yield


@pytest.mark.parametrize("delta_min", [1, 256])
def test_the_manifest_holds_what_the_rows_hold(tmp_path, monkeypatch, delta_min):
    monkeypatch.setattr(manifest, "CHANGES_MIN", delta_min)
    vault = write_vault(tmp_path / "v", VAULT)
    _same(vault)
    via, rows, per_row, _ = _state(vault)
    # a first run writes it (from its empty loaded state: every row it wrote)
    assert (via, rows == per_row, len(rows)) == ("manifest", True, 6)
    bases = set()
    steps = 0
    for _what, rel, old, new in EDITS:
        _edit(vault, rel, old, new)
        _same(vault)
        _same(vault, str(vault / rel))  # a pre-commit run on the edited note
        via, rows, per_row, base = _state(vault)
        assert via == "manifest"
        assert rows == per_row
        bases.add(base)
        steps += 1
    for _ in _other_edits(vault):
        _same(vault)
        via, rows, per_row, base = _state(vault)
        assert (via, rows == per_row) == ("manifest", True)
        bases.add(base)
        steps += 1
    assert sorted(rows) == sorted(
        p.relative_to(vault).as_posix() for p in vault.rglob("*.md") if ".obsidian" not in p.parts
    )
    if delta_min == 1:  # the base written again whenever more than one row changed
        assert len(bases) > steps // 2
    else:  # written once, after the first run that read the rows; the changes since beside it
        assert len(bases) == 1


def test_a_manifest_edited_replayed_or_cut_off_is_not_used(tmp_path):
    vault = write_vault(tmp_path / "v", VAULT)
    _same(vault)
    _edit(vault, "Notes/Tags.md", "#misc", "#misc #fresh")
    _same(vault)
    assert _state(vault)[0] == "manifest"
    db = _db(vault)
    older = db.execute("SELECT value, mac FROM meta WHERE name = 'manifest-changes'").fetchone()
    _edit(vault, "Projects/Alpha.md", "## Goals\n", "")
    expected = _same(vault)
    via, rows, per_row, _ = _state(vault)
    assert (via, rows == per_row) == ("manifest", True)

    # the changes of an earlier generation put back (authentic, but not the current ones)
    db.execute("UPDATE meta SET value = ?, mac = ? WHERE name = 'manifest-changes'", older)
    db.commit()
    via, rows, per_row, _ = _state(vault)
    assert (via, rows == per_row) == ("rows", True)
    assert _same(vault) == expected  # (a warm run: nothing written)
    _edit(vault, "Notes/Tags.md", "#fresh", "#fresh #again")
    expected = _same(vault)
    assert _state(vault)[0] == "manifest"  # written again by the run that read the rows

    # one byte of the base changed
    value = db.execute("SELECT value FROM meta WHERE name = 'manifest'").fetchone()[0]
    db.execute(
        "UPDATE meta SET value = ? WHERE name = 'manifest'",
        (value[:-1] + bytes([value[-1] ^ 1]),),
    )
    db.commit()
    assert _state(vault)[0] == "rows"
    assert _same(vault) == expected

    # a base whose MAC is not the one the changes were made against
    _edit(vault, "Notes/Tags.md", "#again", "#again #more")
    expected = _same(vault)
    assert _state(vault)[0] == "manifest"
    base = db.execute("SELECT value, mac FROM meta WHERE name = 'manifest'").fetchone()
    db.execute("UPDATE meta SET mac = ? WHERE name = 'manifest'", (bytes(len(base[1])),))
    db.commit()
    assert _state(vault)[0] == "rows"
    assert _same(vault) == expected
    db.close()


def test_a_result_changed_in_the_table_drops_its_row(tmp_path):
    """The manifest holds a digest of each row's findings: a result emptied or planted in
    the table is not served, and the note is checked again."""
    vault = write_vault(tmp_path / "v", VAULT)
    _same(vault)
    _edit(vault, "Notes/Tags.md", "#misc", "#misc #fresh")
    _same(vault)
    db = _db(vault)
    db.execute("UPDATE notes SET result = NULL WHERE path = 'Notes/Links.md'")
    planted = db.execute("SELECT result FROM notes WHERE path = 'Notes/Tags.md'").fetchone()[0]
    db.execute(
        "UPDATE notes SET result = ? WHERE path = 'Gamma.md' OR path = 'Home.md'", (planted,)
    )
    db.commit()
    db.close()
    via, rows, _, _ = _state(vault)
    assert via == "manifest"
    assert "Notes/Links.md" not in rows and "Home.md" not in rows
    assert "Notes/Tags.md" in rows
    _edit(vault, "Notes/Tags.md", "#fresh", "#fresh #again")
    out = _same(vault)  # (Notes/Links.md checked again: else its findings were gone)
    assert "Notes/Links.md" in out


def test_a_first_run_writes_the_manifest_the_next_run_reads(tmp_path, monkeypatch):
    """A first run (an empty state, loaded) records every row it writes and writes the
    manifest and its census; the next run reads the rows through it (never row by row), and
    its findings are a scan's without cache."""
    vault = write_vault(tmp_path / "v", VAULT)
    _same(vault)
    via, rows, per_row, base = _state(vault)
    assert (via, rows == per_row, len(rows), base) == ("manifest", True, 6, 1)
    read = []
    real = Store._read_rows

    def spy(self):
        read.append(self)
        return real(self)

    monkeypatch.setattr(Store, "_read_rows", spy)
    _edit(vault, "Notes/Tags.md", "#misc", "#misc #fresh")
    _same(vault, str(vault / "Notes" / "Tags.md"))  # a pre-commit run on the edited note
    assert read == []  # (the one-note run read the manifest)
    monkeypatch.setattr(Store, "_read_rows", real)
    via, rows, per_row, base = _state(vault)
    assert (via, rows == per_row, base) == ("manifest", True, 1)  # only the changes written


def test_a_save_of_many_rows_writes_no_manifest_and_the_next_run_writes_it(tmp_path, monkeypatch):
    """A save of more rows than MAX_WRITES keeps none of them (memory) and writes no
    manifest; the next run reads the rows one by one, and its save writes the manifest."""
    monkeypatch.setattr(manifest, "MAX_WRITES", 3)
    vault = write_vault(tmp_path / "v", VAULT)
    _same(vault)
    vias = []
    for _what, rel, old, new in EDITS:
        _edit(vault, rel, old, new)
        _same(vault)
        via, rows, per_row, _ = _state(vault)
        assert rows == per_row
        vias.append(via)
    assert set(vias) == {"manifest", "rows"}
    # a run that writes one row after one that wrote none writes it again
    (vault / ".vaultlint.yaml").write_text(VAULT[".vaultlint.yaml"] + "\n", encoding="utf-8")
    _same(vault)  # the configuration: every note checked again, more than 3 rows written
    assert _state(vault)[0] == "rows"
    _edit(vault, "Notes/Tags.md", "#misc", "#misc #fresh")
    _same(vault, str(vault / "Notes" / "Tags.md"))
    via, rows, per_row, _ = _state(vault)
    assert (via, rows == per_row) == ("manifest", True)


def test_a_one_note_run_counts_tags_from_the_census_as_from_the_rows(tmp_path, monkeypatch):
    """The tag-case check of a one-note run counts the vault's tag spellings from the
    manifest's census; the counts are those the rows' tags give."""
    from vaultlint.lint import lazy

    vault = write_vault(tmp_path / "v", VAULT)
    _same(vault)
    _edit(vault, "Notes/Tags.md", "#misc", "#misc #fresh")
    _same(vault)  # (writes the manifest)
    taken = []
    census_way = lazy.StoredSummaries._census_tag_names
    tag_names = lazy.StoredSummaries.tag_names

    def both(self, paths):
        got = tag_names(self, paths)
        store = self._plan.store
        census, store.census = store.census, None
        try:
            taken.append((got, tag_names(self, paths)))
        finally:
            store.census = census
        return got

    def census_used(self, census, paths):
        taken.append("census")
        return census_way(self, census, paths)

    monkeypatch.setattr(lazy.StoredSummaries, "tag_names", both)
    monkeypatch.setattr(lazy.StoredSummaries, "_census_tag_names", census_used)
    _edit(vault, "Notes/Tags.md", "#Misc", "#Misc #MISC")
    out = _same(vault, str(vault / "Notes" / "Tags.md"))
    assert len(taken) == 2 and taken[0] == "census"  # (the census way, then the rows')
    got, from_rows = taken[1]
    assert got == from_rows
    assert got["project"] >= 1 and got["MISC"] == 1
    assert "tag-case" in out


def test_the_manifest_keeps_its_rows_in_path_order(tmp_path, monkeypatch):
    """(a run then makes the rows in the order it looks the walk's notes up in)"""
    monkeypatch.setattr(manifest, "CHANGES_MIN", 1)  # every save writes the base again
    vault = write_vault(tmp_path / "v", VAULT)
    _same(vault)
    _same(vault)  # the manifest's first base
    for name in ("0 first.md", "Projects/Aa.md", "zz last.md"):  # added after every row
        (vault / name).write_text("# New\n", encoding="utf-8")
        _same(vault)
        via, rows, per_row, _ = _state(vault)
        assert (via, rows == per_row) == ("manifest", True)
        assert list(rows) == sorted(rows) and len(rows) > 6
