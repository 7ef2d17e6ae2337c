"""Byte-identical JSON on real and generated vaults, in every way a scan can run.

The golden files in ``tests/golden/`` were written by ``vaultlint scan VAULT --format json
--no-cache`` run from inside the vault (so ``file`` is the vault path) and hold the whole
report but its ``vault`` field (an absolute path). Every mode must print exactly those bytes:
cold without a cache, one process or several, the first run that writes the caches, a warm run
that reads them, and a run after one note was touched (same bytes, new modification time).
Speed work (issue 14) is judged by this test: no change to any finding, byte for byte.

To refresh after an intended change of findings: ``python -m tests.test_golden_vaults``.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO

GOLDEN = REPO / "tests" / "golden"
GENERATOR = REPO / "bench" / "make_vault.py"
#: a generated vault big enough to take the parallel path (over 400 notes) in every mode
GENERATED_NOTES = 1500

VAULTS = {
    "obsidian-help-en": DATA / "vaults" / "obsidian-help-en",
    "kepano-obsidian": DATA / "vaults" / "kepano-obsidian",
    f"generated-{GENERATED_NOTES}": None,  # made by the generator, seed 1
}
_VAULT_FIELD = re.compile(rb'^  "vault": .*$', re.MULTILINE)


def golden_path(name: str) -> Path:
    return GOLDEN / f"{name}.json.gz"


def scan_json(vault: Path, *args: str, cache: Path | None = None) -> bytes:
    """The JSON report of one scan as a user runs it (a process of its own, in the vault)."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("VAULTLINT_DEBUG", None)
    if cache is not None:
        env["VAULTLINT_CACHE_DIR"] = str(cache)
    proc = subprocess.run(
        [sys.executable, "-m", "vaultlint", "scan", ".", "--format", "json", *args],
        cwd=vault,
        env=env,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr.decode("utf-8", "replace")[-2000:]
    assert proc.stderr == b""
    return _VAULT_FIELD.sub(b'  "vault": "<VAULT>",', proc.stdout, count=1)


def make_generated(out: Path) -> Path:
    subprocess.run(
        [sys.executable, str(GENERATOR), str(out), str(GENERATED_NOTES), "1", "--force"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out


@pytest.fixture(scope="module")
def vaults(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Writable copies (a touch must not change the repository's files)."""
    base = tmp_path_factory.mktemp("golden")
    made = {}
    for name, source in VAULTS.items():
        if source is None:
            made[name] = make_generated(base / name)
        else:
            made[name] = Path(shutil.copytree(source, base / name, symlinks=True))
    return made


@pytest.mark.parametrize("name", list(VAULTS))
def test_every_mode_prints_the_golden_bytes(name, vaults, tmp_path):
    vault = vaults[name]
    golden = gzip.decompress(golden_path(name).read_bytes())
    assert scan_json(vault, "--no-cache") == golden
    assert scan_json(vault, "--no-cache", "--jobs", "1") == golden
    assert scan_json(vault, "--no-cache", "--jobs", "2") == golden
    cache = tmp_path / "cache"
    assert scan_json(vault, cache=cache) == golden  # first run: writes the caches
    assert scan_json(vault, cache=cache) == golden  # warm: reads them
    note = sorted(vault.rglob("*.md"))[0]
    stamp = note.stat().st_mtime_ns + 5_000_000_000
    os.utime(note, ns=(stamp, stamp))
    assert scan_json(vault, cache=cache) == golden  # one note touched, content unchanged
    assert scan_json(vault, "--jobs", "1", cache=cache) == golden
    # one note edited (a line break at its end: the same findings): it is checked again
    # against an index that reads the other notes' stored summaries on demand (lint/lazy.py)
    original = note.read_bytes()
    note.write_bytes(original + b"\n")
    assert scan_json(vault, cache=cache) == golden
    note.write_bytes(original)
    assert scan_json(vault, "--jobs", "1", cache=cache) == golden


def test_golden_files_hold_findings():
    """The golden files are real reports (not empty ones that anything would match)."""
    sizes = {name: len(gzip.decompress(golden_path(name).read_bytes())) for name in VAULTS}
    assert all(size > 3000 for size in sizes.values()), sizes


if __name__ == "__main__":  # refresh the golden files
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, source in VAULTS.items():
            vault = make_generated(Path(tmp) / name) if source is None else source
            data = scan_json(vault, "--no-cache", cache=Path(tmp) / "cache")
            golden_path(name).write_bytes(gzip.compress(data, mtime=0))
            print(f"{golden_path(name)}: {len(data)} bytes")
