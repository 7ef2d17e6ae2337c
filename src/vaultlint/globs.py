"""Gitignore-style globs on vault-relative POSIX paths (pathspec), compiled once."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=256)
def compile_globs(patterns: tuple[str, ...]) -> Any:
    """A gitignore-style matcher for vault-relative POSIX paths."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def glob_match(patterns: tuple[str, ...], path: str) -> bool:
    return bool(patterns) and compile_globs(patterns).match_file(path)
