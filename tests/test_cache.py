"""The caches are invisible: a warm run reports exactly what a cold run reports, whatever
changed in between, and a corrupt, foreign or concurrently written cache is never trusted."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import sqlite3
from pathlib import Path

import pytest

from vaultlint.cli import main
from vaultlint.config import load_config
from vaultlint.lint import batch as engine
from vaultlint.lint.cache import CACHE_ENV, vault_folder_name
from vaultlint.lint.store import DB_NAME

from .conftest import write_vault

VAULT = {
    ".obsidian/app.json": "{}",
    "a.md": "# A\n\nSee [[b]] and [[b#Part]] and [[c]].\n#Space\n",
    "b.md": "# B\n\n## Part\n\nText ^blk\n#space\n",
    "sub/d.md": "[[a#A]] [[b#^blk]] [[missing]] #space\n",
}


def scan(capsys: pytest.CaptureFixture[str], *args: str) -> list[tuple]:
    main(["scan", *args, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    return [
        (d["path"], d["line"], d["column"], d["rule"], d["message"]) for d in report["diagnostics"]
    ]


def cache_of(vault: Path) -> Path:
    """The vault's cache folder, in the test's private cache root (see conftest.py)."""
    return Path(os.environ[CACHE_ENV]) / "vaults" / vault_folder_name(vault)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "v", VAULT)


def cold(capsys, vault: Path) -> list[tuple]:
    return scan(capsys, str(vault), "--no-cache")


def test_warm_equals_cold_and_the_cache_is_marked(capsys, vault):
    expected = cold(capsys, vault)
    assert expected  # the vault has findings
    assert not cache_of(vault).exists()  # --no-cache writes nothing
    assert scan(capsys, str(vault)) == expected  # writes the cache
    assert scan(capsys, str(vault)) == expected  # reads it
    # nothing in the vault; in the cache folder, the state database (and its WAL files) and
    # the resolved configuration (config/cached.py)
    assert sorted(p.name for p in vault.iterdir()) == [".obsidian", "a.md", "b.md", "sub"]
    # (the facts the warm path needs are a row of the same database: lint/warm.py)
    names = {p.name for p in cache_of(vault).iterdir()}
    kept = "config.bin"
    assert {DB_NAME, kept} <= names <= {DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", kept}
    assert (cache_of(vault) / DB_NAME).stat().st_mode & 0o777 == 0o600
    assert (cache_of(vault) / kept).stat().st_mode & 0o777 == 0o600
    cache = cache_of(vault).parents[1]
    key = cache / "key"
    assert (key.stat().st_mode & 0o777, key.stat().st_size) == (0o600, 32)
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (
        (cache / "CACHEDIR.TAG")
        .read_text(encoding="utf-8")
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )


def _touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


@pytest.mark.parametrize(
    "change",
    ["edit", "edit-same-size", "rename", "delete", "create-target", "add-attachment", "config"],
)
def test_every_change_is_picked_up(capsys, vault, change):
    scan(capsys, str(vault))  # warm the cache
    if change == "edit":
        (vault / "b.md").write_text("# B\n\nNo part any more\n#space\n", encoding="utf-8")
    elif change == "edit-same-size":
        # same size, same mtime: only the content digest can tell (the inode stays the same)
        old = (vault / "b.md").stat()
        (vault / "b.md").write_text(VAULT["b.md"].replace("Part", "Pant"), encoding="utf-8")
        os.utime(vault / "b.md", ns=(old.st_atime_ns, old.st_mtime_ns))
        _touch_later(vault / "b.md")
    elif change == "rename":
        (vault / "b.md").rename(vault / "sub" / "renamed.md")
    elif change == "delete":
        (vault / "b.md").unlink()
    elif change == "create-target":
        (vault / "c.md").write_text("# C\n", encoding="utf-8")
    elif change == "add-attachment":
        (vault / "missing").write_bytes(b"")  # an attachment named exactly like the link
    elif change == "config":
        (vault / ".vaultlint.yaml").write_text(
            "extends: [recommended]\nrules:\n  tag-case: off\n", encoding="utf-8"
        )
    warm = scan(capsys, str(vault))
    assert warm == cold(capsys, vault)


def test_a_renamed_note_is_not_parsed_again(vault):
    config = load_config(None, vault)
    engine.lint(vault, config)
    (vault / "b.md").rename(vault / "sub" / "moved.md")
    result = engine.lint(vault, config, ["a.md"], cwd=vault)
    # only the note to check is parsed; the moved note's summary is found by its content
    assert (result.parsed, result.cached) == (1, 2)
    assert [d.message for d in result.diagnostics if d.rule == "broken-link"] == [
        "link target 'b' does not exist",
        "link target 'b' does not exist",
        "link target 'c' does not exist",
    ]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "foreign-pickle", "empty", "rows"])
def test_a_damaged_cache_is_ignored_and_rebuilt(capsys, vault, damage, tmp_path):
    expected = cold(capsys, vault)
    scan(capsys, str(vault))
    marker = tmp_path / "pwned"
    path = cache_of(vault) / DB_NAME
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        db = sqlite3.connect(path)
        if damage == "rows":  # every column of every row changed: no MAC matches
            db.execute("UPDATE notes SET ctx = x'00', mtime = mtime + 1, result = NULL")
        else:  # a pickle that would run code if it were trusted, in place of every blob
            payload = pickle.dumps(_Evil(str(marker)))
            db.execute("UPDATE notes SET summary = ?, result = ?", (payload, payload))
            db.execute("UPDATE meta SET value = ?", (payload,))
        db.commit()
        db.close()
    (vault / "a.md").write_text(VAULT["a.md"] + "[[new broken]]\n", encoding="utf-8")
    expected = cold(capsys, vault)
    assert scan(capsys, str(vault)) == expected
    assert not marker.exists()
    assert scan(capsys, str(vault)) == expected
    # made again: every note has its row, with a valid result
    from vaultlint.lint.cache import open_cache
    from vaultlint.lint.store import Store

    rows = Store(open_cache(vault)).load()
    assert sorted(rows) == ["a.md", "b.md", "sub/d.md"]
    assert all(r.ctx == rows["a.md"].ctx != b"" for r in rows.values())


class _Evil:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def _scan_in_process(args: tuple[str, str]) -> str:
    vault, out = args
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(["scan", vault, "--format", "json", "--jobs", "1"])
    Path(out).write_text(buffer.getvalue(), encoding="utf-8")
    return out


def test_concurrent_scans_sharing_a_cache_are_both_right(capsys, tmp_path):
    files = dict(VAULT)
    for i in range(60):
        files[f"n/{i}.md"] = f"# N{i}\n[[a]] [[n/{(i + 1) % 60}]] [[gone {i}]] #space\n"
    vault = write_vault(tmp_path / "v", files)
    expected = json.loads(
        (
            lambda: (
                main(["scan", str(vault), "--no-cache", "--format", "json"]),
                capsys.readouterr().out,
            )[1]
        )()
    )["diagnostics"]
    ctx = multiprocessing.get_context("fork")
    for _round in range(3):
        outs = [str(tmp_path / f"out{i}.json") for i in range(4)]
        with ctx.Pool(4) as pool:
            pool.map(_scan_in_process, [(str(vault), o) for o in outs])
        for out in outs:
            assert json.loads(Path(out).read_text(encoding="utf-8"))["diagnostics"] == expected


def test_serial_and_parallel_runs_agree(capsys, tmp_path, monkeypatch):
    files = {".obsidian/app.json": "{}"}
    for i in range(120):
        links = f"[[{(i * 7) % 130}]] [[f{i % 3}/{i}#Part {i}]]"
        files[f"f{i % 7}/{i}.md"] = f"# N{i}\n## Part {i}\n{links} #Tag{i % 5} #tag{i % 5}\n"
    vault = write_vault(tmp_path / "v", files)
    serial = scan(capsys, str(vault), "--no-cache", "--jobs", "1")
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 1)
    parallel = scan(capsys, str(vault), "--no-cache", "--jobs", "2")
    assert parallel == serial
    assert len(serial) > 100
    # and through the cache, with the work split between workers
    assert scan(capsys, str(vault), "--jobs", "2") == serial
    assert scan(capsys, str(vault), "--jobs", "2") == serial


def test_a_changed_word_list_is_picked_up(capsys, tmp_path):
    # (a word list outside the vault is refused: issue 10, tests/security/test_config_hostile)
    vault = write_vault(
        tmp_path / "v",
        {
            ".vaultlint.yaml": "rules:\n  voc:\n    check: tags\n    allowed_file: lists/tags.txt\n"
            "    case: any\n",
            "a.md": "#foo #bar\n",
        },
    )
    (vault / "lists").mkdir()
    (vault / "lists" / "tags.txt").write_text("foo\n", encoding="utf-8")
    assert [f[3] for f in scan(capsys, str(vault))] == ["voc"]
    (vault / "lists" / "tags.txt").write_text("foo\nbar\n", encoding="utf-8")
    assert scan(capsys, str(vault)) == []  # not the stale result


def test_a_run_whose_snapshot_is_stale_writes_nothing(capsys, vault):
    """Two runs at once: both read the state; the first to write wins, the other's writes
    (made from what it read before) are dropped, so no row is made valid against a state it
    was not computed from."""
    from vaultlint.lint.cache import open_cache
    from vaultlint.lint.store import Store

    scan(capsys, str(vault))
    first, second = Store(open_cache(vault)), Store(open_cache(vault))
    rows, _ = first.load(), second.load()
    row = rows["a.md"]
    assert first.save({"a.md": row.but(ctx=b"first")}, [], [], {})
    assert not second.save({"a.md": row.but(ctx=b"second")}, [], [], {})
    assert not second.save({}, ["b.md"], [], {})
    assert second.load()["a.md"].ctx == b"first"
    assert second.load()["b.md"].ctx == rows["b.md"].ctx != b""
    assert second.save({"a.md": row.but(ctx=b"second")}, [], [], {})  # read again: written
    assert first.load()["a.md"].ctx == b"second"
    first.close()
    second.close()
