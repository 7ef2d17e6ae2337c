"""English for messages: counted words."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 note``, ``2 notes`` (``many``: the plural when it is not ``word`` + ``s``)."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"
