"""Racily clean notes (lint/racy.py): a file system keeps a file's times to a tick, so
a second write of the same size in the tick of the write a run read leaves the note's stat as
the run stored it, over other bytes. These tests give the vault a clock whose tick never ends
(every stat time is the test's start: the walk's and the reads' alike) and run with the
production window, which the other tests shrink (tests/conftest.py)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from vaultlint.lint import batch, racy, warm
from vaultlint.lint.cache import open_cache
from vaultlint.lint.store import Store
from vaultlint.vault import discovery

from .conftest import write_vault
from .test_complete_marker import _marker, _state_file
from .test_incremental import _run, _same

VAULT = {"A.md": "# A\n", "X.md": "[[A]] words\n", "Y.md": "# Y\n[[A]]\n"}
BROKEN = "link target 'B' does not exist"


@pytest.fixture
def one_tick(monkeypatch: pytest.MonkeyPatch) -> int:
    """Every stat time the run sees is the same instant (now): the file system's tick."""
    now = time.time_ns()
    monkeypatch.setenv("VAULTLINT_RACY_WINDOW_MS", "2000")
    walk, read = discovery.walk_vault, batch.read_and_parse

    def walk_in_one_tick(root: Path) -> Any:
        files = walk(root)
        files.stats.update({p: (s, now, i) for p, (s, _t, i) in files.stats.items()})
        return files

    def read_in_one_tick(root: str, path: str, fingerprint: bool = True) -> Any:
        note, content, (size, _t, ino) = read(root, path, fingerprint)
        return note, content, (size, now, ino) if size or ino else (0, 0, 0)

    monkeypatch.setattr(discovery, "walk_vault", walk_in_one_tick)
    monkeypatch.setattr(batch, "walk_vault", walk_in_one_tick)
    monkeypatch.setattr(batch, "read_and_parse", read_in_one_tick)
    return now


def _stored_time(vault: Path, path: str) -> int:
    db = sqlite3.connect(_state_file(vault))
    try:
        (found,) = db.execute("SELECT mtime FROM notes WHERE path = ?", (path,)).fetchall()
    finally:
        db.close()
    return found[0]


def _warm(vault: Path) -> bool:
    """Whether the warm path answers a scan of the whole vault (lint/warm.py)."""
    cache = open_cache(vault)
    assert cache is not None
    store = Store(cache, readonly=True)
    try:
        facts = warm.load_facts(store)
    finally:
        store.close()
    assert facts is not None
    return warm.cached_scan(vault, facts.key, cwd=vault) is not None


def _racy(vault: Path) -> tuple[str, ...]:
    """The racily clean notes the state's ``complete`` marker names."""
    cache = open_cache(vault)
    assert cache is not None
    store = Store(cache, readonly=True)
    try:
        marker = store.meta("complete")
    finally:
        store.close()
    assert marker is not None
    return tuple(path for path, _digest in marker[2])


def test_a_write_in_the_tick_of_the_one_a_run_read_is_seen(tmp_path: Path, one_tick: int) -> None:
    """X is read, then rewritten with bytes of the same size in the same tick: its stat is the
    one the run stored. The run stored its row racily clean, so the next run reads X again,
    warm or not (without that, the next run trusted the row: no finding, and a warm run
    answered so)."""
    vault = write_vault(tmp_path / "v", VAULT)
    first = _same(vault, "--jobs", "1")
    assert BROKEN not in first
    assert _racy(vault) == ("A.md", "X.md", "Y.md")
    assert _warm(vault)  # the same bytes: answered warm
    (vault / "X.md").write_text("[[B]] words\n", encoding="utf-8")  # same size, same stat
    assert not _warm(vault)
    assert BROKEN in _same(vault, "--jobs", "1")
    assert BROKEN in _same(vault, "--jobs", "1", str(vault / "Y.md"), str(vault / "X.md"))


def test_a_racily_clean_note_that_cannot_be_read_again_is_a_warm_miss(
    tmp_path: Path, one_tick: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm path reads each racily clean note again: one it cannot open (a symbolic link
    made to lead out, a note made a FIFO: open_in_vault refuses both) is a miss, never an
    answer from the stored rows."""
    vault = write_vault(tmp_path / "v", VAULT)
    _same(vault, "--jobs", "1")
    assert _warm(vault)
    opened: list[str] = []
    real = discovery.open_in_vault

    def refuse(root: Any, rel: str, *, walked: bool = False) -> int:
        if rel not in VAULT:  # (Obsidian's settings, read as they are)
            return real(root, rel, walked=walked)
        opened.append(rel)
        raise discovery.OutsideVault(f"{rel}: not a regular file")

    monkeypatch.setattr(discovery, "open_in_vault", refuse)
    assert not _warm(vault)
    assert opened == ["A.md"]  # (the first one refused ends it)


def test_a_racily_clean_row_is_trusted_once_its_tick_is_past(
    tmp_path: Path, one_tick: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the notes' time is past the window (here: the window shrunk to nothing, as time
    passing does), the warm path leaves the answer to a planning run, which reads the notes'
    bytes, finds their digests the stored ones and stores the real stats; the warm runs after
    it read no note again (after a checkout just before a run, every note is racily clean:
    without that, every warm run read the whole vault)."""
    vault = write_vault(tmp_path / "v", VAULT)
    first = _run(vault, "--jobs", "1", "--format", "json")
    assert _stored_time(vault, "X.md") == racy.RACY_TIME
    assert _marker(vault) is True
    assert _racy(vault) == ("A.md", "X.md", "Y.md")
    monkeypatch.setenv("VAULTLINT_RACY_WINDOW_MS", "0")
    assert not _warm(vault)  # settled: a planning run stores the real stats
    assert _run(vault, "--jobs", "1", "--format", "json") == first
    assert _stored_time(vault, "X.md") == one_tick
    assert _marker(vault) is True
    assert _racy(vault) == ()
    opened: list[str] = []
    real = discovery.open_in_vault

    def count(root: Any, rel: str, *, walked: bool = False) -> int:
        opened.append(rel)
        return real(root, rel, walked=walked)

    monkeypatch.setattr(discovery, "open_in_vault", count)
    assert _warm(vault) and _warm(vault)
    assert [p for p in opened if p in VAULT] == []


def test_a_note_dated_ahead_of_the_clock_is_racily_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note whose time is ahead of the clock (an archive from a machine whose clock runs
    ahead) keeps it as the later of its two times through a same-size edit in place whose
    modification time is set back (``cp -p``, ``rsync -t --inplace``): its stat is the one
    stored. Stored racily clean, it is read again by every run while its time is ahead —
    the warm path answers only when its bytes are the same."""
    monkeypatch.delenv("VAULTLINT_RACY_WINDOW_MS")  # the default: 2 s
    vault = write_vault(tmp_path / "v", VAULT)
    future = time.time_ns() + 3600 * 10**9  # an hour ahead
    for rel in VAULT:
        os.utime(vault / rel, ns=(future, future))
    first = _same(vault, "--jobs", "1")
    assert BROKEN not in first
    assert _stored_time(vault, "X.md") == racy.RACY_TIME
    assert _racy(vault) == ("A.md", "X.md", "Y.md")
    assert _warm(vault)
    (vault / "X.md").write_text("[[B]] words\n", encoding="utf-8")  # same size, same inode
    os.utime(vault / "X.md", ns=(future, future))
    assert not _warm(vault)
    assert BROKEN in _same(vault, "--jobs", "1")


def test_the_window_reaches_back_from_the_start_and_has_no_end() -> None:
    """``is_racy``: a time within the window before the run's start, or any later one (a
    write during the run, a time ahead of the clock); ``settled``: a time more than the
    window before now."""
    start, window = 10_000_000_000, racy.RACY_NS
    assert [racy.is_racy(at, start, window) for at in (7_999_999_999, 8_000_000_000)] == [
        False,
        True,
    ]
    assert racy.is_racy(start + 10**18, start, window) is True
    assert racy.is_racy(0, start, 0) is False
    assert [racy.settled(at, start, window) for at in (7_999_999_999, 8_000_000_000)] == [
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("given", "window"),
    [
        ("0", 0),
        ("2500", 2_500_000_000),
        ("", 2_000_000_000),
        ("-5", 2_000_000_000),
        ("1.5", 2_000_000_000),
        ("\u0663", 2_000_000_000),  # an Arabic-Indic three: a digit, not a number of ms
        ("ten", 2_000_000_000),
    ],
)
def test_the_window_is_a_whole_number_of_milliseconds_or_the_default(
    monkeypatch: pytest.MonkeyPatch, given: str, window: int
) -> None:
    monkeypatch.setenv("VAULTLINT_RACY_WINDOW_MS", given)
    assert racy.racy_window() == window
