"""Diagnostics at given positions, for tests of what consumes them (reporters, baselines).

Checks make diagnostics from a span of a note (``ctx.diagnostic``); a reporter test only needs
one at a line and column, so this makes a note-less line table whose lines are ``WIDTH``
characters long and turns the positions into the matching span.
"""

from __future__ import annotations

from vaultlint.diagnostic import Diagnostic, Fix, LineTable, Severity
from vaultlint.model import Span

WIDTH = 1000
GRID = LineTable(tuple(range(0, 200 * WIDTH, WIDTH)))


def at(
    path: str,
    line: int,
    column: int,
    end_line: int,
    end_column: int,
    rule: str,
    check: str,
    severity: Severity,
    message: str,
    snippet: str = "",
    fix: Fix | None = None,
) -> Diagnostic:
    """A diagnostic from ``line:column`` to ``end_line:end_column`` (1-based, code points)."""
    start = (line - 1) * WIDTH + column - 1
    end = (end_line - 1) * WIDTH + end_column - 1
    return Diagnostic(path, Span(start, end), rule, check, severity, message, GRID, snippet, fix)
