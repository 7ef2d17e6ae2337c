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
  needs a list. A list of strings holds no empty string: every such option (names, keys,
  headings, tags, globs, formats) has no use for one, and ``forbidden: [""]`` (found in every
  name) or ``sections: [""]`` would be a silent mistake; the JSON Schema says ``minLength: 1``.
* An error inside a list of scalars is reported as the list's (``must be a list of strings``),
  at the offending item's line; inside mappings and lists of mappings, at the deepest key.
* A union first picks the members that can take the node's kind (scalar, list, mapping, null):
  when one can, its own error is the error (``str | Spec`` given a mapping reports the wrong key
  inside it); when several can and all fail, the error names the whole union.

Modules: ``base`` (:class:`Schema`, :class:`SchemaError`, a mapping's entries), ``scalars``
(single values), ``structures`` (lists, mappings, dataclasses, unions); this one builds the
tree from type hints.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import functools
import types
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from yaml.nodes import Node

from vaultlint.config.schema.base import (
    MAX_DEPTH,
    KeyPath,
    Schema,
    SchemaError,
    dotted,
    pairs,
    suggest,
)
from vaultlint.config.schema.scalars import (
    ACCEPTED_TAGS,
    AnySchema,
    LiteralSchema,
    NullSchema,
    ScalarSchema,
)
from vaultlint.config.schema.structures import (
    DictSchema,
    FieldSchema,
    ListSchema,
    StructSchema,
    UnionSchema,
)

__all__ = [
    "MAX_DEPTH",
    "AnySchema",
    "DictSchema",
    "FieldSchema",
    "KeyPath",
    "ListSchema",
    "LiteralSchema",
    "NullSchema",
    "ScalarSchema",
    "Schema",
    "SchemaError",
    "StructSchema",
    "UnionSchema",
    "convert",
    "dotted",
    "options_from_data",
    "pairs",
    "schema_for",
    "struct_schema",
    "suggest",
]

_NONE_TYPE = type(None)
_SEQUENCES = (tuple, list, frozenset, set, collections.abc.Sequence)
_MAPPINGS = (dict, collections.abc.Mapping)


@functools.cache
def schema_for(tp: Any) -> Schema:
    """The schema of a type hint (cached); ``TypeError`` for a type it cannot describe."""
    origin = get_origin(tp)
    if tp is _NONE_TYPE or tp is None:
        return NullSchema()
    if tp is Any:
        return AnySchema()
    if tp in ACCEPTED_TAGS:
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
