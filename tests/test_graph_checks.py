"""The graph checks report on the right files."""

from __future__ import annotations

from pathlib import Path

from tests.test_rule_cases import run_check


def test_unused_attachments_are_reported_on_their_own_paths(tmp_path: Path) -> None:
    files = {
        "Note.md": "![[used.png]] [doc](manual.pdf)\n",
        "img/used.png": "",
        "img/old.png": "",
        "manual.pdf": "",
        "media/unused.mp3": "",
        "notes.txt": "",
    }
    found = run_check("unused-attachments", files, {}, tmp_path)
    assert [(d.path, d.line, d.column) for d in found] == [
        ("img/old.png", 1, 1),
        ("media/unused.mp3", 1, 1),
    ]


def test_orphans_exempted_by_where(tmp_path: Path) -> None:
    from vaultlint.cli import main

    (tmp_path / "Daily").mkdir()
    (tmp_path / "Daily" / "2024-01-01.md").write_text("[[Plan]]\n", encoding="utf-8")
    (tmp_path / "Plan.md").write_text("x\n", encoding="utf-8")
    (tmp_path / "Lost.md").write_text("x\n", encoding="utf-8")
    (tmp_path / ".vaultlint.yaml").write_text(
        "rules:\n  orphan-note:\n    check: orphans\n    severity: error\n"
        "    where: {exclude: ['Daily/**']}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.txt"
    assert main(["scan", str(tmp_path), "--no-cache", "--output", str(out)]) == 1
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line.split(": ", 1)[1] for line in lines[:-1]] == [
        "error orphan-note no other note, property or canvas links to this note"
    ]
    assert lines[0].endswith(
        "Lost.md:1:1: error orphan-note no other note, property or canvas links to this note"
    )
