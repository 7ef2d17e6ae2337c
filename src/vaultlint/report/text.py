"""The default, human format: ``PATH:LINE:COL: SEVERITY RULE-ID message``, then a count."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence

from vaultlint.diagnostic import Diagnostic, LineTable
from vaultlint.escape import printable
from vaultlint.lint.result import ScanResult
from vaultlint.report.base import Reporter, encodable
from vaultlint.words import plural

_RESET = "\x1b[0m"
_BOLD = "1"
_SEVERITY_STYLE = {"error": "1;31", "warning": "1;33", "info": "1;36"}
_RULE_STYLE = "35"

# Control characters would break the one-line-per-diagnostic layout (newline) or drive the
# terminal (ESC), bidi overrides reorder the line: shown as escapes (``\n``, ``\x1b``).
_visible = printable


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{style}m{text}{_RESET}" if color and style else text


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def summary_line(result: ScanResult) -> str:
    """``Found 1 error and 2 warnings in 2 of 120 notes.`` (zero counts left out; the notes
    counted are those with findings, of the notes checked), or ``No problems found in 120
    notes.``"""
    checked = len(result.notes)
    counts = result.severity_counts()
    parts = [
        plural(counts[severity], severity)
        for severity in ("error", "warning", "info")
        if counts[severity]
    ]
    if not parts:
        return f"No problems found in {plural(checked, 'note')}."
    flagged = len({d.path for d in result.diagnostics})
    if flagged < checked:
        return f"Found {_join(parts)} in {flagged} of {plural(checked, 'note')}."
    return f"Found {_join(parts)} in {plural(flagged, 'note')}."


class TextReporter(Reporter):
    """One line per diagnostic, sorted, then a one-line count; ANSI colour only if ``color``."""

    name = "text"

    def format_diagnostic(self, diagnostic: Diagnostic) -> str:
        path = _paint(_visible(self.file_prefix + diagnostic.path), _BOLD, self.color)
        style = _SEVERITY_STYLE.get(diagnostic.severity, "")
        severity = _paint(diagnostic.severity, style, self.color)
        rule = _paint(_visible(diagnostic.rule), _RULE_STYLE, self.color)
        message = _visible(diagnostic.message)
        return f"{path}:{diagnostic.line}:{diagnostic.column}: {severity} {rule} {message}"

    def chunks(self, result: ScanResult) -> Iterator[str]:
        # each line is format_diagnostic's (a test holds them equal), with the painted path
        # and "severity rule" made once per value, the position looked up in the line starts
        # of the note (one view of them a note: its findings are together) and a message
        # that is printable as it is not passed on
        color = self.color
        paths: dict[str, str] = {}
        kinds: dict[tuple[str, str], str] = {}
        pending: list[str] = []
        table: LineTable | None = None
        starts: Sequence[int] = ()
        for d in result.diagnostics:
            path = paths.get(d.path)
            if path is None:
                path = paths[d.path] = _paint(_visible(self.file_prefix + d.path), _BOLD, color)
            kind = kinds.get((d.severity, d.rule))
            if kind is None:
                severity = _paint(d.severity, _SEVERITY_STYLE.get(d.severity, ""), color)
                rule = _paint(_visible(d.rule), _RULE_STYLE, color)
                kind = kinds[d.severity, d.rule] = f"{severity} {rule}"
            if d.lines is not table:
                table = d.lines
                starts = table.line_starts
            offset = d.span.start
            line = bisect_right(starts, offset)  # (1-based: LineTable.position's line + 1)
            column = offset - starts[line - 1] + 1
            message = d.message
            if not message.isprintable():
                message = _visible(message)
            pending.append(f"{path}:{line}:{column}: {kind} {message}\n")
            if len(pending) >= 512:
                yield "".join(pending)
                pending = []
        if pending:
            yield "".join(pending)
        counts = result.severity_counts()
        style = "1;31" if counts["error"] else "1;33" if counts["warning"] else "1;32"
        yield _paint(summary_line(result), style, self.color) + "\n"


def render_statistics(result: ScanResult, *, color: bool = False) -> str:
    """Per-rule counts for ``--statistics``: ``COUNT  RULE-ID  SEVERITY``, most frequent first.

    Empty when there are no diagnostics.
    """
    per_rule = Counter((d.rule, d.severity) for d in result.diagnostics)
    if not per_rule:
        return ""
    rows = sorted(per_rule.items(), key=lambda item: (-item[1], item[0]))
    count_width = len(str(rows[0][1]))
    rule_width = max(len(_visible(rule)) for (rule, _), _ in rows)
    lines = []
    for (rule, severity), count in rows:
        rule_cell = _paint(_visible(rule).ljust(rule_width), _RULE_STYLE, color)
        severity_cell = _paint(severity, _SEVERITY_STYLE.get(severity, ""), color)
        lines.append(f"{count:>{count_width}}  {rule_cell}  {severity_cell}")
    return encodable("\n".join(lines) + "\n")
