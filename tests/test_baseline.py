"""Baselines, through the command line: ``--write-baseline FILE`` then ``--baseline FILE``.

A baseline silences the findings it recorded, matched on note, rule and offending text (never
on the line), one finding per record; a note that was renamed or moved keeps its old findings
silenced; everything else is reported as usual.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultlint.cli import main

VAULT = {
    ".obsidian/app.json": "{}\n",
    "a.md": "# A\n\nSee [[b]] and [[ghost]].\n",
    "b.md": "# B\n\n[[a]] and [[phantom]]\n#Tag\n",
    "c.md": "#tag #tag\n",
    "d.md": "#tag\n",
}


pytestmark = pytest.mark.usefixtures("plain_environment")


@pytest.fixture
def vault(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The vault ``v/`` with a baseline ``b.json`` of its three findings, written just now."""
    root = write_vault(tmp_path / "v", VAULT)
    code = main(["scan", "v", "--no-cache", "--write-baseline", "b.json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert (tmp_path / "b.json").is_file()
    assert out.splitlines()[-1] == "Found 2 errors and 1 warning in 2 of 4 notes."
    assert err == (
        "vaultlint: wrote 3 findings of 2 notes to b.json; "
        "`--baseline b.json` reports only new ones\n"
    )
    return root


def scan(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict]]:
    """Scan ``v`` against ``b.json``; the exit status and the JSON diagnostics."""
    code = main(["scan", "v", "--no-cache", "--format", "json", "--baseline", "b.json", *argv])
    out, err = capsys.readouterr()
    # what the baseline hid, and its stale entries, are said on stderr (exact: test_cli_gate.py)
    assert re.fullmatch(
        r"vaultlint: b\.json: hid \d+ known findings?\n(vaultlint: b\.json: .*\n)?", err
    )
    return code, json.loads(out)["diagnostics"]


def broken(path: str, line: int, column: int, target: str) -> dict:
    return {
        "path": path,
        "file": f"v/{path}",
        "line": line,
        "column": column,
        "end_line": line,
        "end_column": column + len(target) + 4,
        "rule": "broken-link",
        "check": "links",
        "severity": "error",
        "message": f"link target '{target}' does not exist",
    }


def edit(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_right_after_writing_the_baseline_nothing_is_reported(capsys, vault):
    assert scan(capsys) == (0, [])
    assert main(["scan", "v", "--no-cache", "--baseline", "b.json"]) == 0
    assert capsys.readouterr() == (
        "No problems found in 4 notes.\n",
        "vaultlint: b.json: hid 3 known findings\n",
    )


def test_without_the_baseline_the_findings_are_still_there(capsys, vault):
    code = main(["scan", "v", "--no-cache", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(d["path"], d["line"], d["column"], d["rule"]) for d in data["diagnostics"]] == [
        ("a.md", 3, 15, "broken-link"),
        ("b.md", 3, 11, "broken-link"),
        ("b.md", 4, 1, "tag-case"),
    ]


def test_a_new_broken_link_is_reported(capsys, vault):
    edit(vault / "a.md", VAULT["a.md"] + "\nAlso [[newly]] here.\n")
    assert scan(capsys) == (1, [broken("a.md", 5, 6, "newly")])


def test_a_new_broken_link_in_a_new_note_is_reported(capsys, vault):
    edit(vault / "e.md", "[[ghost]]\n")  # same text as a recorded finding, other (live) note
    assert scan(capsys) == (1, [broken("e.md", 1, 1, "ghost")])


def test_an_old_finding_stays_silent_after_ten_lines_above_it(capsys, vault):
    edit(vault / "a.md", "".join(f"line {i}\n" for i in range(10)) + VAULT["a.md"])
    edit(vault / "b.md", "\n" * 10 + VAULT["b.md"])
    assert scan(capsys) == (0, [])
    assert main(["scan", "v", "--no-cache", "--format", "json"]) == 1
    moved = json.loads(capsys.readouterr().out)["diagnostics"]
    assert [(d["path"], d["line"], d["column"]) for d in moved] == [
        ("a.md", 13, 15),
        ("b.md", 13, 11),
        ("b.md", 14, 1),
    ]


def test_two_identical_broken_links_where_the_baseline_had_one(capsys, vault):
    edit(vault / "a.md", VAULT["a.md"] + "[[ghost]] again\n")
    assert scan(capsys) == (1, [broken("a.md", 4, 1, "ghost")])


def test_a_second_identical_link_on_the_same_line_is_new(capsys, vault):
    edit(vault / "a.md", "# A\n\nSee [[b]] and [[ghost]]. [[ghost]]\n")
    assert scan(capsys) == (1, [broken("a.md", 3, 26, "ghost")])


def test_a_fixed_finding_is_simply_gone(capsys, vault):
    edit(vault / "a.md", "# A\n\nSee [[b]].\n")
    assert scan(capsys) == (0, [])


def test_a_changed_tag_count_keeps_the_tag_finding_silent(capsys, vault):
    """tag-case's message holds vault-wide counts; a new note changes them, not the finding."""
    edit(vault / "e.md", "#tag\n")
    assert scan(capsys) == (0, [])


def test_a_renamed_note_keeps_its_old_findings_silent(capsys, vault):
    (vault / "archive").mkdir()
    (vault / "a.md").rename(vault / "archive" / "a.md")
    assert scan(capsys) == (0, [])
    (vault / "b.md").rename(vault / "archive" / "b.md")
    assert scan(capsys) == (0, [])


def test_a_renamed_note_breaks_the_links_to_it_and_only_those_are_new(capsys, vault):
    (vault / "b.md").rename(vault / "Beta.md")  # [[b]] in a.md no longer resolves
    assert scan(capsys) == (1, [broken("a.md", 3, 5, "b")])


def test_a_renamed_note_with_a_new_broken_link_reports_only_the_new_one(capsys, vault):
    (vault / "a.md").unlink()
    edit(vault / "archive" / "a.md", VAULT["a.md"] + "[[newly]]\n")
    assert scan(capsys) == (1, [broken("archive/a.md", 4, 1, "newly")])


def test_a_renamed_note_with_a_duplicated_old_link_reports_the_copy(capsys, vault):
    (vault / "a.md").unlink()
    edit(vault / "archive" / "a.md", VAULT["a.md"] + "[[ghost]]\n")
    assert scan(capsys) == (1, [broken("archive/a.md", 4, 1, "ghost")])


GOAL_VAULT = {
    ".vaultlint.yaml": "extends: [recommended]\n"
    "rules:\n  goal:\n    check: required-sections\n    sections: [Goal]\n",
    "p.md": "# P\n",
    "q.md": "## Goal\n",
}


def _keys(diagnostics: list[dict]) -> list[tuple[str, int, int, str]]:
    return [(d["path"], d["line"], d["column"], d["rule"]) for d in diagnostics]


def test_note_level_findings_follow_a_moved_note(capsys, tmp_path):
    write_vault(tmp_path / "v", GOAL_VAULT)
    assert main(["scan", "v", "--no-cache", "--write-baseline", "b.json"]) == 0
    capsys.readouterr()
    (tmp_path / "v" / "archive").mkdir()
    (tmp_path / "v" / "p.md").rename(tmp_path / "v" / "archive" / "p.md")
    assert scan(capsys) == (0, [])
    edit(tmp_path / "v" / "z.md", "# Z\n")  # a new note without the section
    code, diagnostics = scan(capsys)
    assert (code, _keys(diagnostics)) == (0, [("z.md", 1, 1, "goal")])  # a warning: exit 0


@pytest.mark.parametrize("kind", ["note-level", "broken-link"])
def test_a_moved_note_keeps_its_findings_when_a_new_note_sorts_before_it(capsys, tmp_path, kind):
    if kind == "note-level":
        files, new_text, expected = GOAL_VAULT, "# New\n", [("Alpha.md", 1, 1, "goal")]
        moved = "p.md"
    else:
        files, new_text, expected = VAULT, "[[ghost]]\n", [("Alpha.md", 1, 1, "broken-link")]
        moved = "a.md"
    write_vault(tmp_path / "v", files)
    main(["scan", "v", "--no-cache", "--write-baseline", "b.json"])
    capsys.readouterr()
    (tmp_path / "v" / "archive").mkdir()
    (tmp_path / "v" / moved).rename(tmp_path / "v" / "archive" / moved)
    edit(tmp_path / "v" / "Alpha.md", new_text)  # "Alpha.md" < "archive/..." in path order
    assert _keys(scan(capsys)[1]) == expected


def test_baseline_applies_to_path_scans_too(capsys, vault):
    edit(vault / "a.md", VAULT["a.md"] + "[[newly]]\n")
    code = main(["scan", "v/a.md", "--no-cache", "--format", "json", "--baseline", "b.json"])
    assert code == 1
    assert json.loads(capsys.readouterr().out)["diagnostics"] == [broken("a.md", 4, 1, "newly")]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "does not exist"),
        ("{not json", "cannot read"),
        ('{"findings": []}', "not a vaultlint baseline"),
        ("[1, 2]", "not a vaultlint baseline"),
        ('{"vaultlint-baseline": 1, "findings": {}}', "findings"),
    ],
    ids=["missing", "invalid-json", "no-marker", "not-an-object", "findings-not-a-list"],
)
def test_a_missing_or_invalid_baseline_exits_2_naming_the_file(capsys, tmp_path, content, needle):
    write_vault(tmp_path / "v", VAULT)
    if content is not None:
        (tmp_path / "old.json").write_text(content, encoding="utf-8")
    code = main(["scan", "v", "--no-cache", "--baseline", "old.json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("vaultlint: error: ")
    assert "old.json" in err
    assert needle in err
    assert len(err.splitlines()) == 1
