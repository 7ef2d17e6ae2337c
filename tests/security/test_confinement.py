"""Issue 10, rows 1, 4 and 7: nothing outside the vault is read or written because of it.

A symbolic link that leaves the vault (to a file, to a folder, to ``/``, to ``/proc``) is not
part of the vault: it is named once by an ``info`` finding (``outside-vault``), never followed,
never read. Symbolic links that stay inside the vault keep working as before.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .harness import run_limited, tree_state

OUTSIDE = "a symbolic link that leads outside the vault: not followed, not read"
SECRET = "AUTHORIZATION: basic c2VjcmV0LXRva2Vu"
# a rule whose pattern captures whole lines: any line it reads would be printed in a finding
LEAKY_CONFIG = """\
extends: [recommended]
rules:
  leaky:
    check: date-format
    fields: []
    pattern: "(?P<date>.+)"
"""


def _findings(stdout: str) -> list[tuple]:
    report = json.loads(stdout)
    return [
        (d["path"], d["line"], d["column"], d["rule"], d["severity"], d["message"])
        for d in report["diagnostics"]
    ]


def _outside_vault(tmp_path: Path) -> tuple[Path, Path]:
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    vault.mkdir()
    outside.mkdir()
    (outside / "config").write_text(f"[http]\n\t{SECRET}\n", encoding="utf-8")
    (outside / "folder").mkdir()
    (outside / "folder" / "Other.md").write_text(f"{SECRET}\n[[Nowhere]]\n", encoding="utf-8")
    (vault / ".vaultlint.yaml").write_text(LEAKY_CONFIG, encoding="utf-8")
    (vault / "Home.md").write_text("[[Leak]] [[Other]] [[Inside]]\n", encoding="utf-8")
    (vault / "sub").mkdir()
    (vault / "sub" / "Real.md").write_text("# Real\n", encoding="utf-8")
    os.symlink(outside / "config", vault / "Leak.md")  # row 1: ../.git/config as a note
    os.symlink("../outside/folder", vault / "ext")  # a folder outside, relative
    os.symlink("sub/Real.md", vault / "Inside.md")  # inside → inside: a note as before
    return vault, outside


def test_a_note_linked_outside_the_vault_is_never_read(tmp_path: Path) -> None:
    vault, outside = _outside_vault(tmp_path)
    before = tree_state(vault, outside)
    run = run_limited(["scan", str(vault), "--format", "json"], timeout=60)
    assert SECRET not in run.stdout + run.stderr
    assert "c2VjcmV0" not in run.stdout + run.stderr
    assert run.stderr == ""
    assert run.code == 1  # the broken links [[Leak]] and [[Other]]
    real = "'# Real' does not match '%Y-%m-%d'"
    assert _findings(run.stdout) == [
        ("Home.md", 1, 1, "broken-link", "error", "link target 'Leak' does not exist"),
        (
            "Home.md",
            1,
            1,
            "leaky",
            "warning",
            "'[[Leak]] [[Other]] [[Inside]]' does not match '%Y-%m-%d'",
        ),
        ("Home.md", 1, 10, "broken-link", "error", "link target 'Other' does not exist"),
        # the symbolic link that stays inside the vault is a note, as before
        ("Inside.md", 1, 1, "leaky", "warning", real),
        ("Leak.md", 1, 1, "outside-vault", "info", OUTSIDE),
        ("ext", 1, 1, "outside-vault", "info", OUTSIDE),
        ("sub/Real.md", 1, 1, "leaky", "warning", real),
    ]
    assert json.loads(run.stdout)["summary"]["notes"] == 3
    assert tree_state(vault, outside) == before


def test_paths_naming_a_link_out_report_it_and_nothing_else(tmp_path: Path) -> None:
    vault, _outside = _outside_vault(tmp_path)
    run = run_limited(
        ["scan", "--vault", str(vault), str(vault / "Leak.md"), "--format", "json"], timeout=60
    )
    assert SECRET not in run.stdout + run.stderr
    assert run.code == 0
    assert _findings(run.stdout) == [("Leak.md", 1, 1, "outside-vault", "info", OUTSIDE)]


def test_links_to_the_root_and_proc_terminate(tmp_path: Path) -> None:
    """Row 4: a symlink to ``/`` or ``/proc`` never made the walk follow the whole disk."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Note.md").write_text("# Note\n", encoding="utf-8")
    os.symlink("/", vault / "root")
    os.symlink("/proc", vault / "proc")
    os.symlink("/proc/self/environ", vault / "env.md")
    os.symlink("/dev/zero", vault / "zero.md")
    before = tree_state(vault)
    run = run_limited(["scan", str(vault), "--format", "json"], timeout=60, cpu_s=30)
    assert (run.code, run.stderr) == (0, "")
    assert _findings(run.stdout) == [
        ("env.md", 1, 1, "outside-vault", "info", OUTSIDE),
        ("proc", 1, 1, "outside-vault", "info", OUTSIDE),
        ("root", 1, 1, "outside-vault", "info", OUTSIDE),
        ("zero.md", 1, 1, "outside-vault", "info", OUTSIDE),
    ]
    assert json.loads(run.stdout)["summary"]["notes"] == 1
    assert tree_state(vault) == before


def test_a_vault_under_a_symlinked_path_still_sees_its_own_links(tmp_path: Path) -> None:
    """The vault itself reached through a symbolic link: links inside it stay inside."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.md").write_text("[[b]]\n", encoding="utf-8")
    (real / "sub").mkdir()
    (real / "sub" / "b.md").write_text("# B\n", encoding="utf-8")
    os.symlink("sub/b.md", real / "c.md")
    os.symlink(real, tmp_path / "alias")
    run = run_limited(["scan", str(tmp_path / "alias"), "--format", "json"], timeout=60)
    assert (run.code, _findings(run.stdout)) == (0, [])
    assert json.loads(run.stdout)["summary"]["notes"] == 3


def test_obsidian_settings_linked_outside_are_not_read(tmp_path: Path) -> None:
    """``.obsidian`` (or its app.json) linked outside the vault is not read: its excluded
    files do not apply."""
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    vault.mkdir()
    outside.mkdir()
    (outside / "app.json").write_text('{"userIgnoreFilters": ["drafts/"]}', encoding="utf-8")
    (vault / "drafts").mkdir()
    (vault / "drafts" / "d.md").write_text("[[Missing]]\n", encoding="utf-8")
    os.symlink(outside, vault / ".obsidian")
    run = run_limited(["scan", str(vault), "--format", "json"], timeout=60)
    assert (run.code, run.stderr) == (1, "")
    assert _findings(run.stdout) == [
        ("drafts/d.md", 1, 1, "broken-link", "error", "link target 'Missing' does not exist")
    ]
