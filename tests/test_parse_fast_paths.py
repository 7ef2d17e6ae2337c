"""The parser's fast paths give exactly what the general paths give.

Each fast path is compared with the path it short-cuts, on generated text: text inside the
subset the fast path takes (it must take it, and agree) and text around it (whichever path is
taken, the result is the same).
"""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA
from vaultlint.model import line_starts_of
from vaultlint.parse import decode, obsidian, parse_text
from vaultlint.parse.flat_yaml import read_flat
from vaultlint.parse.frontmatter import closing_line, parse_frontmatter
from vaultlint.parse.markdown import atx_heading, scan_blocks
from vaultlint.parse.obsidian import scan_inline

# ---------------------------------------------------------------------------------------------
# Flat frontmatter (parse/flat_yaml.py) against libyaml's events (parse/frontmatter.py)

_KEYS = st.one_of(
    st.sampled_from(
        ["title", "tags", "Tags", "aliases", "a b", "créé", "x.y", "k-1", "date created", "日本"]
    ),
    st.sampled_from(["true", "1", "0x1f", "1.5", "1e3", "null", "_u", "2024", "nan", "Inf"]),
    st.from_regex(r"\w[\w.-]{0,6}( [\w.-]{1,3})?", fullmatch=True),
)
_PLAIN = st.one_of(
    st.sampled_from(
        [
            "x",
            "2021-01-31",
            "12:30",
            "a:b",
            "c#",
            "yes",
            "~",
            "null",
            "true",
            "False",
            "0o17",
            "0x1F",
            ".inf",
            "-.inf",
            ".5",
            "1e3",
            "+1",
            "007",
            "1_000",
            "a, b",
            "x]",
            "y{z}",
            "see also",
            "see [[x]]",
            "x]]",
            "a  b",
            "café ☕",
            "http://example.com/a?b=c#d",
            "99999999999999999999999",
        ]
    ),
    st.from_regex(r"[A-Za-z0-9.(/~é][\w .:/#()+-]{0,10}[\w.)]", fullmatch=True).filter(
        lambda value: " #" not in value and ": " not in value  # a comment; a mapping
    ),
)


def _inside(quote: str, size: int) -> st.SearchStrategy[str]:
    """Text inside a quoted scalar without escapes: printable characters, no quote or ``\\``."""
    chars = st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
        blacklist_characters=quote + "\\\ufeff\ufffe\uffff",
    )
    return st.text(chars, max_size=size).map(lambda inner: quote + inner + quote)


_LINKS = st.sampled_from(
    ['"[[Note]]"', "'[[a/b#h|d]]'", '" [[x]] "', '"[[]]"', '"[[a]]b"', '"[[a]] [[b]]"', "'[[ ]]'"]
)
_QUOTED = st.one_of(_inside('"', 8), _inside("'", 8), _LINKS)
_FLOW_PLAIN = st.sampled_from(["a", "b c", "status/active", "2024", "true", "~", "c#", "é"])
_FLOW_ITEM = st.one_of(_FLOW_PLAIN, _inside('"', 5), st.sampled_from(['"[[F]]"', '"[[G|g]]"']))
_SPACES = st.sampled_from([" ", "  ", "   "])
_TRAIL = st.sampled_from(["", "", " ", "  "])


@st.composite
def _flow(draw) -> str:
    items = draw(st.lists(_FLOW_ITEM, max_size=4))
    seps = [draw(st.sampled_from([",", ", ", " , ", ",  "])) for _ in items[1:]]
    inner = items[0] if items else ""
    for sep, item in zip(seps, items[1:], strict=True):
        inner += sep + item
    return "[" + draw(st.sampled_from(["", " "])) + inner + draw(st.sampled_from(["", " "])) + "]"


@st.composite
def _entry(draw) -> str:
    key = draw(_KEYS)
    kind = draw(st.sampled_from(["plain", "quoted", "flow", "list", "null"]))
    if kind == "null":
        return f"{key}:{draw(_TRAIL)}\n"
    if kind == "list":
        indent = draw(st.sampled_from(["", "  ", "    "]))
        lines = [f"{key}:\n"]
        for _ in range(draw(st.integers(0, 4))):
            if draw(st.integers(0, 5)) == 0:
                lines.append("\n")
            item = draw(st.one_of(_PLAIN, _QUOTED))
            lines.append(f"{indent}-{draw(_SPACES)}{item}{draw(_TRAIL)}\n")
        return "".join(lines)
    value = draw({"plain": _PLAIN, "quoted": _QUOTED, "flow": _flow()}[kind])
    return f"{key}:{draw(_SPACES)}{value}{draw(_TRAIL)}\n"


@st.composite
def _flat_source(draw) -> str:
    lines = draw(st.lists(st.one_of(_entry(), st.just("\n")), min_size=1, max_size=8))
    source = "".join(lines)
    source = source if source.strip() else "a: 1\n"
    if draw(st.booleans()):  # Windows line endings
        source = source.replace("\n", "\r\n")
    return source


def _fast_and_full(source: str):
    text = f"---\n{source}---\nbody\n"
    return parse_frontmatter(text), parse_frontmatter(text, fast=False)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_flat_source())
def test_flat_frontmatter_is_read_fast_and_alike(source: str) -> None:
    assert read_flat(source) is not None, source
    fast, full = _fast_and_full(source)
    assert fast == full


# pieces of YAML around the subset: indicators, comments, escapes, odd whitespace and breaks
_PIECES = st.sampled_from(
    [
        "a",
        "key",
        "x y",
        ":",
        ": ",
        " ",
        "  ",
        "- ",
        "-",
        "#",
        " #c",
        "'",
        '"',
        "''",
        '\\"',
        "[",
        "]",
        "[[",
        "]]",
        ",",
        "{",
        "}",
        "&a ",
        "*a",
        "!",
        "!!str ",
        "|",
        ">",
        "%",
        "@",
        "`",
        "?",
        "\t",
        "\r",
        "\r\n",
        "\n",
        "\n  ",
        "\n- ",
        "1",
        "0x1f",
        "true",
        "~",
        "é",
        "\u2028",
        "\x85",
        "\ufeff",
        "\x00",
        "...",
        "---",
        "\\",
        "<<",
    ]
)


@st.composite
def _near_flat_source(draw) -> str:
    lines = draw(st.lists(st.one_of(_entry(), st.just("\n")), min_size=1, max_size=5))
    for _ in range(draw(st.integers(1, 3))):  # spoil it somewhere
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, "".join(draw(st.lists(_PIECES, min_size=1, max_size=4))))
    source = "".join(lines)
    return source if source.endswith("\n") else source + "\n"


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_near_flat_source())
def test_near_flat_frontmatter_reads_as_the_full_reader_reads_it(source: str) -> None:
    fast, full = _fast_and_full(source)
    assert fast == full


def test_flat_reader_keeps_every_position() -> None:
    source = 'title: Café\ntags:\n  - a\n  - "b"\nrefs: [x, "y"]\nnone:\n'
    root, data, fields, duplicates, links = read_flat(source)
    assert (root, duplicates, links) == (0, [], [])
    assert data == {"title": "Café", "tags": ["a", "b"], "refs": ["x", "y"], "none": None}
    assert fields == [
        ("title", "Café", 0, 5, 7, 11, []),
        ("tags", ["a", "b"], 12, 16, 20, 31, [("a", 22, 23), ("b", 28, 31)]),
        ("refs", ["x", "y"], 32, 36, 38, 46, [("x", 39, 40), ("y", 42, 45)]),
        ("none", None, 47, 51, 52, 52, []),
    ]


def test_flat_reader_finds_property_links() -> None:
    source = 'up: "[[Note]]"\nrel:\n  - "[[A|a]]"\n  - x\n  - "[[B#h]]"\nsee: [x, "[[C]]"]\n'
    *_, links = read_flat(source)
    assert links == [
        (0, "up", "[[Note]]", 4, 14),
        (1, "rel.0", "[[A|a]]", 24, 33),
        (1, "rel.2", "[[B#h]]", 44, 53),
        (2, "see.1", "[[C]]", 63, 70),
    ]
    fast, full = _fast_and_full(source)
    assert fast == full
    assert [(link.key, link.target) for link in fast.links] == [
        ("up", "Note"),
        ("rel.0", "A"),
        ("rel.2", "B"),
        ("see.1", "C"),
    ]


def test_flat_reader_declines_what_it_does_not_read() -> None:
    for source in [
        "a: b # comment\n",
        "a: [[link]]\n",
        "a:\n  b: 1\n",
        "a: 'it''s'\n",
        'a: "x\\ty"\n',
        "a: |\n  text\n",
        "a: x\ry: z\n",
        "a: x\r",
        "a:\tx\n",
        "a: x\n  continued\n",
        "- item\n",
        "a:\n  - x\n    - y\n",
        "# comment\na: 1\n",
    ]:
        assert read_flat(source) is None, source


# ---------------------------------------------------------------------------------------------
# The block scanner's and the inline scanner's fast paths against their general paths

_MARKDOWN_PIECES = st.sampled_from(
    [
        "word ",
        "x",
        "é",
        " ",
        "\t",
        "\n",
        "\n\n",
        "\r\n",
        "\n# ",
        "\n## h #",
        "\n#",
        "#tag ",
        "#\t#",
        "\n|",
        "|a|b|",
        "\n|-|-|",
        "\n| --- |",
        "\n:-:|",
        "\n- ",
        "\n* ",
        "\n+ ",
        "\n  - ",
        "\n  - x",
        "\n  * y",
        "\n  + z",
        "\n   - w",
        "\n      - v",
        "\n  -  u",
        "\n  - - -",
        "\n  *\tt",
        "\n    - ",
        "\n\t- ",
        "\n1. ",
        "\n2) ",
        "\n> ",
        "\n> [!note] ",
        "\n===",
        "\n---",
        "\n- - -",
        "\n```\n",
        "\n```",
        "\n````",
        "\n> ```",
        "\n>~~~",
        "\n   ```",
        "\n\t```",
        "\n~~~",
        "\n  ~~~~",
        "\n    ```",
        "\n \t ``",
        "\n  >x",
        "\n    code",
        "\n<div>\n",
        "\n<!-- c -->",
        "\n%%\n",
        "%%",
        "\n$$\n",
        "$x$",
        "`",
        "``",
        "\\",
        "[[a]]",
        "![[b|c]]",
        "[[a#h]]",
        "[[a#h#k|d]]",
        "[[ x |]]",
        "[[|x]]",
        "[[a\\|b]]",
        "!",
        "\\![[a]]",
        "[[",
        "]]",
        "[",
        "]",
        "[x](y.md)",
        "](z)",
        "^id",
        "_",
    ]
)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_MARKDOWN_PIECES, max_size=40).map("".join))
@example("\n- \tword \n   ```")  # a tab after the bullet: its width decides where the fence is
@example("-  \tword\n    ```\n")
# inside a top-level fence: indented code, an indented closing fence, a quote marker
@example("```\n    code\n  > q\n\t``\n  ```\n[[a]]\n")
@example("~~~~\n   ~~~\n  ~~~~~\n[[a]]\n")
# a quote's lazy lines: at its depth, deeper and shallower, a block id, an item inside it
@example("> a\n> b ^id\n> [[c]]\n>\n> d\n")
@example("> > a\n> b\n> > c\n> d\n")
@example("> - a\n> b\nc\n> d\n")
def test_scanners_fast_paths_find_what_their_general_paths_find(text: str) -> None:
    starts = line_starts_of(text)
    fast = scan_blocks(text, 0, starts)
    general = scan_blocks(text, 0, starts, fast=False)
    assert fast == general
    assert scan_inline(text, fast.ranges) == scan_inline(text, fast.ranges, fast=False)
    # ranges without a special character are skipped by one search ahead: as if each range
    # were scanned alone
    alone: tuple[list, list] = ([], [])
    for r in fast.ranges:
        links, tags = scan_inline(text, [r])
        alone[0].extend(links)
        alone[1].extend(tags)
    assert scan_inline(text, fast.ranges) == alone
    whole = [(0, len(text))]  # the inline scan over the whole text too, brackets and all
    assert scan_inline(text, whole) == scan_inline(text, whole, fast=False)
    # parse_text builds the line table from the lines it hands the block scan
    assert parse_text("note.md", text).line_starts == starts


def _real_notes() -> list[str]:
    texts = [decode(path.read_bytes())[0] for path in sorted(DATA.glob("vaults/**/*.md"))]
    for path in sorted((DATA / "obsidian" / "fixtures").glob("*.json")):
        texts.append(json.loads(path.read_text(encoding="utf-8"))["fileContents"])
    return texts


def test_fast_paths_agree_on_real_notes() -> None:
    texts = _real_notes()
    assert len(texts) > 300
    for text in texts:
        starts = line_starts_of(text)
        body = parse_frontmatter(text).body_start
        fast = scan_blocks(text, body, starts)
        assert fast == scan_blocks(text, body, starts, fast=False)
        assert scan_inline(text, fast.ranges) == scan_inline(text, fast.ranges, fast=False)


# ---------------------------------------------------------------------------------------------
# The frontmatter's closing line: str.find against the regular expression it replaced

_CLOSING_REGEX = re.compile(r"(?<=[\n\r])---(?:\r\n|\r|\n|\Z)")


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["---", "--", "-", "----", "\n", "\r", "\r\n", "a", " ", "\n---", "\r---"]),
        max_size=16,
    ).map("".join),
    st.integers(0, 12),
)
@example("---\n---", 4)  # the closing line right after the opening one, at the text's end
@example("---\n---\r\nx", 4)
@example("---\r---\rx", 4)
@example("a\n----\n---\n", 0)  # four dashes do not close; the next line does
@example("---", 0)  # at the start of the text: no line break before it
def test_the_closing_line_is_where_the_regular_expression_finds_it(text: str, base: int) -> None:
    base = min(base, len(text))
    m = _CLOSING_REGEX.search(text, base)
    assert closing_line(text, base) == (None if m is None else m.span())


def test_closing_line_examples() -> None:
    assert closing_line("---\na: 1\n---\nbody", 4) == (9, 13)
    assert closing_line("---\r\na: 1\r\n---\r\nbody", 5) == (11, 16)
    assert closing_line("---\na: 1\n---", 4) == (9, 12)
    assert closing_line("---\na: 1\n--- x\n", 4) is None


# ---------------------------------------------------------------------------------------------
# ATX headings: string methods against the regular expression the scanner used before

_ATX_REGEX = re.compile(r"(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ATX_BARE = re.compile(r"#{1,6}[ \t]*$")


def _atx_by_regex(s: str) -> tuple[int, str] | None:
    m = _ATX_REGEX.match(s)
    if m is None:
        return None
    return len(m.group(1)), "" if _ATX_BARE.match(s) else (m.group(2) or "").strip()


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["#", "#", "##", " ", "\t", "a", "b c", "\u00a0", "\x85", "é", "\\#"]),
        max_size=14,
    ).map("".join)
)
@example("## ###")
@example("# #")
@example("####### seven")
@example("## a #b")
@example("## a \u00a0##")
def test_atx_heading_reads_as_the_regular_expression_did(s: str) -> None:
    assert atx_heading(s) == _atx_by_regex(s)


def test_atx_heading_examples() -> None:
    assert atx_heading("## Context testing ##  ") == (2, "Context testing")
    assert atx_heading("#tag") is None
    assert atx_heading("#") == (1, "")
    assert atx_heading("### \t") == (3, "")
    assert atx_heading("## a#") == (2, "a#")
    assert atx_heading("## ###") == (2, "###")
    assert atx_heading("####### x") is None


def test_the_listed_special_characters_are_those_the_regex_searches() -> None:
    searched = {chr(c) for c in range(0x110000) if obsidian._SPECIAL.match(chr(c))}
    assert set(obsidian._SPECIAL_CHARS) == searched
    assert obsidian._special_positions("a [[b]] #c `d` $e$ <f> %%g%% \\h") == [
        2,
        3,
        8,
        11,
        13,
        15,
        17,
        19,
        23,
        24,
        26,
        27,
        29,
    ]


def test_a_note_with_too_many_special_characters_is_searched_by_the_regex() -> None:
    text = "%" * (obsidian._MAX_LISTED + 1) + "\n\nsee [[a#b|c]] and #tag\n"
    assert obsidian._special_positions(text) is None
    start = text.index("see")
    links, tags = scan_inline(text, [(start, len(text) - 1)])
    assert [(link.target, link.subpath, link.display, link.span) for link in links] == [
        ("a", "#b", "c", (start + 4, start + 13))
    ]
    assert [(tag.name, tag.span) for tag in tags] == [("tag", (start + 18, start + 22))]
