"""Schemas of single values: null, ``str``/``int``/``float``/``bool``, ``Literal[...]`` and
``Any`` (any YAML value, lists as tuples)."""

from __future__ import annotations

import dataclasses
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vaultlint.config.schema.base import MAX_DEPTH, KeyPath, Schema, SchemaError, pairs
from vaultlint.config.yamlfile import BOOL, FLOAT, INT, STR, is_null, scalar_value


class NullSchema(Schema):
    kinds = frozenset({"null"})

    def convert(self, node: Node, path: KeyPath = ()) -> Any:
        if is_null(node):
            return None
        raise self.mismatch(node, path)

    def describe(self) -> str:
        return "null"

    def json(self) -> dict[str, Any]:
        return {"type": "null"}


@dataclasses.dataclass(frozen=True, eq=False)
class ScalarSchema(Schema):
    """``str``, ``int``, ``float`` or ``bool``."""

    type: type

    kinds = frozenset({"scalar"})

    def convert(self, node: Node, path: KeyPath = ()) -> Any:
        if isinstance(node, ScalarNode) and node.tag in ACCEPTED_TAGS[self.type]:
            value = scalar_value(node)
            if self.type is str:
                return node.value
            if (
                self.type is float
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                return float(value)
            if isinstance(value, self.type):
                return value
        raise self.mismatch(node, path)

    def describe(self) -> str:
        return _SCALAR_NAMES[self.type][0]

    def plural(self) -> str:
        return _SCALAR_NAMES[self.type][1]

    def json(self) -> dict[str, Any]:
        return {"type": _SCALAR_NAMES[self.type][2]}

    def _takes_str(self) -> bool:
        return self.type is str


ACCEPTED_TAGS: dict[type, tuple[str, ...]] = {
    str: (STR,),
    int: (INT,),
    float: (INT, FLOAT),
    bool: (BOOL,),
}
_SCALAR_NAMES: dict[type, tuple[str, str, str]] = {
    str: ("a string", "strings", "string"),
    int: ("an integer", "integers", "integer"),
    float: ("a number", "numbers", "number"),
    bool: ("true or false", "booleans", "boolean"),
}


@dataclasses.dataclass(frozen=True, eq=False)
class LiteralSchema(Schema):
    values: tuple[Any, ...]

    kinds = frozenset({"scalar"})

    def convert(self, node: Node, path: KeyPath = ()) -> Any:
        if isinstance(node, ScalarNode) and not is_null(node):
            value = node.value if node.tag == STR else scalar_value(node)
            for choice in self.values:
                if type(choice) is type(value) and choice == value:
                    return choice
        raise self.mismatch(node, path)

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)

    def plural(self) -> str:
        return "values among " + ", ".join(repr(v) for v in self.values)

    def choices(self) -> tuple[str, ...]:
        return tuple(v for v in self.values if isinstance(v, str))

    def json(self) -> dict[str, Any]:
        if len(self.values) == 1:
            return {"const": self.values[0]}
        return {"enum": list(self.values)}


@dataclasses.dataclass(frozen=True, eq=False)
class AnySchema(Schema):
    kinds = frozenset({"scalar", "list", "mapping", "null"})

    def convert(self, node: Node, path: KeyPath = ()) -> Any:
        return _plain(node, path, 0)

    def describe(self) -> str:
        return "a value"

    def json(self) -> dict[str, Any]:
        return {}


def _plain(node: Node, path: KeyPath, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise SchemaError(node, path, f"is nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, SequenceNode):
        return tuple(_plain(item, (*path, i), depth + 1) for i, item in enumerate(node.value))
    if isinstance(node, MappingNode):
        return {k: _plain(v, (*path, k), depth + 1) for k, _kn, v in pairs(node, path)}
    return scalar_value(node)
