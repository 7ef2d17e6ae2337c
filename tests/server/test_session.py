"""The server's view of a vault (VaultSession), without the protocol: what an edit changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.conftest import write
from vaultlint.lint import batch
from vaultlint.server.session import VaultSession


def session(tmp_path: Path) -> VaultSession:
    write(tmp_path, {".obsidian/app.json": "{}\n", "A.md": "# A\n[[B]]\n", "B.md": "# B\n"})
    return VaultSession(tmp_path)


def test_typing_a_link_leaves_the_index_until_the_edits_settle(tmp_path: Path) -> None:
    vault = session(tmp_path)
    before = vault.index
    change = vault.open_document("A.md", "# A\n[[B]] [[C]]\n")
    assert (change.index_changed, vault.links_stale) == (False, True)
    assert vault.index is before  # not rebuilt while links are typed
    assert [d.message for d in vault.check("A.md")] == ["link target 'C' does not exist"]
    assert vault.index.summary("A.md").links == ("B",)
    assert vault.settle().index_changed
    assert vault.index is before  # updated in place (VaultIndex.replace), not rebuilt
    assert vault.index.summary("A.md").links == ("B", "C")
    assert (vault.settle().index_changed, vault.links_stale) == (False, False)


def test_a_heading_typed_is_in_the_index_at_once(tmp_path: Path) -> None:
    vault = session(tmp_path)
    before = vault.index
    assert vault.open_document("B.md", "# B\n## New\n").index_changed
    assert vault.index is before  # one note replaced, not a rebuild
    assert vault.index.has_subpath("B.md", "#New")
    # closed without saving: the file on disk counts again
    assert vault.close_document("B.md").index_changed
    assert not vault.index.has_subpath("B.md", "#New")


def test_a_config_error_keeps_the_rules_in_force(tmp_path: Path) -> None:
    vault = session(tmp_path)
    (tmp_path / ".vaultlint.yaml").write_text("rules:\n  nope: {check: nothing}\n")
    assert vault.reload_config() is False
    assert vault.config_error is not None and vault.config_error.line == 2
    assert [d.rule for d in vault.check("A.md")] == []  # recommended still applies: no finding
    vault.open_document("A.md", "[[Missing]]\n")
    assert [d.rule for d in vault.check("A.md")] == ["broken-link"]


def test_notes_created_and_deleted_update_the_index_in_place(tmp_path: Path) -> None:
    vault = session(tmp_path)
    before = vault.index
    assert vault.index.resolve("C", "A.md") is None
    # a new unsaved note, then the same note saved, then deleted
    assert vault.open_document("C.md", "# C\n").index_changed
    assert vault.index.resolve("C", "A.md") == "C.md"
    (tmp_path / "C.md").write_text("# C\n")
    assert not vault.file_changed("C.md").index_changed  # open: its text counts
    assert not vault.close_document("C.md").index_changed  # same summary on disk
    (tmp_path / "C.md").unlink()
    assert vault.file_changed("C.md").index_changed
    assert vault.index.resolve("C", "A.md") is None
    # an attachment
    (tmp_path / "pic.png").write_bytes(b"png")
    assert vault.file_changed("pic.png").index_changed
    assert vault.index.resolve("pic.png", "A.md") == "pic.png"
    assert vault.file_deleted("pic.png").index_changed
    assert vault.index.resolve("pic.png", "A.md") is None
    assert vault.index is before


def test_an_open_note_over_the_size_limit_is_not_checked_as_scan_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text over MAX_NOTE_BYTES (1 MiB here) is not parsed, and reports what `scan` reports
    of the same file on disk (it was parsed in full at every keystroke)."""
    monkeypatch.setattr(batch, "MAX_NOTE_BYTES", 1 << 20)
    vault = session(tmp_path)
    text = "[[Nowhere]]\n" + "é" * (1 << 20)  # 2 MiB in UTF-8
    vault.open_document("A.md", text)
    found = [(d.rule, d.line, d.column, d.message) for d in vault.check("A.md")]
    message = "the note is 2 MiB, over the 1 MiB vaultlint reads a note: it was not checked"
    assert found == [("note-too-large", 1, 1, message)]
    (tmp_path / "A.md").write_text(text, encoding="utf-8")
    vault.close_document("A.md")
    assert [(d.rule, d.message) for d in vault.check("A.md")] == [("note-too-large", message)]
    # under the limit, checked again
    vault.open_document("A.md", "[[Nowhere]]\n")
    assert [d.rule for d in vault.check("A.md")] == ["broken-link"]
