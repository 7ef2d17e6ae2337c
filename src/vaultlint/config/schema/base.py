"""The base of the option schema: :class:`Schema`, :class:`SchemaError` and what every kind
of schema shares (key paths, did-you-mean, a mapping's entries)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vaultlint.config.yamlfile import NULL, STR, KeyValue, MappingProblem, shown
from vaultlint.config.yamlfile import pairs as yamlfile_pairs

#: mappings and lists nested deeper than this inside one value are refused (recursive aliases)
MAX_DEPTH = 64

KeyPath = tuple[str | int, ...]


def dotted(path: KeyPath) -> str:
    """``('properties', 'rating', 'enum', 2)`` -> ``properties.rating.enum[2]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the nearest choice, or an empty string."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


class SchemaError(Exception):
    """A value that does not fit: ``node`` is where (its line), ``path`` the key path inside the
    value being converted, ``problem`` a predicate such as ``must be an integer, not 'x'``."""

    def __init__(self, node: Node, path: KeyPath, problem: str) -> None:
        super().__init__(node, path, problem)
        self.node = node
        self.path = path
        self.problem = problem

    def message(self, what: str) -> str:
        """The whole sentence, ``what`` naming the value: ``option 'x' of rule 'r' must…``."""
        return f"{what} {self.problem}"

    def __str__(self) -> str:
        return self.message(f"'{dotted(self.path)}'" if self.path else "the value")


def pairs(node: MappingNode, path: KeyPath = ()) -> list[KeyValue]:
    """The entries of a mapping (:func:`vaultlint.config.yamlfile.pairs`: merge keys applied,
    explicit keys win, duplicate keys refused); raises :class:`SchemaError`."""
    try:
        return yamlfile_pairs(node, MAX_DEPTH)
    except MappingProblem as problem:
        at = problem.node
        if problem.kind == "merge-source":
            why = "has a merge key ('<<') that is not a mapping or a list of them"
        elif problem.kind == "merge-depth":
            why = f"has merge keys ('<<') nested over {MAX_DEPTH} deep"
        elif problem.kind == "key-type":
            why = f"has a key that is not a string but {shown(at)}"
        else:
            why = f"is given twice (first at line {problem.first_line})"
            raise SchemaError(at, (*path, problem.key), why) from None
        raise SchemaError(at, path, why) from None


def kind_of(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "list"
    if isinstance(node, MappingNode):
        return "mapping"
    return "null" if node.tag == NULL else "scalar"


class Schema:
    """What a value may be. ``kinds``: the node kinds it can take (scalar, list, mapping, null)."""

    kinds: frozenset[str] = frozenset()

    def convert(self, node: Node, path: KeyPath = ()) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        """``an integer``, ``a list of strings``, ``one of 'a', 'b'``."""
        raise NotImplementedError

    def plural(self) -> str:
        """How a list of these is described: ``strings``, ``mappings (keys: …)``."""
        return "values"

    def json(self) -> dict[str, Any]:
        raise NotImplementedError

    def choices(self) -> tuple[str, ...]:
        """String choices, for a did-you-mean."""
        return ()

    def leaf(self) -> bool:
        """Whether errors inside a list of these are reported as the list's."""
        return True

    def mismatch(self, node: Node, path: KeyPath) -> SchemaError:
        hint = ""
        if isinstance(node, ScalarNode) and node.tag != NULL:
            hint = suggest(node.value, self.choices()) if node.tag == STR else ""
            if not hint and node.tag != STR and "scalar" in self.kinds and self._takes_str():
                hint = f" (quote it for a string: '{node.value}')"
        return SchemaError(node, path, f"must be {self.describe()}, not {shown(node)}{hint}")

    def _takes_str(self) -> bool:
        return False
