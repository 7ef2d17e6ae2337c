"""``vaultlint scan --changed-since REF`` (CI) and ``--pre-commit`` outside pre-commit: what a
git diff changes in the vault, plus the notes whose links its removals and renames break.
Run in-process (``main([...])``) on git repositories made in ``tmp_path``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from vaultlint.cli import main

NOTES = {
    "a.md": "# A\n\nSee [[b]] and [[c]].\n\nA [[missing]] link.\n",
    "b.md": "# B\n\n[[a]] and [[c]]\n",
    "c.md": "# C\n\n[[a]], [[b]] and [[ghost]]\n",
    "e.md": "# E\n\n[[a]]\n",
}
_GIT_LOCATION = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is not installed: these tests need it")
    for name in _GIT_LOCATION:
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    for name, text in NOTES.items():
        (root / name).write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    commit(root, "a vault")
    monkeypatch.chdir(root)
    return root


def git(root: Path, *args: str) -> None:
    argv = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    argv += ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", *args]
    done = subprocess.run(argv, cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--no-cache"])
    out, err = capsys.readouterr()
    return code, out, err


def test_changed_since_reports_the_notes_a_removal_breaks(repo, capsys):
    git(repo, "rm", "-q", "b.md")
    commit(repo, "drop b")
    code, out, _ = run(capsys, "scan", "--changed-since", "HEAD~1")
    assert code == 1
    assert out == (
        "a.md:3:5: error broken-link link target 'b' does not exist\n"
        "c.md:3:8: error broken-link link target 'b' does not exist\n"
        "Found 2 errors in 2 notes.\n"
    )


def test_changed_since_lints_the_changed_notes_in_full(repo, capsys):
    (repo / "e.md").write_text("# E\n\n[[nowhere]]\n", encoding="utf-8")
    commit(repo, "edit e")
    code, out, _ = run(capsys, "scan", "--changed-since", "HEAD~1")
    assert code == 1
    assert out == (
        "e.md:3:1: error broken-link link target 'nowhere' does not exist\n"
        "Found 1 error in 1 note.\n"
    )


def test_changed_since_a_rename_breaks_the_links_to_the_old_name(repo, capsys):
    git(repo, "mv", "c.md", "sub-c.md")
    code, out, _ = run(capsys, "scan", "--changed-since", "HEAD")  # the working tree, uncommitted
    assert code == 1
    assert out == (
        "a.md:3:15: error broken-link link target 'c' does not exist\n"
        "b.md:3:11: error broken-link link target 'c' does not exist\n"
        # the renamed note is a changed note: linted in full (its old [[ghost]] link too)
        "sub-c.md:3:18: error broken-link link target 'ghost' does not exist\n"
        "Found 3 errors in 3 notes.\n"
    )


def test_changed_since_with_nothing_changed_passes_without_linting(repo, capsys):
    code, out, _ = run(capsys, "scan", "--changed-since", "HEAD")
    assert (code, out) == (0, "No notes to check: no note changed since HEAD.\n")


def test_changed_since_removing_an_unlinked_note_passes(repo, capsys):
    git(repo, "rm", "-q", "e.md")
    code, out, _ = run(capsys, "scan", "--changed-since", "HEAD")
    assert code == 0
    assert out == "No notes to check: no note links to what the change since HEAD removes.\n"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("nosuch", "vaultlint: error: git diff nosuch: fatal: bad revision 'nosuch'\n"),
        ("--output=x", "vaultlint: error: --changed-since '--output=x': not a git revision\n"),
    ],
)
def test_changed_since_a_bad_revision_is_exit_2(repo, capsys, ref, message):
    code, out, err = run(capsys, "scan", f"--changed-since={ref}")
    assert (code, out, err) == (2, "", message)
    assert not (repo / "x").exists()


def test_changed_since_outside_git_is_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "v" / ".obsidian").mkdir(parents=True)
    (tmp_path / "v" / "a.md").write_text("# A\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "v")
    code, out, err = run(capsys, "scan", "--changed-since", "HEAD")
    assert (code, out, err) == (
        2,
        "",
        "vaultlint: error: --changed-since: not in a git repository\n",
    )


def test_pre_commit_option_like_names_are_paths(repo, capsys):
    (repo / "README.md").write_text("# Read me\n", encoding="utf-8")
    (repo / "--output=README.md").write_text("# Out\n\n[[nowhere]]\n", encoding="utf-8")
    code, out, _ = run(capsys, "scan", "--pre-commit", "--output=README.md")
    assert code == 1
    assert out == (
        "--output=README.md:3:1: error broken-link link target 'nowhere' does not exist\n"
        "Found 1 error in 1 note.\n"
    )
    assert (repo / "README.md").read_text(encoding="utf-8") == "# Read me\n"
    assert os.path.exists("--output=README.md")


def test_changed_since_names_a_skipped_note_as_the_user_would_type_it(repo, capsys):
    """A changed note the scan skips (here: in Obsidian's templates folder) is named in the
    warning relative to the current folder, as `--pre-commit` names it (it was absolute)."""
    (repo / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}\n')
    (repo / "Templates").mkdir()
    (repo / "Templates" / "Daily.md").write_text("[[nowhere]]\n", encoding="utf-8")
    commit(repo, "a template")
    code, out, err = run(capsys, "scan", "--changed-since", "HEAD~1")
    assert (code, out) == (0, "No problems found in 0 notes.\n")  # (the template is no note)
    warnings = [line for line in err.splitlines() if "Daily.md" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("vaultlint: warning: Templates/Daily.md: skipped")
    assert str(repo) not in err
