"""Baselines: adopt vaultlint on a large vault without fixing everything first.

``--write-baseline FILE`` records today's findings; ``--baseline FILE`` then reports only
findings that are not in it. A finding is matched on its rule, its note and the text it points
at (or its message, for note-level findings), never on its line, so findings stay matched when
lines move. Each recorded finding silences one finding at most: a second identical broken link
added to the same note is new. A recorded finding whose note no longer exists may match the same
finding in another note (the note was renamed or moved), so a rename re-reports only what is
really new.
"""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from vaultlint import __version__
from vaultlint.diagnostic import Diagnostic
from vaultlint.lint.result import ScanResult

FORMAT = 1


class BaselineError(Exception):
    pass


def _anchor(diag: Diagnostic) -> str:
    return diag.snippet if diag.snippet else diag.message


def write_baseline(path: Path, result: ScanResult) -> None:
    """Record the findings of ``result`` in the baseline file at ``path``."""
    findings = [
        {
            "path": d.path,
            "rule": d.rule,
            "anchor": _anchor(d),
            "line": d.line,
            "message": d.message,
        }
        for d in result.diagnostics
    ]
    data = {"vaultlint-baseline": FORMAT, "version": __version__, "findings": findings}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _load(path: Path) -> list[dict]:
    from vaultlint.config import ConfigError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), None, "baseline file does not exist") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(str(path), None, f"cannot read the baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("vaultlint-baseline") != FORMAT:
        raise ConfigError(str(path), None, "not a vaultlint baseline file")
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise ConfigError(str(path), None, "baseline has no 'findings' list")
    return [f for f in findings if isinstance(f, dict)]


@dataclass(frozen=True)
class BaselineApplied:
    """What a baseline did to a run: ``new`` findings (reported), how many known findings it
    ``hidden``, and how many of its entries are ``stale`` (they match no finding any more: the
    finding was fixed). Stale entries count only among the notes the run checked, plus, when
    the run covered the whole vault, those of notes that no longer exist."""

    new: list[Diagnostic]
    hidden: int
    stale: int


def filter_with_baseline(path: Path, result: ScanResult) -> BaselineApplied:
    """The diagnostics of ``result`` that the baseline at ``path`` does not account for, and
    its counts."""
    diagnostics = result.diagnostics
    recorded = _load(path)
    same_note: Counter[tuple[str, str, str]] = Counter(
        (str(f.get("path")), str(f.get("rule")), str(f.get("anchor"))) for f in recorded
    )
    existing = set(result.vault_notes)
    # findings of notes that no longer exist (moved or renamed), by (rule, anchor): old names
    moved: dict[tuple[str, str], list[str]] = {}
    for f in recorded:
        old = str(f.get("path"))
        if old not in existing:
            moved.setdefault((str(f.get("rule")), str(f.get("anchor"))), []).append(old)
    unmatched = []
    for diag in diagnostics:
        key = (diag.path, diag.rule, _anchor(diag))
        if same_note[key] > 0:
            same_note[key] -= 1
        else:
            unmatched.append(diag)
    # a moved note keeps its file name: match those first, then renamed notes in path order
    fresh = []
    for diag in unmatched:
        olds = moved.get((diag.rule, _anchor(diag)))
        name = posixpath.basename(diag.path)
        same = [o for o in olds or () if posixpath.basename(o) == name]
        if same:
            olds.remove(same[0])  # type: ignore[union-attr]
        else:
            fresh.append(diag)
    still_new = []
    for diag in fresh:
        olds = moved.get((diag.rule, _anchor(diag)))
        if olds:
            olds.pop(0)
        else:
            still_new.append(diag)
    checked = set(result.notes)
    stale = sum(n for (note, _, _), n in same_note.items() if note in checked)
    if len(checked) == len(existing) - len(result.excluded):  # the whole vault was linted
        stale += sum(len(olds) for olds in moved.values())
    return BaselineApplied(still_new, len(diagnostics) - len(still_new), stale)
