"""``--diff``: the changes a fix plan makes, as a unified diff that ``git apply`` and
``patch -p1`` apply (the notes' own bytes: CRLF, lone CR and the BOM survive)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaultlint.fix import NoteFix


def _lines(data: bytes) -> list[bytes]:
    """Lines ending in ``\\n`` (a ``\\r`` stays part of its line, as git and patch see it)."""
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def unified_diff(changes: Sequence[NoteFix], shown: Callable[[str], str]) -> bytes:
    """The changes as a unified diff (bytes: the notes' own bytes, CRLF and BOM included).

    ``shown`` maps a vault path to the path the diff names (relative to the current folder).
    """
    import difflib

    out: list[bytes] = []
    for change in changes:
        name = shown(change.path)
        old, new = _quoted("a/" + name), _quoted("b/" + name)
        tab = b"\t" if " " in name else b""  # as git writes it, so that GNU patch reads the name
        out.append(b"diff --git %s %s\n" % (old, new))
        a, b = _lines(change.before), _lines(change.after)
        for line in difflib.diff_bytes(difflib.unified_diff, a, b, old, new, n=3, lineterm=b""):
            if line.startswith(b"--- " + old) or line.startswith(b"+++ " + new):
                out.append(line[:4] + (old if line[0:1] == b"-" else new) + tab + b"\n")
            elif line.startswith(b"@@ "):
                out.append(line.rstrip(b"\n") + b"\n")
            else:
                out.append(line)
                if not line.endswith(b"\n"):
                    out.append(b"\n\\ No newline at end of file\n")
    return b"".join(out)


_ESCAPES = {7: b"a", 8: b"b", 9: b"t", 10: b"n", 11: b"v", 12: b"f", 13: b"r", 34: b'"', 92: b"\\"}


def _quoted(name: str) -> bytes:
    """A path as git writes it in a diff header: C-quoted when it holds a control character,
    a double quote or a backslash (non-ASCII stays UTF-8, as with ``core.quotePath=false``)."""
    raw = name.encode("utf-8", "surrogateescape")
    if not any(b < 0x20 or b in (0x22, 0x5C, 0x7F) for b in raw):
        return raw
    out = bytearray(b'"')
    for b in raw:
        if b in _ESCAPES:
            out += b"\\" + _ESCAPES[b]
        elif b < 0x20 or b == 0x7F:
            out += b"\\%03o" % b
        else:
            out.append(b)
    return bytes(out + b'"')
