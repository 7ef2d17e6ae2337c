"""``--fix`` on a hostile or busy vault (issue 10, rows 5, 6 and the fix parts of 17).

Each test hashes the files inside and outside the vault before and after, and states exactly
what was written, what was skipped and what was reported.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import vaultlint.fix as fix_module
import vaultlint.fix.inplace as inplace_module
from vaultlint.cli import main
from vaultlint.fix import NotFixable, plan_fixes, read_note, write_note, write_plan

from ..conftest import write_vault

SAVED = (
    "not fixed: the note changed since it was scanned (saved by an editor?); run vaultlint again"
)
NOTE_LINK = "not fixed: the note is a symbolic link (only regular files are fixed)"
READ_ONLY = "not fixed: cannot write the note: Permission denied (a read-only folder or file?)"

# a.md's tag is the minority spelling: tag-case's safe fix respells it
TAGS = {"a.md": "# A\n#Space here\n", "b.md": "#space\n", "c.md": "#space\n"}
TAG_CASE = "tag 'Space' is spelled 'space' in 2 notes (1 note uses 'Space')"


def hashes(*roots: Path) -> dict[str, str]:
    """sha256 of every file below the roots (symbolic links: their target text, marked)."""
    out = {}
    for root in roots:
        for p in sorted(root.rglob("*")):
            key = f"{root.name}/{p.relative_to(root).as_posix()}"
            if p.is_symlink():
                out[key] = "link:" + os.readlink(p)
            elif p.is_file():
                out[key] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def scan_json(capsys, *args: str) -> tuple[int, list[tuple[str, int, int, str, str, str]]]:
    code = main(["scan", *args, "--no-cache", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    rows = [
        (d["path"], d["line"], d["column"], d["rule"], d["severity"], d["message"])
        for d in report["diagnostics"]
    ]
    return code, rows


def checker_for(root: Path):
    from vaultlint.config import find_config, load_config
    from vaultlint.fix import default_checker

    config = load_config(find_config(root), root)
    return default_checker(root, config, use_cache=False)


def scanned(root: Path):
    from vaultlint.config import find_config, load_config
    from vaultlint.lint.batch import lint

    return lint(root, load_config(find_config(root), root), use_cache=False).diagnostics


# --- row 5: a note saved while --fix runs ---------------------------------------------------


def test_edits_are_computed_on_the_bytes_read_not_on_a_stale_scan(tmp_path):
    vault = write_vault(tmp_path / "v", TAGS)
    diagnostics = scanned(vault)  # the scan saw '#Space' at line 2, column 1
    (vault / "a.md").write_bytes(b"# A\nA line typed meanwhile.\n#Space here\n")
    plan = plan_fixes(vault, diagnostics, checker_for(vault), unsafe=False)
    assert [(c.path, c.after, c.fixed) for c in plan.changes] == [
        ("a.md", b"# A\nA line typed meanwhile.\n#space here\n", 1)
    ]
    write_plan(vault, plan)
    assert (vault / "a.md").read_bytes() == b"# A\nA line typed meanwhile.\n#space here\n"


def test_a_note_saved_between_plan_and_write_is_skipped_and_reported(
    capsys, tmp_path, plain_environment, monkeypatch
):
    vault = write_vault(tmp_path / "v", TAGS)
    real_plan = fix_module.plan_fixes

    def plan_then_autosave(*args, **kwargs):
        plan = real_plan(*args, **kwargs)
        (vault / "a.md").write_bytes(b"# A\n#Space here, and typed since\n")  # Obsidian saves
        return plan

    monkeypatch.setattr(fix_module, "plan_fixes", plan_then_autosave)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.md").write_text("#Space\n", encoding="utf-8")
    before = hashes(outside)
    code, rows = scan_json(capsys, "v", "--fix")
    assert code == 0
    assert rows == [
        ("a.md", 1, 1, "fix-failed", "warning", SAVED),
        ("a.md", 2, 1, "tag-case", "warning", TAG_CASE),
    ]
    assert (vault / "a.md").read_bytes() == b"# A\n#Space here, and typed since\n"
    assert hashes(outside) == before


# --- row 6: symbolic links ------------------------------------------------------------------


def test_fix_never_writes_through_a_symbolic_link(capsys, tmp_path, plain_environment):
    lower = {f"{n}.md": "#space\n" for n in "bcefghij"}
    vault = write_vault(tmp_path / "v", {**TAGS, **lower, "sub/d.md": "#Space\n"})
    outside = write_vault(tmp_path / "outside", {"o.md": "#Space outside\n"})
    os.symlink("a.md", vault / "linked.md")  # a note that is a link to another note
    os.symlink(outside, vault / "out")  # a folder that leaves the vault
    os.symlink(outside / "o.md", vault / "o-link.md")  # a note that leaves the vault
    # which paths the scan offers fixes for depends on what discovery treats as notes
    _, rows = scan_json(capsys, "v")
    offered = sorted({r[0] for r in rows if r[3] == "tag-case"})
    assert {"a.md", "sub/d.md"} <= set(offered)
    before = hashes(vault, outside)
    code, rows = scan_json(capsys, "v", "--fix")
    assert code == 0  # a skipped note is a warning
    skips = {r[0]: r[5] for r in rows if r[3] == "fix-failed"}
    expected = {
        "linked.md": NOTE_LINK,
        "o-link.md": NOTE_LINK,
        "out/o.md": "not fixed: its folder 'out' is a symbolic link",
    }
    assert skips == {p: m for p, m in expected.items() if p in offered}
    after = hashes(vault, outside)
    assert {k for k in before if before[k] != after[k]} == {"v/a.md", "v/sub/d.md"}
    assert (vault / "a.md").read_bytes() == b"# A\n#space here\n"
    assert (vault / "sub/d.md").read_bytes() == b"#space\n"
    assert (vault / "linked.md").is_symlink() and (vault / "out").is_symlink()
    assert (outside / "o.md").read_bytes() == b"#Space outside\n"
    assert sorted(os.listdir(vault)) == sorted(
        {*TAGS, *lower, "linked.md", "o-link.md", "out", "sub"}
    )


def test_links_are_refused_on_every_part_of_the_path(tmp_path):
    vault = write_vault(tmp_path / "v", {"real/n.md": "#Space\n"})
    os.symlink("real", vault / "alias")
    os.symlink("real/n.md", vault / "n.md")
    with pytest.raises(
        NotFixable, match=re.escape("not fixed: its folder 'alias' is a symbolic link")
    ):
        read_note(vault, "alias/n.md")
    with pytest.raises(NotFixable, match=re.escape(NOTE_LINK)):
        write_note(vault, "n.md", b"#Space\n", b"#space\n")
    with pytest.raises(NotFixable, match="not a path inside the vault"):
        write_note(vault, "real/../real/n.md", b"#Space\n", b"#space\n")
    os.mkfifo(vault / "fifo.md")
    with pytest.raises(NotFixable, match=re.escape("not fixed: not a regular file")):
        read_note(vault, "fifo.md")
    assert (vault / "real/n.md").read_bytes() == b"#Space\n"


# --- row 17: hard links, owner and mode; read-only folders; a full disk; SIGINT -----------


def test_fix_writes_in_place_keeping_inode_hard_links_owner_and_mode(
    capsys, tmp_path, plain_environment
):
    vault = write_vault(tmp_path / "v", TAGS)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.link(vault / "a.md", outside / "hard-link.md")
    os.chmod(vault / "a.md", 0o640)
    if os.geteuid() == 0:  # only root can give a file to someone else
        os.chown(vault / "a.md", 12345, 23456)
    st = os.stat(vault / "a.md")
    code, rows = scan_json(capsys, "v", "--fix")
    assert (code, rows) == (0, [])
    now = os.stat(vault / "a.md")
    assert (now.st_ino, now.st_dev, now.st_nlink) == (st.st_ino, st.st_dev, 2)
    assert (now.st_uid, now.st_gid, stat.S_IMODE(now.st_mode)) == (st.st_uid, st.st_gid, 0o640)
    assert (outside / "hard-link.md").read_bytes() == b"# A\n#space here\n"
    assert sorted(os.listdir(vault)) == ["a.md", "b.md", "c.md"]  # no temporary file


@pytest.fixture
def world_readable_dir():
    """A folder outside pytest's private tmp (0700) that another user can read."""
    path = Path(tempfile.mkdtemp(prefix="vaultlint-ro-"))
    os.chmod(path, 0o755)
    yield path
    for p in [path, *path.rglob("*")]:
        if not p.is_symlink():
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
    shutil.rmtree(path)


def _as_nobody(func):
    """``func()`` in a forked child that is an ordinary user (root may write anywhere), with its
    stdout and stderr captured: (result, stdout, stderr)."""
    import contextlib
    import io
    import pickle

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            out, err = io.StringIO(), io.StringIO()
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                result = func()
            payload = pickle.dumps((result, out.getvalue(), err.getvalue()))
        except BaseException as exc:
            payload = pickle.dumps((repr(exc), "", ""))
        with os.fdopen(write, "wb") as fh:
            fh.write(payload)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)


def test_fix_in_a_read_only_folder_is_a_finding_not_an_internal_error(
    capsys, world_readable_dir, plain_environment, monkeypatch
):
    vault = write_vault(world_readable_dir / "v", TAGS)
    writable = shutil.copytree(vault, world_readable_dir / "w")
    for p in vault.iterdir():
        os.chmod(p, 0o444)
    os.chmod(vault, 0o555)
    before = hashes(vault)
    argv = ["scan", str(vault), "--no-cache", "--fix"]
    if os.geteuid() == 0:
        # the same run on a writable copy first, so that the child imports nothing as nobody
        main(["scan", str(writable), "--no-cache", "--fix"])
        capsys.readouterr()
        # the built-in packs too, in a folder nobody can read (the checkout may sit in a 0700
        # temporary folder, as in a fresh clone made with mktemp -d)
        from vaultlint.config import packs as config_packs

        packs = shutil.copytree(config_packs._pack_dirs()[0], world_readable_dir / "rules")
        monkeypatch.setattr(config_packs, "_pack_dirs", lambda: [packs])
        monkeypatch.chdir(vault)
        code, out, err = _as_nobody(lambda: main(argv))
    else:
        monkeypatch.chdir(vault)
        code = main(argv)
        out, err = capsys.readouterr()
    assert code == 1, err
    assert "internal error" not in err
    assert out.splitlines()[:2] == [
        f"a.md:1:1: error fix-failed {READ_ONLY}",
        f"a.md:2:1: warning tag-case {TAG_CASE}",
    ]
    assert hashes(vault) == before


def test_a_full_disk_fails_before_the_note_changes(tmp_path):
    """A real limit on file size (RLIMIT_FSIZE, the disk-full of an unprivileged process):
    a fix that makes the note longer fails in posix_fallocate, and the note keeps its bytes."""
    vault = write_vault(tmp_path / "v", {"a.md": "x" * 4000 + "\n"})
    before = (vault / "a.md").read_bytes()
    script = (
        "import os, resource, signal, sys\n"
        "from pathlib import Path\n"
        "from vaultlint.fix import write_note\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        "    write_note(Path(sys.argv[1]), 'a.md', b'x' * 4000 + b'\\n', b'y' * 5000 + b'\\n')\n"
        "except OSError as exc:\n"
        "    print(exc.errno == __import__('errno').EFBIG)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(vault)], capture_output=True, text=True, check=True
    )
    assert proc.stdout == "True\n", proc.stderr
    assert (vault / "a.md").read_bytes() == before
    assert resource.getrlimit(resource.RLIMIT_FSIZE)[0] != 4096  # the limit was the child's


def test_a_write_failing_halfway_puts_the_old_bytes_back_and_is_an_error(
    capsys, tmp_path, plain_environment, monkeypatch
):
    vault = write_vault(tmp_path / "v", TAGS)
    before = hashes(vault)
    real = inplace_module._pwrite_all
    calls = []

    def disk_full_halfway(fd: int, data: bytes, offset: int) -> None:
        calls.append(data)
        if len(calls) == 1:  # the fix: half of it reaches the disk, then the disk is full
            real(fd, data[: len(data) // 2], offset)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data, offset)  # putting the old bytes back

    monkeypatch.setattr(inplace_module, "_pwrite_all", disk_full_halfway)
    code, rows = scan_json(capsys, "v", "--fix")
    assert code == 1
    assert rows == [
        (
            "a.md",
            1,
            1,
            "fix-failed",
            "error",
            "not fixed: cannot write the note: No space left on device",
        ),
        ("a.md", 2, 1, "tag-case", "warning", TAG_CASE),
    ]
    assert hashes(vault) == before
    assert len(calls) == 2


def test_sigint_while_a_note_is_written_leaves_it_whole_and_no_temporary_file(
    capsys, tmp_path, plain_environment, monkeypatch
):
    # the respelled tag and the repaired dash change the length: a torn write would show
    garbled = "# A\n#Space, planned for 2028â€“2029, and a long tail of text after it\n"
    vault = write_vault(tmp_path / "v", {**TAGS, "a.md": garbled, "z.md": "#Space too\n"})
    real = inplace_module._pwrite_all

    def interrupted_halfway(fd: int, data: bytes, offset: int) -> None:
        half = len(data) // 2
        real(fd, data[:half], offset)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C between the two halves of the write
        real(fd, data[half:], offset + half)

    monkeypatch.setattr(inplace_module, "_pwrite_all", interrupted_halfway)
    code = main(["scan", "v", "--no-cache", "--fix", "--unsafe-fixes"])
    _, err = capsys.readouterr()
    assert (code, err) == (2, "vaultlint: interrupted\n")
    # the interrupt was held until a.md was whole; it stopped the run before z.md
    assert (vault / "a.md").read_text(encoding="utf-8") == garbled.replace("â€“", "–").replace(
        "#Space", "#space"
    )
    assert (vault / "z.md").read_bytes() == b"#Space too\n"
    assert sorted(os.listdir(vault)) == ["a.md", "b.md", "c.md", "z.md"]
