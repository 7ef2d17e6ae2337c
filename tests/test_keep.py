"""What the batch runner keeps of a note between its stages (lint/keep.py): packed parts, no
text; the file read again only for a note whose index-reading rules report; a note whose file
changed (or went) between the stages checked again, whole, as it is now."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vaultlint.config import load_config
from vaultlint.lint import batch
from vaultlint.lint.batch import lint, read_and_parse
from vaultlint.lint.keep import LINK_FIELDS, Keeper, KeptNote, KeptView, shared_summary
from vaultlint.model import NOTE_PARTS, Link, NoteView, Span
from vaultlint.vault.discovery import walk_vault
from vaultlint.vault.index import summarize

from .conftest import REPO, write_vault

FILES = {
    "a.md": "# A\n\nSee [[Missing]] and [[b]].\n",
    "b.md": "# B\n\n[[a#A]]\n",
    "c.md": '---\nup: "[[Nowhere]]"\n---\nc\n',
}


def _rows(result) -> list[tuple[str, int, int, str, str]]:
    return [(d.path, d.line, d.column, d.rule, d.message) for d in result.diagnostics]


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The notes read again in stage 2 (in this process: ``jobs=1``)."""
    reads: list[str] = []
    read = KeptNote._read

    def counted(self: KeptNote, root: str) -> str | None:
        reads.append(self.path)
        return read(self, root)

    monkeypatch.setattr(KeptNote, "_read", counted)
    return reads


def _between_stages(monkeypatch: pytest.MonkeyPatch, action) -> None:
    """Run ``action`` once every note is parsed, before the index-reading rules run."""
    stage2 = batch._Worker.stage2

    def late(self, summaries):
        action()
        return stage2(self, summaries)

    monkeypatch.setattr(batch._Worker, "stage2", late)


@pytest.mark.parametrize("use_cache", [False, True])
def test_only_notes_with_findings_are_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_cache: bool
) -> None:
    vault = write_vault(tmp_path / "v", FILES)
    reads = _reads(monkeypatch)
    result = lint(vault, load_config(None, vault), use_cache=use_cache, cache_dir=tmp_path / "c")
    assert _rows(result) == [
        ("a.md", 3, 5, "broken-link", "link target 'Missing' does not exist"),
        ("c.md", 2, 6, "broken-link", "link target 'Nowhere' does not exist"),
    ]
    assert sorted(reads) == ["a.md", "c.md"]  # b.md's link resolves: its text is never read


def test_a_frontmatter_link_that_resolves_reads_no_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The links check finds a frontmatter link's ``[[`` in the note's text only where it
    reports (checks/links.py ``_span``): d.md's property links resolve, its file is read once;
    c.md's finding still points at the ``[[`` (column 6), not at the quote (5)."""
    files = {**FILES, "d.md": '---\nup: "[[a]]"\nsee:\n  - "[[b#B]]"\n---\nd\n'}
    vault = write_vault(tmp_path / "v", files)
    reads = _reads(monkeypatch)
    result = lint(vault, load_config(None, vault), use_cache=False)
    assert _rows(result) == [
        ("a.md", 3, 5, "broken-link", "link target 'Missing' does not exist"),
        ("c.md", 2, 6, "broken-link", "link target 'Nowhere' does not exist"),
    ]
    assert sorted(reads) == ["a.md", "c.md"]


@pytest.mark.parametrize("use_cache", [False, True])
def test_a_note_changed_between_the_stages_is_checked_as_it_is_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_cache: bool
) -> None:
    vault = write_vault(tmp_path / "v", FILES)
    a = vault / "a.md"
    before = a.stat()
    # as long as before, same inode and modification time: only the digest tells (the caches
    # on); without them the size and the time are what is compared, so the size differs there
    new = "# A\n\nSee [[Gone]] and [[b]]....\n" if use_cache else "# A\n\n[[Gone]]\n"

    def edit() -> None:
        with open(a, "r+b") as fh:
            fh.write(new.encode())
            fh.truncate()
        os.utime(a, ns=(before.st_atime_ns, before.st_mtime_ns))

    _between_stages(monkeypatch, edit)
    result = lint(vault, load_config(None, vault), use_cache=use_cache, cache_dir=tmp_path / "c")
    column = 5 if use_cache else 1
    assert _rows(result) == [
        ("a.md", 3, column, "broken-link", "link target 'Gone' does not exist"),
        ("c.md", 2, 6, "broken-link", "link target 'Nowhere' does not exist"),
    ]


def test_a_note_changed_between_the_stages_reads_its_own_new_headings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = write_vault(tmp_path / "v", {**FILES, "s.md": "# A\n\n[[#A]] [[Missing]]\n"})
    s = vault / "s.md"
    _between_stages(monkeypatch, lambda: s.write_text("# Bee\n\n[[#A]] [[Missing]]\n"))
    result = lint(vault, load_config(None, vault), use_cache=False)
    assert [r for r in _rows(result) if r[0] == "s.md"] == [
        ("s.md", 3, 1, "broken-link", "heading 'A' does not exist in this note"),
        ("s.md", 3, 8, "broken-link", "link target 'Missing' does not exist"),
    ]
    assert lint(vault, load_config(None, vault), use_cache=False).diagnostics == result.diagnostics


def test_a_note_deleted_between_the_stages_is_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = write_vault(tmp_path / "v", FILES)
    _between_stages(monkeypatch, (vault / "c.md").unlink)
    result = lint(vault, load_config(None, vault), use_cache=False)
    assert _rows(result) == [
        ("a.md", 3, 5, "broken-link", "link target 'Missing' does not exist"),
        ("c.md", 1, 1, "unreadable-note", "cannot read the note: No such file or directory"),
    ]


def test_a_kept_note_gives_its_parts_and_reads_its_text_when_asked(tmp_path: Path) -> None:
    text = "---\ntags: [x]\n---\n# H\n[[a]] #t ^b\n%% vaultlint-disable links %%\n"
    vault = write_vault(tmp_path / "v", {"n.md": text})
    note, content, key = read_and_parse(str(vault), "n.md", fingerprint=False)
    keeper = Keeper(str(vault), NOTE_PARTS)
    kept = keeper.keep(note, content, key)
    assert isinstance(kept, bytes)
    view = keeper.view("n.md", kept)
    assert {name: getattr(view, name) for name in NOTE_PARTS} == {
        name: getattr(note, name) for name in NOTE_PARTS
    }
    assert view.suppressions == note.suppressions != ()
    narrow = NoteView.of(view, frozenset({"links"}))
    assert isinstance(narrow, KeptView) and narrow.links == note.links
    assert view.kept.text is None  # nothing read yet
    assert (narrow.text, narrow.line_starts) == (note.text, note.line_starts)
    assert view.kept.text == note.text and not view.kept.changed


def test_a_link_written_as_its_parts_is_kept_without_its_text(tmp_path: Path) -> None:
    """A link whose source text is ``[[target#sub|display]]`` (``![[…]]`` for an embed)
    exactly is kept without that text (rebuilt from its parts: a frontmatter link too); any
    other form keeps its own."""
    canonical = "[[a]] [[b#H|shown]] ![[c.png]] [[#^blk]] [[d|]]"
    others = "[[ e ]] [[f\\|g]] [x](x.md) ![y](y.png)"
    text = f'---\nup: "[[h]]"\n---\n{canonical}\n| {others} |\n'
    vault = write_vault(tmp_path / "v", {"n.md": text})
    note, content, key = read_and_parse(str(vault), "n.md")
    assert [link.kind for link in note.links] == [
        *["fm", "wiki", "wiki", "embed", "wiki", "wiki"],
        *["wiki", "wiki", "md", "mdembed"],
    ]
    keeper = Keeper(str(vault), frozenset({"links"}))
    kept = keeper.keep(note, content, key)
    record = kept if isinstance(kept, bytes) else b"".join(kept)
    for link in note.links:
        elided = link.original in [*canonical.split(), "[[h]]"]
        assert (link.original.encode() in record) is not elided
    assert keeper.view("n.md", kept).links == note.links


def test_a_kept_note_whose_file_went_is_marked_changed(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "v", {"n.md": "[[a]]\n"})
    note, content, key = read_and_parse(str(vault), "n.md")
    keeper = Keeper(str(vault), frozenset({"links"}))
    kept = keeper.keep(note, content, key)
    (vault / "n.md").unlink()
    view = keeper.view("n.md", kept)
    assert view.links == note.links
    assert (view.text, view.line_starts, view.kept.changed) == ("", (0,), True)


def test_values_marshal_refuses_are_kept_as_they_are(tmp_path: Path) -> None:
    class Label(str):
        pass

    vault = write_vault(tmp_path / "v", {"n.md": "---\nk: v\n---\n"})
    note, content, key = read_and_parse(str(vault), "n.md")
    note = note._replace(frontmatter={"k": Label("v")})
    keeper = Keeper(str(vault), frozenset({"frontmatter"}))
    kept = keeper.keep(note, content, key)
    assert isinstance(kept, list)
    kept_frontmatter = keeper.view("n.md", kept).frontmatter
    assert kept_frontmatter == {"k": "v"}
    assert type(kept_frontmatter["k"]) is Label  # kept as it is, not made a plain str


def test_a_long_record_is_kept_in_small_pieces(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "v", {"n.md": "".join(f"[[Note {i}]]\n" for i in range(60))})
    note, content, key = read_and_parse(str(vault), "n.md")
    keeper = Keeper(str(vault), frozenset({"links"}))
    kept = keeper.keep(note, content, key)
    assert isinstance(kept, tuple) and len(kept) > 2
    assert all(isinstance(piece, bytes) and len(piece) <= 448 for piece in kept)
    assert keeper.view("n.md", kept).links == note.links


def test_a_note_that_was_not_read_keeps_its_empty_text(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "v", {})
    note, content, key = read_and_parse(str(vault), "gone.md")
    assert (note.text, content, key) == ("", b"", (0, 0, 0))
    view = Keeper(str(vault), frozenset({"links"})).view(
        "gone.md", Keeper(str(vault), frozenset({"links"})).keep(note, content, key)
    )
    assert (view.kept.text, view.kept.line_starts) == ("", note.line_starts)
    assert (view.text, view.kept.changed) == ("", False)


def test_equal_strings_of_summaries_are_shared(tmp_path: Path) -> None:
    vault = write_vault(
        tmp_path / "v", {"a.md": "# Notes\n[[Hub]]\n", "b.md": "# Notes\n[[Hub]]\n"}
    )
    seen: dict = {}
    a, b = (shared_summary(read_and_parse(str(vault), p)[0], seen) for p in ("a.md", "b.md"))
    assert a[1:] == b[1:] == (((1, "Notes"),), (), (), (), ("Hub",))
    assert a.headings[0] is b.headings[0] and a.links[0] is b.links[0]


def test_a_shared_summary_is_the_summary() -> None:
    """shared_summary builds in one pass what summarize builds (then shared): on every note
    of the example vault, and on one with repeated tags, links, blocks and aliases."""
    text = (
        "---\naliases: [One, Two]\ntags: [x, X]\n---\n# H\n## H\n"
        "[[a]] [[a#H]] [[b|B]] #x #Y #x ^Blk\n\npara ^two\n"
    )
    example = REPO / "examples" / "vault"
    notes = [read_and_parse(str(example), p)[0] for p in walk_vault(example).notes]
    notes.append(batch.parse_text("n.md", text))
    seen: dict = {}
    for note in notes:
        got = shared_summary(note, seen)
        assert type(got) is type(summarize(note)) and got == summarize(note), note.path
    assert shared_summary(notes[-1], {})[1:] == (
        ((1, "H"), (2, "H")),
        ("blk", "two"),
        ("x", "X", "Y"),
        ("One", "Two"),
        ("a", "b"),
    )


def test_the_keeper_knows_every_field_of_a_link(tmp_path: Path) -> None:
    """keep.py packs a link's fields by name: a field added to Link (or its span) must be
    added there too, else it would be lost between the stages."""
    assert Link._fields == LINK_FIELDS and Span._fields == ("start", "end")
    links = (
        Link("embed", "pic.png", "", "300", "![[pic.png|300]]", Span(1, 17), "up", True),
        Link("embed", "pic.png", "#x", None, "![[pic.png#x]]", Span(2, 3)),
        Link("fm", "a", "#^b", None, "[[a#^b]]", Span(4, 9), "links.0"),
        Link("wiki", "a", "", "", "[[a|]]", Span(5, 6), None, True),
        Link("wiki", "a", "", None, "[[ a ]]", Span(7, 8)),
        Link("embed", "a", "", None, "[[a]]", Span(7, 8)),  # not how an embed is written
        Link("md", "a.md", "", "a", "[a](a.md)", Span(9, 10)),
    )
    vault = write_vault(tmp_path / "v", {"n.md": "x\n"})
    note, content, key = read_and_parse(str(vault), "n.md")
    note = note._replace(links=links)
    keeper = Keeper(str(vault), frozenset({"links", "tags"}))
    view = keeper.view("n.md", keeper.keep(note, content, key))
    assert view.links == links and view.tags == note.tags
    assert [type(link.span) for link in view.links] == [Span] * len(links)


def test_a_note_is_read_to_its_end_even_when_it_grew_since_its_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """read_and_parse asks for a note's size and one byte more (not MAX_NOTE_BYTES at once):
    a file longer than its stat said is still read whole, and only as far as one byte past
    the limit."""
    path = tmp_path / "n.md"
    path.write_bytes(b"0123456789" * 10)
    monkeypatch.setattr(batch, "MAX_NOTE_BYTES", 60)
    for size, expected in ((60, 61), (10, 61), (0, 61)):  # sizes a stat gave, at most 60
        fd = os.open(path, os.O_RDONLY)
        try:
            assert len(batch._read_note(fd, size)) == expected, size
        finally:
            os.close(fd)
    monkeypatch.setattr(batch, "MAX_NOTE_BYTES", 1000)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert batch._read_note(fd, 40) == b"0123456789" * 10  # grew from 40 bytes: all of it
    finally:
        os.close(fd)
    note = read_and_parse(str(tmp_path), "n.md")[0]
    assert note.text == "0123456789" * 10 and note.problems == ()
