"""``--format github``: GitHub Actions workflow commands, one annotation per diagnostic.

``::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE`` (``warning`` →
``::warning``, ``info`` → ``::notice``). Escaping follows ``@actions/core``: data (the message)
gets ``%`` → ``%25``, CR → ``%0D``, LF → ``%0A``; property values additionally ``:`` → ``%3A``
and ``,`` → ``%2C``. Other control characters, escape sequences and bidi overrides are shown as
visible escapes first (:func:`vaultlint.escape.printable`), so a note named
``x\n::error file=…::y.md`` makes one annotation, never a workflow command of its own.

GitHub resolves ``file=`` against the repository root, so PATH is ``path_prefix`` (the vault's
path relative to the repository root, e.g. ``notes/``) followed by the vault-relative path.
Output is annotations only: no summary line (GitHub shows the count of annotations itself, and
a ``::notice::`` summary would add a noise annotation to every run); no findings, empty output.
The run's warnings (also on stderr) come first, each a ``::warning title=vaultlint::`` without
a file: a rule that applies to no note is a gate that checks nothing, which the pull request
should show.
"""

from __future__ import annotations

from collections.abc import Iterator

from vaultlint.diagnostic import Diagnostic
from vaultlint.escape import printable
from vaultlint.lint.result import ScanResult
from vaultlint.report.base import Reporter

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message, as ``@actions/core`` ``escapeData`` does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command property value, as ``@actions/core`` ``escapeProperty`` does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """Workflow-command annotations, paths made repository-relative with ``path_prefix``."""

    name = "github"

    def format_diagnostic(self, diagnostic: Diagnostic) -> str:
        properties = [
            ("file", self.path_prefix + diagnostic.path),
            ("line", str(diagnostic.line)),
            ("col", str(diagnostic.column)),
            ("endLine", str(diagnostic.end_line)),
            ("endColumn", str(diagnostic.end_column)),
            ("title", diagnostic.rule),
        ]
        props = ",".join(
            f"{key}={escape_property(printable(value, newlines=True))}" for key, value in properties
        )
        command = COMMANDS.get(diagnostic.severity, "warning")
        message = escape_data(printable(diagnostic.message, newlines=True))
        return f"::{command} {props}::{message}"

    def chunks(self, result: ScanResult) -> Iterator[str]:
        # the run's own warnings (a PATH that is no note, a rule that applies to no note) are
        # annotations too: on stderr alone, a CI log is where nobody reads them
        for warning in result.warnings:
            yield f"::warning title=vaultlint::{escape_data(printable(warning, newlines=True))}\n"
        for diagnostic in result.diagnostics:
            yield self.format_diagnostic(diagnostic) + "\n"
