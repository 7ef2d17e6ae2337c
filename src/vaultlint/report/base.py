"""What every reporter receives (``ScanResult``, ``RuleInfo``) and the ``Reporter`` base class."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, TextIO

from vaultlint.diagnostic import Diagnostic


@dataclass(frozen=True)
class RuleInfo:
    """Metadata of an active rule: SARIF's ``tool.driver.rules`` and help texts are made of it.

    ``severity`` is the rule's configured severity (``info``, ``warning``, ``error``); ``help``
    is the rule's documentation in Markdown (the check's docstring), empty when there is none.
    """

    id: str
    check: str
    severity: str
    summary: str
    help: str = ""


@dataclass(frozen=True)
class ScanResult:
    """Everything a reporter may show about one scan.

    ``vault`` is the absolute vault root as a POSIX-style string. ``diagnostics`` are kept in
    report order (path, line, column, rule): they are sorted here, so callers may pass any
    iterable. ``notes`` are the vault-relative paths of the notes that were reported on,
    including those without findings. ``rules`` are the rules that were active.
    """

    vault: str
    diagnostics: tuple[Diagnostic, ...]
    notes: tuple[str, ...]
    rules: tuple[RuleInfo, ...]
    version: str

    def __post_init__(self) -> None:
        # Frozen, so normalise through object.__setattr__: tuples, and the contract's order.
        object.__setattr__(self, "diagnostics", tuple(sorted(self.diagnostics)))
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "rules", tuple(self.rules))

    def severity_counts(self) -> dict[str, int]:
        """Number of diagnostics per severity: ``{"error": n, "warning": n, "info": n}``."""
        counts = {"error": 0, "warning": 0, "info": 0}
        for diagnostic in self.diagnostics:
            counts[diagnostic.severity] = counts.get(diagnostic.severity, 0) + 1
        return counts


class Reporter(ABC):
    """Turns a ``ScanResult`` into the text of one output format.

    A reporter is built with the output options (``color``: ANSI colour wanted, decided by the
    CLI; ``path_prefix``: the vault's path relative to the repository root, for formats that CI
    systems resolve against the repository; ``file_prefix``: the vault's path as seen from the
    current directory, for the paths people open: text, JUnit and JSON's ``file``) and renders
    the whole result at once, since every format needs totals or a rule table. Formats that
    have no use for an option ignore it.
    Output is produced in pieces (:meth:`chunks`) that :meth:`write` streams, so a report of a
    million findings takes no more memory than one of ten.
    """

    name: ClassVar[str]

    def __init__(
        self, *, color: bool = False, path_prefix: str = "", file_prefix: str = ""
    ) -> None:
        self.color = color
        self.path_prefix = normalize_prefix(path_prefix)
        self.file_prefix = file_prefix_of(file_prefix)

    @abstractmethod
    def chunks(self, result: ScanResult) -> Iterator[str]:
        """The output in pieces, in order: what :meth:`write` streams. Reporters build each
        piece from one diagnostic (or one note), so memory never grows with the findings."""

    def render(self, result: ScanResult) -> str:
        """The complete output, ending with a newline (or empty when there is nothing to say)."""
        return encodable("".join(self.chunks(result)))

    def write(self, result: ScanResult, out: TextIO) -> None:
        """Stream the output to ``out`` (text mode), a piece at a time."""
        pending: list[str] = []
        size = 0
        for chunk in self.chunks(result):
            pending.append(chunk)
            size += len(chunk)
            if size >= 1 << 16:
                out.write(encodable("".join(pending)))
                pending, size = [], 0
        if pending:
            out.write(encodable("".join(pending)))


def file_prefix_of(prefix: str) -> str:
    """What makes a vault path open from the current directory (text, JUnit, JSON ``file``):
    ``""`` when the vault is the current directory, ``notes/`` below it, ``../`` from inside it,
    else the vault's absolute path with a final ``/`` (as ruff shows files outside it)."""
    prefix = prefix.replace("\\", "/")
    if prefix.startswith(("/", "../")) or re.match(r"[A-Za-z]:/", prefix):
        return prefix.rstrip("/") + "/"
    return normalize_prefix(prefix)


def normalize_prefix(prefix: str) -> str:
    """``notes``, ``./notes/`` or ``notes\\`` → ``notes/``; ``""`` or ``.`` → ``""``."""
    prefix = prefix.replace("\\", "/")
    while prefix.startswith("./"):
        prefix = prefix[2:]
    prefix = prefix.rstrip("/")
    if prefix in ("", "."):
        return ""
    return prefix + "/"


_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """Replace lone surrogates (e.g. from ``surrogateescape``-decoded, non-UTF-8 notes) by U+FFFD.

    Any surrogate in a ``str`` is unpaired and would make writing the report as UTF-8 fail, so
    reporters pass their finished output through this.
    """
    return _SURROGATE.sub("\ufffd", text)
