"""``--fix`` applies safe fixes only, changes nothing else in the file, and converges."""

from __future__ import annotations

import hashlib
import json

from vaultlint.cli import main

from .conftest import write_vault

CRLF_NOTE = '---\r\ntags:\r\n  - Space\r\n  - "#Review"\r\n---\r\n# Note\r\n#Space and #space\r\n'


def findings(capsys, vault) -> list[tuple[str, int, int, str]]:
    main(["scan", str(vault), "--no-cache", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    return [(d["path"], d["line"], d["column"], d["rule"]) for d in report["diagnostics"]]


def test_fix_respells_tags_and_keeps_every_other_byte(capsys, tmp_path):
    vault = write_vault(
        tmp_path / "v",
        {
            ".obsidian/app.json": "{}",
            "a.md": "\ufeff" + CRLF_NOTE,  # a BOM and CRLF line endings must survive
            "b.md": "#space #review [[gone]]\n",
            "c.md": "#space #review\n",
            "d.md": "Planned for 2028â€“2029\n",  # mojibake: its fix is unsafe, never applied
        },
    )
    before_d = (vault / "d.md").read_bytes()
    assert findings(capsys, vault) == [
        ("a.md", 3, 5, "tag-case"),
        ("a.md", 4, 5, "tag-case"),
        ("a.md", 7, 1, "tag-case"),
        ("b.md", 1, 16, "broken-link"),
        ("d.md", 1, 17, "mojibake"),
    ]
    code = main(["scan", str(vault), "--no-cache", "--fix"])
    out, err = capsys.readouterr()
    assert "fixed 3 finding(s)" in err
    assert "a.md" not in out  # the fixed findings are not reported
    assert "b.md:1:16: error broken-link" in out
    assert code == 1  # the broken link is still an error
    expected = "\ufeff" + CRLF_NOTE.replace("- Space", "- space").replace(
        '"#Review"', '"#review"'
    ).replace("#Space and", "#space and")
    assert (vault / "a.md").read_bytes() == expected.encode("utf-8")
    assert (vault / "d.md").read_bytes() == before_d
    assert findings(capsys, vault) == [("b.md", 1, 16, "broken-link"), ("d.md", 1, 17, "mojibake")]
    # applied twice, a fix changes nothing more
    digest = hashlib.sha256((vault / "a.md").read_bytes()).hexdigest()
    main(["scan", str(vault), "--no-cache", "--fix"])
    capsys.readouterr()
    assert hashlib.sha256((vault / "a.md").read_bytes()).hexdigest() == digest


def test_without_fix_nothing_is_written(capsys, tmp_path):
    vault = write_vault(
        tmp_path / "v", {"a.md": "#Space\n", "b.md": "#space\n", "c.md": "#space\n"}
    )
    before = {p.name: p.read_bytes() for p in vault.glob("*.md")}
    main(["scan", str(vault), "--no-cache"])
    capsys.readouterr()
    assert {p.name: p.read_bytes() for p in vault.glob("*.md")} == before
