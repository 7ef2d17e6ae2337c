"""The state's ``complete`` marker (lint/incremental.py, ``Plan._complete``): a run marks the
state complete when, after it, every note has its row as the walk found it and every linted
note a result valid in the run's context, with the digest of exactly the rows that hold
findings; a warm run then answers from the rows with findings alone (lint/warm.py). The
marker is decided without looking a note's row up (what ``plan`` compared already, and one
pass over the rows): these tests hold it to what the table holds, and show the runs in which
it must not be set."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from vaultlint.lint import batch, manifest
from vaultlint.lint.cache import open_cache
from vaultlint.lint.store import Store, _path

from .conftest import write_vault
from .test_incremental import EDITS, VAULT, _edit, _run, _same


def _marker(vault: Path) -> bool | None:
    """None when the state is not marked complete; else whether the marker's digest is that
    of the rows with findings the table holds now."""
    cache = open_cache(vault)
    assert cache is not None
    store = Store(cache, readonly=True)
    try:
        marker = store.meta("complete")
        if marker is None:
            return None
        assert store.db is not None
        found = store.db.execute("SELECT path, result FROM notes WHERE result IS NOT NULL")
        return marker[1] == Store.results_digest((_path(k), r) for k, r in found.fetchall())
    except sqlite3.Error as exc:  # pragma: no cover - the state is ours
        raise AssertionError(exc) from exc
    finally:
        store.close()


def test_every_whole_vault_run_marks_the_rows_it_leaves(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "v", VAULT)
    _same(vault)  # a first run: no manifest yet, rows written in one go
    assert _marker(vault) is True
    _same(vault)
    assert _marker(vault) is True
    for _what, rel, old, new in EDITS:
        _edit(vault, rel, old, new)
        # pre-commit: every edit of EDITS reaches other notes (links into the note's headings,
        # its tags' spellings, the orphan and attachment checks), left unchecked by a run of it
        _same(vault, str(vault / rel))
        assert _marker(vault) is None
        _same(vault)  # the whole vault: those checked again (rows of another context)
        assert _marker(vault) is True
    (vault / "Projects" / "Beta.md").rename(vault / "Projects" / "Betaa.md")
    _same(vault)
    assert _marker(vault) is True
    (vault / "Other" / "Alpha.md").unlink()  # a deleted note's row, and its findings, gone
    _same(vault)
    assert _marker(vault) is True


def test_a_note_left_unchecked_by_an_earlier_run_keeps_the_state_incomplete(
    tmp_path: Path,
) -> None:
    vault = write_vault(tmp_path / "v", VAULT)
    _same(vault)
    _edit(vault, "Projects/Alpha.md", "## Goals\n", "")  # Home and Beta link to it
    _same(vault, str(vault / "Projects" / "Alpha.md"))
    assert _marker(vault) is None
    _edit(vault, "Notes/Tags.md", "#project\n", "#project\nWords.\n")  # affects no other note
    _same(vault, str(vault / "Notes"))  # a run of a folder: every note of it checked
    assert _marker(vault) is None  # Home's and Beta's rows still wait to be checked
    out = _same(vault)  # ... and the whole vault's run finds what they now lack
    assert "heading 'Goals' does not exist" in out
    assert _marker(vault) is True


@pytest.mark.parametrize("grown", [False, True])
def test_a_note_that_is_not_stored_keeps_the_state_incomplete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grown: bool
) -> None:
    """A note too large to read has no row (new) or keeps a row unlike the walk (grown since
    it was stored): no run may mark the state complete, or a warm run would not report it."""
    monkeypatch.setattr(batch, "MAX_NOTE_BYTES", 200)
    vault = write_vault(tmp_path / "v", VAULT)
    big = vault / "Notes" / "Big.md"
    big.write_text("# Big\n", encoding="utf-8")
    if grown:
        _same(vault)
        assert _marker(vault) is True
    big.write_text("# Big\n\n" + "text " * 60, encoding="utf-8")
    outs = [_same(vault), _same(vault), _same(vault)]
    assert "MiB" in outs[0] and outs[0] == outs[1] == outs[2]
    assert _marker(vault) is None


def test_a_note_rewritten_while_the_run_read_it_keeps_the_state_incomplete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note rewritten between the walk and its read is stored with the stat it was read
    with, not the walk's: the state must not be marked complete for the walk's fingerprint
    (``_complete``'s check of the written rows' stats). Else, with the note's modification
    time in the future (a stat key is the later of mtime and ctime, so a write can set that
    one back), its bytes and time restored would make a warm run answer with the findings of
    the bytes the run read."""
    vault = write_vault(tmp_path / "v", VAULT)
    note = vault / "Notes" / "Links.md"
    future = time.time_ns() + 10**15  # ~11 days ahead: later than any ctime of this test
    _same(vault)
    walked = note.read_bytes().replace(b"#misc", b"#mist")  # an edit of the same size
    read = walked.replace(b"[[Betaa]]", b"[[Beta]] ")  # the bytes the run reads instead

    def put(data: bytes, ns: int) -> None:
        with note.open("r+b") as f:  # in place: the same inode
            f.write(data)
        os.utime(note, ns=(ns, ns))

    put(walked, future)
    real = batch.read_and_parse

    def rewritten_first(root: str, path: str, fingerprint: bool = True) -> Any:
        if path == "Notes/Links.md":
            put(read, future + 10**9)
            monkeypatch.setattr(batch, "read_and_parse", real)
        return real(root, path, fingerprint)

    monkeypatch.setattr(batch, "read_and_parse", rewritten_first)
    _run(vault)
    assert batch.read_and_parse is real  # the run read the note (rewritten first)
    assert _marker(vault) is None
    put(walked, future)  # the walk's bytes and stat again
    assert "link target 'Betaa' does not exist" in _same(vault)


def _state_file(vault: Path) -> Path:
    cache = open_cache(vault)
    assert cache is not None
    (found,) = (p for p in cache.path.iterdir() if p.suffix == ".sqlite")
    return found


def _table(vault: Path, query: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(_state_file(vault))
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


@pytest.mark.parametrize("kept", [16384, 2])
def test_a_row_with_findings_no_run_made_is_dropped_when_the_state_is_marked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: int
) -> None:
    """A row no run of ours wrote (planted, or left by a lost key: its MAC fails) is never
    read, but the warm path reads every row with findings: kept, it made every later warm
    run miss (the marker's digest is of the rows the run knows). The run that marks the state
    complete drops it; a planted row without findings, which the warm path does not read,
    stays (it costs nothing). With a save's rows over ``manifest.MAX_WRITES`` (``kept`` 2)
    a first run keeps no list of them, and must drop none of its own (it did, once: every
    row with findings written after the limit, 15,071 of a 100k vault's 17,994)."""
    monkeypatch.setattr(manifest, "MAX_WRITES", kept)
    vault = write_vault(tmp_path / "v", VAULT)
    first = _same(vault)
    assert _marker(vault) is True
    notes = sum(1 for rel in VAULT if rel.endswith(".md"))
    assert _table(vault, "SELECT count(*) FROM notes") == [(notes,)]
    db = sqlite3.connect(_state_file(vault))
    insert = (
        "INSERT INTO notes (path, size, mtime, ino, digest, sdig, ctx, result, kdig, mac)"
        " VALUES (?, 1, 1, 1, x'00', x'00', x'00', ?, x'00', x'00')"
    )
    db.execute(insert, ("Ghost.md", b"\x01\x02"))  # with findings
    db.execute(insert, ("Shade.md", None))  # without
    db.commit()
    db.close()
    assert _marker(vault) is False  # a warm run would miss
    assert _same(vault) == first  # never read: the same findings
    assert _marker(vault) is True
    planted = "SELECT path FROM notes WHERE path IN ('Ghost.md', 'Shade.md')"
    assert _table(vault, planted) == [("Shade.md",)]
    assert _table(vault, "SELECT count(*) FROM notes") == [(notes + 1,)]
