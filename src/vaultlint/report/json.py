"""``--format json``: the machine-readable shape of README "Commands"."""

from __future__ import annotations

import json
from collections.abc import Iterator

from vaultlint.lint.result import ScanResult
from vaultlint.report.base import Reporter


def _with_file(diagnostic: dict[str, object], file_prefix: str) -> dict[str, object]:
    """``path`` (vault-relative), then ``file`` (the same note from the current directory)."""
    path = diagnostic.pop("path")
    return {"path": path, "file": f"{file_prefix}{path}", **diagnostic}


def json_payload(result: ScanResult, file_prefix: str = "") -> dict[str, object]:
    """The JSON document as a dict: ``version``, ``vault``, ``diagnostics``, ``summary``."""
    counts = result.severity_counts()
    return {
        "version": result.version,
        "vault": result.vault,
        "diagnostics": [_with_file(d.to_json(), file_prefix) for d in result.diagnostics],
        "summary": {
            "notes": len(result.notes),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
        },
    }


class JsonReporter(Reporter):
    """Keys indented with two spaces, one diagnostic a line (as in README "Commands"' JSON example),
    non-ASCII kept as is, trailing newline.

    Each diagnostic is encoded compactly by the C encoder: ``json.dumps(indent=…)`` falls back
    to the pure-Python encoder, ten times slower on a vault with a hundred thousand findings.
    """

    name = "json"

    def chunks(self, result: ScanResult) -> Iterator[str]:
        dumps = json.dumps
        counts = result.severity_counts()
        summary = {
            "notes": len(result.notes),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
        }
        yield f'{{\n  "version": {dumps(result.version, ensure_ascii=False)},\n'
        yield f'  "vault": {dumps(result.vault, ensure_ascii=False)},\n'
        if not result.diagnostics:
            yield '  "diagnostics": [],\n'
        else:
            sep = '  "diagnostics": [\n    '
            for diagnostic in result.diagnostics:
                shown = _with_file(diagnostic.to_json(), self.file_prefix)
                yield sep + dumps(shown, ensure_ascii=False)
                sep = ",\n    "
            yield "\n  ],\n"
        yield f'  "summary": {dumps(summary, ensure_ascii=False)}\n}}\n'
