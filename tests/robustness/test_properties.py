"""Properties, with hypothesis.

(a) The parser is total: ``parse_note`` never raises, on arbitrary bytes or on text rich in
    Markdown and Obsidian syntax, and every position it returns lies inside the text and points
    at what it claims (a link's span is its source text, a body tag's span is ``#`` + its name,
    a field's value span is its source text).
(b) A scan reports the same findings whatever the order in which the notes were created on disk,
    and whether the notes are parsed and checked in this process or in worker processes.
"""

from __future__ import annotations

import itertools
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vaultlint.lint.batch
from tests.robustness.corpus import run_inprocess
from vaultlint.model import Note
from vaultlint.parse import parse_note

# --- (a) the parser is total ----------------------------------------------------------------

#: Markdown and Obsidian syntax, line breaks of every kind, letters, spaces and non-ASCII
SYNTAX = "[]()!#|^%$`\\<>-*_~:/.=+{}&\"' \n\r\t"
ALPHABET = SYNTAX + "abxyzAB019 éß日\u00a0\u200b\x00\x0b\x0c\x85\u2028"

syntax_text = st.text(alphabet=st.sampled_from(ALPHABET), max_size=400)

#: line prefixes that open blocks, and inline pieces that open or close spans
PREFIXES = ["", "> ", "- ", "1. ", "  ", "    ", "\t", "```", "~~~", "$$", "%%", "<div>", "<!--"]
PREFIXES += ["-->", "# ", "### ", "---", "===", "| ", "> [!note] ", "* ", "^block-1"]
PIECES = ["[[a]]", "[[b#H]]", "[[c#^x]]", "![[d.png]]", "[t](e.md)", "[t](<f g.md>)", "#tag"]
PIECES += ["#a/b", "`x`", "``", "$m$", "%%c%%", "<!--h-->", " ^id", "[[", "]]", "](", "|", "\\"]
line = st.builds(
    lambda prefix, parts: prefix + "".join(parts),
    st.lists(st.sampled_from(PREFIXES), max_size=3).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), syntax_text.map(lambda s: s[:6])), max_size=8),
)
markdown = st.builds(
    lambda lines, eol: eol.join(lines),
    st.lists(line, max_size=25),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
frontmatter = st.builds(
    lambda yaml, body: "---\n" + yaml + "\n---\n" + body,
    st.one_of(
        syntax_text,
        st.lists(
            st.builds(
                lambda k, v: f"{k}: {v}",
                st.sampled_from(["tags", "aliases", "created", "title", "links", "a"]),
                st.one_of(
                    syntax_text.map(lambda s: s[:20]),
                    st.sampled_from(["[a, b]", '"[[X]]"', "[[X]]", "2025-02-30", "{{date}}"]),
                ),
            ),
            max_size=6,
        ).map("\n".join),
    ),
    markdown,
)
any_text = st.one_of(syntax_text, markdown, frontmatter)


def _inside(span: Any, n: int) -> bool:
    return 0 <= span.start <= span.end <= n


def check_positions(note: Note) -> None:
    text = note.text
    n = len(text)
    starts = note.line_starts
    assert starts[0] == 0
    assert all(a < b for a, b in itertools.pairwise(starts))
    assert all(text[s - 1] in "\r\n" for s in starts[1:])
    assert 0 <= note.body_start <= n
    for link in note.links:
        assert _inside(link.span, n), link
        written = text[link.span.start : link.span.end]
        if link.kind == "fm":
            # a frontmatter link's span is its YAML scalar, quotes included (and a quoted scalar
            # may spell the link with escapes): the link is inside it
            assert "[[" in written and "]]" in written, (link, written)
        else:
            assert written == link.original, link
        line, col = note.position(link.span.start)
        assert 0 <= line < len(starts)
        assert col >= 0
    for tag in note.tags:
        assert _inside(tag.span, n), tag
        written = text[tag.span.start : tag.span.end]
        if tag.origin == "body":
            assert written == "#" + tag.name, tag
        else:  # a frontmatter tags entry, maybe quoted, maybe with its '#'
            assert written.strip("'\"").removeprefix("#") == tag.name, (tag, written)
    for heading in note.headings:
        assert _inside(heading.span, n), heading
        assert 1 <= heading.level <= 6
    for block in note.blocks:
        assert _inside(block.span, n) and _inside(block.id_span, n), block
        assert text[block.id_span.start : block.id_span.end] == "^" + block.id, block
    for section in note.sections:
        assert _inside(section.span, n), section
    for field in note.fields:
        assert _inside(field.key_span, n) and _inside(field.value_span, n), field
        assert text[field.value_span.start : field.value_span.end] == field.source, field
        for item in field.items:
            assert _inside(item.span, n)
            assert text[item.span.start : item.span.end] == item.source, item
    if note.frontmatter_span is not None:
        assert _inside(note.frontmatter_span, n)
    for problem in note.problems:
        assert _inside(problem.span, n), problem
    for sup in note.suppressions:
        assert 0 <= sup.line < len(starts)


def _parse_settings(examples: int) -> settings:
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


@_parse_settings(1000)
@given(st.binary(max_size=600))
def test_parser_is_total_on_bytes(data: bytes) -> None:
    check_positions(parse_note("n.md", data))


@_parse_settings(600)
@given(any_text)
def test_parser_is_total_on_syntax(text: str) -> None:
    check_positions(parse_note("n.md", text))
    check_positions(parse_note("n.md", text.encode("utf-8")))
    check_positions(parse_note("n.md", "\ufeff" + text))


@_parse_settings(300)
@given(any_text, st.sampled_from(["latin-1", "cp1252", "utf-16"]))
def test_parser_is_total_on_other_encodings(text: str, encoding: str) -> None:
    check_positions(parse_note("n.md", text.encode(encoding, "replace")))


# --- (b) a scan does not depend on file order or on worker processes ------------------------

NAMES = ["Alpha", "beta", "Gamma Ray", "sub/Delta", "sub/deep/Épsilon", "Zeta", "other/Alpha"]
TARGETS = [*NAMES, "Missing", "sub/Nowhere", "alpha", "Delta", "épsilon", "Zeta.md"]


@st.composite
def note_body(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["link", "heading", "tag", "embed", "md", "text", "block"]))
        target = draw(st.sampled_from(TARGETS))
        if kind == "link":
            sub = draw(st.sampled_from(["", "#Intro", "#Nope", "#^b1", "#^none"]))
            lines.append(f"See [[{target}{sub}]] here.")
        elif kind == "heading":
            lines.append(draw(st.sampled_from(["# Intro", "## Part", "Intro\n==="])))
        elif kind == "tag":
            lines.append(draw(st.sampled_from(["#Topic", "#topic", "#topic/sub", "#TOPIC"])))
        elif kind == "embed":
            lines.append(f"![[{target}]]")
        elif kind == "md":
            lines.append(f"[text]({target.replace(' ', '%20')}.md)")
        elif kind == "block":
            lines.append("A paragraph with an id ^b1")
        else:
            lines.append(draw(syntax_text.map(lambda s: s[:30])))
    return "\n\n".join(lines) + "\n"


vaults = st.dictionaries(st.sampled_from(NAMES), note_body(), min_size=1, max_size=len(NAMES))


def _write(root: Path, notes: dict[str, str], order: list[str]) -> None:
    for name in order:
        path = root / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(notes[name], encoding="utf-8")


def _scan(root: Path, *extra: str) -> dict[str, Any]:
    run = run_inprocess(["scan", str(root), "--format", "json", "--no-cache", *extra])
    assert run.code in (0, 1), run.stderr
    assert "Traceback" not in run.stderr and "internal" not in run.stdout + run.stderr
    data = json.loads(run.stdout)
    del data["vault"]
    for diagnostic in data["diagnostics"]:  # `file` holds the vault's path, like `vault`
        del diagnostic["file"]
    return data


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(vaults, st.randoms(use_true_random=False))
def test_scan_does_not_depend_on_order_or_jobs(notes: dict[str, str], rnd: random.Random) -> None:
    orders = [sorted(notes), sorted(notes, reverse=True), rnd.sample(sorted(notes), len(notes))]
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for i, order in enumerate(orders):
            root = Path(tmp) / f"v{i}"
            _write(root, notes, order)
            results.append(_scan(root, "--jobs", "1"))
        calls = []
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(vaultlint.lint.batch, "PARALLEL_THRESHOLD", 1)
            parallel = getattr(vaultlint.lint.batch, "_run_parallel", None)
            if parallel is not None:  # check that worker processes really ran

                def spy(*args: Any, **kwargs: Any) -> Any:
                    outcome = parallel(*args, **kwargs)
                    calls.append(outcome is not None)
                    return outcome

                mp.setattr(vaultlint.lint.batch, "_run_parallel", spy)
            results.append(_scan(Path(tmp) / "v2", "--jobs", "2"))
        if parallel is not None:
            assert calls == [True]
    assert all(r == results[0] for r in results[1:])
    assert results[0]["summary"]["notes"] == len(notes)
