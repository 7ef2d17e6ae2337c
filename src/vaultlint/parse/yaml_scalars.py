"""Scalars of YAML 1.2's core schema, as the ``yaml`` library Obsidian bundles reads them.

Shared by the event-driven frontmatter reader (:mod:`vaultlint.parse.frontmatter`) and its fast
path for flat frontmatter (:mod:`vaultlint.parse.flat_yaml`), so that both resolve a scalar
the same way: dates stay strings, ``yes``/``no`` are strings, ``true``/``false`` booleans,
``0x1f``/``0o17`` integers, ``.inf`` a float, ``~``/``null``/empty null.
"""

from __future__ import annotations

import math
import re
from typing import Any

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_SPECIAL_FLOATS = {
    f"{sign}.{word}": value
    for word in ("inf", "Inf", "INF")
    for sign, value in (("", math.inf), ("+", math.inf), ("-", -math.inf))
} | {".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan}
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_NUMERIC_START = frozenset("0123456789+-.")
_WORD_START = frozenset("~nNtTfF")
RESOLVED_START = _NUMERIC_START | _WORD_START

_TAG_PREFIX = "tag:yaml.org,2002:"


def plain_value(value: str) -> Any:
    """The value of an untagged plain scalar (YAML 1.2 core schema)."""
    if not value:
        return None
    first = value[0]
    if first in _NUMERIC_START:
        return number_value(value, value)
    if first in _WORD_START:
        if value in _NULLS:
            return None
        return _BOOLS.get(value, value)
    return value


def number_value(value: str, default: Any) -> Any:
    if _INT.fullmatch(value):
        try:
            return int(value)
        except ValueError:  # more digits than int() accepts: JavaScript makes it a float
            return float(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    if value in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[value]
    if _HEX.fullmatch(value):
        return int(value[2:], 16)
    if _OCT.fullmatch(value):
        return int(value[2:], 8)
    return default


def tagged_value(tag: str, value: str, plain: bool) -> Any:
    """A scalar with an explicit tag; a value that does not fit its tag stays a string."""
    kind = tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else None
    if kind == "str" or tag == "!":
        return value
    if kind == "int":
        return number_value(value, value)
    if kind == "float":
        number = number_value(value, value)
        if type(number) is int:
            try:
                return float(number)
            except OverflowError:
                return math.inf if number > 0 else -math.inf
        return number
    if kind == "bool":
        return _BOOLS.get(value, value)
    if kind == "null":
        return None if value in _NULLS else value
    # unknown tag (!!timestamp, !!binary, !!python/..., !custom): read as if untagged
    return plain_value(value) if plain else value


def key_text(value: Any, source: str) -> str:
    """A mapping key as JavaScript makes it a property name."""
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return source  # a list or mapping used as a key: its text as written
