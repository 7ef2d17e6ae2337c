"""Diagnostics: one violation of one rule, at one place in one note."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A change that would resolve a diagnostic. ``safe`` fixes may be applied by ``--fix``."""

    message: str
    edits: tuple[Edit, ...]
    applicability: Literal["safe", "unsafe"] = "safe"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """A finding, orderable as reports sort them: path, line, column, rule.

    ``line``/``column`` are 1-based, ``column`` counts code points. ``snippet`` is the offending
    text (used by the baseline to match findings across moved lines).
    """

    path: str
    line: int
    column: int
    rule: str
    end_line: int = field(compare=False)
    end_column: int = field(compare=False)
    check: str = field(compare=False)
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    snippet: str = field(default="", compare=False)
    fix: Fix | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "rule": self.rule,
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
        }
