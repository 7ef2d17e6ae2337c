"""Schemas of structures: lists (``tuple[X, ...]``, ``list[X]``, ``frozenset[X]``), mappings
with any keys (``dict[str, X]``), dataclasses (a mapping whose keys are the fields) and unions."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vaultlint.config.schema.base import KeyPath, Schema, SchemaError, kind_of, pairs, suggest
from vaultlint.config.schema.scalars import NullSchema, ScalarSchema
from vaultlint.config.yamlfile import STR, is_null, shown


@dataclasses.dataclass(frozen=True, eq=False)
class ListSchema(Schema):
    item: Schema
    as_set: bool = False

    @property
    def kinds(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset({"list"}) | (self.item.kinds & {"scalar"} if self.item.leaf() else set())

    def convert(self, node: Node, path: KeyPath = ()) -> Any:
        if isinstance(node, SequenceNode):
            items = node.value
        elif self.item.leaf() and isinstance(node, ScalarNode) and not is_null(node):
            items = [node]  # a single value is a one-item list
        else:
            raise self.mismatch(node, path)
        values = []
        texts = isinstance(self.item, ScalarSchema) and self.item.type is str
        for i, item in enumerate(items):
            if texts and isinstance(item, ScalarNode) and item.tag == STR and not item.value:
                # no list of strings has a use for '' (a name, key, heading, glob or format
                # that is empty matches nothing, or everything: `forbidden: [""]`)
                raise SchemaError(
                    item, path, f"must be a list of non-empty strings, not {shown(item)}"
                )
            try:
                values.append(self.item.convert(item, (*path, i)))
            except SchemaError as exc:
                if self.item.leaf():  # reported as the list's, at the item
                    raise SchemaError(
                        exc.node,
                        path,
                        f"must be {self.describe()}, not {shown(exc.node)}{_hint_of(exc)}",
                    ) from None
                raise
        return frozenset(values) if self.as_set else tuple(values)

    def describe(self) -> str:
        return "a list of " + self.item.plural()

    def plural(self) -> str:
        return "lists"

    def choices(self) -> tuple[str, ...]:
        return self.item.choices()

    def leaf(self) -> bool:
        return False

    def json(self) -> dict[str, Any]:
        item = self.item.json()
        if isinstance(self.item, ScalarSchema) and self.item.type is str:
            item = {**item, "minLength": 1}
        array: dict[str, Any] = {"type": "array", "items": item}
        if self.item.leaf():
            return {"anyOf": [array, item]}
        return array


def _hint_of(exc: SchemaError) -> str:
    """The `` (did you mean …)`` / `` (quote it …)`` tail of a mismatch, if any."""
    at = exc.problem.rfind(" (")
    return exc.problem[at:] if at != -1 and exc.problem.endswith(")") else ""


@dataclasses.dataclass(frozen=True, eq=False)
class DictSchema(Schema):
    """A mapping with any keys (their text), each value of one schema."""

    value: Schema

    kinds = frozenset({"mapping"})

    def convert(self, node: Node, path: KeyPath = ()) -> Any:
        if not isinstance(node, MappingNode):
            raise self.mismatch(node, path)
        return {key: self.value.convert(v, (*path, key)) for key, _k, v in pairs(node, path)}

    def describe(self) -> str:
        return "a mapping"

    def plural(self) -> str:
        return "mappings"

    def leaf(self) -> bool:
        return False

    def json(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": self.value.json()}


@dataclasses.dataclass(frozen=True)
class FieldSchema:
    """One key of a :class:`StructSchema`: its schema, whether it must be given, its doc."""

    name: str
    schema: Schema
    required: bool
    doc: str
    default: Any = None


@dataclasses.dataclass(frozen=True, eq=False)
class StructSchema(Schema):
    """A dataclass: a mapping whose keys are its fields."""

    cls: type
    fields: dict[str, FieldSchema]

    kinds = frozenset({"mapping"})

    def convert(self, node: Node, path: KeyPath = ()) -> Any:
        if not isinstance(node, MappingNode):
            raise self.mismatch(node, path)
        values = self.convert_pairs(pairs(node, path), path)
        missing = [n for n, f in self.fields.items() if f.required and n not in values]
        if missing:
            raise SchemaError(node, path, f"needs key '{missing[0]}'")
        return self.build(values, node, path)

    def convert_pairs(
        self, entries: Iterable[tuple[str, Node, Node]], path: KeyPath
    ) -> dict[str, Any]:
        """The fields' values from ``(key, key node, value node)``; unknown keys refused."""
        values: dict[str, Any] = {}
        for key, key_node, value_node in entries:
            spec = self.fields.get(key)
            if spec is None:
                raise self.unknown_key(key_node, key, path)
            values[key] = spec.schema.convert(value_node, (*path, key))
        return values

    def unknown_key(self, key_node: Node, key: str, path: KeyPath) -> SchemaError:
        hint = suggest(key, self.fields) or (
            " (its keys: " + ", ".join(self.fields) + ")" if self.fields else " (it has no keys)"
        )
        return SchemaError(key_node, path, f"has unknown key '{key}'{hint}")

    def build(self, values: dict[str, Any], node: Node, path: KeyPath) -> Any:
        try:
            return self.cls(**values)
        except (TypeError, ValueError) as exc:  # a __post_init__ refusing the combination
            raise SchemaError(node, path, f"is invalid: {exc}") from None

    def describe(self) -> str:
        return "a mapping" + (" (keys: " + ", ".join(self.fields) + ")" if self.fields else "")

    def plural(self) -> str:
        return "mappings" + (" (keys: " + ", ".join(self.fields) + ")" if self.fields else "")

    def leaf(self) -> bool:
        return False

    def json(self) -> dict[str, Any]:
        return {
            "type": "object",
            **({"description": _doc(self.cls)} if _doc(self.cls) else {}),
            "properties": self.json_properties(),
            **(
                {"required": [n for n, f in self.fields.items() if f.required]}
                if any(f.required for f in self.fields.values())
                else {}
            ),
            "additionalProperties": False,
        }

    def json_properties(self) -> dict[str, Any]:
        result = {}
        for name, spec in self.fields.items():
            schema = dict(spec.schema.json())
            if spec.doc:
                schema["description"] = spec.doc
            if not spec.required and spec.default is not None and _jsonable(spec.default):
                schema["default"] = _json_value(spec.default)
            result[name] = schema
        return result


@dataclasses.dataclass(frozen=True, eq=False)
class UnionSchema(Schema):
    members: tuple[Schema, ...]

    @property
    def kinds(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset().union(*(m.kinds for m in self.members))

    def convert(self, node: Node, path: KeyPath = ()) -> Any:
        kind = kind_of(node)
        candidates = [m for m in self.members if kind in m.kinds]
        if len(candidates) == 1:
            try:
                return candidates[0].convert(node, path)
            except SchemaError as exc:
                if exc.node is node and exc.path == path and exc.problem.startswith("must be "):
                    raise self.mismatch(node, path) from None  # name the whole union
                raise
        for member in candidates:
            try:
                return member.convert(node, path)
            except SchemaError:
                continue
        raise self.mismatch(node, path)

    def describe(self) -> str:
        parts = [m.describe() for m in self.members if not isinstance(m, NullSchema)]
        return " or ".join(parts) or "null"

    def plural(self) -> str:
        return " or ".join(m.plural() for m in self.members if not isinstance(m, NullSchema))

    def choices(self) -> tuple[str, ...]:
        return tuple(c for m in self.members for c in m.choices())

    def leaf(self) -> bool:
        return all(m.leaf() for m in self.members)

    def _takes_str(self) -> bool:
        return any(m._takes_str() for m in self.members)

    def json(self) -> dict[str, Any]:
        return {"anyOf": [m.json() for m in self.members]}


def _doc(cls: type) -> str:
    doc = cls.__doc__ or ""
    if doc.startswith(f"{cls.__name__}("):  # dataclass's generated signature: no doc
        return ""
    return " ".join(doc.split())


def _jsonable(value: Any) -> bool:
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, tuple | list | frozenset):
        return all(_jsonable(v) for v in value)
    return False


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple | list | frozenset):
        return [_json_value(v) for v in value]
    return value
