"""Links inside ``%%`` comments are parsed (Obsidian indexes them) and marked as such."""

from __future__ import annotations

from vaultlint.model import pack_note, unpack_note
from vaultlint.parse import parse_note

TEXT = (
    "%% ![[ben#Sponsor this author]] %%\n"
    "A [[seen]] %% [[hidden]] %% [[seen too]] `%%` [[seen in code's wake]]\n"
    "\n"
    "%%\n"
    "[[block hidden]] and [md](hidden.md)\n"
    "%%\n"
    "<!-- [[not a link]] -->\n"
)


def test_links_in_percent_comments_are_marked() -> None:
    note = parse_note("Note.md", TEXT)
    assert [(x.target, x.in_comment) for x in note.links] == [
        ("ben", True),
        ("seen", False),
        ("hidden", True),
        ("seen too", False),
        ("seen in code's wake", False),
        ("block hidden", True),
        ("hidden.md", True),
    ]


def test_the_cache_codec_keeps_the_comment_flag() -> None:
    note = parse_note("Note.md", TEXT)
    assert unpack_note(pack_note(note)) == note
