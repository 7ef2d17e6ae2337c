"""The incremental state is invisible: after every edit, a cached scan (which re-checks only
what changed and what that can affect) prints exactly the bytes of a ``--no-cache`` scan.

The vault enables every rule that reads the vault index (graph checks, shared names,
ambiguous links, link properties, tag case), so each edit reaches other notes' findings.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
from pathlib import Path

import pytest

from vaultlint.cli import main
from vaultlint.config import load_config
from vaultlint.lint import batch

from .conftest import write_vault

CONFIG = """\
extends: [recommended]
rules:
  orphans:
    check: orphans
  unused:
    check: unused-attachments
  shared:
    check: shared-names
  ambiguous:
    check: ambiguous-links
  props:
    check: properties
    properties:
      project:
        type: link
"""

VAULT = {
    ".obsidian/app.json": "{}",
    ".obsidian/types.json": '{"types": {"rating": "number"}}',
    ".vaultlint.yaml": CONFIG,
    "Home.md": "# Home\n\nSee [[Projects/Alpha#Goals]], [[Beta#Plan]] and [[Gamma]].\n"
    "![[diagram.png]] #Project\n",
    "Projects/Alpha.md": '---\nproject: "[[Beta]]"\nrating: 3\n---\n# Alpha\n\n## Goals\n\n'
    "Text ^g1\n#project\n",
    "Projects/Beta.md": "---\naliases: [B]\n---\n# Beta\n\n## Plan\n\n[[Alpha#Goals]] "
    "[[Home#^nope]] #project\n",
    "Notes/Links.md": "[[Alpha#Gone]] [[Betaa]] [[B]] [[Alpha]] #Project #misc\n",
    "Notes/Tags.md": "#misc #Misc #project\n",
    "Other/Alpha.md": "# Other alpha\n",
    "diagram.png": "",
    "unused.png": "",
}


def _run(vault: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["scan", "--vault", str(vault), *extra])
    return code, out.getvalue()


def _same(vault: Path, *extra: str) -> str:
    """The cached scan's output, checked against a scan without cache."""
    cached = _run(vault, *extra)
    fresh = _run(vault, *extra, "--no-cache")
    assert cached == fresh
    return cached[1]


def _edit(vault: Path, rel: str, old: str, new: str) -> None:
    path = vault / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS = [
    ("a heading removed that another note links to", "Projects/Alpha.md", "## Goals\n", ""),
    ("a heading added that fixes a link", "Projects/Alpha.md", "# Alpha\n", "# Alpha\n\n## Gone\n"),
    ("a heading added back", "Projects/Alpha.md", "\nText ^g1", "\n## Goals\n\nText ^g1"),
    ("a tag's case changed", "Notes/Tags.md", "#project", "#Project"),
    ("a tag's case changed again", "Home.md", "#Project", "#PROJECT"),
    ("an alias added", "Notes/Tags.md", "#misc", "---\naliases: [Betaa]\n---\n#misc"),
    ("a link to the orphan", "Notes/Tags.md", "#Misc", "[[Links]] #Misc"),
    ("the attachment linked", "Notes/Tags.md", "#Misc", "![[unused.png]] #Misc"),
    ("a property link broken", "Projects/Alpha.md", '"[[Beta]]"', '"[[Nowhere]]"'),
]


def test_every_edit_gives_the_bytes_of_a_scan_without_cache(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "v", VAULT)
    first = _same(vault)
    assert "heading 'Gone' does not exist" in first  # the vault reaches across notes
    assert _same(vault) == first  # warm
    outputs = {first}
    for _what, rel, old, new in EDITS:
        _edit(vault, rel, old, new)
        outputs.add(_same(vault))
    # files renamed, deleted, created
    (vault / "Projects" / "Beta.md").rename(vault / "Projects" / "Betaa.md")
    outputs.add(_same(vault))
    (vault / "Other" / "Alpha.md").unlink()
    outputs.add(_same(vault))
    (vault / "Gamma.md").write_text("# Gamma\n[[Home]]\n", encoding="utf-8")
    outputs.add(_same(vault))
    (vault / "unused.png").rename(vault / "Other" / "unused.png")
    outputs.add(_same(vault))
    (vault / "Notes" / "Links.md").rename(vault / "Notes" / "Linked.md")  # moved, unchanged
    outputs.add(_same(vault))
    # the configuration and Obsidian's types
    (vault / ".vaultlint.yaml").write_text(CONFIG.replace("  orphans:\n    check: orphans\n", ""))
    outputs.add(_same(vault))
    (vault / ".obsidian" / "types.json").write_text('{"types": {"rating": "text"}}')
    outputs.add(_same(vault))
    (vault / "Projects" / "Alpha.md").write_text("---\nrating: x\n---\n# Alpha\n")
    outputs.add(_same(vault))
    (vault / ".obsidian" / "types.json").write_text('{"types": {"rating": "number"}}')
    outputs.add(_same(vault))
    assert len(outputs) >= 12  # the edits changed findings


def test_a_one_note_run_keeps_the_others_right(tmp_path: Path) -> None:
    """A pre-commit run checks one edited note; notes its edit affects are checked by the
    next whole-vault run, not served from the state."""
    vault = write_vault(tmp_path / "v", VAULT)
    _same(vault)
    _edit(vault, "Projects/Alpha.md", "## Goals\n", "")
    code, out = _run(vault, str(vault / "Projects" / "Alpha.md"))
    assert (code, out) == _run(vault, str(vault / "Projects" / "Alpha.md"), "--no-cache")
    assert "Home.md" not in out
    assert "heading 'Goals' does not exist" in _same(vault)


def test_only_what_a_change_can_affect_is_checked(tmp_path: Path) -> None:
    files = dict(VAULT)
    for i in range(40):
        files[f"Many/n{i}.md"] = f"# N{i}\n[[Many/n{(i + 1) % 40}]] #many\n"
    vault = write_vault(tmp_path / "v", files)
    config = load_config(None, vault)
    batch.lint(vault, config)
    assert batch.lint(vault, config).parsed == 0  # warm: nothing parsed
    _edit(vault, "Projects/Alpha.md", "Text ^g1", "Other text ^g1")  # same summary
    assert batch.lint(vault, config).parsed == 1
    _edit(vault, "Projects/Alpha.md", "## Goals\n", "")  # Home, Beta, Links link to it
    result = batch.lint(vault, config)
    # Alpha, the notes linking to "Alpha", and the first note (unused-attachments)
    assert result.parsed == 5


def test_notes_sharing_a_name_are_listed_in_path_order_whatever_the_run_reports_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the random-edit fuzzer (minimised): a run's own notes are summarised last, and
    shared-names listed the notes of a name in the index's order, so a first (cached) run of
    two notes stored 'Other/Alpha', 'Projects/Alpha', 'Archive/Alpha' for Links, and the next
    whole-vault run served that from the state where a run without cache sorts them."""
    monkeypatch.chdir(tmp_path)
    files = {**VAULT, "Notes/Links.md": "---\naliases: [alpha]\n---\n[[Beta]]\n"}
    vault = write_vault(tmp_path / "v", {**files, "Archive/Alpha.md": "# Archived\n"})
    shared = (
        "v/Notes/Links.md:2:11: warning shared alias 'alpha' is also the name or an alias of "
        "'Archive/Alpha', 'Other/Alpha', 'Projects/Alpha'\n"
    )
    some = _same(vault, str(vault / "Archive" / "Alpha.md"), str(vault / "Notes" / "Links.md"))
    assert some == (
        "v/Archive/Alpha.md:1:1: warning orphans no other note, property or canvas links to "
        "this note\nv/Archive/Alpha.md:1:1: warning shared 3 notes are named 'Alpha': also "
        "'Other/Alpha', 'Projects/Alpha'\nv/Notes/Links.md:1:1: warning orphans no other "
        "note, property or canvas links to this note\n" + shared + "v/unused.png:1:1: warning "
        "unused no note, property or canvas links to this attachment\n"
        "Found 5 warnings in 3 notes.\n"
    )
    whole = _same(vault)
    assert shared in whole
    assert whole.endswith("Found 2 errors and 12 warnings in 8 notes.\n")


def test_of_paths_that_differ_only_in_case_the_same_one_is_linked_in_every_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the random-edit fuzzer (minimised): of two files whose paths differ only in
    case, the first the index was given held the path, and a run's own notes are given last:
    a run of the new 'Notes/Alpha2.md' alone resolved Other/Alpha's link to 'Notes/aLPHA2'
    and called Alpha2 an orphan, where a whole-vault run links it (with or without cache)."""
    monkeypatch.chdir(tmp_path)
    files = {
        **VAULT,
        "Notes/aLPHA2.md": "# Twin\n",
        "Other/Alpha.md": "# Other alpha\n\n[t](Notes/Alpha2.md#Plan)\n",
    }
    vault = write_vault(tmp_path / "v", files)
    assert (
        "v/Other/Alpha.md:3:1: error broken-link heading 'Plan' does not exist in 'Notes/aLPHA2'\n"
        in _same(vault)
    )
    (vault / "Notes" / "Alpha2.md").write_text("# Goals\n", encoding="utf-8")
    assert _same(vault, str(vault / "Notes" / "Alpha2.md")) == (
        "v/Notes/Alpha2.md:1:1: warning shared 2 notes are named 'Alpha2': also 'Notes/aLPHA2'\n"
        "Found 1 warning in 1 note.\n"
    )
    whole = _same(vault)
    assert (
        "v/Other/Alpha.md:3:1: error broken-link heading 'Plan' does not exist in 'Notes/Alpha2'\n"
        in whole
    )
    orphan = ":1:1: warning orphans no other note, property or canvas links to this note\n"
    assert "v/Notes/aLPHA2.md" + orphan in whole
    assert "v/Notes/Alpha2.md" + orphan not in whole


def test_a_write_that_keeps_size_inode_and_modification_time_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the random-edit fuzzer: a note written in place with one letter changed and
    its modification time set back (``cp -p`` onto it) kept its size, inode and mtime, and
    the cached scans served its old findings, warm and not. Its status-change time moved: the
    stat key's time is the later of the two."""
    monkeypatch.chdir(tmp_path)
    vault = write_vault(tmp_path / "v", VAULT)
    betaa = "v/Notes/Links.md:1:16: error broken-link link target 'Betaa' does not exist; "
    assert betaa + "did you mean 'Beta'?\n" in _same(vault)
    note = vault / "Notes" / "Links.md"
    before = note.stat()
    while note.stat().st_ctime_ns == before.st_ctime_ns:  # the file system's clock moves on
        os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
    with open(note, "r+b") as fh:
        fh.write(VAULT["Notes/Links.md"].replace("[[Betaa]]", "[[Betab]]").encode())
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = note.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    out = _same(vault)
    assert betaa not in out
    assert (
        "v/Notes/Links.md:1:16: error broken-link link target 'Betab' does not exist; "
        "did you mean 'Beta'?\n" in out
    )
    assert _same(vault) == out  # warm


def _random_edit(rng: random.Random, vault: Path) -> Path | None:
    """One random edit. Beside links, headings, tags, aliases, renames, deletions and new
    notes, the kinds the random-edit fuzzer found bugs with: a note whose path differs from
    another's only in case, a note moved to a folder where its name may be taken, and a write
    in place that keeps the size and sets the modification time back. Returns the note
    written or moved (None for a deletion or no edit)."""
    notes = sorted(p for p in vault.rglob("*.md"))
    names = [p.stem for p in notes] + ["Nowhere", "diagram.png", "Alpha#Goals", "B"]
    kinds = ["link", "heading", "tag", "alias", "rename", "delete", "new", "unlink"]
    kind = rng.choice([*kinds, "twin", "move", "same-stat"])
    note = rng.choice(notes)
    text = note.read_text(encoding="utf-8")
    if kind == "link":
        note.write_text(text + f"\n[[{rng.choice(names)}]]\n", encoding="utf-8")
        return note
    elif kind == "heading":
        note.write_text(text + f"\n## {rng.choice(['Goals', 'Plan', 'New'])}\n", "utf-8")
        return note
    elif kind == "tag":
        note.write_text(text + f"\n#{rng.choice(['project', 'Project', 'misc', 'MISC'])}\n")
        return note
    elif kind == "alias" and not text.startswith("---"):
        note.write_text(f"---\naliases: [{rng.choice(names)}]\n---\n" + text, encoding="utf-8")
        return note
    elif kind == "rename":
        renamed = note.with_name(rng.choice(["Alpha", "Beta", "Zed", "Gamma"]) + ".md")
        note.rename(renamed)
        return renamed
    elif kind == "delete" and len(notes) > 3:
        note.unlink()
    elif kind == "new":
        name = f"{rng.choice(['Alpha', 'Beta', 'Fresh'])}{rng.randint(0, 3)}.md"
        new = vault / rng.choice(["", "Projects", "Notes"]) / name
        new.write_text(f"# {name}\n[[{rng.choice(names)}]]\n", encoding="utf-8")
        return new
    elif kind == "unlink":
        note.write_text(text.replace("[[", "[", 1), encoding="utf-8")
        return note
    elif kind == "twin":
        case = rng.choice([str.swapcase, str.lower, str.upper])
        twin = note.with_name(case(note.stem) + ".md")
        if twin.exists():
            return None
        folder = twin.parent.relative_to(vault).as_posix()
        twin.write_text(f"# Twin\n[t]({folder}/{note.name}#Plan)\n", encoding="utf-8")
        return twin
    elif kind == "move":
        moved = vault / rng.choice(["", "Projects", "Notes", "Other"]) / note.name
        if not moved.exists():
            note.rename(moved)
            return moved
    elif kind == "same-stat" and "[[" in text:
        before = note.stat()
        while note.stat().st_ctime_ns == before.st_ctime_ns:  # the clock moves on
            os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
        at = text.index("[[") + 2
        with open(note, "r+b") as fh:
            fh.write((text[:at] + ("x" if text[at] != "x" else "y") + text[at + 1 :]).encode())
        os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
        return note
    return None


# seeds whose edits catch each of the fuzzer's bugs when its fix is undone (of 1-30: 3 the case
# twins, 17 and 23 those and the shared names' order, 17 the same-stat write)
@pytest.mark.parametrize("seed", [3, 17, 23])
def test_random_edits(tmp_path: Path, seed: int) -> None:
    vault = write_vault(tmp_path / "v", VAULT)
    rng = random.Random(seed)
    _same(vault)
    for _ in range(12):
        edited = _random_edit(rng, vault)
        if edited is not None and rng.random() < 0.5:  # pre-commit: the edited note and one
            other = rng.choice(sorted(vault.rglob("*.md")))  # more, then the whole vault
            _same(vault, str(edited), str(other))
        _same(vault, "--format", "json")


def test_a_file_name_that_is_not_utf8_is_kept_in_the_state(tmp_path, monkeypatch):
    """A note whose file name is not UTF-8 (a lone surrogate once decoded) is a row like any
    other: the cached scans, first, warm and after edits, print what a scan without cache
    prints (SQLite's TEXT cannot hold such a name as it is)."""
    monkeypatch.chdir(tmp_path)
    files = {".obsidian/app.json": "{}", "a.md": "[[gone]] [[c\u00e9]]\n", "c\u00e9.md": "# C\n"}
    vault = write_vault(tmp_path / "v", files)
    odd = vault / os.fsdecode(b"b\xe9.md")
    odd.write_bytes("# B\n\n[[a]] [[c\u00e9#Nope]]\n".encode())
    gone = "v/a.md:1:1: error broken-link link target 'gone' does not exist\n"
    nope = "v/b\ufffd.md:3:7: error broken-link heading 'Nope' does not exist in 'c\u00e9'\n"
    first = _same(vault)
    assert first == gone + nope + "Found 2 errors in 2 of 3 notes.\n"
    assert _same(vault) == first  # warm: from the rows
    (vault / "c\u00e9.md").write_text("# C\n\n## Nope\n", encoding="utf-8")
    assert _same(vault) == gone + "Found 1 error in 1 of 3 notes.\n"  # re-checked from its row
    odd.write_bytes("# B\n\n[[a]] [[c\u00e9#Nope]] [[ghost]]\n".encode())
    ghost = "v/b\ufffd.md:3:19: error broken-link link target 'ghost' does not exist\n"
    assert _same(vault) == gone + ghost + "Found 2 errors in 2 of 3 notes.\n"
    odd.unlink()
    assert _same(vault) == gone + "Found 1 error in 1 of 2 notes.\n"
