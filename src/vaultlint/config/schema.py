"""The option schema: one typed description of what a value may be, read from Python type hints.

A check declares its options as a frozen dataclass (``option(doc=…)`` fields). :func:`schema_for`
turns a type hint into a :class:`Schema` tree, once per type, and that one tree does both jobs:

* :meth:`Schema.convert` builds the Python value from a YAML node, strictly and recursively, or
  raises :class:`SchemaError` naming the node (its line), the key path inside the option
  (``properties.rating.type``) and the problem, with a did-you-mean where a near name exists;
* :meth:`Schema.json` is the same schema as JSON Schema (draft 2020-12), with the fields' docs as
  ``description`` — ``vaultlint schema`` prints the whole configuration's schema.

Types understood (anything else is a ``TypeError`` when the schema is built, so a check author
finds out at once): ``str``, ``int``, ``float`` (an integer is accepted), ``bool``, ``None``,
``Any`` (any YAML value, lists as tuples), ``Literal[...]`` (strings, integers, booleans),
unions (``str | Spec``, ``X | None``), ``tuple[X, ...]`` / ``list[X]`` / ``frozenset[X]`` (a YAML
list; lists become tuples), ``dict[str, X]`` / ``Mapping[str, X]`` (a mapping with any keys,
each value an ``X``) and dataclasses (a mapping whose keys are the fields: an unknown key or a
missing required field is an error).

Decisions:

* Scalars are typed as YAML 1.2 reads them (:mod:`vaultlint.config.yamlfile`), and a string
  option takes only a string: ``pattern: 2025`` and ``sections: [7]`` are errors that say to
  quote the value (``'2025'``), as a YAML language server validating against the JSON Schema
  would say. ``yes``/``on`` are strings in YAML 1.2, so ``sections: [On, Off]`` are two
  section names, and ``order: yes`` is not a boolean (write ``true``).
* A list of scalars also accepts a single scalar (``sections: Objective``); a list of mappings
  needs a list.
* An error inside a list of scalars is reported as the list's (``must be a list of strings``),
  at the offending item's line; inside mappings and lists of mappings, at the deepest key.
* A union first picks the members that can take the node's kind (scalar, list, mapping, null):
  when one can, its own error is the error (``str | Spec`` given a mapping reports the wrong key
  inside it); when several can and all fail, the error names the whole union.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import difflib
import functools
import types
from collections.abc import Iterable
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vaultlint.config.yamlfile import (
    BOOL,
    FLOAT,
    INT,
    NULL,
    STR,
    KeyValue,
    MappingProblem,
    is_null,
    scalar_value,
    shown,
)
from vaultlint.config.yamlfile import pairs as yamlfile_pairs

#: mappings and lists nested deeper than this inside one value are refused (recursive aliases)
MAX_DEPTH = 64

KeyPath = tuple[str | int, ...]
_NONE_TYPE = type(None)
_SEQUENCES = (tuple, list, frozenset, set, collections.abc.Sequence)
_MAPPINGS = (dict, collections.abc.Mapping)


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


# --- mappings: merge keys applied, duplicates refused --------------------------------------


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


# --- the schema tree -------------------------------------------------------------------------


def _kind(node: Node) -> str:
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
        if isinstance(node, ScalarNode) and node.tag in _ACCEPTED_TAGS[self.type]:
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


_ACCEPTED_TAGS: dict[type, tuple[str, ...]] = {
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
        for i, item in enumerate(items):
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
        array: dict[str, Any] = {"type": "array", "items": self.item.json()}
        if self.item.leaf():
            return {"anyOf": [array, self.item.json()]}
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
        kind = _kind(node)
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


# --- building schemas from type hints -------------------------------------------------------


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


@functools.cache
def schema_for(tp: Any) -> Schema:
    """The schema of a type hint (cached); ``TypeError`` for a type it cannot describe."""
    origin = get_origin(tp)
    if tp is _NONE_TYPE or tp is None:
        return NullSchema()
    if tp is Any:
        return AnySchema()
    if tp in _ACCEPTED_TAGS:
        return ScalarSchema(tp)
    if origin is Literal:
        return LiteralSchema(get_args(tp))
    if origin in (Union, types.UnionType):
        return UnionSchema(tuple(schema_for(a) for a in get_args(tp)))
    if origin in _SEQUENCES:
        args = [a for a in get_args(tp) if a is not Ellipsis]
        if len(args) > 1 or (origin is tuple and Ellipsis not in get_args(tp) and args):
            raise TypeError(f"fixed-length tuples are not an option type: {tp!r}")
        item = schema_for(args[0]) if args else AnySchema()
        return ListSchema(item, as_set=origin in (frozenset, set))
    if origin in _MAPPINGS:
        key, value = get_args(tp) or (str, Any)
        if key is not str:
            raise TypeError(f"mapping keys must be str: {tp!r}")
        return DictSchema(schema_for(value))
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return struct_schema(tp)
    raise TypeError(f"not an option type: {tp!r}")


@functools.cache
def struct_schema(cls: type) -> StructSchema:
    """The schema of an options dataclass (its ``init`` fields, with their ``doc`` metadata)."""
    hints = get_type_hints(cls)
    fields = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        default = None
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        fields[f.name] = FieldSchema(
            f.name, schema_for(hints[f.name]), required, f.metadata.get("doc", ""), default
        )
    return StructSchema(cls, fields)


def convert(node: Node, tp: Any, path: KeyPath = ()) -> Any:
    """The value of ``node`` as type ``tp``; raises :class:`SchemaError`."""
    return schema_for(tp).convert(node, path)


def options_from_data(cls: type, data: Any) -> Any:
    """An options dataclass from plain Python data (``{"sections": ["A"]}``), validated exactly
    as a config's YAML is: for tests and examples written as Python/YAML data."""
    import yaml

    from vaultlint.config.yamlfile import compose

    node = compose(yaml.safe_dump(data if data is not None else {}))
    assert node is not None
    return struct_schema(cls).convert(node)
