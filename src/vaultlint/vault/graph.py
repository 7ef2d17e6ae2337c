"""The vault's link graph, for the opt-in graph checks: which files some other file links to.

Built once per index, when a graph check first asks, from every note's, canvas's and base's
link targets (``NoteSummary.links``: body, frontmatter and ``%%`` comment links, embeds,
canvas file nodes and cards) resolved as Obsidian resolves them. A link from a file to itself
does not count.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaultlint.vault.index import VaultIndex


class LinkGraph:
    """Incoming-link counts of every file of the vault."""

    def __init__(self, index: VaultIndex) -> None:
        incoming: Counter[str] = Counter()
        resolve = index.resolve
        for source, summary in index.summaries.items():
            targets = summary.links
            for target in targets:
                if not target:
                    continue  # ``[[#Heading]]``: the note itself
                found = resolve(target, source) or index.file(target)
                if found is not None and found != source:
                    incoming[found] += 1
        self._incoming = incoming

    def incoming(self, path: str) -> int:
        """How many links from other files of the vault reach ``path``."""
        return self._incoming.get(path, 0)
