"""Frontmatter: Obsidian's own output (fixtures), the conformance cases, and YAML hazards."""

from __future__ import annotations

import bisect
import json
import math
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA
from vaultlint.model import Problem, Span, line_starts_of
from vaultlint.parse import yaml_events
from vaultlint.parse.frontmatter import MAX_DEPTH, FrontmatterResult, parse_frontmatter

FIXTURES = DATA / "obsidian" / "fixtures"
CONFORMANCE = DATA / "obsidian" / "conformance.json"

if not FIXTURES.is_dir() or not CONFORMANCE.is_file():
    pytest.fail(
        f"Obsidian reference data not found: expected {FIXTURES} and {CONFORMANCE}. "
        "They belong in the repository's tests/data/ folder.",
        pytrace=False,
    )


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


ALL_FIXTURES = sorted(FIXTURES.glob("*.json"))
WITH_FRONTMATTER = [p for p in ALL_FIXTURES if "frontmatter" in _load(p)["cachedMetadata"]]
WITHOUT_FRONTMATTER = [
    p for p in ALL_FIXTURES if "frontmatterPosition" not in _load(p)["cachedMetadata"]
]
CASES = {case["id"]: case for case in _load(CONFORMANCE)["cases"]}
FM_CASES = sorted(i for i, c in CASES.items() if c["area"] in ("fmtag", "fmlink"))


def test_reference_data_is_complete() -> None:
    # a glob that silently matched nothing would make every parametrized test vanish
    assert len(WITH_FRONTMATTER) == 23
    assert len(WITHOUT_FRONTMATTER) == len(ALL_FIXTURES) - 23 > 40
    assert {f"P0{i}" for i in range(1, 9)} | {"F01", "F02", "F03"} <= set(FM_CASES)


@pytest.fixture(params=["libyaml", "pure-python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with PyYAML's C parser and again with its pure-Python fallback."""
    if request.param == "libyaml":
        if not yaml.__with_libyaml__:
            pytest.skip("PyYAML was built without libyaml")
        from yaml._yaml import CParser

        assert yaml_events.Parser is CParser
    else:
        monkeypatch.setattr(yaml_events, "Parser", yaml.SafeLoader)
        monkeypatch.setattr(yaml_events, "PARSER_COUNTS_BYTES", False)
    return request.param


def position(text: str, offset: int) -> tuple[int, int]:
    """0-based (line, column) of an offset, as a diagnostic reports it."""
    starts = line_starts_of(text)
    line = bisect.bisect_right(starts, offset) - 1
    return line, offset - starts[line]


def spans_of(result: FrontmatterResult) -> list[Span]:
    found = [] if result.span is None else [result.span]
    for field in result.fields:
        found += [field.key_span, field.value_span, *(item.span for item in field.items)]
    found += [tag.span for tag in result.tags]
    found += [link.span for link in result.links]
    found += [problem.span for problem in result.problems]
    return found


# ---------------------------------------------------------------------------------------------
# Obsidian's own output


@pytest.mark.parametrize("path", WITH_FRONTMATTER, ids=lambda p: p.stem)
def test_fixture_frontmatter_matches_obsidian(path: Path, parser: str) -> None:
    fixture = _load(path)
    cache = fixture["cachedMetadata"]
    text = fixture["fileContents"]
    result = parse_frontmatter(text)

    assert result.data == cache["frontmatter"]
    position_ = cache["frontmatterPosition"]
    assert result.span == Span(position_["start"]["offset"], position_["end"]["offset"])
    assert result.problems == ()
    links = [
        {
            "displayText": link.display_text,
            "key": link.key,
            "link": link.linktext,
            "original": link.original,
        }
        for link in result.links
    ]
    assert links == cache["frontmatterLinks"]
    # getAllTags lists the frontmatter tags first, then the body's (cachedMetadata.tags)
    all_tags = fixture["getAllTags"]
    frontmatter_tags = all_tags[: len(all_tags) - len(cache.get("tags", []))]
    assert ["#" + tag.name for tag in result.tags] == frontmatter_tags
    if fixture["parseFrontMatterTags"] is not None:
        assert ["#" + tag.name for tag in result.tags] == fixture["parseFrontMatterTags"]
    assert all(tag.origin == "frontmatter" for tag in result.tags)
    # the body starts after the closing line's line ending
    end = result.span.end
    assert text[end - 3 : end] == "---"
    assert result.body_start == end + 1
    # every field's source is the text at its span
    for field in result.fields:
        assert field.source == text[field.value_span.start : field.value_span.end]
        assert text[field.key_span.start : field.key_span.end] == field.key


@pytest.mark.parametrize("path", WITHOUT_FRONTMATTER, ids=lambda p: p.stem)
def test_fixture_without_frontmatter(path: Path) -> None:
    result = parse_frontmatter(_load(path)["fileContents"])
    assert result == FrontmatterResult(None, 0, None)


def test_fixture_field_positions() -> None:
    text = _load(FIXTURES / "yaml_all_property_types_populated.json")["fileContents"]
    result = parse_frontmatter(text)
    by_key = {field.key: field for field in result.fields}
    assert [field.key for field in result.fields] == list(result.data)
    date = by_key["sample_date_property"]
    assert (date.value, date.source) == ("2024-07-21", "2024-07-21")
    assert position(text, date.value_span.start) == (2, 22)
    link = by_key["sample_link_property"]
    assert link.source == '"[[yaml_all_property_types_populated]]"'
    assert link.value == "[[yaml_all_property_types_populated]]"
    listed = by_key["sample_link_list_property"]
    assert [item.source for item in listed.items] == [
        '"[[yaml_all_property_types_populated]]"',
        '"[[yaml_all_property_types_empty]]"',
    ]
    assert [position(text, item.span.start) for item in listed.items] == [(12, 4), (13, 4)]
    assert [link.span for link in result.links[1:]] == [item.span for item in listed.items]
    tags = by_key["tags"]
    assert tags.source == "- sample/tag/value"
    assert result.tags[0].span == tags.items[0].span
    assert text[result.tags[0].span.start : result.tags[0].span.end] == "sample/tag/value"


# ---------------------------------------------------------------------------------------------
# Conformance cases (SPEC.md §14, areas fmtag and fmlink)


@pytest.mark.parametrize("case_id", FM_CASES)
def test_conformance(case_id: str, parser: str) -> None:
    case = CASES[case_id]
    result = parse_frontmatter(case["note"])
    assert result.problems == ()
    expected = case["expected"]
    if case["area"] == "fmtag":
        assert [tag.name for tag in result.tags] == expected["fmtags"]
    else:
        wanted = [
            (link["path"], link["subpath"], link.get("display"))
            for link in expected["links"]
            if link["kind"] == "fm"
        ]
        got = [(link.target, link.subpath, link.display) for link in result.links]
        assert got == wanted
        assert all(link.kind == "fm" for link in result.links)


def test_conformance_f01_link_details() -> None:
    text = CASES["F01"]["note"]
    (link,) = parse_frontmatter(text).links
    assert link.key == "link"
    assert link.original == "[[Episode IV]]"
    assert text[link.span.start : link.span.end] == '"[[Episode IV]]"'


def test_conformance_f02_keys() -> None:
    result = parse_frontmatter(CASES["F02"]["note"])
    assert [link.key for link in result.links] == ["links.0", "links.1"]


def test_conformance_f03_unquoted_link_is_a_nested_list() -> None:
    result = parse_frontmatter(CASES["F03"]["note"])
    assert result.data == {"link": [["Episode IV"]]}
    assert result.links == ()


def test_conformance_p03_comma_string_is_kept_as_text() -> None:
    result = parse_frontmatter(CASES["P03"]["note"])
    assert result.data == {"tags": "value-1, value-2"}
    assert result.fields[0].source == "value-1, value-2"


# ---------------------------------------------------------------------------------------------
# Finding the block


def test_crlf_note() -> None:
    text = "---\r\ntitle: Café\r\ntags:\r\n  - a\r\n  - b\r\n---\r\n# Body\r\n"
    result = parse_frontmatter(text)
    assert result.data == {"title": "Café", "tags": ["a", "b"]}
    assert result.span == Span(0, 42)
    assert text[39:42] == "---"
    assert result.body_start == 44
    assert text[result.body_start :] == "# Body\r\n"
    tags = result.fields[1]
    assert tags.source == "- a\r\n  - b"
    assert [text[t.span.start : t.span.end] for t in result.tags] == ["a", "b"]
    assert [position(text, t.span.start) for t in result.tags] == [(3, 4), (4, 4)]


def test_cr_only_note() -> None:
    text = "---\rtitle: x\rtags: [a, b]\r---\rBody\r"
    result = parse_frontmatter(text)
    assert result.data == {"title": "x", "tags": ["a", "b"]}
    assert result.span == Span(0, 29)
    assert result.body_start == 30
    assert [t.name for t in result.tags] == ["a", "b"]
    assert [position(text, t.span.start) for t in result.tags] == [(2, 7), (2, 10)]


def test_cr_only_note_error_position() -> None:
    text = "---\rtitle: x\rbad: a: b\r---\r"
    (problem,) = parse_frontmatter(text).problems
    assert position(text, problem.span.start) == (2, 6)


def test_opening_line_with_trailing_space_is_not_frontmatter() -> None:
    # Obsidian's getFrontMatterInfo opens only on /^---(\r?\n)/
    result = parse_frontmatter("--- \ntitle: x\n---\nBody\n")
    assert result == FrontmatterResult(None, 0, None)


def test_closing_line_with_trailing_space_does_not_close() -> None:
    assert parse_frontmatter("---\ntitle: x\n--- \nBody\n") == FrontmatterResult(None, 0, None)
    # …so a later `---` line closes it, and YAML sees the `--- ` line as a second document
    text = "---\ntitle: x\n--- \nBody\n---\nmore\n"
    result = parse_frontmatter(text)
    assert result.span == Span(0, 26)
    assert result.data is None
    (problem,) = result.problems
    assert problem.code == "invalid-frontmatter"
    assert "single document" in problem.message
    assert position(text, problem.span.start) == (2, 0)


def test_unclosed_frontmatter_is_body() -> None:
    assert parse_frontmatter("---\ntitle: x\ntags: [a]\n") == FrontmatterResult(None, 0, None)
    assert parse_frontmatter("---") == FrontmatterResult(None, 0, None)
    assert parse_frontmatter("---\n") == FrontmatterResult(None, 0, None)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# Title\n",
        " ---\na: 1\n---\n",
        "----\na: 1\n---\n",
        "---a\n---\n",
    ],
)
def test_no_frontmatter(text: str) -> None:
    assert parse_frontmatter(text) == FrontmatterResult(None, 0, None)


def test_properties_below_blank_lines_are_no_frontmatter_with_a_problem_at_the_dashes() -> None:
    found = parse_frontmatter("\n \t\n---\na: 1\n---\n# Body\n")
    assert (found.span, found.body_start, found.data, found.fields) == (None, 0, None, ())
    assert found.problems == (
        Problem(
            "invalid-frontmatter",
            "Obsidian reads no properties here: frontmatter must start on the first line, "
            "and 2 blank lines stand before this '---'",
            Span(4, 7),
        ),
    )
    assert parse_frontmatter("\r---\ra: 1\r---\r").problems[0].span == Span(1, 4)
    assert parse_frontmatter("\n---\n- a\n---\n") == FrontmatterResult(None, 0, None)


@pytest.mark.parametrize(
    ("text", "span", "body_start"),
    [
        ("---\n---", Span(0, 7), 7),
        ("---\n---\nBody", Span(0, 7), 8),
        ("---\r\n---\r\nBody", Span(0, 8), 10),
        ("---\n\n  \n---\n", Span(0, 11), 12),
        ("---\n# just a comment\n---\n", Span(0, 24), 25),
        ("---\n~\n---\n", Span(0, 9), 10),
    ],
)
def test_empty_frontmatter(text: str, span: Span, body_start: int) -> None:
    assert parse_frontmatter(text) == FrontmatterResult(span, body_start, {})


def test_closing_line_is_first_exact_dashes_line() -> None:
    text = "---\nnote: |\n  ----\n  text\n---\nBody\n---\n"
    result = parse_frontmatter(text)
    assert result.data == {"note": "----\ntext\n"}
    assert result.span == Span(0, 29)


# ---------------------------------------------------------------------------------------------
# Values


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("2024-07-21", "2024-07-21"),
        ("2025-02-30", "2025-02-30"),
        ("2024-07-21T12:37:00", "2024-07-21T12:37:00"),
        ("2024-07-21 12:37", "2024-07-21 12:37"),
        ("12:30", "12:30"),
        ("1:30:00", "1:30:00"),
        ("yes", "yes"),
        ("No", "No"),
        ("on", "on"),
        ("y", "y"),
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("tRUE", "tRUE"),
        ("", None),
        ("~", None),
        ("null", None),
        ("NULL", None),
        ("nULL", "nULL"),
        ("42", 42),
        ("-7", -7),
        ("+12", 12),
        ("017", 17),
        ("0o17", 15),
        ("0x1F", 31),
        ("1_000", "1_000"),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("-.inf", -math.inf),
        (".Inf", math.inf),
        ("'42'", "42"),
        ('"true"', "true"),
        ("!!str 42", "42"),
        ("!!int '7'", 7),
        ("!!float 2", 2.0),
        ("!!timestamp 2024-01-01", "2024-01-01"),
        ("!custom 5", 5),
        ("Sample Text", "Sample Text"),
        ("<% tp.date.now() %>", "<% tp.date.now() %>"),
    ],
)
def test_scalar_values(source: str, value: object, parser: str) -> None:
    text = f"---\nkey: {source}\n---\n"
    result = parse_frontmatter(text)
    assert result.problems == ()
    assert result.data == {"key": value}
    assert type(result.data["key"]) is type(value)
    (field,) = result.fields
    assert field.source == source
    # an empty value sits right after the colon
    assert field.value_span == (Span(9, 9 + len(source)) if source else Span(8, 8))


def test_nan_value() -> None:
    assert math.isnan(parse_frontmatter("---\nx: .nan\n---\n").data["x"])


def test_block_values_keep_their_source() -> None:
    text = (
        "---\n"
        "poem: |\n  line one\n  line two\n\n# a comment\n"
        "folded: >-\n  a\n  b\n"
        "list:\n  - x\n  # comment inside\n"
        "nested:\n  a: 1\n  b: [2]\n"
        "last: end\n"
        "---\n"
    )
    result = parse_frontmatter(text)
    assert result.data == {
        "poem": "line one\nline two\n",
        "folded": "a b",
        "list": ["x"],
        "nested": {"a": 1, "b": [2]},
        "last": "end",
    }
    sources = {field.key: field.source for field in result.fields}
    assert sources == {
        "poem": "|\n  line one\n  line two",
        "folded": ">-\n  a\n  b",
        "list": "- x",
        "nested": "a: 1\n  b: [2]",
        "last": "end",
    }
    for field in result.fields:
        assert text[field.value_span.start : field.value_span.end] == field.source


def test_empty_value_span() -> None:
    text = "---\ntags:\nnext: 1\n---\n"
    field = parse_frontmatter(text).fields[0]
    assert (field.value, field.source, field.value_span) == (None, "", Span(9, 9))


def test_list_items() -> None:
    text = '---\naliases: [One, "Two", 3, [nested], {a: b}, ~]\n---\n'
    (field,) = parse_frontmatter(text).fields
    assert field.value == ["One", "Two", 3, ["nested"], {"a": "b"}, None]
    assert [(i.value, i.source) for i in field.items] == [
        ("One", "One"),
        ("Two", '"Two"'),
        (3, "3"),
        (None, "~"),
    ]
    assert [i.span for i in field.items] == [Span(14, 17), Span(19, 24), Span(26, 27), Span(47, 48)]


def test_non_ascii_spans_are_character_offsets(parser: str) -> None:
    text = '---\ntítulo: "café 📅"\nb: x\n---\n'
    result = parse_frontmatter(text)
    assert result.data == {"título": "café 📅", "b": "x"}
    first, second = result.fields
    assert first.key_span == Span(4, 10)
    assert first.value_span == Span(12, 20)
    assert text[12:20] == '"café 📅"' == first.source
    assert second.key_span == Span(21, 22)
    assert second.value_span == Span(24, 25)
    assert result.span == Span(0, 29)


def test_non_ascii_error_position(parser: str) -> None:
    text = '---\ntítulo: "café 📅"\nsummary: a: b\n---\n'
    (problem,) = parse_frontmatter(text).problems
    assert problem.span == Span(31, 32)
    assert text[31] == ":"
    assert position(text, problem.span.start) == (2, 10)


def test_non_ascii_reader_error_position(parser: str) -> None:
    # libyaml reports reader errors as byte offsets: they are converted to characters
    text = '---\ntítulo: "café 📅"\nb: \x07\n---\n'
    (problem,) = parse_frontmatter(text).problems
    assert problem.code == "invalid-frontmatter"
    assert "#x0007" in problem.message
    assert problem.span == Span(24, 25)
    assert position(text, problem.span.start) == (2, 3)


def test_keys_become_strings() -> None:
    text = "---\n1: a\ntrue: b\nnull: c\n[x, y]: d\n1.50: e\n? {k: v}\n: f\n---\n"
    result = parse_frontmatter(text)
    assert result.data == {"1": "a", "true": "b", "": "c", "[x, y]": "d", "1.5": "e", "{k: v}": "f"}
    assert [field.key for field in result.fields] == list(result.data)


def test_json_frontmatter() -> None:
    text = '---\n{ "tags": ["journal"], "publish": false, "n": 1.5 }\n---\n'
    result = parse_frontmatter(text)
    assert result.data == {"tags": ["journal"], "publish": False, "n": 1.5}
    assert [t.name for t in result.tags] == ["journal"]
    assert result.fields[0].key_span == Span(6, 12)


def test_anchors_and_aliases() -> None:
    text = '---\nbase: &b "[[Home]]"\ncopy: *b\nlist: &l [x, y]\ntags: *l\n---\n'
    result = parse_frontmatter(text)
    assert result.data == {
        "base": "[[Home]]",
        "copy": "[[Home]]",
        "list": ["x", "y"],
        "tags": ["x", "y"],
    }
    copy = result.fields[1]
    assert (copy.source, copy.value_span) == ("*b", Span(30, 32))
    assert [(link.key, link.span) for link in result.links] == [
        ("base", Span(10, 23)),
        ("copy", Span(30, 32)),
    ]
    assert [(t.name, text[t.span.start : t.span.end]) for t in result.tags] == [
        ("x", "*l"),
        ("y", "*l"),
    ]


def test_merge_key_is_an_ordinary_key() -> None:
    result = parse_frontmatter("---\nbase: &b {a: 1}\nother:\n  <<: *b\n  c: 2\n---\n")
    assert result.data == {"base": {"a": 1}, "other": {"<<": {"a": 1}, "c": 2}}


# ---------------------------------------------------------------------------------------------
# Hazards


def test_alias_bomb_is_stopped_quickly(parser: str) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "---\n" + "\n".join(lines) + "\n---\nBody\n"
    began = time.perf_counter()
    result = parse_frontmatter(text)
    assert time.perf_counter() - began < 1.0
    assert result.data is None
    (problem,) = result.problems
    assert problem.code == "invalid-frontmatter"
    assert "alias" in problem.message
    assert position(text, problem.span.start)[0] in range(1, 10)


def test_python_tags_are_not_executed(tmp_path: Path, parser: str) -> None:
    marker = tmp_path / "executed"
    text = (
        "---\n"
        f'x: !!python/object/apply:os.system ["touch {marker}"]\n'
        "y: !!python/name:os.system\n"
        f"z: !!python/object/new:subprocess.check_output [[touch, {marker}]]\n"
        "---\n"
    )
    result = parse_frontmatter(text)
    assert not marker.exists()
    assert result.data == {
        "x": [f"touch {marker}"],
        "y": None,
        "z": [["touch", str(marker)]],
    }
    assert result.fields[0].source == f'!!python/object/apply:os.system ["touch {marker}"]'


def test_list_instead_of_mapping(parser: str) -> None:
    text = "---\n- a\n- b\n---\nBody\n"
    result = parse_frontmatter(text)
    assert (result.span, result.body_start, result.data) == (Span(0, 15), 16, None)
    assert result.fields == result.tags == result.links == ()
    (problem,) = result.problems
    assert problem.code == "invalid-frontmatter"
    assert problem.message == (
        "frontmatter must be a mapping of properties (key: value), not a list"
    )
    assert problem.span == Span(4, 5)


def test_scalar_instead_of_mapping(parser: str) -> None:
    (problem,) = parse_frontmatter("---\njust some text\n---\n").problems
    assert problem.message == (
        "frontmatter must be a mapping of properties (key: value), "
        "not a single value ('just some text')"
    )
    assert problem.span == Span(4, 5)


def test_mapping_as_key_does_not_crash(parser: str) -> None:
    text = "---\ncreated: {{date}}\ntitle: {{title}}\n---\n"
    result = parse_frontmatter(text)
    assert result.problems == ()
    assert result.data == {"created": {"{date}": None}, "title": {"{title}": None}}
    assert result.fields[0].source == "{{date}}"


def test_impossible_date_stays_a_string(parser: str) -> None:
    result = parse_frontmatter("---\ndate: 2025-02-30\n---\n")
    assert result.data == {"date": "2025-02-30"}
    assert result.fields[0].source == "2025-02-30"


def test_duplicate_keys_last_wins(parser: str) -> None:
    text = "---\ntitle: one\nstatus: x\ntitle: two\n---\n"
    result = parse_frontmatter(text)
    assert result.data == {"title": "two", "status": "x"}
    assert [(f.key, f.value) for f in result.fields] == [
        ("title", "one"),
        ("status", "x"),
        ("title", "two"),
    ]
    (problem,) = result.problems
    assert problem.code == "duplicate-key"
    assert problem.message == "duplicate key 'title': the last value is the one used"
    assert problem.span == Span(25, 30)
    assert position(text, problem.span.start) == (3, 0)


def test_duplicate_tags_key_uses_the_last() -> None:
    text = "---\ntags: [old]\ntags: [new]\n---\n"
    result = parse_frontmatter(text)
    assert [t.name for t in result.tags] == ["new"]


def test_tab_indentation_reports_its_line(parser: str) -> None:
    text = "---\ntitle: ok\ntags:\n\t- a\n---\n"
    result = parse_frontmatter(text)
    assert result.data is None
    (problem,) = result.problems
    assert problem.code == "invalid-frontmatter"
    assert "'\\t'" in problem.message
    assert "tabs" in problem.message
    assert position(text, problem.span.start) == (3, 0)


def test_broken_note_exact_position(parser: str) -> None:
    text = "---\ntitle: ok\ntags: [a, b\nstatus: draft\n---\nBody\n"
    result = parse_frontmatter(text)
    assert (result.span, result.body_start, result.data) == (Span(0, 43), 44, None)
    (problem,) = result.problems
    assert problem.code == "invalid-frontmatter"
    assert problem.message.startswith("invalid YAML: ")
    assert "(while parsing a flow sequence)" in problem.message
    assert "','" in problem.message
    assert problem.span == Span(32, 33)
    # line 4, column 7 in an editor: the ':' after `status`
    assert position(text, problem.span.start) == (3, 6)


def test_libyaml_message_for_mapping_in_value() -> None:
    text = "---\ntitle: ok\nsummary: a: b\n---\n"
    (problem,) = parse_frontmatter(text).problems
    assert problem.message == "invalid YAML: mapping values are not allowed in this context"
    assert position(text, problem.span.start) == (2, 10)


def test_unclosed_quote_points_at_the_closing_line(parser: str) -> None:
    text = '---\ntitle: "unclosed\n---\nText\n'
    (problem,) = parse_frontmatter(text).problems
    assert "end of stream" in problem.message
    assert position(text, problem.span.start) == (2, 0)


def test_reserved_character_reports_its_column(parser: str) -> None:
    text = "---\nauthor: @kepano\n---\n"
    (problem,) = parse_frontmatter(text).problems
    assert "'@'" in problem.message
    assert position(text, problem.span.start) == (1, 8)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("---\na: *nope\n---\n", "invalid YAML: found undefined alias '*nope'", 1),
        ("---\na: &x [1, *x]\n---\n", "invalid YAML: alias '*x' refers to itself", 1),
        ("---\na: 1\n--- b: 2\n---\n", "invalid YAML: expected a single document", 2),
        ("---\naliases: LifeOS\n- x\n---\n", "invalid YAML: did not find expected key", 2),
    ],
)
def test_structural_errors(text: str, message: str, line: int) -> None:
    result = parse_frontmatter(text)
    assert result.data is None
    (problem,) = result.problems
    assert problem.code == "invalid-frontmatter"
    assert problem.message.startswith(message)
    assert position(text, problem.span.start)[0] == line


@pytest.mark.parametrize(
    "nest",
    ["a: " + "[" * 100_000, "a: " + "{a: " * 100_000, "- " * 100_000],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_deep_nesting_is_rejected_without_crashing(nest: str, parser: str) -> None:
    # PyYAML's C composer recurses and segfaults near 30k levels; the parser here does not
    text = "---\n" + nest + "\n---\n"
    result = parse_frontmatter(text)
    assert result.data is None
    (problem,) = result.problems
    assert problem.message == f"frontmatter nests deeper than {MAX_DEPTH} levels"


class _GivesUpAtOnce:
    """A stand-in for a libyaml whose own nesting limit is lower than vaultlint's."""

    def __init__(self, source: str) -> None:
        pass

    def get_event(self):
        raise yaml.scanner.ScannerError(
            "while increasing flow level", None, "exceeded maximum nesting depth", None
        )


@pytest.mark.parametrize("depth", [100, 999, 1001])
def test_depth_limit_is_vaultlints_whatever_libyaml_stops_at(depth, monkeypatch) -> None:
    monkeypatch.setattr(yaml_events, "Parser", _GivesUpAtOnce)
    text = "---\na: " + "[" * depth + "]" * depth + "\n---\n"
    (problem,) = parse_frontmatter(text).problems
    assert problem.message == "frontmatter nests deeper than 100 levels"
    # the mapping is level 1, so the 100th '[' is level 101
    assert problem.span.start == len("---\na: ") + 99


def test_libyaml_error_stands_when_the_nesting_is_within_the_limit(monkeypatch) -> None:
    monkeypatch.setattr(yaml_events, "Parser", _GivesUpAtOnce)
    (problem,) = parse_frontmatter("---\na: " + "[" * 99 + "]" * 99 + "\n---\n").problems
    assert problem.message == (
        "invalid YAML: exceeded maximum nesting depth (while increasing flow level)"
    )


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ('---\na: "\ud800"\n---\n', 8),
        ("---\na: b\x00c\n---\n", 8),
        ("---\na: b\x1b\n---\n", 8),
    ],
)
def test_unencodable_or_control_characters(text: str, at: int) -> None:
    result = parse_frontmatter(text)
    assert result.data is None
    (problem,) = result.problems
    assert problem.code == "invalid-frontmatter"
    assert problem.span.start == at


# ---------------------------------------------------------------------------------------------
# Tags (R-T9) and links (R-P6)


@pytest.mark.parametrize(
    ("yaml_text", "tags"),
    [
        ("tags: [a, '#b', c/d]", ["a", "b", "c/d"]),
        ("Tags: [x]", ["x"]),
        ("TAGS:\n  - x", ["x"]),
        ("tags: '#one'", ["one"]),
        ("tags: one", ["one"]),
        ("tags: one two", []),
        ("tags: a, b", []),
        ("tags:", []),
        ("tags: []", []),
        ("tags: [2024, 1.5, true, ~, 'bad tag', '#', '2024', y2024]", ["y2024"]),
        ("tags: [[a]]", []),
        ("tag: [a]", []),
        ("TAG: [a]", []),
        ("tags: {a: b}", []),
        ("tags: [日本語, 📅, café]", ["日本語", "📅", "café"]),
    ],
)
def test_frontmatter_tags(yaml_text: str, tags: list[str]) -> None:
    result = parse_frontmatter(f"---\n{yaml_text}\n---\n")
    assert result.problems == ()
    assert [t.name for t in result.tags] == tags
    assert all(t.origin == "frontmatter" for t in result.tags)


def test_tag_spans_point_at_each_item() -> None:
    text = "---\ntags:\n  - '#alpha'\n  - beta\n---\n"
    result = parse_frontmatter(text)
    assert [(t.name, text[t.span.start : t.span.end]) for t in result.tags] == [
        ("alpha", "'#alpha'"),
        ("beta", "beta"),
    ]


def test_invalid_tags_are_kept_in_fields() -> None:
    result = parse_frontmatter("---\ntags: [ok, 'has space', 123]\n---\n")
    assert [t.name for t in result.tags] == ["ok"]
    assert [i.value for i in result.fields[0].items] == ["ok", "has space", 123]


@pytest.mark.parametrize(
    ("yaml_text", "links"),
    [
        ('up: "[[Parent]]"', [("up", "Parent", "", None, "[[Parent]]")]),
        (
            "up: '[[Parent|the parent]]'",
            [("up", "Parent", "", "the parent", "[[Parent|the parent]]")],
        ),
        ('up: "[[Note#Head#Sub]]"', [("up", "Note", "#Head#Sub", None, "[[Note#Head#Sub]]")]),
        ('up: "[[#^block]]"', [("up", "", "#^block", None, "[[#^block]]")]),
        ('up: " [[Padded]] "', [("up", "Padded", "", None, "[[Padded]]")]),
        ('up: "[[ spaced ]]"', [("up", "spaced", "", None, "[[ spaced ]]")]),
        (
            'rel:\n  - "[[A]]"\n  - text\n  - "[[B]]"',
            [("rel.0", "A", "", None, "[[A]]"), ("rel.2", "B", "", None, "[[B]]")],
        ),
        ('p:\n  c: "[[Deep]]"', [("p.c", "Deep", "", None, "[[Deep]]")]),
        ('p: [["[[Deeper]]"]]', [("p.0.0", "Deeper", "", None, "[[Deeper]]")]),
        ("up: [[Parent]]", []),
        ('up: "[[A]] and [[B]]"', []),
        ('up: "see [[A]]"', []),
        ('up: "[[]]"', []),
        ('up: "![[image.png]]"', []),
        ('up: "[[A]]x"', []),
        ('"[[Key]]": value', []),
    ],
)
def test_frontmatter_links(yaml_text: str, links: list[tuple]) -> None:
    result = parse_frontmatter(f"---\n{yaml_text}\n---\n")
    assert result.problems == ()
    got = [(k.key, k.target, k.subpath, k.display, k.original) for k in result.links]
    assert got == links
    assert all(k.kind == "fm" for k in result.links)


def test_link_span_is_the_value() -> None:
    text = '---\ntitle: x\nup: "[[Parent]]"\n---\n'
    (link,) = parse_frontmatter(text).links
    assert link.span == Span(17, 29)
    assert text[17:29] == '"[[Parent]]"'
    assert link.display_text == "Parent"


# ---------------------------------------------------------------------------------------------
# Properties


_YAMLISH = st.text(alphabet="ab:-#[]{}\"'&*!|>?,~@%\t\r\n \\.01é📅", max_size=80)


def _check_invariants(text: str, result: FrontmatterResult) -> None:
    for span in spans_of(result):
        assert 0 <= span.start <= span.end <= len(text)
    assert 0 <= result.body_start <= len(text)
    if result.span is None:
        assert result == FrontmatterResult(None, 0, None)
        return
    assert result.span.start == 0
    assert text[result.span.end - 3 : result.span.end] == "---"
    assert result.span.end <= result.body_start
    assert (result.data is None) == any(p.code == "invalid-frontmatter" for p in result.problems)
    for field in result.fields:
        assert text[field.value_span.start : field.value_span.end] == field.source
        for item in field.items:
            assert text[item.span.start : item.span.end] == item.source


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_never_raises_on_any_text(text: str) -> None:
    _check_invariants(text, parse_frontmatter(text))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["\n", "\r\n", "\r"]),
    _YAMLISH,
    st.text(max_size=20),
)
def test_never_raises_on_yaml_like_frontmatter(eol: str, body: str, tail: str) -> None:
    text = f"---{eol}{body}{eol}---{eol}{tail}"
    _check_invariants(text, parse_frontmatter(text))
