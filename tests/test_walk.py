"""The stat walk of a vault (``walk_vault``): what it lists, in which order, with which stats.

The walk runs on every scan, a warm one too, and is written for speed (no per-folder sort, one
type test per regular file): these tests pin down what it must still do exactly — hidden
names, notes in any case, canvases and bases, symbolic links in and out of the vault,
dangling links and loops, FIFOs, odd and undecodable names, and the order of what it skips.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vaultlint.lint.cache import stat_key
from vaultlint.vault.discovery import walk_vault


def _tree(root: Path) -> None:
    files = [
        "b.md",
        "a.md",
        "Upper.MD",
        "mixed.mD",
        ".md",  # hidden, as every name starting with a dot
        "x.Canvas",
        "views.BASE",
        "img.png",
        ".hidden.md",
        ".obsidian/app.json",
        "a b/in space.md",
        "a-b/dash.md",
        "a/deep/deeper/n.md",
        "a/z.txt",
        "B/capital.md",
        "ünï cödé/é.md",
    ]
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n", encoding="utf-8")
    (root / "a" / "inside-link.md").symlink_to(root / "b.md")
    (root / "a" / "folder-link").symlink_to(root / "a b", target_is_directory=True)
    (root / "a" / "loop").symlink_to(root, target_is_directory=True)
    (root / "a" / "gone.md").symlink_to(root / "nothing.md")
    (root / "zz-out.md").symlink_to(root.parent / "outside.md")
    (root.parent / "outside.md").write_text("secret\n", encoding="utf-8")
    (root / "zz-dangling-out").symlink_to("/nonexistent/vaultlint/x")
    os.mkfifo(root / "a" / "pipe.md")
    os.mkfifo(root / "a" / "pipe.txt")  # not a note's name: not part of the vault, quietly
    raw = os.fsencode(str(root)) + b"/bad-\xff.md"
    with open(raw, "wb") as fh:
        fh.write(b"x\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_the_walk_lists_notes_others_links_and_skips_exactly(tmp_path):
    root = tmp_path / "vault"
    root.mkdir()
    _tree(root)
    files = walk_vault(root)
    bad = os.fsdecode(b"bad-\xff.md")
    assert files.notes == sorted(
        [
            "B/capital.md",
            "Upper.MD",
            "a b/in space.md",
            "a-b/dash.md",
            "a.md",
            "a/deep/deeper/n.md",
            "a/inside-link.md",
            "b.md",
            bad,
            "mixed.mD",
            "views.BASE",
            "x.Canvas",
            "ünï cödé/é.md",
        ]
    )
    assert files.others == ["a/z.txt", "img.png"]
    assert files.outside == ["zz-out.md"]
    # skipped: in walk order (a folder's own entries by name, then its sub-folders by name)
    assert files.skipped == [
        ("zz-dangling-out", "dangling symbolic link"),
        ("a/folder-link", "symbolic link into the vault or a loop"),
        ("a/gone.md", "dangling symbolic link"),
        ("a/loop", "symbolic link into the vault or a loop"),
        ("a/pipe.md", "not a regular file (a FIFO)"),
    ]
    # stats of the notes only (the other files' content never changes a finding)
    assert sorted(files.stats) == files.notes
    st = os.stat(root / "a" / "inside-link.md")  # a link is followed, as it is read
    assert files.stats["a/inside-link.md"] == stat_key(st)  # the key the cache compares


def test_a_vault_that_cannot_be_listed_is_one_skipped_entry(tmp_path):
    files = walk_vault(tmp_path / "missing")
    assert (files.notes, files.skipped) == (
        [],
        [(".", "cannot list folder: No such file or directory")],
    )


def test_the_walk_of_a_folder_given_with_a_trailing_slash_is_the_same(tmp_path):
    root = tmp_path / "v"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "n.md").write_text("x", encoding="utf-8")
    (root / "top.md").write_text("x", encoding="utf-8")
    assert walk_vault(Path(f"{root}/")).notes == ["sub/n.md", "top.md"]


def test_a_write_that_sets_the_modification_time_back_changes_the_stat_key(tmp_path):
    """The key's time is the later of the modification and status-change times: a write that
    keeps the size and the inode and sets the modification time back (``cp -p`` onto the
    file) is a new key, which the cache compares before any digest."""
    note = tmp_path / "a.md"
    note.write_bytes(b"[[b]]\n")
    os.utime(note, ns=(10**18, 10**18))  # a time in the past: the ctime (now) is later
    before = walk_vault(tmp_path).stats["a.md"]
    st = note.stat()
    assert before == (6, st.st_ctime_ns, st.st_ino) == stat_key(st)
    while note.stat().st_ctime_ns == st.st_ctime_ns:  # the file system's clock moves on
        os.utime(note, ns=(st.st_atime_ns, st.st_mtime_ns))
    with open(note, "r+b") as fh:
        fh.write(b"[[c]]\n")
    os.utime(note, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = note.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (6, st.st_mtime_ns, st.st_ino)
    assert walk_vault(tmp_path).stats["a.md"] == stat_key(after) != before
