"""The fixes of date-format (safe), encoding (mojibake, unsafe) and frontmatter (blank lines
before it, unsafe), applied by ``--fix``."""

from __future__ import annotations

import json
import re

from vaultlint.checks import encoding
from vaultlint.cli import main

from .conftest import write_vault

DATES_CONFIG = """\
rules:
  dates:
    check: date-format
    severity: warning
    fields: [created, updated, seen, when]
    formats: ['%Y-%m-%d', '%d/%m/%Y', '%B %Y']
    pattern: 'Due: (?P<date>[^ ]+)'
"""


def findings(capsys, *args: str) -> list[tuple[str, int, int, str, str]]:
    main(["scan", *args, "--no-cache", "--format", "json"])
    return [
        (d["path"], d["line"], d["column"], d["rule"], d["message"])
        for d in json.loads(capsys.readouterr().out)["diagnostics"]
    ]


def test_dates_are_respelled_in_the_first_format_when_unambiguous(capsys, tmp_path):
    note = (
        "---\r\n"
        "created: 2025-3-5\r\n"  # unpadded: fixed
        'updated: "5/3/2025"\r\n'  # another listed format, unpadded: fixed, quotes kept
        "seen: 2025-02-30\r\n"  # impossible: no fix
        "when: [2025-1-2, 14/3/2025]\r\n"  # list items, each fixed
        "---\r\n"
        "Due: 2025-7-4 and Due: March\r\n"  # the body: fixed; 'March' is no date
    )
    vault = write_vault(tmp_path / "v", {".vaultlint.yaml": DATES_CONFIG, "n.md": note})
    assert findings(capsys, str(vault)) == [
        ("n.md", 2, 10, "dates", "'2025-3-5' does not match '%Y-%m-%d': write '2025-03-05'"),
        ("n.md", 3, 10, "dates", "'5/3/2025' does not match '%d/%m/%Y': write '05/03/2025'"),
        ("n.md", 4, 7, "dates", "'2025-02-30' is not a valid date: day is out of range for month"),
        ("n.md", 5, 8, "dates", "'2025-1-2' does not match '%Y-%m-%d': write '2025-01-02'"),
        ("n.md", 5, 18, "dates", "'14/3/2025' does not match '%d/%m/%Y': write '14/03/2025'"),
        ("n.md", 7, 6, "dates", "'2025-7-4' does not match '%Y-%m-%d': write '2025-07-04'"),
        ("n.md", 7, 24, "dates", "'March' does not match any of '%Y-%m-%d', '%d/%m/%Y', '%B %Y'"),
    ]
    assert main(["scan", str(vault), "--no-cache", "--fix"]) == 0
    err = capsys.readouterr().err
    assert "fixed 5 findings in 1 note" in err
    assert (vault / "n.md").read_bytes() == (
        b"---\r\n"
        b"created: 2025-03-05\r\n"
        b'updated: "2025-03-05"\r\n'
        b"seen: 2025-02-30\r\n"
        b"when: [2025-01-02, 2025-03-14]\r\n"
        b"---\r\n"
        b"Due: 2025-07-04 and Due: March\r\n"
    )
    assert [f[1:3] for f in findings(capsys, str(vault))] == [(4, 7), (7, 26)]


def test_ambiguous_or_lossy_dates_are_reported_but_not_respelled(capsys, tmp_path):
    config = (
        "rules:\n  dates:\n    check: date-format\n    fields: [a, b]\n"
        "    formats: ['%B %Y', '%d/%m/%Y', '%m/%d/%Y']\n    prefer_first: true\n"
    )
    # a: day/month or month/day; b: '%B %Y' would drop the day
    note = "---\na: 3/4/2025\nb: 13/4/2025\n---\n"
    vault = write_vault(tmp_path / "v", {".vaultlint.yaml": config, "n.md": note})
    assert findings(capsys, str(vault)) == [
        ("n.md", 2, 4, "dates", "'3/4/2025' does not match '%d/%m/%Y': write '03/04/2025'"),
        ("n.md", 3, 4, "dates", "'13/4/2025' does not match '%d/%m/%Y': write '13/04/2025'"),
    ]
    assert main(["scan", str(vault), "--no-cache", "--diff"]) == 0
    assert capsys.readouterr().out == ""


def test_prefer_first_reports_other_listed_formats_with_a_fix(capsys, tmp_path):
    config = (
        "rules:\n  dates:\n    check: date-format\n    fields: [a, b, c]\n"
        "    formats: ['%Y-%m-%d', '%d.%m.%Y', '%m/%d/%Y', '%d/%m/%Y']\n    prefer_first: true\n"
    )
    note = "---\na: 14.03.2025\nb: '03/04/2025'\nc: 2025-03-14\n---\n"
    vault = write_vault(tmp_path / "v", {".vaultlint.yaml": config, "n.md": note})
    assert findings(capsys, str(vault)) == [
        ("n.md", 2, 4, "dates", "'14.03.2025' is not written as '%Y-%m-%d': write '2025-03-14'"),
        ("n.md", 3, 4, "dates", "'03/04/2025' is not written as '%Y-%m-%d'"),  # ambiguous
    ]
    main(["scan", str(vault), "--no-cache", "--fix"])
    capsys.readouterr()
    assert (
        vault / "n.md"
    ).read_text() == "---\na: 2025-03-14\nb: '03/04/2025'\nc: 2025-03-14\n---\n"


def test_mojibake_is_repaired_only_with_unsafe_fixes(capsys, tmp_path):
    note = "\ufeffPlanned for 2028â€“2029, the communiquÃ© said.\r\nCafé stays.\r\n"
    vault = write_vault(tmp_path / "v", {"n.md": note})
    assert [f[1:4] for f in findings(capsys, str(vault))] == [(1, 17, "mojibake")]
    fixed = "\ufeffPlanned for 2028–2029, the communiqué said.\r\nCafé stays.\r\n"
    _fixed_only_with_unsafe_fixes(capsys, vault, note, fixed)


def _fixed_only_with_unsafe_fixes(capsys, vault, note: str, fixed: str) -> None:
    """``--fix`` leaves ``n.md`` (``note``) as it is; ``--fix --unsafe-fixes`` fixes its one
    finding, writes ``fixed``, and a scan then finds nothing."""
    main(["scan", str(vault), "--no-cache", "--fix"])
    capsys.readouterr()
    assert (vault / "n.md").read_bytes() == note.encode()
    assert main(["scan", str(vault), "--no-cache", "--fix", "--unsafe-fixes"]) == 0
    assert "fixed 1 finding in 1 note" in capsys.readouterr().err
    assert (vault / "n.md").read_bytes() == fixed.encode()
    assert findings(capsys, str(vault)) == []


def test_frontmatter_below_blank_lines_is_reported_and_moved_up_only_with_unsafe_fixes(
    capsys, tmp_path
):
    config = "rules:\n  mission:\n    check: properties\n    required: [title]\n"
    note = "\ufeff \r\n\r\n---\r\ntitle: Mission\r\ntags: [space]\r\n---\r\n# Body #space\r\n"
    vault = write_vault(tmp_path / "v", {".vaultlint.yaml": config, "n.md": note})
    message = (
        "Obsidian reads no properties here: frontmatter must start on the first line, "
        "and 2 blank lines stand before this '---'"
    )
    # one finding says why: not also a missing 'title' for every properties rule
    assert findings(capsys, str(vault)) == [("n.md", 3, 1, "invalid-frontmatter", message)]
    fixed = "\ufeff---\r\ntitle: Mission\r\ntags: [space]\r\n---\r\n# Body #space\r\n"
    _fixed_only_with_unsafe_fixes(capsys, vault, note, fixed)


def test_a_thematic_break_below_a_blank_line_is_not_frontmatter(capsys, tmp_path):
    notes = {
        "a.md": "\n---\nSome text\n---\n",  # a scalar, not properties
        "b.md": "\n---\n---\n",  # empty
        "c.md": '\n---\ntitle: "unclosed\n---\n',  # not valid YAML either: no guess
        "d.md": "Text\n\n---\ntitle: x\n---\n",  # text first: a body, as Obsidian reads it
    }
    vault = write_vault(tmp_path / "v", notes)
    assert findings(capsys, str(vault)) == []


def test_mojibake_prefilter_lets_through_every_text_the_pattern_can_match():
    # Latin-1 text is searched only when it holds 'Ã' or a character of the continuation
    # class: the characters the pattern's second part needs
    continuation = re.compile(f"[{encoding._CONTINUATION}]")
    every = {chr(c) for c in range(0x110000) if continuation.match(chr(c))}
    assert set(encoding._NEEDED) == every | {"\u00c3"}
    assert set(encoding._NOT_NEEDED) == {b for b in range(256) if chr(b) not in every | {"Ã"}}
    for text, suspect in [
        ("Café résumé, naïve, São", None),
        ("Café résumé, Привет, 日本語 📅", None),
        ("Привет — 📅", None),  # an em dash (searched), after no lead character
        ("2028â€“2029", (4, 6)),
        ("communiquÃ said", (9, 11)),  # 'Ã' then a space
        ("a ã€", (2, 4)),
        ("a ã\u00a0", (2, 4)),
        ("é°", (0, 2)),
        ("°C", None),  # a continuation character without a lead before it
    ]:
        found = encoding.first_suspect(text)
        assert (None if found is None else found.span()) == suspect
        found = encoding._SUSPECT.search(text)
        assert (None if found is None else found.span()) == suspect
