"""libyaml's event parser and PyYAML's event classes, for :mod:`vaultlint.parse.frontmatter`.

Kept apart and imported on first use: flat frontmatter (:mod:`vaultlint.parse.flat_yaml`) is
read without YAML, so a run whose notes all have flat frontmatter (one edited note, what
pre-commit runs) never imports PyYAML, whose import compiles its reader's character class (a
few milliseconds of start-up).
"""

from __future__ import annotations

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.reader import ReaderError

try:  # libyaml: ~20x faster than the pure-Python parser
    from yaml._yaml import CParser as Parser

    PARSER_COUNTS_BYTES = True  # only for ReaderError.position; marks count characters
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    Parser = yaml.SafeLoader
    PARSER_COUNTS_BYTES = False

#: the pure-Python parser (no nesting limit of its own)
SafeLoader = yaml.SafeLoader
MarkedYAMLError = yaml.MarkedYAMLError

__all__ = [
    "PARSER_COUNTS_BYTES",
    "AliasEvent",
    "DocumentStartEvent",
    "MappingEndEvent",
    "MappingStartEvent",
    "MarkedYAMLError",
    "Parser",
    "ReaderError",
    "SafeLoader",
    "ScalarEvent",
    "SequenceEndEvent",
    "SequenceStartEvent",
    "StreamEndEvent",
]
