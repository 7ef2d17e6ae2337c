"""``--fix``: apply the safe fixes of diagnostics to the notes, never touching other bytes."""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from vaultlint.diagnostic import Diagnostic, Edit


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (an edit overlapping an earlier one is skipped)."""
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            continue
        out.append(text[pos : edit.start])
        out.append(edit.replacement)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def apply_fixes(root: Path, diagnostics: Sequence[Diagnostic]) -> tuple[int, list[Diagnostic]]:
    """Apply every safe fix; returns (how many findings were fixed, the findings left)."""
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    left: list[Diagnostic] = []
    for diag in diagnostics:
        if diag.fix is not None and diag.fix.applicability == "safe":
            by_path[diag.path].append(diag)
        else:
            left.append(diag)
    fixed = 0
    for path, diags in by_path.items():
        full = root / path
        try:
            raw = full.read_bytes()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            left.extend(diags)
            continue
        bom = text.startswith("\ufeff")
        body = text[1:] if bom else text
        new = apply_edits(body, [e for d in diags for e in d.fix.edits])  # type: ignore[union-attr]
        if new == body:
            left.extend(diags)
            continue
        data = (("\ufeff" if bom else "") + new).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=".vaultlint-", dir=full.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, full.stat().st_mode & 0o7777)
            os.replace(tmp, full)
        except OSError:
            if os.path.exists(tmp):
                os.unlink(tmp)
            left.extend(diags)
            continue
        fixed += len(diags)
    left.sort()
    return fixed, left
