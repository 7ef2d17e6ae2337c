""":class:`ConfigError`, apart from the loader: the CLI catches it without importing YAML."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration problem: ``str(exc)`` is ``'FILE:LINE: message'`` (the key named in it).

    ``line`` is 1-based, or None when the problem is not at a line (a missing file, a command
    line option); then ``str(exc)`` is ``'FILE: message'``. ``column`` (1-based) is given for a
    file that is not YAML and says where in the line (a JSON decode error in
    ``.obsidian/types.json``): ``'FILE:LINE:COL: message'``. ``key`` is the offending key.
    """

    def __init__(
        self,
        path: str,
        line: int | None,
        message: str,
        key: str | None = None,
        *,
        column: int | None = None,
    ):
        super().__init__(path, line, message, key)
        self.path = str(path)
        self.line = line
        self.column = column if line else None
        self.message = message
        self.key = key

    def __str__(self) -> str:
        place = f"{self.path}:{self.line}" if self.line else self.path
        if self.column:
            place += f":{self.column}"
        return f"{place}: {self.message}"
