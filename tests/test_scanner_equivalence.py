"""The fast line scanner finds exactly what the full parse (mistune deciding every note's block
structure) finds, on real vaults, Obsidian's fixtures and a generated vault."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vaultlint.parse import decode, parse_text

from .conftest import shared


def _corpus(tmp: Path) -> list[tuple[str, str]]:
    texts = []
    for path in sorted(shared("vaults").rglob("*.md")):
        texts.append((str(path), decode(path.read_bytes())[0]))
    for path in sorted(shared("obsidian", "fixtures").glob("*.json")):
        texts.append((str(path), json.loads(path.read_text(encoding="utf-8"))["fileContents"]))
    vault = tmp / "generated"
    subprocess.run(
        [sys.executable, str(shared("bench", "make_vault.py")), str(vault), "300", "11"],
        check=True,
        capture_output=True,
    )
    for path in sorted(vault.rglob("*.md")):
        texts.append((str(path), path.read_text(encoding="utf-8")))
    return texts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    return _corpus(tmp_path_factory.mktemp("equivalence"))


def test_corpus_is_large(corpus) -> None:
    assert len(corpus) > 600


def test_scanner_alone_equals_the_full_parse(corpus) -> None:
    differing = []
    for path, text in corpus:
        fast = parse_text(path, text, use_mistune=False)
        full = parse_text(path, text, force_mistune=True)
        if (fast.links, fast.tags, fast.headings, fast.blocks) != (
            full.links,
            full.tags,
            full.headings,
            full.blocks,
        ):
            differing.append(path)
    assert differing == []
