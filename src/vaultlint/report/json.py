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
    """Keys indented with two spaces, one diagnostic a line (as in CONTRACT.md's example),
    non-ASCII kept as is, trailing newline.

    Each diagnostic is encoded compactly by the C encoder: ``json.dumps(indent=…)`` falls back
    to the pure-Python encoder, ten times slower on a vault with a hundred thousand findings.
    """

    name = "json"

    def render(self, result: ScanResult) -> str:
        payload = json_payload(result)
        dumps = json.dumps
        lines = ["{"]
        for key, value in payload.items():
            if key == "diagnostics":
                items = [dumps(d, ensure_ascii=False) for d in value]  # type: ignore[attr-defined]
                body = ",\n    ".join(items)
                shown = f"[\n    {body}\n  ]" if items else "[]"
            else:
                shown = dumps(value, ensure_ascii=False)
            lines.append(f"  {dumps(key)}: {shown},")
        lines[-1] = lines[-1][:-1]
        lines.append("}")
        return encodable("\n".join(lines) + "\n")
