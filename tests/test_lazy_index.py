"""A run that checks a few changed notes reads the other notes' stored summaries on demand
(lint/lazy.py): what it finds is what a scan without cache finds, and it reads every summary
only when a question needs them all (or a row's tags are not known)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vaultlint.config import load_config
from vaultlint.lint import batch
from vaultlint.lint.cache import CACHE_ENV, open_cache
from vaultlint.lint.incremental import Plan
from vaultlint.lint.rowcodec import decode_summary, summary_blob
from vaultlint.lint.store import Row, Store, encode_plain

from .conftest import write_vault

FILES = {
    ".obsidian/app.json": "{}",
    "Home.md": "# Home\n\n[[Target#Goals]] [[Target#^b1]] #Project\n",
    "Target.md": "# Target\n\n## Goals\n\n#project ^b1\n",
    "Other.md": "---\naliases: [Aim]\n---\n#project [[Home]]\n",
    "Broken.md": "# Broken\n\n[[Targt]] [[Target#Gols]] [[Aim]]\n",
    **{f"Many/n{i}.md": f"# N{i}\n\n[[Many/n{(i + 1) % 30}]]\n" for i in range(30)},
}

HOME = [
    (3, 33, "tag-case", "tag 'Project' is spelled 'project' in 2 notes (1 note uses 'Project')"),
]


def _findings(result) -> list[tuple[int, int, str, str]]:
    return [(d.line, d.column, d.rule, d.message) for d in result.diagnostics]


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    made = write_vault(tmp_path / "v", FILES)
    batch.lint(made, load_config(None, made))  # the state: every note's row
    return made


def _edit_home(vault: Path) -> None:
    with open(vault / "Home.md", "a", encoding="utf-8") as fh:
        fh.write("\n")  # the same summary, new bytes: Home is checked again


def _one_note(vault: Path, name: str = "Home.md"):
    return batch.lint(vault, load_config(None, vault), [str(vault / name)], cwd=vault)


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the runs' reads of every stored summary (Plan.decoded)."""
    calls: list[int] = []
    real = Plan.decoded

    def counted(self: Plan):
        if self._decoded is None:  # read now (then kept)
            calls.append(1)
        return real(self)

    monkeypatch.setattr(Plan, "decoded", counted)
    return calls


def _no_cache(vault: Path, name: str = "Home.md") -> list[tuple[int, int, str, str]]:
    config = load_config(None, vault)
    return _findings(batch.lint(vault, config, [str(vault / name)], use_cache=False))


def test_one_edited_note_reads_only_what_it_asks_for(vault, monkeypatch):
    _edit_home(vault)
    reads = _reads(monkeypatch)
    result = _one_note(vault)
    assert (_findings(result), result.parsed, reads) == (HOME, 1, [])
    assert _no_cache(vault) == HOME


BROKEN = [
    (3, 1, "broken-link", "link target 'Targt' does not exist; did you mean 'Target'?"),
    (3, 11, "broken-link", "heading 'Gols' does not exist in 'Target'; did you mean 'Goals'?"),
    (
        3,
        27,
        "broken-link",
        "link target 'Aim' does not exist; 'Aim' is an alias of 'Other' (Obsidian does not "
        "resolve aliases): write [[Other|Aim]]",
    ),
]


def _edit_broken(vault: Path) -> None:
    with open(vault / "Broken.md", "a", encoding="utf-8") as fh:
        fh.write("\n")


def test_broken_links_find_names_and_aliases_in_the_rows(vault, monkeypatch):
    _edit_broken(vault)
    reads = _reads(monkeypatch)
    result = _one_note(vault, "Broken.md")
    assert (_findings(result), reads) == (BROKEN, [])
    assert _no_cache(vault, "Broken.md") == BROKEN


def _rewrite_rows(vault: Path, change) -> None:
    """Rewrite every stored row through the store (authentic: this cache's key)."""
    cache = open_cache(vault)
    assert cache is not None
    store = Store(cache)
    rows = store.load()
    blobs, keys = store.summaries(), store.keys()
    changed = {
        path: change(path, Row(**{**row._asdict(), "summary": blobs[path], "keys": keys[path]}))
        for path, row in rows.items()
    }
    assert store.save(changed, [], [], {})
    store.close()


def _not_known(column: str):
    """A change for :func:`_rewrite_rows`: the row's ``column`` (tags or aliases) not known
    (NULL), its summary blob holding them instead, as a row is written whose tags or aliases
    a line cannot hold."""

    def change(path: str, row: Row) -> Row:
        got = decode_summary(path, row.summary, row)
        assert got is not None
        changed = row.but(**{column: None})
        blob = summary_blob(got[0], changed.tags, changed.aliases)
        assert blob != row.summary
        return changed.but(summary=blob, sdig=b"")

    return change


def test_rows_whose_tags_are_not_known_read_every_summary(vault, monkeypatch):
    _rewrite_rows(vault, _not_known("tags"))
    _edit_home(vault)
    reads = _reads(monkeypatch)
    result = _one_note(vault)
    assert (_findings(result), len(reads), result.parsed) == (HOME, 1, 1)


def test_rows_whose_aliases_are_not_known_read_every_summary(vault, monkeypatch):
    _rewrite_rows(vault, _not_known("aliases"))
    _edit_broken(vault)
    reads = _reads(monkeypatch)
    result = _one_note(vault, "Broken.md")
    assert (_findings(result), len(reads), result.parsed) == (BROKEN, 1, 1)


def test_a_stored_summary_that_cannot_be_read_is_computed_again(vault, monkeypatch):
    wrong = encode_plain((("Target.md", 5), ()))  # authentic, of the wrong shape

    def plant(path: str, row: Row) -> Row:
        return (
            Row(row.stat, row.digest, wrong, row.ctx, row.result, tags=row.tags)
            if path == "Target.md"
            else row
        )

    _rewrite_rows(vault, plant)
    _edit_home(vault)
    result = _one_note(vault)
    assert (_findings(result), result.parsed) == (HOME, 2)  # Home, and Target parsed again
    _edit_home(vault)
    reads = _reads(monkeypatch)
    result = _one_note(vault)
    assert (_findings(result), result.parsed, reads) == (HOME, 1, [])  # Target's row stored again


def _whole(vault: Path, **kwargs):
    return batch.lint(vault, load_config(None, vault), **kwargs)


def test_a_changed_summary_finds_the_notes_it_affects_from_the_rows(vault, monkeypatch):
    with open(vault / "Home.md", "a", encoding="utf-8") as fh:
        fh.write("[[Other]]\n")  # a new link target: its keys changed
    reads = _reads(monkeypatch)
    result = _whole(vault)
    # Home; Other (its name is the new target's key); Broken.md (the vault's first note)
    assert (result.parsed, reads) == (3, [])
    fresh = _whole(vault, use_cache=False)
    assert [d.path for d in result.diagnostics] == [d.path for d in fresh.diagnostics]
    assert _findings(result) == _findings(fresh)


def test_rows_whose_keys_are_not_known_read_every_summary(vault, monkeypatch):
    _rewrite_rows(vault, lambda path, row: row.but(keys=None))
    with open(vault / "Home.md", "a", encoding="utf-8") as fh:
        fh.write("[[Other]]\n")
    reads = _reads(monkeypatch)
    result = _whole(vault)
    assert (result.parsed, len(reads)) == (3, 1)
    assert _findings(result) == _findings(_whole(vault, use_cache=False))
