"""The command line (README "Commands"), run in-process: ``main([...])`` returns the exit code.

Every test builds a small vault under ``tmp_path`` (the current directory during the test) and
checks exact output: JSON shape and order, counts, exit codes, rule selection, vault discovery,
PATH handling, the formats, ``inspect``, ``rules``/``rule``, ``--version``, and a golden file
for ``examples/vault``.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import REPO, shared, write_vault
from vaultlint.cli import main

GOLDEN = REPO / "tests" / "golden" / "examples-vault.json"

# A vault in the sub-folder notes/ of the current directory: three notes, an attachment.
NOTES = {
    ".obsidian/app.json": "{}\n",
    "a.md": "# Alpha\n\nSee [[b]] and [[sub/c]].\n\n## Part\n\n"
    "A [[missing]] link and [[b#Nope]].\n",
    "b.md": "---\ntags: [Topic]\n---\n# Beta\n\nBack to [[a#Part]]. #topic\n",
    "sub/c.md": "Tagged #topic and [[ghost]]\n",
    "img.png": "not really a picture",
}

MISSING = {
    "path": "a.md",
    "file": "notes/a.md",
    "line": 7,
    "column": 3,
    "end_line": 7,
    "end_column": 14,
    "rule": "broken-link",
    "check": "links",
    "severity": "error",
    "message": "link target 'missing' does not exist",
}
NOPE = {
    "path": "a.md",
    "file": "notes/a.md",
    "line": 7,
    "column": 24,
    "end_line": 7,
    "end_column": 34,
    "rule": "broken-link",
    "check": "links",
    "severity": "error",
    "message": "heading 'Nope' does not exist in 'b'",
}
TOPIC = {
    "path": "b.md",
    "file": "notes/b.md",
    "line": 2,
    "column": 8,
    "end_line": 2,
    "end_column": 13,
    "rule": "tag-case",
    "check": "tags",
    "severity": "warning",
    "message": "tag 'Topic' is spelled 'topic' in 2 notes (1 note uses 'Topic')",
}
GHOST = {
    "path": "sub/c.md",
    "file": "notes/sub/c.md",
    "line": 1,
    "column": 19,
    "end_line": 1,
    "end_column": 28,
    "rule": "broken-link",
    "check": "links",
    "severity": "error",
    "message": "link target 'ghost' does not exist",
}
ALL = [MISSING, NOPE, TOPIC, GHOST]
SUMMARY_LINE = "Found 3 errors and 1 warning in 3 notes.\n"


pytestmark = pytest.mark.usefixtures("plain_environment")


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "notes", NOTES)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code, out, err = run(capsys, "scan", *argv, "--format", "json", "--no-cache")
    assert err == ""
    return code, json.loads(out)


# --- JSON format ------------------------------------------------------------------------------


def test_json_shape_values_and_order(capsys, notes):
    code, out, err = run(capsys, "scan", "notes", "--format", "json", "--no-cache")
    assert (code, err) == (1, "")
    assert json.loads(out) == {
        "version": "0.2.0",
        "vault": notes.resolve().as_posix(),
        "diagnostics": ALL,
        "summary": {"notes": 3, "errors": 3, "warnings": 1, "infos": 0},
    }
    assert list(json.loads(out)) == ["version", "vault", "diagnostics", "summary"]
    assert list(json.loads(out)["diagnostics"][0]) == list(MISSING)  # key order as README's


def test_json_sorted_by_path_line_column_then_rule(capsys, tmp_path):
    """Same place, two rules: sorted by rule id, not by config order; lines compare as numbers."""
    write_vault(
        tmp_path / "v",
        {
            ".vaultlint.yaml": "extends: [recommended]\n"
            "rules:\n  any-link:\n    check: links\n    severity: info\n",
            "B.md": "[[x]]\n",
            "a.md": "\n" * 9 + "[[late]]\n",
            "a/z.md": "[[one]] [[two]]\n",
            "a.md-notes.md": "[[y]]\n",
        },
    )
    code, data = run_json(capsys, "v")
    assert code == 1
    got = [(d["path"], d["line"], d["column"], d["rule"]) for d in data["diagnostics"]]
    assert got == [
        ("B.md", 1, 1, "any-link"),
        ("B.md", 1, 1, "broken-link"),
        ("a.md", 10, 1, "any-link"),
        ("a.md", 10, 1, "broken-link"),
        ("a.md-notes.md", 1, 1, "any-link"),
        ("a.md-notes.md", 1, 1, "broken-link"),
        ("a/z.md", 1, 1, "any-link"),
        ("a/z.md", 1, 1, "broken-link"),
        ("a/z.md", 1, 9, "any-link"),
        ("a/z.md", 1, 9, "broken-link"),
    ]
    assert data["summary"] == {"notes": 4, "errors": 5, "warnings": 0, "infos": 5}


def test_text_format_lines_and_count(capsys, notes):
    code, out, err = run(capsys, "scan", "notes", "--no-cache")
    assert (code, err) == (1, "")
    assert out == (  # paths open from the current directory, as ruff's and flake8's
        "notes/a.md:7:3: error broken-link link target 'missing' does not exist\n"
        "notes/a.md:7:24: error broken-link heading 'Nope' does not exist in 'b'\n"
        "notes/b.md:2:8: warning tag-case "
        "tag 'Topic' is spelled 'topic' in 2 notes (1 note uses 'Topic')\n"
        "notes/sub/c.md:1:19: error broken-link link target 'ghost' does not exist\n" + SUMMARY_LINE
    )


def test_cache_gives_the_same_report(capsys, notes):
    first = run(capsys, "scan", "notes", "--format", "json")
    second = run(capsys, "scan", "notes", "--format", "json")
    assert first == second
    assert json.loads(first[1])["diagnostics"] == ALL


# --- exit codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "plain", "strict"),
    [
        ({"a.md": "[[b]]\n", "b.md": "[[a]]\n"}, 0, 0),  # clean
        ({"a.md": "#Tag\n", "b.md": "#tag\n", "c.md": "#tag\n"}, 0, 1),  # warnings only
        ({"a.md": "[[nowhere]]\n"}, 1, 1),  # an error
        (  # infos only: --strict fails on warnings, not on infos
            {
                ".vaultlint.yaml": (
                    "extends: []\nrules:\n  soft:\n    check: links\n    severity: info\n"
                ),
                "a.md": "[[nowhere]]\n",
            },
            0,
            0,
        ),
    ],
    ids=["clean", "warnings", "errors", "infos"],
)
def test_exit_status_with_and_without_strict(capsys, tmp_path, files, plain, strict):
    write_vault(tmp_path / "v", {".obsidian/app.json": "{}", **files})
    assert run(capsys, "scan", "v", "--no-cache")[0] == plain
    assert run(capsys, "scan", "v", "--no-cache", "--strict")[0] == strict


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--format", "yaml"], "unknown format 'yaml'"),
        (["--vault", "no-such-dir"], "no-such-dir"),
        (["--config", "missing.yaml"], "missing.yaml"),
        (["--jobs", "0"], "--jobs"),
        (["--bogus-option"], "--bogus-option"),
        (["--select", "nope"], "nope"),
        (["--ignore", "nope"], "nope"),
    ],
)
def test_usage_errors_exit_2(capsys, notes, argv, needle):
    code, out, err = run(capsys, "scan", "notes", "--no-cache", *argv)
    assert code == 2
    assert out == ""
    assert needle in err


_LISTS = " (vaultlint scan --help lists its options)"


@pytest.mark.parametrize(
    ("argv", "last"),
    [
        (["--formt", "json"], "--formt json; did you mean '--format'?" + _LISTS),
        (["--jbos=2"], "--jbos=2; did you mean '--jobs'?" + _LISTS),
        (["--no-cahce"], "--no-cahce; did you mean '--no-cache'?" + _LISTS),
        (["--bogus-option"], "--bogus-option" + _LISTS),  # close to none
        (
            ["--formt", "json", "--strcit"],
            "--formt json --strcit; did you mean '--format' for '--formt', '--strict' for "
            "'--strcit'?" + _LISTS,
        ),
    ],
)
def test_an_unknown_option_is_named_with_the_closest_one_the_command_takes(
    capsys, notes, argv, last
):
    code, out, err = run(capsys, "scan", "notes", *argv)
    assert (code, out) == (2, "")
    assert err.startswith("usage: vaultlint scan ")  # the command's usage, not vaultlint's
    assert err.splitlines()[-1] == "vaultlint scan: error: unrecognized arguments: " + last


def test_an_unknown_option_of_another_command_gets_that_commands_usage(capsys, notes):
    code, out, err = run(capsys, "rules", "--formt", "json")
    assert (code, out) == (2, "")
    assert err.startswith("usage: vaultlint rules ")
    assert err.splitlines()[-1] == (
        "vaultlint rules: error: unrecognized arguments: --formt json "
        "(vaultlint rules --help lists its options)"
    )


def test_a_misspelt_version_is_named_when_the_command_was_not_typed(capsys, notes):
    """`vaultlint --verison` is `vaultlint scan --verison`: the hint is vaultlint's own
    `--version`; typed after `scan` it is not one of scan's, and no hint is given."""
    code, out, err = run(capsys, "--verison")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "vaultlint scan: error: unrecognized arguments: --verison; did you mean '--version'?"
        " (vaultlint --help and vaultlint scan --help list the options)"
    )
    code, out, err = run(capsys, "scan", "notes", "--verison")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "vaultlint scan: error: unrecognized arguments: --verison" + _LISTS
    )


def test_an_unknown_format_is_named_with_the_closest_one(capsys, notes):
    code, out, err = run(capsys, "scan", "notes", "--format", "jsn")
    assert (code, out) == (2, "")
    assert err == (
        "vaultlint: error: unknown format 'jsn' (did you mean 'json'?); choose one of: text, "
        "json, sarif, github, junit\n"
    )


def test_configuration_error_exits_2_naming_the_file(capsys, tmp_path):
    write_vault(tmp_path / "v", {".vaultlint.yaml": "rules:\n  x:\n    check: no-such-check\n"})
    code, out, err = run(capsys, "scan", "v", "--no-cache")
    assert (code, out) == (2, "")
    assert ".vaultlint.yaml" in err
    assert "no-such-check" in err


def test_config_option_is_read_instead_of_the_vaults_own(capsys, notes, tmp_path):
    """--config FILE replaces <vault>/.vaultlint.yaml; its pack files are relative to it."""
    (notes / ".vaultlint.yaml").write_text("rules:\n  broken-link: off\n")
    assert _rules_of(run_json(capsys, "notes")[1]) == CASE_ONLY
    write_vault(
        tmp_path / "ci",
        {
            "strict.yaml": "extends: [packs/links.yaml]\n",
            "packs/links.yaml": "rules:\n  links-only:\n    check: links\n    severity: error\n",
        },
    )
    code, data = run_json(capsys, "notes", "--config", "ci/strict.yaml")
    assert code == 1
    assert _rules_of(data) == [(p, line, col, "links-only") for p, line, col, _ in LINKS_ONLY]


# --- --select / --ignore ----------------------------------------------------------------------


def _rules_of(data: dict) -> list[tuple[str, int, int, str]]:
    return [(d["path"], d["line"], d["column"], d["rule"]) for d in data["diagnostics"]]


ALL_KEYS = [(d["path"], d["line"], d["column"], d["rule"]) for d in ALL]
LINKS_ONLY = [k for k in ALL_KEYS if k[3] == "broken-link"]
CASE_ONLY = [k for k in ALL_KEYS if k[3] == "tag-case"]


@pytest.mark.parametrize(
    ("argv", "expected", "code"),
    [
        (["--select", "tag-case"], CASE_ONLY, 0),
        (["--select", "broken-link"], LINKS_ONLY, 1),
        (["--select", "broken-link,tag-case"], ALL_KEYS, 1),
        (["--select", "broken-link", "--select", "tag-case"], ALL_KEYS, 1),
        (["--select", " broken-link , mojibake "], LINKS_ONLY, 1),
        (["--ignore", "broken-link"], CASE_ONLY, 0),
        (["--ignore", "broken-link,tag-case"], [], 0),
        (["--ignore", "broken-link", "--ignore", "tag-case"], [], 0),
        (["--select", "broken-link,tag-case", "--ignore", "broken-link"], CASE_ONLY, 0),
    ],
)
def test_select_and_ignore(capsys, notes, argv, expected, code):
    got_code, data = run_json(capsys, "notes", *argv)
    assert _rules_of(data) == expected
    assert got_code == code


def test_select_turns_on_a_rule_the_config_turned_off(capsys, notes):
    (notes / ".vaultlint.yaml").write_text("extends: [recommended]\nrules:\n  tag-case: off\n")
    assert _rules_of(run_json(capsys, "notes")[1]) == LINKS_ONLY
    code, data = run_json(capsys, "notes", "--select", "tag-case")
    assert (code, _rules_of(data)) == (0, CASE_ONLY)


def test_unknown_rule_in_select_exits_2_with_a_suggestion(capsys, notes):
    code, out, err = run(capsys, "scan", "notes", "--select", "broken-link,broken-lnk")
    assert (code, out) == (2, "")
    assert "broken-lnk" in err
    assert "broken-link" in err  # did you mean


# --- vault root discovery ---------------------------------------------------------------------


def test_vault_found_from_a_note_inside_a_folder_with_obsidian(capsys, notes):
    code, data = run_json(capsys, "notes/sub/c.md")
    assert data["vault"] == notes.resolve().as_posix()
    assert data["diagnostics"] == [GHOST]
    assert code == 1


def test_vault_found_from_the_current_directory_inside_the_vault(capsys, notes, monkeypatch):
    monkeypatch.chdir(notes / "sub")
    code, data = run_json(capsys)
    assert code == 1
    assert data["vault"] == notes.resolve().as_posix()
    # `file` opens from notes/sub: ../a.md
    assert data["diagnostics"] == [{**d, "file": "../" + d["path"]} for d in ALL]


def test_vault_found_from_a_folder_with_vaultlint_yaml(capsys, tmp_path):
    write_vault(
        tmp_path / "project" / "kb",
        {
            ".vaultlint.yaml": "extends: [recommended]\n",
            "top.md": "# Top\n",
            "deep/er/note.md": "[[top]] and [[absent]]\n",
        },
    )
    code, data = run_json(capsys, "project/kb/deep/er/note.md")
    assert code == 1
    assert data["vault"] == (tmp_path / "project" / "kb").resolve().as_posix()
    assert _rules_of(data) == [("deep/er/note.md", 1, 13, "broken-link")]
    assert data["summary"]["notes"] == 1


def test_nearest_marker_wins(capsys, tmp_path):
    """An inner folder with ``.vaultlint.yaml`` is the vault, not the outer ``.obsidian`` one."""
    write_vault(
        tmp_path / "outer",
        {
            ".obsidian/app.json": "{}",
            "x.md": "# X\n",
            "inner/.vaultlint.yaml": "extends: [recommended]\n",
        },
    )
    write_vault(tmp_path / "outer" / "inner", {"n.md": "[[x]]\n"})
    code, data = run_json(capsys, "outer/inner/n.md")
    assert code == 1
    assert data["vault"] == (tmp_path / "outer" / "inner").resolve().as_posix()
    assert _rules_of(data) == [("n.md", 1, 1, "broken-link")]


def test_vault_option(capsys, notes, tmp_path):
    code, data = run_json(capsys, "--vault", "notes")
    assert data["vault"] == notes.resolve().as_posix()
    assert data["diagnostics"] == ALL
    # --vault wins over the .obsidian folder found from the PATH
    code, data = run_json(capsys, "--vault", "notes/sub", "notes/sub/c.md")
    assert code == 1
    assert data["vault"] == (notes / "sub").resolve().as_posix()
    assert _rules_of(data) == [("c.md", 1, 19, "broken-link")]


def test_first_path_without_markers_is_the_vault(capsys, tmp_path):
    write_vault(tmp_path / "plain", {"a.md": "[[b]] [[zz]]\n", "b.md": "# B\n"})
    code, data = run_json(capsys, "plain")
    assert code == 1
    assert data["vault"] == (tmp_path / "plain").resolve().as_posix()
    assert _rules_of(data) == [("a.md", 1, 7, "broken-link")]


def test_no_marker_and_a_file_path_uses_the_current_directory(capsys, tmp_path):
    write_vault(tmp_path / "plain", {"a.md": "[[b]] [[zz]]\n", "b.md": "# B\n"})
    code, data = run_json(capsys, "plain/a.md")
    assert code == 1
    assert data["vault"] == tmp_path.resolve().as_posix()
    assert _rules_of(data) == [("plain/a.md", 1, 7, "broken-link")]


# --- robustness -------------------------------------------------------------------------------


def test_a_note_that_is_not_utf8_is_a_diagnostic_not_a_crash(capsys, tmp_path):
    write_vault(
        tmp_path / "v",
        {".obsidian/app.json": "{}", "ok.md": "[[latin]]\n", "latin.md": b"caf\xe9 cr\xe8me\n"},
    )
    code, data = run_json(capsys, "v")
    assert code == 0
    assert _rules_of(data) == [("latin.md", 1, 4, "mojibake")]
    assert data["diagnostics"][0]["severity"] == "warning"


def test_columns_count_code_points_and_a_bom_is_no_column(capsys, tmp_path):
    """JSON `column`: characters (code points) from the line start, a BOM not counted; an emoji
    (two UTF-16 units, four bytes) is one column, a tab one, CRLF none."""
    write_vault(
        tmp_path / "v",
        {
            ".obsidian/app.json": "{}",
            "a.md": "\U0001f600é\t[[x]]\r\n[[y]]\r\n".encode(),
            "b.md": b"\xef\xbb\xbf[[z]] \xc3\xa9[[w]]\n",
        },
    )
    code, data = run_json(capsys, "v")
    assert code == 1
    got = [(d["path"], d["line"], d["column"], d["end_column"]) for d in data["diagnostics"]]
    assert got == [("a.md", 1, 4, 9), ("a.md", 2, 1, 6), ("b.md", 1, 1, 6), ("b.md", 1, 8, 13)]


def test_parallel_jobs_give_the_same_report(capsys, notes):
    assert run_json(capsys, "notes", "--jobs", "3") == run_json(capsys, "notes", "--jobs", "1")


# --- PATH arguments ---------------------------------------------------------------------------


def test_paths_report_only_those_notes_but_resolve_against_the_vault(capsys, notes):
    code, data = run_json(capsys, "notes/a.md")
    assert data["diagnostics"] == [MISSING, NOPE]  # [[b]] and [[sub/c]] resolve
    assert data["summary"] == {"notes": 1, "errors": 2, "warnings": 0, "infos": 0}
    code, data = run_json(capsys, "notes/b.md", "notes/sub")
    assert code == 1
    assert data["diagnostics"] == [TOPIC, GHOST]  # tag-case counts the whole vault
    assert data["summary"]["notes"] == 2


def test_paths_outside_the_vault_or_not_notes_are_skipped_with_a_warning(capsys, notes, tmp_path):
    (tmp_path / "outside.md").write_text("[[nowhere]]\n")
    (tmp_path / "README.txt").write_text("hi\n")
    argv = ["notes/sub/c.md", "outside.md", "notes/img.png", "README.txt", "--select", "tag-case"]
    code, out, err = run(capsys, "scan", *argv, "--no-cache")
    assert code == 0
    assert out == "No problems found in 1 note.\n"
    lines = err.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("vaultlint: warning: ") for line in lines)
    assert "outside.md: skipped" in lines[0]
    assert "notes/img.png: skipped" in lines[1]
    assert "not a note" in lines[1]
    assert "README.txt: skipped" in lines[2]


HIDDEN = {
    **NOTES,
    ".drafts/plan.md": "# Plan\n",
    ".secret.md": "# Secret\n",
    ".pic.png": "not really a picture",
    "links.md": "[[.drafts/plan]] [[.secret]] ![[.pic.png]] [x](.drafts/plan.md) [[b]]\n",
}


def test_hidden_files_and_folders_are_not_notes_nor_link_targets(capsys, tmp_path):
    write_vault(tmp_path / "notes", HIDDEN)
    code, data = run_json(capsys, "notes", "--select", "broken-link")
    assert code == 1
    assert [
        (d["path"], d["line"], d["column"], d["message"])
        for d in data["diagnostics"]
        if d["path"] == "links.md"
    ] == [
        ("links.md", 1, 1, "link target '.drafts/plan' does not exist"),
        ("links.md", 1, 18, "link target '.secret' does not exist"),
        ("links.md", 1, 30, "embed target '.pic.png' does not exist"),
        ("links.md", 1, 44, "link target '.drafts/plan.md' does not exist"),
    ]
    assert data["summary"]["notes"] == 4  # a.md, b.md, links.md, sub/c.md
    # a hidden note named on the command line is skipped with a warning
    code, out, err = run(capsys, "scan", "notes/.drafts/plan.md", "notes/.secret.md", "--no-cache")
    assert (code, out) == (0, "No problems found in 0 notes.\n")
    assert err == (
        "vaultlint: warning: notes/.drafts/plan.md: skipped, hidden or not part of the vault\n"
        "vaultlint: warning: notes/.secret.md: skipped, hidden or not part of the vault\n"
    )


def _unreadable_notes(vault: Path) -> None:
    """A FIFO, a socket and dangling links named as notes: skipped, never opened (a FIFO
    opened for reading would block the run)."""
    import socket

    os.mkfifo(vault / "pipe.md")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(vault / "sock.md"))
    (vault / "sub" / "gone.md").symlink_to(vault / "nothing.md")
    (vault / "away.canvas").symlink_to("/nonexistent/vaultlint/x.canvas")
    os.mkfifo(vault / "pipe.txt")  # not a note's name: not part of the vault, quietly


SKIPPED = [
    {"path": "away.canvas", "file": "notes/away.canvas", "reason": "dangling symbolic link"},
    {"path": "pipe.md", "file": "notes/pipe.md", "reason": "not a regular file (a FIFO)"},
    {"path": "sock.md", "file": "notes/sock.md", "reason": "not a regular file (a socket)"},
    {"path": "sub/gone.md", "file": "notes/sub/gone.md", "reason": "dangling symbolic link"},
]


@pytest.mark.parametrize("cache", [["--no-cache"], []], ids=["no-cache", "cold-then-warm"])
def test_notes_that_are_no_files_are_skipped_with_their_reason(capsys, notes, cache):
    _unreadable_notes(notes)
    warnings = "".join(
        f"vaultlint: warning: {s['file']}: skipped, {s['reason']}\n" for s in SKIPPED
    )
    text = (
        "notes/b.md:2:8: warning tag-case tag 'Topic' is spelled 'topic' in 2 notes "
        "(1 note uses 'Topic')\nFound 1 warning in 1 of 3 notes.\n"
    )
    for _ in range(2):  # with the cache: the second run is answered by the warm path
        code, out, err = run(capsys, "scan", "notes", "--select", "tag-case", *cache)
        assert (code, out, err) == (0, text, warnings)
        code, out, err = run(capsys, "scan", "notes", "--format", "json", *cache)
        data = json.loads(out)
        assert (code, err, data["skipped"], data["summary"]["notes"]) == (1, warnings, SKIPPED, 3)
        assert list(data) == ["version", "vault", "diagnostics", "skipped", "summary"]


def test_a_path_that_is_no_file_is_skipped_with_its_reason(capsys, notes):
    _unreadable_notes(notes)
    paths = ["notes/pipe.md", "notes/sock.md", "notes/sub/gone.md", "notes/b.md"]
    code, out, err = run(capsys, "scan", *paths, "--format", "json", "--no-cache")
    said = [
        "notes/pipe.md: skipped, not a regular file (a FIFO)",
        "notes/sock.md: skipped, not a regular file (a socket)",
        "notes/sub/gone.md: skipped, dangling symbolic link",
    ]
    data = json.loads(out)
    assert (code, list(data), err.splitlines()) == (
        0,
        # the other skipped are not its; the PATHs' own are its run_warnings, as on stderr
        ["version", "vault", "diagnostics", "run_warnings", "summary"],
        [f"vaultlint: warning: {line}" for line in said],
    )
    assert data["run_warnings"] == said


def test_only_skipped_paths_lint_nothing(capsys, notes, tmp_path):
    """pre-commit may pass only files outside the vault: nothing is linted, exit 0."""
    (tmp_path / "outside.md").write_text("[[nowhere]]\n")
    code, out, err = run(capsys, "scan", "--vault", "notes", "outside.md", "--no-cache")
    assert code == 0
    assert out == "No problems found in 0 notes.\n"
    assert "outside.md: skipped" in err


# --- --output and the other formats -----------------------------------------------------------


def test_output_writes_the_report_and_prints_the_summary(capsys, notes, tmp_path):
    code, out, err = run(
        capsys, "scan", "notes", "--format", "json", "--output", "out/report.json", "--no-cache"
    )
    assert (code, out, err) == (1, SUMMARY_LINE, "")
    written = (tmp_path / "out" / "report.json").read_text(encoding="utf-8")
    _, direct, _ = run(capsys, "scan", "notes", "--format", "json", "--no-cache")
    assert written == direct
    assert json.loads(written)["diagnostics"] == ALL


def test_output_text_has_no_colour(capsys, notes, tmp_path, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _ = run(capsys, "scan", "notes", "--output", "report.txt", "--no-cache")
    assert (code, out) == (1, SUMMARY_LINE)
    text = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "\x1b[" not in text
    assert text.endswith(SUMMARY_LINE)


class _Terminal(io.StringIO):
    """A stdout that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("tty", "env", "coloured"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"TERM": "dumb"}, False),
        (False, {"FORCE_COLOR": "1"}, True),
    ],
    ids=["terminal", "pipe", "terminal-NO_COLOR", "terminal-TERM-dumb", "pipe-FORCE_COLOR"],
)
def test_text_is_coloured_only_on_a_terminal(notes, monkeypatch, tty, env, coloured):
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "xterm")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stdout = _Terminal() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    assert main(["scan", "notes/sub/c.md", "--no-cache"]) == 1
    plain = "notes/sub/c.md:1:19: error broken-link link target 'ghost' does not exist\n"
    painted = (
        "\x1b[1mnotes/sub/c.md\x1b[0m:1:19: \x1b[1;31merror\x1b[0m \x1b[35mbroken-link\x1b[0m "
        "link target 'ghost' does not exist\n"
    )
    summary = "Found 1 error in 1 note."
    if coloured:
        assert stdout.getvalue() == painted + f"\x1b[1;31m{summary}\x1b[0m\n"
    else:
        assert stdout.getvalue() == plain + summary + "\n"


GITHUB_LINES = [
    "::error file=notes/a.md,line=7,col=3,endLine=7,endColumn=14,title=broken-link"
    "::link target 'missing' does not exist",
    "::error file=notes/a.md,line=7,col=24,endLine=7,endColumn=34,title=broken-link"
    "::heading 'Nope' does not exist in 'b'",
    "::warning file=notes/b.md,line=2,col=8,endLine=2,endColumn=13,title=tag-case"
    "::tag 'Topic' is spelled 'topic' in 2 notes (1 note uses 'Topic')",
    "::error file=notes/sub/c.md,line=1,col=19,endLine=1,endColumn=28,title=broken-link"
    "::link target 'ghost' does not exist",
]


def test_github_paths_are_relative_to_the_current_directory(capsys, notes):
    code, out, err = run(capsys, "scan", "notes", "--format", "github", "--no-cache")
    assert (code, err) == (1, "")
    assert out.splitlines() == GITHUB_LINES
    code, out, err = run(capsys, "scan", "notes/a.md", "--format", "github", "--no-cache")
    assert out.splitlines() == GITHUB_LINES[:2]


def test_github_from_inside_the_vault_has_no_prefix(capsys, notes, monkeypatch):
    monkeypatch.chdir(notes)
    code, out, _ = run(capsys, "scan", "--format", "github", "--no-cache")
    assert code == 1
    assert out.splitlines()[0].startswith("::error file=a.md,line=7,col=3,")


def test_github_annotates_the_runs_warnings_before_the_findings(capsys, tmp_path):
    """A warning only on stderr is lost in a CI log: the run's own warnings are annotations
    too (no file: they are about the run), escaped as messages are."""
    write_vault(
        tmp_path / "v",
        {
            ".obsidian/app.json": "{}",
            "a.md": "# A\n",
            ".vaultlint.yaml": "rules:\n  drafts:\n    check: required-sections\n"
            "    where: {paths: ['Draft%s/**']}\n    sections: [Plan]\n",
        },
    )
    warning = (
        "rule 'drafts' applies to no note: its where (paths: 'Draft%s/**') matches no note of "
        "the 1 checked; is a glob misspelled, or the folder renamed?"
    )
    assert run(capsys, "scan", "v", "--format", "github", "--no-cache") == (
        0,
        f"::warning title=vaultlint::{warning.replace('%', '%25')}\n",
        f"vaultlint: warning: {warning}\n",
    )


def test_github_clean_vault_prints_nothing(capsys, tmp_path):
    write_vault(tmp_path / "v", {".obsidian/app.json": "{}", "a.md": "# A\n"})
    assert run(capsys, "scan", "v", "--format", "github", "--no-cache") == (0, "", "")


def _sarif_schema() -> dict:
    path = shared("schemas", "sarif-schema-2.1.0.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_sarif_is_valid_and_holds_the_json_findings(capsys, notes):
    code, out, err = run(capsys, "scan", "notes", "--format", "sarif", "--no-cache")
    assert (code, err) == (1, "")
    log = json.loads(out)
    schema = _sarif_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)

    assert log["version"] == "2.1.0"
    (sarif_run,) = log["runs"]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    got = []
    for result in sarif_run["results"]:
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        region = physical["region"]
        got.append(
            {
                "uri": physical["artifactLocation"]["uri"],
                "line": region["startLine"],
                "column": region["startColumn"],
                "end_line": region["endLine"],
                "end_column": region["endColumn"],
                "rule": result["ruleId"],
                "level": result["level"],
                "message": result["message"]["text"],
            }
        )
    expected = [
        {
            "uri": "notes/" + d["path"],
            "line": d["line"],
            "column": d["column"],
            "end_line": d["end_line"],
            "end_column": d["end_column"],
            "rule": d["rule"],
            "level": levels[d["severity"]],
            "message": d["message"],
        }
        for d in ALL
    ]
    assert got == expected
    rule_ids = [rule["id"] for rule in sarif_run["tool"]["driver"]["rules"]]
    assert {"broken-link", "tag-case"} <= set(rule_ids)
    for result in sarif_run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]


def test_junit_parses_one_case_per_note(capsys, notes):
    code, out, err = run(capsys, "scan", "notes", "--format", "junit", "--no-cache")
    assert (code, err) == (1, "")
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["notes/a.md", "notes/b.md", "notes/sub/c.md"]
    assert [len(c.findall("failure")) for c in cases] == [2, 1, 1]
    assert [f.get("type") for f in cases[0].findall("failure")] == ["broken-link", "broken-link"]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "3", "0")


def test_junit_counts_passing_notes(capsys, notes):
    code, out, _ = run(capsys, "scan", "notes", "--format", "junit", "--select", "tag-case")
    suite = ET.fromstring(out.encode("utf-8")).find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("3", "1")
    assert code == 0


# --- inspect ----------------------------------------------------------------------------------


def _pos(line: int, col: int, offset: int, end_line: int, end_col: int, end_offset: int) -> dict:
    return {
        "start": {"line": line, "col": col, "offset": offset},
        "end": {"line": end_line, "col": end_col, "offset": end_offset},
    }


def test_inspect_one_note_prints_one_object(capsys, notes):
    code, out, err = run(capsys, "inspect", "notes/a.md")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert isinstance(data, dict)
    assert data["path"] == "a.md"
    assert data["headings"] == [
        {"heading": "Alpha", "level": 1, "position": _pos(0, 0, 0, 0, 7, 7)},
        {"heading": "Part", "level": 2, "position": _pos(4, 0, 35, 4, 7, 42)},
    ]
    assert data["links"] == [
        {
            "link": "b",
            "original": "[[b]]",
            "displayText": "b",
            "position": _pos(2, 4, 13, 2, 9, 18),
        },
        {
            "link": "sub/c",
            "original": "[[sub/c]]",
            "displayText": "sub/c",
            "position": _pos(2, 14, 23, 2, 23, 32),
        },
        {
            "link": "missing",
            "original": "[[missing]]",
            "displayText": "missing",
            "position": _pos(6, 2, 46, 6, 13, 57),
        },
        {
            "link": "b#Nope",
            "original": "[[b#Nope]]",
            "displayText": "b > Nope",
            "position": _pos(6, 23, 67, 6, 33, 77),
        },
    ]
    assert "frontmatter" not in data  # empty fields are left out, as Obsidian does


def test_inspect_frontmatter_and_tags(capsys, notes):
    code, out, _ = run(capsys, "inspect", "notes/b.md")
    assert code == 0
    data = json.loads(out)
    assert data["path"] == "b.md"
    assert data["frontmatter"] == {"tags": ["Topic"]}
    assert data["frontmatterPosition"] == _pos(0, 0, 0, 2, 3, 21)
    assert data["tags"] == [{"tag": "#topic", "position": _pos(5, 20, 50, 5, 26, 56)}]


def test_inspect_two_notes_prints_an_array(capsys, notes):
    code, out, err = run(capsys, "inspect", "notes/b.md", "notes/a.md")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert isinstance(data, list)
    assert [d["path"] for d in data] == ["b.md", "a.md"]


def test_inspect_a_path_that_does_not_exist_is_exit_2_and_prints_nothing(capsys, notes):
    code, out, err = run(capsys, "inspect", "notes/a.md", "notes/nope.md")
    assert (code, out) == (2, "")
    assert err == "vaultlint: error: notes/nope.md: no such file or folder\n"
    code, out, err = run(capsys, "inspect", "--vault", "notes", "b.md")
    assert (code, out) == (2, "")
    assert err == (
        "vaultlint: error: b.md: no such file or folder; PATHs are relative to the current "
        "directory: did you mean notes/b.md?\n"
    )


# --- rules, rule, --version -------------------------------------------------------------------

RECOMMENDED = ["broken-link", "invalid-frontmatter", "invalid-tag", "tag-case", "mojibake"]


def test_rules_lists_the_recommended_rules(capsys, tmp_path):
    code, out, err = run(capsys, "rules")
    assert (code, err) == (0, "")
    first_words = [line.split()[0] for line in out.splitlines() if line.strip()]
    for rule_id in RECOMMENDED:
        assert rule_id in first_words
    rows = {line.split()[0]: line.split()[1:3] for line in out.splitlines() if line.strip()}
    assert rows["broken-link"] == ["links", "error"]
    assert rows["tag-case"] == ["tags", "warning"]
    assert rows["mojibake"] == ["encoding", "warning"]
    # vaultlint's own rules at the severity they are reported at (they said "on")
    assert rows["outside-vault"] == ["(vaultlint)", "info"]
    assert rows["note-too-large"] == ["(vaultlint)", "error"]
    assert rows["unknown-rule-in-suppression"] == ["(vaultlint)", "warning"]


def test_rules_table_columns_are_aligned(capsys):
    _, out, _ = run(capsys, "rules")
    lines = [line for line in out.splitlines() if line.strip()]
    header = lines[0]
    start = header.index("SUMMARY")
    row = next(line for line in lines if line.startswith("broken-link "))
    assert row[start:].startswith("Links, embeds")
    assert row[start - 1] == " "


CUSTOM_CONFIG = (
    "extends: [recommended]\n"
    "rules:\n"
    "  tag-case: off\n"
    "  goal:\n"
    "    check: required-sections\n"
    "    description: Every note states its goal.\n"
    "    sections: [Goal]\n"
)


def test_rules_in_a_vault_lists_its_configured_rules(capsys, tmp_path, monkeypatch):
    write_vault(tmp_path / "v", {".vaultlint.yaml": CUSTOM_CONFIG, "a.md": "# A\n"})
    monkeypatch.chdir(tmp_path / "v")
    code, out, _ = run(capsys, "rules")
    rows = {line.split()[0]: line.split()[1:3] for line in out.splitlines() if line.strip()}
    assert code == 0
    assert rows["goal"] == ["required-sections", "warning"]
    assert rows["tag-case"] == ["tags", "off"]
    assert "Every note states its goal." in out


def test_rule_in_a_vault_documents_a_configured_rule(capsys, tmp_path, monkeypatch):
    write_vault(tmp_path / "v", {".vaultlint.yaml": CUSTOM_CONFIG, "a.md": "# A\n"})
    monkeypatch.chdir(tmp_path / "v")
    code, out, err = run(capsys, "rule", "goal")
    assert (code, err) == (0, "")
    assert out.startswith("# goal\n")


def test_rule_with_config_documents_a_configured_rule(capsys, tmp_path):
    write_vault(tmp_path / "v", {".vaultlint.yaml": CUSTOM_CONFIG})
    code, out, err = run(capsys, "rule", "goal", "--config", "v/.vaultlint.yaml")
    assert (code, err) == (0, "")
    assert out.startswith("# goal\n")
    assert "`sections`" in out


def test_rule_shows_the_rule_as_the_configuration_defines_it(capsys, tmp_path):
    """A rule is a configured instance of a check: `vaultlint rule ID` shows its severity,
    scope and the options it sets (it showed only the check's option reference)."""
    config = (
        "rules:\n"
        "  person-properties:\n"
        "    check: properties\n"
        "    severity: error\n"
        "    where: {paths: ['People/**'], frontmatter: {type: [person, contact]}}\n"
        "    message: '{message} (see the handbook)'\n"
        "    required: [company]\n"
        "    properties:\n"
        "      rating: {type: number, max: 5}\n"
    )
    write_vault(tmp_path / "v", {".vaultlint.yaml": config, "a.md": "# A\n"})
    code, out, err = run(capsys, "rule", "person-properties", "--vault", "v")
    assert (code, err) == (0, "")
    assert out.startswith(
        "# person-properties\n"
        "\n"
        "Check: properties    Default severity: error\n"
        "\n"
        "## This rule\n"
        "Defined at v/.vaultlint.yaml:2; options at their defaults are left out:\n"
        "    check: properties\n"
        "    severity: error\n"
        "    where:\n"
        "      paths: [People/**]\n"
        "      frontmatter:\n"
        "        type: [person, contact]\n"
        "    message: '{message} (see the handbook)'\n"
        "    required: [company]\n"
        "    properties:\n"
        "      rating: {type: number, max: 5.0}\n"
        "\n"
        "A schema for the properties of a kind of note"
    )
    code, out, err = run(capsys, "rule", "broken-link")  # a rule of the built-in pack
    assert (code, err) == (0, "")
    assert (
        "## This rule\n"
        "Defined in the built-in 'recommended' pack (line 9); options at their defaults are left "
        "out:\n"
        "    check: links\n"
        "    severity: error\n"
        "\n"
    ) in out


def test_rule_shows_its_options(capsys):
    code, out, err = run(capsys, "rule", "broken-link")
    assert (code, err) == (0, "")
    assert out.startswith("# broken-link\n")
    for option in ("headings", "blocks", "embeds", "markdown_links", "ignore"):
        assert f"`{option}`" in out


def test_rule_unknown_exits_2_with_a_suggestion(capsys):
    code, out, err = run(capsys, "rule", "nope")
    assert (code, out) == (2, "")
    assert "'nope'" in err
    assert "vaultlint rules" in err
    code, out, err = run(capsys, "rule", "broken-lnk")
    assert code == 2
    assert "did you mean 'broken-link'" in err


def test_version(capsys):
    assert run(capsys, "--version") == (0, "vaultlint 0.2.0\n", "")


def test_the_version_is_written_once_and_the_package_metadata_agrees():
    import importlib.metadata
    import tomllib

    import vaultlint

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"] == {"path": "src/vaultlint/__init__.py"}
    assert importlib.metadata.version("obsidian-vaultlint") == vaultlint.__version__ == "0.2.0"


# --- a reader that goes away (`vaultlint … | head`) -------------------------------------------


def _run_with_closed_stdout(argv: list[str]) -> tuple[int, str]:
    import vaultlint

    env = dict(os.environ)
    src = str(Path(vaultlint.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    env.pop("VAULTLINT_DEBUG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "vaultlint", *argv],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # before vaultlint writes anything: every write hits a broken pipe
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    return proc.wait(timeout=120), err


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["scan", "examples/vault", "--no-cache"], 1),
        (["scan", "examples/vault", "--no-cache", "--format", "json"], 1),
        (["rules"], 0),
        (["rule", "broken-link"], 0),
        (["inspect", "examples/vault/Index.md"], 0),
        (["--version"], 0),
    ],
)
def test_a_closed_pipe_is_not_an_internal_error(argv, status):
    code, err = _run_with_closed_stdout(argv)
    assert "internal error" not in err
    assert "Traceback" not in err
    assert code == status


def test_a_closed_pipe_with_output_is_not_an_internal_error(tmp_path):
    report = tmp_path / "r.json"
    argv = ["scan", "examples/vault", "--no-cache", "--format", "json", "--output", str(report)]
    code, err = _run_with_closed_stdout(argv)
    assert "internal error" not in err
    assert code == 1
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["errors"] == 6


# --- golden output of examples/vault ----------------------------------------------------------

_VAULT_FIELD = re.compile(r'^  "vault": .*$', re.MULTILINE)
_EXPECTED_LINE = re.compile(r"^(?P<path>.+?\.md):(?P<line>\d+):(?P<col>\d+) (?P<rule>\S+) ")


def _without_vault(text: str) -> str:
    return _VAULT_FIELD.sub('  "vault": "<VAULT>",', text, count=1)


def test_examples_vault_matches_the_golden_file(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, out, err = run(capsys, "scan", "examples/vault", "--format", "json", "--no-cache")
    assert (code, err) == (1, "")
    assert json.loads(out)["vault"] == (REPO / "examples" / "vault").resolve().as_posix()
    golden = GOLDEN.read_bytes().decode("utf-8")
    assert _without_vault(out) == _without_vault(golden)


def test_golden_file_matches_expected_findings():
    """The golden file holds exactly the findings listed in examples/expected-findings.txt."""
    expected = []
    for line in (REPO / "examples" / "expected-findings.txt").read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        match = _EXPECTED_LINE.match(line)
        assert match, line
        expected.append((match["path"], int(match["line"]), int(match["col"]), match["rule"]))
    golden = json.loads(GOLDEN.read_text("utf-8"))
    assert len(expected) == 19
    assert _rules_of(golden) == expected
    assert golden["summary"] == {"notes": 15, "errors": 6, "warnings": 13, "infos": 0}


def test_inspect_counts_utf16_code_units_like_obsidian(capsys, tmp_path):
    write_vault(tmp_path / "v", {".obsidian/app.json": "{}", "a.md": "📅 x #tag [[b]]\n"})
    code, out, err = run(capsys, "inspect", str(tmp_path / "v" / "a.md"))
    assert (code, err) == (0, "")
    data = json.loads(out)
    # the emoji is one character but two UTF-16 code units, as Obsidian counts them
    assert data["tags"][0]["position"]["start"] == {"line": 0, "col": 5, "offset": 5}
    assert data["links"][0]["position"]["start"] == {"line": 0, "col": 10, "offset": 10}


def test_write_baseline_exits_0_with_findings(capsys, tmp_path):
    write_vault(tmp_path / "v", {".obsidian/app.json": "{}", "a.md": "[[ghost]]\n"})
    code = main(
        ["scan", str(tmp_path / "v"), "--no-cache", "--write-baseline", str(tmp_path / "b.json")]
    )
    assert code == 0
    assert (tmp_path / "b.json").exists()


def test_a_whole_vault_scan_whose_every_note_is_excluded_says_so(capsys, tmp_path, monkeypatch):
    """Nothing checked is not a silent pass: exit 0 (the exclusion is the user's), and a
    warning saying how many notes were excluded and why — cold and answered from the cache."""
    monkeypatch.setenv("VAULTLINT_CACHE_DIR", str(tmp_path / "cache"))
    vault = write_vault(
        tmp_path / "v",
        {
            ".vaultlint.yaml": 'exclude: ["Drafts/**", "Old.md"]\n',
            "Drafts/a.md": "[[Nowhere]]\n",
            "Drafts/b.md": "text\n",
            "Old.md": "text\n",
        },
    )
    warning = (
        "vaultlint: warning: every note of the vault is excluded (3 notes; excluded by the "
        "configuration: 3): nothing was checked\n"
    )
    for extra in (["--no-cache"], [], []):  # the last run is a warm hit
        assert run(capsys, "scan", str(vault), *extra) == (
            0,
            "No problems found in 0 notes.\n",
            warning,
        )
    # one note left to check: no such warning
    (vault / "New.md").write_text("text\n", encoding="utf-8")
    assert run(capsys, "scan", str(vault)) == (0, "No problems found in 1 note.\n", "")


# --- a process of its own ends once its output is out (cli._leave) ---------------------------


def test_leave_skips_the_teardown_only_without_workers_or_threads(monkeypatch):
    import threading

    import vaultlint.cli as cli

    exits: list[int] = []
    monkeypatch.setattr(cli.os, "_exit", exits.append)
    monkeypatch.delitem(sys.modules, "multiprocessing", raising=False)
    cli._leave(3)
    assert exits == [3]
    monkeypatch.setitem(sys.modules, "multiprocessing", object())
    assert cli._leave(1) == 1  # workers were started: multiprocessing joins them at exit
    monkeypatch.delitem(sys.modules, "multiprocessing")
    done = threading.Event()
    thread = threading.Thread(target=done.wait)
    thread.start()
    try:
        assert cli._leave(0) == 0  # another thread runs: the usual exit waits for it
    finally:
        done.set()
        thread.join()
    assert exits == [3]


def _vaultlint(argv: list[str], **popen: object) -> subprocess.CompletedProcess:
    """``python -m vaultlint ARGV`` from the repository, stdout buffered as it usually is."""
    import vaultlint

    env = dict(os.environ)
    src = str(Path(vaultlint.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    env.pop("PYTHONUNBUFFERED", None)
    cmd = [sys.executable, "-m", "vaultlint", *argv]
    return subprocess.run(cmd, cwd=REPO, env=env, check=False, **popen)  # type: ignore[call-overload]


def test_the_early_exit_keeps_what_pythons_own_exit_says_of_its_streams(tmp_path):
    """Output that cannot be written is an error and status 120, as at Python's own exit; a
    stream closed before the start (``>&-``) drops what would be said on it, and the status
    is the run's; a profiler's data is written at exit (no early exit under it)."""
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            done = _vaultlint(["--help"], stdout=full, stderr=subprocess.PIPE, text=True)
        assert done.returncode == 120
        assert done.stderr.startswith("vaultlint: error: cannot write the output: ")
    closed = {"preexec_fn": lambda: os.close(1), "stderr": subprocess.PIPE}
    done = _vaultlint(["scan", "examples/vault", "--no-cache"], **closed)
    assert (done.returncode, done.stderr) == (1, b"")
    done = _vaultlint(["--help"], stdout=subprocess.PIPE, preexec_fn=lambda: os.close(2))
    assert done.returncode == 0 and done.stdout.startswith(b"usage: vaultlint ")
    profile = tmp_path / "p.prof"
    argv = ["-m", "cProfile", "-o", str(profile), "-m", "vaultlint", "--version"]
    done = subprocess.run(
        [sys.executable, *argv],
        cwd=REPO,
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
    )
    assert (done.returncode, done.stdout) == (0, b"vaultlint 0.2.0\n")
    assert profile.stat().st_size > 0


def test_a_report_larger_than_a_pipe_arrives_whole_with_its_status(tmp_path):
    """The early exit flushes first: every byte of a report far larger than a pipe's buffer,
    warm (no worker process: the early exit) and cold, and the exit status."""
    import vaultlint

    notes = {f"n{i:04}.md": f"# N{i}\n[[gone {i}]] #Tag #tag\n" for i in range(400)}
    vault = write_vault(tmp_path / "v", {".obsidian/app.json": "{}", **notes})
    env = dict(os.environ)
    src = str(Path(vaultlint.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    env["VAULTLINT_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("PYTHONUNBUFFERED", None)  # (a pipe's stdout is then buffered, as it usually is)
    argv = [sys.executable, "-m", "vaultlint", "scan", str(vault), "--format", "json"]
    runs = [subprocess.run(argv, env=env, capture_output=True, check=False) for _ in range(3)]
    assert [r.returncode for r in runs] == [1, 1, 1]
    assert [len(json.loads(r.stdout)["diagnostics"]) for r in runs] == [800, 800, 800]
    assert len(runs[0].stdout) > 2**17
    assert runs[1].stdout == runs[2].stdout == runs[0].stdout
    # argparse's help is printed without a flush of ours: the early exit flushes it
    bare = subprocess.run(argv[:3], env=env, capture_output=True, check=False)
    assert bare.returncode == 2
    assert bare.stdout.startswith(b"usage: vaultlint ")
