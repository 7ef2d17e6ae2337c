"""Hostile and broken vaults: vaultlint finishes, in bounded time and memory, exits 0/1 (2 only
for configuration errors), never prints a traceback, reports each broken note exactly (rule,
line, column), still lints the other notes, runs no code from a note, and changes nothing.

Each note case runs in-process in its own vault (the note, the sibling note with a known broken
link, and a config) under a deadline. The whole corpus, the 20 MB note included, runs once more
in a subprocess with ``timeout=60``, with the cache on, measuring the child's peak memory.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.robustness import corpus as C
from tests.robustness.corpus import (
    SIBLING_DIAGNOSTIC,
    SIBLING_NAME,
    assert_clean_output,
    assert_unchanged,
    run_inprocess,
    run_subprocess,
    snapshot,
)

# Cases whose parsing is not linear today (see test_markdown_links_unclosed_are_linear): they
# are left out of the whole-corpus run so that the suite stays fast; their own tests cover them.
SLOW_CASES: frozenset[str] = frozenset()

#: seconds an in-process run of one case may take before it counts as a hang
CASE_DEADLINE = 20.0
#: peak RSS allowed for the whole corpus (about 40 MB of notes, 20 MB of them one note)
MAX_RSS_MB = 1024

Expected = tuple[str, int, int, str]  # rule, line, column, a fragment of the message

NOT_UTF8 = "note is not valid UTF-8"
MAPPING = "frontmatter must be a mapping of properties"


def _broken(line: int, column: int, target: str) -> Expected:
    return ("broken-link", line, column, f"link target '{target}' does not exist")


def _long_line_column() -> int:
    return len(C.long_line_note()) - len(C.LONG_LINE_LINK) + 1


def _huge_line() -> int:
    return C.huge_note().count("\n")


#: exactly what each note case must produce (in this order: line, column, rule)
EXPECTED: dict[str, list[Expected]] = {
    # encodings: the first undecodable byte is reported where it is, and the rest still parses
    "latin1": [
        ("mojibake", 1, 4, f"{NOT_UTF8} (byte 0xe9 at byte offset 3)"),
        _broken(3, 5, "Missing Latin"),
    ],
    "cp1252": [
        ("mojibake", 1, 1, f"{NOT_UTF8} (byte 0x93 at byte offset 0)"),
        _broken(2, 5, "Missing CP1252"),
    ],
    # UTF-16 decodes to NUL-separated letters: there is no link left to find
    "utf16": [
        (
            "mojibake",
            1,
            1,
            f"{NOT_UTF8} (byte 0xff at byte offset 0); it was probably saved as UTF-16 "
            "(it starts with a UTF-16 byte-order mark): save it as UTF-8",
        )
    ],
    # the undecodable byte becomes one character (U+FFFD): the link's column counts it once
    "truncated_utf8": [
        ("mojibake", 2, 4, f"{NOT_UTF8} (byte 0xc3 at byte offset 24)"),
        _broken(2, 6, "Missing Truncated"),
    ],
    "utf8_bom": [_broken(5, 1, "Missing BOM")],  # the BOM is no column; frontmatter still read
    "crlf": [_broken(5, 5, "Missing CRLF")],
    "lone_cr": [_broken(5, 8, "Missing CR")],
    "mixed_eol": [_broken(6, 1, "Missing Mixed EOL")],
    "control_bytes": [_broken(1, 13, "Missing NUL")],
    # only CR and LF end lines: VT, FF, NEL, U+2028 and U+2029 are characters of line 1
    "unicode_line_breaks": [
        _broken(1, 13, "Missing Unicode Breaks"),
        _broken(2, 6, "Missing Line 2"),
    ],
    # sizes
    "empty": [],
    "bom_only": [],
    "long_line": [_broken(1, _long_line_column(), "Missing Long Line")],
    # nesting
    "deep_quote": [_broken(2, C.QUOTE_DEPTH + 2, "Missing Deep Quote")],
    "deep_list": [_broken(C.LIST_DEPTH + 1, 2 * C.LIST_DEPTH + 3, "Missing Deep List")],
    "deep_list_mistune": [_broken(1001, 2003, "Missing Deep List")],
    "deep_list_inline": [_broken(1, 2 * C.INLINE_LIST_DEPTH + 1, "Missing Inline List")],
    "deep_quote_list": [_broken(1, 40_001, "Missing Quote List")],
    # adversarial text: unclosed openers cost nothing and hide nothing after them...
    "open_wikilinks": [_broken(3, 18, "Missing After Wikilinks")],
    "open_embeds": [_broken(3, 18, "Missing After Embeds")],
    "hashes": [_broken(3, 18, "Missing After Hashes")],
    "backticks_inline": [_broken(3, 18, "Missing After Backticks")],
    "dollars": [_broken(3, 18, "Missing After Dollars")],
    "dollars_inline": [_broken(3, 18, "Missing After Inline Dollars")],
    "html_comments_inline": [_broken(3, 18, "Missing After HTML Comments")],
    "brackets": [_broken(3, 18, "Missing After Brackets")],
    "bracket_parens": [_broken(3, 18, "Missing After Parens")],
    "pipes": [_broken(3, 18, "Missing After Pipes")],
    "markdown_links_unclosed": [_broken(3, 18, "Missing After Markdown Links")],
    # ...except where CommonMark says the rest of the note is code or HTML (SPEC §5)
    "backticks_fence": [],
    "html_comments_block": [],
    # an unclosed %% comment runs to the end, and Obsidian reads links inside comments
    "comments_odd": [_broken(3, 18, "Missing In Comment")],
    "nested_wikilinks": [_broken(1, 2 * C.ADVERSARIAL_REPEAT - 1, "Missing Innermost")],
    # YAML: reported at the line YAML names; the body is still linted
    "yaml_alias_bomb": [
        ("invalid-frontmatter", 7, 8, "more than 100000 values through aliases"),
        _broken(12, 7, "Missing Alias Bomb"),
    ],
    "yaml_python_tags": [_broken(7, 7, "Missing Payload")],  # tags ignored, nothing run
    "yaml_list": [
        ("invalid-frontmatter", 2, 1, f"{MAPPING} (key: value), not a list"),
        _broken(5, 1, "Missing FM"),
    ],
    "yaml_scalar": [
        ("invalid-frontmatter", 2, 1, f"{MAPPING} (key: value), not a single value"),
        _broken(4, 1, "Missing FM"),
    ],
    "yaml_duplicate_keys": [
        ("invalid-frontmatter", 4, 1, "duplicate key 'title'"),
        _broken(6, 1, "Missing FM"),
    ],
    # `{{date}}` is valid YAML (a mapping used as a key): nothing to say without a date rule
    "yaml_template_block": [_broken(4, 1, "Missing FM")],
    "yaml_template_value": [
        ("created-date", 2, 10, "'{{date}}' does not match '%Y-%m-%d'"),
        _broken(5, 1, "Missing FM"),
    ],
    "yaml_impossible_date": [
        ("created-date", 2, 10, "'2025-02-30' is not a valid date"),
        _broken(4, 1, "Missing FM"),
    ],
    "yaml_unterminated_quote": [
        ("invalid-frontmatter", 4, 1, "while scanning a quoted scalar"),
        _broken(5, 1, "Missing FM"),
    ],
    "yaml_unterminated_flow": [
        ("invalid-frontmatter", 3, 5, "while parsing a flow sequence"),
        _broken(5, 1, "Missing FM"),
    ],
    "yaml_unclosed_block": [_broken(5, 1, "Missing FM")],  # no closing ---: all body
    "yaml_tabs": [
        ("invalid-frontmatter", 3, 1, "YAML does not allow tabs for indentation"),
        _broken(5, 1, "Missing FM"),
    ],
    "yaml_deep": [
        ("invalid-frontmatter", 2, 103, "frontmatter nests deeper than 100 levels"),
        _broken(4, 1, "Missing FM"),
    ],
    "yaml_control": [
        ("invalid-frontmatter", 2, 9, "unacceptable character #x0007"),
        _broken(4, 1, "Missing FM"),
    ],
}

#: cases whose diagnostics are too many to list: checked by invariants instead
BY_INVARIANTS = frozenset({"mixed", "huge", "many_broken_links"})

RUN_ALONE = [c for c in C.NOTE_CASES if not c.huge and c.name not in SLOW_CASES]


def test_every_case_has_an_expectation() -> None:
    names = {c.name for c in C.NOTE_CASES}
    assert set(EXPECTED) | BY_INVARIANTS == names
    assert len({c.name for c in C.CONFIG_CASES}) == len(C.CONFIG_CASES)


def _check_case(case_name: str, found: list[dict[str, Any]]) -> None:
    """The case note's diagnostics are exactly EXPECTED[case_name]."""
    got = [(d["rule"], d["line"], d["column"]) for d in found]
    want = [(rule, line, column) for rule, line, column, _ in EXPECTED[case_name]]
    assert got == want
    for diag, (_, _, _, fragment) in zip(found, EXPECTED[case_name], strict=True):
        assert fragment in diag["message"]
        assert diag["end_line"] >= diag["line"]


def _check_sibling(run: C.Run) -> None:
    path, rule, line, column, message = SIBLING_DIAGNOSTIC
    sibling = [(d["rule"], d["line"], d["column"], d["message"]) for d in run.diagnostics(path)]
    assert sibling == [(rule, line, column, message)]


def _scan_args(vault: Path, *extra: str) -> list[str]:
    return ["scan", str(vault), "--format", "json", "--no-cache", *extra]


@pytest.mark.parametrize("case", RUN_ALONE, ids=lambda c: c.name)
def test_note_case(case: C.NoteCase, tmp_path: Path) -> None:
    vault, marker = tmp_path / "vault", tmp_path / "PAYLOAD-RAN"
    C.write_note_vault(vault, [case], marker)
    before = snapshot(vault)

    run = run_inprocess(_scan_args(vault), seconds=CASE_DEADLINE)

    assert_clean_output(run)
    assert run.code == 1  # the sibling's broken link is an error
    assert run.stderr == ""
    data = run.json()
    assert data["summary"]["notes"] == 2
    _check_sibling(run)
    found = run.diagnostics(case.filename)
    if case.name in BY_INVARIANTS:
        _check_invariants(case, (vault / case.filename).read_bytes(), found)
    else:
        _check_case(case.name, found)
    assert_unchanged(before, snapshot(vault), vault)
    assert not marker.exists(), "a YAML tag in a note ran code"


@pytest.mark.parametrize(
    "name", ["empty", "bom_only", "backticks_fence", "html_comments_block", "yaml_python_tags"]
)
def test_exit_code_is_0_without_errors(name: str, tmp_path: Path) -> None:
    """Alone in its vault, a hostile note with nothing wrong (or only warnings) exits 0."""
    vault = tmp_path / "vault"
    C.write_note_vault(vault, [C.CASES_BY_NAME[name]], tmp_path / "marker", sibling=False)
    run = run_inprocess(_scan_args(vault, "--ignore", "broken-link"), seconds=CASE_DEADLINE)
    assert_clean_output(run)
    assert run.code == 0
    assert run.json()["summary"]["errors"] == 0


def _check_invariants(case: C.NoteCase, data: bytes, found: list[dict[str, Any]]) -> None:
    """For notes with many findings: every diagnostic is a broken link that points at the
    ``[[`` (or ``![[``) of a link in the source, on an existing line."""
    lines = data.decode("utf-8").split("\n")
    assert found, "the final broken link was not reported"
    if case.name == "many_broken_links":
        assert len(found) == C.BROKEN_LINKS
        assert [(d["line"], d["column"]) for d in (found[0], found[-1])] == [
            (1, 1),
            (1, 6 * C.BROKEN_LINKS - 5),
        ]
    assert found[-1]["message"].endswith("does not exist")
    for diag in found:
        assert diag["rule"] == "broken-link"
        line = lines[diag["line"] - 1]
        text = line[diag["column"] - 1 : diag["end_column"] - 1]
        assert diag["line"] == diag["end_line"]
        assert text.startswith(("[[", "![[")) and text.endswith("]]"), text


# --- the whole corpus at once, in a subprocess ----------------------------------------------


@pytest.fixture(scope="module")
def corpus_vault(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every note case (the 20 MB one included) in one vault, generated once per session."""
    base = tmp_path_factory.mktemp("corpus")
    vault, marker = base / "vault", base / "PAYLOAD-RAN"
    cases = [c for c in C.NOTE_CASES if c.name not in SLOW_CASES]
    C.write_note_vault(vault, cases, marker)
    before = snapshot(vault)
    cold = run_subprocess(["scan", str(vault), "--format", "json"], timeout=60)
    after_cold = snapshot(vault)
    warm = run_subprocess(["scan", str(vault), "--format", "json"], timeout=60)
    return {
        "vault": vault,
        "marker": marker,
        "cases": cases,
        "before": before,
        "after_cold": after_cold,
        "after_warm": snapshot(vault),
        "cold": cold,
        "warm": warm,
    }


def test_corpus_finishes_in_time_and_memory(corpus_vault: dict[str, Any]) -> None:
    cold: C.Run = corpus_vault["cold"]
    assert_clean_output(cold)
    assert cold.code == 1
    assert cold.stderr == ""
    assert cold.seconds < 60
    assert cold.max_rss_mb is not None and cold.max_rss_mb < MAX_RSS_MB, cold.max_rss_mb
    assert cold.json()["summary"]["notes"] == len(corpus_vault["cases"]) + 1


def test_corpus_reports_every_case_exactly(corpus_vault: dict[str, Any]) -> None:
    cold: C.Run = corpus_vault["cold"]
    _check_sibling(cold)
    vault: Path = corpus_vault["vault"]
    for case in corpus_vault["cases"]:
        found = cold.diagnostics(case.filename)
        if case.name in BY_INVARIANTS:
            _check_invariants(case, (vault / case.filename).read_bytes(), found)
        else:
            _check_case(case.name, found)


def test_huge_note(corpus_vault: dict[str, Any]) -> None:
    """20 MB of prose: every [[Sibling]] resolves; the one broken link, on the last line."""
    huge = corpus_vault["cold"].diagnostics("huge.md")
    assert [(d["rule"], d["line"], d["column"], d["message"]) for d in huge] == [
        ("broken-link", _huge_line(), 10, "link target 'Missing Huge' does not exist")
    ]
    assert (corpus_vault["vault"] / "huge.md").stat().st_size > 19_000_000


def test_corpus_changes_nothing_but_the_cache(corpus_vault: dict[str, Any]) -> None:
    vault = corpus_vault["vault"]
    assert_unchanged(corpus_vault["before"], corpus_vault["after_cold"], vault)
    assert_unchanged(corpus_vault["before"], corpus_vault["after_warm"], vault)
    assert list(C.cache_folder(vault).glob("state-*.sqlite"))  # the cache, outside the vault
    assert not corpus_vault["marker"].exists()


def test_warm_cache_gives_the_same_report(corpus_vault: dict[str, Any]) -> None:
    cold, warm = corpus_vault["cold"], corpus_vault["warm"]
    assert_clean_output(warm)
    assert (warm.code, warm.stderr) == (cold.code, "")
    assert warm.json() == cold.json()


# --- positions, as `vaultlint inspect` shows them -------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "col", "offset"),
    [
        # 0-based: line 1, after 30,000 '>' and a space; offset counts line 0 too
        ("deep_quote", 1, C.QUOTE_DEPTH + 1, 2 * 20_000 + len("deep\n") + C.QUOTE_DEPTH + 1),
        ("deep_list", C.LIST_DEPTH, 2 * C.LIST_DEPTH + 2, None),
        ("deep_list_mistune", 1000, 2002, None),
    ],
)
def test_inspect_finds_deep_links(
    name: str, line: int, col: int, offset: int | None, tmp_path: Path
) -> None:
    case = C.CASES_BY_NAME[name]
    vault = tmp_path / "vault"
    C.write_note_vault(vault, [case], tmp_path / "marker", sibling=False, config=None)
    before = snapshot(vault)
    run = run_inprocess(
        ["inspect", str(vault / case.filename), "--vault", str(vault)], seconds=CASE_DEADLINE
    )
    assert_clean_output(run)
    assert run.code == 0
    links = json.loads(run.stdout)["links"]
    assert len(links) == 1
    start = links[0]["position"]["start"]
    assert (start["line"], start["col"]) == (line, col)
    if offset is not None:
        assert start["offset"] == offset
    assert links[0]["link"].startswith("Missing")
    assert_unchanged(before, snapshot(vault), vault)


def test_inspect_survives_every_case(tmp_path: Path) -> None:
    """`vaultlint inspect` on every hostile note at once: one JSON object per note.

    Left out: the notes with 100k links or more (tens of MB of JSON, seconds to print) and
    deep_list_mistune (inspected above)."""
    cases = [
        c
        for c in RUN_ALONE
        if c.name not in ("long_line", "many_broken_links", "deep_list_mistune")
    ]
    vault = tmp_path / "vault"
    written = C.write_note_vault(vault, cases, tmp_path / "marker", sibling=False)
    before = snapshot(vault)
    paths = [str(written[case.name]) for case in cases]
    run = run_inprocess(["inspect", *paths, "--vault", str(vault)], seconds=60)
    assert_clean_output(run)
    assert run.code == 0
    objects = json.loads(run.stdout)
    assert [o["path"] for o in objects] == [case.filename for case in cases]
    assert_unchanged(before, snapshot(vault), vault)
    assert not (tmp_path / "marker").exists()


# --- known linearity bug --------------------------------------------------------------------


def test_markdown_links_unclosed_are_linear(tmp_path: Path) -> None:
    case = C.CASES_BY_NAME["markdown_links_unclosed"]
    vault = tmp_path / "vault"
    C.write_note_vault(vault, [case], tmp_path / "marker")
    run = run_inprocess(_scan_args(vault), seconds=3.0)  # 0.4 MB: 3 s is 7 s/MB
    assert_clean_output(run)
    assert run.code == 1
    _check_sibling(run)
    _check_case(case.name, run.diagnostics(case.filename))


# --- the file system ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fs_vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("fs")
    vault, outside = base / "vault", base / "outside"
    made = C.build_fs_vault(vault, outside)
    before = snapshot(vault, outside)
    runs = {
        fmt: run_subprocess(["scan", str(vault), "--format", fmt, "--no-cache"], timeout=60)
        for fmt in ("json", "text", "github", "junit")
    }
    yield {
        "vault": vault,
        "outside": outside,
        "made": made,
        "before": before,
        "after": snapshot(vault, outside),
        "runs": runs,
    }
    (vault / "locked.md").chmod(0o644)  # so that pytest can clean up as a normal user


_OUTSIDE = "a symbolic link that leads outside the vault: not followed, not read"
_UNLINKABLE = "file name contains {}, which a wiki-link cannot hold; rename the note"


def _fs_expected(made: dict[str, bool]) -> list[tuple[str, str, int, int, str]]:
    locked = (
        ("locked.md", "unreadable-note", 1, 1, "cannot read the note: Permission denied")
        if made["unreadable"]
        else ("locked.md", "broken-link", 1, 9, "link target 'Missing Locked' does not exist")
    )
    expected = [
        # [[Café]] (NFC) finds Café.md (NFD); [[a^b]] and [[a%b]] find their notes;
        # [[Outside Note]] is behind the symbolic link ext -> ../outside: not in the vault
        ("Links.md", "broken-link", 4, 1, "link target 'a' does not exist"),
        ("Links.md", "broken-link", 4, 9, "link target 'a' does not exist"),
        ("Links.md", "broken-link", 5, 1, "link target 'Outside Note' does not exist"),
        ("Links.md", "broken-link", 6, 1, "link target 'x' does not exist"),
        ("Links.md", "broken-link", 6, 11, "link target 'x.md' does not exist"),
        ("Links.md", "broken-link", 7, 1, "link target 'dangling' does not exist"),
        ("Links.md", "broken-link", 7, 45, "link target 'Hidden' does not exist"),
        ("Links.md", "broken-link", 8, 1, "link target 'pipe' does not exist"),
        ("Links.md", "broken-link", 8, 24, "link target 'zero' does not exist"),
        SIBLING_DIAGNOSTIC,
        ("a#b.md", "broken-link", 1, 12, "link target 'Missing' does not exist"),
        ("a%b.md", "broken-link", 1, 12, "link target 'Missing %' does not exist"),
        ("a^b.md", "broken-link", 1, 12, "link target 'Missing ^' does not exist"),
        ("a|b.md", "broken-link", 1, 12, "link target 'Missing' does not exist"),
        # names a wiki-link cannot hold (the recommended pack's unlinkable-name)
        ("a#b.md", "unlinkable-name", 1, 1, _UNLINKABLE.format("'#'")),
        ("a^b.md", "unlinkable-name", 1, 1, _UNLINKABLE.format("'^'")),
        ("a|b.md", "unlinkable-name", 1, 1, _UNLINKABLE.format("'|'")),
        # symbolic links that leave the vault: named once, never followed
        ("ext", "outside-vault", 1, 1, _OUTSIDE),
        ("zero.md", "outside-vault", 1, 1, _OUTSIDE),
        locked,
        ("new\nline.md", "broken-link", 1, 1, "link target 'Missing Newline Name' does not exist"),
        ("x.md/inner.md", "broken-link", 1, 1, "link target 'Missing Inner' does not exist"),
    ]
    if made["bad_bytes"]:
        # the path is not UTF-8: reported with U+FFFD in place of the byte 0xFF
        bad = (
            "bad\ufffd name.md",
            "broken-link",
            1,
            1,
            "link target 'Missing Bad Bytes' does not exist",
        )
        expected.append(bad)
    return sorted(expected)


def _fs_skipped(fs_vault: dict[str, Any]) -> list[dict[str, str]]:
    """The notes that are no files vaultlint reads: named with their reason, never opened."""
    skipped = [("dangling.md", "dangling symbolic link")]
    if fs_vault["made"]["fifo"]:
        skipped.append(("pipe.md", "not a regular file (a FIFO)"))
    vault = fs_vault["vault"].as_posix()
    return [{"path": p, "file": f"{vault}/{p}", "reason": why} for p, why in skipped]


def _fs_warnings(fs_vault: dict[str, Any]) -> str:
    return "".join(
        f"vaultlint: warning: {s['file']}: skipped, {s['reason']}\n" for s in _fs_skipped(fs_vault)
    )


def test_fs_hazards_json(fs_vault: dict[str, Any]) -> None:
    run: C.Run = fs_vault["runs"]["json"]
    assert_clean_output(run)
    assert run.code == 1
    assert run.stderr == _fs_warnings(fs_vault)
    assert run.json()["skipped"] == _fs_skipped(fs_vault)
    assert run.seconds < 60
    got = sorted(
        (d["path"], d["rule"], d["line"], d["column"], d["message"]) for d in run.diagnostics()
    )
    assert got == _fs_expected(fs_vault["made"])
    # Sibling, Links, Café (NFD), a#b, a%b, a^b, a|b, locked, new⏎line, sub/Inside,
    # x.md/inner (+ bad bytes); no loop walked twice, nothing outside the vault, no FIFO, no
    # /dev/zero, no hidden note
    notes = 11 + fs_vault["made"]["bad_bytes"]
    assert run.json()["summary"]["notes"] == notes


@pytest.mark.parametrize("fmt", ["text", "github", "junit"])
def test_fs_hazards_other_formats(fs_vault: dict[str, Any], fmt: str) -> None:
    run: C.Run = fs_vault["runs"][fmt]
    assert_clean_output(run)
    assert run.code == 1
    assert run.stderr == _fs_warnings(fs_vault)
    assert "Missing Newline Name" in run.stdout and "Outside Note" in run.stdout
    assert "Missing Outside" not in run.stdout


def test_fs_hazards_change_nothing(fs_vault: dict[str, Any]) -> None:
    assert_unchanged(fs_vault["before"], fs_vault["after"], fs_vault["vault"])


def test_sarif_survives_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    try:
        with open(os.path.join(os.fsencode(vault), C.BAD_BYTES_NAME), "wb") as fh:
            fh.write(b"[[Missing Bad Bytes]]\n")
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    run = run_subprocess(["scan", str(vault), "--format", "sarif", "--no-cache"], timeout=60)
    assert_clean_output(run)
    assert run.code == 1
    results = json.loads(run.stdout)["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == ["bad%FF%20name.md"]


# --- a hostile cache folder -----------------------------------------------------------------
# A vault is often a cloned repository: its `.vaultlint_cache/` is as untrusted as its notes.


def _cached_vault(tmp_path: Path) -> tuple[Path, C.Run]:
    """A small vault and a first run with the cache on (which writes the cache files)."""
    vault = tmp_path / "vault"
    C.write_note_vault(vault, [C.CASES_BY_NAME["latin1"]], tmp_path / "marker")
    first = run_inprocess(["scan", str(vault), "--format", "json"], seconds=CASE_DEADLINE)
    assert first.code == 1
    assert list(C.cache_folder(vault).glob("state-*.sqlite"))
    return vault, first


def test_planted_pickles_run_no_code(tmp_path: Path) -> None:
    """Cache files replaced by pickles that would call os.system: ignored, nothing runs."""
    vault, first = _cached_vault(tmp_path)
    marker = tmp_path / "PICKLE-RAN"
    payload = pickle.dumps(_Payload(str(marker)), protocol=pickle.HIGHEST_PROTOCOL)
    for path in C.cache_folder(vault).glob("state-*.sqlite"):
        db = sqlite3.connect(path)  # every stored blob replaced by the payload
        db.execute("UPDATE notes SET summary = ?, result = ?", (payload, payload))
        db.execute("UPDATE meta SET value = ? WHERE name != 'generation'", (payload,))
        db.commit()
        db.close()
    run = run_inprocess(["scan", str(vault), "--format", "json"], seconds=CASE_DEADLINE)
    assert_clean_output(run)
    assert not marker.exists(), "a pickle planted in the cache ran code"
    assert (run.code, run.json()["diagnostics"]) == (first.code, first.json()["diagnostics"])


def test_garbage_cache_files_are_rebuilt(tmp_path: Path) -> None:
    vault, first = _cached_vault(tmp_path)
    for path in C.cache_folder(vault).glob("state-*.sqlite"):
        path.write_bytes(os.urandom(64) + path.read_bytes()[::-1])
    run = run_inprocess(["scan", str(vault), "--format", "json"], seconds=CASE_DEADLINE)
    assert_clean_output(run)
    assert (run.code, run.json()["diagnostics"]) == (first.code, first.json()["diagnostics"])


class _Payload:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_in_the_cache_does_not_hang(tmp_path: Path) -> None:
    vault, first = _cached_vault(tmp_path)
    for path in C.cache_folder(vault).glob("state-*.sqlite"):
        path.unlink()
        os.mkfifo(path)
    run = run_subprocess(["scan", str(vault), "--format", "json"], timeout=3)
    assert_clean_output(run)
    assert (run.code, run.json()["diagnostics"]) == (first.code, first.json()["diagnostics"])


def test_symlinked_cache_folder_writes_nothing_outside(tmp_path: Path) -> None:
    vault, elsewhere = tmp_path / "vault", tmp_path / "elsewhere"
    C.write_note_vault(vault, [C.CASES_BY_NAME["crlf"]], tmp_path / "marker")
    elsewhere.mkdir()
    os.symlink(elsewhere, vault / C.OLD_CACHE_DIR)
    before = snapshot(vault, elsewhere)
    run = run_inprocess(["scan", str(vault), "--format", "json"], seconds=CASE_DEADLINE)
    assert_clean_output(run)
    assert run.code == 1
    _check_sibling(run)
    assert sorted(os.listdir(elsewhere)) == []
    assert_unchanged(before, snapshot(vault, elsewhere), vault)


# --- hostile configuration ------------------------------------------------------------------


@pytest.mark.parametrize("case", C.CONFIG_CASES, ids=lambda c: c.name)
def test_config_case(case: C.ConfigCase, tmp_path: Path) -> None:
    vault, marker = tmp_path / "vault", tmp_path / "PAYLOAD-RAN"
    vault.mkdir()
    config = vault / ".vaultlint.yaml"
    config.write_bytes(case.build(marker))
    (vault / SIBLING_NAME).write_bytes(C.SIBLING)
    before = snapshot(vault)

    run = run_inprocess(_scan_args(vault), seconds=CASE_DEADLINE)

    assert_clean_output(run)
    if case.error is None:
        assert run.code in (0, 1)
        assert run.stderr == ""
        json.loads(run.stdout)
    else:
        assert run.code == 2
        assert run.stdout == ""
        place = f"{config}:{case.line}: " if case.line else f"{config}:"
        assert run.stderr.startswith(f"vaultlint: error: {place}"), run.stderr
        assert case.error in run.stderr
        assert run.stderr.count("\n") == 1
    assert_unchanged(before, snapshot(vault), vault)
    assert not marker.exists(), "a YAML tag in the configuration ran code"


def test_python_tag_in_config_is_read_as_plain_data(tmp_path: Path) -> None:
    """`ignore: !!python/object/apply:os.system [...]` is the list it tags, nothing runs."""
    vault, marker = tmp_path / "vault", tmp_path / "PAYLOAD-RAN"
    vault.mkdir()
    case = C.CONFIG_CASES_BY_NAME["python_tag"]
    (vault / ".vaultlint.yaml").write_bytes(case.build(marker))
    (vault / SIBLING_NAME).write_bytes(C.SIBLING)
    run = run_inprocess(_scan_args(vault), seconds=CASE_DEADLINE)
    assert run.code == 1
    _check_sibling(run)
    assert not marker.exists()


def _tags_vault(tmp_path: Path, tags: str) -> Path:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / ".vaultlint.yaml").write_bytes(C.CATASTROPHIC_CONFIG)
    (vault / SIBLING_NAME).write_bytes(C.SIBLING)
    (vault / "Tags.md").write_text(f"Tags: {tags}\n", encoding="utf-8")
    return vault


def test_catastrophic_pattern_on_ordinary_notes(tmp_path: Path) -> None:
    """`(a+)+$` is accepted (it compiles) and is harmless on ordinary tags."""
    vault = _tags_vault(tmp_path, "#aaaa #project #aaaab")
    run = run_subprocess(["scan", str(vault), "--format", "json", "--no-cache"], timeout=60)
    assert_clean_output(run)
    assert run.code == 1
    assert run.seconds < 10
    tags = [(d["rule"], d["line"], d["column"]) for d in run.diagnostics("Tags.md")]
    assert tags == [("tag-pattern", 1, 13), ("tag-pattern", 1, 22)]
    _check_sibling(run)


def test_catastrophic_pattern_on_a_hostile_tag(tmp_path: Path) -> None:
    vault = _tags_vault(tmp_path, C.CATASTROPHIC_TAG)
    run = run_subprocess(["scan", str(vault), "--format", "json", "--no-cache"], timeout=3)
    assert_clean_output(run)
    assert run.code in (1, 2)
