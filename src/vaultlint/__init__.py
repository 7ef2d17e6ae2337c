"""vaultlint: a linter and consistency checker for Obsidian vaults."""

#: the version, written here only: pyproject.toml reads it (``[tool.hatch.version]``), so the
#: package metadata agrees without ``importlib.metadata`` being imported on every run
__version__ = "0.2.0"

#: bump when parsing changes what a note yields: cached parses of older versions are dropped
#: (kept here, not in ``vaultlint.parse``, so that the caches can name it without importing
#: the parser; ``vaultlint.parse.PARSER_VERSION`` is the same number)
#: 5: cached diagnostics keep their span; 6: canvases and bases; 7: a lazy line indented four
#: columns or more starts no block (it is paragraph text); 8: quoted lines inside a list item's
#: fence are code; 9: a deeper quote under a paragraph line holds indented code; 10: NaN and
#: Infinity in a canvas are invalid JSON (they were "nested too deeply")
PARSER_VERSION = 10
