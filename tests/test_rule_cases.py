"""Rule cases as data (in the manner of sqlfluff's ``std_rule_cases``).

Each ``tests/rule_cases/<check>.yaml`` is a list of cases::

    - name: a missing section
      files: {Note.md: "..."}        # the vault: every file of the case (notes and others)
      note: Note.md                  # the note under test (default Note.md)
      options: {sections: [A, B]}    # the check's options, as YAML gives them
      expect: [[1, 1, "missing section 'B'"]]   # (line, column, message substring), in order
      problems: [[pattern, "named group"]]      # instead of expect: validate_options' problems

A case runs the check the way the engine does: the case's files are written to a temporary
vault, every note is parsed, a :class:`VaultIndex` is built over all of them, the check's
``prepare`` result becomes ``ctx.state``, and the diagnostics of the note under test are
compared by exact position and message substring.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from vaultlint.checks import REGISTRY
from vaultlint.checks.base import Check, CheckContext
from vaultlint.diagnostic import Diagnostic
from vaultlint.parse import parse_note
from vaultlint.vault.index import VaultIndex

CASES_DIR = Path(__file__).parent / "rule_cases"


def build_options(check: Check, raw: Mapping[str, Any]) -> Any:
    """The check's Options dataclass from a YAML mapping (lists become tuples)."""
    names = {f.name for f in dataclasses.fields(check.Options)}
    unknown = set(raw) - names
    assert not unknown, f"unknown options for {check.name}: {sorted(unknown)}"
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    return check.Options(**values)


def write_vault(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write the case's files (``!!binary`` values in YAML are written as they are)."""
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def run_check(
    check_name: str,
    files: Mapping[str, str],
    options: Mapping[str, Any],
    vault: Path,
    note_path: str = "Note.md",
) -> list[Diagnostic]:
    """Run one check on ``note_path`` of a vault made of ``files`` (written under ``vault``)."""
    check = REGISTRY[check_name]()
    opts = build_options(check, options)
    write_vault(vault, files)
    problems = list(check.validate_options(opts, vault))
    assert not problems, f"options rejected: {problems}"
    notes = {p: parse_note(p, t) for p, t in files.items() if p.lower().endswith(".md")}
    others = [p for p in files if not p.lower().endswith(".md")]
    index = VaultIndex(notes, others)
    ctx = CheckContext(
        index=index,
        rule_id=check_name,
        check_name=check_name,
        severity="warning",
        options=opts,
        state=check.prepare(opts, vault),
    )
    return sorted(check.check(notes[note_path], ctx))


def validation_problems(
    check_name: str, files: Mapping[str, str], options: Mapping[str, Any], vault: Path
) -> list[tuple[str, str]]:
    check = REGISTRY[check_name]()
    write_vault(vault, files)
    return list(check.validate_options(build_options(check, options), vault))


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        check_name = path.stem
        cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for case in cases:
            params.append(pytest.param(check_name, case, id=f"{check_name}: {case['name']}"))
    return params


def test_every_case_file_names_a_check() -> None:
    for path in CASES_DIR.glob("*.yaml"):
        assert path.stem in REGISTRY, f"{path.name}: no check named {path.stem!r}"


@pytest.mark.parametrize(("check_name", "case"), load_cases())
def test_rule_case(check_name: str, case: dict[str, Any], tmp_path: Path) -> None:
    files = case.get("files") or {}
    options = case.get("options") or {}
    if "problems" in case:
        problems = validation_problems(check_name, files, options, tmp_path)
        assert len(problems) == len(case["problems"]), problems
        for (option, message), (want_option, want_text) in zip(
            problems, case["problems"], strict=True
        ):
            assert option == want_option, problems
            assert want_text in message, problems
        return
    found = run_check(check_name, files, options, tmp_path, case.get("note", "Note.md"))
    got = [(d.line, d.column) for d in found]
    want = [(line, col) for line, col, *_ in case.get("expect") or []]
    assert got == want, "\n".join(f"{d.line}:{d.column} {d.message}" for d in found)
    for diag, (_, _, *text) in zip(found, case.get("expect") or [], strict=True):
        for part in text:
            assert part in diag.message, f"{diag.line}:{diag.column} {diag.message!r}"
