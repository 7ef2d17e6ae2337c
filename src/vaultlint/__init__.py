"""vaultlint: a linter and consistency checker for Obsidian vaults."""

__version__ = "0.1.0"
