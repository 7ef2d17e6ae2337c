"""Shared test helpers: where the ground truth lives (``tests/data``), and small vault builders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# CI (``CI`` set, as .ci/run and GitHub Actions do) runs the property tests on the same examples
# every time, so that a red CI names a change, not a draw; elsewhere they explore new examples
# on every run (and keep what failed in .hypothesis/ to try first next time).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
BENCH = REPO / "bench"


def shared(*parts: str) -> Path:
    """A path inside ``tests/data`` (the ground truth, kept in the repository with its licences);
    ``shared("bench", …)`` is the repository's ``bench/`` folder (the vault generator)."""
    path = BENCH.joinpath(*parts[1:]) if parts[:1] == ("bench",) else DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing from the repository")
    return path


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The whole test session caches in a folder of its own (``VAULTLINT_CACHE_DIR``, which
    the subprocesses it starts inherit): nothing is written to the real user's cache folder.
    Session-wide, so module-scoped fixtures get it too; caches are per vault path, and every
    test's vaults have their own paths."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAULTLINT_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(autouse=True, scope="session")
def no_racy_window() -> Iterator[None]:
    """Tests write a note and run at once: with the production window (2 s) every such note
    would be racily clean (lint/incremental.py) and read again by the next run, which would
    not be warm, as long as the test took less than 2 s. Runs here, in this process and in
    the ones it starts, trust a note written before the run started (its time is before the
    run's clock: a file system's tick never runs ahead); tests/test_racy.py sets the real
    window."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAULTLINT_RACY_WINDOW_MS", "0")
        yield


@pytest.fixture
def plain_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No colour, no debug re-raise, and the test's tmp_path as the current directory."""
    for name in ("FORCE_COLOR", "VAULTLINT_DEBUG", "CI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)


def write_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create a vault under ``root`` from {vault path: text or bytes}."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root
