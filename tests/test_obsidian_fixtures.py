"""The parser against what Obsidian itself computed for real notes (tests/data/obsidian/fixtures).

Every fixture must agree on headings, links, embeds, body tags, frontmatter links, block ids
and sections, values and exact positions. ``vaultlint inspect`` prints the same structure, so
these tests go through :func:`vaultlint.report.inspect.cached_metadata`.
"""

from __future__ import annotations

import json

import pytest

from vaultlint.parse import parse_note
from vaultlint.report.inspect import cached_metadata

from .conftest import shared

FIXTURES = sorted(shared("obsidian", "fixtures").glob("*.json"))


def _pos(p: dict) -> tuple[int, int, int, int, int, int]:
    s, e = p["start"], p["end"]
    return (s["line"], s["col"], s["offset"], e["line"], e["col"], e["offset"])


def _links(items: list[dict]) -> list[tuple]:
    return [(x["link"], x["original"], x["displayText"], _pos(x["position"])) for x in items]


def _view(cache: dict) -> dict:
    """The parts of a CachedMetadata object that vaultlint reproduces."""
    return {
        "headings": [
            (h["heading"], h["level"], _pos(h["position"])) for h in cache.get("headings", [])
        ],
        "links": _links(cache.get("links", [])),
        "embeds": _links(cache.get("embeds", [])),
        "tags": [(t["tag"], _pos(t["position"])) for t in cache.get("tags", [])],
        "frontmatterLinks": [
            (x["key"], x["link"], x["original"], x["displayText"])
            for x in cache.get("frontmatterLinks", [])
        ],
        "frontmatter": cache.get("frontmatter"),
        "frontmatterPosition": cache.get("frontmatterPosition"),
        "blocks": {k: _pos(v["position"]) for k, v in cache.get("blocks", {}).items()},
        "sections": [(s["type"], _pos(s["position"])) for s in cache.get("sections", [])],
    }


def test_all_fixtures_are_present() -> None:
    assert len(FIXTURES) == 67


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_parser_agrees_with_obsidian(fixture) -> None:
    data = json.loads(fixture.read_text(encoding="utf-8"))
    note = parse_note(data["filePath"], data["fileContents"].encode("utf-8"))
    got = _view(cached_metadata(note))
    expected = _view(data["cachedMetadata"])
    assert got == expected


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_all_tags_agree_with_obsidian(fixture) -> None:
    data = json.loads(fixture.read_text(encoding="utf-8"))
    note = parse_note(data["filePath"], data["fileContents"].encode("utf-8"))
    assert ["#" + t.name for t in note.tags] == (data["getAllTags"] or [])
