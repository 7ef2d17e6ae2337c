"""The ``Reporter`` base class; what every reporter receives is
:class:`~vaultlint.lint.result.ScanResult`."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import ClassVar, TextIO

from vaultlint.lint.result import ScanResult


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


#: compiled on use (by ``re``'s cache): a report seldom holds a surrogate
_SURROGATE = "[\ud800-\udfff]"


def encodable(text: str) -> str:
    """Replace lone surrogates (e.g. from ``surrogateescape``-decoded, non-UTF-8 notes) by U+FFFD.

    Any surrogate in a ``str`` is unpaired and would make writing the report as UTF-8 fail, so
    reporters pass their finished output through this.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return re.sub(_SURROGATE, "\ufffd", text)
    return text
