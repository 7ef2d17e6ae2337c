"""``--format json``: the CONTRACT's machine-readable shape."""

from __future__ import annotations

import json

from vaultlint.report.base import Reporter, ScanResult, encodable


def json_payload(result: ScanResult) -> dict[str, object]:
    """The JSON document as a dict: ``version``, ``vault``, ``diagnostics``, ``summary``."""
    counts = result.severity_counts()
    return {
        "version": result.version,
        "vault": result.vault,
        "diagnostics": [diagnostic.to_json() for diagnostic in result.diagnostics],
        "summary": {
            "notes": len(result.notes),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
        },
    }


class JsonReporter(Reporter):
    """Indented with two spaces, non-ASCII kept as is, trailing newline."""

    name = "json"

    def render(self, result: ScanResult) -> str:
        return encodable(json.dumps(json_payload(result), indent=2, ensure_ascii=False) + "\n")
