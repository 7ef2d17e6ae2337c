"""Broken links say what they probably meant, and carry that change as a fix."""

from __future__ import annotations

from pathlib import Path

from tests.test_rule_cases import run_check
from vaultlint.fix import apply_edits
from vaultlint.vault.names import STAND_OUT_MARGIN, STAND_OUT_SCORE, stand_out


def _fixed(text: str, diag) -> str:
    assert diag.fix is not None
    return apply_edits(text, diag.fix.edits)


def test_stand_out_needs_a_score_and_a_margin() -> None:
    assert (STAND_OUT_SCORE, STAND_OUT_MARGIN) == (85.0, 8.0)
    assert stand_out("gaganyan", ["gaganyaan", "artemis accords"]) == 0
    assert stand_out("report 2023", ["report 2024", "report 2022"]) is None  # a tie
    assert stand_out("japan", ["2023 japan trip"]) is None  # too far
    assert stand_out("", ["a"]) is None
    assert stand_out("a", []) is None


def test_near_note_name_is_an_unsafe_fix_that_keeps_the_rest_of_the_link(tmp_path: Path) -> None:
    text = "See [[Gaganyan#Crew|the mission]] and [x](Gaganyan.md#Crew).\n"
    files = {"Note.md": text, "Gaganyaan.md": "# Crew\n"}
    found = run_check("links", files, {}, tmp_path)
    assert [(d.line, d.column, d.message) for d in found] == [
        (1, 5, "link target 'Gaganyan' does not exist; did you mean 'Gaganyaan'?"),
        (1, 39, "link target 'Gaganyan.md' does not exist; did you mean 'Gaganyaan'?"),
    ]
    assert [d.fix.applicability for d in found] == ["unsafe", "unsafe"]  # type: ignore[union-attr]
    assert found[0].fix.message == "write [[Gaganyaan#Crew|the mission]]"  # type: ignore[union-attr]
    assert _fixed(text, found[0]) == (
        "See [[Gaganyaan#Crew|the mission]] and [x](Gaganyan.md#Crew).\n"
    )
    assert (
        _fixed(text, found[1]) == "See [[Gaganyan#Crew|the mission]] and [x](Gaganyaan.md#Crew).\n"
    )


def test_alias_fix_is_safe_for_one_owner_and_keeps_a_table_pipe(tmp_path: Path) -> None:
    text = "| a | [[Crew Vehicle\\|the ship]] |\n[[Crew Vehicle]]\n"
    files = {"Note.md": text, "Schemes/Gaganyaan.md": "---\naliases: [Crew Vehicle]\n---\n"}
    found = run_check("links", files, {}, tmp_path)
    assert [d.fix.applicability for d in found] == ["safe", "safe"]  # type: ignore[union-attr]
    assert _fixed(text, found[0]) == "| a | [[Gaganyaan\\|the ship]] |\n[[Crew Vehicle]]\n"
    assert _fixed(text, found[1]) == (
        "| a | [[Crew Vehicle\\|the ship]] |\n[[Gaganyaan|Crew Vehicle]]\n"
    )


def test_alias_of_several_notes_has_no_fix(tmp_path: Path) -> None:
    files = {
        "Note.md": "[[AI]]\n",
        "A.md": "---\naliases: [AI]\n---\n",
        "B.md": "---\naliases: [ai]\n---\n",
    }
    (diag,) = run_check("links", files, {}, tmp_path)
    assert diag.fix is None


def test_alias_link_text_uses_the_path_when_the_name_is_taken(tmp_path: Path) -> None:
    files = {
        "Note.md": "[[Crew Vehicle]]\n",
        "Schemes/Gaganyaan.md": "---\naliases: [Crew Vehicle]\n---\n",
        "Gaganyaan.md": "x\n",
    }
    (diag,) = run_check("links", files, {}, tmp_path)
    assert diag.message.endswith("write [[Schemes/Gaganyaan|Crew Vehicle]]")


def test_near_heading_fix_and_self_link_fix(tmp_path: Path) -> None:
    text = "[[Plan#Divide up the jinja templates]]\n"
    files = {"Note.md": text, "Plan.md": "## Divide up the author [[jinja]] template\n"}
    (diag,) = run_check("links", files, {}, tmp_path)
    assert diag.fix.applicability == "unsafe"  # type: ignore[union-attr]
    assert _fixed(text, diag) == "[[Plan#Divide up the author jinja template]]\n"

    text = "x\n![[BookFusion#Sponsor this author]]\n"
    files = {"Plugins/bookfusion.md": text, "People/BookFusion.md": "## Sponsor this author\n"}
    (diag,) = run_check("links", files, {}, tmp_path / "b", "Plugins/bookfusion.md")
    assert _fixed(text, diag) == "x\n![[People/BookFusion#Sponsor this author]]\n"


def test_frontmatter_link_fix_replaces_only_the_link(tmp_path: Path) -> None:
    text = '---\nrelated: "[[Gaganyan]]"\n---\n'
    files = {"Note.md": text, "Gaganyaan.md": "x\n"}
    (diag,) = run_check("links", files, {}, tmp_path)
    assert (diag.line, diag.column, diag.end_column) == (2, 11, 23)
    assert _fixed(text, diag) == '---\nrelated: "[[Gaganyaan]]"\n---\n'


def test_markdown_link_with_a_title_gets_no_fix(tmp_path: Path) -> None:
    files = {"Note.md": '[x](Gaganyan.md "title")\n', "Gaganyaan.md": "x\n"}
    (diag,) = run_check("links", files, {}, tmp_path)
    assert diag.message.endswith("did you mean 'Gaganyaan'?")
    assert diag.fix is None


def test_missing_notes_takes_its_own_severity(tmp_path: Path) -> None:
    files = {"Note.md": "[[Japan]] ![[photo.png]]\n"}
    found = run_check("links", files, {"missing_notes": "info"}, tmp_path)
    assert [(d.column, d.severity) for d in found] == [(1, "info"), (11, "warning")]
