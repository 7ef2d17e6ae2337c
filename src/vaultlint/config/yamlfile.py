"""Reading a configuration file into YAML nodes: YAML 1.2 core schema, with every line kept.

A config is *composed* into nodes (not loaded into Python values) so that every key and value
keeps its line, and so that values can be built according to the type the schema declares.

Scalars are resolved as YAML 1.2's core schema resolves them, the way notes' frontmatter is read
(``parse/frontmatter.py``) and the way YAML language servers read the file against the JSON
Schema: ``yes``/``no``/``on``/``off`` and ``2025-01-01`` are strings; ``true``/``false``
booleans; ``42``, ``0x1f``, ``0o17`` integers; ``1.5``, ``1e3``, ``.inf`` floats; ``~``,
``null`` and an empty value null. The one extension is YAML 1.1's merge key (``<<: *base``),
which configurations use to share settings between rules.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal, NamedTuple

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

try:  # libyaml's parser: the resolver below stays in Python either way
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


TAG = "tag:yaml.org,2002:"
STR, NULL, BOOL, INT, FLOAT, MERGE = (
    TAG + t for t in ("str", "null", "bool", "int", "float", "merge")
)

_INT_RE = r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
_FLOAT_RE = (
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN"
)


class Resolver12(BaseResolver):
    """YAML 1.2 core schema implicit tags (plus the merge key ``<<``)."""


Resolver12.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
    (BOOL, r"true|True|TRUE|false|False|FALSE\Z", "tTfF"),
    (INT, rf"(?:{_INT_RE})\Z", "-+0123456789"),
    (FLOAT, rf"(?:{_FLOAT_RE})\Z", "-+.0123456789"),
    (NULL, r"(?:~|null|Null|NULL|)\Z", ["~", "n", "N", ""]),
    (MERGE, r"<<\Z", "<"),
):
    Resolver12.add_implicit_resolver(_tag, re.compile(_regexp), list(_first))


class Loader12(_Parser, SafeConstructor, Resolver12):  # type: ignore[misc,valid-type]
    """libyaml's parser and composer with the YAML 1.2 core resolver; safe construction only."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        SafeConstructor.__init__(self)
        Resolver12.__init__(self)


def compose(text: str) -> Node | None:
    """The node tree of one YAML document (None when empty); raises ``yaml.YAMLError``."""
    loader = Loader12(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def line(node: Node) -> int:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL


def scalar_value(node: ScalarNode) -> Any:
    """The Python value of a scalar, as YAML 1.2 reads it; a value that does not fit an
    explicit tag (``!!int abc``) or an unknown tag keeps its text."""
    text, tag = node.value, node.tag
    if tag == NULL:
        return None
    if tag == BOOL:
        return {"true": True, "false": False}.get(text.lower(), text)
    if tag == INT:
        try:
            if text.startswith(("0o", "0x")):
                return int(text[2:], 8 if text[1] == "o" else 16)
            return int(text, 10)
        except ValueError:
            return text
    if tag == FLOAT:
        special = text.lstrip("+-").lower()
        if special in (".inf", ".nan"):
            value = math.inf if special == ".inf" else math.nan
            return -value if text.startswith("-") else value
        try:
            return float(text)
        except ValueError:
            return text
    return text


def shown(node: Node) -> str:
    """How a value is named in a message: ``'three'``, ``3``, ``null``, ``a list``."""
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    if node.tag == NULL:
        return "null"
    if node.tag == STR or getattr(node, "style", None):
        return f"'{node.value}'"
    return str(node.value)


# --- mappings: merge keys applied, duplicates refused --------------------------------------


class KeyValue(NamedTuple):
    """One entry of a mapping: the key's text, the key's node and the value's node."""

    key: str
    key_node: Node
    value_node: Node


class MappingProblem(Exception):
    """Why the entries of a mapping cannot be read, at ``node``; the caller words the message
    (the loader and the option schema say it each in their own sentence).

    ``kind``: ``merge-source`` (a merge key whose value is not a mapping or a list of them, or
    merges a mapping into itself), ``merge-depth`` (merge keys nested deeper than allowed),
    ``key-type`` (a key that is not a scalar), ``duplicate`` (``key`` given twice, first at
    line ``first_line``).
    """

    def __init__(
        self,
        node: Node,
        kind: Literal["merge-source", "merge-depth", "key-type", "duplicate"],
        key: str = "",
        first_line: int = 0,
    ) -> None:
        super().__init__(node, kind, key, first_line)
        self.node = node
        self.kind = kind
        self.key = key
        self.first_line = first_line


def pairs(node: MappingNode, max_depth: int, _seen: frozenset[int] = frozenset()) -> list[KeyValue]:
    """The entries of a mapping, merge keys (``<<``) applied — merged keys first, as in
    PyYAML, and explicit keys win — and duplicate keys refused; raises
    :class:`MappingProblem`. Keys are their text."""
    explicit: list[KeyValue] = []
    merged: list[KeyValue] = []
    first_line: dict[str, int] = {}
    inner = _seen | {id(node)}
    for key_node, value_node in node.value:
        if key_node.tag == MERGE:
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, MappingNode) or id(source) in inner:
                    raise MappingProblem(source, "merge-source")
                if len(inner) > max_depth:
                    raise MappingProblem(source, "merge-depth")
                merged.extend(pairs(source, max_depth, inner))
            continue
        if not isinstance(key_node, ScalarNode):
            raise MappingProblem(key_node, "key-type")
        key = key_node.value
        if key in first_line:
            raise MappingProblem(key_node, "duplicate", key, first_line[key])
        first_line[key] = line(key_node)
        explicit.append(KeyValue(key, key_node, value_node))
    seen = set(first_line)
    result: list[KeyValue] = []
    for item in merged:
        if item.key not in seen:
            seen.add(item.key)
            result.append(item)
    return result + explicit
