"""The configuration kept in the cache (``vaultlint.config.cached``): used while every file it
was read from has the same bytes, never a configuration that does not load, never a file that
is not authentic; findings the same as when the files are read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultlint.cli import main
from vaultlint.config.cached import FILE_NAME, keep_config, kept_config
from vaultlint.config.loader import load_config
from vaultlint.lint.cache import open_cache

pytestmark = pytest.mark.usefixtures("plain_environment")

CONFIG = "extends: [recommended, pack.yaml]\nrules:\n  tag-case: error\n"
PACK = "rules:\n  broken-link: warning\n"
VAULT = {
    ".obsidian/app.json": "{}\n",
    ".vaultlint.yaml": CONFIG,
    "pack.yaml": PACK,
    "a.md": "# A\n\nSee [[gone]] and #Tag.\n",
    "b.md": "---\nup: '[[a]]'\ncount: 3\n---\n# B\n\n#tag and #tag again.\n",
}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "v", VAULT)


def scan(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["scan", "v", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def edit(vault: Path) -> None:
    """A note changed: the next scan is not answered whole from the cache."""
    with open(vault / "b.md", "a", encoding="utf-8") as fh:
        fh.write("\nmore\n")


BROKEN = "v/a.md:3:5: warning broken-link link target 'gone' does not exist\n"
TAG = (
    "v/a.md:3:18: {} tag-case tag 'Tag' and 'tag' are each used in 1 note; on a tie the "
    "lower-case spelling is preferred: 'tag'\n"
)
TWO = BROKEN + TAG.format("error") + "Found 1 error and 1 warning in 1 of 2 notes.\n"


def test_a_scan_keeps_the_configuration_and_the_next_uses_it(capsys, vault):
    assert scan(capsys) == (1, TWO, "")
    config_file = vault / ".vaultlint.yaml"
    kept = kept_config(vault, config_file)
    assert kept == load_config(config_file, vault)
    assert kept.files == load_config(config_file, vault).files
    edit(vault)
    assert scan(capsys) == (1, TWO, "")


def test_a_scan_from_the_kept_configuration_imports_no_loader(capsys, vault, tmp_path):
    # nor YAML: the notes' frontmatter is flat (read without it), the vault has no base
    assert scan(capsys)[0] == 1
    edit(vault)
    child = (
        "import sys\n"
        "started = set(sys.modules)\n"  # not the interpreter's start-up (test_startup's child)
        "import contextlib, io, json\n"
        "from vaultlint.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    code = main(['scan', 'v'])\n"
        "loaded = [m for m in ('vaultlint.config.loader', 'vaultlint.config.rule_defs', 'yaml') "
        "if m in sys.modules and m not in started]\n"
        "print(json.dumps([code, out.getvalue(), loaded]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert json.loads(done.stdout) == [1, TWO, []]


def test_an_edited_config_file_is_read_again(capsys, vault):
    assert scan(capsys)[0] == 1
    (vault / ".vaultlint.yaml").write_text(CONFIG.replace("error", "info"), encoding="utf-8")
    assert scan(capsys) == (
        0,
        BROKEN + TAG.format("info") + "Found 1 warning and 1 info in 1 of 2 notes.\n",
        "",
    )


def test_an_edited_pack_file_is_read_again(capsys, vault):
    assert scan(capsys)[0] == 1
    (vault / "pack.yaml").write_text("rules:\n  broken-link: off\n", encoding="utf-8")
    assert scan(capsys) == (1, TAG.format("error") + "Found 1 error in 1 of 2 notes.\n", "")


def test_a_file_the_validation_reads_is_read_again(capsys, vault):
    # property-types validates .obsidian/types.json when the configuration is read
    assert scan(capsys)[0] == 1
    (vault / ".obsidian" / "types.json").write_text("{not json", encoding="utf-8")
    code, out, err = scan(capsys)
    assert (code, out) == (2, "")
    assert err.startswith("vaultlint: error: "), err
    expected = "types.json:1:2: invalid JSON: Expecting property name enclosed in double quotes"
    assert expected in err, err


def test_a_configuration_that_does_not_load_is_never_kept(capsys, vault):
    (vault / ".vaultlint.yaml").write_text("rules:\n  tag-case: loud\n", encoding="utf-8")
    first = scan(capsys)
    assert first[0] == 2 and "tag-case" in first[2]
    assert scan(capsys) == first
    assert kept_config(vault, vault / ".vaultlint.yaml") is None


@pytest.mark.parametrize("damage", ["flip", "empty", "other-body"])
def test_a_kept_configuration_that_is_not_authentic_is_not_used(capsys, vault, damage):
    assert scan(capsys)[0] == 1
    folder = open_cache(vault)
    assert folder is not None
    kept = folder.path / FILE_NAME
    data = kept.read_bytes()
    if damage == "flip":
        kept.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    elif damage == "empty":
        kept.write_bytes(b"")
    else:  # a valid MAC of another folder's file would not do: same MAC, other contents
        kept.write_bytes(data[:32] + data[32:].replace(b"tag-case", b"tag-cAse"))
    assert kept_config(vault, vault / ".vaultlint.yaml") is None
    edit(vault)
    assert scan(capsys) == (1, TWO, "")


def test_select_applies_to_the_kept_configuration(capsys, vault):
    assert scan(capsys)[0] == 1
    edit(vault)
    assert scan(capsys, "--select", "broken-link") == (
        0,
        BROKEN + "Found 1 warning in 1 of 2 notes.\n",
        "",
    )


def test_no_cache_neither_reads_nor_keeps_it(capsys, vault):
    assert scan(capsys, "--no-cache") == (1, TWO, "")
    folder = open_cache(vault)
    assert folder is not None and not (folder.path / FILE_NAME).exists()


def test_a_vault_without_a_config_file_keeps_the_recommended_pack(vault):
    (vault / ".vaultlint.yaml").unlink()
    config = load_config(None, vault)
    keep_config(vault, None, config)
    assert kept_config(vault, None) == config
    assert kept_config(vault, vault / ".vaultlint.yaml") is None  # another run key


def test_a_config_file_saved_while_it_is_read_keeps_what_it_now_says(vault, monkeypatch):
    # an editor saves .vaultlint.yaml after the loader read it and before the kept copy is
    # stamped with its bytes: the configuration of the old bytes must not be filed under the
    # new ones (every later scan would use it)
    import vaultlint.config.loader as loader

    real = loader.load_config
    path = vault / ".vaultlint.yaml"
    saved: list[bool] = []

    def read_then_saved(config_path, root):
        config = real(config_path, root)
        if not saved:
            path.write_text(CONFIG.replace("tag-case: error", "tag-case: off"), encoding="utf-8")
            saved.append(True)
        return config

    monkeypatch.setattr(loader, "load_config", read_then_saved)
    first = loader.load_config(path, vault)  # what this run read: the old bytes
    assert first.rule("tag-case").severity == "error"
    keep_config(vault, path, first)
    kept = kept_config(vault, path)
    assert kept is not None
    assert kept.rule("tag-case").severity == "off"
    assert kept == real(path, vault)


def test_a_configuration_larger_than_the_bound_is_not_kept_and_the_old_file_goes(
    capsys, vault, monkeypatch
):
    """A kept file larger than a scan reads was a miss on every run and written again on
    every run; now it is not written, and the file kept before goes. (The bound is 4 MiB; the
    test lowers it instead of loading megabytes of YAML twice a scan.)"""
    import vaultlint.config.cached as cached

    assert scan(capsys) == (1, TWO, "")
    target = open_cache(vault).path / FILE_NAME
    small = target.stat().st_size
    monkeypatch.setattr(cached, "MAX_BYTES", small + 100)
    config = CONFIG + f"  broken-link:\n    description: {'x' * 2000}\n"
    (vault / ".vaultlint.yaml").write_text(config, encoding="utf-8")
    import vaultlint.config.loader as loader

    readings = []
    real = loader.load_config
    monkeypatch.setattr(loader, "load_config", lambda *a: readings.append(a) or real(*a))
    assert scan(capsys) == (1, TWO, "")
    assert not target.exists()
    assert len(readings) == 1  # not read a second time to be kept
    assert kept_config(vault, vault / ".vaultlint.yaml") is None
    edit(vault)
    assert scan(capsys) == (1, TWO, "")
    assert not target.exists()
    # small enough again: kept again
    (vault / ".vaultlint.yaml").write_text(CONFIG, encoding="utf-8")
    assert scan(capsys) == (1, TWO, "")
    assert target.stat().st_size == small
    assert len(readings) == 4  # 1 each for the two runs above, 2 for this one (kept)


def test_the_reader_refuses_a_kept_file_larger_than_the_bound(capsys, vault, monkeypatch):
    import vaultlint.config.cached as cached

    assert cached.MAX_BYTES == 4 << 20
    assert scan(capsys) == (1, TWO, "")
    size = (open_cache(vault).path / FILE_NAME).stat().st_size
    config_file = vault / ".vaultlint.yaml"
    monkeypatch.setattr(cached, "MAX_BYTES", size)
    assert kept_config(vault, config_file) == load_config(config_file, vault)
    monkeypatch.setattr(cached, "MAX_BYTES", size - 1)
    assert kept_config(vault, config_file) is None


def test_temporaries_a_dead_run_left_are_removed_when_the_folder_is_opened(
    capsys, vault, monkeypatch
):
    import os
    import time

    from vaultlint.config import cached

    # a run that dies between writing the temporary and renaming it over config.bin
    def die(src, dst):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(cached.os, "replace", die)
        assert main(["scan", "v"]) == 2
    assert capsys.readouterr().err == "vaultlint: interrupted\n"
    folder = open_cache(vault).path
    (left,) = [p.name for p in folder.iterdir() if p.name.startswith(f".{FILE_NAME}-")]
    assert not (folder / FILE_NAME).exists()
    # another run's, being written now (young), a link and other names stay
    young = f".{FILE_NAME}-{'0' * 16}"
    (folder / young).write_bytes(b"x")
    (folder / f".{FILE_NAME}-{'1' * 16}").symlink_to(folder / young)
    (folder / f".{FILE_NAME}-short").write_bytes(b"x")
    hour_ago = time.time() - 3600
    for name in (left, f".{FILE_NAME}-short"):
        os.utime(folder / name, (hour_ago, hour_ago))
    os.utime(folder / f".{FILE_NAME}-{'1' * 16}", (hour_ago, hour_ago), follow_symlinks=False)
    assert scan(capsys) == (1, TWO, "")
    names = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
    assert names == [f".{FILE_NAME}-{'0' * 16}", f".{FILE_NAME}-{'1' * 16}", f".{FILE_NAME}-short"]
    assert (folder / FILE_NAME).is_file()  # this run kept the configuration
