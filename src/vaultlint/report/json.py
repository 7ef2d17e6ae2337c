"""``--format json``: the machine-readable shape of README "Commands"."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterator, Sequence

from vaultlint.diagnostic import LineTable
from vaultlint.lint.result import ScanResult
from vaultlint.report.base import Reporter


def _with_file(diagnostic: dict[str, object], file_prefix: str) -> dict[str, object]:
    """``path`` (vault-relative), then ``file`` (the same note from the current directory)."""
    path = diagnostic.pop("path")
    return {"path": path, "file": f"{file_prefix}{path}", **diagnostic}


def _skipped(result: ScanResult, file_prefix: str) -> list[dict[str, str]]:
    """``skipped``: the notes a whole-vault scan could not read, and why (the key is there
    only when there is one: ``{"path", "file", "reason"}``, ``path`` vault-relative)."""
    return [
        {"path": n.path, "file": f"{file_prefix}{n.path}", "reason": n.reason}
        for n in result.skipped_notes
    ]


def json_payload(result: ScanResult, file_prefix: str = "") -> dict[str, object]:
    """The JSON document as a dict: ``version``, ``vault``, ``diagnostics``, ``skipped``
    (only when a note was skipped), ``run_warnings`` (only when the run warned: what stderr
    says, e.g. a rule that applies to no note), ``summary``."""
    counts = result.severity_counts()
    skipped = _skipped(result, file_prefix)
    return {
        "version": result.version,
        "vault": result.vault,
        "diagnostics": [_with_file(d.to_json(), file_prefix) for d in result.diagnostics],
        **({"skipped": skipped} if skipped else {}),
        **({"run_warnings": list(result.warnings)} if result.warnings else {}),
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

    A diagnostic's line is what ``json.dumps(_with_file(d.to_json(), prefix),
    ensure_ascii=False)`` gives (a test holds them equal), written out from its fields: the
    keys are fixed, the numbers are ``int``s, and each string is encoded by the C string
    encoder that ``json.dumps`` uses (``JSONEncoder.encode`` of a ``str`` calls it directly).
    One ``json.dumps`` a finding — an encoder built, a dict made and walked — was most of
    the time of a warm scan's JSON report (2,000 findings at 10k notes). The note's path, the
    rule, check and severity are encoded once per value.
    """

    name = "json"

    def chunks(self, result: ScanResult) -> Iterator[str]:
        dumps = json.dumps
        encode = json.JSONEncoder(ensure_ascii=False).encode
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
            prefix = self.file_prefix
            heads: dict[str, str] = {}  # path -> its "path" and "file" members
            kinds: dict[tuple[str, str, str], str] = {}  # rule, check, severity -> members
            sep = '  "diagnostics": [\n    '
            pending: list[str] = []
            table: LineTable | None = None
            starts: Sequence[int] = ()
            for d in result.diagnostics:
                head = heads.get(d.path)
                if head is None:
                    head = heads[d.path] = (
                        f'{{"path": {encode(d.path)}, "file": {encode(prefix + d.path)}, '
                    )
                kind = (d.rule, d.check, d.severity)
                members = kinds.get(kind)
                if members is None:
                    members = kinds[kind] = (
                        f'"rule": {encode(d.rule)}, "check": {encode(d.check)}, '
                        f'"severity": {encode(d.severity)}, "message": '
                    )
                if d.lines is not table:  # (one view of a note's line starts)
                    table = d.lines
                    starts = table.line_starts
                start, end = d.span
                line = bisect_right(starts, start)  # (1-based: LineTable.position's + 1)
                end_line = line if end == start else bisect_right(starts, end)
                pending.append(
                    f'{sep}{head}"line": {line}, "column": {start - starts[line - 1] + 1}, '
                    f'"end_line": {end_line}, "end_column": {end - starts[end_line - 1] + 1}, '
                    f"{members}{encode(d.message)}}}"
                )
                sep = ",\n    "
                if len(pending) >= 512:  # pieces of a few tens of kilobytes
                    yield "".join(pending)
                    pending = []
            yield "".join(pending) + "\n  ],\n"
        skipped = _skipped(result, self.file_prefix)
        if skipped:
            items = ",\n    ".join(dumps(n, ensure_ascii=False) for n in skipped)
            yield f'  "skipped": [\n    {items}\n  ],\n'
        if result.warnings:
            items = ",\n    ".join(dumps(w, ensure_ascii=False) for w in result.warnings)
            yield f'  "run_warnings": [\n    {items}\n  ],\n'
        yield f'  "summary": {dumps(summary, ensure_ascii=False)}\n}}\n'
