"""--statistics groups findings by message, by target and by folder at any depth."""

from __future__ import annotations

from pathlib import Path

from vaultlint.cli import main
from vaultlint.report.audit import message_group


def test_message_group_drops_where_and_suggestion() -> None:
    assert message_group("heading 'Sponsor this author' does not exist in 'People/ben'") == (
        "heading 'Sponsor this author' does not exist"
    )
    assert message_group(
        "heading 'X' does not exist in this note ('B' resolves to this note, not to 'P/B')"
    ) == ("heading 'X' does not exist")
    assert message_group("link target 'Gaganyan' does not exist; did you mean 'Gaganyaan'?") == (
        "link target 'Gaganyan' does not exist"
    )


def test_statistics_tables(tmp_path: Path, plain_environment: None, capfd) -> None:
    vault = tmp_path / "v"
    (vault / "A" / "B").mkdir(parents=True)
    (vault / "ben.md").write_text("# ben\n", encoding="utf-8")
    for i in range(3):
        (vault / "A" / "B" / f"p{i}.md").write_text(
            "[[ben#Sponsor this author]] [[Gone]]\n", encoding="utf-8"
        )
    (vault / "A" / "q.md").write_text(
        "%% vaultlint-disable-next-line broken-link %%\n[[ben#Sponsor this author]]\n",
        encoding="utf-8",
    )
    assert main(["scan", str(vault), "--no-cache", "--statistics"]) == 1
    captured = capfd.readouterr()
    text = captured.out + captured.err  # the audit follows the report
    # the suppressed link in A/q.md is not counted
    assert (
        "Findings by folder, any depth\n  folder  findings\n  ------  --------\n"
        "  A              6\n  A/B            6\n"
    ) in text
    assert "  broken-link: heading 'Sponsor this author' does not exist         3\n" in text
    assert "  broken-link: link target 'Gone' does not exist                    3\n" in text
    assert "  Gone                    3      3\n" in text


def test_the_audit_head_counts_one_note_in_the_singular(
    tmp_path: Path, plain_environment: None, capfd
) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "only.md").write_text("[[Gone]]\n", encoding="utf-8")
    assert main(["scan", str(vault), "--no-cache", "--statistics"]) == 1
    captured = capfd.readouterr()
    text = captured.out + captured.err
    assert "Audit of 1 note (1 parsed, 0 from cache)\n" in text
    (vault / "two.md").write_text("# two\n", encoding="utf-8")
    assert main(["scan", str(vault), "--no-cache", "--statistics"]) == 1
    captured = capfd.readouterr()
    assert "Audit of 2 notes (2 parsed, 0 from cache)\n" in captured.out + captured.err
