"""A generated vault's manifest as an oracle at scale (bench/make_vault.py --manifest).

The generator writes down every heading, link, tag and code block it placed, and which links
it broke on purpose. vaultlint must find exactly those — from a plain linear scan, with no
note handed to mistune — and report exactly the broken ones.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vaultlint.cli import main
from vaultlint.parse import parse_note

from .conftest import shared

NOTES = 600


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("gen")
    vault, manifest = out / "vault", out / "manifest.jsonl"
    subprocess.run(
        [
            sys.executable,
            str(shared("bench", "make_vault.py")),
            str(vault),
            str(NOTES),
            "7",
            "--manifest",
            str(manifest),
        ],
        check=True,
        capture_output=True,
    )
    entries = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()]
    return vault, entries


def _parsed(vault: Path, entry: dict):
    return parse_note(entry["path"], (vault / entry["path"]).read_bytes())


def test_manifest_covers_every_note(generated) -> None:
    vault, entries = generated
    assert len(entries) == NOTES
    assert len(list(vault.rglob("*.md"))) == NOTES


def test_headings_links_and_tags_match_the_manifest(generated) -> None:
    vault, entries = generated
    for entry in entries:
        note = _parsed(vault, entry)
        pos = note.position
        headings = [[pos(h.span.start)[0] + 1, h.level, h.text] for h in note.headings]
        assert headings == entry["headings"], entry["path"]
        links = [
            [pos(x.span.start)[0] + 1, pos(x.span.start)[1] + 1, x.original]
            for x in note.links
            if x.kind != "fm"
        ]
        assert links == [[line, col, raw] for line, col, raw, *_ in entry["links"]], entry["path"]
        tags = [
            [pos(t.span.start)[0] + 1, pos(t.span.start)[1] + 1, t.name]
            for t in note.tags
            if t.origin == "body"
        ]
        assert tags == [[line, col, tag.lstrip("#")] for line, col, tag in entry["tags"]], entry[
            "path"
        ]


def test_nothing_is_found_inside_code_blocks(generated) -> None:
    vault, entries = generated
    for entry in entries:
        note = _parsed(vault, entry)
        code_lines = {n for first, last in entry["code_blocks"] for n in range(first, last + 1)}
        found = [x.span.start for x in note.links] + [t.span.start for t in note.tags]
        assert not [o for o in found if note.position(o)[0] + 1 in code_lines], entry["path"]


def test_the_broken_links_are_exactly_the_planted_ones(generated, capsys) -> None:
    vault, entries = generated
    code = main(["scan", str(vault), "--no-cache", "--format", "json", "--select", "broken-link"])
    report = json.loads(capsys.readouterr().out)
    found = {(d["path"], d["line"], d["column"]) for d in report["diagnostics"]}
    planted = {
        (e["path"], line, col)
        for e in entries
        for line, col, _raw, _target, _heading, _kind, broken in e["links"]
        if broken
    }
    assert planted, "the generator plants broken links"
    assert found == planted
    assert code == 1
