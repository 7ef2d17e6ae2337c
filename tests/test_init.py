"""``vaultlint init``: the config it writes from a vault's conventions, and the scan after it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, write_vault
from vaultlint.cli import main
from vaultlint.config import load_config
from vaultlint.vault.conventions import holds

pytestmark = pytest.mark.usefixtures("plain_environment")

MISSION = (
    "---\ntags: [space]\nupdated: {updated}\nrating: {rating}\n---\n"
    "# {name}\n## Goal\nx\n## Result\ny\n"
)


def _vault(root: Path) -> Path:
    files = {
        f"Missions/M{i}.md": MISSION.format(updated=f"2025-01-0{i}", rating=i, name=f"M{i}")
        for i in range(1, 6)
    }
    files["Missions/M5.md"] = "---\ntags: [space]\nrating: 5\n---\n# M5\n## Result\ny\n## Goal\nx\n"
    files["Missions/M6.md"] = MISSION.format(updated="05/01/2025", rating="high", name="M6")
    files["Index.md"] = "# Index\n[[M1]]\n"
    return write_vault(root, files)


def test_holds_means_nearly_every_note():
    assert holds(3, 0) and holds(4, 1) and holds(8, 2)
    assert not holds(2, 0)  # too few notes to be a convention
    assert holds(3, 1)  # one note in four may break it
    assert not holds(5, 2)  # not two in seven
    assert not holds(7, 3)


def test_init_writes_the_conventions_and_the_scan_reports_the_exceptions(tmp_path, capsys):
    vault = _vault(tmp_path / "v")
    assert main(["init", "--vault", str(vault)]) == 0
    text = (vault / ".vaultlint.yaml").read_text(encoding="utf-8")
    assert "      rating: {type: number}  # 5 notes follow this, 1 do not: M6\n" in text
    assert "      updated: {type: date}  # 4 notes follow this, 1 do not: M6\n" in text
    assert '    where: {paths: ["Missions/**"]}\n    required: [rating, tags, updated]\n' in text
    assert "  #   updated: 5 notes follow this, 1 do not: M5\n" in text
    assert "    sections: [Goal, Result]\n    level: 2\n    order: true\n" in text
    assert (vault / "vaultlint-tags.txt").read_text(encoding="utf-8").endswith("space  # 6 notes\n")
    load_config(vault / ".vaultlint.yaml", vault)  # valid
    capsys.readouterr()
    assert main(["scan", str(vault), "--no-cache"]) == 0
    # paths as the text report writes them (relative to the vault, or with the vault's folder)
    out = [line.removeprefix(f"{vault.name}/") for line in capsys.readouterr().out.splitlines()]
    assert out[:-1] == [
        "Missions/M5.md:1:1: warning required-properties-missions missing required "
        "property 'updated'",
        "Missions/M5.md:6:1: warning sections-missions section 'Result' is out of "
        "order: it should come after 'Goal'",
        "Missions/M6.md:3:10: warning property-shapes 'updated': '05/01/2025' is not "
        "written YYYY-MM-DD (the rule wants date)",
        "Missions/M6.md:4:9: warning property-shapes 'rating': 'high' is not a "
        "number (the rule wants number)",
    ]


def test_init_never_overwrites_without_force(tmp_path, capsys):
    vault = _vault(tmp_path / "v")
    (vault / ".vaultlint.yaml").write_text("rules: {}\n", encoding="utf-8")
    assert main(["init", "--vault", str(vault)]) == 2
    assert "exists already; vaultlint init --force overwrites it" in capsys.readouterr().err
    assert (vault / ".vaultlint.yaml").read_text(encoding="utf-8") == "rules: {}\n"
    assert main(["init", "--vault", str(vault), "--force"]) == 0
    assert "property-shapes" in (vault / ".vaultlint.yaml").read_text(encoding="utf-8")


def test_init_on_a_vault_without_notes_is_an_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["init", "--vault", str(tmp_path / "empty")]) == 2
    assert "no notes found" in capsys.readouterr().err
    assert not (tmp_path / "empty" / ".vaultlint.yaml").exists()


def test_init_counts_the_types_of_types_json(tmp_path):
    vault = _vault(tmp_path / "v")
    write_vault(vault, {".obsidian/types.json": '{"types": {"rating": "number"}}'})
    assert main(["init", "--vault", str(vault)]) == 0
    text = (vault / ".vaultlint.yaml").read_text(encoding="utf-8")
    assert "#   rating (number): 5 notes follow this, 1 do not: M6\n" in text
    assert "rating: {type" not in text  # property-type checks it already


def test_init_names_a_broken_types_json_at_its_own_place(tmp_path, capsys, monkeypatch):
    vault = _vault(tmp_path / "v")
    write_vault(vault, {".obsidian/types.json": '{"types": {"rating": "number"}} ]'})
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--vault", "v"]) == 2
    assert capsys.readouterr().err == (
        "vaultlint: error: v/.obsidian/types.json:1:33: invalid JSON: Extra data\n"
    )
    assert not (vault / ".vaultlint.yaml").exists()


def test_init_on_the_example_vault_writes_the_readme_config(tmp_path):
    vault = tmp_path / "vault"
    shutil.copytree(REPO / "examples" / "vault", vault)
    (vault / ".vaultlint.yaml").unlink()
    assert main(["init", "--vault", str(vault)]) == 0
    written = (vault / ".vaultlint.yaml").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert written in readme, "README's `vaultlint init` example is stale"


LOG = "# Log {n}\n\n- {first}: started\n- {second}: done\n"


def test_init_writes_the_date_format_of_note_bodies_and_the_scan_reports_the_others(
    tmp_path, capsys
):
    files = {
        f"Log/L{n}.md": LOG.format(n=n, first=f"0{n}.03.2025", second=f"1{n}.03.2025")
        for n in range(1, 6)
    }
    files["Log/L5.md"] = LOG.format(n=5, first="05.03.2025", second="2025-03-15")
    files["Notes/Plain.md"] = "# Plain\nno dates here, version 1.15.11\n"
    vault = write_vault(tmp_path / "v", files)
    assert main(["init", "--vault", str(vault)]) == 0
    text = (vault / ".vaultlint.yaml").read_text(encoding="utf-8")
    assert (
        "  # Dates in note bodies:\n"
        "  #   days written %d.%m.%Y: 4 notes follow this, 1 do not: L5\n"
        "  body-dates:\n"
        "    check: date-format\n"
    ) in text
    assert '    formats: ["%d.%m.%Y"]\n' in text
    load_config(vault / ".vaultlint.yaml", vault)  # valid: the pattern reads back as written
    capsys.readouterr()
    assert main(["scan", str(vault), "--no-cache", "--select", "body-dates"]) == 0
    out = [line.removeprefix(f"{vault.name}/") for line in capsys.readouterr().out.splitlines()]
    assert out[:-1] == [
        "Log/L5.md:4:3: warning body-dates '2025-03-15' does not match '%d.%m.%Y'",
    ]


def test_init_writes_no_body_date_rule_when_notes_disagree(tmp_path):
    files = {f"A{n}.md": f"# A{n}\nOn 2025-03-0{n}.\n" for n in range(1, 4)}
    files |= {f"B{n}.md": f"# B{n}\nOn 0{n}/03/2025.\n" for n in range(1, 4)}
    vault = write_vault(tmp_path / "v", files)
    assert main(["init", "--vault", str(vault)]) == 0
    assert "date-format" not in (vault / ".vaultlint.yaml").read_text(encoding="utf-8")


def test_body_dates_are_those_the_date_format_check_would_search():
    from vaultlint.parse import parse_note
    from vaultlint.vault.date_conventions import body_dates

    text = (
        "---\ncreated: 2020-01-01\n---\n"  # a property, not the body
        "Met on 2025-03-14, again 14.03.2025 and March 14, 2025; also 14 Mar 2025.\n"
        "In March 2025 (or 2025-03, Feb 2024), for 2023-24 to 2030-31.\n"
        "See https://example.com/2025/03/14/post and v1.2.2025x, 2025-03-14T10:30, 1.15.11\n"
        '`2025-01-01` and date("2025-02-02") are code; [[2023-01-01#^quote]] is a daily note\n'
        "```\n2024-01-01\n```\n"
        "$$\n2024-01-02\n$$\n"
    )
    assert list(body_dates(parse_note("Note.md", text))) == [
        ("day", "2025-03-14"),
        ("day", "14.03.2025"),
        ("day", "March 14, 2025"),
        ("day", "14 Mar 2025"),
        ("month", "March 2025"),
        ("month", "2025-03"),
        ("month", "Feb 2024"),
        ("day", "2023-01-01"),
    ]


def test_init_writes_days_and_months_and_leaves_out_a_kind_that_disagrees(tmp_path, capsys):
    files = {f"N{n}.md": f"# N{n}\n- **March 202{n}**: on 0{n}/03/2025\n" for n in range(1, 5)}
    files["N5.md"] = "# N5\n- **2025-05**: on 05/03/2025\n"
    vault = write_vault(tmp_path / "v", files)
    assert main(["init", "--vault", str(vault)]) == 0
    text = (vault / ".vaultlint.yaml").read_text(encoding="utf-8")
    # days: %d/%m/%Y and %m/%d/%Y fit all five; the tie goes to the one listed first
    assert (
        "  #   days written %d/%m/%Y: 5 notes follow this, 0 do not\n"
        "  #   months written %B %Y: 4 notes follow this, 1 do not: N5\n"
    ) in text
    assert '    formats: ["%d/%m/%Y", "%B %Y"]\n' in text
    capsys.readouterr()
    assert main(["scan", str(vault), "--no-cache", "--select", "body-dates"]) == 0
    out = [line.removeprefix(f"{vault.name}/") for line in capsys.readouterr().out.splitlines()]
    assert out[:-1] == [
        "N5.md:2:5: warning body-dates '2025-05' does not match any of '%d/%m/%Y', '%B %Y'"
    ]

    # months that disagree: the rule finds days only (no month is reported)
    files = {f"M{n}.md": f"# M{n}\n- **2025-0{n}**: on 2025-03-0{n}\n" for n in range(1, 4)}
    files |= {f"O{n}.md": f"# O{n}\n- **March 202{n}**: on 2025-04-0{n}\n" for n in range(1, 4)}
    vault = write_vault(tmp_path / "w", files)
    assert main(["init", "--vault", str(vault)]) == 0
    text = (vault / ".vaultlint.yaml").read_text(encoding="utf-8")
    assert "  #   days written %Y-%m-%d: 6 notes follow this, 0 do not\n" in text
    assert "months written" not in text
    assert '    formats: ["%Y-%m-%d"]\n' in text
    capsys.readouterr()
    assert main(["scan", str(vault), "--no-cache", "--select", "body-dates"]) == 0
    assert capsys.readouterr().out.startswith("No problems found")


def test_init_takes_a_folder_of_the_vault_as_scan_takes_a_path(tmp_path, capsys, monkeypatch):
    """``vaultlint init v`` is what a newcomer types (it was 'unrecognized arguments'); a
    folder inside the vault finds the vault; a DIR that is no folder writes nothing."""
    vault = _vault(tmp_path / "v")
    (vault / ".obsidian").mkdir()  # (what marks the vault's root above the folder)
    monkeypatch.chdir(tmp_path)
    assert main(["init", "v/Missions"]) == 0
    assert (vault / ".vaultlint.yaml").is_file()
    assert not (vault / "Missions" / ".vaultlint.yaml").exists()
    capsys.readouterr()
    assert main(["init", "nowhere", "--force"]) == 2
    assert capsys.readouterr().err == (
        "vaultlint: error: nowhere: not a folder (vaultlint init [DIR] writes the vault's)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v"]
