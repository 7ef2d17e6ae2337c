"""SPEC.md §14: the 108 conformance cases, as data (tests/data/obsidian/conformance.json).

Each case puts a note (and the other files of its vault) together, parses it, and checks the
links (kind, path, subpath, display, where they resolve), tags, frontmatter tags, and whether a
heading or block link finds its target.
"""

from __future__ import annotations

import json

import pytest

from vaultlint.parse import parse_note
from vaultlint.vault.index import VaultIndex

from .conftest import shared

CASES = json.loads(shared("obsidian", "conformance.json").read_text(encoding="utf-8"))["cases"]


def _vault(case: dict) -> tuple[dict, list[str]]:
    notes = {}
    others = []
    source = case["note_path"]
    notes[source] = parse_note(source, case["note"].encode("utf-8"))
    if case.get("target_note_text") is not None:
        target = "Help and support.md"
        notes[target] = parse_note(target, case["target_note_text"].encode("utf-8"))
    for path in case.get("vault_files") or []:
        if path == source:
            continue
        if path.endswith(".md"):
            notes[path] = parse_note(path, b"")
        else:
            others.append(path)
    return notes, others


def test_case_count() -> None:
    assert len(CASES) == 108


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_conformance(case: dict) -> None:
    notes, others = _vault(case)
    index = VaultIndex(notes, others)
    note = notes[case["note_path"]]
    expected = case["expected"]
    if "links" in expected:
        got = [
            {
                "kind": link.kind,
                "path": link.target,
                "subpath": link.subpath,
                "resolves_to": index.resolve(link.target, note.path),
                "display": link.display,
            }
            for link in note.links
        ]
        want = []
        for entry, link in zip(expected["links"], note.links, strict=False):
            # cases give `display` only where they assert it (the fixtures check the rest)
            want.append({**entry, "display": entry.get("display", link.display)})
        assert len(got) == len(expected["links"])
        assert got == want
    if "tags" in expected:
        assert [t.name for t in note.tags if t.origin == "body"] == expected["tags"]
    if "fmtags" in expected:
        assert [t.name for t in note.tags if t.origin == "frontmatter"] == expected["fmtags"]
    if "subpath_exists" in expected:
        (link,) = note.links
        target = index.resolve(link.target, note.path)
        assert target == "Help and support.md"
        assert index.has_subpath(notes[target], link.subpath) is expected["subpath_exists"]
    if expected.get("none"):
        assert note.links == () and note.tags == ()
