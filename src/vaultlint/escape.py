"""One escaping helper for every name and message vaultlint prints for people.

Note names, link targets, messages and configuration errors come from the vault, which in CI is
a stranger's pull request. Printed raw they could drive the terminal (ESC and OSC sequences,
8-bit C1 controls such as CSI ``\\x9b``), start a GitHub Actions workflow command on a line of
their own (``x\\n::error file=…::``), reorder what a reader sees (bidirectional overrides and
isolates, Trojan Source), or, where Rich renders text, be read as markup (``[link=…]``).
:func:`printable` shows every such character as a visible escape (``\\n``, ``\\x1b``,
``\\u202e``) and, with ``markup=True``, escapes Rich's ``[``. Tabs are kept.

Used by the text and GitHub reporters, the ``--statistics`` audit, the rules table and every
``vaultlint: …`` line on stderr (errors, warnings, information). The JSON, SARIF and JUnit
reporters write data for programs and use their formats' own escaping instead.
"""

from __future__ import annotations

import re

#: C0 controls but tab, DEL and the C1 controls; the bidi marks, embeddings, overrides and
#: isolates; the Unicode line and paragraph separators; the zero-width no-break space (BOM)
#: (patterns, compiled on use by ``re``'s cache: most text is printable and never needs them)
UNSAFE = (
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_UNSAFE_BUT_NEWLINES = UNSAFE.replace("\x0a-\x1f", "\x0b\x0c\x0e-\x1f")


def printable(text: str, *, markup: bool = False, newlines: bool = False) -> str:
    """``text`` safe to print on a terminal or in a CI log: one line, no escape sequences, no
    bidirectional reordering; with ``markup``, also safe inside Rich markup. ``newlines``
    keeps LF and CR, for a format that encodes them itself (GitHub's ``%0A``)."""
    if not text.isprintable():
        text = re.sub(_UNSAFE_BUT_NEWLINES if newlines else UNSAFE, _escape, text)
    if markup and "[" in text:
        from rich.markup import escape

        text = escape(text)
    return text
