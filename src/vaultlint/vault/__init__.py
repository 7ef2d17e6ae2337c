"""Vault discovery (files, root, Obsidian settings) and the vault index."""
