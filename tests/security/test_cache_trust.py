"""Issue 10, rows 3, 7 and 17 (wrong-shaped pickle): a cache cannot be planted.

The cache lives outside the vault (``$VAULTLINT_CACHE_DIR`` here, see conftest.py), every file
is authenticated with a key made on first use (a MAC per row), and a wrong-shaped entry is a miss.
"""

from __future__ import annotations

import json
import marshal
import os
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest

from vaultlint.lint.cache import open_cache, vault_folder_name
from vaultlint.lint.store import DB_NAME, Row, Store, encode, encode_plain

from .harness import run_limited, tree_state

BROKEN = ("Note 7.md", 1, 1, "broken-link", "link target 'Nowhere' does not exist")


def _findings(stdout: str) -> list[tuple]:
    return [
        (d["path"], d["line"], d["column"], d["rule"], d["message"])
        for d in json.loads(stdout)["diagnostics"]
    ]


def _vault(path: Path, *, broken: bool) -> Path:
    """420 notes (enough for a parallel run), one of them with a broken link or not."""
    path.mkdir()
    for i in range(420):
        (path / f"Note {i}.md").write_text(f"# N{i}\n[[Note {(i + 1) % 420}]]\n", "utf-8")
    if broken:
        (path / "Note 7.md").write_text("[[Nowhere]] and some\n", "utf-8")
    else:
        (path / "Note 7.md").write_text("[[Note 8]] and so on\n", "utf-8")
    return path


def _scan(vault: Path, cache_root: Path, *extra: str):
    return run_limited(
        ["scan", str(vault), "--format", "json", "--jobs", "2", *extra],
        env={"VAULTLINT_CACHE_DIR": str(cache_root)},
        timeout=120,
    )


def test_a_committed_cache_folder_is_never_read(tmp_path: Path) -> None:
    """Row 3: a ``.vaultlint_cache/`` in the repository, made on a clean copy, hides nothing."""
    clean = _vault(tmp_path / "clean", broken=False)
    assert _scan(clean, tmp_path / "c1").code == 0
    vault = _vault(tmp_path / "vault", broken=True)
    made = tmp_path / "c1" / "vaults" / vault_folder_name(clean)
    shutil.copytree(made, vault / ".vaultlint_cache")
    before = tree_state(vault)
    run = _scan(vault, tmp_path / "c2")
    assert (run.code, run.stderr, _findings(run.stdout)) == (1, "", [BROKEN])
    assert tree_state(vault) == before


def test_a_copied_cache_is_not_trusted(tmp_path: Path) -> None:
    """Row 3: another cache's files, made for this very vault path while the note was clean,
    put in this cache's folder with the note's stat restored: not authenticated, not used."""
    vault = _vault(tmp_path / "vault", broken=False)
    note = vault / "Note 7.md"
    st = note.stat()
    assert _scan(vault, tmp_path / "theirs").code == 0
    note.write_text("[[Nowhere]] and some\n", "utf-8")  # same size
    os.utime(note, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert note.stat().st_size == st.st_size
    ours = tmp_path / "ours"
    assert _scan(vault, ours, "--no-cache").code == 1
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "Clean.md").write_text("# Clean\n", "utf-8")
    assert _scan(tmp_path / "empty", ours).code == 0  # makes our own key
    folder = vault_folder_name(vault)
    shutil.copytree(tmp_path / "theirs" / "vaults" / folder, ours / "vaults" / folder)
    run = _scan(vault, ours)
    assert (run.code, run.stderr, _findings(run.stdout)) == (1, "", [BROKEN])


def test_the_key_is_private_and_the_vault_untouched(tmp_path: Path) -> None:
    vault = _vault(tmp_path / "vault", broken=True)
    before = tree_state(vault)
    root = tmp_path / "cache"
    assert _scan(vault, root).code == 1
    assert (root / "key").stat().st_mode & 0o777 == 0o600
    assert (root / "key").stat().st_size == 32
    assert (root / "CACHEDIR.TAG").read_text("utf-8").startswith("Signature: 8a477f597d28d17")
    assert tree_state(vault) == before
    # a key others may read is not trusted: the cache is off, the findings the same
    (root / "key").chmod(0o644)
    run = _scan(vault, root)
    assert (run.code, _findings(run.stdout)) == (1, [BROKEN])


def test_cache_dir_option_and_environment(tmp_path: Path) -> None:
    vault = _vault(tmp_path / "vault", broken=True)
    run = _scan(vault, tmp_path / "env", "--cache-dir", str(tmp_path / "opt"))
    assert (run.code, _findings(run.stdout)) == (1, [BROKEN])
    assert (tmp_path / "opt" / "vaults" / vault_folder_name(vault) / DB_NAME).is_file()
    assert not (tmp_path / "env").exists()
    run = _scan(vault, tmp_path / "env")
    assert (tmp_path / "env" / "vaults" / vault_folder_name(vault) / DB_NAME).is_file()


def test_a_dangling_gitignore_link_in_the_old_cache_folder_creates_nothing(tmp_path: Path) -> None:
    """Row 7: ``.vaultlint_cache/.gitignore`` committed as a link to a file outside."""
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    vault.mkdir()
    outside.mkdir()
    (vault / "a.md").write_text("[[Nowhere]]\n", "utf-8")
    (vault / ".vaultlint_cache").mkdir()
    os.symlink(outside / "created", vault / ".vaultlint_cache" / ".gitignore")
    os.symlink(outside / "tag", vault / ".vaultlint_cache" / "CACHEDIR.TAG")
    before = tree_state(vault, outside)
    run = _scan(vault, tmp_path / "cache")
    assert (run.code, _findings(run.stdout)) == (
        1,
        [("a.md", 1, 1, "broken-link", "link target 'Nowhere' does not exist")],
    )
    assert tree_state(vault, outside) == before
    assert os.listdir(outside) == []


def _summary_blob(summary: object) -> bytes:
    """``summary`` encoded as vaultlint encodes summaries (marshal); pickled when marshal
    cannot hold it (an object whose unpickling would run code)."""
    try:
        return encode_plain(summary)
    except ValueError:
        return encode(summary)


def _authentic(root: Path, vault: Path, summary: object, result: object) -> None:
    """Put ``summary`` and ``result`` (encoded as given) in every row of the vault's state,
    with this cache's key (as vaultlint would write them), marked valid."""
    cache = open_cache(vault, root)
    assert cache is not None
    store = Store(cache)
    rows = store.load()
    assert rows
    for path, row in rows.items():
        blob = _summary_blob(summary)
        rows[path] = Row(row.stat, row.digest, blob, row.ctx or b"x", encode(result))
        assert rows[path].sdig != row.sdig
    assert store.save(rows, [], [], {"others": result})
    store.close()


WRONG_SHAPES = [
    (1, 1),
    ([1, 2, 3], [1, 2, 3]),
    ((("Note 7.md", 5, (), ()), ()), ((), ((1, 2),))),
    ((("Note 7.md", ((1, "x"),), (), (), (), ()), (1,)), (("not a diagnostic",), ())),
    ((("Note 7.md", ((1, 2),), (), (), (), ()), ()), None),
]


def test_wrong_shaped_entries_are_misses(tmp_path: Path) -> None:
    """Row 17: authentic rows holding data of the wrong shape: a miss, no error."""
    vault = _vault(tmp_path / "vault", broken=True)
    root = tmp_path / "cache"
    for summary, result in WRONG_SHAPES:
        assert _scan(vault, root).code == 1  # (re)writes good rows
        _authentic(root, vault, summary, result)
        run = _scan(vault, root)
        assert (run.code, run.stderr, _findings(run.stdout)) == (1, "", [BROKEN]), summary


def test_a_row_copied_to_another_path_is_not_trusted(tmp_path: Path) -> None:
    """A row is bound to its path: the clean row of a note, copied over the row of the note
    with the broken link (same stat restored), is not used."""
    vault = _vault(tmp_path / "vault", broken=True)
    root = tmp_path / "cache"
    assert _scan(vault, root).code == 1
    db = sqlite3.connect(root / "vaults" / vault_folder_name(vault) / DB_NAME)
    clean = db.execute("SELECT * FROM notes WHERE path = 'Note 8.md'").fetchone()
    broken = db.execute("SELECT * FROM notes WHERE path = 'Note 7.md'").fetchone()
    db.execute("DELETE FROM notes WHERE path = 'Note 7.md'")
    db.execute(
        "INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ("Note 7.md", *broken[1:4], *clean[4:]),
    )
    db.commit()
    db.close()
    run = _scan(vault, root)
    assert (run.code, run.stderr, _findings(run.stdout)) == (1, "", [BROKEN])


class _Payload:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_an_authentic_pickle_still_runs_no_code(tmp_path: Path) -> None:
    """Held up well: the restricted unpickler, even behind a valid MAC."""
    vault = _vault(tmp_path / "vault", broken=True)
    root = tmp_path / "cache"
    assert _scan(vault, root).code == 1
    marker = tmp_path / "PICKLE-RAN"
    _authentic(root, vault, _Payload(str(marker)), _Payload(str(marker)))
    run = _scan(vault, root)
    assert (run.code, run.stderr, _findings(run.stdout)) == (1, "", [BROKEN])
    assert not marker.exists()
    assert b"system" in pickle.dumps(_Payload(str(marker)))  # what the rows held


def test_forged_tags_and_aliases_columns_are_not_trusted(tmp_path: Path) -> None:
    """A run that checks a few changed notes takes tag spellings and aliases from their own
    columns (lint/lazy.py); those are under the row's MAC: forged, the row is a miss, and the
    run reads what the notes hold — the findings of a scan without a cache."""
    vault = _vault(tmp_path / "vault", broken=True)
    (vault / "Note 9.md").write_text("#project\n", "utf-8")
    (vault / "Note 10.md").write_text("#project\n", "utf-8")
    (vault / "Note 11.md").write_text("#Project\n", "utf-8")
    tag_case = (
        "Note 11.md",
        1,
        1,
        "tag-case",
        "tag 'Project' is spelled 'project' in 2 notes (1 note uses 'Project')",
    )
    root = tmp_path / "cache"
    assert _findings(_scan(vault, root).stdout) == [tag_case, BROKEN]
    db = sqlite3.connect(root / "vaults" / vault_folder_name(vault) / DB_NAME)
    db.execute("UPDATE notes SET tags = 'Project' WHERE path IN ('Note 9.md', 'Note 10.md')")
    db.execute("UPDATE notes SET aliases = 'Nowhere' WHERE path = 'Note 3.md'")
    db.commit()
    db.close()
    (vault / "Note 11.md").write_text("#Project\n\n", "utf-8")  # one note edited
    run = _scan(vault, root)
    assert (run.code, run.stderr, _findings(run.stdout)) == (1, "", [tag_case, BROKEN])
    assert _findings(_scan(vault, root, "--no-cache").stdout) == [tag_case, BROKEN]


def test_a_warm_run_trusts_no_result_the_marker_does_not_hold(tmp_path: Path) -> None:
    """The warm path checks the results it reads with one digest under the ``complete``
    marker's MAC (no MAC per row): a result emptied or planted by hand (nothing else changed,
    the vault as the marker was made for) is a miss, and the run finds what the notes hold."""
    vault = _vault(tmp_path / "vault", broken=True)
    root = tmp_path / "cache"
    assert _scan(vault, root).code == 1
    db = sqlite3.connect(root / "vaults" / vault_folder_name(vault) / DB_NAME)
    planted = db.execute("SELECT result FROM notes WHERE path = 'Note 7.md'").fetchone()[0]
    db.execute("UPDATE notes SET result = NULL WHERE path = 'Note 7.md'")
    db.commit()
    run = _scan(vault, root)
    assert (run.code, run.stderr, _findings(run.stdout)) == (1, "", [BROKEN])
    db.execute("UPDATE notes SET result = ? WHERE path = 'Note 8.md'", (planted,))
    db.commit()
    db.close()
    run = _scan(vault, root)
    assert (run.code, run.stderr, _findings(run.stdout)) == (1, "", [BROKEN])


def test_a_forged_keys_column_is_not_trusted(tmp_path: Path) -> None:
    """The dependency keys a run finds the affected notes with are checked against the row's
    ``kdig`` (under its MAC): a keys column edited by hand so that a note linking to a heading
    seems not to depend on that heading's note is not known, and when the heading goes the
    link is checked again (every summary read instead), as a run without cache finds."""
    vault = _vault(tmp_path / "vault", broken=False)
    (vault / "Note 7.md").write_text("[[Note 8#N8]] and so on\n", "utf-8")
    root = tmp_path / "cache"
    assert _findings(_scan(vault, root).stdout) == []
    db = sqlite3.connect(root / "vaults" / vault_folder_name(vault) / DB_NAME)
    keys = db.execute("SELECT keys FROM notes WHERE path = 'Note 7.md'").fetchone()[0]
    assert keys.split("\n") == ["note 7", "note 8"]
    db.execute("UPDATE notes SET keys = 'note 7' WHERE path = 'Note 7.md'")
    db.commit()
    db.close()
    (vault / "Note 8.md").write_text("# Other\n[[Note 9]]\n", "utf-8")
    gone = ("Note 7.md", 1, 1, "broken-link", "heading 'N8' does not exist in 'Note 8'")
    run = _scan(vault, root)
    assert (run.code, run.stderr, _findings(run.stdout)) == (1, "", [gone])
    assert _findings(_scan(vault, root, "--no-cache").stdout) == [gone]


def test_an_authentic_result_of_another_shape_is_a_miss_warm_or_not(tmp_path: Path) -> None:
    """Row 17 for the results (marshalled plain values, lint/outcomes.py): the broken link's
    result replaced by a blob of another shape — a pickle of the old rows, a code object, a
    finding whose line table is no packed array — under a valid row MAC *and* a ``complete``
    marker made for it, so that the warm path reads it: a miss (no error), and the note is
    checked again; its clean neighbour given the broken note's findings is trusted only as
    what its row says (the marker holds it), never as an error either."""
    from vaultlint.diagnostic import LineTable
    from vaultlint.lint.outcomes import FORMAT

    vault = _vault(tmp_path / "vault", broken=True)
    root = tmp_path / "cache"
    finding = (0, "Note 7.md", 0, 1, "r", "c", "error", "m", "", None)
    bad_table = (FORMAT, ((b"\0\0\0", ()),), (finding,), ())
    shapes = [
        pickle.dumps(((), ())),
        marshal.dumps(compile("print(1)", "x", "exec")),
        marshal.dumps(bad_table),
        marshal.dumps((FORMAT, ((LineTable((0,)).starts, ()),), (), (7,))),
    ]
    for blob in shapes:
        assert _scan(vault, root).code == 1  # (re)writes good rows and the marker
        cache = open_cache(vault, root)
        assert cache is not None
        store = Store(cache)
        rows = store.load()
        fingerprint, _, racy = store.meta("complete")
        rows["Note 7.md"] = rows["Note 7.md"].but(result=blob)
        found = [(p, r.result) for p, r in rows.items() if r.result is not None]
        marker = (fingerprint, Store.results_digest(found), racy)
        assert store.save({"Note 7.md": rows["Note 7.md"]}, [], [], {"complete": marker})
        assert store.complete_results(fingerprint) is not None  # the warm path reads it
        store.close()
        run = _scan(vault, root)
        assert (run.code, run.stderr, _findings(run.stdout)) == (1, "", [BROKEN]), blob[:20]


def test_the_cache_unpickler_admits_no_class() -> None:
    """Since summaries and results are marshalled plain values, a cache pickle holds plain
    tuples only: even vaultlint's own classes are refused (a miss for the caller)."""
    import io

    from vaultlint.lint.cache import SafeUnpickler
    from vaultlint.model import NoteSummary
    from vaultlint.span import Span

    plain = ("others", ("a.md", "b.png"), 3, b"x", None)
    assert SafeUnpickler(io.BytesIO(pickle.dumps(plain))).load() == plain
    for value in (
        Span(0, 1),
        NoteSummary._make(("a.md",) + ((),) * (len(NoteSummary._fields) - 1)),
    ):
        with pytest.raises(pickle.UnpicklingError, match="is not allowed in a vaultlint cache"):
            SafeUnpickler(io.BytesIO(pickle.dumps(value))).load()
