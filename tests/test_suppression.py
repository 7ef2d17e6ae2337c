"""Suppression comments inside notes (README "Suppressing a finding"), with exact expectations."""

from __future__ import annotations

import json

import pytest

from vaultlint.cli import main

from .conftest import write_vault


def findings(capsys, tmp_path, text: str) -> list[tuple[int, int, str]]:
    vault = write_vault(
        tmp_path / "v",
        {".obsidian/app.json": "{}", "b.md": "# B\n", "n.md": text, "o.md": "#space #space\n"},
    )
    main(["scan", str(vault), "--no-cache", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    return [
        (d["line"], d["column"], d["rule"]) for d in report["diagnostics"] if d["path"] == "n.md"
    ]


CASES = [
    (
        "next line, %% form",
        "%% vaultlint-disable-next-line broken-link %%\n[[x]]\n[[y]]\n",
        [(3, 1, "broken-link")],
    ),
    (
        "next line, HTML comment form",
        "<!-- vaultlint-disable-next-line broken-link -->\n[[x]]\n[[y]]\n",
        [(3, 1, "broken-link")],
    ),
    (
        "next line without a rule silences every rule",
        "%% vaultlint-disable-next-line %%\n[[x]] #Space\n[[y]]\n",
        [(3, 1, "broken-link")],
    ),
    (
        "next line for another rule leaves this one",
        "%% vaultlint-disable-next-line tag-case %%\n[[x]] #Space\n",
        [(2, 1, "broken-link")],
    ),
    (
        "several rules, comma separated",
        "%% vaultlint-disable-next-line broken-link, tag-case %%\n[[x]] #Space\n[[y]]\n",
        [(3, 1, "broken-link")],
    ),
    (
        "a range between disable and enable",
        "[[a1]]\n%% vaultlint-disable broken-link %%\n[[a2]]\n[[a3]]\n"
        "%% vaultlint-enable broken-link %%\n[[a4]]\n",
        [(1, 1, "broken-link"), (6, 1, "broken-link")],
    ),
    (
        "a range in HTML comments, without a rule",
        "<!-- vaultlint-disable -->\n[[a2]] #Space\n<!-- vaultlint-enable -->\n[[a4]] #Space\n",
        [(4, 1, "broken-link"), (4, 8, "tag-case")],
    ),
    (
        "a range in HTML comments, for one rule",
        "<!-- vaultlint-disable broken-link -->\n[[a2]] #Space\n"
        "<!-- vaultlint-enable broken-link -->\n[[a4]]\n",
        [(2, 8, "tag-case"), (4, 1, "broken-link")],
    ),
    (
        "a range for several rules, comma separated",
        "%% vaultlint-disable broken-link, tag-case %%\n[[a2]] #Space\n[[a3]] #Space\n"
        "%% vaultlint-enable broken-link, tag-case %%\n[[a5]] #Space\n",
        [(5, 1, "broken-link"), (5, 8, "tag-case")],
    ),
    (
        "enabling one rule of a range leaves the other silenced",
        "%% vaultlint-disable broken-link, tag-case %%\n[[a2]] #Space\n"
        "%% vaultlint-enable tag-case %%\n[[a4]] #Space\n",
        [(4, 8, "tag-case")],
    ),
    (
        "next line, HTML comment form, several rules",
        "<!-- vaultlint-disable-next-line broken-link, tag-case -->\n[[x]] #Space\n[[y]] #Space\n",
        [(3, 1, "broken-link"), (3, 7, "tag-case")],
    ),
    (
        "next line after text on the comment's line silences the next line, not its own",
        "[[x]] %% vaultlint-disable-next-line broken-link %%\n[[y]]\n[[z]]\n",
        [(1, 1, "broken-link"), (3, 1, "broken-link")],
    ),
    (
        "next line: only the line right below, not a later one after a blank line",
        "%% vaultlint-disable-next-line broken-link %%\n\n[[x]]\n",
        [(3, 1, "broken-link")],
    ),
    (
        "disable without enable runs to the end of the note",
        "[[a1]]\n%% vaultlint-disable broken-link %%\n[[a2]]\n\n\n[[a3]]\n",
        [(1, 1, "broken-link")],
    ),
    (
        "a comment shown in a code block does not count",
        "```\n%% vaultlint-disable-next-line broken-link %%\n```\n[[x]]\n",
        [(4, 1, "broken-link")],
    ),
    (
        "a working link is not affected, other notes neither",
        "%% vaultlint-disable broken-link %%\n[[b]] [[x]]\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_suppression(capsys, tmp_path, text, expected):
    assert findings(capsys, tmp_path, text) == expected


def test_a_disable_for_the_whole_note_covers_note_level_findings(capsys, tmp_path):
    config = (
        "extends: [recommended]\nrules:\n  sections:\n    check: required-sections\n"
        "    sections: [Goal]\n"
    )
    vault = write_vault(
        tmp_path / "v",
        {
            ".vaultlint.yaml": config,
            "quiet.md": "---\ntitle: x\n---\n%% vaultlint-disable sections %%\nNo goal.\n",
            "loud.md": "No goal either.\n",
        },
    )
    main(["scan", str(vault), "--no-cache", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert [(d["path"], d["line"], d["column"], d["rule"]) for d in report["diagnostics"]] == [
        ("loud.md", 1, 1, "sections")
    ]


def test_a_closed_range_does_not_silence_note_level_findings(capsys, tmp_path):
    config = "rules:\n  sections:\n    check: required-sections\n    sections: [Goal]\n"
    vault = write_vault(
        tmp_path / "v",
        {
            ".vaultlint.yaml": config,
            "a.md": "# T\n%% vaultlint-disable sections %%\nfoo\n%% vaultlint-enable sections %%\n",
        },
    )
    main(["scan", str(vault), "--no-cache", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert [(d["path"], d["line"], d["column"]) for d in report["diagnostics"]] == [("a.md", 1, 1)]
