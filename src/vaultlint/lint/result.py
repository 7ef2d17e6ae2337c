"""What a whole-vault run produced: :class:`LintResult`, for the reporters and the summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vaultlint.diagnostic import Diagnostic
from vaultlint.lint.linter import INTERNAL_ERROR


@dataclass
class LintResult:
    """The findings of a run and what the audit and the baseline need to know about it."""

    root: Path
    diagnostics: list[Diagnostic]
    targets: list[str]
    notes: list[str]  # every note of the vault
    excluded: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parsed: int = 0
    cached: int = 0
    from_results_cache: bool = False
    #: link targets that do not resolve: lower-case target → (as written, notes, links)
    missing: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    @property
    def internal_errors(self) -> bool:
        return any(d.rule == INTERNAL_ERROR for d in self.diagnostics)
