"""Canvases (JSON Canvas 1.0) and bases, read for their links and views."""

from __future__ import annotations

import json

import pytest

from vaultlint.model import Span
from vaultlint.parse import parse_note
from vaultlint.parse.base import parse_base
from vaultlint.parse.canvas import parse_canvas


def _canvas(nodes: list[dict]) -> str:
    return json.dumps({"nodes": nodes, "edges": []}, indent=2)


def test_file_nodes_are_links_at_their_path_string() -> None:
    text = _canvas(
        [
            {"id": "a", "type": "file", "file": "Notes/Plan.md", "subpath": "#Goals"},
            {"id": "b", "type": "file", "file": "img/x.png"},
            {"id": "c", "type": "link", "url": "https://example.com"},
            {"id": "d", "type": "group", "label": "[[not a link]]"},
        ]
    )
    note = parse_canvas("Board.canvas", text)
    assert note.problems == ()
    assert [(x.kind, x.target, x.subpath) for x in note.links] == [
        ("canvas", "Notes/Plan.md", "#Goals"),
        ("canvas", "img/x.png", ""),
    ]
    first = note.links[0]
    assert text[first.span.start : first.span.end] == '"Notes/Plan.md"'
    assert note.position(first.span.start) == (5, 14)


def test_text_node_links_point_into_the_json_string_escapes_counted() -> None:
    card = 'Say "hi" \u00e9\t[[A#B|c]]\n```\n[[In code]]\n```\n![[img.png]] [m](Note%20X.md)'
    text = _canvas([{"id": "t", "type": "text", "text": card}])
    text = text.replace("\\u00e9", "\\u00e9")  # json.dumps escapes non-ASCII as \\uXXXX
    note = parse_canvas("Board.canvas", text)
    got = [(x.kind, x.target, text[x.span.start : x.span.end]) for x in note.links]
    assert got == [
        ("wiki", "A", "[[A#B|c]]"),
        ("embed", "img.png", "![[img.png]]"),
        ("md", "Note X.md", "[m](Note%20X.md)"),
    ]


def test_a_surrogate_pair_escape_is_one_character() -> None:
    text = '{"nodes": [{"id": "t", "type": "text", "text": "\\ud83d\\ude00 [[A]]"}]}'
    (link,) = parse_canvas("B.canvas", text).links
    assert text[link.span.start : link.span.end] == "[[A]]"


def test_invalid_json_is_a_problem_where_json_says() -> None:
    note = parse_canvas("B.canvas", '{\n  "nodes": [\n    {"id": 1,}\n  ]\n}\n')
    (problem,) = note.problems
    assert problem.code == "invalid-canvas"
    assert problem.message == (
        "canvas is not valid JSON: Expecting property name enclosed in double quotes"
    )
    assert note.position(problem.span.start) == (2, 13)


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_a_number_python_reads_but_json_does_not_is_invalid_json_at_its_place(word) -> None:
    text = '{"nodes": [\n  {"id": "t", "type": "text", "x": ' + word + "}\n]}"
    note = parse_canvas("B.canvas", text)
    (problem,) = note.problems
    assert problem.code == "invalid-canvas"
    assert problem.message == f"canvas is not valid JSON: {word} is not a JSON number"
    assert note.position(problem.span.start) == (1, 35)  # 0-based: the N of NaN
    assert note.links == ()


def test_shapes_that_are_not_a_canvas() -> None:
    assert [p.message for p in parse_canvas("B.canvas", "[1, 2]").problems] == [
        "canvas is not a JSON object with 'nodes' and 'edges'"
    ]
    assert [p.message for p in parse_canvas("B.canvas", '{"nodes": 3}').problems] == [
        "canvas 'nodes' is not a list"
    ]
    text = '{"nodes": [7, {"type": "file", "id": "x"}]}'
    assert [p.message for p in parse_canvas("B.canvas", text).problems] == [
        "canvas node is not an object",
        "canvas file node has no 'file' path",
    ]
    assert parse_canvas("B.canvas", "").problems == ()  # an empty board


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    text = '{"nodes": [], "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    (problem,) = parse_canvas("B.canvas", text).problems
    assert problem.message == "canvas nested too deeply"


def test_parse_note_reads_canvases_and_bases_by_extension() -> None:
    note = parse_note("B.canvas", b'{"nodes": [{"type": "file", "id": "a", "file": "x.md"}]}')
    assert [x.kind for x in note.links] == ["canvas"]
    base = parse_note("Movies.base", b"views:\n  - type: table\n    name: Director\n")
    assert [(h.level, h.text) for h in base.headings] == [(1, "Director")]


def test_base_views_and_problems() -> None:
    text = "filters:\n  and: []\nviews:\n  - type: table\n    name: By year\n  - type: cards\n"
    note = parse_base("Movies.base", text)
    assert [(h.text, h.span) for h in note.headings] == [("By year", Span(52, 59))]
    assert note.problems == ()
    bad = parse_base("Movies.base", "views:\n  - name: [unclosed\n")
    (problem,) = bad.problems
    assert problem.code == "invalid-base"
    assert bad.position(problem.span.start) == (2, 0)
    assert problem.message.startswith("base is not valid YAML: ")
    assert [p.message for p in parse_base("M.base", "- a\n").problems] == [
        "base is not a mapping (filters, views…)"
    ]
    assert [p.message for p in parse_base("M.base", "views: 3\n").problems] == [
        "base 'views' is not a list"
    ]
    assert parse_base("M.base", "").problems == ()
