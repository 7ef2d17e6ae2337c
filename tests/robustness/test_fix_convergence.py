"""Fixes converge and keep every byte outside their edits (issue 13 item 3).

Over the two real vaults, a generated vault made messy on purpose (CRLF, BOM, NUL, mojibake,
minority tag spellings, dates in another format) and random notes (hypothesis):
fix twice = fix once, byte for byte; the fixed vault rescans with no fixable finding left; and
nothing changes but the edits.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultlint.cli import main
from vaultlint.config import find_config, load_config
from vaultlint.fix import FIX_FAILED, is_applicable
from vaultlint.lint.batch import lint

from ..conftest import REPO, write_vault

VAULTS = REPO / "tests" / "data" / "vaults"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def diagnostics(root: Path):
    return lint(root, load_config(find_config(root), root), use_cache=False).diagnostics


def fix(capsys, root: Path, *flags: str) -> int:
    code = main(["scan", str(root), "--no-cache", *flags])
    capsys.readouterr()
    return code


def messy_generated_vault(root: Path) -> Path:
    """bench/make_vault.py's vault (60 notes), then made messy in ways fixes must survive."""
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "make_vault.py"), str(root), "60", "3"],
        check=True,
        capture_output=True,
    )
    (root / ".vaultlint.yaml").write_text(
        "extends: [recommended]\nrules:\n  created-date:\n    check: date-format\n"
        "    fields: [created]\n"
        "    formats: ['%Y-%m-%d', '%d/%m/%Y']\n",
        encoding="utf-8",
    )
    rng = random.Random(3)
    for i, path in enumerate(sorted(root.rglob("*.md"))):
        text = path.read_text(encoding="utf-8")
        if i % 3 == 0:  # mojibake (an unsafe fix) in a paragraph of its own
            text += "\nPlanned for 2028â€“2029; the communiquÃ© said so.\n"
        if i % 3 == 1:  # a date in the other listed format, unpadded (a safe fix)
            y, m, d = rng.randint(2000, 2030), rng.randint(1, 12), rng.randint(1, 28)
            text = text.replace("created: ", f"created: {d}/{m}/{y}\nold-created: ", 1)
        if i % 7 == 0:  # the minority spelling of a common tag (a safe fix)
            text += "\nSee #Meeting and #MEETING too.\n"
        if i % 11 == 0:
            text = text.replace("\n", "\n\x00 NUL line\n", 1)
        data = text.encode("utf-8")
        if i % 4 == 0:
            data = data.replace(b"\n", b"\r\n")
        if i % 5 == 0:
            data = b"\xef\xbb\xbf" + data
        path.write_bytes(data)
    return root


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@pytest.mark.parametrize("name", ["obsidian-help-en", "kepano-obsidian", "generated"])
def test_fix_twice_is_fix_once_and_only_fixed_lines_change(capsys, tmp_path, name):
    vault = tmp_path / "vault"
    if name == "generated":
        messy_generated_vault(vault)
    else:
        shutil.copytree(VAULTS / name, vault, symlinks=True)
    before = snapshot(vault)
    found = diagnostics(vault)
    fixable = [d for d in found if is_applicable(d.fix, unsafe=True)]
    lines = {(d.path, d.line) for d in fixable}

    fix(capsys, vault, "--fix", "--unsafe-fixes")
    once = snapshot(vault)
    fix(capsys, vault, "--fix", "--unsafe-fixes")
    assert snapshot(vault) == once  # converged: a second --fix changes nothing
    assert fix(capsys, vault, "--diff", "--unsafe-fixes") == 0

    left = diagnostics(vault)
    assert [d for d in left if is_applicable(d.fix, unsafe=True) or d.rule == FIX_FAILED] == []
    changed = {p for p in once if once[p] != before[p]}
    assert set(once) == set(before)  # no file added or removed
    assert changed <= {d.path for d in fixable}
    for path in changed:
        old, new = _lines(before[path]), _lines(once[path])
        assert len(old) == len(new), path  # these fixes never add or remove a line
        for number, (a, b) in enumerate(zip(old, new, strict=True), 1):
            if a != b:
                assert (path, number) in lines, (path, number)
                assert a.endswith(b"\r") == b.endswith(b"\r"), (path, number)  # CRLF kept
        assert before[path].startswith(b"\xef\xbb\xbf") == once[path].startswith(b"\xef\xbb\xbf")
    if name == "generated":  # the messy vault really exercised the fixes
        assert len(changed) >= 30
        assert {d.rule for d in fixable} == {"created-date", "mojibake", "tag-case"}
        assert {d.rule for d in left} & {"created-date", "mojibake", "tag-case"} <= {
            "created-date"  # impossible dates (make_vault writes some) have no fix
        }


# --- random notes: every byte around the fixable text is kept -----------------------------

FILLER = st.lists(
    st.sampled_from(["a", "b", "é", "日", " ", ".", "\t", "\x00", "\n", "\r\n", "\r"]),
    max_size=40,
).map("".join)
# (as written, as fixed, whether the fix is safe)
FRAGMENTS = {
    "tag": ("#Space", "#space", True),
    "mojibake": ("Planned for 2028â€“2029", "Planned for 2028–2029", False),
    "date": ("Due: 2025-3-5", "Due: 2025-03-05", True),
}
CONFIG = (
    "extends: [recommended]\nrules:\n  due:\n    check: date-format\n"
    "    pattern: 'Due: (?P<date>[0-9-]+)'\n"
    "    formats: ['%Y-%m-%d']\n"
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    bom=st.booleans(),
    eol=st.sampled_from(["\n", "\r\n"]),
    parts=st.lists(st.tuples(FILLER, st.sampled_from(sorted(FRAGMENTS))), min_size=1, max_size=4),
    tail=FILLER,
    unsafe=st.booleans(),
)
def test_random_notes_keep_every_byte_outside_the_edits(capsys, bom, eol, parts, tail, unsafe):
    def build(fixed: bool) -> bytes:
        text = "\ufeff" if bom else ""
        for filler, kind in parts:
            written, repaired, safe = FRAGMENTS[kind]
            # each fragment is a paragraph of its own, at the start of its line
            text += "x" + filler + eol + eol
            text += (repaired if fixed and (safe or unsafe) else written) + eol + eol
        return (text + tail).encode("utf-8")

    flags = ["--fix", "--unsafe-fixes"] if unsafe else ["--fix"]
    with tempfile.TemporaryDirectory() as tmp:
        vault = write_vault(
            Path(tmp),
            {
                ".vaultlint.yaml": CONFIG,
                "n.md": build(False),
                "b.md": "#space\n",
                "c.md": "#space\n",
            },
        )
        fix(capsys, vault, *flags)
        assert (vault / "n.md").read_bytes() == build(True)
        fix(capsys, vault, *flags)
        assert (vault / "n.md").read_bytes() == build(True)
        assert fix(capsys, vault, "--diff", *flags[1:]) == 0
