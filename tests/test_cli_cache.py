"""``vaultlint cache``: where the vault's cache is and its size (creating nothing), and
``--clear``, which removes that vault's folder only, and only in a cache vaultlint laid out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultlint.cli import main
from vaultlint.cli.cache import _size
from vaultlint.lint.cache import vault_folder_name

pytestmark = pytest.mark.usefixtures("plain_environment")

VAULT = {".obsidian/app.json": "{}\n", "a.md": "# A\n\n[[gone]]\n"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def held(folder: Path) -> str:
    """What the command says a folder holds, counted here with os.walk."""
    files = [Path(d, n) for d, _, names in os.walk(folder) for n in names]
    return _size(len(files), sum(f.lstat().st_size for f in files))


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "v", VAULT)


def test_sizes_are_written_in_decimal_units():
    assert _size(1, 999) == "1 file, 999 bytes"
    assert _size(2, 1000) == "2 files, 1.0 kB"
    assert _size(3, 12_345_678) == "3 files, 12.3 MB"
    assert _size(0, 0) == "0 files, 0 bytes"
    assert _size(9, 2_500_000_000) == "9 files, 2.5 GB"


def test_it_shows_where_the_cache_is_and_creates_nothing(capsys, vault, tmp_path):
    cache = tmp_path / "c"
    folder = cache / "vaults" / vault_folder_name(vault)
    assert run(capsys, "cache", "v", "--cache-dir", "c") == (
        0,
        f"Vault: v\nCache: {folder} (none yet)\n",
        "",
    )
    assert not cache.exists()
    assert run(capsys, "scan", "v", "--cache-dir", "c")[0] == 1
    code, out, err = run(capsys, "cache", "--cache-dir", "c", "v/a.md")  # found from a note
    assert (code, out, err) == (0, f"Vault: v\nCache: {folder} ({held(folder)})\n", "")
    assert folder.is_dir()


def test_the_environment_variable_moves_it_too(capsys, vault, tmp_path, monkeypatch):
    monkeypatch.setenv("VAULTLINT_CACHE_DIR", str(tmp_path / "e"))
    folder = tmp_path / "e" / "vaults" / vault_folder_name(vault)
    assert run(capsys, "cache", "--vault", "v") == (
        0,
        f"Vault: v\nCache: {folder} (none yet)\n",
        "",
    )


def test_clear_removes_this_vaults_folder_only(capsys, vault, tmp_path):
    other = write_vault(tmp_path / "w", VAULT)
    for name in ("v", "w"):
        assert run(capsys, "scan", name, "--cache-dir", "c")[0] == 1
    cache = tmp_path / "c"
    folder = cache / "vaults" / vault_folder_name(vault)
    outside = tmp_path / "outside.txt"
    outside.write_text("not the cache's\n", encoding="utf-8")
    (folder / "link").symlink_to(outside)  # removed as a link, never followed
    what = held(folder)
    assert run(capsys, "cache", "v", "--clear", "--cache-dir", "c") == (
        0,
        f"Removed {folder} ({what}).\n",
        "",
    )
    assert not folder.exists()
    assert outside.read_text(encoding="utf-8") == "not the cache's\n"
    assert sorted(p.name for p in cache.iterdir()) == [
        ".gitignore",
        "CACHEDIR.TAG",
        "key",
        "vaults",
    ]
    assert [p.name for p in (cache / "vaults").iterdir()] == [vault_folder_name(other)]
    # nothing left to clear; the next scan makes the cache again
    assert run(capsys, "cache", "v", "--clear", "--cache-dir", "c") == (
        0,
        f"No cache for the vault v in {cache}.\n",
        "",
    )
    assert run(capsys, "scan", "v", "--cache-dir", "c")[0] == 1
    assert folder.is_dir()


@pytest.mark.parametrize("layout", ["no-tag", "other-tag", "tag-link"])
def test_clear_refuses_a_cache_root_vaultlint_did_not_lay_out(capsys, vault, tmp_path, layout):
    assert run(capsys, "scan", "v", "--cache-dir", "c")[0] == 1
    cache = tmp_path / "c"
    tag = cache / "CACHEDIR.TAG"
    real = tag.read_bytes()
    tag.unlink()
    if layout == "other-tag":
        tag.write_bytes(real.replace(b"vaultlint", b"sometool"))
    elif layout == "tag-link":
        (tmp_path / "tag").write_bytes(real)
        tag.symlink_to(tmp_path / "tag")
    folder = cache / "vaults" / vault_folder_name(vault)
    before = sorted(p.name for p in folder.iterdir())
    assert run(capsys, "cache", "v", "--clear", "--cache-dir", "c") == (
        2,
        "",
        f"vaultlint: error: {cache} is not a vaultlint cache (no CACHEDIR.TAG of vaultlint's "
        "beside a vaults/ folder): nothing removed\n",
    )
    assert sorted(p.name for p in folder.iterdir()) == before


def test_a_path_that_does_not_exist_exits_2(capsys, vault):
    assert run(capsys, "cache", "v/nothing.md") == (
        2,
        "",
        "vaultlint: error: v/nothing.md: no such file or folder\n",
    )
    assert run(capsys, "cache", "--vault", "nowhere") == (
        2,
        "",
        "vaultlint: error: --vault nowhere: not a folder\n",
    )


def test_a_file_that_cannot_be_removed_is_named_and_exits_2(capsys, vault, tmp_path, monkeypatch):
    """The error unlink gives for a file in use on Windows or in a folder without write
    permission (as root, permissions do not bite: the error is made here)."""
    assert run(capsys, "scan", "v", "--cache-dir", "c")[0] == 1
    folder = tmp_path / "c" / "vaults" / vault_folder_name(vault)
    (folder / "stuck").write_bytes(b"x")
    unlink = os.unlink

    def refusing(path, *args, **kwargs):
        if os.fspath(path).endswith("stuck"):
            raise PermissionError(13, "Permission denied")
        return unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", refusing)
    assert run(capsys, "cache", "v", "--clear", "--cache-dir", "c") == (
        2,
        "",
        f"vaultlint: error: cannot remove {folder / 'stuck'}: Permission denied\n",
    )
    assert [p.name for p in folder.iterdir()] == ["stuck"]  # the rest is gone


# --- a chosen cache folder that cannot be used: never a silent run without a cache -----------

_HINT = "give a folder vaultlint may write (or --no-cache)"


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("/dev/null", "not a folder"),
        ("file", "not a folder"),
        ("file/sub", "cannot be made or written: Not a directory"),
    ],
)
def test_a_cache_dir_that_cannot_be_used_is_exit_2_naming_it(
    capsys, vault, tmp_path, given, problem
):
    (tmp_path / "file").write_text("mine\n", encoding="utf-8")
    assert run(capsys, "scan", "v", "--cache-dir", given) == (
        2,
        "",
        f"vaultlint: error: --cache-dir {given}: {problem}; {_HINT}\n",
    )
    assert (tmp_path / "file").read_text(encoding="utf-8") == "mine\n"
    # --no-cache asks for none: the folder is not looked at
    assert run(capsys, "scan", "v", "--cache-dir", given, "--no-cache")[0] == 1


@pytest.mark.parametrize("clear", [[], ["--clear"]])
def test_the_cache_command_on_a_cache_root_that_is_no_folder_is_exit_2(
    capsys, vault, tmp_path, monkeypatch, clear
):
    (tmp_path / "file").write_text("mine\n", encoding="utf-8")
    assert run(capsys, "cache", "v", "--cache-dir", "file", *clear) == (
        2,
        "",
        "vaultlint: error: --cache-dir file: not a folder, so no cache can be kept there\n",
    )
    monkeypatch.setenv("VAULTLINT_CACHE_DIR", "/dev/null")
    assert run(capsys, "cache", "v", *clear) == (
        2,
        "",
        "vaultlint: error: /dev/null: not a folder, so no cache can be kept there\n",
    )
    assert (tmp_path / "file").read_text(encoding="utf-8") == "mine\n"


def test_a_cache_environment_variable_that_cannot_be_used_is_a_warning(
    capsys, vault, tmp_path, monkeypatch
):
    (tmp_path / "file").write_text("mine\n", encoding="utf-8")
    monkeypatch.setenv("VAULTLINT_CACHE_DIR", str(tmp_path / "file"))
    code, out, err = run(capsys, "scan", "v")
    assert (code, out, err) == (
        1,
        "v/a.md:3:1: error broken-link link target 'gone' does not exist\n"
        "Found 1 error in 1 note.\n",
        f"vaultlint: warning: $VAULTLINT_CACHE_DIR={tmp_path / 'file'}: not a folder; running "
        "without a cache\n",
    )
