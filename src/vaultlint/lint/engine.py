"""Old name of the batch runner, for branches written before the split (``batch.py``: the
runner; ``linter.py``: linting one note; ``suppress.py``; ``result.py``). Import from those."""

from vaultlint.lint.batch import VaultView, check_vault, lint, open_vault, read_and_parse
from vaultlint.lint.linter import INTERNAL_ERROR, Linter
from vaultlint.lint.result import LintResult

__all__ = [
    "INTERNAL_ERROR",
    "LintResult",
    "Linter",
    "VaultView",
    "check_vault",
    "lint",
    "open_vault",
    "read_and_parse",
]
