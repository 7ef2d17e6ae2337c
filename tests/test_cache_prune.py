"""Stale state is removed when a run creates the current state database (``lint/cache.py``,
``prune_stale``): older versions' databases and vaultlint 0.1's pickles, in that vault's cache
folder only; a name of no known pattern, a folder, a symbolic link and a newer version's
database stay; a file that cannot be removed stays and the run still succeeds; the warm path
and every later run remove nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from vaultlint import PARSER_VERSION, __version__
from vaultlint.cli import main
from vaultlint.lint.cache import CACHE_ENV, prune_stale, stale_files, vault_folder_name
from vaultlint.lint.store import DB_NAME

from .conftest import write_vault

VAULT = {
    ".obsidian/app.json": "{}",
    "a.md": "# A\n\nSee [[b]] and [[c]].\n",
    "b.md": "# B\n",
}
#: what a scan of VAULT reports (exit code 1: a finding)
FINDINGS = [("a.md", 3, 15, "broken-link", "link target 'c' does not exist")]

OLDER_SAME_VERSION = f"state-{__version__}-p{PARSER_VERSION - 1}-k99.sqlite"
#: the names of stale state (and the files they stand beside), as a vault's folder may hold them
STALE = [
    "state-0.0.1-p3.sqlite",  # the first 0.2 development name, without a store number
    "state-0.0.1-p3.sqlite-wal",
    "state-0.0.1-p3.sqlite-shm",
    "state-0.0.1-p3.sqlite-journal",
    OLDER_SAME_VERSION,
    f"{OLDER_SAME_VERSION}-wal",
    "state-not-a-version.sqlite",  # a state-*.sqlite of no version a vaultlint gives
    "notes-0.1.0-p5-0.pickle",
    "notes-0.1.0-p6-7.pickle",
    "summaries-0.1.0-p5.pickle",
    "results-0.1.0.pickle",
    "run-facts.pickle",
    ".tmp-k2_x9a0b.pickle",  # 0.1's temporary file of a write that was interrupted
]
#: names that stay: a newer version's state, names of no pattern, the run's own files
KEPT = [
    "state-99.0-p1-k1.sqlite",
    "state-99.0-p1-k1.sqlite-wal",
    "notes.pickle",
    "results-0.1.0.pickle.bak",
    "state-0.0.1-p3.db",
    "summaries-0.1.0.pickle",
    "readme.txt",
    "config.bin",
    ".config.bin-0123456789abcdef",
    DB_NAME,
    f"{DB_NAME}-wal",
    f"{DB_NAME}-shm",
]


def cache_of(vault: Path) -> Path:
    return Path(os.environ[CACHE_ENV]) / "vaults" / vault_folder_name(vault)


def scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[tuple]]:
    code = main(["scan", *args, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    found = [
        (d["path"], d["line"], d["column"], d["rule"], d["message"]) for d in report["diagnostics"]
    ]
    return code, found


def listing(folder: Path) -> list[str]:
    """The names in ``folder``, but the current state's WAL files (SQLite makes and removes
    them as connections come and go)."""
    wal = {f"{DB_NAME}-wal", f"{DB_NAME}-shm"}
    return sorted(p.name for p in folder.iterdir() if p.name not in wal)


def plant(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"stale " + name.encode())


def test_the_stale_names_are_exactly_the_patterns():
    assert stale_files(sorted([*STALE, *KEPT]), DB_NAME) == sorted(STALE)
    # another current name: the newer one is stale only for a vaultlint newer still
    assert stale_files(["state-99.0-p1-k1.sqlite"], "state-99.0-p2-k1.sqlite") == [
        "state-99.0-p1-k1.sqlite"
    ]
    assert stale_files(["state-99.0-p1-k1.sqlite"], "state-99.0-p1-k0.sqlite") == []


@pytest.mark.parametrize(
    ("theirs", "ours", "stale"),
    [
        ("0.2.0", "0.2.1", True),
        ("0.2.1", "0.2.0", False),
        ("0.10.0", "0.9.0", False),  # by number, not by text
        ("1.0", "1.0.0", False),  # the same version: then by parser version
        ("0.3.0rc1", "0.3.0", True),
        ("0.3.0", "0.3.0rc1", False),
        ("0.3.0.dev2", "0.3.0a1", True),
        ("0.3.0a1", "0.3.0b1", True),
        ("0.3.0.post1", "0.3.0", False),
        ("0.3.0", "0.3.0.post1", True),
        ("1!0.1", "0.2", True),  # an epoch: no version this reads, so not known to be newer
    ],
)
def test_versions_are_ordered_as_pep_440_orders_them(theirs, ours, stale):
    found = stale_files([f"state-{theirs}-p5-k1.sqlite"], f"state-{ours}-p5-k1.sqlite")
    assert found == ([f"state-{theirs}-p5-k1.sqlite"] if stale else [])


def test_the_first_run_removes_stale_state_and_nothing_else(capsys, tmp_path):
    vault = write_vault(tmp_path / "v", VAULT)
    folder = cache_of(vault)
    plant(folder, [*STALE, "state-99.0-p1-k1.sqlite", "notes.pickle", "readme.txt"])
    (folder / "old").mkdir()  # a folder stays, even named like nothing of ours
    (folder / "old" / "results-0.1.0.pickle").write_bytes(b"in a subfolder")
    # a symbolic link named like a stale pickle: neither followed nor removed
    target = tmp_path / "elsewhere.pickle"
    target.write_bytes(b"not the cache's")
    (folder / "summaries-0.1.0-p4.pickle").symlink_to(target)
    # a link to a folder named like a state database: its files are not listed
    (tmp_path / "linked").mkdir()
    (tmp_path / "linked" / "run-facts.pickle").write_bytes(b"x")
    (folder / "state-0.0.2-p1.sqlite").symlink_to(tmp_path / "linked")
    # another vault's folder and the cache root: not this vault's, never looked at
    other = cache_of(tmp_path / "other")
    plant(other, ["results-0.1.0.pickle", "state-0.0.1-p3.sqlite"])
    plant(folder.parents[1], ["run-facts.pickle"])

    assert scan(capsys, str(vault)) == (1, FINDINGS)
    assert listing(other) == ["results-0.1.0.pickle", "state-0.0.1-p3.sqlite"]
    assert (folder.parents[1] / "run-facts.pickle").exists()

    assert listing(folder) == sorted(
        [
            DB_NAME,
            "config.bin",
            "notes.pickle",
            "old",
            "readme.txt",
            "state-0.0.2-p1.sqlite",
            "state-99.0-p1-k1.sqlite",
            "summaries-0.1.0-p4.pickle",
        ]
    )
    assert listing(folder / "old") == ["results-0.1.0.pickle"]
    assert (folder / "summaries-0.1.0-p4.pickle").is_symlink()
    assert target.read_bytes() == b"not the cache's"
    assert listing(tmp_path / "linked") == ["run-facts.pickle"]
    # the state just made is the one in use
    assert scan(capsys, str(vault)) == (1, FINDINGS)


def test_later_runs_and_the_warm_path_remove_nothing(capsys, tmp_path):
    vault = write_vault(tmp_path / "v", VAULT)
    assert scan(capsys, str(vault)) == (1, FINDINGS)  # makes the state
    folder = cache_of(vault)
    plant(folder, STALE)
    before = listing(folder)
    assert scan(capsys, str(vault)) == (1, FINDINGS)  # the warm path: nothing changed
    assert listing(folder) == before
    (vault / "c.md").write_text("# C\n", encoding="utf-8")  # a run that writes the state
    assert scan(capsys, str(vault)) == (0, [])
    assert listing(folder) == before
    assert scan(capsys, str(vault), "--no-cache") == (0, [])
    assert listing(folder) == before


def test_a_file_that_cannot_be_removed_stays_and_the_run_succeeds(capsys, tmp_path):
    """A non-empty folder named like stale state: unlink fails on it (as it would on a file
    in use on Windows or in a folder without write permission), whoever runs the test."""
    vault = write_vault(tmp_path / "v", VAULT)
    folder = cache_of(vault)
    plant(folder, ["results-0.1.0.pickle", "state-0.0.1-p3.sqlite"])
    (folder / "notes-0.1.0-p5-0.pickle").mkdir()
    (folder / "notes-0.1.0-p5-0.pickle" / "x").write_bytes(b"x")
    (folder / "state-0.0.1-p3.sqlite-wal").mkdir()
    assert scan(capsys, str(vault)) == (1, FINDINGS)
    assert listing(folder) == sorted(
        [DB_NAME, "config.bin", "notes-0.1.0-p5-0.pickle", "state-0.0.1-p3.sqlite-wal"]
    )
    assert listing(folder / "notes-0.1.0-p5-0.pickle") == ["x"]


def test_prune_stale_reports_what_it_removed_and_ignores_a_missing_folder(tmp_path):
    folder = tmp_path / "f"
    assert prune_stale(folder, DB_NAME) == []
    plant(folder, ["run-facts.pickle", "results-0.1.0.pickle", "readme.txt", DB_NAME])
    assert prune_stale(folder, DB_NAME) == ["results-0.1.0.pickle", "run-facts.pickle"]
    assert listing(folder) == sorted([DB_NAME, "readme.txt"])
    assert prune_stale(folder, DB_NAME) == []
