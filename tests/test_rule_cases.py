"""Rule cases as data (in the manner of sqlfluff's ``std_rule_cases``).

Each ``tests/rule_cases/<check>.yaml`` is a list of cases::

    - name: a missing section
      files: {Note.md: "..."}        # the vault: every file of the case (notes and others)
      note: Note.md                  # the note under test (default Note.md)
      options: {sections: [A, B]}    # the check's options, as YAML gives them
      expect: [[1, 1, "missing section 'B'"]]   # (line, column, message substring), in order
      problems: [[pattern, "named group"]]      # instead of expect: validate_options' problems
                                                # (a file's own: [PATH, "LINE:COL: message"])

A case runs the check as every run does: the case's files are written to a temporary vault, its
options go into a ``.vaultlint.yaml`` read by the real config loader, every note is parsed, a
:class:`VaultIndex` is built over all of them, and the :class:`Linter` lints the note under test
(``where``, suppression, crash isolation, and a ``NoteView`` for checks that declare
``reads``); its findings are compared by exact position and message substring.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from vaultlint.checks import REGISTRY
from vaultlint.checks.base import FileProblem
from vaultlint.config import ConfigError, load_config
from vaultlint.config.schema import SchemaError, options_from_data
from vaultlint.diagnostic import Diagnostic
from vaultlint.lint.linter import Linter
from vaultlint.parse import parse_note
from vaultlint.vault.discovery import is_note_name, is_vault_file_name
from vaultlint.vault.index import VaultIndex

CASES_DIR = Path(__file__).parent / "rule_cases"


def write_vault(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write the case's files (``!!binary`` values in YAML are written as they are)."""
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def write_config(vault: Path, rule_id: str, check_name: str, options: Mapping[str, Any]) -> Path:
    """A ``.vaultlint.yaml`` with one rule of the check (no built-in pack): the case's options
    go through the real config loader, as a user's would."""
    rule = {"check": check_name, "severity": "warning", **options}
    path = vault / ".vaultlint.yaml"
    path.write_text(yaml.safe_dump({"extends": [], "rules": {rule_id: rule}}), encoding="utf-8")
    return path


def _linted(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return is_note_name(name) or is_vault_file_name(name)


def run_check(
    check_name: str,
    files: Mapping[str, str],
    options: Mapping[str, Any],
    vault: Path,
    note_path: str = "Note.md",
) -> list[Diagnostic]:
    """Lint ``note_path`` of a vault made of ``files`` (written under ``vault``) with one rule of
    the check, through the config loader and the :class:`Linter` every run uses; the rule's
    findings, sorted."""
    write_vault(vault, files)
    rule_id = f"case-{check_name}"
    config = load_config(write_config(vault, rule_id, check_name, options), vault)
    # notes, canvases and bases are parsed (as discovery lists them); other files are targets
    notes = {p: parse_note(p, t) for p, t in files.items() if _linted(p)}
    others = [p for p in files if not _linted(p)]
    linter = Linter(config, VaultIndex(notes, others), root=vault)
    return [d for d in linter.check(notes[note_path]) if d.rule == rule_id]


def validation_problems(
    check_name: str, files: Mapping[str, str], options: Mapping[str, Any], vault: Path
) -> list[tuple[str, str]]:
    """Every problem with the options: the option schema's (as ``(option, message)``) or else
    what ``validate_options`` finds in the converted options."""
    check = REGISTRY[check_name]()
    write_vault(vault, files)
    try:
        converted = options_from_data(check.Options, options)
    except SchemaError as exc:
        return [(str(exc.path[0]) if exc.path else "", str(exc))]
    problems = []
    for problem in check.validate_options(converted, vault):
        if isinstance(problem, FileProblem):  # a file of its own: its path, line and column
            place = "".join(f"{n}:" for n in (problem.line, problem.column) if n)
            problem = (problem.path.relative_to(vault).as_posix(), f"{place} {problem.message}")
        problems.append(problem)
    return problems


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
        # and the config loader refuses such a rule, with the first problem
        with pytest.raises(ConfigError) as refused:
            load_config(write_config(tmp_path, "case", check_name, options), tmp_path)
        assert case["problems"][0][1] in str(refused.value)
        return
    found = run_check(check_name, files, options, tmp_path, case.get("note", "Note.md"))
    got = [(d.line, d.column) for d in found]
    want = [(line, col) for line, col, *_ in case.get("expect") or []]
    assert got == want, "\n".join(f"{d.line}:{d.column} {d.message}" for d in found)
    for diag, (_, _, *text) in zip(found, case.get("expect") or [], strict=True):
        for part in text:
            assert part in diag.message, f"{diag.line}:{diag.column} {diag.message!r}"
