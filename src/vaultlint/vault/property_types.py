"""Obsidian's property types: ``.obsidian/types.json`` (``{"types": {"due": "date", …}}``).

Obsidian keeps one type per property name for the whole vault in this file (Properties.md:
"Once a property type is assigned to a property name, all properties with that name across
your vault will use the same type"). It is read once per run, never per note, and only when it
lies inside the vault: a ``.obsidian`` folder or ``types.json`` that is a symbolic link to
somewhere else is not read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from vaultlint.parse.property_values import OBSIDIAN_TYPES

TYPES_JSON = ".obsidian/types.json"
#: a types.json larger than this is not read (real ones are a few kilobytes)
MAX_BYTES = 1_000_000


class TypesFileError(ValueError):
    """``types.json`` exists but cannot be used: ``message``, and the 1-based ``line`` and
    ``column`` where the JSON is wrong (None when the problem is not at a place); ``str()``
    names the file vault-relative (``.obsidian/types.json:3:5: invalid JSON: …``)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message, line, column)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        place = TYPES_JSON + "".join(f":{n}" for n in (self.line, self.column) if n)
        return f"{place}: {self.message}"


class PropertyTypes(NamedTuple):
    """The declared types, by case-folded property name (property names are
    case-insensitive in Obsidian)."""

    types: dict[str, str]
    path: str = TYPES_JSON

    def type_of(self, key: str) -> str | None:
        return self.types.get(key.casefold())


def types_file(root: Path) -> Path:
    return root / ".obsidian" / "types.json"


def read_property_types(root: Path) -> PropertyTypes | None:
    """The vault's property types, or None when it has no ``.obsidian/types.json``.

    Raises :class:`TypesFileError` when the file exists but is outside the vault, not JSON,
    or not of the shape Obsidian writes. Unknown type names (a plugin's) are kept out.
    """
    path = types_file(root)
    if not path.exists():
        return None
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    if not real.startswith(real_root + os.sep):
        raise TypesFileError("not read, it is a link to outside the vault")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise TypesFileError(f"not read, larger than {MAX_BYTES} bytes")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TypesFileError(f"not UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise TypesFileError(f"cannot be read: {exc.strerror or exc}") from None
    import json  # here: most vaults have no types.json

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TypesFileError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise TypesFileError("invalid JSON: nested too deep") from None
    types = data.get("types") if isinstance(data, dict) else None
    if not isinstance(types, dict):
        raise TypesFileError('expected {"types": {"name": "type", …}}')
    return PropertyTypes(
        {
            str(k).casefold(): v
            for k, v in types.items()
            if isinstance(v, str) and v in OBSIDIAN_TYPES
        }
    )
